# Everything a fresh Debian machine needs: `make site` builds the demo site, `make test` runs every test.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-8)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site test lint tools bench clean

$(STAMP): pyproject.toml
	@$(PY) -c 'import venv, ensurepip' 2>/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv python3-pip; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

site: $(STAMP)
	$(BIN)/ducha validate
	$(BIN)/ducha build

lint: $(STAMP)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy

# Test tools from Debian: chromium for the site (no browser download), CJK fonts for readable
# screenshots, LibreOffice and poppler to render the DOCX documents to PDF and PNG.
tools:
	@command -v chromium >/dev/null && command -v soffice >/dev/null && command -v pdftoppm >/dev/null && \
		fc-list :lang=zh | grep -q . || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq \
		chromium fonts-noto-cjk libreoffice-writer-nogui poppler-utils >/dev/null; }

# Every test, then the installed wheel against a records-only repository (.ci/wheel-smoke).
test: lint tools
	$(BIN)/pytest -q
	.ci/wheel-smoke

bench: $(STAMP)
	cd benchmarks && for b in bench_*.py; do ../$(BIN)/python $$b; done

clean:
	rm -rf $(VENV) site-build .pytest_cache .mypy_cache
