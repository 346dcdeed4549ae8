# SessionDesk: `make up` runs the embedded instance; `make test` runs the whole suite.
PORT ?= 8000
HOME_DIR ?= instance
VENV := .venv
STAMP := $(VENV)/.installed
PY_DIRS := src tests bench zoom-emulator

.PHONY: up test lint format install browsers clean lock

$(STAMP): requirements.lock pyproject.toml zoom-emulator/pyproject.toml
	@test -x $(VENV)/bin/python || $$(scripts/find-python.sh) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.lock
	$(VENV)/bin/pip install -q --no-deps -e ./zoom-emulator
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
	$(VENV)/bin/ruff check $(PY_DIRS)
	$(VENV)/bin/ruff format --check $(PY_DIRS)
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(VENV)/bin/ruff check --fix $(PY_DIRS)
	$(VENV)/bin/ruff format $(PY_DIRS)

# zoom-emulator comes from ./zoom-emulator, never from an index: it is resolved from a wheel built
# here and kept out of the lock (listed with pip and setuptools as not pinned), so that
# `pip install -r requirements.lock` installs only third-party packages.
lock: $(STAMP)
	wheels=$$(mktemp -d) && trap 'rm -rf "$$wheels"' EXIT && \
	$(VENV)/bin/pip wheel -q --no-deps -w "$$wheels" ./zoom-emulator && \
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile -q --no-emit-index-url --no-emit-find-links \
		--find-links "$$wheels" --unsafe-package pip --unsafe-package setuptools --unsafe-package zoom-emulator \
		--extra dev --strip-extras -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) instance test-artifacts
