# Two commands do everything on a fresh clone: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test check lint format bench bench-pages browser postgres clean-data

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

# The app creates data/ and the demo store itself on first start (DESCONTO_DEMO=0 to skip the demo data).
# The launcher checks the store first and refuses, in pt-BR, to start on a store it cannot use.
run: $(VENV)/.installed
	$(PY) -m ui.launcher --port $(PORT)

# Browser tests launch Debian's chromium; `playwright install` cannot download browsers here.
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# The store, use-case and AppTest tests run on DuckDB and on PostgreSQL (issue 18): without a
# DESCONTO_TEST_PG of your own, a throwaway server from Debian's packages is started in a
# temporary folder on a free port for the run, and stopped at the end. Work stealing keeps both
# workers busy to the end (the browser sweeps take up to two minutes each): 585 s against 690.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; }

test: $(VENV)/.installed-test browser postgres lint
	@if [ -n "$$DESCONTO_TEST_PG" ]; then $(PY) -m pytest -n 2 --dist worksteal -q; \
	else $(PY) -m tests.pg_server run -- $(PY) -m pytest -n 2 --dist worksteal -q; fi

# The fast part, before each commit (under a minute): lint, formatting, types, unit tests.
check: lint
	$(PY) -m pytest -n 2 -q tests/unit

# Lint, formatting and the type checker (mypy reads lib/ and ui/ from pyproject.toml).
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

# One table of every figure beside its raw-SQL floor (issue 17); BENCH_ARGS=--ten-million
# --db10 FILE adds the 10M store. The older per-page scripts: make bench-pages.
bench: $(VENV)/.installed-test
	$(PY) -m bench.suite $(BENCH_ARGS)

bench-pages: $(VENV)/.installed-test
	$(PY) -m bench.tickets_page
	$(PY) -m bench.charts_page
	$(PY) -m bench.customer_search
	$(PY) -m bench.login_timing
