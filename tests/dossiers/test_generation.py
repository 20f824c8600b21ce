"""Where dossiers are generated: the service, the command, the admin and the API."""

import io
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.access.models import AccessLog, Membership
from apps.dossiers.models import DossierGeneration
from apps.dossiers.services import dossier_generate
from apps.jobs.models import Job
from apps.jobs.services import job_attempt
from tests.dossiers.conftest import SECRET, pdf_text
from tests.factories import CaseFactory, OrganizationFactory, UserFactory


def _member(kim, role: str, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role))
    Membership.objects.create(user=user, organization=kim.case.organization)
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def caseworker(kim):
    return _member(kim, "caseworker", username="casey")


@pytest.fixture
def lawyer(kim):
    return _member(kim, "legal partner", username="lawyer")


# -- the service ----------------------------------------------------------------------------------


def test_it_records_who_generated_which_dossier(kim, caseworker):
    data, filename, content_type = dossier_generate(
        case=kim.case, format="json", level="legal", user=caseworker
    )
    assert (filename, content_type) == ("CT-2013-0001-dossier-legal.json", "application/json")
    record = DossierGeneration.objects.get()
    assert (record.case, record.case_reference, record.generated_by) == (kim.case, "CT-2013-0001", caseworker)
    assert (record.format, record.level, record.channel, record.size) == ("json", "legal", "admin", len(data))
    assert record.digest.encode() in data
    log = AccessLog.objects.get(action=AccessLog.Action.DOSSIER_GENERATE)
    assert log.user == caseworker and log.detail["level"] == "legal" and log.detail["digest"] == record.digest


def test_it_refuses_a_level_the_user_may_not_have_and_records_nothing(kim, lawyer):
    with pytest.raises(PermissionDenied):
        dossier_generate(case=kim.case, format="pdf", level="full", user=lawyer)
    assert not DossierGeneration.objects.exists()


def test_it_refuses_a_case_of_another_organization(kim):
    outsider = UserFactory()
    outsider.groups.add(Group.objects.get(name="caseworker"))
    Membership.objects.create(user=outsider, organization=OrganizationFactory())
    with pytest.raises(PermissionDenied):
        dossier_generate(case=kim.case, format="html", level="public", user=outsider)


def test_a_full_dossier_names_the_generating_caseworker(kim, caseworker):
    data, _, _ = dossier_generate(case=kim.case, format="html", level="full", user=caseworker)
    assert b"by casey" in data and SECRET["legal_name"].encode() in data


def test_the_bundle_is_the_same_whoever_generates_it(kim, caseworker, superuser):
    first, name, content_type = dossier_generate(case=kim.case, format="zip", level="public", user=caseworker)
    second, _, _ = dossier_generate(case=kim.case, format="zip", level="public", user=superuser)
    assert first == second and (name, content_type) == ("CT-2013-0001-evidence-public.zip", "application/zip")
    assert DossierGeneration.objects.count() == 2


# -- the command ----------------------------------------------------------------------------------


def test_the_command_writes_the_dossier_and_records_it(kim, tmp_path):
    output = tmp_path / "kim.pdf"
    call_command("dossier", "CT-2013-0001", "--format", "pdf", "--level", "public", "--output", str(output))
    text = pdf_text(output.read_bytes(), tmp_path)
    assert "CT-2013-0001" in text and SECRET["legal_name"] not in text
    record = DossierGeneration.objects.get()
    assert (record.channel, record.generated_by, record.level) == ("command", None, "public")


def test_the_command_applies_a_named_users_permissions(kim, lawyer, tmp_path):
    with pytest.raises(CommandError, match="full"):
        call_command(
            "dossier", "CT-2013-0001", "--level", "full", "--user", "lawyer", "-o", str(tmp_path / "x")
        )


