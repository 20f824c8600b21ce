"""Re-encrypt every protected identity with the current (first) key, after a key rotation.

See docs/deployment.md, "Rotating the encryption key". Rows are read with any configured key
and written with the newest; bulk_update writes without creating history versions, since
the values themselves do not change.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.people.models import ProtectedIdentity
from apps.people.services import PROTECTED_IDENTITY_FIELDS

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt all protected identities with the first SALT_KEY / current SECRET_KEY."

    def handle(self, *args, **options):
        done = 0
        with transaction.atomic():
            batch = []
            for identity in ProtectedIdentity.objects.order_by("pk").iterator(chunk_size=BATCH):
                for name in PROTECTED_IDENTITY_FIELDS:
                    value = getattr(identity, name)
                    # The library hands back the stored text when no key opens it: writing
                    # that back would encrypt ciphertext. Stop before damaging anything.
                    if isinstance(value, str) and value.startswith("gAAAAA"):
                        raise CommandError(
                            f"Protected identity {identity.pk}: {name} cannot be decrypted with the "
                            "configured keys. Add the old key to SALT_KEY / SECRET_KEY_FALLBACKS first."
                        )
                batch.append(identity)
                if len(batch) >= BATCH:
                    ProtectedIdentity.objects.bulk_update(batch, PROTECTED_IDENTITY_FIELDS)
                    done += len(batch)
                    batch = []
            if batch:
                ProtectedIdentity.objects.bulk_update(batch, PROTECTED_IDENTITY_FIELDS)
                done += len(batch)
        self.stdout.write(f"Re-encrypted {done} protected identities.")
