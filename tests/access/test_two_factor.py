"""Two-factor sign-in for staff (django-otp): enrolment, codes, recovery codes, lock-out, and
deactivation ending sessions and tokens. Real sign-ins through the admin's pages, real codes."""

import re
import stat
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from apps.access.models import Membership
from apps.access.two_factor import second_factor_required, second_factor_reset
from apps.tokens.services import api_token_create
from tests.factories import OrganizationFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
ADMIN = "/admin/"


def person(*roles, **fields):
    user = UserFactory(password=PASSWORD, **fields)
    Membership.objects.create(user=user, organization=OrganizationFactory())
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


def sign_in_with_password(client, user, address="198.51.100.1"):
    return client.post(reverse("admin:login"), {"username": user.username, "password": PASSWORD, "next": ADMIN},
                       REMOTE_ADDR=address)


def code_of(device: TOTPDevice, *, later: int = 0) -> str:
    """The code the authenticator app shows now (or ``later`` steps on)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += later * device.step
    return f"{totp.token():0{device.digits}d}"


def a_while_later(user) -> None:
    """Let django-otp's slow-down after a wrong code pass (it doubles with each one), as a
    person would by waiting: its clock is the failure's timestamp, moved back."""
    from datetime import timedelta

    from django.db.models import F

    TOTPDevice.objects.filter(user=user, throttling_failure_timestamp__isnull=False).update(
        throttling_failure_timestamp=F("throttling_failure_timestamp") - timedelta(minutes=10)
    )


