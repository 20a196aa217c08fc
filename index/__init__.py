"""Building and storing the passage index: load, clean, split, embed, store, update."""

import os

# onnxruntime writes a device id and a telemetry database under $XDG_CACHE_HOME/Microsoft when it is
# imported; this tool writes nothing outside the index and its data folder. Set before any import of it.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
