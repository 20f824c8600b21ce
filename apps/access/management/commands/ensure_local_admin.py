"""Make sure a fresh local installation has an admin login, and say how to use it.

``make run`` calls this after migrating. On a new machine there is no account yet: it creates
the superuser "admin" with a random password and writes the password to
``.local-admin-password`` in the project folder, readable by the owner only (and ignored by
git). The password is never printed, so it does not end up in terminal logs or CI output.

A superuser signs in with a second factor (apps/access/two_factor.py), so the account also
gets an authenticator: its otpauth address goes to ``.local-admin-otpauth`` beside the
password, and its QR code to ``.local-admin-otpauth.svg`` (both readable by the owner only,
ignored by git), to add to an authenticator app.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

PASSWORD_FILE_NAME = ".local-admin-password"
OTPAUTH_FILE_NAME = ".local-admin-otpauth"


def password_file() -> Path:
    return Path(settings.BASE_DIR) / PASSWORD_FILE_NAME


def otpauth_file() -> Path:
    return Path(settings.BASE_DIR) / OTPAUTH_FILE_NAME


def write_secret(path: Path, secret: str) -> None:
    """Write ``secret`` to ``path`` so that only the owner can read it, even if it existed."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # O_CREAT's mode does not apply to an existing file
        os.write(descriptor, f"{secret}\n".encode())
    finally:
        os.close(descriptor)


class Command(BaseCommand):
    help = "Create a local superuser if there is none (password in .local-admin-password) and say how to sign in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--username", default="admin", help="Name of the account to create (default: admin)."
        )

    def handle(self, *args, username, **options):
        User = get_user_model()
        address = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/admin/"
        path = password_file()
        existing = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if existing is not None:
            from apps.access.two_factor import has_second_factor

            if path.exists() and not otpauth_file().exists() and not has_second_factor(existing):
                # An account this command made before sign-in needed a second factor.
                with transaction.atomic():
                    self.enrol_authenticator(existing)
            self.explain(existing.get_username(), address, path, created=False)
            return
        if User.objects.filter(**{User.USERNAME_FIELD: username}).exists():
            raise CommandError(
                f"A user “{username}” exists but is not an active superuser. Choose another name with "
                f"--username, or run: python manage.py createsuperuser"
            )
        password = secrets.token_urlsafe(24)
        user = User(**{User.USERNAME_FIELD: username})
        validate_password(password, user)
        with transaction.atomic():
            user = User.objects.create_superuser(
                **{User.USERNAME_FIELD: username}, email="", password=password
            )
            # Written inside the transaction: if the file cannot be written, no account is
            # left behind whose password nobody knows.
            write_secret(path, password)
            self.enrol_authenticator(user)
        self.explain(user.get_username(), address, path, created=True)

    def enrol_authenticator(self, user) -> None:
        """Give the local admin an authenticator and write where an app can read it."""
        from apps.access.management.commands.enrol_totp import write_qr
        from apps.access.two_factor import otpauth_address, totp_device_enrol

        device, _codes = totp_device_enrol(user=user)
        uri = otpauth_address(device)
        write_secret(otpauth_file(), uri)
        write_qr(f"{otpauth_file()}.svg", uri)

    def explain(self, username: str, address: str, path: Path, *, created: bool) -> None:
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created the local superuser “{username}”."))
            self.stdout.write(f"Sign in at {address} as “{username}”.")
            self.stdout.write(f"The password is in {path.name} in the project folder (readable by you only).")
        else:
            self.stdout.write(f"Sign in at {address} as “{username}” (an existing superuser).")
            if path.exists():
                self.stdout.write(f"If this command created that account, its password is in {path.name}.")
        if otpauth_file().exists():
            self.stdout.write(
                f"Then give the code of its authenticator: add it to an authenticator app (FreeOTP, Aegis, "
                f"Google Authenticator…) by scanning {otpauth_file().name}.svg (open it in a browser) or by "
                f"pasting the address in {otpauth_file().name}."
            )
        self.stdout.write(f"Forgot the password? python manage.py changepassword {username}")
        self.stdout.write(f"Lost the authenticator? python manage.py enrol_totp {username} --qr new-code.svg")
