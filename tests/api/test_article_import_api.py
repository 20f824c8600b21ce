"""POST /api/v1/articles/import/ and GET /api/v1/articles/{id}/mentions/."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.sources.models import Article
from apps.sources.services import article_create
from tests.api.conftest import client_with_perms
from tests.factories import AliasFactory, IndividualFactory, NewsOutletFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

IMPORT = "/api/v1/articles/import/"

TEXT = (
    "Support The Moscow Times!\n\n"
    "Russia Refuses Asylum to North Korean Refugee\n\n"
    "By Ivan Nechepurenko\n\n"
    "Jan. 28, 2016\n\n"
    "The Moscow office of the Federal Migration Service refused temporary asylum to Kim, "
    "a North Korean refugee who crossed into Russia in the spring of 2013.\n\n"
    "Sign up for our free weekly newsletter\n"
)

PAGE = (
    "<html lang='en'><head><title>Court overturns asylum refusal</title></head><body><article>"
    "<h1>Court overturns asylum refusal</h1>"
    "<p>A Moscow court overturned the refusal of temporary asylum to Kim, lawyers said on Friday.</p>"
    "<p onmouseover=\"alert(1)\">The migration service has a month to appeal.</p>"
    "<script>alert('x')</script></article></body></html>"
)


@pytest.fixture
def outlet(db):
    return NewsOutletFactory(name="The Moscow Times", website="https://www.themoscowtimes.com")


def problem_of(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def test_importing_text_answers_201_with_the_stored_article(admin_api, outlet):
    response = admin_api.post(IMPORT, {"text": TEXT}, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    article = Article.objects.get()
    assert data["id"] == str(article.public_id)
    assert data["title"] == "Russia Refuses Asylum to North Korean Refugee"
    assert data["outlet"] == str(outlet.public_id)
    assert data["published_on"] == "2016-01-28"
    assert data["duplicate"] is False and data["duplicate_reason"] is None
    assert "Sign up for our free weekly newsletter" not in data["body"]
    assert article.raw_text == TEXT


def test_html_is_imported_without_its_scripts_and_with_a_warning(admin_api, outlet):
    response = admin_api.post(
        IMPORT, {"html": PAGE, "url": "https://www.themoscowtimes.com/2016/03/04/court"}, format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["title"] == "Court overturns asylum refusal"
    assert data["published_on"] == "2016-03-04"
    assert "alert" not in data["body"] and "<" not in data["body"]
    assert data["warnings"]


def test_an_uploaded_file_is_imported(admin_api, outlet):
    upload = SimpleUploadedFile("page.html", PAGE.encode("utf-8"), content_type="text/html")
    response = admin_api.post(
        IMPORT, {"file": upload, "outlet": str(outlet.public_id)}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["title"] == "Court overturns asylum refusal"
    assert Article.objects.get().outlet == outlet


def test_corrections_and_an_outlet_by_name_replace_what_is_extracted(admin_api, outlet):
    response = admin_api.post(
        IMPORT,
        {
            "text": TEXT,
            "outlet": "Novaya Gazeta",
            "title": "Asylum refused",
            "authors": ["Anna Ivanova", "Oleg Petrov"],
            "published_on": "2016-01-29",
            "language": "ru",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    article = Article.objects.get()
    assert article.title == "Asylum refused"
    assert article.outlet.name == "Novaya Gazeta"  # recorded as a new news outlet
    assert article.authors == "Anna Ivanova, Oleg Petrov"
    assert article.published_on.isoformat() == "2016-01-29"
    assert article.language == "ru"


def test_a_duplicate_answers_200_with_the_stored_article_and_saves_nothing(admin_api, outlet):
    first = admin_api.post(IMPORT, {"text": TEXT}, format="json").json()
    response = admin_api.post(IMPORT, {"text": TEXT}, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["duplicate"] is True and data["duplicate_reason"] == "body"
    assert data["id"] == first["id"]
    assert Article.objects.count() == 1


def test_the_same_address_is_a_duplicate_too(admin_api, outlet):
    url = "https://www.themoscowtimes.com/2016/01/28/kim"
    admin_api.post(IMPORT, {"text": TEXT, "url": url}, format="json")
    other_text = "Kim appealed the refusal of asylum, his lawyers said on Monday.\n"
    response = admin_api.post(IMPORT, {"text": other_text, "url": url + "?utm_source=x"}, format="json")
    assert response.status_code == 200
    assert response.json()["duplicate_reason"] == "url"
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field", "reason"),
    [
        ({"text": "  \n\t "}, "text", "empty"),
        ({"text": "Support The Moscow Times!\n\nRead more"}, "text", "no_text"),
        ({"html": "<html><body><script>alert(1)</script></body></html>"}, "html", "no_text"),
        ({"text": "Kim was refused asylum.\n"}, "outlet", "no_outlet"),
    ],
)
def test_refused_text_is_a_400_naming_the_field_and_reason(admin_api, outlet, payload, field, reason):
    body = problem_of(admin_api.post(IMPORT, payload, format="json"), 400)
    assert body["reason"] == reason
    assert body["errors"][field] == [body["detail"]]
    assert body["type"] == "urn:casetracker:problem:validation-error"
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("scan.txt", b"%PDF-1.7\n\x00\x01\x02", "binary"),
        ("noise.txt", bytes(range(256)) * 4, "binary"),
        ("latin.txt", "Le réfugié a été expulsé vers la Corée du Nord.".encode("latin-1"), "undecodable"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_refused_files_are_a_400_naming_the_file(admin_api, outlet, name, content, reason):
    response = admin_api.post(IMPORT, {"file": SimpleUploadedFile(name, content)}, format="multipart")
    body = problem_of(response, 400)
    if reason == "empty":
        # An empty upload is refused by the form field before the importer sees it.
        assert "file" in body["errors"]
    else:
        assert body["reason"] == reason
        assert body["errors"] == {"file": [body["detail"]]}
    assert Article.objects.count() == 0


def test_text_over_the_size_limit_is_a_413(admin_api, outlet, settings):
    settings.ARTICLE_IMPORT_MAX_BYTES = 100
    body = problem_of(admin_api.post(IMPORT, {"text": "Kim was refused. " * 10}, format="json"), 413)
    assert body["reason"] == "too_large"
    assert "the limit is 100 bytes" in body["detail"]
    assert body["type"] == "urn:casetracker:problem:too-large"
    assert Article.objects.count() == 0


def test_a_file_over_the_size_limit_is_a_413(admin_api, outlet, settings):
    settings.ARTICLE_IMPORT_MAX_BYTES = 100
    upload = SimpleUploadedFile("long.txt", b"Kim was refused. " * 10)
    body = problem_of(admin_api.post(IMPORT, {"file": upload}, format="multipart"), 413)
    assert body["errors"] == {"file": [body["detail"]]}
    assert Article.objects.count() == 0


def test_a_request_far_over_the_limit_is_refused_before_it_is_parsed(admin_api, outlet, settings):
    settings.ARTICLE_IMPORT_MAX_BYTES = 100
    body = problem_of(admin_api.post(IMPORT, {"text": "x" * 70_000}, format="json"), 413)
    assert body["reason"] == "too_large"


def test_neither_or_both_of_text_and_html_is_a_400(admin_api, outlet):
    for payload in ({}, {"text": TEXT, "html": PAGE}, {"url": "https://example.org/a"}):
        body = problem_of(admin_api.post(IMPORT, payload, format="json"), 400)
        assert "non_field_errors" in body["errors"]
    assert Article.objects.count() == 0


def test_an_unknown_outlet_id_is_a_400(admin_api, outlet):
    payload = {"text": TEXT, "outlet": "8b7f6a1e-0000-4000-8000-000000000000"}
    body = problem_of(admin_api.post(IMPORT, payload, format="json"), 400)
    assert "outlet" in body["errors"]


def test_an_invalid_correction_is_a_400_and_saves_nothing(admin_api, outlet):
    body = problem_of(admin_api.post(IMPORT, {"text": TEXT, "published_on": "January"}, format="json"), 400)
    assert "published_on" in body["errors"]
    assert Article.objects.count() == 0


def test_an_unsupported_media_type_is_a_415(admin_api, outlet):
    response = admin_api.generic("POST", IMPORT, TEXT.encode(), content_type="text/plain")
    problem_of(response, 415)
    response = admin_api.generic(
        "POST", IMPORT, "text=Kim+was+refused", content_type="application/x-www-form-urlencoded"
    )
    problem_of(response, 415)
    assert Article.objects.count() == 0


def test_a_read_only_token_gets_403_on_import(token_client, outlet):
    response = token_client(scope="read").post(IMPORT, {"text": TEXT}, format="json")
    problem_of(response, 403)
    assert Article.objects.count() == 0


def test_a_write_token_imports(token_client, outlet):
    assert token_client(scope="write").post(IMPORT, {"text": TEXT}, format="json").status_code == 201


def test_importing_needs_the_add_article_permission(outlet):
    viewer = client_with_perms("sources.view_article")
    assert viewer.post(IMPORT, {"text": TEXT}, format="json").status_code == 403
    adder = client_with_perms("sources.add_article")
    assert adder.post(IMPORT, {"text": TEXT}, format="json").status_code == 201


# -- mentions ------------------------------------------------------------------------------

SEED_LIKE = (
    "Russia Moves to Send North Korean Refugees Back Home\n\n"
    "A new readmission agreement drafted by Russia and North Korea will see Moscow hand over "
    "Koreans who have fled, outlining expulsion rules for illegal immigrants.\n\n"
    "Kim, who crossed into Russia in 2013, was refused temporary asylum by the Federal Migration "
    "Service, said a lawyer working with Memorial.\n\n"
    "The FMS did not return a request for comment."
)


def mentions_url(article) -> str:
    return f"/api/v1/articles/{article.public_id}/mentions/"


def test_mentions_lists_kim_the_fms_memorial_and_the_agreement_with_passages(admin_api, kim):
    article = article_create(title="Russia Moves to Send", outlet=kim["outlet"], body=SEED_LIKE)
    response = admin_api.get(mentions_url(article))
    assert response.status_code == 200
    found = {(item["kind"], item["label"]): item for item in response.json()}
    assert ("individual", "Kim") in found
    assert ("organization", "Federal Migration Service (FMS)") in found
    assert ("organization", "Memorial") in found
    assert ("agreement", "Russia–DPRK readmission agreement") in found

    kim_item = found[("individual", "Kim")]
    assert kim_item["id"] == str(kim["person"].public_id)
    passage = kim_item["passages"][0]
    assert passage["matched"] == "Kim"
    assert article.body[passage["passage_start"] : passage["passage_end"]] == passage["passage"]
    fms_passages = found[("organization", "Federal Migration Service (FMS)")]["passages"]
    assert {p["matched"] for p in fms_passages} == {"Federal Migration Service", "FMS"}


def test_mentions_of_a_missing_article_is_a_404(admin_api):
    problem_of(admin_api.get("/api/v1/articles/8b7f6a1e-0000-4000-8000-000000000000/mentions/"), 404)


def test_mentions_needs_the_view_article_permission(kim):
    stranger = client_with_perms("cases.view_case")
    assert stranger.get(mentions_url(kim["article"])).status_code == 403


def test_mentions_costs_the_same_queries_however_many_records_are_mentioned(
    admin_api, kim, unthrottled, django_assert_num_queries
):
    article = article_create(title="Russia Moves to Send", outlet=kim["outlet"], body=SEED_LIKE)
    with django_assert_num_queries(6):  # the article, then individuals, aliases, organizations,
        admin_api.get(mentions_url(article))  # agreements, their party organizations
    for name in ("Lankov", "Nechepurenko", "Eremenko"):
        AliasFactory(individual=IndividualFactory(pseudonym=name), name=name.upper())
    OrganizationFactory(name="Civic Assistance Committee")
    article_two = article_create(
        title="More", outlet=kim["outlet"], body=SEED_LIKE + "\n\nLankov, Nechepurenko and Eremenko agree."
    )
    with django_assert_num_queries(6):
        assert len(admin_api.get(mentions_url(article_two)).json()) > 4
