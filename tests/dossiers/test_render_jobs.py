"""Dossier renders as jobs, on the thread path (no REDIS_URL: `make run` and the default tests).

Transactional: the job runs in a background thread of this process, with its own database
connection, which sees only what is committed (as a worker would).
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from apps.access.models import AccessLog, Membership
from apps.dossiers.models import DossierGeneration
from apps.jobs.models import Job
from apps.jobs.runner import thread_runner
from tests.browser.conftest import roles_restore
from tests.dossiers.conftest import pdf_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

POST = "/api/v1/cases/CT-2013-0001/dossiers/"
GET = "/api/v1/cases/CT-2013-0001/dossier/"


def _member(case, role: str, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role))
    Membership.objects.create(user=user, organization=case.organization)
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def caseworker(kim):
    return _member(kim.case, "caseworker", username="casey")


@pytest.fixture(autouse=True)
def _roles():
    # An earlier transactional test's flush emptied the groups that a migration made.
    roles_restore()


def _finish():
    assert thread_runner().wait_idle(timeout=120), "the job thread did not finish"


def test_a_pdf_is_a_job_whose_result_is_the_dossier(kim, caseworker, api_client, tmp_path):
    api_client.force_authenticate(caseworker)
    response = api_client.post(POST, {"format": "pdf", "level": "public"}, format="json")
    assert response.status_code == 202
    job = response.json()
    assert response["Location"] == job["url"] == f"/api/v1/jobs/{job['id']}/"
    assert job["kind"] == "dossier_render" and job["subject"] == "CT-2013-0001"
    assert job["state"] in ("queued", "running", "succeeded")
    _finish()

    done = api_client.get(job["url"]).json()
    assert (done["state"], done["progress"], done["attempts"], done["error"]) == ("succeeded", 100, 1, "")
    assert done["result"]["name"] == "CT-2013-0001-dossier-public.pdf"
    assert not DossierGeneration.objects.exists()  # made, not yet handed to anyone

    file = api_client.get(done["result"]["url"])
    assert file.status_code == 200 and file["Content-Type"] == "application/pdf"
    data = b"".join(file.streaming_content)
    assert "CT-2013-0001" in pdf_text(data, tmp_path)
    record = DossierGeneration.objects.get()
    assert (record.channel, record.generated_by, record.format, record.size) == (
        "api",
        caseworker,
        "pdf",
        len(data),
    )
    assert AccessLog.objects.filter(action=AccessLog.Action.DOSSIER_GENERATE, user=caseworker).count() == 1

    # Now rendered, the same data is served by GET at once, and never rendered twice.
    cached = api_client.get(GET, {"format": "pdf", "level": "public"})
    assert cached.status_code == 200 and cached.content == data
    again = api_client.post(POST, {"format": "pdf", "level": "public"}, format="json").json()
    _finish()
    second = Job.objects.get(public_id=again["id"])
    assert second.state == "succeeded" and second.result_meta["cached"] is True
    assert second.result_file == Job.objects.get(public_id=job["id"]).result_file


def test_get_points_at_the_post_until_a_render_exists(kim, caseworker, api_client):
    api_client.force_authenticate(caseworker)
    response = api_client.get(GET, {"format": "docx", "level": "legal"})
    assert response.status_code == 409 and response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:casetracker:problem:render-required"
    assert problem["render"] == {
        "method": "POST", "url": POST, "body": {"format": "docx", "level": "legal", "language": "en"}
    }
    assert not DossierGeneration.objects.exists()
    # JSON and HTML are still made in the request.
    assert api_client.get(GET, {"format": "json", "level": "legal"}).status_code == 200


def test_a_changed_case_is_rendered_again(kim, caseworker, api_client):
    from apps.cases.services import case_update

    api_client.force_authenticate(caseworker)
    first = api_client.post(POST, {"format": "zip", "level": "public"}, format="json").json()
    _finish()
    case_update(case=kim.case, by=caseworker, title="Kim: asylum appeal, renewed")
    second = api_client.post(POST, {"format": "zip", "level": "public"}, format="json").json()
    _finish()
    a, b = Job.objects.get(public_id=first["id"]), Job.objects.get(public_id=second["id"])
    assert b.result_meta["cached"] is False and a.result_file != b.result_file


def test_the_idempotency_key_gives_the_same_job(kim, caseworker, api_client):
    api_client.force_authenticate(caseworker)
    headers = {"HTTP_IDEMPOTENCY_KEY": "render-kim-1"}
    first = api_client.post(POST, {"format": "pdf", "level": "public"}, format="json", **headers)
    retry = api_client.post(POST, {"format": "pdf", "level": "public"}, format="json", **headers)
    _finish()
    assert first.status_code == retry.status_code == 202
    assert retry.json()["id"] == first.json()["id"] and retry["Location"] == first["Location"]
    assert Job.objects.count() == 1


def test_only_the_requester_who_still_sees_the_case_reads_the_job(kim, caseworker, api_client):
    api_client.force_authenticate(caseworker)
    job = api_client.post(POST, {"format": "pdf", "level": "public"}, format="json").json()
    _finish()
    colleague = _member(kim.case, "caseworker", username="colleague")
    api_client.force_authenticate(colleague)
    assert api_client.get(job["url"]).status_code == 404
    assert api_client.get(f"{job['url']}result/").status_code == 404
    Membership.objects.filter(user=caseworker).delete()
    api_client.force_authenticate(caseworker)
    assert api_client.get(job["url"]).status_code == 404
    assert not DossierGeneration.objects.exists()


def test_the_post_refuses_what_the_get_refused(kim, caseworker, api_client):
    lawyer = _member(kim.case, "legal partner", username="lawyer")
    api_client.force_authenticate(lawyer)
    assert api_client.post(POST, {"format": "pdf", "level": "full"}, format="json").status_code == 403
    bad = api_client.post(POST, {"format": "exe"}, format="json")
    assert bad.status_code == 400 and "format" in bad.json()["errors"]
    outsider = UserFactory()
    outsider.groups.add(Group.objects.get(name="caseworker"))
    api_client.force_authenticate(outsider)
    assert api_client.post(POST, {"format": "pdf"}, format="json").status_code == 404
    assert not Job.objects.exists()


def test_the_admin_button_starts_a_job_and_the_page_offers_the_download(kim, caseworker, client, tmp_path):
    client.force_login(caseworker)
    button = reverse("dossiers_admin:generate") + "?case=CT-2013-0001"
    response = client.post(button, {"case": "CT-2013-0001", "format": "pdf", "level": "public"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"].startswith(reverse("jobs_admin:status") + f"?job={job.public_id}")
    _finish()
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'http-equiv="refresh"' not in html  # finished: it stops refreshing
    download = reverse("jobs_admin:download", args=[job.public_id])
    assert f'href="{download}"' in html
    file = client.get(download)
    assert file["Content-Disposition"] == 'attachment; filename="CT-2013-0001-dossier-public.pdf"'
    assert "CT-2013-0001" in pdf_text(b"".join(file.streaming_content), tmp_path)
    assert DossierGeneration.objects.get().channel == "admin"


def test_the_job_page_refreshes_itself_while_the_job_runs(kim, caseworker, client):
    from apps.dossiers.jobs import dossier_render_enqueue

    client.force_login(caseworker)
    # Made inside a transaction that is still open, so no worker has it yet: it is queued.
    from django.db import transaction

    with transaction.atomic():
        job = dossier_render_enqueue(
            case=kim.case, format="pdf", level="public", user=caseworker, channel="admin"
        )
        page = client.get(reverse("jobs_admin:status"), {"job": str(job.public_id)})
        assert 'http-equiv="refresh"' in page.content.decode()
        assert "Queued" in page.content.decode()
    _finish()
