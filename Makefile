# Everything a fresh Debian machine needs: `make site` builds the demo site, `make test` runs every test.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-8)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install site test lint tools node vendor bench clean

$(STAMP): pyproject.toml
	@$(PY) -c 'import venv, ensurepip' 2>/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv python3-pip; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

site: $(STAMP) vendor
	$(BIN)/ducha validate
	$(BIN)/ducha build

lint: $(STAMP)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy

# Test tools from Debian: chromium for the site (no browser download), CJK fonts for readable
# screenshots, LibreOffice and poppler to render the DOCX documents to PDF and PNG, git-lfs for attachments in Git LFS,
# nginx (and openssl for its password file) to serve the published site as an office does.
tools:
	@command -v chromium >/dev/null && command -v soffice >/dev/null && command -v pdftoppm >/dev/null && \
		command -v git-lfs >/dev/null && { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null && \
		command -v openssl >/dev/null && fc-list :lang=zh | grep -q . || { $(SUDO) apt-get update -qq && \
		$(SUDO) apt-get install -y -qq chromium fonts-noto-cjk libreoffice-writer-nogui poppler-utils git-lfs nginx openssl >/dev/null; }

# Node.js and npm from Debian when missing (for the form page's packages and the form test).
node:
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }

# The form page's npm packages (Decap CMS and its YAML reader), pinned by version and SHA-256 in
# generator/ducha/outputs/cms/vendor.txt, fetched with npm as tarballs into .vendor/ (never committed); every
# build checks each tarball's sum again and takes the page's files out of it.
vendor: node
	.ci/npm-vendor

# decap-server for the form test, at the versions and checksums of its package-lock.json.
DECAP_SERVER := tests/decap-server/node_modules/.package-lock.json
$(DECAP_SERVER): tests/decap-server/package-lock.json | node
	cd tests/decap-server && npm ci --no-audit --no-fund --ignore-scripts --silent

# Every test, then the installed wheel against a records-only repository (.ci/wheel-smoke).
test: lint tools vendor $(DECAP_SERVER)
	$(BIN)/pytest -q
	.ci/wheel-smoke

bench: $(STAMP)
	cd benchmarks && for b in bench_*.py; do ../$(BIN)/python $$b; done

clean:
	rm -rf $(VENV) site-build .pytest_cache .mypy_cache .vendor tests/decap-server/node_modules
