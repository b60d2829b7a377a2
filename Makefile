# Two commands for a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run test install lint sample bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## Start the app on the embedded SQLite database (sample data loaded on first start), on this
## computer only unless ARGS says otherwise, e.g. ARGS="--server.address 0.0.0.0
## --server.allowedHosts qbr.example.com"; refuses open access beyond this computer.
run: $(STAMP)
	$(PY) -m smarketing_data init
	$(PY) -m ui.access.serve $(ARGS)

## Run every test: lint, types, unit, real engines, CLI.
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy smarketing_data ui app_pages
	$(PY) -m pytest -n 2 -q

## Rewrite sample_data/ from the generator.
sample: $(STAMP)
	$(PY) -m smarketing_data.sample sample_data

bench: $(STAMP)
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
