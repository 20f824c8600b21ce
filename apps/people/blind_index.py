"""The blind index of names: keyed digests of each name's forms, never the names.

Legal names are encrypted (ProtectedIdentity), so they cannot be searched; decrypting every
identity to compare it would put every legal name in memory for every search. Instead each
name's forms (apps.people.matching: spelling, Korean sound skeleton, folded Russian key and
their consonant skeletons) are stored as HMAC-SHA256 digests under a per-deployment key, and
duplicates are found by looking digests up by equality. Fuzziness comes from the forms, which
are coarse on purpose; the key makes a copy of the table useless for guessing names offline
(a plain hash of "KIMUNCOL" could be found from a list of names).

The key is derived from SECRET_KEY and the first SALT_KEY with a purpose label, so a deployment
needs no new secret; rotating either changes every digest, so `manage.py name_index_rebuild`
runs after a rotation (docs/deployment.md).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from django.conf import settings

from apps.people.matching import name_forms
from apps.people.models import Alias, Individual, NameKey, ProtectedIdentity

PURPOSE = b"casetracker/people/name-index/v1"


def _key() -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), PURPOSE + b"|" + settings.SALT_KEY[0].encode(), hashlib.sha256
    ).digest()


def digest(kind: str, form: str) -> str:
    """The index key of one form of one kind (hex HMAC-SHA256)."""
    return hmac.new(_key(), f"{kind}\x1f{form}".encode(), hashlib.sha256).hexdigest()


def name_digests(name: str) -> dict[str, str]:
    """``{digest: kind}`` for every form of ``name``."""
    return {digest(kind, form): kind for kind, form in name_forms(name).items()}


def _rows(individual: Individual, source: str, names: Iterable[str]) -> list[NameKey]:
    seen, rows = set(), []
    for name in names:
        for key, kind in name_digests(name).items():
            if key not in seen:
                seen.add(key)
                rows.append(NameKey(individual=individual, source=source, kind=kind, digest=key))
    return rows


def name_keys_refresh(*, individual: Individual) -> None:
    """Rebuild the keys of ``individual``'s names (pseudonym, aliases, legal name).

    Called by every service that writes a name, inside its transaction. The legal name is
    decrypted here, in the one place that writes its keys, and only to key it.
    """
    legal = (
        ProtectedIdentity.objects.filter(individual=individual).values_list("legal_name", flat=True).first()
    )
    aliases = list(Alias.objects.filter(individual=individual).values_list("name", flat=True))
    NameKey.objects.filter(individual=individual).delete()
    if individual.merged_into_id is not None:
        return  # a redirect is no one's duplicate
    rows = _rows(individual, NameKey.Source.PSEUDONYM, [individual.pseudonym])
    rows += _rows(individual, NameKey.Source.ALIAS, aliases)
    if legal:
        rows += _rows(individual, NameKey.Source.LEGAL_NAME, [legal])
    NameKey.objects.bulk_create(rows)
