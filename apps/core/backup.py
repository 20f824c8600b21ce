"""Backups that restore: one archive per run, a database copy and a manifest beside it.

The archive (``manage.py backup --output FILE``) is an uncompressed tar holding

- ``database.sqlite3`` — a copy made with SQLite's online backup API, consistent while the
  server goes on writing (WAL lets writers continue; the copy is one snapshot), or
  ``database.pgdump`` — ``pg_dump --format=custom`` of the PostgreSQL database, taken in an
  exported snapshot so that the row counts of the manifest describe exactly what was dumped;
- ``manifest.json`` — what (vendor, server version, every table with its row count), when, the
  app version, the migration state, the SHA-256 of each file, and a fingerprint of the key that
  decrypts the protected identities (never the key itself).

Every table goes in, whatever app made it: history, the access log and anything added later
(hash chains, job tables) need no special case. Protected identities are in the copy as the
database holds them: Fernet ciphertext. The backup refuses to run if any encrypted column holds
a value that is not ciphertext, so an archive never carries a legal name in clear. To make a
backup useful the keys that derive the encryption key (``SECRET_KEY`` and ``SALT_KEY``, with
any fallbacks still in use) must be kept too — separately from the archives (docs/deployment.md).

``manage.py restore FILE`` checks the manifest first (the SHA-256 of each file, the vendor, a
schema no newer than this code's), refuses a database that already has tables, restores, then
compares every table's row count with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from encrypted_fields.fields import EncryptedFieldMixin

FORMAT = "casetracker-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PGDUMP_FILE = "database.pgdump"
# A Fernet token is URL-safe base64 of a version byte 0x80 and a timestamp: it starts so.
FERNET_PREFIX = "gAAAAA"


class BackupError(Exception):
    """A backup or restore refused, with a message meant for the operator."""


@dataclass
class RestoreReport:
    vendor: str
    tables: int
    rows: int
    created_at: str
    missing_migrations: list[str]
    key_matches: bool | None


# ---------------------------------------------------------------------------------------------
# Shared pieces


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def key_fingerprint() -> str:
    """A fingerprint of the key protected identities are encrypted with now (the first one).

    A hash of a 256-bit derived key: it tells whether two deployments use the same key and
    reveals nothing of it. Restore compares it with every key configured (rotation included).
    """
    return _fingerprints()[0]


def _fingerprints() -> list[str]:
    field = _encrypted_fields()[0][1] if _encrypted_fields() else None
    if field is None:
        return [""]
    return [hashlib.sha256(b"casetracker-backup-key\0" + key).hexdigest()[:32] for key in field.keys]


def _encrypted_fields() -> list[tuple[type, EncryptedFieldMixin]]:
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedFieldMixin)
    ]


def _known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _cleartext_refusal(counts: dict[str, int]) -> None:
    if counts:
        where = ", ".join(f"{column} ({n})" for column, n in sorted(counts.items()))
        raise BackupError(
            f"Refusing to back up: encrypted columns hold values that are not ciphertext: {where}. "
            "A backup must never carry a protected identity in clear; find how they were written "
            "and re-encrypt them (manage.py protected_identity_reencrypt) first."
        )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _cleartext_sql(table: str, column: str) -> str:
    # Empty values are stored as NULL by the encrypted fields; anything else must be a token.
    return (
        f"SELECT COUNT(*) FROM {_quote(table)} WHERE {_quote(column)} IS NOT NULL "
        f"AND {_quote(column)} <> '' AND {_quote(column)} NOT LIKE '{FERNET_PREFIX}%'"
    )


def _scan(cursor, tables: list[str]) -> tuple[dict[str, int], list[list[str]], dict[str, int]]:
    """Row counts, migration state and clear-text encrypted values, read through ``cursor``."""
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    migrations = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [list(row) for row in cursor.fetchall()]
    clear = {}
    for model, field in _encrypted_fields():
        if model._meta.db_table not in counts:
            continue
        cursor.execute(_cleartext_sql(model._meta.db_table, field.column))
        n = cursor.fetchone()[0]
        if n:
            clear[f"{model._meta.db_table}.{field.column}"] = n
    return counts, migrations, clear


def _manifest(*, vendor: str, server_version: str, counts, migrations, files: dict[str, Path]) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "app_version": app_version(),
        "database": {"vendor": vendor, "server_version": server_version},
        "tables": counts,
        "migrations": migrations,
        "encryption": {
            "scheme": "fernet (django-fernet-encrypted-fields), key from SECRET_KEY and SALT_KEY",
            "key_fingerprint": key_fingerprint(),
            "columns": sorted(f"{m._meta.db_table}.{f.column}" for m, f in _encrypted_fields()),
        },
        "files": {
            name: {"sha256": sha256_file(path), "bytes": path.stat().st_size} for name, path in files.items()
        },
    }


def _write_archive(output: Path, manifest: dict, files: dict[str, Path]) -> None:
    """Write the tar next to ``output`` and rename it into place: never half an archive."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with tarfile.open(partial, "w") as archive:
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
        info.mode = 0o600
        archive.addfile(info, io.BytesIO(data))
        for name, path in files.items():
            archive.add(path, arcname=name, recursive=False)
    os.chmod(partial, 0o600)
    os.replace(partial, output)


