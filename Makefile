# onemap — two set-up commands: `make demo` and `make test` (see README.md).
# Both install what is missing: Debian packages with apt when run as root (otherwise they print
# the exact command to run), a virtualenv in .venv with the project, then the embedded PostGIS.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8050

# Debian packages: the database (unless DATABASE_URL names one), and what the tests drive.
APT_PYTHON := python3 python3-venv python3-dev
APT_DB     := postgresql-15 postgresql-15-postgis-3 postgresql-15-postgis-3-scripts postgresql-client-15
APT_TEST   := chromium chromium-driver fonts-noto-cjk poppler-utils
APT_REPORT := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0

# $(call apt_ensure,PACKAGES,WHY): install missing Debian packages as root, else say what to run.
define apt_ensure
	@missing=""; \
	for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages ($(2)):$$missing"; \
	    apt-get update -q >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing >/dev/null || exit 1; \
	  else \
	    echo "missing Debian packages ($(2)):$$missing"; \
	    echo "install them with:  sudo apt-get install -y$$missing"; \
	    $(if $(3),echo "$(3)";) \
	    exit 1; \
	  fi; \
	fi
endef

.PHONY: help demo test secret setup system-db system-report system-test venv db-up lint typecheck clean-venv

help:
	@echo "make demo   install what is missing, start PostGIS, load the demo city, serve http://$(HOST):$(PORT)"
	@echo "make test   the same set-up, then the whole test suite"
	@echo "make lint   ruff and mypy"

demo: setup secret db-up
	$(BIN)/onemap demo generate --scale small --seed 1 --out data/demo
	$(BIN)/onemap etl load data/demo/manifest.yaml
	$(BIN)/onemap user demo
	@echo "sign in at http://$(HOST):$(PORT) with one of the users above"
	exec $(BIN)/onemap serve --host $(HOST) --port $(PORT)

# the deployment's own secret key (0600, git-ignored; the dashboard refuses to start without one)
secret: venv
	$(BIN)/onemap secret init

test: setup system-test db-up lint
	$(BIN)/pytest

setup: venv system-db system-report

system-db:
ifeq ($(strip $(DATABASE_URL)),)
	$(call apt_ensure,$(APT_DB),embedded PostGIS,or set DATABASE_URL to an existing PostGIS server)
else
	@echo "DATABASE_URL is set: using that server, no local PostGIS needed for the demo"
endif

system-report:
	$(call apt_ensure,$(APT_REPORT),weekly reports: CJK fonts and Pango for PDFs)

system-test:
	$(call apt_ensure,$(APT_DB) $(APT_TEST),tests: PostGIS$(comma) headless Chromium$(comma) CJK fonts$(comma) pdftotext)

comma := ,

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "Python 3.11 or newer is needed as $(PYTHON)"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q >/dev/null && apt-get install -y -q $(APT_PYTHON) >/dev/null; \
	  else echo "install it with:  sudo apt-get install -y $(APT_PYTHON)"; exit 1; fi; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q >/dev/null && apt-get install -y -q python3-venv >/dev/null; \
	  else echo "install it with:  sudo apt-get install -y python3-venv"; exit 1; fi; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

db-up: venv
	$(BIN)/onemap db up

lint: venv
	$(BIN)/ruff check common etl dashboard onemap tests benchmarks
	$(BIN)/ruff format --check common etl dashboard onemap tests benchmarks
	$(BIN)/mypy

clean-venv:
	rm -rf $(VENV)
