# Booth POS: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_HOME ?= demo-home
SERVER_PORT ?= 8765

.PHONY: setup run test lint bench bundle deb clean

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
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Speed figures against raw SQLite: catalog of 100,000 products, receipt sizes, X/Z reports.
bench: setup
	$(BIN)/booth-pos bench --products 100000
	$(BIN)/booth-pos bench-receipt
	$(BIN)/booth-pos bench-shift

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
