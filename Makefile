# The few targets a newcomer needs. `make run` and `make test` work on a fresh clone.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format migrations-check bench bench-load bench-search bench-render \
	bench-sitemap bench-faults bench-notices bench-lists bench-search-http bench-ocr \
	bench-ocr-throughput clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The checkers the suite runs on public pages (tests/tools/package.json): axe-core in the browser
# tests, the Nu Html Checker run with Java. Fetched here once, so that the tests run offline.
TOOLS := tests/tools/node_modules/.installed

$(TOOLS): tests/tools/package.json
	cd tests/tools && npm install --no-package-lock --no-audit --no-fund --ignore-scripts
	touch $(TOOLS)

run: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py import_issue sample/page-export-2024-10-22.txt \
		--date 2024-10-22 --publish --replace --discard-edits --pages paper/fixtures/sample_pages
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# The suite runs with debug off, as in production; the key below exists only for tests.
test: $(STAMP) $(TOOLS)
	DJANGO_SECRET_KEY=test-only-not-secret $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

migrations-check: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Imports a year of generated day files into a throw-away test database and prints files/s.
bench: $(STAMP)
	DJANGO_SECRET_KEY=bench-only-not-secret $(BIN)/python bench/import_year.py $(BENCH_ARGS)

# Serves a generated archive (PostgreSQL, database yantai_load, filled on the first run) with
# gunicorn and loads it with wrk for about three minutes; BENCH_ARGS="--help" lists the options.
bench-load: $(STAMP)
	DJANGO_SECRET_KEY=bench-only-not-secret $(BIN)/python bench/load.py $(BENCH_ARGS)

# Times each search query class against a plain icontains scan on the archive DATABASE_URL names
# (PostgreSQL, filled by generate_archive); BENCH_ARGS="--help" lists the options.
bench-search: $(STAMP)
	DJANGO_SECRET_KEY=bench-only-not-secret $(BIN)/python bench/search.py $(BENCH_ARGS)

# Renders the sample page PDFs and two 300 dpi scans as attaching a file does; prints the
# median time of each step and the sizes of the images.
bench-render: $(STAMP)
	$(BIN)/python bench/render_pages.py $(BENCH_ARGS)

# Times the sitemap index and files on a million articles, filling the database DATABASE_URL
# names first (use a scratch one: the rows stay for the next run).
bench-sitemap: $(STAMP)
	DJANGO_SECRET_KEY=bench-only-not-secret $(BIN)/python bench/sitemap.py $(BENCH_ARGS)

# Times every list, JSON list and sitemap file through gunicorn (page cache off) on the archive
# DATABASE_URL names (PostgreSQL, filled by generate_archive); prints p50/p95/max per URL.
bench-lists: $(STAMP)
	DJANGO_SECRET_KEY=bench-only-not-secret $(BIN)/python bench/lists.py $(BENCH_ARGS)

# Times /search/, /articles/?q= and /notices/?q= through gunicorn (page cache off) on queries
# drawn from the archive DATABASE_URL names (PostgreSQL, filled by generate_archive) with a fixed
# seed: substrings, two words, holders, number tails, strings found nowhere; prints p50/p95/max
# per query class and URL, and exits non-zero on a 5xx or a traceback in the server's log.
bench-search-http: $(STAMP)
	DJANGO_SECRET_KEY=bench-only-not-secret $(BIN)/python bench/search_http.py $(BENCH_ARGS)

# What readers see while PostgreSQL restarts under gunicorn. It STOPS THE MACHINE'S POSTGRESQL
# for --down seconds: run it only on a machine of your own.
bench-faults: $(STAMP)
	DJANGO_SECRET_KEY=bench-only-not-secret $(BIN)/python bench/faults.py $(BENCH_ARGS)

# Imports every case of the notice corpus (tests/notices/corpus) into a throw-away test database
# and prints, field by field, how many notices the import read right; BENCH_ARGS="--verbose"
# lists every mismatch, BENCH_ARGS="--case ID" runs one case.
bench-notices: $(STAMP)
	DJANGO_SECRET_KEY=bench-only-not-secret $(BIN)/python bench/notices_accuracy.py $(BENCH_ARGS)

# Reads typeset, scanned pages with the OCR in-process and with two Celery workers against the
# real brokers (Redis database 8, RabbitMQ when it answers), in a throw-away test database on the
# PostgreSQL DATABASE_URL names; prints pages per minute. BENCH_ARGS="--help" lists the options.
bench-ocr-throughput: $(STAMP)
	DJANGO_SECRET_KEY=bench-only-not-secret $(BIN)/python bench/ocr_throughput.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles test-artifacts tests/tools/node_modules

# Reads pages whose text is known (the sample issue's PDFs and broadsheets typeset from the
# sample and from generated articles, 300 dpi), clean and degraded, with RapidOCR and tesseract,
# runs the layout, and prints character error rate, headlines found, article boundaries and
# notices right, and seconds per page; BENCH_ARGS="--help" lists the options. Takes a while.
bench-ocr: $(STAMP)
	DJANGO_SECRET_KEY=bench-only-not-secret $(BIN)/python bench/ocr_accuracy.py $(BENCH_ARGS)
