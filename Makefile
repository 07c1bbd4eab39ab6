# Two commands do everything on a fresh clone: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint format bench browser clean-data

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

# The app creates data/ and the demo store itself on first start (DESCONTO_DEMO=0 to skip the demo data).
run: $(VENV)/.installed
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true

# Browser tests launch Debian's chromium; `playwright install` cannot download browsers here.
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

test: $(VENV)/.installed-test browser
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n 2 -q

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

bench: $(VENV)/.installed-test
	$(PY) -m bench.tickets_page
	$(PY) -m bench.charts_page
	$(PY) -m bench.customer_search
