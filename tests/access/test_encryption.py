"""Protected identities are ciphertext in the database, on SQLite and PostgreSQL alike."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from apps.people.encrypted import EncryptedCharField
from apps.people.models import ProtectedIdentity
from apps.people.services import protected_identity_set
from tests.factories import IndividualFactory

pytestmark = pytest.mark.django_db

VALUES = {
    "legal_name": "Kim Chol-su",
    "date_of_birth": dt.date(1980, 3, 1),
    "phone": "+7 495 123 45 67",
    "email": "kim@example.org",
    "address": "Blagoveshchensk, Amurskaya 12",
}
COLUMNS = list(VALUES)


def raw_row(individual_id):
    table = connection.ops.quote_name(ProtectedIdentity._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE individual_id = %s", [individual_id])
        return dict(zip(COLUMNS, cursor.fetchone(), strict=True))


def test_a_raw_select_returns_ciphertext_not_the_values():
    individual = IndividualFactory()
    protected_identity_set(individual=individual, **VALUES)

    stored = raw_row(individual.pk)

    for name, value in VALUES.items():
        assert isinstance(stored[name], str)
        assert stored[name].startswith("gAAAAA"), name  # a Fernet token
        assert str(value) not in stored[name]  # str(date) is its ISO form
    assert "Kim" not in repr(stored) and "1980" not in repr(stored)


def test_the_values_read_back_decrypted():
    individual = IndividualFactory()
    protected_identity_set(individual=individual, **VALUES)

    identity = ProtectedIdentity.objects.get(individual=individual)

    assert {name: getattr(identity, name) for name in VALUES} == VALUES


def test_two_equal_values_are_stored_as_different_ciphertexts():
    first, second = IndividualFactory(), IndividualFactory()
    protected_identity_set(individual=first, legal_name="Kim")
    protected_identity_set(individual=second, legal_name="Kim")
    # Fernet is randomised: equal names cannot be spotted by comparing columns.
    assert raw_row(first.pk)["legal_name"] != raw_row(second.pk)["legal_name"]


def test_empty_values_stay_empty_and_need_no_nulls():
    individual = IndividualFactory()
    protected_identity_set(individual=individual, legal_name="Kim")

    stored = raw_row(individual.pk)

    assert stored["phone"] == "" and stored["address"] == "" and stored["date_of_birth"] is None
    identity = ProtectedIdentity.objects.get(individual=individual)
    assert identity.phone == "" and identity.date_of_birth is None


def test_an_old_salt_still_decrypts_after_rotation_and_new_values_use_the_new_one():
    with override_settings(SALT_KEY=["old-salt"]):
        old_field = EncryptedCharField(max_length=50)
        token = old_field.get_prep_value("Kim")
    with override_settings(SALT_KEY=["new-salt", "old-salt"]):
        rotated = EncryptedCharField(max_length=50)
        assert rotated.to_python(token) == "Kim"
        new_token = rotated.get_prep_value("Kim")
    with override_settings(SALT_KEY=["new-salt"]):
        assert EncryptedCharField(max_length=50).to_python(new_token) == "Kim"
        # Without the old salt the old token stays unreadable.
        assert EncryptedCharField(max_length=50).to_python(token) == token


def test_the_reencrypt_command_rewrites_every_identity_with_fresh_ciphertext():
    individual = IndividualFactory()
    protected_identity_set(individual=individual, **VALUES)
    before = raw_row(individual.pk)
    out = io.StringIO()

    call_command("protected_identity_reencrypt", stdout=out)

    after = raw_row(individual.pk)
    assert "Re-encrypted 1 protected identities." in out.getvalue()
    assert all(after[name] != before[name] and after[name].startswith("gAAAAA") for name in COLUMNS)
    identity = ProtectedIdentity.objects.get(individual=individual)
    assert identity.legal_name == VALUES["legal_name"]


def test_the_migration_encrypts_values_stored_in_clear_and_its_reverse_decrypts_them():
    from importlib import import_module
    from types import SimpleNamespace

    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    migration = import_module("apps.people.migrations.0002_protectedidentity_encrypted")
    state_apps = MigrationExecutor(connection).loader.project_state(("people", "0002_protectedidentity_encrypted")).apps
    schema_editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    individual = IndividualFactory()
    table = connection.ops.quote_name(ProtectedIdentity._meta.db_table)
    with connection.cursor() as cursor:  # a row as it was before encryption
        cursor.execute(
            f"INSERT INTO {table} (individual_id, legal_name, date_of_birth, phone, email, address, updated_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [individual.pk, "Kim Chol-su", "1980-03-01", "+7 495", "kim@example.org", "", timezone.now()],
        )

    migration.encrypt_existing(state_apps, schema_editor)

    stored = raw_row(individual.pk)
    assert all(stored[name].startswith("gAAAAA") for name in ("legal_name", "date_of_birth", "phone", "email"))
    identity = ProtectedIdentity.objects.get(individual=individual)
    assert (identity.legal_name, identity.date_of_birth) == ("Kim Chol-su", dt.date(1980, 3, 1))

    migration.decrypt_existing(state_apps, schema_editor)

    stored = raw_row(individual.pk)
    assert (stored["legal_name"], stored["date_of_birth"], stored["email"]) == ("Kim Chol-su", "1980-03-01", "kim@example.org")
