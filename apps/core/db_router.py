"""Reads to the read replica, writes to the primary (DATABASE_REPLICA_URL; docs/deployment.md).

Installed by the settings only when a replica is configured. A replica lags the primary by a
little, so three rules keep every answer true to what the user just did:

- everything inside a transaction (``transaction.atomic``: every service that writes, and the
  reads it makes before writing) runs on the primary, where its locks and checks mean something;
- writes go to the primary, and once a request (or a worker's task) has written, its later
  reads go to the primary too until the request ends — a save followed by a redirect or a
  response that reads the record back never sees the replica's older copy;
- migrations run on the primary only; the replica follows it by replication.
"""

from __future__ import annotations

import threading

from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_state = threading.local()


def _forget_writes(**kwargs) -> None:
    _state.wrote = False


request_started.connect(_forget_writes, dispatch_uid="db-router-forget-writes-start")
request_finished.connect(_forget_writes, dispatch_uid="db-router-forget-writes-end")


# The database cache's table (the cache without REDIS_URL): throttle counts and lock-outs are
# read where they are written, and counting a request is no reason to pin it to the primary.
BOOKKEEPING = {"django_cache"}


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            model._meta.app_label in BOOKKEEPING
            or getattr(_state, "wrote", False)
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        if model._meta.app_label not in BOOKKEEPING:
            _state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The same data on both: a record read from the replica may point at one from the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
