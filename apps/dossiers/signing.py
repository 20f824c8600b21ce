"""Signing evidence bundles: the deployment's Ed25519 key, and checking a bundle without the database.

A bundle's ``manifest.json`` lists every file with its SHA-256; ``manifest.sig`` is the Ed25519
signature of the manifest's exact bytes (64 raw bytes). Whoever changes a file must change its
hash in the manifest, and whoever changes the manifest breaks the signature: only the holder of
the deployment's private key can make a bundle that verifies. The public key is published at
``GET /api/v1/signing-key/`` and printed in each bundle's VERIFY.txt.

The key is ``settings.BUNDLE_SIGNING_KEY`` (base64 of the 32 raw bytes of the private key, made
by ``manage.py bundle_signing_key``), kept like ``SECRET_KEY``: never in the repository. In
development without one, a key is generated once into ``.local-bundle-signing-key`` (ignored by
git, readable by the owner only). A key is named by its *key id*, the first 16 hex digits of the
SHA-256 of its raw public key; the manifest names the key that signed it, and the public keys of
earlier keys (``BUNDLE_SIGNING_KEYS_RETIRED``) stay listed so that old bundles still verify after
a rotation.

Nothing here touches the database: ``manage.py bundle_verify`` runs on a machine that has only
the file and a public key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

ALGORITHM = "Ed25519"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"


def key_id(public_key: Ed25519PublicKey) -> str:
    """The short name of a key: the first 16 hex digits of the SHA-256 of its raw public bytes."""
    return hashlib.sha256(public_raw(public_key)).hexdigest()[:16]


def public_raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def private_key_text(private_key: Ed25519PrivateKey) -> str:
    """The private key as ``BUNDLE_SIGNING_KEY`` holds it: base64 of its 32 raw bytes."""
    raw = private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode("ascii")


def private_key_from_text(text: str) -> Ed25519PrivateKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PrivateKey.from_private_bytes(raw)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured(
            "BUNDLE_SIGNING_KEY is not an Ed25519 private key (base64 of 32 bytes); "
            "make one with `manage.py bundle_signing_key`."
        ) from error


def public_key_from_text(text: str) -> Ed25519PublicKey:
    """A public key given as PEM or as base64 of its 32 raw bytes; ValueError if it is neither."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode("ascii"))
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError(_("This PEM key is not an Ed25519 key."))
        return key
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError) as error:
        raise ValueError(_("A public key is PEM or base64 of 32 bytes.")) from error


