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

.PHONY: run test setup screenshots bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(TORCH_SPEC)
	$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m photoclip.gui $(ARGS)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q $(PYTEST_ARGS)

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m photoclip.gui.screenshots docs/screenshots

bench: $(STAMP)
	for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
