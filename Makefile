# Booth POS: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_HOME ?= demo-home
SERVER_PORT ?= 8765
# Tests run in this many processes (pytest-xdist): many of them wait on subprocesses, servers
# and sockets rather than on the CPU. TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= 2

.PHONY: setup run test test-fast lint bench bundle deb clean

$(BIN)/booth-pos: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[terminal,server,dev]'
	touch $@

setup: $(BIN)/booth-pos

## Run the terminal on its embedded defaults: a demo booth (demo catalog, cashier 李娜
## PIN 2468) with its journal verified, a local central server it is enrolled with and
## syncs to, then the cashier's window when there is a display.
run: setup
	$(BIN)/booth-pos --home $(DEMO_HOME) demo --no-repeat
	$(BIN)/booth-pos --home $(DEMO_HOME) journal verify
	$(BIN)/python -m sync.demo --home $(DEMO_HOME) --port $(SERVER_PORT)

## Lint and run every test.
test: setup lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

## The quick run while working (under 90 s on 2 cores): everything but the SIGKILL loops,
## generated-input fuzzing, benchmarks, the kiosk package, the PostgreSQL side of server
## tests, the real-X-server window suite and the console's browser suite. `make test` (and
## CI) still runs them all.
test-fast: setup
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not slow and not fuzz and not bench and not packaging and not pg and not x11 and not browser"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Every speed figure of docs/benchmarks.md at its sizes (a few minutes): the terminal against
## raw SQLite, receipts, X/Z, the cashier screen, sync and the central server (PostgreSQL
## when reachable). The code is in benchmarks/, outside the product.
bench: setup
	$(BIN)/python -m benchmarks

## The kiosk package (docs/deployment.md): `make bundle` builds the PyInstaller folder
## dist/bundle/booth-pos; `make deb` packs it as dist/booth-pos_VERSION_ARCH.deb.
$(BIN)/pyinstaller: pyproject.toml $(BIN)/booth-pos
	$(BIN)/python -m pip install -q -e '.[terminal,packaging]'
	touch $@

bundle: $(BIN)/pyinstaller
	rm -rf dist/bundle
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist/bundle \
		--workpath build/pyinstaller packaging/booth-pos.spec

deb: bundle
	$(BIN)/python packaging/build_deb.py

clean:
	rm -rf $(VENV) $(DEMO_HOME) build dist *.egg-info .pytest_cache .ruff_cache
