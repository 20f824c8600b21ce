# The production image: the app under gunicorn, static files served by WhiteNoise.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings, not secrets: throwaway keys for this build step only.
RUN SECRET_KEY=build-only-not-secret SALT_KEY=build-only-not-secret AUDIT_KEY=build-only-not-secret python manage.py collectstatic --noinput

RUN useradd --system --home /app casetracker && chown -R casetracker /app
USER casetracker

EXPOSE 8000
# Workers, timeout and worker recycling: gunicorn.conf.py (docs/deployment.md).
CMD ["gunicorn", "-c", "gunicorn.conf.py", "casetracker.wsgi:application"]