def _write_owner_only(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(descriptor, f"{text}\n".encode())
    finally:
        os.close(descriptor)


def signing_key() -> Ed25519PrivateKey:
    """The deployment's signing key (module docstring): from the settings, or in development
    from the local key file, generated the first time."""
    text = getattr(settings, "BUNDLE_SIGNING_KEY", "")
    if text:
        return private_key_from_text(text)
    path = getattr(settings, "BUNDLE_SIGNING_KEY_FILE", None)
    if not path:
        raise ImproperlyConfigured(
            "BUNDLE_SIGNING_KEY is not set; make one with `manage.py bundle_signing_key`."
        )
    path = Path(path)
    if not path.exists():
        try:
            _write_owner_only(path, private_key_text(Ed25519PrivateKey.generate()))
        except FileExistsError:
            pass  # another process made it first: use theirs
    return private_key_from_text(path.read_text(encoding="ascii"))


def published_keys() -> list[dict]:
    """The public keys bundles of this deployment may be signed with: the current one first,
    then the retired ones (still accepted, never used to sign)."""
    keys = [(signing_key().public_key(), True)]
    keys += [
        (public_key_from_text(text), False) for text in getattr(settings, "BUNDLE_SIGNING_KEYS_RETIRED", [])
    ]
    return [
        {
            "key_id": key_id(key),
            "algorithm": ALGORITHM,
            "current": current,
            "public_key": base64.b64encode(public_raw(key)).decode("ascii"),
            "public_key_pem": public_pem(key),
        }
        for key, current in keys
    ]


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """The SHA-256 of the raw public key in groups of four hex digits, to read out and compare
    (its first 16 digits are the key id)."""
    digest = hashlib.sha256(public_raw(public_key)).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def dossier_key() -> dict:
    """The key printed in a dossier: the one this deployment signs evidence bundles with now."""
    public = signing_key().public_key()
    return {
        "key_id": key_id(public),
        "algorithm": ALGORITHM,
        "public_key": base64.b64encode(public_raw(public)).decode("ascii"),
        "fingerprint": fingerprint(public),
        "verify": _(
            "The evidence bundle (ZIP) of this dossier is signed with this key: check it with "
            "“manage.py bundle_verify BUNDLE.zip --public-key KEY” and compare the key with the one "
            "the issuing organization publishes at /api/v1/signing-key/."
        ),
    }


def sign(data: bytes) -> bytes:
    """The 64-byte Ed25519 signature of ``data`` with the deployment's key (deterministic)."""
    return signing_key().sign(data)


# -- verification -----------------------------------------------------------------------------


@dataclass
class Verification:
    """What checking a bundle found: ``problems`` empty means every hash and the signature hold."""

    key_id: str = ""
    files_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_bundle(data: bytes, *, public_keys: list[Ed25519PublicKey]) -> Verification:
    """Check a bundle's signature with ``public_keys`` and every file against its manifest.

    Every problem is named (which file, what differs), not only the first one.
    """
    result = Verification()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        result.problems.append(_("This is not a ZIP file (or it is truncated)."))
        return result
    with archive:
        names = archive.namelist()
        if MANIFEST not in names:
            result.problems.append(_("The bundle has no manifest.json."))
            return result
        manifest_bytes = _read_entry(archive, MANIFEST, result)
        if manifest_bytes is None:
            return result
        try:
            manifest = json.loads(manifest_bytes)
        except ValueError:
            result.problems.append(_("manifest.json is not valid JSON."))
            return result
        _check_signature(archive, names, manifest, manifest_bytes, public_keys, result)
        listed = set()
        for entry in manifest.get("files", []):
            path = entry.get("path", "")
            listed.add(path)
            if path not in names:
                result.problems.append(
                    _("%(path)s is listed in the manifest but missing from the bundle.") % {"path": path}
                )
                continue
            content = _read_entry(archive, path, result)
            if content is None:
                continue
            result.files_checked += 1
            digest = hashlib.sha256(content).hexdigest()
            if digest != entry.get("sha256"):
                result.problems.append(
                    _("%(path)s has been changed: its SHA-256 is %(actual)s, the manifest says %(expected)s.")
                    % {"path": path, "actual": digest, "expected": entry.get("sha256")}
                )
            elif len(content) != entry.get("bytes"):
                result.problems.append(
                    _("%(path)s is %(actual)d bytes, the manifest says %(expected)s.")
                    % {"path": path, "actual": len(content), "expected": entry.get("bytes")}
                )
        for name in names:
            if name not in listed and name not in (MANIFEST, SIGNATURE):
                result.problems.append(
                    _("%(path)s is in the bundle but not in the manifest.") % {"path": name}
                )
    return result


# How a damaged entry fails to read: a changed byte in compressed data fails the ZIP's CRC check
# (BadZipFile) or the inflater itself (zlib.error), a cut one ends early (EOFError); an entry
# that claims a compression or encryption zipfile lacks raises NotImplementedError/RuntimeError.
_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


def _read_entry(archive: zipfile.ZipFile, path: str, result: Verification) -> bytes | None:
    """The entry's bytes, or None with the reason it cannot be read added to ``result``."""
    try:
        return archive.read(path)
    except _UNREADABLE as error:
        result.problems.append(_("%(path)s cannot be read: %(error)s") % {"path": path, "error": error})
        return None


def _check_signature(archive, names, manifest, manifest_bytes, public_keys, result) -> None:
    signed = manifest.get("signature") or {}
    result.key_id = str(signed.get("key_id", ""))
    if SIGNATURE not in names:
        result.problems.append(_("The bundle has no manifest.sig: it is not signed."))
        return
    if signed.get("algorithm") != ALGORITHM:
        result.problems.append(
            _("The manifest names the signature algorithm %(algorithm)r; only Ed25519 is known.")
            % {"algorithm": signed.get("algorithm")}
        )
        return
    keys = {key_id(key): key for key in public_keys}
    key = keys.get(result.key_id)
    if key is None:
        result.problems.append(
            _(
                "The bundle was signed with key %(key_id)s, which is not among the public keys given (%(known)s)."
            )
            % {"key_id": result.key_id or "?", "known": ", ".join(keys) or "none"}
        )
        return
    signature = _read_entry(archive, SIGNATURE, result)
    if signature is None:
        return
    try:
        key.verify(signature, manifest_bytes)
    except InvalidSignature:
        result.problems.append(
            _(
                "The signature of manifest.json does not hold with key %(key_id)s: the manifest was "
                "changed after signing, or the signature is not this key's."
            )
            % {"key_id": result.key_id}
        )
