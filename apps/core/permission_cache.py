"""A user's permissions from the shared cache, so that an API request does not read them anew.

Every API request authenticates a fresh user object, and its first ``has_perm`` made Django's
``ModelBackend`` read the user's and the groups' permissions: two queries and their ORM work
on every call (issue 12, "cached permission lookups"). :func:`prime` fills the caches
``ModelBackend`` keeps on the user object (``_user_perm_cache``, ``_group_perm_cache``,
``_perm_cache``) from one cache read instead.

Never stale: an entry is used only if it was written under the current *generation*, a random
value that every change of a user's groups or permissions, a group's permissions, a group, a
permission or a user writes anew once its transaction commits (:func:`bump`). An entry written
by a request that read the old permissions carries the old generation and is never used. If
the cache loses the generation, no entry matches and the permissions are read again.
"""

from __future__ import annotations

import logging
import uuid

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

GENERATION_KEY = "permissions:generation"
ENTRY_TIMEOUT = 600  # seconds; the generation, not the timeout, is what keeps entries right


def _entry_key(user) -> str:
    return f"permissions:user:{user.pk}"


def prime(user) -> None:
    """Give ``user`` (an active, signed-in user just loaded) its permissions from the cache,
    or read them once and cache them. A superuser or an inactive user needs none."""
    if (
        user is None
        or not getattr(user, "is_authenticated", False)
        or not user.is_active
        or user.is_superuser
    ):
        return
    if hasattr(user, "_perm_cache"):
        return
    found = cache.get_many([GENERATION_KEY, _entry_key(user)])
    generation = found.get(GENERATION_KEY)
    entry = found.get(_entry_key(user))
    if generation is not None and entry is not None and entry[0] == generation:
        _generation, user_perms, group_perms = entry
        user._user_perm_cache, user._group_perm_cache = set(user_perms), set(group_perms)
        user._perm_cache = {*user._user_perm_cache, *user._group_perm_cache}
        return
    backend = ModelBackend()
    user_perms, group_perms = backend.get_user_permissions(user), backend.get_group_permissions(user)
    user._perm_cache = {*user_perms, *group_perms}
    if generation is None:
        generation = uuid.uuid4().hex
        # add, not set: a generation written meanwhile by a change wins over this one.
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            return
    cache.set(_entry_key(user), (generation, sorted(user_perms), sorted(group_perms)), timeout=ENTRY_TIMEOUT)


def bump(**_signal_kwargs) -> None:
    """Make every cached entry stale, once the change that calls it is committed (a signal
    receiver: apps.core.apps connects it)."""
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None))


def bump_after_migrate(**_signal_kwargs) -> None:
    """After ``migrate``: a roles migration changed permissions through historical models, whose
    signals :func:`bump` never hears. A cache not yet usable (its table not made) holds nothing."""
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception as exc:  # noqa: BLE001 - any backend's failure: there is nothing cached to spoil
        logger.warning("Could not renew the permissions' generation after migrate: %s", exc)
