"""Creating, checking and revoking API tokens."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import DatabaseError, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.prepared import PreparedRead
from apps.core.services import version_bump
from apps.tokens.models import ApiToken

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "ct_"
# Record use at most once a minute: a write on every request would serialize busy clients on
# one row for a timestamp nobody needs to the second.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def api_token_create(
    *,
    user: AbstractBaseUser,
    scope: str = ApiToken.Scope.READ,
    name: str = "",
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the record and the token, which is never stored."""
    if scope not in ApiToken.Scope.values:
        raise ValidationError(
            {"scope": _("Choose one of %(choices)s.") % {"choices": ", ".join(ApiToken.Scope.values)}}
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    # 32 random bytes: guessing is hopeless, so a fast unsalted hash is enough to store it.
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        user=user,
        name=name,
        scope=scope,
        expires_at=expires_at,
        prefix=token[: len(TOKEN_PREFIX) + 6],
        key_hash=token_hash(token),
    )
    record.full_clean()
    record.save()
    return record, token


@functools.cache  # the models' fields, read once: this runs on every API request
def _token_fields() -> tuple[list[str], list[str]]:
    return (
        [field.attname for field in ApiToken._meta.concrete_fields],
        [field.attname for field in get_user_model()._meta.concrete_fields],
    )


def _token_row(key_hash: str):
    token_fields, user_fields = _token_fields()
    return ApiToken.objects.filter(key_hash=key_hash).values(
        *token_fields, *(f"user__{name}" for name in user_fields)
    )


# Every API request looks its token up: compiled once (apps.core.prepared), not on each request.
_TOKEN_WITH_USER = PreparedRead(_token_row, key_hash=str)


def _token_with_user(key_hash: str) -> ApiToken | None:
    # The token and its user as select_related("user") would load them: every field of both.
    rows = _TOKEN_WITH_USER.rows(key_hash=key_hash)
    if not rows:
        return None
    row, alias = rows[0], router.db_for_read(ApiToken)
    token_fields, user_fields = _token_fields()
    record = ApiToken.from_db(alias, token_fields, [row[name] for name in token_fields])
    record.user = get_user_model().from_db(alias, user_fields, [row[f"user__{name}"] for name in user_fields])
    return record


def api_token_authenticate(*, token: str) -> ApiToken | None:
    """The active token matching ``token``, or None.

    The lookup is by hash, so the database compares digests and not the secret itself; the
    final compare_digest keeps the check constant-time even if the index returned a near miss.
    """
    digest = token_hash(token)
    record = _token_with_user(digest)
    if record is None or not hmac.compare_digest(record.key_hash, digest):
        return None
    if not record.is_active or not record.user.is_active:
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at > LAST_USED_RESOLUTION:
        try:
            # A savepoint: the failed write must not break a transaction the request is in.
            with transaction.atomic():
                # Bookkeeping, not an edit: the version stays, or an admin revoking a token
                # would be told it changed every time the token was used.
                ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        except DatabaseError as exc:
            # The timestamp only accompanies the request; on a read-only database (a replica,
            # maintenance) the read must still be served.
            logger.warning("Could not record the use of API token %s: %s", record.prefix, exc)
        else:
            record.last_used_at = now
    return record


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token now; it stops working on the next request."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        with transaction.atomic():
            version_bump(record=token)
            token.save(update_fields=["revoked_at", "updated_at"])
    return token
