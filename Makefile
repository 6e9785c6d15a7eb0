# Two commands on a fresh machine:  `make run` (set up + start the app), `make test` (set up + run the tests).
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test setup setup-test syscheck guicheck bench lint clean

syscheck:
	@tools/check-system-deps

# Qt's platform plugin comes with PySide6, so its libraries are checked twice: from a Debian 12
# list before the download, then with `ldd` on the installed plugin.
guicheck:
	@tools/check-system-deps --qt xcb

$(VENV)/.app-installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	@touch $@

$(VENV)/.test-installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(VENV)/.app-installed $@

setup: guicheck $(VENV)/.app-installed
	@tools/check-system-deps --qt xcb --venv $(VENV)

setup-test: syscheck $(VENV)/.test-installed
	@tools/check-system-deps --qt offscreen --venv $(VENV)

run: setup
	$(VENV)/bin/voicecoach

test: setup-test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

lint: setup-test
	$(VENV)/bin/ruff check voicecoach tests bench

bench: setup-test
	$(PY) bench/accuracy.py
	$(PY) bench/speed.py

clean:
	rm -rf $(VENV) build *.egg-info
