"""Make a new key for signing evidence bundles, or show the public key in use."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from apps.dossiers import signing


class Command(BaseCommand):
    help = _(
        "Print a new Ed25519 key for BUNDLE_SIGNING_KEY (keep it like SECRET_KEY), or with --show the "
        "public keys this installation publishes."
    )
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("--show", action="store_true", help=_("Show the public keys in use instead."))

    def handle(self, *args, show: bool, **options):
        if show:
            for key in signing.published_keys():
                state = _("current") if key["current"] else _("retired")
                self.stdout.write(f"{key['key_id']} ({state}, {key['algorithm']})\n{key['public_key_pem']}")
            return
        key = signing.Ed25519PrivateKey.generate()
        public = key.public_key()
        # The private key alone on stdout, so that it can go straight into a secret store;
        # what to do with it on stderr.
        self.stdout.write(signing.private_key_text(key))
        self.stderr.write(
            _(
                "Key id %(key_id)s. Set it as BUNDLE_SIGNING_KEY in the server's environment. When it "
                "replaces a key, add the old key's public key (manage.py bundle_signing_key --show) to "
                "BUNDLE_SIGNING_KEYS_RETIRED so that bundles it signed still verify. Public key:\n%(pem)s"
            )
            % {"key_id": signing.key_id(public), "pem": signing.public_pem(public)}
        )
