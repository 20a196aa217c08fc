"""Answering questions over an index: retrieval, answer spans, the pipeline and the CLI."""
