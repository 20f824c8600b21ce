"""dumpdata writes protected identities as ciphertext and loads back; a clear export is its own
command, needs the permission, a reason and a named user, and logs every identity it exports."""

import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from apps.access.models import AccessLog
from apps.people.models import ProtectedIdentity
from tests.factories import ProtectedIdentityFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db

NAME = "Ochen Sekretnaya Familiya"


@pytest.mark.parametrize("fmt", ["json", "jsonl", "xml", "yaml"])
def test_dumpdata_writes_protected_fields_as_ciphertext(fmt):
    ProtectedIdentityFactory(
        legal_name=NAME, date_of_birth="1979-02-03", address="Secret street 5", email="a@b.example"
    )
    import importlib

    serializer = importlib.import_module(f"apps.core.dumpformats.{fmt}").Serializer()
    text = serializer.serialize(ProtectedIdentity.objects.all())
    for clear in (NAME, "1979-02-03", "Secret street 5", "a@b.example"):
        assert clear not in text
    assert text.count("gAAAAA") == 5  # the four above and the phone


def test_a_dump_loads_back_and_decrypts_with_the_same_keys(tmp_path):
    from apps.core.dumpformats.json import Serializer

    identity = ProtectedIdentityFactory(legal_name=NAME, date_of_birth="1979-02-03")
    dump = tmp_path / "identities.json"
    dump.write_text(Serializer().serialize(ProtectedIdentity.objects.all()))
    ProtectedIdentity.objects.all().delete()
    call_command("loaddata", str(dump), stdout=io.StringIO())
    loaded = ProtectedIdentity.objects.get(pk=identity.pk)
    assert (loaded.legal_name, str(loaded.date_of_birth)) == (NAME, "1979-02-03")


def test_the_clear_export_writes_the_identities_and_logs_who_and_why(tmp_path):
    identity = ProtectedIdentityFactory(legal_name=NAME)
    other = ProtectedIdentityFactory(legal_name="Second Person")
    officer = SuperuserFactory(username="officer")
    output = tmp_path / "export.json"
    call_command(
        "identity_export",
        by="officer",
        reason="Court order 12/2026",
        output=str(output),
        individual=[str(identity.individual.public_id)],
        stdout=io.StringIO(),
    )
    exported = json.loads(output.read_text())
    assert exported["reason"] == "Court order 12/2026"
    assert [row["legal_name"] for row in exported["identities"]] == [NAME]
    assert output.stat().st_mode & 0o077 == 0
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert entry.user == officer and entry.object_id == str(identity.individual.pk)
    assert entry.detail["reason"] == "Court order 12/2026"
    assert NAME not in json.dumps(entry.detail)
    assert other.individual.public_id  # not exported, not logged
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count() == 1


@pytest.mark.parametrize(
    ("by", "reason", "message"),
    [
        ("nobody", "a reason", "No active user"),
        ("clerk", "a reason", "permission"),
        ("officer", "  ", "Say why"),
    ],
)
def test_the_clear_export_refuses_without_a_user_permission_or_reason(tmp_path, by, reason, message):
    ProtectedIdentityFactory(legal_name=NAME)
    SuperuserFactory(username="officer")
    clerk = UserFactory(username="clerk")
    clerk.user_permissions.add(Permission.objects.get(codename="view_individual"))
    output = tmp_path / "export.json"
    with pytest.raises(CommandError, match=message):
        call_command("identity_export", by=by, reason=reason, output=str(output), stdout=io.StringIO())
    assert not output.exists()
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()
