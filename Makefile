# Two commands matter: `make run` and `make test`. Everything else is for maintainers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Local runs are development runs; production sets DEBUG/SECRET_KEY itself (see README).
DEV_ENV := DEBUG=$${DEBUG:-1}

.PHONY: install translations messages system-packages run test lint format migrations-check seed-fixtures check

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed translations

# The translations (locale/*/LC_MESSAGES/django.po) compiled to the .mo files Django reads. The
# .mo files are built, never committed (.gitignore); msgfmt comes from gettext
# (system-packages.txt). compilemessages skips a catalogue whose .mo is up to date.
I18N_ENV := DJANGO_SETTINGS_MODULE=tests.settings
translations: $(VENV)/.installed
	$(I18N_ENV) $(PY) manage.py compilemessages --ignore .venv -v0

# After adding or changing strings: refresh the Russian catalogue from the code and the
# templates, then translate what `msgattrib --untranslated` lists (docs/translation.md).
messages: $(VENV)/.installed
	$(I18N_ENV) $(PY) manage.py makemessages -l ru --add-location file \
	  --ignore '.venv/*' --ignore 'tests/*' --ignore 'benchmarks/*' --ignore 'staticfiles/*' \
	  --ignore 'test-artifacts/*' --ignore 'fixtures/*' --ignore 'docs/*' --ignore 'scripts/*'
	@untranslated=$$(msgattrib --untranslated --no-obsolete locale/ru/LC_MESSAGES/django.po | grep -c '^msgid'); \
	 fuzzy=$$(msgattrib --only-fuzzy --no-obsolete locale/ru/LC_MESSAGES/django.po | grep -c '^msgid'); \
	 n=$$(( (untranslated > 0 ? untranslated - 1 : 0) + (fuzzy > 0 ? fuzzy - 1 : 0) )); \
	 if [ "$$n" -gt 0 ]; then echo "$$n string(s) to translate or check (untranslated or fuzzy): see docs/translation.md"; \
	 else echo "Every string is translated."; fi

# Pango, fonts, pandoc and the rest of system-packages.txt; installs what is missing (apt-get).
system-packages:
	@bash scripts/system-packages.sh

# The Dossier button needs the PDF libraries, so run installs the same list as test.
run: system-packages install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	# The shared cache's table (migrate makes it too; this also covers a database first migrated with REDIS_URL set).
	$(DEV_ENV) $(PY) manage.py createcachetable
	$(DEV_ENV) $(PY) manage.py load_seed
	$(DEV_ENV) $(PY) manage.py ensure_local_admin
	@echo "Serving on http://127.0.0.1:$(PORT)/admin/"
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Of the shell's settings variables only DATABASE_URL reaches the tests (tests/settings.py).
test: system-packages install
	$(PY) -m pytest $(PYTEST_ARGS)

# lint-imports checks the layers between the apps (contracts in pyproject.toml).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: install
	# The test settings carry throwaway keys, so no secret is needed to compare models and migrations.
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run

# Rebuild fixtures/seed.json from ../shared/seeds and fixtures/seed_spec.yaml in a scratch database.
SEEDS ?= ../shared/seeds
SEED_DB := sqlite:///$(CURDIR)/.seed-build.sqlite3
seed-fixtures: install
	rm -f .seed-build.sqlite3
	$(DEV_ENV) DATABASE_URL=$(SEED_DB) $(PY) manage.py migrate --noinput -v0
	$(DEV_ENV) DATABASE_URL=$(SEED_DB) $(PY) manage.py build_seed_fixtures --seeds $(SEEDS) --output fixtures/seed.json
	rm -f .seed-build.sqlite3

check: lint migrations-check test
