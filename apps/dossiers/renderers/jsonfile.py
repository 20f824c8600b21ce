"""The dossier as JSON for machines (schema: docs/dossier-json.md)."""

from __future__ import annotations

import json


def render_json(content: dict) -> bytes:
    """The content as indented UTF-8 JSON with sorted keys, so that equal content gives equal bytes."""
    return (json.dumps(content, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
