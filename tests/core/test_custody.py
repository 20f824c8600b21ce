"""The tamper-evident custody record (apps.core.custody): sealed rows, chains, audit_verify.

Every tampering is done as an intruder with database access would: raw SQL behind the
application's back. Runs on SQLite and on PostgreSQL (DATABASE_URL); where PostgreSQL's
trigger refuses the tampering outright, the test says so.
"""

import datetime as dt
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.access.models import AccessLog
from apps.cases.models import Case, Fact
from apps.core import custody
from apps.core.models import AuditChain, AuditSeal
from tests.factories import AccessLogFactory, CaseFactory, FactFactory, SuperuserFactory, UserFactory
from tests.http import if_match

pytestmark = [pytest.mark.django_db, pytest.mark.audit_tampered]

LOG = AccessLog._meta.db_table
CASES = Case.history.model._meta.db_table
FACTS = Fact.history.model._meta.db_table


def breaks(chain=None):
    reports = custody.audit_verify(chains=[chain] if chain else None)
    return [item for report in reports for item in report.breaks]


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def drop_guard(trigger, table):
    """Drop a table's append-only trigger, as the database's owner can (rolled back with the test)."""
    raw(f"DROP TRIGGER {trigger} ON {table}" if connection.vendor == "postgresql" else f"DROP TRIGGER {trigger}")


def drop_log_guard():
    drop_guard("access_accesslog_no_update", LOG)


def drop_seal_guard():
    drop_guard("core_auditseal_append_only", "core_auditseal")


def entries(count=3):
    case = CaseFactory()
    return [AccessLogFactory(case=case) for _ in range(count)]


def test_every_log_entry_and_history_row_is_sealed_and_verifies():
    logged = entries(3)
    seals = AuditSeal.objects.filter(chain=LOG).order_by("seq")
    assert [seal.row_id for seal in seals] == [str(entry.pk) for entry in logged]
    assert [seal.seq for seal in seals] == [1, 2, 3]
    assert seals[1].prev == seals[0].mac and seals[0].prev == custody.GENESIS
    assert AuditSeal.objects.filter(chain=CASES, kind="seal").exists()
    assert AuditChain.objects.get(name=LOG).seq == 3
    assert breaks() == []


def test_it_catches_a_log_entry_changed_with_raw_sql():
    _first, second, _third = entries(3)
    drop_log_guard()
    raw(f"UPDATE {LOG} SET username = %s WHERE id = %s", ["someone-else", second.pk])

    found = breaks(LOG)
    assert len(found) == 1
    (item,) = found
    assert (item.chain, item.seq, item.row) == (LOG, 2, str(second.pk))
    assert item.problem == "this row was changed after it was sealed"
    assert item.expected == AuditSeal.objects.get(chain=LOG, seq=2).digest and item.found != item.expected


def test_it_catches_a_history_row_changed_with_raw_sql():
    case = CaseFactory(title="Kim")
    version = case.history.earliest("history_id")
    raw(f"UPDATE {CASES} SET title = %s WHERE history_id = %s", ["Someone else", version.history_id])

    (item,) = breaks(CASES)
    assert item.row == str(version.history_id) and "changed" in item.problem


def test_it_catches_a_deleted_log_entry():
    _first, second, _third = entries(3)
    raw(f"DELETE FROM {LOG} WHERE id = %s", [second.pk])

    (item,) = breaks(LOG)
    assert (item.seq, item.row, item.problem) == (2, str(second.pk), "this row was deleted behind the application's back")


def test_it_catches_an_inserted_log_entry():
    first, *_ = entries(2)
    raw(
        f"INSERT INTO {LOG} (at, username, action, object_type, object_id, object_repr, detail) "
        "VALUES (%s, %s, %s, '', '', '', '{}')",
        [first.at, "ghost", "export"],
    )
    ghost = AccessLog.objects.get(username="ghost")

    (item,) = breaks(LOG)
    assert (item.seq, item.row) == (None, str(ghost.pk)) and "no link" in item.problem


def test_it_catches_two_entries_swapped():
    first, second = entries(2)
    # Reorder what happened: each row takes the other's moment and action.
    later = first.at + dt.timedelta(hours=1)
    drop_log_guard()
    raw(f"UPDATE {LOG} SET at = %s, action = %s WHERE id = %s", [later, "view_protected", first.pk])
    raw(f"UPDATE {LOG} SET at = %s WHERE id = %s", [first.at, second.pk])

    assert [(item.seq, item.row) for item in breaks(LOG)] == [(1, str(first.pk)), (2, str(second.pk))]


