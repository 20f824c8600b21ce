import pytest

from apps.access.models import AccessLog
from apps.access.services import access_log_record
from apps.core.scoping import visible
from tests.factories import FactFactory

pytestmark = pytest.mark.django_db


def test_it_records_who_did_what_to_which_record(case_a, caseworker_a, org_a, rf):
    fact = FactFactory(case=case_a)
    request = rf.get("/", REMOTE_ADDR="192.0.2.7")

    entry = access_log_record(
        user=caseworker_a, action=AccessLog.Action.EXPORT, obj=fact, detail={"format": "csv"}, request=request
    )

    entry.refresh_from_db()
    assert (entry.user, entry.username, entry.action) == (caseworker_a, caseworker_a.username, "export")
    assert (entry.object_type, entry.object_id, entry.organization) == ("cases.fact", str(fact.pk), org_a)
    assert entry.ip_address == "192.0.2.7" and entry.detail == {"format": "csv"}


def test_an_entry_cannot_be_changed(case_a, caseworker_a):
    entry = access_log_record(user=caseworker_a, action=AccessLog.Action.EXPORT, obj=case_a)
    entry.action = AccessLog.Action.VIEW_PROTECTED
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        AccessLog.objects.filter(pk=entry.pk).update(username="someone else")
    entry.refresh_from_db()
    assert entry.action == AccessLog.Action.EXPORT and entry.username == caseworker_a.username


def test_the_username_survives_the_account(case_a, caseworker_a):
    entry = access_log_record(user=caseworker_a, action=AccessLog.Action.EXPORT, obj=case_a)
    username = caseworker_a.username
    caseworker_a.delete()
    entry.refresh_from_db()
    assert entry.user is None and entry.username == username


def test_an_organization_sees_only_its_own_entries(case_a, case_b, auditor_a, caseworker_a, caseworker_b):
    mine = access_log_record(user=caseworker_a, action=AccessLog.Action.EXPORT, obj=case_a)
    access_log_record(user=caseworker_b, action=AccessLog.Action.EXPORT, obj=case_b)
    access_log_record(user=None, action=AccessLog.Action.LOGIN_THROTTLED)
    assert list(visible(AccessLog, auditor_a)) == [mine]


def test_auditors_browse_their_organizations_log_read_only(client, case_a, case_b, auditor_a, caseworker_a, caseworker_b):
    from django.urls import reverse

    mine = access_log_record(user=caseworker_a, action=AccessLog.Action.EXPORT, obj=case_a)
    theirs = access_log_record(user=caseworker_b, action=AccessLog.Action.EXPORT, obj=case_b)
    client.force_login(auditor_a)

    listing = client.get(reverse("admin:access_accesslog_changelist"))
    assert listing.status_code == 200
    assert [entry.pk for entry in listing.context["cl"].result_list] == [mine.pk]
    page = client.get(reverse("admin:access_accesslog_change", args=[mine.pk]))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert client.post(reverse("admin:access_accesslog_change", args=[mine.pk]), {"username": "x"}).status_code == 403
    assert client.get(reverse("admin:access_accesslog_add")).status_code == 403
    assert client.post(reverse("admin:access_accesslog_delete", args=[mine.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:access_accesslog_change", args=[theirs.pk])).status_code == 302
    assert AccessLog.objects.count() == 2


def test_not_even_a_superuser_may_delete_log_entries(admin_client, case_a, caseworker_a):
    from django.urls import reverse

    entry = access_log_record(user=caseworker_a, action=AccessLog.Action.EXPORT, obj=case_a)
    response = admin_client.post(reverse("admin:access_accesslog_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AccessLog.objects.filter(pk=entry.pk).exists()
    with pytest.raises(TypeError):
        AccessLog.objects.filter(pk=entry.pk).delete()
    with pytest.raises(TypeError):
        entry.delete()


def test_a_caseworker_cannot_open_the_log(client, caseworker_a):
    from django.urls import reverse

    client.force_login(caseworker_a)
    assert client.get(reverse("admin:access_accesslog_changelist")).status_code == 403


def test_the_database_refuses_a_raw_update(case_a, caseworker_a):
    from django.db import DatabaseError, connection, transaction

    entry = access_log_record(user=caseworker_a, action=AccessLog.Action.EXPORT, obj=case_a)
    table = connection.ops.quote_name(AccessLog._meta.db_table)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET username = %s WHERE id = %s", ["someone else", entry.pk])
    entry.refresh_from_db()
    assert entry.username == caseworker_a.username


def test_deleting_the_organization_keeps_its_entries(case_a, caseworker_a, org_a):
    entry = access_log_record(user=caseworker_a, action=AccessLog.Action.EXPORT, obj=case_a)
    case_a.delete()
    caseworker_a.memberships.all().delete()
    org_a.delete()
    entry.refresh_from_db()
    assert entry.organization is None and entry.object_repr.startswith(case_a.reference)


def test_an_api_read_of_protected_data_names_the_token(case_a, caseworker_a, org_a, rf):
    from types import SimpleNamespace

    from apps.access.services import protected_read_record

    subject = case_a.subjects.get()
    request = rf.get("/api/v1/individuals/", REMOTE_ADDR="192.0.2.9")
    request.user = caseworker_a
    request.auth = SimpleNamespace(public_id="6b1f…", prefix="ct_ab12", name="intake form")

    (entry,) = protected_read_record(request=request, records=[subject])

    entry = AccessLog.objects.get(pk=entry.pk)
    assert (entry.action, entry.user, entry.organization) == ("api_protected_read", caseworker_a, org_a)
    assert entry.detail["token"] == {"id": "6b1f…", "prefix": "ct_ab12", "name": "intake form"}
    assert entry.object_id == str(subject.pk) and entry.ip_address == "192.0.2.9"


def test_pruning_deletes_only_entries_past_the_retention_period(case_a, caseworker_a):
    import datetime as dt
    import io
    from unittest import mock

    from django.core.management import CommandError, call_command
    from django.utils import timezone

    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - dt.timedelta(days=800)):
        access_log_record(user=caseworker_a, action=AccessLog.Action.EXPORT, obj=case_a)
    recent = access_log_record(user=caseworker_a, action=AccessLog.Action.EXPORT, obj=case_a)
    out = io.StringIO()

    call_command("access_log_prune", "--older-than-days", "730", stdout=out)

    assert "Deleted 1 access-log entries" in out.getvalue()
    assert list(AccessLog.objects.all()) == [recent]
    with pytest.raises(CommandError):
        call_command("access_log_prune", "--older-than-days", "7")


def test_logging_a_page_of_protected_reads_costs_five_queries(case_a, caseworker_a, rf, django_assert_num_queries):
    from apps.access.services import protected_read_record
    from tests.factories import CaseFactory

    people = [CaseFactory(organization=case_a.organization).subjects.get() for _ in range(5)]
    request = rf.get("/api/v1/individuals/")
    request.user = caseworker_a
    # The holders, the entries; then their links in the audit chain: lock the heads, insert
    # the links, move the head (apps.core.custody).
    with django_assert_num_queries(5):
        protected_read_record(request=request, records=people)
    assert AccessLog.objects.filter(action="api_protected_read", organization=case_a.organization).count() == 5