# ---------------------------------------------------------------------------------------------
# Backup


def backup_create(*, output: Path, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Write a backup archive of database ``using`` to ``output``; returns its manifest."""
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="ct-backup-") as scratch:
        scratch = Path(scratch)
        if connection.vendor == "sqlite":
            manifest, files = _sqlite_backup(connection, scratch)
        elif connection.vendor == "postgresql":
            manifest, files = _postgres_backup(connection, scratch)
        else:
            raise BackupError(f"No backup for the {connection.vendor} database.")
        _write_archive(Path(output), manifest, files)
    return manifest


def _sqlite_backup(connection, scratch: Path):
    copy = scratch / SQLITE_FILE
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        # One step (pages=-1): the copy is a single snapshot of the source even while other
        # connections write; Django's own connection works for a file and an in-memory database.
        connection.connection.backup(target)
    finally:
        target.close()
    # Everything the manifest says is read from the copy itself, so it describes the copy.
    copied = sqlite3.connect(copy)
    try:
        cursor = copied.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts, migrations, clear = _scan(cursor, tables)
        _cleartext_refusal(clear)
        version = sqlite3.sqlite_version
        # A copy in rollback-journal mode is one self-contained file.
        copied.execute("PRAGMA journal_mode=DELETE")
    finally:
        copied.close()
    files = {SQLITE_FILE: copy}
    return _manifest(
        vendor="sqlite", server_version=version, counts=counts, migrations=migrations, files=files
    ), files


def pg_environment(settings_dict: dict) -> dict[str, str]:
    """libpq's environment for pg_dump/pg_restore: the password never shows in a process list."""
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS") or {}
    values = {
        "PGHOST": settings_dict.get("HOST") or "",
        "PGPORT": str(settings_dict.get("PORT") or ""),
        "PGUSER": settings_dict.get("USER") or "",
        "PGPASSWORD": settings_dict.get("PASSWORD") or "",
        "PGDATABASE": settings_dict.get("NAME") or "",
        "PGSSLMODE": options.get("sslmode", ""),
        "PGCONNECT_TIMEOUT": str(options.get("connect_timeout", "")),
    }
    env.update({key: value for key, value in values.items() if value})
    return env


def _pg_tool(name: str, server_major: int) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            f"{name} is not installed. Install the PostgreSQL client of the server's version "
            f"(Debian: apt-get install postgresql-client-{server_major})."
        )
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    major = int(match.group(1)) if match else 0
    if major < server_major:
        raise BackupError(
            f"{name} is version {major} but the server is PostgreSQL {server_major}: {name} must be "
            f"at least the server's version (Debian: apt-get install postgresql-client-{server_major})."
        )
    return tool


