# The production image: the app under gunicorn, static files served by WhiteNoise.
# Debian 12 (bookworm), whose postgresql-client is 15: pg_dump/pg_restore (manage.py backup and
# restore) of the server's version, as in docker-compose.yml and CI.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings, not secrets: throwaway keys for this build step only.
RUN SECRET_KEY=build-only-not-secret SALT_KEY=build-only-not-secret python manage.py collectstatic --noinput

RUN useradd --system --home /app casetracker && chown -R casetracker /app \
    && mkdir -p /backups && chown casetracker /backups
USER casetracker

EXPOSE 8000
# Workers, timeout and worker recycling: gunicorn.conf.py (docs/deployment.md).
CMD ["gunicorn", "-c", "gunicorn.conf.py", "casetracker.wsgi:application"]
