# SessionDesk: `make up` runs the embedded instance; `make test` runs the whole suite.
PORT ?= 8000
HOME_DIR ?= instance
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: up test lint format install browsers clean lock

$(STAMP): requirements.lock pyproject.toml
	@test -x $(VENV)/bin/python || $$(scripts/find-python.sh) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.lock
	$(VENV)/bin/pip install -q --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

up: $(STAMP)
	$(VENV)/bin/sessiondesk up --port $(PORT) --home $(HOME_DIR)

browsers:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

test: $(STAMP) browsers
	scripts/test.sh $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(VENV)/bin/ruff check --fix src tests bench
	$(VENV)/bin/ruff format src tests bench

lock: $(STAMP)
	$(VENV)/bin/pip-compile -q --no-emit-index-url --no-emit-find-links --extra dev --strip-extras -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) instance test-artifacts
