"""JSON bounded before it is parsed: an index's own files and the JSON exports it reads.

Python's parser recurses once a level, so a crafted `terms.json` or `manifest.json`, or an export or one JSON
Lines record, nested 100,000 deep raised RecursionError (a traceback) from inside it; the depth is measured
first, outside strings, in linear time.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

_STEP = np.zeros(256, dtype=np.int8)
_STEP[[ord("["), ord("{")]], _STEP[[ord("]"), ord("}")]] = 1, -1
_QUOTE = ord('"')
_CHUNK = 2**16  # bytes looked at a time, so the pass holds the text's bytes and little more


def too_deep(text: str | bytes, limit: int) -> bool:
    """Whether JSON text nests more than `limit` deep: brackets outside strings, counted in one linear pass.

    Escaped backslashes, then escaped quotes, are taken out, so every quote left opens or closes a string
    (up to the first error, where the parser stops too).
    """
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    codes = np.frombuffer(data.replace(b"\\\\", b"").replace(b'\\"', b""), dtype=np.uint8)
    depth, inside = 0, False
    for at in range(0, codes.size, _CHUNK):
        part = codes[at:at + _CHUNK]
        strings = np.logical_xor.accumulate(part == _QUOTE)  # True from an opening quote to before its close
        if inside:
            strings = ~strings
        steps = _STEP[part]
        steps[strings] = 0
        running = np.cumsum(steps, dtype=np.int32) + depth
        if int(running.max()) > limit:
            return True
        depth, inside = int(running[-1]), bool(strings[-1])
    return False


def load_json(path: Path, deepest: int) -> object:
    """The JSON value in a file; ValueError when it is not JSON or nests deeper than `deepest`; OSError as raised."""
    data = path.read_bytes()
    if too_deep(data, deepest):
        raise ValueError(f"{path} nests deeper than {deepest}")
    return json.loads(data.decode("utf-8"))  # UnicodeDecodeError is a ValueError too
