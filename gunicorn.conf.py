"""gunicorn's settings for Casetracker (Dockerfile and docker-compose run `gunicorn -c gunicorn.conf.py`).

Each value can be changed by the environment variable named beside it; docs/deployment.md
explains the choices.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers, one request each: 3 is gunicorn's rule of thumb (2 × cores + 1) for a small
# server. WEB_CONCURRENCY is the variable gunicorn and most platforms already use.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A request still running after this many seconds has its worker killed and restarted. Every
# request we serve (dossier PDFs included) finishes well within it; it bounds a stuck one.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Restart each worker after about this many requests (the jitter keeps them from restarting
# together), so a slow leak in a library cannot grow for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
accesslog = "-"
# The access log's client address is the proxy's; the app's own log has the real one
# (TRUSTED_PROXY_COUNT), so gunicorn's line keeps no more than method, path and status.
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(L)ss'
