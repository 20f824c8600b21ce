"""Two-factor sign-in for staff: TOTP devices and recovery codes (django-otp).

Who needs it: every staff account that can see protected identities (and so generate ``full``
dossiers) or is a superuser must have a confirmed authenticator and use it at each sign-in;
any other staff account may enrol one, and once enrolled uses it too. A session that signed in
with the password alone is "half signed in": :class:`apps.access.middleware.SecondFactorMiddleware`
lets it reach only the pages that ask for the code or enrol a device, and the API's session
authentication ignores it. Bearer tokens (integrations) are not sessions and are not affected.

Wrong codes count toward the login lock-out like wrong passwords (django-axes), so a stolen
password does not give unlimited guesses at six digits. Recovery codes (ten, single use) are
django-otp's static tokens; they are shown once, when issued.
"""

from __future__ import annotations

import secrets

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.access.models import SignedInSession

RECOVERY_CODES = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def second_factor_required(user) -> bool:
    """Whether ``user`` must sign in with a second factor: staff who can see protected
    identities (or generate ``full`` dossiers, which needs the same permission), and superusers."""
    if not getattr(settings, "OTP_REQUIRED", True):
        return False
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.has_perm("people.view_protectedidentity")


def has_second_factor(user) -> bool:
    """Whether ``user`` has a confirmed authenticator (recovery codes alone do not count)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_pending(user) -> bool:
    """Whether ``user``'s session still has to give a code (or enrol) before it may do anything."""
    if not user.is_authenticated or user.is_verified():
        return False
    return second_factor_required(user) or user_has_device(user, confirmed=True)


@transaction.atomic
def totp_enrolment_start(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator for ``user`` (replacing any other unconfirmed one).

    It counts only once confirmed with a code it generated (:func:`totp_enrolment_confirm`),
    so a QR code shown and never scanned changes nothing.
    """
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm ``device`` with a code from the authenticator; returns new recovery codes, or
    None if the code is wrong (counted toward the lock-out).

    The new device replaces the user's earlier authenticators, and the session that confirmed
    it counts as signed in with it.
    """
    if not device.verify_token(_digits(token)):
        second_factor_failed(request=request, user=device.user)
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return recovery_codes_issue(user=device.user)


@transaction.atomic
def totp_device_enrol(*, user) -> tuple[TOTPDevice, list[str]]:
    """Enrol a confirmed authenticator for ``user`` by an administrator (``enrol_totp``,
    ``ensure_local_admin``): the caller hands the device's otpauth address to the user.

    Returns the device and fresh recovery codes; earlier devices stop working.
    """
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
    return device, recovery_codes_issue(user=user)


@transaction.atomic
def recovery_codes_issue(*, user) -> list[str]:
    """Ten new single-use recovery codes for ``user``; the earlier ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    # Ten characters from an unambiguous alphabet, shown in two groups: about 50 bits each.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = ["".join(secrets.choice(alphabet) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def second_factor_locked(*, request, user) -> bool:
    """Whether sign-in is locked for ``user`` or this address (passwords and codes alike)."""
    return not AxesProxyHandler.is_allowed(request, {settings.AXES_USERNAME_FORM_FIELD: user.get_username()})


def second_factor_failed(*, request, user) -> None:
    """Count a wrong code toward the lock-out, as Django counts a wrong password."""
    user_login_failed.send(
        sender=__name__, credentials={settings.AXES_USERNAME_FORM_FIELD: user.get_username()}, request=request
    )


def second_factor_wait(*, user) -> int:
    """Seconds ``user`` must wait before a code is checked again (django-otp slows guessing
    down: each wrong code doubles the wait), or 0."""
    from django.utils import timezone

    waits = []
    for device in TOTPDevice.objects.filter(user=user):
        allowed, details = device.verify_is_allowed()
        if not allowed and details and details.get("locked_until"):
            waits.append(max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1))
    return max(waits, default=0)


def second_factor_verify(*, request, token: str) -> bool:
    """Check a code (authenticator or recovery code) for the signed-in user and, if right, mark
    the session as signed in with that device. A wrong code counts toward the lock-out."""
    user = request.user
    # Six digits are the app's; anything else is a recovery code. Each goes to its own kind of
    # device only, so that using a recovery code does not count as a wrong app code.
    is_app_code = _digits(token).isdigit()
    code = _digits(token) if is_app_code else token.strip().replace("-", "").replace(" ", "").lower()
    kind = TOTPDevice if is_app_code else StaticDevice
    device = None
    with transaction.atomic():
        for candidate in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(candidate, kind) and candidate.verify_token(code):
                device = candidate
                break
    if device is None:
        second_factor_failed(request=request, user=user)
        return False
    otp_login(request, device)
    return True


@transaction.atomic
def second_factor_reset(*, user) -> None:
    """Remove ``user``'s authenticators and recovery codes and end their sessions (a lost
    phone): they enrol again at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user_sessions_end(user=user)


def user_session_remember(*, user, session: SessionBase) -> None:
    """Note the session ``user`` signed in with, so :func:`user_sessions_end` can find it."""
    if session.session_key:
        SignedInSession.objects.update_or_create(session_key=session.session_key, defaults={"user": user})


def user_sessions_end(*, user) -> int:
    """End every session ``user`` signed in with, on whatever session backend; returns how many."""
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(SignedInSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    SignedInSession.objects.filter(user=user).delete()
    return len(keys)


def otpauth_address(device: TOTPDevice) -> str:
    """The ``otpauth://`` address an authenticator app reads (as text or as a QR code)."""
    return device.config_url


def _digits(token: str) -> str:
    return "".join((token or "").split())
