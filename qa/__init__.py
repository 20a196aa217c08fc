"""Answering questions over an index: retrieval, answer spans, the pipeline and the CLI."""

import index  # noqa: F401  (turns onnxruntime's telemetry off before the reader imports it)
