"""Enrol an authenticator for a user, or reset a lost one: ``manage.py enrol_totp USERNAME``.

For an administrator setting up a colleague, or for a colleague who lost their phone. Prints
the otpauth address (to hand over in person or through a channel you trust: it is the secret)
and writes its QR code with ``--qr FILE``; prints new recovery codes. With ``--reset`` the
user's devices and sessions are removed instead, and they enrol themselves at next sign-in.
"""

import os

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.access.two_factor import otpauth_address, second_factor_reset, totp_device_enrol


class Command(BaseCommand):
    help = "Enrol a TOTP authenticator for a user (prints its otpauth address and recovery codes), or --reset it."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reset", action="store_true",
                            help="Remove the user's devices and end their sessions; they enrol at next sign-in.")
        parser.add_argument("--qr", metavar="FILE", help="Also write the QR code (SVG or PNG by the name) to FILE, readable by you only.")

    def handle(self, *args, username, reset, qr, **options):
        User = get_user_model()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"No user “{username}”.")
        if reset:
            second_factor_reset(user=user)
            self.stdout.write(f"Removed the authenticators and recovery codes of “{username}” and ended their sessions.")
            self.stdout.write("They set up a new authenticator at their next sign-in.")
            return
        device, codes = totp_device_enrol(user=user)
        address = otpauth_address(device)
        if qr:
            write_qr(qr, address)
        self.stdout.write(f"Authenticator enrolled for “{username}”. Its otpauth address (a secret: hand it over in person):")
        self.stdout.write(address)
        if qr:
            self.stdout.write(f"QR code written to {qr}.")
        self.stdout.write("Recovery codes (each signs in once):")
        for code in codes:
            self.stdout.write(f"  {code}")


def write_qr(path: str, address: str) -> None:
    """Write ``address`` as a QR code to ``path``, readable by the owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        segno.make(address, error="m").save(file, kind="png" if path.lower().endswith(".png") else "svg", scale=6)
