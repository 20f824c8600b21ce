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
is the article's ``sha256`` as shown in the bibliography.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile

from apps.dossiers.renderers.jsonfile import render_json
from apps.dossiers.renderers.pdf import render_pdf

MANIFEST_SCHEMA = "casetracker.evidence-bundle/1"


def _slug(value: str, length: int = 48) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return slug[:length].rstrip("-") or "source"


def bundle_files(content: dict) -> list[tuple[str, bytes]]:
    """The bundle's files (name, bytes), in the order they are stored; the manifest comes last."""
    reference, level = content["cover"]["reference"], content["cover"]["level"]
    files = [
        (f"{reference}-dossier-{level}.pdf", render_pdf(content)),
        (f"{reference}-dossier-{level}.json", render_json(content)),
    ]
    for source in content["sources"]:
        name = f"sources/{source['id']}-{_slug(source['outlet'], 24)}-{_slug(source['title'])}.txt"
        files.append((name, source["text"].encode("utf-8")))
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
        "sources": [
            {
                "id": source["id"],
                "path": files[2 + index][0],
                "title": source["title"],
                "outlet": source["outlet"],
                "url": source["url"],
                "sha256": source["sha256"],
            }
            for index, source in enumerate(content["sources"])
        ],
    }
    files.append(
        (
            "manifest.json",
            (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode(),
        )
    )
    return files


def render_bundle(content: dict) -> bytes:
    """The evidence bundle as ZIP bytes: byte-identical for the same content (module docstring)."""
    stamp = dt.datetime.fromisoformat(content["cover"]["data_as_of"]).astimezone(dt.UTC)
    # ZIP stores local time without a zone, from 1980 on: write the data's UTC time.
    date_time = max(stamp.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in bundle_files(content):
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below mean the same everywhere
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()
