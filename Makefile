# Siang: two commands on a fresh machine.
#   make demo   create .venv, install, run the whole pipeline on the bundled sample, serve API + dashboard
#   make test   create .venv, install, start the services tests need, run every test, stop them
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test check lint format install sample clean dashboard

BERTOPIC := bertopic>=0.16,<0.18

# A lean CPU install: BERTopic goes in with --no-deps (its documented light-weight install),
# so neither torch nor CUDA comes with it; pyproject.toml lists what it needs instead.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "make: installing Siang and its dependencies into $(VENV) (about a minute with pip's cache warm)"
	@$(PY) -m pip install --quiet --upgrade pip
	@# setuptools' build warnings go to a log, shown only if the install fails
	@$(PY) -m pip install --quiet -e '.[dev]' > $(VENV)/install.log 2>&1 \
	  || { cat $(VENV)/install.log; echo "make: the install failed (log above)"; exit 1; }
	@$(PY) -m pip install --quiet --no-deps '$(BERTOPIC)'
	@$(PY) -c "import bertopic, domain" && echo "make: installed ($$(du -sh $(VENV) | cut -f1))"
	touch $(STAMP)

install: $(STAMP)

# The dashboard bundle (ECharts and the map, from package-lock.json); skipped when current.
dashboard:
	dashboard/build.sh

demo: $(STAMP) dashboard
	$(VENV)/bin/siang demo

test: $(STAMP) dashboard
	PYTHON=$(PY) services/test.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: lint test
	$(VENV)/bin/mypy domain ingest crawlers enrich topics storage linking tracking campaigns complaints alerts api pipeline cli

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

sample: $(STAMP)
	$(PY) -m sample_data.synth

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
