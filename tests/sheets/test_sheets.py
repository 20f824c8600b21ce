"""The admin's spreadsheets: export a filtered list, edit it, re-import it through the services."""

import csv
import io
import os
import time

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.access.models import AccessLog
from apps.cases.models import Case, Fact
from apps.cases.services import case_update
from apps.core.sheets import EncryptedUploadStorage, sheets_prune
from apps.proceedings.models import Proceeding
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    IndividualFactory,
    MembershipFactory,
    OrganizationFactory,
    ProceedingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

XLSX, CSV = "0", "1"  # the admin's formats, in the order it offers them


@pytest.fixture
def home():
    return OrganizationFactory(name="Memorial")


@pytest.fixture
def caseworker(home):
    user = UserFactory(username="olga")
    user.groups.set(Group.objects.filter(name="caseworker"))
    MembershipFactory(user=user, organization=home)
    return user


@pytest.fixture
def signed_in(client, caseworker):
    client.force_login(caseworker)
    return client


def url(model, view):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def export(client, model, query="", file_format=XLSX):
    response = client.post(f"{url(model, 'export')}?{query}", {"format": file_format, "resource": "0"})
    assert response.status_code == 200, response.content[:500]
    return response.getvalue()


def xlsx_rows(content):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return rows[0], rows[1:]


