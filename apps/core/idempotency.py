"""Safe retries: the ``Idempotency-Key`` request header (IETF httpapi idempotency-key draft).

A client that sends a POST with ``Idempotency-Key: <key>`` and gets no answer (a timeout, a
dropped connection) sends it again with the same key. The first request with a key claims it
(a row with no status); when it succeeds its answer is stored, and every retry with the same key
and the same request gets that answer again, with nothing written a second time. Rules:

- keys are per user (token or session): another user's identical key is another key;
- the same key with another request (method, path or content) is refused (422);
- while the first request is still running, a retry is refused (409): retry a little later;
- only successful answers (2xx) are kept: after a refusal (4xx) nothing was written, so the key
  is released and a corrected retry with the same key runs afresh;
- keys are kept ``IDEMPOTENCY_KEY_HOURS`` (24): a user's expired keys are deleted whenever
  they claim a new one, and ``manage.py idempotency_prune`` deletes everyone's.

A claim is a row insert under a unique (user, key) constraint, so two requests racing with one
key cannot both run: the database lets one insert through.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.models import IdempotencyKey

# A claim older than this with no answer belongs to a request that died (a killed worker):
# a retry may take it over. Longer than any request may run (gunicorn's timeout).
ABANDONED_AFTER = dt.timedelta(minutes=5)
MAX_KEY_LENGTH = 255
REPLAYED_HEADERS = ("Content-Type", "Location", "ETag")


class KeyInFlight(Exception):
    """The first request with this key has no answer yet."""


@dataclass
class Claim:
    """The outcome of :func:`idempotency_claim`: a fresh claim, or the stored first answer."""

    row: IdempotencyKey
    fresh: bool


def key_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "IDEMPOTENCY_KEY_HOURS", 24))


def key_problem(value: str) -> str | None:
    """Why ``value`` is not a usable key, or None. The draft's sf-string quotes are optional."""
    if not value:
        return _("Idempotency-Key is empty: send a unique value, e.g. a UUID, for each new request.")
    if len(value) > MAX_KEY_LENGTH:
        return _("Idempotency-Key is %(length)d characters long; at most %(limit)d are kept.") % {
            "length": len(value),
            "limit": MAX_KEY_LENGTH,
        }
    if not value.isascii() or not value.isprintable():
        return _("Idempotency-Key must be printable ASCII.")
    return None


def key_value(header: str) -> str:
    """The key named by the header: ``"abc"`` (a structured-field string) and ``abc`` alike."""
    header = header.strip()
    if len(header) >= 2 and header[0] == header[-1] == '"':
        return header[1:-1]
    return header


def request_fingerprint(*, method: str, path: str, data, files=()) -> str:
    """SHA-256 of what a request asks for: method, path and content (parsed, so key order and
    JSON spacing do not count; an uploaded file by its bytes)."""
    digest = hashlib.sha256()
    digest.update(f"{method} {path}\n".encode())
    if hasattr(data, "lists"):  # form data: every value of every field, files aside
        data = {name: values for name, values in data.lists() if name not in dict(files)}
    digest.update(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode())
    for name, upload in sorted(files, key=lambda item: item[0]):
        digest.update(f"\nfile {name} {upload.name}\n".encode())
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


def idempotency_claim(*, user, key: str) -> Claim:
    """Claim ``key`` for ``user``'s request, or find the answer stored for it.

    Raises :class:`KeyInFlight` while the first request with the key is still running. Deletes
    the user's expired keys first (so an expired key is a new key).
    """
    now = timezone.now()
    IdempotencyKey.objects.filter(user=user, created_at__lt=now - key_lifetime()).delete()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return Claim(IdempotencyKey.objects.create(user=user, key=key, created_at=now), fresh=True)
        except IntegrityError:
            row = IdempotencyKey.objects.filter(user=user, key=key).first()
        if row is None:
            continue  # released between our insert and our read: try to claim it again
        if row.status is not None:
            return Claim(row, fresh=False)
        if row.created_at < now - ABANDONED_AFTER and IdempotencyKey.objects.filter(
            pk=row.pk, status__isnull=True, created_at=row.created_at
        ).update(created_at=now):
            row.created_at = now
            return Claim(row, fresh=True)
        raise KeyInFlight(key)
    raise KeyInFlight(key)


def idempotency_store(*, claim: Claim, fingerprint: str, status: int, headers: dict, body: bytes) -> None:
    """Keep the answer to a claimed key, for its retries."""
    row = claim.row
    row.fingerprint, row.status, row.headers, row.body = fingerprint, status, headers, body
    row.save(update_fields=["fingerprint", "status", "headers", "body"])


def idempotency_release(*, claim: Claim) -> None:
    """Give a key back after a request that stored nothing (refused, or failed)."""
    IdempotencyKey.objects.filter(pk=claim.row.pk, status__isnull=True).delete()


def idempotency_prune(*, now: dt.datetime | None = None) -> int:
    """Delete every key past its lifetime; returns how many."""
    now = now or timezone.now()
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=now - key_lifetime()).delete()
    return deleted
