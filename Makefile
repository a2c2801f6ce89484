# Two commands on a fresh machine with Python 3.11+ and make:  make run  /  make test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench schema coverage clean demo screenshots

# Install once; re-running does nothing until pyproject.toml or setup.py changes.
$(STAMP): pyproject.toml setup.py
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "mockinspect needs Python 3.11 or newer; set PYTHON=python3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/mockinspect

# The suite, then the frozen build and its smoke run (SKIP_PACKAGE=1 skips the build locally; CI never does).
test: $(STAMP) lint
	$(PY) -m pytest
	@if [ "$(SKIP_PACKAGE)" = "1" ]; then echo "SKIP_PACKAGE=1: the frozen build was not built or checked"; \
	else $(MAKE) --no-print-directory package-check; fi

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# Rewrite question_banks/schema/*.json from the models (a test fails while they differ).
schema: $(STAMP)
	$(VENV)/bin/mockinspect bank schema --kind bank > question_banks/schema/bank.schema.json
	$(VENV)/bin/mockinspect bank schema --kind scenario > question_banks/schema/scenario.schema.json
	$(VENV)/bin/mockinspect bank schema --kind documents > question_banks/schema/documents.schema.json

# Rewrite docs/coverage.md from the bundled banks (a test fails while it differs).
coverage: $(STAMP)
	$(VENV)/bin/mockinspect bank coverage --bundled --markdown -o docs/coverage.md

# A whole scripted mock inspection from the bundled banks to a findings PDF (no display needed).
demo: $(STAMP)
	$(VENV)/bin/mockinspect demo -o demo-report.pdf

# The window with a demo session under Xvfb (Debian: apt-get install xvfb), as PNGs in docs/screenshots/.
screenshots: $(STAMP)
	xvfb-run -a -s "-screen 0 1600x1000x24" $(PY) -m mockinspect.ui.screenshots docs/screenshots

# A one-folder PyInstaller build in dist/mockinspect/ (packaging/README.md has Windows and macOS).
package: $(STAMP)
	$(VENV)/bin/pyinstaller packaging/mockinspect.spec --noconfirm --distpath dist --workpath build/pyinstaller --log-level ERROR

# The frozen binary, offscreen: its version, the end-to-end smoke run, and a per-user install.
package-check: package
	QT_QPA_PLATFORM=offscreen dist/mockinspect/mockinspect --version
	QT_QPA_PLATFORM=offscreen dist/mockinspect/mockinspect --smoke
	packaging/linux/check-install.sh dist/mockinspect

bench: $(STAMP)
	@for b in benchmarks/[!_]*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache .hypothesis