def enrol(client, user) -> list[str]:
    """Enrol through the pages as the user would; returns the recovery codes shown."""
    page = client.get(reverse("two_factor_enrol"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    shown = client.post(reverse("two_factor_enrol"), {"code": code_of(device), "next": ADMIN})
    assert shown.status_code == 200, shown.content[:500]
    return re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", shown.content.decode())


def test_who_needs_a_second_factor():
    assert second_factor_required(person("caseworker"))  # sees protected identities
    assert second_factor_required(SuperuserFactory())
    assert not second_factor_required(person("auditor"))  # sees no identity
    with override_settings(OTP_REQUIRED=False):
        assert not second_factor_required(person("caseworker"))


def test_a_caseworker_without_an_authenticator_is_sent_to_enrol_and_can_do_nothing_else():
    caseworker = person("caseworker")
    client = Client()
    response = sign_in_with_password(client, caseworker)
    assert response.status_code == 302
    followed = client.get(ADMIN)
    assert followed.status_code == 302 and followed["Location"].startswith(reverse("two_factor_enrol"))
    assert client.get(reverse("admin:cases_case_changelist")).status_code == 302
    # Nor does the API take the half-finished session.
    assert APIClient(enforce_csrf_checks=True).get("/api/v1/cases/").status_code in (401, 403)
    api = APIClient()
    api.cookies = client.cookies
    assert api.get("/api/v1/cases/").status_code in (401, 403)


def test_enrolment_shows_a_qr_code_and_the_key_and_is_confirmed_by_a_code():
    caseworker = person("caseworker")
    client = Client()
    sign_in_with_password(client, caseworker)
    page = client.get(reverse("two_factor_enrol")).content.decode()
    assert "<svg" in page and "Casetracker" in page
    device = TOTPDevice.objects.get(user=caseworker, confirmed=False)

    wrong = client.post(reverse("two_factor_enrol"), {"code": "000000" if code_of(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=caseworker, confirmed=True).exists()
    # Right away, even the right code waits: each wrong one slows the next check down.
    hurried = client.post(reverse("two_factor_enrol"), {"code": code_of(device)})
    assert "Too many wrong codes in a row: wait" in hurried.content.decode()

    a_while_later(caseworker)
    codes = enrol(client, caseworker)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(ADMIN).status_code == 200


def test_an_enrolled_caseworker_signs_in_with_password_then_code():
    caseworker = person("caseworker")
    enrol_client = Client()
    sign_in_with_password(enrol_client, caseworker)
    enrol(enrol_client, caseworker)
    device = TOTPDevice.objects.get(user=caseworker, confirmed=True)

    client = Client()
    sign_in_with_password(client, caseworker)
    asked = client.get(ADMIN)
    assert asked["Location"].startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"code": "12345", "next": ADMIN})
    assert "That code is not right" in wrong.content.decode()
    a_while_later(caseworker)
    # The enrolment used the current code; the app's next one signs in.
    right = client.post(reverse("two_factor_verify"), {"code": code_of(device, later=1), "next": ADMIN})
    assert right.status_code == 302 and right["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_recovery_code_signs_in_once():
    caseworker = person("caseworker")
    first = Client()
    sign_in_with_password(first, caseworker)
    code = enrol(first, caseworker)[0]

    second = Client()
    sign_in_with_password(second, caseworker)
    assert second.post(reverse("two_factor_verify"), {"code": code.upper(), "next": ADMIN}).status_code == 302
    assert second.get(ADMIN).status_code == 200

    third = Client()
    sign_in_with_password(third, caseworker)
    again = third.post(reverse("two_factor_verify"), {"code": code, "next": ADMIN})
    assert again.status_code == 200
    assert "That code is not right" in again.content.decode(), re.findall(r'errornote">(.*?)<', again.content.decode())


@override_settings(AXES_FAILURE_LIMIT=3)
def test_wrong_codes_count_toward_the_lock_out():
    caseworker = person("caseworker")
    first = Client()
    sign_in_with_password(first, caseworker)
    enrol(first, caseworker)

    client = Client()
    sign_in_with_password(client, caseworker, address="198.51.100.7")
    for _attempt in range(2):
        assert client.post(reverse("two_factor_verify"), {"code": "99999999"}, REMOTE_ADDR="198.51.100.7").status_code == 200
        a_while_later(caseworker)  # past django-otp's own slow-down, so the guess is checked
    locked = client.post(reverse("two_factor_verify"), {"code": "99999999"}, REMOTE_ADDR="198.51.100.7")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session  # signed out
    # The password alone no longer gets in either, during the lock-out.
    assert sign_in_with_password(Client(), caseworker, address="198.51.100.7").status_code == 429


def test_staff_who_see_no_identity_sign_in_with_the_password_alone():
    auditor = person("auditor")
    client = Client()
    sign_in_with_password(client, auditor)
    assert client.get(ADMIN).status_code == 200


def test_deactivating_a_user_ends_their_sessions_and_revokes_their_tokens(django_capture_on_commit_callbacks):
    caseworker = person("caseworker")
    phone, laptop = Client(), Client()
    for client in (phone, laptop):
        sign_in_with_password(client, caseworker)
    enrol(phone, caseworker)
    laptop.post(reverse("two_factor_verify"), {"code": code_of(TOTPDevice.objects.get(user=caseworker), later=1)})
    assert phone.get(ADMIN).status_code == 200 and laptop.get(ADMIN).status_code == 200
    _record, token = api_token_create(user=caseworker, scope="read")
    api = APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/cases/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        caseworker.is_active = False
        caseworker.save()

    for client in (phone, laptop):
        assert "_auth_user_id" not in client.session
        assert client.get(ADMIN).status_code == 302
    assert api.get("/api/v1/cases/").status_code == 401
    caseworker.refresh_from_db()
    assert all(token.revoked_at for token in caseworker.api_tokens.all())


def test_deactivating_in_the_admin_ends_the_sessions(admin_client, django_capture_on_commit_callbacks):
    caseworker = person("caseworker")
    client = Client()
    sign_in_with_password(client, caseworker)
    enrol(client, caseworker)
    page = admin_client.get(reverse("admin:auth_user_change", args=[caseworker.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name not in ("groups", "user_permissions", "password", "last_login", "date_joined")}
    data.update(is_active="", is_staff="on", groups=[group.pk for group in caseworker.groups.all()],
                date_joined_0=caseworker.date_joined.strftime("%Y-%m-%d"), date_joined_1=caseworker.date_joined.strftime("%H:%M:%S"))
    with django_capture_on_commit_callbacks(execute=True):
        saved = admin_client.post(reverse("admin:auth_user_change", args=[caseworker.pk]), data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    assert client.get(ADMIN).status_code == 302


def test_a_reset_second_factor_ends_the_sessions_and_asks_for_enrolment_again():
    caseworker = person("caseworker")
    client = Client()
    sign_in_with_password(client, caseworker)
    enrol(client, caseworker)
    second_factor_reset(user=caseworker)
    assert client.get(ADMIN).status_code == 302
    fresh = Client()
    sign_in_with_password(fresh, caseworker)
    assert fresh.get(ADMIN)["Location"].startswith(reverse("two_factor_enrol"))


def test_enrol_totp_enrols_a_device_and_prints_its_address_and_recovery_codes(tmp_path):
    caseworker = person("caseworker")
    out = StringIO()
    qr = tmp_path / "code.svg"
    call_command("enrol_totp", caseworker.username, "--qr", str(qr), stdout=out)
    device = TOTPDevice.objects.get(user=caseworker, confirmed=True)
    assert device.config_url in out.getvalue()
    assert len(re.findall(r"^  [a-z0-9]{5}-[a-z0-9]{5}$", out.getvalue(), re.M)) == 10
    assert qr.read_text().startswith("<?xml") and stat.S_IMODE(qr.stat().st_mode) == 0o600

    client = Client()
    sign_in_with_password(client, caseworker)
    client.post(reverse("two_factor_verify"), {"code": code_of(device)})
    assert client.get(ADMIN).status_code == 200

    call_command("enrol_totp", caseworker.username, "--reset", stdout=StringIO())
    assert not TOTPDevice.objects.filter(user=caseworker).exists()
    assert client.get(ADMIN).status_code == 302


def test_the_local_admin_gets_an_authenticator_beside_its_password(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    out = StringIO()
    call_command("ensure_local_admin", stdout=out)
    otpauth = tmp_path / ".local-admin-otpauth"
    assert stat.S_IMODE(otpauth.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / ".local-admin-otpauth.svg").stat().st_mode) == 0o600
    device = TOTPDevice.objects.get(user__username="admin", confirmed=True)
    assert otpauth.read_text().strip() == device.config_url
    assert device.config_url not in out.getvalue()  # the secret is never printed
    assert ".local-admin-otpauth" in out.getvalue()

    client = Client()
    password = (tmp_path / ".local-admin-password").read_text().strip()
    client.post(reverse("admin:login"), {"username": "admin", "password": password, "next": ADMIN})
    client.post(reverse("two_factor_verify"), {"code": code_of(device)})
    assert client.get(ADMIN).status_code == 200


def test_an_administrator_resets_a_lost_second_factor_from_the_user_list(admin_client):
    caseworker = person("caseworker")
    client = Client()
    sign_in_with_password(client, caseworker)
    enrol(client, caseworker)
    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [caseworker.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=caseworker).exists()
    assert client.get(ADMIN).status_code == 302


def test_device_secrets_have_no_admin_pages():
    from django.contrib import admin
    from django_otp.plugins.otp_static.models import StaticDevice

    assert not admin.site.is_registered(TOTPDevice) and not admin.site.is_registered(StaticDevice)
