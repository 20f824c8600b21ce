"""Which redaction levels a user may ask for: the one place this rule is decided."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from apps.cases.scoping import cases_revealing_identity
from apps.dossiers.models import Level


def dossier_levels_allowed(*, user: AbstractBaseUser | AnonymousUser | None, cases=()) -> list[str]:
    """The levels ``user`` may generate (for ``cases``, when given), most revealing first.

    Anyone who may see cases may hand out a ``legal`` or ``public`` dossier: neither shows a
    protected identity. ``full`` shows the protected identity, so it needs the same
    permission as reading it in the admin (people.view_protectedidentity), and every case
    must reveal its people's identity to the user: a case merely shared with them does not,
    unless the share says so (apps.cases.scoping.cases_revealing_identity).
    """
    if user is None or not user.is_active or not user.has_perm("cases.view_case"):
        return []
    levels = [Level.LEGAL.value, Level.PUBLIC.value]
    pks = {case.pk for case in cases}
    revealing = not pks or cases_revealing_identity(user).filter(pk__in=pks).count() == len(pks)
    if user.has_perm("people.view_protectedidentity") and revealing:
        levels.insert(0, Level.FULL.value)
    return levels


def dossier_level_check(*, user: AbstractBaseUser | AnonymousUser | None, level: str, cases=()) -> None:
    """Raise PermissionDenied unless ``user`` may generate a dossier of ``cases`` at ``level``."""
    if level not in dossier_levels_allowed(user=user, cases=cases):
        raise PermissionDenied(_("You may not generate a dossier at the “%(level)s” level.") % {"level": level})
