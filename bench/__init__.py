"""The benchmarks: each prints one JSON line; run one from the repository root with `python -m bench.NAME`."""