def xlsx_file(header, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_rows(content):
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def csv_file(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def preview(client, model, content, file_format=XLSX, name="cases.xlsx"):
    response = client.post(
        url(model, "import"),
        {"format": file_format, "resource": "0", "import_file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    return response


def confirm(client, model, response):
    return client.post(url(model, "process_import"), response.context["confirm_form"].initial)


def uploads():
    root = settings.SHEETS_UPLOAD_ROOT
    return sorted(root.iterdir()) if root.is_dir() else []


def row_kinds(result):
    return [row.import_type for row in result.rows]


def test_a_caseworker_exports_a_filtered_list_to_xlsx_edits_it_and_sees_exactly_that_change_applied(
    signed_in, caseworker, home
):
    first = CaseFactory(organization=home, reference="CT-2020-0001", title="Kim's asylum")
    second = CaseFactory(organization=home, reference="CT-2020-0002", title="Kim Eun-chol")
    CaseFactory(organization=home, reference="CT-2020-0003", title="Monitored", status=Case.Status.MONITORING)

    header, rows = xlsx_rows(export(signed_in, Case, "status__exact=open"))

    assert header == [
        "public id",
        "reference",
        "title",
        "organization",
        "people",
        "status",
        "priority",
        "opened on",
        "closed on",
        "closed reason",
        "summary",
        "caseworkers",
        "version",
    ]
    assert sorted(row[1] for row in rows) == ["CT-2020-0001", "CT-2020-0002"]
    by_reference = {row[1]: row for row in rows}
    assert by_reference["CT-2020-0001"][0] == str(first.public_id)
    assert by_reference["CT-2020-0001"][3:6] == ["Memorial", first.subjects.get().pseudonym, "Open"]
    assert by_reference["CT-2020-0001"][-1] == 1
    by_reference["CT-2020-0001"][2] = "Kim: temporary asylum"
    by_reference["CT-2020-0001"][6] = "Urgent"

    response = preview(signed_in, Case, xlsx_file(header, rows))

    result = response.context["result"]
    assert not result.has_validation_errors() and not result.has_errors()
    assert {row.object_id: row.import_type for row in result.rows} == {first.pk: "update", second.pk: "skip"}
    assert response.context["confirm_form"] is not None
    assert "0 to add, 1 to change, 1 unchanged." in response.content.decode()
    first.refresh_from_db()
    assert (first.title, first.version) == ("Kim's asylum", 1)  # the preview wrote nothing

    done = confirm(signed_in, Case, response)

    assert done.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.title, first.priority, first.version) == ("Kim: temporary asylum", Case.Priority.URGENT, 2)
    assert (second.title, second.version) == ("Kim Eun-chol", 1)
    latest = first.history.latest()
    assert (latest.history_user, latest.title) == (caseworker, "Kim: temporary asylum")
    entry = AccessLog.objects.get(action="sheet_import")
    assert entry.user == caseworker
    assert {
        key: entry.detail[key] for key in ("what", "new", "updated", "skipped", "refused", "applied")
    } == {
        "what": "cases.case",
        "new": 0,
        "updated": 1,
        "skipped": 1,
        "refused": 0,
        "applied": True,
    }
    assert len(entry.detail["sha256"]) == 64
    assert AccessLog.objects.filter(action="export", user=caseworker).count() == 1


def test_a_row_whose_record_changed_since_the_export_is_refused_naming_who_changed_it(signed_in, home):
    case = CaseFactory(organization=home, title="Before")
    header, rows = csv_rows(export(signed_in, Case, file_format=CSV))
    boris = UserFactory(username="boris")
    MembershipFactory(user=boris, organization=home)
    case_update(case=Case.objects.get(pk=case.pk), by=boris, summary="Boris was here")
    # simple-history's user comes from the request; name him on the version as the admin would.
    version = case.history.latest()
    version.history_user = boris
    version.save()
    rows[0][2] = "After"

    response = preview(signed_in, Case, csv_file(header, rows), CSV, "cases.csv")

    result = response.context["result"]
    assert row_kinds(result) == ["invalid"]
    errors = result.invalid_rows[0].field_specific_errors
    assert list(errors) == ["version"]
    assert "boris changed summary" in errors["version"][0]
    assert response.context.get("confirm_form") is None
    case.refresh_from_db()
    assert (case.title, case.summary) == ("Before", "Boris was here")


def test_a_row_of_another_organization_is_refused_as_unknown(signed_in, home):
    elsewhere = CaseFactory(organization=OrganizationFactory(name="Elsewhere"), title="Not Olga's")
    header = ["public id", "reference", "title", "version"]

    response = preview(
        signed_in, Case, csv_file(header, [[str(elsewhere.public_id), "", "Mine now", "1"]]), CSV, "c.csv"
    )

    result = response.context["result"]
    assert row_kinds(result) == ["invalid"]
    assert "that you may see" in result.invalid_rows[0].field_specific_errors["public id"][0]
    elsewhere.refresh_from_db()
    assert elsewhere.title == "Not Olga's"


def test_a_new_row_in_another_organization_is_refused_by_the_service(signed_in, home):
    person = IndividualFactory(pseudonym="Lee")
    CaseFactory(organization=home, subjects=[person])
    OrganizationFactory(name="Elsewhere")
    header = ["public id", "title", "organization", "people", "opened on", "version"]

    response = preview(
        signed_in,
        Case,
        csv_file(header, [["", "Lee's case", "Elsewhere", "Lee", "2016-01-28", ""]]),
        CSV,
        "c.csv",
    )

    result = response.context["result"]
    assert row_kinds(result) == ["invalid"]
    assert "not a member of Elsewhere" in result.invalid_rows[0].field_specific_errors["organization"][0]
    assert not Case.objects.filter(title="Lee's case").exists()


def test_formula_cells_are_exported_harmless_in_csv_and_xlsx_and_read_back_unchanged(signed_in, home):
    case = CaseFactory(
        organization=home, title='=HYPERLINK("http://evil.example","click")', summary="@SUM(A1)"
    )

    csv_header, csv_data = csv_rows(export(signed_in, Case, file_format=CSV))
    xlsx_header, xlsx_data = xlsx_rows(export(signed_in, Case))

    assert csv_data[0][2] == '\'=HYPERLINK("http://evil.example","click")'
    assert csv_data[0][10] == "'@SUM(A1)"
    sheet = openpyxl.load_workbook(io.BytesIO(export(signed_in, Case))).active
    assert sheet.cell(row=2, column=3).data_type == "s"
    assert xlsx_data[0][2] == '\'=HYPERLINK("http://evil.example","click")'
    response = preview(signed_in, Case, xlsx_file(xlsx_header, xlsx_data))
    assert row_kinds(response.context["result"]) == ["skip"]  # the apostrophe is taken off again
    case.refresh_from_db()
    assert case.title.startswith("=HYPERLINK")


def test_the_upload_is_encrypted_on_disk_and_deleted_once_confirmed(signed_in, home):
    case = CaseFactory(organization=home, title="Before")
    header, rows = csv_rows(export(signed_in, Case, file_format=CSV))
    rows[0][2] = "After"
    content = csv_file(header, rows)
    before = uploads()

    response = preview(signed_in, Case, content, CSV, "cases.csv")

    [stored] = [path for path in uploads() if path not in before]
    on_disk = stored.read_bytes()
    assert b"public id" not in on_disk and b"After" not in on_disk
    assert on_disk.startswith(b"gAAAAA")  # a Fernet token
    confirm(signed_in, Case, response)
    assert not stored.exists()
    case.refresh_from_db()
    assert case.title == "After"


def test_uploads_older_than_a_day_are_pruned(settings, tmp_path):
    settings.SHEETS_UPLOAD_ROOT = tmp_path
    old, fresh = EncryptedUploadStorage(), EncryptedUploadStorage()
    old.save(b"a,b\n")
    fresh.save(b"a,b\n")
    day_ago = time.time() - 25 * 3600
    os.utime(tmp_path / old.name, (day_ago, day_ago))

    assert sheets_prune() == 1

    assert sorted(path.name for path in tmp_path.iterdir()) == [fresh.name]


def test_a_crafted_upload_name_is_refused():
    with pytest.raises(Exception, match="not known"):
        EncryptedUploadStorage(name="../../etc/passwd")


def test_one_refused_row_and_nothing_is_applied_not_even_when_confirmed_anyway(signed_in, home):
    good = CaseFactory(organization=home, reference="CT-2020-0001", title="Good")
    bad = CaseFactory(organization=home, reference="CT-2020-0002", title="Bad")
    header, rows = csv_rows(export(signed_in, Case, file_format=CSV))
    by_reference = {row[1]: row for row in rows}
    by_reference["CT-2020-0001"][2] = "Good, changed"
    by_reference["CT-2020-0002"][5] = "Closed"  # without a date and a reason: the model refuses
    before = uploads()

    response = preview(signed_in, Case, csv_file(header, rows), CSV, "cases.csv")

    result = response.context["result"]
    assert sorted(row_kinds(result)) == ["invalid", "update"]
    assert response.context.get("confirm_form") is None
    page = response.content.decode()
    assert "Nothing will be imported while a row is refused" in page
    assert "The other rows, as they would be imported" in page and 'class="update"' in page
    assert 'name="confirm"' not in page
    [stored] = [path for path in uploads() if path not in before]
    forced = signed_in.post(
        url(Case, "process_import"),
        {"import_file_name": stored.name, "original_file_name": "cases.csv", "format": CSV, "resource": "0"},
    )
    assert forced.status_code == 200
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.title, good.version, bad.status) == ("Good", 1, Case.Status.OPEN)
    assert AccessLog.objects.get(action="sheet_import").detail["applied"] is False


def test_a_new_fact_is_recorded_with_its_quote_and_a_proceeding_takes_a_russian_label(signed_in, home):
    case = CaseFactory(organization=home, reference="CT-2016-0001")
    article = ArticleFactory(body="The Federal Migration Service refused temporary asylum to Kim.")
    header = [
        "public id",
        "case",
        "date",
        "statement",
        "internal",
        "source article",
        "source quote",
        "version",
    ]
    fact_rows = [
        [
            "",
            "CT-2016-0001",
            "January 2016",
            "Kim was refused asylum.",
            "0",
            article.url,
            "refused temporary asylum to Kim",
            "",
        ]
    ]

    response = preview(signed_in, Fact, xlsx_file(header, fact_rows))
    assert row_kinds(response.context["result"]) == ["new"]
    confirm(signed_in, Fact, response)

    fact = Fact.objects.get(statement="Kim was refused asylum.")
    assert (fact.case, str(fact.date), fact.citations.get().quote) == (
        case,
        "January 2016",
        "refused temporary asylum to Kim",
    )

    proceeding = ProceedingFactory(case=case, subject=case.subjects.get())
    header, rows = xlsx_rows(export(signed_in, Proceeding))
    outcome = header.index("outcome")
    rows[0][outcome] = "Отказ"
    response = preview(signed_in, Proceeding, xlsx_file(header, rows))
    assert row_kinds(response.context["result"]) == ["update"], response.context["result"].invalid_rows
    confirm(signed_in, Proceeding, response)
    proceeding.refresh_from_db()
    assert proceeding.outcome == Proceeding.Outcome.REFUSED


def test_export_selected_writes_only_the_chosen_rows_of_the_users_own_list(signed_in, home):
    chosen = CaseFactory(organization=home, reference="CT-2020-0001")
    CaseFactory(organization=home, reference="CT-2020-0002")
    elsewhere = CaseFactory(organization=OrganizationFactory(name="Elsewhere"), reference="CT-2020-0003")

    form = signed_in.post(
        reverse("admin:cases_case_changelist"),
        {"action": "export_admin_action", "_selected_action": [chosen.pk]},
    )
    assert form.status_code == 200
    response = signed_in.post(
        url(Case, "export"), {"format": CSV, "resource": "0", "export_items": [chosen.pk]}
    )
    crafted = signed_in.post(
        url(Case, "export"), {"format": CSV, "resource": "0", "export_items": [elsewhere.pk]}
    )

    header, rows = csv_rows(response.getvalue())
    assert [row[1] for row in rows] == ["CT-2020-0001"]
    assert crafted["Content-Type"].startswith("text/html")  # the form again: not a row of theirs
    assert b"CT-2020-0003" not in crafted.content


def test_a_reader_may_export_but_not_import(client, home):
    auditor = UserFactory(username="audrey")
    auditor.groups.set(Group.objects.filter(name="auditor"))
    MembershipFactory(user=auditor, organization=home)
    CaseFactory(organization=home)
    client.force_login(auditor)

    assert client.get(url(Case, "import")).status_code == 403
    header, rows = csv_rows(export(client, Case, file_format=CSV))
    assert len(rows) == 1
    changelist = client.get(reverse("admin:cases_case_changelist"))
    assert b"export_link" in changelist.content and b"import_link" not in changelist.content


@pytest.mark.parametrize("cases", [1, 5])
def test_the_export_costs_the_same_queries_for_one_case_as_for_many(
    signed_in, home, cases, django_assert_num_queries
):
    for _ in range(cases):
        CaseFactory(organization=home)
    export(signed_in, Case)  # warm the per-process caches
    with django_assert_num_queries(EXPORT_QUERIES):
        export(signed_in, Case)


# Session and user, the second factor, the export permission's view check, the scoped
# changelist's queryset (cases; subjects and caseworkers prefetched, in pages), the count that
# chooses between the request and a job, the access-log entry and its audit-chain link.
EXPORT_QUERIES = 15


def test_a_large_confirmed_import_is_applied_by_a_job_with_a_report(signed_in, caseworker, home, settings):
    from apps.jobs.models import Job
    from apps.jobs.services import job_attempt

    settings.SHEETS_IMPORT_JOB_ROWS = 1
    first = CaseFactory(organization=home, reference="CT-2020-0001", title="One")
    CaseFactory(organization=home, reference="CT-2020-0002", title="Two")
    header, rows = csv_rows(export(signed_in, Case, file_format=CSV))
    {row[1]: row for row in rows}["CT-2020-0001"][2] = "One, changed"
    response = preview(signed_in, Case, csv_file(header, rows), CSV, "cases.csv")

    queued = confirm(signed_in, Case, response)

    job = Job.objects.get(kind="spreadsheet_import")
    assert queued.status_code == 302 and str(job.public_id) in queued["Location"]
    first.refresh_from_db()
    assert first.title == "One"  # not in the request
    job_attempt(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.result_meta) == ("succeeded", {"new": 0, "updated": 1, "skipped": 1, "refused": 0})
    first.refresh_from_db()
    assert (first.title, first.history.latest().history_user) == ("One, changed", caseworker)
    assert uploads() == [] or all(
        path.name != response.context["confirm_form"].initial["import_file_name"] for path in uploads()
    )


# -- large exports as jobs, small CSV streamed ------------------------------------------------


def job_file(job):
    from apps.jobs.files import job_files

    with job_files().open(job.result_file, "rb") as file:
        return file.read()


def test_a_small_csv_export_is_streamed_with_the_bytes_the_in_memory_file_had(
    signed_in, caseworker, home, monkeypatch
):
    from django.contrib import admin
    from django.http import StreamingHttpResponse
    from django.test import RequestFactory
    from import_export.formats.base_formats import CSV as CSVFormat

    from apps.cases.resources import CaseResource
    from apps.core import admin_sheets

    monkeypatch.setattr(admin_sheets, "CSV_CHUNK_ROWS", 2)
    CaseFactory(organization=home, reference="CT-2020-0001", title='=HYPERLINK("x"), "quoted"')
    CaseFactory(organization=home, reference="CT-2020-0002", title="Ким, беженец\nsecond line")
    CaseFactory(organization=home, reference="CT-2020-0003", title="Plain")
    CaseFactory(organization=OrganizationFactory(name="Elsewhere"), reference="CT-2020-0004")
    request = RequestFactory().get("/")
    request.user = caseworker
    queryset = admin.site._registry[Case].get_export_queryset(request)
    in_memory = CSVFormat().export_data(CaseResource(user=caseworker).export(queryset=queryset)).encode()

    response = signed_in.post(url(Case, "export"), {"format": CSV, "resource": "0"})

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="Case-')
    chunks = list(response.streaming_content)
    assert len(chunks) == 2  # the header and a row, then two rows
    assert b"".join(chunks) == in_memory
    header, rows = csv_rows(in_memory)
    assert sorted(row[1] for row in rows) == ["CT-2020-0001", "CT-2020-0002", "CT-2020-0003"]
    assert {row[2] for row in rows} >= {'\'=HYPERLINK("x"), "quoted"'}
    entry = AccessLog.objects.get(action="export")
    assert (entry.user, entry.detail) == (
        caseworker,
        {"what": "cases.case", "format": "csv", "rows": 3, "filters": ""},
    )


def test_a_large_filtered_export_is_a_job_whose_file_is_exactly_the_list_and_only_its_requester_downloads_it(
    client, signed_in, caseworker, home, settings
):
    from apps.jobs.models import Job
    from apps.jobs.services import job_attempt

    settings.SHEETS_EXPORT_JOB_ROWS = 1
    CaseFactory(organization=home, reference="CT-2020-0001", title="=1+1")
    CaseFactory(organization=home, reference="CT-2020-0002")
    CaseFactory(organization=home, reference="CT-2020-0003", status=Case.Status.MONITORING)
    CaseFactory(organization=OrganizationFactory(name="Elsewhere"), reference="CT-2020-0004")

    queued = signed_in.post(f"{url(Case, 'export')}?status__exact=open", {"format": CSV, "resource": "0"})

    job = Job.objects.get(kind="sheet_export")
    assert queued.status_code == 302
    assert queued["Location"] == reverse("jobs_admin:status") + f"?job={job.public_id}"
    assert (job.requested_by, job.params["filters"], job.params["selected"]) == (
        caseworker,
        "status__exact=open",
        None,
    )
    [asked] = AccessLog.objects.filter(action="export")
    assert asked.detail == {
        "what": "cases.case",
        "format": "csv",
        "rows": 2,
        "filters": "status__exact=open",
        "job": str(job.public_id),
    }
    page = signed_in.get(queued["Location"])
    assert page.status_code == 200 and "Spreadsheet export" in page.content.decode()

    job_attempt(job_id=job.pk)

    job.refresh_from_db()
    assert (job.state, job.result_meta, job.result_content_type) == ("succeeded", {"rows": 2}, "text/csv")
    header, rows = csv_rows(job_file(job))
    assert header[:3] == ["public id", "reference", "title"]
    assert sorted(row[1] for row in rows) == ["CT-2020-0001", "CT-2020-0002"]
    assert {row[1]: row[2] for row in rows}["CT-2020-0001"] == "'=1+1"
    download = reverse("jobs_admin:download", args=[job.public_id])

    boris = UserFactory(username="boris")
    boris.groups.set(Group.objects.filter(name="caseworker"))
    MembershipFactory(user=boris, organization=home)
    client.force_login(boris)
    assert client.get(download).status_code == 404
    assert AccessLog.objects.filter(action="export").count() == 1

    signed_in.force_login(caseworker)
    got = signed_in.get(download)
    assert got.status_code == 200
    assert got.getvalue() == job_file(job)
    downloaded = AccessLog.objects.filter(action="export").latest("pk")
    assert (downloaded.user, downloaded.detail) == (
        caseworker,
        {
            "what": "cases.case",
            "format": "csv",
            "rows": 2,
            "filters": "status__exact=open",
            "job": str(job.public_id),
            "download": True,
        },
    )


def test_another_user_is_refused_an_export_made_for_someone_else(caseworker):
    from django.core.exceptions import PermissionDenied

    from apps.jobs.models import Job
    from apps.workspace.sheet_jobs import sheet_export_deliver

    job = Job(kind="sheet_export", params={"model": "cases.Case"}, requested_by=caseworker)
    with pytest.raises(PermissionDenied):
        sheet_export_deliver(job=job, user=UserFactory(username="boris"))


def test_a_large_export_of_the_selected_rows_is_a_job_writing_those_rows_to_xlsx(signed_in, home, settings):
    from apps.jobs.models import Job
    from apps.jobs.services import job_attempt

    settings.SHEETS_EXPORT_JOB_ROWS = 1
    first = CaseFactory(organization=home, reference="CT-2020-0001")
    second = CaseFactory(organization=home, reference="CT-2020-0002")
    CaseFactory(organization=home, reference="CT-2020-0003")

    queued = signed_in.post(
        url(Case, "export"), {"format": XLSX, "resource": "0", "export_items": [first.pk, second.pk]}
    )

    assert queued.status_code == 302
    job = Job.objects.get(kind="sheet_export")
    assert sorted(job.params["selected"]) == sorted([str(first.public_id), str(second.public_id)])
    job_attempt(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.result_meta) == ("succeeded", {"rows": 2})
    header, rows = xlsx_rows(job_file(job))
    assert header == xlsx_rows(export(signed_in, Case, "reference=CT-2020-0003"))[0]
    assert len(header) == 13
    assert sorted(row[1] for row in rows) == ["CT-2020-0001", "CT-2020-0002"]
    assert {row[1]: row[-1] for row in rows} == {"CT-2020-0001": 1, "CT-2020-0002": 1}  # numbers stay numbers


def test_the_job_reads_the_list_as_its_requester_may_see_it_when_it_runs(
    signed_in, caseworker, home, settings
):
    from apps.access.models import Membership
    from apps.jobs.models import Job
    from apps.jobs.services import job_attempt

    settings.SHEETS_EXPORT_JOB_ROWS = 1
    CaseFactory(organization=home, reference="CT-2020-0001")
    CaseFactory(organization=home, reference="CT-2020-0002")
    signed_in.post(url(Case, "export"), {"format": CSV, "resource": "0"})
    job = Job.objects.get(kind="sheet_export")
    Membership.objects.filter(user=caseworker).delete()  # she left Memorial meanwhile

    job_attempt(job_id=job.pk)

    job.refresh_from_db()
    assert (job.state, job.result_meta) == ("succeeded", {"rows": 0})
    assert csv_rows(job_file(job))[1] == []


def test_the_job_fails_when_its_requester_no_longer_has_an_active_account(
    signed_in, caseworker, home, settings
):
    from apps.jobs.models import Job
    from apps.jobs.services import job_attempt

    settings.SHEETS_EXPORT_JOB_ROWS = 1
    CaseFactory(organization=home)
    CaseFactory(organization=home)
    signed_in.post(url(Case, "export"), {"format": XLSX, "resource": "0"})
    job = Job.objects.get(kind="sheet_export")
    caseworker.is_active = False
    caseworker.save()

    job_attempt(job_id=job.pk)

    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "The account that asked for this export is no longer active.")
    assert not job.result_file