def _postgres_backup(connection, scratch: Path):
    import psycopg

    settings_dict = connection.settings_dict
    env = pg_environment(settings_dict)
    dump = scratch / PGDUMP_FILE
    # A transaction of its own whose snapshot pg_dump shares (--snapshot): the counts and the
    # migration state in the manifest are exactly those of the dump, however busy the server.
    with psycopg.connect("", **_pg_connect_kwargs(env)) as raw:
        raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        raw.read_only = True
        with raw.transaction(), raw.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version_num')::int")
            snapshot, version_num = cursor.fetchone()
            server_major = version_num // 10000
            tool = _pg_tool("pg_dump", server_major)
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            )
            tables = [row[0] for row in cursor.fetchall()]
            counts, migrations, clear = _scan(cursor, tables)
            _cleartext_refusal(clear)
            result = subprocess.run(
                [tool, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    files = {PGDUMP_FILE: dump}
    version = f"{server_major}.{version_num % 10000}" if server_major >= 10 else str(version_num)
    return _manifest(
        vendor="postgresql", server_version=version, counts=counts, migrations=migrations, files=files
    ), files


def _pg_connect_kwargs(env: dict[str, str]) -> dict:
    names = {
        "PGHOST": "host",
        "PGPORT": "port",
        "PGUSER": "user",
        "PGPASSWORD": "password",
        "PGDATABASE": "dbname",
    }
    kwargs = {arg: env[var] for var, arg in names.items() if env.get(var)}
    if env.get("PGCONNECT_TIMEOUT"):
        kwargs["connect_timeout"] = int(env["PGCONNECT_TIMEOUT"])
    if env.get("PGSSLMODE"):
        kwargs["sslmode"] = env["PGSSLMODE"]
    return kwargs


# ---------------------------------------------------------------------------------------------
# Restore


def backup_read(*, archive: Path, scratch: Path) -> tuple[dict, dict[str, Path]]:
    """Unpack ``archive`` into ``scratch`` and check it against its manifest."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"No such backup file: {archive}")
    try:
        with tarfile.open(archive, "r:") as tar:
            members = {member.name: member for member in tar.getmembers()}
            if MANIFEST not in members:
                raise BackupError(f"{archive} is not a Casetracker backup: it has no {MANIFEST}.")
            try:
                manifest = json.load(tar.extractfile(members[MANIFEST]))
            except ValueError as error:
                raise BackupError(f"The manifest of {archive} is not valid JSON ({error}).") from None
            if manifest.get("format") != FORMAT:
                raise BackupError(
                    f"{archive} is not a Casetracker backup (its manifest is of another format)."
                )
            if manifest.get("format_version", 0) > FORMAT_VERSION:
                raise BackupError(
                    f"{archive} was written in backup format {manifest.get('format_version')}, newer than "
                    f"this version reads ({FORMAT_VERSION}): restore it with the version that made it."
                )
            listed = manifest.get("files") or {}
            extra = set(members) - set(listed) - {MANIFEST}
            if extra:
                raise BackupError(
                    f"The archive holds files its manifest does not list: {', '.join(sorted(extra))}."
                )
            files = {}
            for name, expected in listed.items():
                member = members.get(name)
                if member is None or not member.isfile() or "/" in name or name.startswith("."):
                    raise BackupError(f"The manifest lists {name}, which the archive does not hold.")
                path = scratch / name
                with tar.extractfile(member) as source, open(path, "wb") as target:
                    shutil.copyfileobj(source, target)
                digest = sha256_file(path)
                if digest != expected.get("sha256"):
                    raise BackupError(
                        f"{name} does not match the manifest: its SHA-256 is {digest}, the manifest "
                        f"says {expected.get('sha256')}. The archive is damaged or was altered; "
                        "nothing was restored."
                    )
                files[name] = path
    except tarfile.TarError as error:
        raise BackupError(f"{archive} is not a readable backup archive ({error}).") from None
    return manifest, files


def _schema_check(manifest: dict) -> list[str]:
    """Refuse a backup of a newer schema; return the migrations this code has and it lacks."""
    applied = {tuple(pair) for pair in manifest.get("migrations") or []}
    known = _known_migrations()
    apps_here = {label for label, _ in known}
    unknown = sorted(f"{app}.{name}" for app, name in applied - known if app in apps_here)
    if unknown:
        shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise BackupError(
            f"This backup comes from a newer version of Casetracker ({manifest.get('app_version')}): its "
            f"database has migrations this code does not know ({shown}). Restore it with that "
            "version (or a later one); nothing was restored."
        )
    return sorted(f"{app}.{name}" for app, name in known - applied)


def _vendor_check(manifest: dict, connection) -> None:
    vendor = (manifest.get("database") or {}).get("vendor")
    if vendor != connection.vendor:
        raise BackupError(
            f"This is a backup of a {vendor} database; DATABASE_URL points at {connection.vendor}. "
            f"Restore it into a {vendor} database; nothing was restored."
        )


def _empty_check(connection) -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"The database {connection.settings_dict.get('NAME')} is not empty ({len(tables)} tables, "
            f"e.g. {tables[0]}). Restore goes into an empty database only: create a new one and "
            "point DATABASE_URL at it; nothing was restored."
        )


def backup_restore(*, archive: Path, using: str = DEFAULT_DB_ALIAS) -> RestoreReport:
    """Restore ``archive`` into the empty database ``using``, after checking its manifest."""
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="ct-restore-") as scratch:
        manifest, files = backup_read(archive=archive, scratch=Path(scratch))
        _vendor_check(manifest, connection)
        missing = _schema_check(manifest)
        _empty_check(connection)
        if connection.vendor == "sqlite":
            _sqlite_restore(connection, files[SQLITE_FILE])
        else:
            _postgres_restore(connection, files[PGDUMP_FILE])
    counts = _restored_counts(connection, list(manifest["tables"]))
    differ = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if differ:
        table, (expected, found) = next(iter(differ.items()))
        raise BackupError(
            f"The restored database differs from the manifest in {len(differ)} tables (e.g. {table}: "
            f"{found} rows, the manifest says {expected}). Do not use it; restore again into a new database."
        )
    recorded = (manifest.get("encryption") or {}).get("key_fingerprint")
    key_matches = None if not recorded else recorded in _fingerprints()
    return RestoreReport(
        vendor=connection.vendor,
        tables=len(counts),
        rows=sum(counts.values()),
        created_at=manifest.get("created_at", ""),
        missing_migrations=missing,
        key_matches=key_matches,
    )


def _sqlite_restore(connection, copy: Path) -> None:
    source = sqlite3.connect(copy)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
    # Through Django's connection, which has the functions (REGEXP) the CHECK constraints call.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        check = cursor.fetchone()[0]
    if check != "ok":
        raise BackupError(f"The restored SQLite database fails its integrity check ({check}); do not use it.")
    # The restored file takes the server's own settings (WAL) when it next connects.
    connection.close()


def _postgres_restore(connection, dump: Path) -> None:
    import psycopg

    env = pg_environment(connection.settings_dict)
    with psycopg.connect("", **_pg_connect_kwargs(env)) as raw:
        server_major = raw.info.server_version // 10000
    tool = _pg_tool("pg_restore", server_major)
    # One transaction: a restore that fails half-way leaves the database empty, not half full.
    # The tables are owned by the user restoring, whoever owned them where the dump was made.
    result = subprocess.run(
        [
            tool,
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={env.get('PGDATABASE', '')}",
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing was restored: {result.stderr.strip()}")
    connection.close()


def _restored_counts(connection, tables: list[str]) -> dict[str, int]:
    present = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            if table in present:
                cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
                counts[table] = cursor.fetchone()[0]
    return counts
