"""manage.py backup / restore: a round trip into a fresh database gives the same rows, the
identities still decrypt with the keys, and nothing in an archive is a protected value in clear.

The restore runs as an operator runs it, in its own process with DATABASE_URL pointing at a new
database; PostgreSQL uses the real pg_dump and pg_restore.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from apps.core.backup import MANIFEST, PGDUMP_FILE, SQLITE_FILE
from tests.factories import CaseFactory, FactFactory, ProtectedIdentityFactory

pytestmark = pytest.mark.django_db(transaction=True)

LEGAL_NAME = "Zhelanova Testimir Okhranenko"
ADDRESS = "17 Hidden Lane, Flat 4"

# Reads the restored database through the app: the identity decrypts, the probe answers ready.
CHECK_SCRIPT = """
import json
from django.test import Client
from apps.people.models import ProtectedIdentity
from apps.cases.models import Case
identity = ProtectedIdentity.objects.get(individual__public_id="{public_id}")
ready = Client().get("/readyz")
print(json.dumps({{"legal_name": identity.legal_name, "address": identity.address,
                   "date_of_birth": str(identity.date_of_birth), "cases": Case.objects.count(),
                   "ready": ready.status_code}}))
"""


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def some_data():
    identity = ProtectedIdentityFactory(legal_name=LEGAL_NAME, address=ADDRESS, date_of_birth="1984-03-05")
    case = CaseFactory(subjects=[identity.individual])
    FactFactory.create_batch(3, case=case)
    return identity


def rows_of(cursor, tables) -> dict[str, list]:
    found = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        found[table] = sorted((tuple(_comparable(value) for value in row) for row in cursor.fetchall()), key=repr)
    return found


def _comparable(value):
    # Django's cursor hands a json/jsonb column over as its text; a plain psycopg cursor decodes
    # it. The same stored value either way: compare both as PostgreSQL writes the text, and
    # times by their instant (the two name UTC differently).
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    return value


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {member.name: tar.extractfile(member).read() for member in tar.getmembers()}


def rewrite(archive: Path, target: Path, **replace: bytes) -> Path:
    with tarfile.open(target, "w") as tar:
        for name, data in {**members(archive), **replace}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def check_restored(identity, database_url: str) -> dict:
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        CHECK_SCRIPT.format(public_id=identity.individual.public_id),
        database_url=database_url,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup path (this run is on PostgreSQL)")


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL, pg_dump and pg_restore (DATABASE_URL=postgres://…)")


@pytest.fixture
def fresh_postgres():
    """A new, empty database beside the test database, dropped afterwards."""
    import psycopg

    params = connection.settings_dict
    name = f"{params['NAME']}_restore"
    admin = dict(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with psycopg.connect(**{k: v for k, v in admin.items() if v is not None}) as raw:
        raw.execute(f'DROP DATABASE IF EXISTS "{name}"')
        raw.execute(f'CREATE DATABASE "{name}"')
    credentials = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    url = f"postgres://{credentials}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}"
    yield url, name
    with psycopg.connect(**{k: v for k, v in admin.items() if v is not None}) as raw:
        raw.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_sqlite_backup_restores_into_a_new_file_with_the_same_rows(sqlite_only, tmp_path):
    identity = some_data()
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())

    target = tmp_path / "restored.sqlite3"
    result = manage("restore", str(archive), database_url=f"sqlite:///{target}")
    assert result.returncode == 0, result.stderr
    assert "every row count matches the manifest" in result.stdout

    tables = connection.introspection.table_names()
    # Both through sqlite3 cursors converting types alike (Django's connection parses declared types).
    before = rows_of(connection.connection.cursor(), tables)
    restored = sqlite3.connect(target, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    after = rows_of(restored.cursor(), tables)
    restored.close()
    assert after == before
    assert check_restored(identity, f"sqlite:///{target}") == {
        "legal_name": LEGAL_NAME,
        "address": ADDRESS,
        "date_of_birth": "1984-03-05",
        "cases": 1,
        "ready": 200,
    }


def test_a_sqlite_archive_holds_ciphertext_never_a_legal_name(sqlite_only, tmp_path):
    some_data()
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    content = members(archive)
    assert set(content) == {MANIFEST, SQLITE_FILE}
    everything = b"".join(content.values())
    assert LEGAL_NAME.encode() not in everything and ADDRESS.encode() not in everything
    with connection.cursor() as cursor:
        cursor.execute("SELECT legal_name FROM people_protectedidentity")
        (stored,) = cursor.fetchone()
    assert stored.startswith("gAAAAA") and stored.encode() in content[SQLITE_FILE]


def test_the_manifest_says_what_when_which_version_and_each_files_digest(sqlite_only, tmp_path):
    import hashlib

    some_data()
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    content = members(archive)
    manifest = json.loads(content[MANIFEST])
    assert manifest["format"] == "casetracker-backup" and manifest["database"]["vendor"] == "sqlite"
    assert manifest["created_at"] and manifest["app_version"]
    assert ["people", "0001_initial"] in manifest["migrations"]
    assert manifest["tables"]["people_protectedidentity"] == 1
    # Every table goes in, history and access log included: nothing is left out by name.
    assert set(manifest["tables"]) == set(connection.introspection.table_names())
    assert manifest["files"][SQLITE_FILE]["sha256"] == hashlib.sha256(content[SQLITE_FILE]).hexdigest()
    assert "people_protectedidentity.legal_name" in manifest["encryption"]["columns"]
    assert len(manifest["encryption"]["key_fingerprint"]) == 32


def test_restore_refuses_a_file_that_does_not_match_its_manifest(sqlite_only, tmp_path):
    some_data()
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    damaged = bytearray(members(archive)[SQLITE_FILE])
    damaged[-100] ^= 0xFF
    altered = rewrite(archive, tmp_path / "altered.tar", **{SQLITE_FILE: bytes(damaged)})
    target = tmp_path / "restored.sqlite3"
    result = manage("restore", str(altered), database_url=f"sqlite:///{target}")
    assert result.returncode != 0
    assert "database.sqlite3 does not match the manifest" in result.stderr
    assert "nothing was restored" in result.stderr
    assert not sqlite3.connect(target).execute("SELECT name FROM sqlite_master").fetchall()


def test_restore_refuses_a_backup_of_a_newer_schema(sqlite_only, tmp_path):
    some_data()
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    manifest = json.loads(members(archive)[MANIFEST])
    manifest["migrations"].append(["people", "9999_from_the_future"])
    newer = rewrite(archive, tmp_path / "newer.tar", **{MANIFEST: json.dumps(manifest).encode()})
    result = manage("restore", str(newer), database_url=f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    assert result.returncode != 0
    assert "comes from a newer version of Casetracker" in result.stderr
    assert "people.9999_from_the_future" in result.stderr


def test_restore_refuses_a_database_that_has_tables(tmp_path):
    if connection.vendor == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    some_data()
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="is not empty .* Restore goes into an empty database only"):
        call_command("restore", str(archive), stdout=io.StringIO())


def test_restore_refuses_a_backup_of_another_database_vendor(sqlite_only, tmp_path):
    some_data()
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    manifest = json.loads(members(archive)[MANIFEST])
    manifest["database"]["vendor"] = "postgresql"
    other = rewrite(archive, tmp_path / "other.tar", **{MANIFEST: json.dumps(manifest).encode()})
    with pytest.raises(CommandError, match="backup of a postgresql database; DATABASE_URL points at sqlite"):
        call_command("restore", str(other), stdout=io.StringIO())


def test_backup_refuses_an_encrypted_column_holding_clear_text(tmp_path):
    if connection.vendor == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    identity = some_data()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_protectedidentity SET phone = %s WHERE individual_id = %s",
            ["+7 900 000", identity.pk],
        )
    archive = tmp_path / "backup.tar"
    with pytest.raises(CommandError, match=r"not ciphertext: people_protectedidentity.phone \(1\)"):
        call_command("backup", output=str(archive), stdout=io.StringIO())
    assert not archive.exists()


def test_a_postgresql_backup_restores_with_pg_restore_into_a_new_database(
    postgres_only, fresh_postgres, tmp_path
):
    import psycopg

    identity = some_data()
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    content = members(archive)
    assert set(content) == {MANIFEST, PGDUMP_FILE}
    # The dump is compressed: read it back as SQL to look for a name in clear.
    script = subprocess.run(
        ["pg_restore", "--file=-"], input=content[PGDUMP_FILE], capture_output=True, check=True
    )
    assert LEGAL_NAME.encode() not in script.stdout and ADDRESS.encode() not in script.stdout
    assert b"gAAAAA" in script.stdout

    url, name = fresh_postgres
    result = manage("restore", str(archive), database_url=url)
    assert result.returncode == 0, result.stderr
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        before = rows_of(cursor, tables)
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"], dbname=name
    ) as raw:
        after = rows_of(raw.cursor(), tables)
    assert after == before
    assert check_restored(identity, url) == {
        "legal_name": LEGAL_NAME,
        "address": ADDRESS,
        "date_of_birth": "1984-03-05",
        "cases": 1,
        "ready": 200,
    }
    # The sequences came along: the restored database takes new rows without colliding.
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from tests.factories import IndividualFactory; print(IndividualFactory(pseudonym='After').pk)",
        database_url=url,
    )
    assert result.returncode == 0, result.stderr


def test_a_postgresql_restore_keeps_the_search_vectors_and_the_trigger_that_keeps_them(
    postgres_only, fresh_postgres, tmp_path
):
    import psycopg

    from tests.factories import ArticleFactory

    ArticleFactory(title="Refusal", body="The court upheld the refusal of temporary asylum.")
    ArticleFactory(title="거부", body="법원은 김은철 씨의 임시 망명 신청을 거부했다.", language="ko")
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    url, name = fresh_postgres
    result = manage("restore", str(archive), database_url=url)
    assert result.returncode == 0, result.stderr

    query = "SELECT title, search_vector::text FROM sources_article ORDER BY title"
    with connection.cursor() as cursor:
        cursor.execute(query)
        before = cursor.fetchall()
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"], dbname=name, autocommit=True
    ) as raw:
        after = raw.execute(query).fetchall()
        # The restored table still keeps its vectors: a new body brings a new vector.
        raw.execute(
            "UPDATE sources_article SET body = 'The embassy issued a passport.' WHERE title = 'Refusal'"
        )
        changed = raw.execute(
            "SELECT search_vector = sources_article_search_vector(language, title, body), search_vector::text "
            "FROM sources_article WHERE title = 'Refusal'"
        ).fetchone()

    assert after == before and len(before) == 2 and all(vector for _title, vector in before)
    assert changed[0] is True and "embassi" in changed[1]
