"""Safe retries: a POST with an Idempotency-Key runs once; its retries get the first answer."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from apps.core.models import IdempotencyKey
from apps.proceedings.models import Proceeding
from apps.sources.models import Article
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db


def proceeding(kim, **extra):
    return {"case": "CT-2013-0001", "kind": "appeal", "authority": str(kim["fms"].public_id),
            "filed": "February 2016", **extra}


def test_a_retried_post_creates_one_proceeding_and_gets_the_first_answer(admin_api, kim):
    before = Proceeding.objects.count()
    first = admin_api.post("/api/v1/proceedings/", proceeding(kim), format="json", HTTP_IDEMPOTENCY_KEY="a1")
    retry = admin_api.post("/api/v1/proceedings/", proceeding(kim), format="json", HTTP_IDEMPOTENCY_KEY="a1")
    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert retry["Location"] == first["Location"] and retry["ETag"] == first["ETag"]
    assert retry["Content-Type"] == first["Content-Type"] == "application/json"
    assert Proceeding.objects.count() == before + 1


def test_the_draft_s_quoted_form_of_the_key_is_the_same_key(admin_api, kim):
    count = Proceeding.objects.count()
    admin_api.post("/api/v1/proceedings/", proceeding(kim), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    quoted = admin_api.post("/api/v1/proceedings/", proceeding(kim), format="json", HTTP_IDEMPOTENCY_KEY='"k-1"')
    assert quoted.status_code == 201
    assert Proceeding.objects.count() == count + 1


def test_the_same_key_with_another_body_is_a_422_and_stores_nothing(admin_api, kim):
    admin_api.post("/api/v1/proceedings/", proceeding(kim), format="json", HTTP_IDEMPOTENCY_KEY="a2")
    count = Proceeding.objects.count()
    other = admin_api.post("/api/v1/proceedings/", proceeding(kim, filed="March 2016"), format="json",
                           HTTP_IDEMPOTENCY_KEY="a2")
    assert other.status_code == 422
    assert other.json()["type"] == "urn:casetracker:problem:idempotency-key-reused"
    assert "Idempotency-Key" in other.json()["detail"]
    assert Proceeding.objects.count() == count
    elsewhere = admin_api.post("/api/v1/organizations/", {"name": "X", "kind": "ngo"}, format="json",
                               HTTP_IDEMPOTENCY_KEY="a2")
    assert elsewhere.status_code == 422  # another address is another request


def test_the_same_content_in_another_key_order_is_the_same_request(admin_api, kim):
    body = proceeding(kim)
    admin_api.post("/api/v1/proceedings/", body, format="json", HTTP_IDEMPOTENCY_KEY="a3")
    reordered = dict(reversed(list(body.items())))
    assert admin_api.post("/api/v1/proceedings/", reordered, format="json",
                          HTTP_IDEMPOTENCY_KEY="a3").status_code == 201


def test_another_user_reusing_the_key_gets_their_own_result(admin_api, kim):
    first = admin_api.post("/api/v1/proceedings/", proceeding(kim), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    other = APIClient()
    other.force_authenticate(SuperuserFactory())
    theirs = other.post("/api/v1/proceedings/", proceeding(kim), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert theirs.status_code == 201
    assert theirs.json()["id"] != first.json()["id"]
    assert IdempotencyKey.objects.filter(key="shared").count() == 2


def test_a_key_still_in_flight_is_a_409(admin_api, kim):
    user = SuperuserFactory()
    client = APIClient()
    client.force_authenticate(user)
    IdempotencyKey.objects.create(user=user, key="busy")  # no status: the first request is running
    response = client.post("/api/v1/proceedings/", proceeding(kim), format="json", HTTP_IDEMPOTENCY_KEY="busy")
    assert response.status_code == 409
    assert response.json()["type"] == "urn:casetracker:problem:idempotency-key-in-flight"
    # A claim left by a request that died long ago is taken over by the retry.
    IdempotencyKey.objects.filter(key="busy").update(created_at=timezone.now() - dt.timedelta(minutes=10))
    assert client.post("/api/v1/proceedings/", proceeding(kim), format="json",
                       HTTP_IDEMPOTENCY_KEY="busy").status_code == 201


def test_a_refused_request_frees_its_key_for_the_corrected_retry(admin_api, kim):
    refused = admin_api.post("/api/v1/proceedings/", proceeding(kim, filed="the other day"), format="json",
                             HTTP_IDEMPOTENCY_KEY="fix-me")
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.filter(key="fix-me").exists()
    fixed = admin_api.post("/api/v1/proceedings/", proceeding(kim), format="json", HTTP_IDEMPOTENCY_KEY="fix-me")
    assert fixed.status_code == 201


def test_a_bad_key_is_a_400_naming_the_header(admin_api, kim):
    count = Proceeding.objects.count()
    response = admin_api.post("/api/v1/proceedings/", proceeding(kim), format="json",
                              HTTP_IDEMPOTENCY_KEY="x" * 256)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert Proceeding.objects.count() == count


def test_opening_a_case_and_importing_an_article_are_idempotent(admin_api, kim):
    case = {"title": "Lee", "organization": str(kim["memorial"].public_id),
            "subjects": [str(kim["person"].public_id)], "opened_on": "2014-11-12"}
    first = admin_api.post("/api/v1/cases/", case, format="json", HTTP_IDEMPOTENCY_KEY="case")
    again = admin_api.post("/api/v1/cases/", case, format="json", HTTP_IDEMPOTENCY_KEY="case")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again["Location"] == first["Location"]
    text = {"text": "Deportations resume\n\nThe border reopened in May 2016 and returns began.",
            "outlet": str(kim["outlet"].public_id)}
    imported = admin_api.post("/api/v1/articles/import/", text, format="json", HTTP_IDEMPOTENCY_KEY="imp")
    retried = admin_api.post("/api/v1/articles/import/", text, format="json", HTTP_IDEMPOTENCY_KEY="imp")
    assert imported.status_code == retried.status_code == 201  # not the 200 "duplicate" of a new import
    assert retried.content == imported.content
    assert Article.objects.filter(title="Deportations resume").count() == 1


def test_an_upload_retried_with_another_file_is_a_422(admin_api, kim):
    def upload(text):
        file = io.BytesIO(text.encode())
        file.name = "article.txt"
        return {"file": file, "outlet": str(kim["outlet"].public_id)}

    first = admin_api.post("/api/v1/articles/import/", upload("Camp closed\n\nThe camp closed in 2017."),
                           format="multipart", HTTP_IDEMPOTENCY_KEY="up")
    assert first.status_code == 201, first.content
    same = admin_api.post("/api/v1/articles/import/", upload("Camp closed\n\nThe camp closed in 2017."),
                          format="multipart", HTTP_IDEMPOTENCY_KEY="up")
    assert same.content == first.content
    other = admin_api.post("/api/v1/articles/import/", upload("Camp reopened\n\nIt reopened in 2018."),
                           format="multipart", HTTP_IDEMPOTENCY_KEY="up")
    assert other.status_code == 422


def test_expired_keys_are_pruned_and_an_expired_key_is_a_new_key(admin_api, kim, settings):
    admin_api.post("/api/v1/proceedings/", proceeding(kim), format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    count = Proceeding.objects.count()
    # The same key a day later: the first answer is gone, so this is a new request.
    assert admin_api.post("/api/v1/proceedings/", proceeding(kim, filed="2017"), format="json",
                          HTTP_IDEMPOTENCY_KEY="old").status_code == 201
    assert Proceeding.objects.count() == count + 1
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    out = io.StringIO()
    call_command("idempotency_prune", stdout=out)
    assert not IdempotencyKey.objects.exists()
    assert out.getvalue().strip() == "Deleted 1 idempotency keys older than 24 hours."