def test_the_command_refuses_an_output_folder_that_does_not_exist_and_records_nothing(kim, tmp_path):
    output = tmp_path / "missing" / "kim.json"
    with pytest.raises(CommandError, match="there is no folder"):
        call_command("dossier", "CT-2013-0001", "--format", "json", "--output", str(output))
    assert not DossierGeneration.objects.exists()


def test_the_command_rejects_an_unknown_case(db):
    with pytest.raises(CommandError, match="No case CT-1999-0001"):
        call_command("dossier", "CT-1999-0001")


# -- the admin ------------------------------------------------------------------------------------


def test_a_caseworker_gets_the_public_pdf_from_the_dossier_button(kim, caseworker, client, tmp_path):
    client.force_login(caseworker)
    page = client.get(reverse("admin:cases_case_change", args=[kim.case.pk]))
    assert page.status_code == 200
    button = reverse("dossiers_admin:generate") + "?case=CT-2013-0001"
    assert f'href="{button}"' in page.content.decode()
    # Click 1: the Dossier button. The form starts at PDF and public.
    form_page = client.get(button)
    assert form_page.status_code == 200
    form = form_page.context["form"]
    assert (form["format"].value(), form["level"].value()) == ("pdf", "public")
    # Click 2: Generate starts a render job and leads to its page.
    response = client.post(button, {"case": "CT-2013-0001", "format": "pdf", "level": "public"})
    assert response.status_code == 302
    job = Job.objects.get()
    job_attempt(job_id=job.pk)  # what the worker does (tests/dossiers/test_render_jobs.py runs the real one)
    # Click 3: the job page's download.
    download = reverse("jobs_admin:download", args=[job.public_id])
    assert f'href="{download}"' in client.get(response["Location"]).content.decode()
    file = client.get(download)
    assert file.status_code == 200 and file["Content-Type"] == "application/pdf"
    assert file["Content-Disposition"] == 'attachment; filename="CT-2013-0001-dossier-public.pdf"'
    assert "CT-2013-0001" in pdf_text(b"".join(file.streaming_content), tmp_path)


def test_the_admin_page_offers_only_the_levels_the_user_may_have(kim, lawyer, client):
    client.force_login(lawyer)
    url = reverse("dossiers_admin:generate")
    page = client.get(url, {"case": "CT-2013-0001"})
    assert [value for value, _ in page.context["form"].fields["level"].choices] == ["legal", "public"]
    refused = client.post(url, {"case": "CT-2013-0001", "format": "pdf", "level": "full"})
    assert refused.status_code == 200 and refused.context["form"].errors["level"]
    assert not DossierGeneration.objects.exists()


def test_the_admin_page_does_not_show_another_organizations_case(kim, client):
    other = CaseFactory()
    outsider = UserFactory(is_staff=True)
    outsider.groups.add(Group.objects.get(name="caseworker"))
    Membership.objects.create(user=outsider, organization=other.organization)
    client.force_login(outsider)
    assert client.get(reverse("dossiers_admin:generate"), {"case": "CT-2013-0001"}).status_code == 404