def test_it_catches_links_reordered_or_removed():
    entries(4)
    drop_seal_guard()
    # Swap two links' numbers: the hashes after the first no longer chain.
    raw("UPDATE core_auditseal SET seq = 99 WHERE chain = %s AND seq = 2", [LOG])
    raw("UPDATE core_auditseal SET seq = 2 WHERE chain = %s AND seq = 3", [LOG])
    raw("UPDATE core_auditseal SET seq = 3 WHERE chain = %s AND seq = 99", [LOG])
    found = breaks(LOG)
    assert found[0].seq == 2 and "previous hash" in found[0].problem

    # The last link removed: the head no longer matches the end of the chain.
    raw("DELETE FROM core_auditseal WHERE chain = %s AND seq = 4", [LOG])
    assert any("head" in item.problem for item in breaks(LOG))


def test_the_database_refuses_to_change_a_link_and_postgresql_to_delete_one():
    from django.db import DatabaseError, transaction

    entries(1)
    refused = ["UPDATE core_auditseal SET digest = 'x'"]
    if connection.vendor == "postgresql":  # SQLite's flush empties tables with DELETE
        refused.append("DELETE FROM core_auditseal")
    for sql in refused:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw(sql)
    assert AuditSeal.objects.filter(chain=LOG).count() == 1


def test_audit_verify_exits_non_zero_and_names_the_first_break(capsys):
    _first, second = entries(2)
    call_command("audit_verify")
    assert "All" in capsys.readouterr().out

    drop_log_guard()
    raw(f"UPDATE {LOG} SET object_repr = %s WHERE id = %s", ["edited", second.pk])
    with pytest.raises(CommandError) as refused:
        call_command("audit_verify")
    assert refused.value.returncode == 1
    err = capsys.readouterr().err
    assert f"First break: {LOG} link #2, row {second.pk}: this row was changed after it was sealed (expected " in err


def test_a_deletion_through_the_api_leaves_a_verifiable_tombstone():
    fact = FactFactory()
    client = APIClient()
    user = SuperuserFactory(username="deleter")
    client.force_authenticate(user)
    url = f"/api/v1/facts/{fact.public_id}/"
    assert client.delete(url, **if_match(client, url)).status_code == 204

    tombstone = AuditSeal.objects.get(chain=FACTS, kind="tombstone")
    assert tombstone.detail == {
        "model": "cases.fact", "object": str(fact.pk), "public_id": str(fact.public_id), "by": "deleter", "reason": "",
    }
    deleted = Fact.history.get(history_type="-")
    assert tombstone.row_id == str(deleted.history_id)
    assert breaks() == []


