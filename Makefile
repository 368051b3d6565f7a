# Two entry points: `make run` and `make test`. Both set up .venv first when needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.photoclip-installed

# Where this machine caps torch (a pip constraints file naming the builds it has on
# disk), pin exactly those builds; elsewhere take pip's normal choice.
PIP_CONSTRAINTS := /etc/xdg/pip/constraints.txt
TORCH_SPEC := $(shell [ -f $(PIP_CONSTRAINTS) ] && sed -n 's/^\(torch\|torchvision\)<=\(.*\)$$/\1==\2/p' $(PIP_CONSTRAINTS) | tr '\n' ' ')
ifeq ($(strip $(TORCH_SPEC)),)
TORCH_SPEC := torch torchvision
endif

.PHONY: run test setup screenshots bench clean desktop

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@if ! $(PY) -m pip --version >/dev/null 2>&1; then \
	  $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	    echo "photoclip needs Python 3.11 or newer, and '$(PYTHON)' is missing or older: run make again with PYTHON=python3.12 (or the newer one you have)" >&2; exit 1; }; \
	  rm -rf $(VENV); $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	    echo "could not make $(VENV) with $(PYTHON): install its venv module (Debian, Ubuntu: apt install python3-venv), then run make again" >&2; exit 1; }; \
	fi
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(TORCH_SPEC)
	$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m photoclip.gui $(ARGS)

# PYTEST_EXIT_FILE: where to write pytest's own exit status, which make turns into 2 (.ci/run reads it)
test: $(STAMP)
	@rc=0; QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q $(PYTEST_ARGS) || rc=$$?; \
	  [ -z "$(PYTEST_EXIT_FILE)" ] || echo $$rc > "$(PYTEST_EXIT_FILE)"; exit $$rc

# The app in the desktop's menu, started from this checkout's .venv (which is on no PATH).
APPLICATIONS ?= $(HOME)/.local/share/applications
ICONS ?= $(HOME)/.local/share/icons/hicolor/scalable/apps
desktop: $(STAMP)
	@mkdir -p $(APPLICATIONS) $(ICONS)
	sed 's|^Exec=.*|Exec="$(abspath $(VENV))/bin/photoclip-gui"|' installers/linux/photoclip.desktop > $(APPLICATIONS)/photoclip.desktop
	install -m644 resources/icons/photoclip.svg $(ICONS)/photoclip.svg

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m photoclip.gui.screenshots docs/screenshots

bench: $(STAMP)
	for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
