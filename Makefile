# Everything a fresh Debian machine needs: `make site` builds the demo site, `make test` runs every test.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-8)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install site test lint unit smoke soak coverage tools node vendor decap-server form bench clean

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

# decap-server for the form test and `ducha serve --form` (the form's local trial), at the versions and checksums of its package-lock.json.
DECAP_SERVER := tests/decap-server/node_modules/.package-lock.json
$(DECAP_SERVER): tests/decap-server/package-lock.json | node
	cd tests/decap-server && npm ci --no-audit --no-fund --ignore-scripts --silent

decap-server: $(DECAP_SERVER)

# The demo with its form page, in one command: the site previewed on this machine (http://127.0.0.1:8000/) and
# the form (/admin/) talking to a local decap-server that commits to this repository's cms/… branches.
form: $(STAMP) vendor $(DECAP_SERVER)
	$(BIN)/ducha serve --form

# Every test: lint, the suite and the wheel's smoke test side by side (the wheel's install mostly waits on the
# package index, the suite on browsers and subprocesses), each one's output printed whole as it ends; any
# failure fails `make test`.
test:
	@$(MAKE) --no-print-directory -j3 --output-sync=target lint unit smoke

# The suite in two processes per core (pytest-xdist), naming the ten slowest tests: half of the suite's time is
# spent waiting on browsers, servers and subprocesses, which the second process per core fills. Each test file goes
# whole to one process (--dist loadfile), so its module fixtures (a built site, a browser) are made once, and the
# files with long tests go first (tests/conftest.py). The soak runs' small variants are in it; their long ones are
# in `make soak`.
WORKERS ?= $(shell echo $$(( 2 * $$(nproc) )))
unit: $(STAMP) tools vendor $(DECAP_SERVER)
	$(BIN)/pytest -q -n $(WORKERS) --dist loadfile --durations=10 -m "not soak"

# The long runs of the generated tests: hundreds of valid offices through every command, thousands of pull
# requests judged by the guard and by its model (GUARD_MODEL_PRS, default 5000). Tens of minutes.
soak: $(STAMP) tools vendor $(DECAP_SERVER)
	$(BIN)/pytest -q -n auto -p no:cacheprovider -m soak

# The installed wheel, in a virtual environment of its own, against a records-only repository.
smoke: vendor
	.ci/wheel-smoke

# Line and branch coverage of ducha, in the test processes and every Python subprocess they start (`ducha serve`,
# the CI scripts; pyproject's [tool.coverage.run]); fails below 90% of either. Apart from `make test`: tracing
# costs CPU, and on Python 3.11 a thread that starts while another installs its trace function can die
# (CPython issue 98257), failing a test that has nothing wrong.
coverage: $(STAMP) tools vendor $(DECAP_SERVER)
	rm -rf build/coverage
	$(BIN)/coverage run -m pytest -q -n auto -p no:cacheprovider -m "not soak"
	$(BIN)/coverage combine -q
	$(BIN)/coverage report --skip-covered --sort=cover
	$(BIN)/coverage json -q -o build/coverage/coverage.json
	$(BIN)/python .ci/coverage-figures build/coverage/coverage.json 90

bench: $(STAMP)
	cd benchmarks && for b in bench_*.py; do ../$(BIN)/python $$b; done

clean:
	rm -rf $(VENV) site-build .pytest_cache .mypy_cache .vendor tests/decap-server/node_modules