def test_a_deletion_in_the_admin_leaves_a_tombstone_and_the_summary_is_sealed_as_an_amendment(client):
    superuser = SuperuserFactory(username="root")
    client.force_login(superuser)
    case = CaseFactory()
    response = client.post(reverse("admin:cases_case_change", args=[case.pk]), {})
    fact = FactFactory(case=case)
    response = client.post(reverse("admin:cases_fact_delete", args=[fact.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Fact.objects.filter(pk=fact.pk).exists()

    tombstone = AuditSeal.objects.get(chain=FACTS, kind="tombstone")
    assert (tombstone.detail["by"], tombstone.detail["object"]) == ("root", str(fact.pk))
    assert breaks() == []


def test_deleting_a_user_account_seals_the_entries_it_empties():
    entry, *_ = entries(1)
    entry.user.delete()
    entry.refresh_from_db()
    assert entry.user is None
    amend = AuditSeal.objects.filter(chain=LOG, kind="amend").get()
    assert amend.row_id == str(entry.pk) and amend.detail["fields"] == ["user"]
    assert breaks() == []


def test_retention_pruning_leaves_a_signed_range_and_the_chain_still_verifies(capsys):
    long_ago = timezone.now() - dt.timedelta(days=400)
    with mock.patch("django.utils.timezone.now", return_value=long_ago):
        old = entries(2)
    kept = entries(1)[0]

    call_command("access_log_prune", "--older-than-days", "365", "--by", "dpo", "--reason", "retention")
    assert "Deleted 2 access-log entries" in capsys.readouterr().out
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [kept.pk]
    prune = AuditSeal.objects.get(chain=LOG, kind="prune")
    assert prune.detail == {"after_seq": 0, "through_seq": 2, "rows": 2, "by": "dpo", "reason": "retention"}
    assert prune.row_id == "" and len(prune.digest) == 64
    assert breaks() == []
    assert not AccessLog.objects.filter(pk__in=[entry.pk for entry in old]).exists()

    # The pruned range cannot be quietly extended: deleting the kept entry is still a break.
    raw(f"DELETE FROM {LOG} WHERE id = %s", [kept.pk])
    assert [item.row for item in breaks(LOG)] == [str(kept.pk)]


def _reseal_for_test():
    """Rebuild the log's chain from the rows as they are now, with whatever key is set."""
    drop_seal_guard()
    raw("DELETE FROM core_auditseal WHERE chain = %s", [LOG])
    AuditChain.objects.filter(name=LOG).update(seq=0, head="")
    custody.chains_adopt()


def test_keys_rotate_old_links_verify_with_the_key_they_name():
    entries(1)
    with override_settings(AUDIT_KEY=["a-new-key", "tests-only-audit-key-not-a-secret"]):
        entries(1)
        assert breaks() == []
        keys = set(AuditSeal.objects.filter(chain=LOG).values_list("key_id", flat=True))
        assert len(keys) == 2
    with override_settings(AUDIT_KEY=["a-new-key"]):
        assert any("no longer holds" in item.problem for item in breaks(LOG))


def test_a_forged_link_without_the_key_does_not_verify():
    _first, second = entries(2)
    drop_log_guard()
    raw(f"UPDATE {LOG} SET username = %s WHERE id = %s", ["intruder", second.pk])
    with override_settings(AUDIT_KEY=["the-intruders-guess"]):
        _reseal_for_test()
    found = breaks(LOG)
    assert found and all("no longer holds" in item.problem for item in found)


def test_adopting_seals_only_chains_that_are_still_empty():
    first, second = entries(2)
    raw(f"INSERT INTO {LOG} (at, username, action, object_type, object_id, object_repr, detail) "
        "VALUES (%s, 'ghost', 'export', '', '', '', '{}')", [first.at])
    assert custody.chains_adopt().get(LOG) is None
    assert len(breaks(LOG)) == 1


def test_superusers_cannot_delete_the_access_log_in_the_admin(client):
    entry, *_ = entries(1)
    client.force_login(SuperuserFactory())
    assert client.get(reverse("admin:access_accesslog_delete", args=[entry.pk])).status_code == 403
    assert client.post(reverse("admin:access_accesslog_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    listing = client.get(reverse("admin:access_accesslog_changelist"))
    action_form = listing.context["action_form"]
    assert action_form is None or "delete_selected" not in dict(action_form.fields["action"].choices)
    refused = client.post(
        reverse("admin:access_accesslog_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert refused.status_code in (200, 302)
    assert AccessLog.objects.filter(pk=entry.pk).exists()
    assert client.post(reverse("admin:access_accesslog_change", args=[entry.pk]), {"username": "x"}).status_code == 403
    assert breaks() == []


def test_no_history_table_is_open_to_change_or_delete_in_the_admin():
    from django.contrib import admin

    sealed = set(custody.sealed_models().values())
    assert AccessLog in sealed and Case.history.model in sealed
    superuser = UserFactory(is_superuser=True, is_staff=True)
    request = type("Request", (), {"user": superuser})()
    for model, model_admin in admin.site._registry.items():
        if model in sealed:
            assert not model_admin.has_delete_permission(request) and not model_admin.has_change_permission(request)


def test_a_deletion_through_the_service_leaves_a_tombstone_that_names_no_protected_value():
    from apps.cases.services import fact_delete
    from apps.people.models import ProtectedIdentity
    from tests.factories import ProtectedIdentityFactory

    fact = FactFactory()
    fact_delete(fact=fact)
    identity = ProtectedIdentityFactory(legal_name="Kim Secret-Name")
    identity.delete()

    tombstones = AuditSeal.objects.filter(kind="tombstone")
    # The fact, the citation that went with it, the identity.
    assert {seal.detail["model"] for seal in tombstones} == {"cases.fact", "sources.citation", "people.protectedidentity"}
    assert all("Secret-Name" not in str(seal.detail) + seal.digest for seal in tombstones)
    assert not ProtectedIdentity.objects.filter(pk=identity.pk).exists()
    assert breaks() == []
