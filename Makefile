# Registry: `make run` to try it, `make test` to check everything. `make help` lists all.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
PG_URL ?= postgres://postgres@127.0.0.1:5432/registry
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-16)
APT_STAMP := $(VENV)/.apt-packages

.PHONY: help install system-packages messages migrate demo run worker lint test test-sqlite test-postgres bench bench-fingers bench-enrolment bench-proofs bench-audit clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

# PyICU (issue 15) compiles against libicu-dev: the Debian packages come first.
$(STAMP): pyproject.toml | system-packages
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) system-packages ## create .venv and install pinned dependencies

system-packages: ## install Debian packages the project needs (gettext, chromium, poppler-utils, ICU)
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	pkg-config --exists icu-i18n 2>/dev/null || missing="$$missing libicu-dev pkg-config"; \
	command -v g++ >/dev/null || missing="$$missing g++"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

messages: install ## compile translations (.po -> .mo)
	$(MANAGE) compilemessages --ignore=.venv -v 0

migrate: install ## apply database migrations
	$(MANAGE) migrate --no-input -v 0

demo: migrate messages ## load demo accounts and data
	$(MANAGE) demo_data

run: demo ## migrate, load demo data, serve http://127.0.0.1:8000 with a task worker and the scheduler
	$(MANAGE) collectstatic --no-input -v 0
	@# The worker and the scheduler are restarted whenever they stop, as systemd does in
	@# production (docs/operations.md); Ctrl-C stops everything.
	@trap 'kill 0' EXIT; \
	keep_running() { while true; do "$$@"; echo "make run: '$$3' stopped (exit $$?); restarting in 2 s" >&2; sleep 2; done; }; \
	keep_running $(MANAGE) db_worker --interval 1 & \
	keep_running $(MANAGE) scheduler & \
	$(MANAGE) runserver 127.0.0.1:8000

lint: install ## ruff, ruff format, mypy, makemigrations --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(MANAGE) makemigrations --check --dry-run -v 1
	$(MANAGE) program check programs/*.toml
	@# The 2002 Special Registration example must stay refused (exit 2).
	@$(MANAGE) program check programs/examples/special-registration-2002.toml 2>/dev/null; \
	  test $$? -eq 2 || { echo "special-registration-2002.toml was not refused"; exit 1; }

test-sqlite: install messages ## pytest on SQLite
	$(VENV)/bin/pytest -q

test-postgres: install messages ## pytest on PostgreSQL (127.0.0.1:5432)
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -q

test: lint test-sqlite test-postgres ## everything CI runs

bench: install ## run the intake benchmark on PostgreSQL
	DATABASE_URL=$(PG_URL)_bench $(PY) bench/intake.py

bench-fingers: install ## fingerprint quality (FMR/FNMR/EER) and 100k de-duplication benchmarks
	$(PY) bench/finger_quality.py
	$(PY) bench/dedup_finger.py

bench-enrolment: install ## one biometric enrolment: libraries alone vs capture + de-duplication service
	$(PY) bench/enrolment.py

bench-proofs: install ## proof verification vs bare Ed25519, issuance, QR generation
	$(PY) bench/verify.py

bench-audit: install ## audit log: verify 10M entries, appends/s vs plain INSERT (builds the log once)
	DATABASE_URL=$(PG_URL)_audit_bench $(PY) bench/audit.py

clean: ## remove the virtualenv and local data
	rm -rf $(VENV) var
