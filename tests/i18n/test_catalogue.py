"""The Russian catalogue covers every string of the project.

Django's own makemessages reads the code and the templates into a scratch copy of the
catalogue, exactly as `make messages` does; gettext's msgattrib then lists what has no
translation or only a fuzzy one. A string wrapped in _() and not translated fails here, with
its text in the message.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = Path("locale/ru/LC_MESSAGES/django.po")

needs_gettext = pytest.mark.skipif(
    shutil.which("msgattrib") is None or shutil.which("xgettext") is None,
    reason="gettext (xgettext, msgattrib) is not installed: see system-packages.txt",
)


def _entries(po_text: str) -> list[str]:
    """The msgids of a PO text, without the header."""
    ids, current = [], None
    for line in po_text.splitlines():
        if line.startswith("msgid "):
            current = line[len("msgid ") :]
        elif line.startswith('"') and current is not None:
            current += line
        else:
            if current is not None:
                ids.append(current)
            current = None
    if current is not None:
        ids.append(current)
    return [i for i in ids if i != '""']


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> Path:
    """The catalogue as makemessages would write it now, made in a copy of the project."""
    copy = tmp_path_factory.mktemp("project")
    for name in ("apps", "casetracker", "locale"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    (copy / "tests").mkdir()
    for name in ("__init__.py", "settings.py"):
        shutil.copy(ROOT / "tests" / name, copy / "tests" / name)
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ru", "--add-location", "file", "-v", "0"],
        cwd=copy,
        env=env,
        check=True,
    )
    return copy / CATALOGUE


@needs_gettext
def test_every_string_of_the_project_has_a_russian_translation(fresh_catalogue):
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(fresh_catalogue)],
        capture_output=True, text=True, check=True,
    ).stdout
    missing = _entries(untranslated)
    assert not missing, (
        f"{len(missing)} string(s) without a Russian translation (run `make messages`, then "
        "translate them in locale/ru/LC_MESSAGES/django.po):\n" + "\n".join(missing)
    )


@needs_gettext
def test_no_russian_translation_is_left_fuzzy(fresh_catalogue):
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(fresh_catalogue)],
        capture_output=True, text=True, check=True,
    ).stdout
    assert not _entries(fuzzy), "Fuzzy (guessed) translations to check:\n" + "\n".join(_entries(fuzzy))


@needs_gettext
def test_the_shipped_catalogue_compiles_with_its_placeholders_intact():
    # --check: every %(name)s of a msgid is in its msgstr, and the plural forms are complete.
    subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(ROOT / CATALOGUE)], check=True)
