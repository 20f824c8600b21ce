# The production image: the app under gunicorn, static files served by WhiteNoise.
# Debian 12 (bookworm), whose postgresql-client is 15: pg_dump/pg_restore (manage.py backup and
# restore) of the server's version, as in docker-compose.yml and CI.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

# What the app needs at run time from system-packages.txt (the rest of that list is for tests):
# Pango, HarfBuzz and fontconfig for WeasyPrint's PDF dossiers, CJK fonts for Hangul and
# Cyrillic names, pandoc for DOCX dossiers, gettext to compile the translations, and
# pg_dump/pg_restore of the PostgreSQL version compose and CI run (manage.py backup/restore),
# tesseract with its Russian and Korean packs and pdftoppm for the documents' OCR.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
        fonts-noto-cjk pandoc gettext postgresql-client-15 \
        tesseract-ocr tesseract-ocr-rus tesseract-ocr-kor poppler-utils \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# gettext's msgfmt compiles the translations below (the .mo files are built, not committed).
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings, not secrets: throwaway keys for this build step only.
RUN SECRET_KEY=build-only-not-secret SALT_KEY=build-only-not-secret AUDIT_KEY=build-only-not-secret python manage.py collectstatic --noinput
# The Russian catalogue (locale/ru/LC_MESSAGES/django.po) into the django.mo Django reads.
RUN SECRET_KEY=build-only-not-secret SALT_KEY=build-only-not-secret AUDIT_KEY=build-only-not-secret python manage.py compilemessages --ignore .venv

RUN useradd --system --home /app casetracker && chown -R casetracker /app \
    && mkdir -p /backups && chown casetracker /backups
USER casetracker

EXPOSE 8000
# Workers, timeout and worker recycling: gunicorn.conf.py (docs/deployment.md).
CMD ["gunicorn", "-c", "gunicorn.conf.py", "casetracker.wsgi:application"]
