# The two commands of the README: `make demo` (set up and run the dashboard with demo data)
# and `make test` (set up and run the full test suite). Both create .venv on first use.

VENV ?= .venv
PYTHON ?= python3
SHARED_GEO := $(abspath ../shared/geo/cartomap-nl/wgs84)
ifeq ($(origin ETVI_GEO_DIR), undefined)
  ifneq ($(wildcard $(SHARED_GEO)),)
    export ETVI_GEO_DIR := $(SHARED_GEO)
  endif
endif

.PHONY: demo test install benchmark clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(VENV)/bin/etvi demo

test: $(VENV)/.installed
	@pg_url=$$(bash .ci/setup-system) && \
	  ETVI_TEST_POSTGRES_URL=$${ETVI_TEST_POSTGRES_URL:-$$pg_url} $(VENV)/bin/pytest $(PYTEST_ARGS)

# Every benchmark runs, also after one missed a target (exit 1) or a precondition (exit 2, one
# Dutch line); make fails at the end with the highest exit code.
benchmark: $(VENV)/.installed
	@status=0; \
	for bench in etl_bench dashboard_bench aggregates_bench; do \
	  $(VENV)/bin/python benchmarks/$$bench.py; rc=$$?; [ $$rc -gt $$status ] && status=$$rc; \
	done; exit $$status

clean:
	rm -rf $(VENV) data/cache data/etvi.sqlite*