def test_the_case_list_action_leads_to_the_dossier_page_and_a_zip_of_all(kim, admin_client):
    other = CaseFactory(reference="CT-2020-0100")
    response = admin_client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "generate_dossiers", "_selected_action": [kim.case.pk, other.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers_admin:generate") + "?case=CT-2013-0001&case=CT-2020-0100"
    assert admin_client.get(response["Location"]).status_code == 200
    bundle = admin_client.post(
        reverse("dossiers_admin:generate"),
        {"case": ["CT-2013-0001", "CT-2020-0100"], "format": "json", "level": "legal"},
    )
    assert bundle["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        assert archive.namelist() == ["CT-2013-0001-dossier-legal.json", "CT-2020-0100-dossier-legal.json"]
    assert DossierGeneration.objects.count() == 2


def test_the_generation_record_is_read_only_in_the_admin(kim, caseworker, admin_client):
    dossier_generate(case=kim.case, format="json", level="public", user=caseworker)
    record = DossierGeneration.objects.get()
    assert admin_client.get(reverse("admin:dossiers_dossiergeneration_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:dossiers_dossiergeneration_change", args=[record.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert admin_client.get(reverse("admin:dossiers_dossiergeneration_add")).status_code == 403


@pytest.fixture
def without_pandoc(monkeypatch):
    from apps.dossiers.renderers import docx

    # _pandoc remembers the binary it found: forget it, so that the missing one is noticed.
    docx._pandoc.cache_clear()
    monkeypatch.setattr(docx.shutil, "which", lambda name: None)
    yield
    docx._pandoc.cache_clear()


def test_a_format_this_server_cannot_make_is_an_error_on_the_form(kim, caseworker, client, without_pandoc):
    client.force_login(caseworker)
    response = client.post(
        reverse("dossiers_admin:generate"), {"case": "CT-2013-0001", "format": "docx", "level": "public"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["format"] == [
        "This server cannot make this format: pandoc is not installed (Debian package: pandoc)."
    ]
    assert not DossierGeneration.objects.exists()


# -- the API --------------------------------------------------------------------------------------

API = "/api/v1/cases/CT-2013-0001/dossier/"


def test_the_api_gives_the_same_bundle_as_the_admin(kim, caseworker, api_client, client):
    api_client.force_authenticate(caseworker)
    # No render yet: GET points at the POST, which starts a job.
    assert api_client.get(API, {"format": "zip", "level": "public"}).status_code == 409
    started = api_client.post(
        "/api/v1/cases/CT-2013-0001/dossiers/", {"format": "zip", "level": "public"}, format="json"
    )
    job_attempt(job_id=Job.objects.get(public_id=started.json()["id"]).pk)
    response = api_client.get(API, {"format": "zip", "level": "public"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    client.force_login(caseworker)
    client.post(
        reverse("dossiers_admin:generate"), {"case": "CT-2013-0001", "format": "zip", "level": "public"}
    )
    from_admin = Job.objects.filter(params__channel="admin").get()
    job_attempt(job_id=from_admin.pk)
    from_admin.refresh_from_db()
    assert from_admin.result_meta["cached"] is True
    download = client.get(reverse("jobs_admin:download", args=[from_admin.public_id]))
    assert b"".join(download.streaming_content) == response.content
    assert DossierGeneration.objects.filter(channel="api").count() == 1


@pytest.mark.parametrize(
    ("params", "status"),
    [({"format": "pdf", "level": "full"}, 403), ({"format": "exe"}, 400), ({"level": "secret"}, 400)],
)
def test_the_api_refuses_bad_or_forbidden_requests(kim, lawyer, api_client, params, status):
    api_client.force_authenticate(lawyer)
    response = api_client.get(API, params)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert not DossierGeneration.objects.exists()


def test_the_api_hides_cases_the_caller_cannot_see(kim, api_client):
    outsider = UserFactory()
    outsider.groups.add(Group.objects.get(name="caseworker"))
    api_client.force_authenticate(outsider)
    assert api_client.get(API, {"format": "json"}).status_code == 404


def test_the_api_lets_a_lawyer_have_the_legal_json(kim, lawyer, api_client):
    api_client.force_authenticate(lawyer)
    response = api_client.get(API, {"format": "json", "level": "legal"})
    assert response.status_code == 200
    assert response.json()["cover"]["level"] == "legal" and SECRET["phone"] not in response.content.decode()


def test_the_api_answers_503_for_a_format_this_server_cannot_make(
    kim, caseworker, api_client, without_pandoc
):
    api_client.force_authenticate(caseworker)
    response = api_client.get(API, {"format": "docx", "level": "public"})
    assert response.status_code == 503 and response["Content-Type"] == "application/problem+json"
    assert "pandoc is not installed" in response.json()["detail"]
    assert not DossierGeneration.objects.exists()
