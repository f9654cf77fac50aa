# The two commands of the README: `make demo` (set up and run the dashboard with demo data)
# and `make test` (set up and run the full test suite). Both create .venv on first use, from the
# lock file: requirements/dev.txt (exact versions with hashes; regenerate with `make lock`).

VENV ?= .venv
PYTHON ?= python3
LOCK ?= requirements/dev.txt
# uv (https://docs.astral.sh/uv/) writes the lock files; only `make lock` needs it.
UV_VERSION ?= 0.13.9
TOOLS ?= .tools
UV ?= $(TOOLS)/bin/uv
LOCK_FLAGS = --universal --python-version 3.11 --generate-hashes --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
SHARED_GEO := $(abspath ../shared/geo/cartomap-nl/wgs84)
ifeq ($(origin ETVI_GEO_DIR), undefined)
  ifneq ($(wildcard $(SHARED_GEO)),)
    export ETVI_GEO_DIR := $(SHARED_GEO)
  endif
endif

.PHONY: demo test install lock benchmark clean

# A fresh .venv whenever the lock changes, so it holds exactly what the lock says: the locked
# packages with their hashes checked, then the project itself (editable) without dependencies,
# built by the locked setuptools.
$(VENV)/.installed: $(LOCK) pyproject.toml setup.py
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --require-hashes --no-deps -r $(LOCK)
	$(VENV)/bin/pip install -q --no-deps --no-build-isolation -e .
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(VENV)/bin/etvi demo

test: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	@pg_url=$$(bash .ci/setup-system) && \
	  ETVI_TEST_POSTGRES_URL=$${ETVI_TEST_POSTGRES_URL:-$$pg_url} $(VENV)/bin/pytest $(PYTEST_ARGS)

# Re-resolve pyproject.toml's ranges into the lock files, keeping the current pins where they
# still fit (`make lock UPGRADE=1` moves everything to the newest allowed versions).
# requirements/dev.txt: every extra (dev and any later one), for make demo/test and CI;
# requirements/base.txt: the runtime only, same versions, for a server install.
lock: $(UV)
	$(UV) pip compile pyproject.toml requirements/build.in --all-extras $(LOCK_FLAGS) -o requirements/dev.txt
	$(UV) pip compile pyproject.toml requirements/build.in $(LOCK_FLAGS) -c requirements/dev.txt -o requirements/base.txt

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q uv==$(UV_VERSION)

# Every benchmark runs, also after one missed a target (exit 1) or a precondition (exit 2, one
# Dutch line); make fails at the end with the highest exit code. The load test runs short (10 s
# per part) on ETVI_TEST_POSTGRES_URL or the local PostgreSQL, else on SQLite with one server.
benchmark: $(VENV)/.installed
	@status=0; \
	for bench in etl_bench.py dashboard_bench.py aggregates_bench.py table_bench.py "load_bench.py --quick"; do \
	  $(VENV)/bin/python benchmarks/$$bench; rc=$$?; [ $$rc -gt $$status ] && status=$$rc; \
	done; exit $$status

clean:
	rm -rf $(VENV) data/cache data/etvi.sqlite*
