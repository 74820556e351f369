# 百千万工程驾驶舱 — the two commands of the README, and a few helpers.
#   make serve   set up .venv, build the demo store when missing, serve http://127.0.0.1:8050 (gunicorn)
#   make test    set up .venv, run the whole test suite (what .ci/run calls)

PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8050
STAMP  := $(VENV)/.installed

.PHONY: serve test install demo lint bench

# Re-install whenever pyproject.toml changes; the stamp records the last successful install.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Build the demo store only when the configured store is empty (no demo flag, no data yet);
# a store that already holds real data is never touched.
serve: $(STAMP)
	@if $(BIN)/python -c 'import sys; from data_access import store; store.configure(); \
	    sys.exit(0 if store.get_meta("demo") == "1" or store.data_version() > 0 else 1)'; \
	then echo "store present, not rebuilding the demo (run make demo to refresh it)"; \
	else $(BIN)/cockpit demo; fi
	$(BIN)/cockpit serve --host $(HOST) --port $(PORT)

# One worker per core; each test file stays on one worker (its module fixtures are built once).
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile

demo: $(STAMP)
	$(BIN)/cockpit demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python "$$script" || exit 1; done
