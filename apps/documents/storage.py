"""Where a document's bytes are kept: encrypted files in DOCUMENTS_ROOT, outside the database.

Each file is a Fernet token (AES-128-CBC with an HMAC-SHA256, from ``cryptography``) of the
original bytes, named by a random hex string, so that neither the name nor the content says
what the file is. The key comes from ``DOCUMENTS_KEY`` (a list, newest first): files are
written with the first and read with whichever wrote them (``MultiFernet``), so a new key can
be put first and the old one kept until every file is rewritten (``manage.py
documents_rekey``, docs/deployment.md). Each configured secret is stretched into a Fernet key
with HKDF, so an operator may set any long random string.
"""

from __future__ import annotations

import base64
import os
import secrets
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class UnreadableDocument(Exception):
    """The stored file is missing, or was not written with any of the keys, or was changed."""


def _fernet_key(secret: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"casetracker documents").derive(
        secret.encode("utf-8")
    )
    return base64.urlsafe_b64encode(derived)


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(secret)) for secret in settings.DOCUMENTS_KEY])


def _path(name: str) -> Path:
    # The name is ours (new_name), never a user's: hex only, so it cannot leave the folder.
    if not name or any(c not in "0123456789abcdef" for c in name):
        raise UnreadableDocument(f"Not a stored document's name: {name!r}")
    return Path(settings.DOCUMENTS_ROOT) / name[:2] / name


def new_name() -> str:
    """A fresh random file name (64 hex digits)."""
    return secrets.token_hex(32)


def stored_write(name: str, data: bytes) -> None:
    """Encrypt ``data`` and write it as ``name``, whole or not at all (temporary file, rename)."""
    path = _path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    token = _fernet().encrypt(data)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(token)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def stored_read(name: str) -> bytes:
    """The decrypted bytes of ``name``; UnreadableDocument if missing or not decryptable."""
    try:
        token = _path(name).read_bytes()
    except FileNotFoundError:
        raise UnreadableDocument("The stored file is missing.") from None
    try:
        return _fernet().decrypt(token)
    except InvalidToken:
        raise UnreadableDocument(
            "The stored file cannot be decrypted: it was changed, or its key is gone."
        ) from None


def stored_rekey(name: str) -> None:
    """Rewrite ``name`` with the newest key (the bytes inside stay the same)."""
    path = _path(name)
    token = _fernet().rotate(path.read_bytes())
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    with os.fdopen(handle, "wb") as file:
        file.write(token)
    os.replace(temporary, path)


def stored_remove(name: str) -> None:
    _path(name).unlink(missing_ok=True)


def stored_path(name: str) -> Path:
    """Where ``name`` is on disk (for tests and the operator; the bytes there are ciphertext)."""
    return _path(name)
