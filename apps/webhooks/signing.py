"""Signing webhook payloads the Standard Webhooks way (https://www.standardwebhooks.com/).

Each POST carries three headers:

- ``webhook-id``: the delivery's id, the same on every retry (a receiver keeps the ids it has
  handled and ignores a repeat);
- ``webhook-timestamp``: seconds since the epoch when this attempt was signed (a receiver
  refuses one more than a few minutes away from its clock, so a captured request cannot be
  replayed later);
- ``webhook-signature``: ``v1,`` and the base64 HMAC-SHA256, keyed with the subscription's
  secret, of ``"{id}.{timestamp}.{body}"`` — the body exactly as sent.

A secret is ``whsec_`` and base64 of 32 random bytes; the key is those bytes. During a
rotation a receiver may hold two secrets: the header may then carry several signatures,
separated by spaces, any one of which verifying is enough (we send one). docs/api.md shows a
receiver's check in a few lines of Python; :func:`verify` is the same check, used by the tests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

SECRET_PREFIX = "whsec_"
TOLERANCE_SECONDS = 5 * 60


class SignatureInvalid(Exception):
    """The request was not signed with this secret, or is too old or too new."""


def secret_new() -> str:
    """A fresh signing secret: ``whsec_`` and base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value for ``body``: ``v1,<base64 HMAC-SHA256>``."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(*, secret: str, msg_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The three signing headers of one attempt."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret=secret, msg_id=msg_id, timestamp=timestamp, body=body),
    }


def verify(*, secret: str, headers: dict[str, str], body: bytes, now: float | None = None) -> None:
    """Check a received request as a receiver does; SignatureInvalid if it does not hold."""
    lowered = {name.lower(): value for name, value in headers.items()}
    msg_id = lowered.get("webhook-id", "")
    try:
        timestamp = int(lowered.get("webhook-timestamp", ""))
    except ValueError:
        raise SignatureInvalid("no timestamp") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise SignatureInvalid("timestamp too far from now")
    expected = signature(secret=secret, msg_id=msg_id, timestamp=timestamp, body=body).split(",", 1)[1]
    for candidate in lowered.get("webhook-signature", "").split():
        version, _comma, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return
    raise SignatureInvalid("no signature matches")
