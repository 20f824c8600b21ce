"""The pages of the second sign-in step: give the code, or enrol an authenticator."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django import forms
from django.contrib import admin
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.access.lockout import lockout_response
from apps.access.two_factor import (
    has_second_factor,
    otpauth_address,
    second_factor_locked,
    second_factor_verify,
    second_factor_wait,
    totp_enrolment_confirm,
    totp_enrolment_start,
)

ENROLMENT_SESSION_KEY = "two_factor_enrolment_device"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "numeric"}),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def _context(request, **extra):
    return {**admin.site.each_context(request), "next": _next(request), **extra}


def _signed_in(view):
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(_next(request), reverse("admin:login"))
        if second_factor_locked(request=request, user=request.user):
            logout(request)
            return lockout_response(request)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


@never_cache
@sensitive_post_parameters("code")
@_signed_in
def verify(request):
    """Ask a signed-in account for its code; a wrong one counts toward the lock-out."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not has_second_factor(request.user):
        return redirect(f"{reverse('two_factor_enrol')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = second_factor_wait(user=request.user)
        if wait:
            form.add_error("code", _wait_message(wait))
        elif second_factor_verify(request=request, token=form.cleaned_data["code"]):
            return redirect(_next(request))
        elif second_factor_locked(request=request, user=request.user):
            logout(request)
            return lockout_response(request)
        else:
            form.add_error("code", _("That code is not right, or was already used. Codes change every 30 seconds."))
    return render(request, "access/two_factor_verify.html", _context(request, form=form, title=_("Second step")))


@never_cache
@sensitive_post_parameters("code")
@_signed_in
def enrol(request):
    """Enrol an authenticator: show its QR code and secret, confirm with a code it generated,
    then show the recovery codes once."""
    if has_second_factor(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': _next(request)})}")
    device = TOTPDevice.objects.filter(
        pk=request.session.get(ENROLMENT_SESSION_KEY), user=request.user, confirmed=False
    ).first()
    if device is None:
        device = totp_enrolment_start(user=request.user)
        request.session[ENROLMENT_SESSION_KEY] = device.pk
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = second_factor_wait(user=request.user)
        codes = None if wait else totp_enrolment_confirm(request=request, device=device, token=form.cleaned_data["code"])
        if codes is not None:
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            return render(
                request,
                "access/two_factor_recovery_codes.html",
                _context(request, codes=codes, title=_("Your recovery codes")),
            )
        if wait:
            form.add_error("code", _wait_message(wait))
        elif second_factor_locked(request=request, user=request.user):
            logout(request)
            return lockout_response(request)
        else:
            form.add_error("code", _("That code is not right. Check the app shows “Casetracker” and try the next code."))
    address = otpauth_address(device)
    context = _context(
        request,
        form=form,
        title=_("Set up your authenticator"),
        qr_svg=segno.make(address, error="m").svg_inline(scale=4),
        secret=_grouped(device.bin_key),
    )
    return render(request, "access/two_factor_enrol.html", context)


def _wait_message(wait: int) -> str:
    # django-otp doubles the wait after each wrong code; the code was not checked this time.
    return _("Too many wrong codes in a row: wait %(seconds)d seconds, then give the code the app shows then.") % {
        "seconds": wait
    }


def _grouped(key: bytes) -> str:
    from base64 import b32encode

    secret = b32encode(key).decode().rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))
