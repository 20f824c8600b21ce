"""Every API list as CSV (streamed) and XLSX: the list's rows, filters and order, safe cells."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from apps.access.models import AccessLog
from apps.core.api.exports import safe_cell
from apps.jobs.models import Job
from apps.jobs.services import job_attempt
from apps.people.services import individual_update
from tests.factories import DateReadingFactory, DeadlineFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unthrottled")]

# Every list the router registers: (URL, a builder of visible rows, beside the desk's hidden ones).
LISTS = {
    "individuals": lambda desk: desk.individual(),
    "organizations": lambda desk: desk.organization(),
    "cases": lambda desk: desk.case(),
    "proceedings": lambda desk: desk.proceeding(),
    "agreements": lambda desk: desk.agreement(),
    "provisions": lambda desk: desk.provision(),
    "articles": lambda desk: desk.article(),
    "citations": lambda desk: desk.citation(),
    "date-readings": lambda desk: DateReadingFactory(),
    "facts": lambda desk: desk.fact(),
    "deadlines": lambda desk: (DeadlineFactory(case=desk.case()), DeadlineFactory(case=desk.hidden)),
}
HOSTILE = [
    '=HYPERLINK("http://evil")',
    "+1+cmd",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "  =1",
]


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def read_xlsx(response) -> list[dict]:
    assert response.status_code == 200, response
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def json_ids(api, url) -> list[str]:
    ids, page = [], url
    while page:
        body = api.get(page).json()
        ids += [row["id"] for row in body["results"]]
        page = body["next"]
    return ids


@pytest.mark.parametrize("resource", LISTS)
@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_every_list_exports_the_rows_of_its_json_list_and_their_versions(api, desk, resource, format):
    for _ in range(3):
        LISTS[resource](desk)
    expected = json_ids(api, f"/api/v1/{resource}/?page_size=2")
    response = api.get(f"/api/v1/{resource}/?format={format}")
    rows = read_csv(response) if format == "csv" else read_xlsx(response)
    assert len(expected) >= 3
    assert [row["id"] for row in rows] == expected  # every page, in the list's order
    assert all(str(row["version"]).isdigit() for row in rows)
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Content-Disposition"].endswith(f'.{format}"')


def test_another_organizations_rows_are_absent(api, desk):
    desk.case()
    hidden = desk.hidden.reference
    rows = read_csv(api.get("/api/v1/cases/?format=csv"))
    references = {row["reference"] for row in rows}
    assert hidden not in references
    assert desk.shared.reference in references
    hidden_deadline = DeadlineFactory(case=desk.hidden)
    DeadlineFactory(case=desk.shared)
    rows = read_xlsx(api.get("/api/v1/deadlines/?format=xlsx"))
    assert [row["case"] for row in rows] == [desk.shared.reference]
    assert str(hidden_deadline.public_id) not in {row["id"] for row in rows}


def test_filters_and_ordering_are_those_of_the_list(api, desk):
    cases = [desk.case() for _ in range(3)]
    for priority, case in zip((10, 30, 20), cases, strict=True):
        type(case).objects.filter(pk=case.pk).update(priority=priority)
    rows = read_csv(api.get("/api/v1/cases/?format=csv&ordering=priority&priority_min=20"))
    listed = [
        row["id"] for row in api.get("/api/v1/cases/?ordering=priority&priority_min=20").json()["results"]
    ]
    assert [row["id"] for row in rows] == listed
    references = [row["reference"] for row in rows]
    assert cases[0].reference not in references
    assert references.index(cases[2].reference) < references.index(cases[1].reference)
    first = cases[0].subjects.first()
    rows = read_csv(api.get(f"/api/v1/individuals/?format=csv&search={first.pseudonym}"))
    assert [row["id"] for row in rows] == [str(first.public_id)]


def test_nested_objects_are_dotted_columns_and_lists_are_joined(api, desk):
    person = desk.individual()
    names = sorted(person.aliases.values_list("name", flat=True))
    rows = read_csv(api.get(f"/api/v1/individuals/?format=csv&search={person.pseudonym}"))
    (row,) = rows
    assert list(row) == [
        "id",
        "pseudonym",
        "nationality",
        "born.value",
        "born.display",
        "born.start",
        "born.end",
        "born.precision",
        "born.approximate",
        "status",
        "summary",
        "aliases.id",
        "aliases.name",
        "aliases.script",
        "aliases.transliteration",
        "aliases.note",
        "created_at",
        "updated_at",
        "version",
    ]
    assert row["aliases.name"] == "; ".join(names)
    assert row["version"] == str(person.version)


def test_no_protected_identity_in_an_export_and_the_export_is_logged(api, desk):
    person = desk.individual()
    response = api.get("/api/v1/individuals/?format=csv&status=at_risk")
    text = b"".join(response.streaming_content).decode()
    exported = len(text.splitlines()) - 1
    assert "legal_name" not in text
    assert person.protected_identity.legal_name not in text
    entry = AccessLog.objects.get(action="export")
    assert entry.user == desk.user
    assert entry.detail == {
        "list": "individual",
        "path": "/api/v1/individuals/",
        "format": "csv",
        "filters": {"status": ["at_risk"]},
        "rows": exported,
    }
    assert not AccessLog.objects.filter(action="api_protected_read").exists()


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_like_cells_are_quoted_in_csv_and_xlsx(api, desk, value):
    person = desk.individual()
    individual_update(individual=person, summary=value)
    for format, read in (("csv", read_csv), ("xlsx", read_xlsx)):
        (row,) = read(api.get(f"/api/v1/individuals/?format={format}&search={person.pseudonym}"))
        # XML reads a lone carriage return back as a line feed; the cell is text either way.
        assert row["summary"] in ("'" + value, "'" + value.replace("\r", "\n")), (format, row["summary"])


def test_numbers_stay_numbers():
    assert safe_cell(-3) == -3
    assert safe_cell("-3") == "-3"
    assert safe_cell("-3+1") == "'-3+1"
    assert safe_cell(True) == "true"
    assert safe_cell(None) == ""


def test_xlsx_keeps_numbers_as_numbers(api, desk):
    desk.case()
    rows = read_xlsx(api.get("/api/v1/cases/?format=xlsx"))
    assert all(isinstance(row["priority"], int) and isinstance(row["version"], int) for row in rows)


def test_an_unknown_format_is_a_400_naming_format(api):
    response = api.get("/api/v1/cases/?format=pdf")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["format"]


def test_a_detail_is_not_exported(api, desk):
    case = desk.case()
    response = api.get(f"/api/v1/cases/{case.reference}/?format=csv")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["format"]


def test_an_invalid_filter_is_a_json_problem_not_a_file(api):
    response = api.get("/api/v1/cases/?format=csv&opened_after=never")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_user_without_the_view_permission_gets_a_403_problem(perms_client):
    client = perms_client("people.view_individual")
    response = client.get("/api/v1/cases/?format=csv")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_accept_text_csv_exports_too(api, desk):
    desk.case()
    response = api.get("/api/v1/cases/", HTTP_ACCEPT="text/csv")
    assert len(read_csv(response)) == 2  # the case and the shared one


def test_a_csv_export_streams_and_its_queries_grow_with_chunks_not_rows(api, desk, settings):
    settings.EXPORT_CHUNK_SIZE = 2
    for _ in range(5):
        desk.proceeding()
    api.get("/api/v1/proceedings/?format=csv")  # warm the per-process caches
    with CaptureQueriesContext(connection) as before:
        response = api.get("/api/v1/proceedings/?format=csv")
    chunks = iter(response.streaming_content)
    next(chunks)  # the header: nothing read yet
    with CaptureQueriesContext(connection) as first:
        next(chunks)
    with CaptureQueriesContext(connection) as rest:
        remaining = list(chunks)
    assert response.streaming
    assert len(remaining) >= 2  # more chunks came after the first: the rows were not read at once
    assert len(rest.captured_queries) > 0
    # Per chunk the same prefetches: the first chunk's queries, once for each later chunk.
    per_chunk = len(first.captured_queries)
    assert per_chunk > 0
    assert len(before.captured_queries) == PINNED_BEFORE_STREAMING


# Before the first byte: the count, and the export's access-log entry with its chain seal.
PINNED_BEFORE_STREAMING = 5


@pytest.mark.parametrize("rows", [1, 6])
def test_a_csv_export_costs_the_same_queries_for_one_row_or_many(api, desk, rows, django_assert_num_queries):
    for _ in range(rows):
        desk.proceeding()
    url = "/api/v1/proceedings/?format=csv"
    b"".join(api.get(url).streaming_content)
    with django_assert_num_queries(PINNED_CSV_PROCEEDINGS):
        b"".join(api.get(url).streaming_content)


PINNED_CSV_PROCEEDINGS = 13


def test_a_large_xlsx_is_a_job_whose_result_is_the_file(
    api, desk, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_XLSX_SYNC_ROWS = 2
    for _ in range(3):
        desk.fact()
    with django_capture_on_commit_callbacks(execute=False):
        response = api.get("/api/v1/facts/?format=xlsx")
    assert response.status_code == 202
    assert response["Content-Type"] == "application/json"
    job = Job.objects.get(public_id=response.json()["id"])
    assert response["Location"] == reverse("job-detail", kwargs={"id": job.public_id})
    assert job.kind == "list_export"
    while job_attempt(job_id=job.pk) is not None:
        pass
    job.refresh_from_db()
    assert job.state == "succeeded", job.error
    result = api.get(response.json()["url"]).json()["result"]
    download = api.get(result["url"])
    rows = read_xlsx(download)
    assert [row["id"] for row in rows] == json_ids(api, "/api/v1/facts/?page_size=100")
    assert AccessLog.objects.filter(action="export", detail__download=True).count() == 1


def test_someone_else_cannot_fetch_anothers_export_job(
    api, desk, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_XLSX_SYNC_ROWS = 0
    desk.fact()
    with django_capture_on_commit_callbacks(execute=False):
        url = api.get("/api/v1/facts/?format=xlsx").json()["url"]
    other = APIClient()
    other.force_authenticate(UserFactory())
    assert other.get(url).status_code == 404


@pytest.fixture(scope="module")
def openapi(tmp_path_factory):
    import yaml
    from django.core.management import call_command

    path = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path), stderr=io.StringIO())
    return yaml.safe_load(path.read_text())


def test_the_schema_documents_the_format_of_every_list_and_of_no_detail(openapi):
    lists = [path for path in openapi["paths"] if path.strip("/").count("/") == 2 and "{" not in path]
    assert {path.split("/")[3] for path in lists} >= set(LISTS)
    for path in lists:
        operation = openapi["paths"][path].get("get")
        if operation is None or path.split("/")[3] not in LISTS:
            continue
        (parameter,) = [p for p in operation["parameters"] if p["name"] == "format"]
        assert parameter["in"] == "query"
        assert parameter["schema"]["enum"] == ["json", "csv", "xlsx"]
        assert set(operation["responses"]["200"]["content"]) == {
            "application/json",
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
        assert operation["responses"]["202"]["content"]["application/json"]["schema"]["required"] == [
            "id",
            "url",
            "kind",
            "state",
        ]
    detail = openapi["paths"]["/api/v1/cases/{reference}/"]["get"]
    assert "format" not in {p["name"] for p in detail.get("parameters", [])}


def test_a_streamed_export_keeps_the_requests_language(api, desk):
    person = desk.individual()
    individual_update(individual=person, born="spring 2013")
    url = f"/api/v1/individuals/?search={person.pseudonym}"
    listed = api.get(url, HTTP_ACCEPT_LANGUAGE="ru").json()["results"][0]["born"]["display"]
    (row,) = read_csv(api.get(url + "&format=csv", HTTP_ACCEPT_LANGUAGE="ru"))
    assert row["born.display"] == listed != "spring 2013"
