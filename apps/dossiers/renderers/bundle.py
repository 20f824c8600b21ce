"""The evidence bundle: a ZIP with the PDF, every source's stored text and a manifest of hashes.

A court or a UN body must be able to check that nothing was altered, so the bundle is
reproducible: the same data gives byte-identical bytes. Everything that could vary is fixed:

- the content is built with ``generated_at`` = the latest change of the case data (the
  selector's default) and without the name of whoever asked, so the cover and the PDF's
  metadata depend on the data alone; who asked, and when, is in the DossierGeneration log;
- files are written in a fixed order, with the data's timestamp, fixed permissions (0644),
  a fixed "made on Unix" origin and deflate compression;
- manifest.json is canonical JSON (sorted keys).

Each source file holds the article's stored body (its normal form) in UTF-8, so its SHA-256
is the article's ``sha256`` as shown in the bibliography. Beside it, ``originals/`` holds the
bytes of each imported source exactly as they were received (``ArticleOriginal``), whose
SHA-256 the bibliography names too: the working copy and the evidentiary original, kept apart.
``documents/`` holds the original bytes of each of the case's own documents the dossier quotes
(decisions, letters, scans), decrypted and checked against the SHA-256 taken at upload, at the
levels that may show them (``full`` and ``legal``; never ``public``).

The manifest is signed (``apps.dossiers.signing``): ``manifest.sig`` is the Ed25519 signature
of ``manifest.json``'s bytes, made with the deployment's key, which the manifest names by its
key id. Ed25519 signatures are deterministic, so the bundle stays byte-identical. VERIFY.txt
says, in plain words, how anyone can check the bundle.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile

from apps.dossiers import signing
from apps.dossiers.renderers.jsonfile import render_json
from apps.dossiers.renderers.pdf import render_pdf

MANIFEST_SCHEMA = "casetracker.evidence-bundle/2"
# What a received file's format gives its original's name in the bundle.
_ORIGINAL_SUFFIX = {"html": ".html", "text": ".txt"}
_DOCUMENT_SUFFIX = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "image/tiff": ".tif"}


def _slug(value: str, length: int = 48) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return slug[:length].rstrip("-") or "source"


def bundle_files(content: dict, originals: dict[str, bytes] | None = None) -> list[tuple[str, bytes]]:
    """The bundle's files (name, bytes), in the order they are stored; the manifest and its
    signature come last.

    ``originals``: the bytes as received of the sources that have them, by the source's
    ``public_id`` (``apps.dossiers.selectors.bundle_originals``).
    """
    originals = originals or {}
    reference, level = content["cover"]["reference"], content["cover"]["level"]
    files = [
        (f"{reference}-dossier-{level}.pdf", render_pdf(content)),
        (f"{reference}-dossier-{level}.json", render_json(content)),
    ]
    source_paths, original_paths = [], {}
    for source in content["sources"]:
        stem = f"{source['id']}-{_slug(source['outlet'], 24)}-{_slug(source['title'])}"
        source_paths.append(f"sources/{stem}.txt")
        files.append((source_paths[-1], source["text"].encode("utf-8")))
    for source in content["sources"]:
        original = source.get("original")
        if original and source["public_id"] in originals:
            stem = f"{source['id']}-{_slug(source['outlet'], 24)}-{_slug(source['title'])}"
            path = f"originals/{stem}{_ORIGINAL_SUFFIX.get(original['format'], '.bin')}"
            original_paths[source["id"]] = path
            files.append((path, originals[source["public_id"]]))
    document_paths = {}
    for document in content.get("documents", ()):
        if document["carried"] and document["public_id"] in originals:
            path = f"documents/{document['id']}-{_slug(document['title'])}{_DOCUMENT_SUFFIX[document['content_type']]}"
            document_paths[document["id"]] = path
            files.append((path, originals[document["public_id"]]))
    key = signing.signing_key().public_key()
    key_id = signing.key_id(key)
    files.append(("VERIFY.txt", _verify_text(reference=reference, key=key).encode("utf-8")))
    manifest = {
        "schema": MANIFEST_SCHEMA,
        "case": reference,
        "level": level,
        "data_as_of": content["cover"]["data_as_of"],
        "content_digest": content["cover"]["digest"],
        "files": [
            {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for name, data in files
        ],
        "signature": {"algorithm": signing.ALGORITHM, "key_id": key_id, "file": signing.SIGNATURE},
        "sources": [
            {
                "id": source["id"],
                "path": source_paths[index],
                "title": source["title"],
                "outlet": source["outlet"],
                "url": source["url"],
                "sha256": source["sha256"],
                "original": (
                    {
                        "path": original_paths[source["id"]],
                        "sha256": source["original"]["sha256"],
                        "encoding": source["original"]["encoding"],
                        "captured_at": source["original"]["captured_at"],
                    }
                    if source["id"] in original_paths
                    else None
                ),
            }
            for index, source in enumerate(content["sources"])
        ],
        "documents": [
            {
                "id": document["id"],
                "path": document_paths.get(document["id"]),
                "title": document["title"],
                "sha256": document["sha256"],
                "uploaded_at": document["uploaded_at"],
            }
            for document in content.get("documents", ())
        ],
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    files.append((signing.MANIFEST, manifest_bytes))
    files.append((signing.SIGNATURE, signing.sign(manifest_bytes)))
    return files


# In English like the dossier itself, and not translated: a translation would make the bytes
# depend on who asked, and the bundle must be the same for everyone.
_VERIFY = """How to check this evidence bundle ({reference})

This bundle was made by Casetracker. Nothing in it can be changed without it showing.

1. manifest.json lists every file of the bundle with its SHA-256 hash. Compute the hash of
   each file (for example `sha256sum FILE` on Linux, `shasum -a 256 FILE` on macOS,
   `certutil -hashfile FILE SHA256` on Windows) and compare it with the manifest.
2. manifest.sig is the Ed25519 signature of manifest.json, made with the signing key of the
   organization's installation. This bundle names key {key_id}. Get that key's public key from
   the organization, or from its server at /api/v1/signing-key/ (for example
   https://cases.example.org/api/v1/signing-key/), and check that it is the one printed here:

{pem}
   Save it as key.pem; then, with OpenSSL 3:
   openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in manifest.json -sigfile manifest.sig
   It prints "Signature Verified Successfully" only if manifest.json is exactly as signed.
3. Or, with Casetracker installed: python manage.py bundle_verify THIS-FILE.zip
   [--public-key key.pem]. It checks the signature and every hash, and names any file that
   differs.

sources/ holds each source's text as the dossier quotes it (its SHA-256 is the one in the
dossier's bibliography); originals/ holds each imported source's bytes exactly as they were
received, before any cleaning, with their own SHA-256; documents/ holds the case's own
documents the dossier quotes, as they were uploaded, with the SHA-256 taken at upload.
"""


def _verify_text(*, reference: str, key) -> str:
    return _VERIFY.format(reference=reference, key_id=signing.key_id(key), pem=signing.public_pem(key))


def render_bundle(content: dict, originals: dict[str, bytes] | None = None) -> bytes:
    """The evidence bundle as ZIP bytes: byte-identical for the same content (module docstring)."""
    stamp = dt.datetime.fromisoformat(content["cover"]["data_as_of"]).astimezone(dt.UTC)
    # ZIP stores local time without a zone, from 1980 on: write the data's UTC time.
    date_time = max(stamp.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in bundle_files(content, originals):
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below mean the same everywhere
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()
