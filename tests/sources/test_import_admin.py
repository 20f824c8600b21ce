"""The admin's "Import article" page: paste or upload, preview, correct, save; and the
mention suggestions on the saved article's page."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.sources.models import Article
from tests.factories import (
    AgreementFactory,
    ArticleFactory,
    IndividualFactory,
    NewsOutletFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/sources/article/import/"

PASTED = (
    "Support The Moscow Times!\n\n"
    "Russia Refuses Asylum to North Korean Refugee\n\n"
    "By Ivan Nechepurenko\n\n"
    "Jan. 28, 2016\n\n"
    "The Moscow office of the Federal Migration Service refused temporary asylum to Kim, "
    "a North Korean refugee who crossed into Russia in the spring of 2013.\n\n"
    "Memorial, the human rights group, said it would appeal the decision in court.\n\n"
    "Sign up for our free weekly newsletter\n"
)

PAGE = (
    "<html lang='en'><head><title>Court overturns asylum refusal</title>"
    "<script>alert('head')</script></head><body>"
    "<nav>Home | World | Sign up for our free weekly newsletter</nav><article>"
    "<h1>Court overturns asylum refusal</h1>"
    "<p>A Moscow court overturned the refusal of temporary asylum to Kim on Friday, "
    "lawyers from Memorial said.</p>"
    "<p onclick=\"alert('p')\">The Federal Migration Service has a month to appeal the ruling.</p>"
    "<script>document.title = 'pwned'</script>"
    "</article></body></html>"
)


@pytest.fixture
def outlet(db):
    return NewsOutletFactory(name="The Moscow Times", website="https://www.themoscowtimes.com")


@pytest.fixture
def known(db):
    """The people, organizations and agreement the test texts mention."""
    return {
        "kim": IndividualFactory(pseudonym="Kim"),
        "fms": OrganizationFactory(name="Federal Migration Service", short_name="FMS", kind="government_agency"),
        "memorial": OrganizationFactory(name="Memorial", kind="ngo"),
        "agreement": AgreementFactory(
            title="Russia–DPRK readmission agreement", kind="readmission_agreement", party_countries=["RU", "KP"]
        ),
    }


def extract(client, **data):
    return client.post(IMPORT_URL, {"step": "extract", "text": "", "url": "", **data})


def preview_fields(response) -> dict:
    """The preview form's values as the browser would send them back."""
    form = response.context["form"]
    data = {"step": "save"}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else (value.pk if hasattr(value, "pk") else value)
    return data


def test_the_changelist_offers_an_import_button_to_those_who_may_add(admin_client):
    page = admin_client.get(reverse("admin:sources_article_changelist")).content.decode()
    assert f'href="{IMPORT_URL}"' in page
    assert "Import article" in page


def test_paste_preview_and_save_creates_one_article(admin_client, outlet, superuser):
    preview = extract(admin_client, text=PASTED)
    assert preview.status_code == 200
    assert Article.objects.count() == 0  # the preview stores nothing
    form = preview.context["form"]
    assert form["title"].value() == "Russia Refuses Asylum to North Korean Refugee"
    assert form["outlet"].value() == outlet.pk
    assert form["published_on"].value().isoformat() == "2016-01-28"
    assert "Ivan Nechepurenko" in form["authors"].value()
    assert "Sign up for our free weekly newsletter" not in form["body"].value()

    saved = admin_client.post(IMPORT_URL, preview_fields(preview))
    article = Article.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == reverse("admin:sources_article_change", args=[article.pk])
    assert article.outlet == outlet
    assert article.added_by == superuser
    assert article.raw_text == PASTED  # kept exactly as received
    assert article.body.startswith("The Moscow office of the Federal Migration Service")


def test_every_field_of_the_preview_can_be_corrected(admin_client, outlet):
    other_outlet = NewsOutletFactory(name="Novaya Gazeta")
    data = preview_fields(extract(admin_client, text=PASTED))
    data.update(
        title="Asylum refused to Kim",
        outlet=other_outlet.pk,
        authors="Anna Ivanova, Oleg Petrov",
        published_on="2016-01-29",
        url="https://novayagazeta.ru/articles/2016/01/29/kim",
        language="ru",
        body=data["body"] + "\n\nA correction added by the caseworker.",
    )
    assert admin_client.post(IMPORT_URL, data).status_code == 302
    article = Article.objects.get()
    assert (article.title, article.outlet, article.authors) == (
        "Asylum refused to Kim", other_outlet, "Anna Ivanova, Oleg Petrov"
    )
    assert article.published_on.isoformat() == "2016-01-29"
    assert article.url == "https://novayagazeta.ru/articles/2016/01/29/kim"
    assert article.language == "ru"
    assert article.body.endswith("A correction added by the caseworker.")


def test_an_uploaded_html_page_is_read_as_html(admin_client, outlet):
    upload = SimpleUploadedFile("page.html", PAGE.encode("utf-8"), content_type="text/html")
    preview = extract(admin_client, file=upload, url="https://www.themoscowtimes.com/2016/03/04/court")
    form = preview.context["form"]
    assert form["title"].value() == "Court overturns asylum refusal"
    assert form["outlet"].value() == outlet.pk
    assert form["published_on"].value().isoformat() == "2016-03-04"
    assert "month to appeal" in form["body"].value()
    assert admin_client.post(IMPORT_URL, preview_fields(preview)).status_code == 302
    article = Article.objects.get()
    assert article.raw_text == PAGE
    assert "<script" not in article.body and "alert(" not in article.body


def test_script_in_an_imported_page_is_never_active_in_the_admin(admin_client, outlet, known):
    upload = SimpleUploadedFile("page.html", PAGE.encode("utf-8"), content_type="text/html")
    preview = extract(admin_client, file=upload, url="https://www.themoscowtimes.com/2016/03/04/court")
    page = preview.content.decode()
    assert "<script>alert" not in page and "<script>document.title" not in page
    assert "onclick=\"alert" not in page
    assert preview.context["draft"].warnings  # the dropped scripts are reported

    admin_client.post(IMPORT_URL, preview_fields(preview))
    article = Article.objects.get()
    change_page = admin_client.get(reverse("admin:sources_article_change", args=[article.pk])).content.decode()
    # The raw page is shown, escaped: its scripts appear as text, never as elements.
    assert "&lt;script&gt;alert(&#x27;head&#x27;)&lt;/script&gt;" in change_page
    assert "<script>alert" not in change_page and "<script>document.title" not in change_page
    assert "onclick=\"alert" not in change_page


def test_a_title_with_markup_is_shown_escaped_in_the_preview(admin_client, outlet):
    text = "Support The Moscow Times!\n\n<b>Bold</b> claims &amp; <i>facts</i>\n\nKim was refused asylum again.\n"
    preview = extract(admin_client, text=text)
    page = preview.content.decode()
    assert "<b>Bold</b>" not in page


def test_a_duplicate_is_reported_with_a_link_and_not_stored_again(admin_client, outlet):
    data = preview_fields(extract(admin_client, text=PASTED))
    admin_client.post(IMPORT_URL, data)
    existing = Article.objects.get()

    again = extract(admin_client, text=PASTED)
    page = again.content.decode()
    link = reverse("admin:sources_article_change", args=[existing.pk])
    assert "Already stored, with the same text" in page
    assert f'href="{link}"' in page

    saved = admin_client.post(IMPORT_URL, preview_fields(again))
    assert saved.status_code == 200
    assert "Nothing was saved: this article is already stored." in saved.content.decode()
    assert Article.objects.count() == 1


def error_text(response) -> str:
    page = unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return " ".join(page.split())


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"text": "   \n\t  "}, "The text is empty. Paste the article's text"),
        ({"file": ("scan.txt", b"%PDF-1.7\n\x00\x01\x02 binary")}, "Upload the page saved as .html"),
        ({"file": ("empty.txt", b"")}, "Paste the article's text or choose a file"),
        ({"file": ("latin.txt", "Le réfugié a été expulsé vers la Corée du Nord.".encode("latin-1"))},
         "Save the file as UTF-8"),
        ({"file": ("report.pdf", b"%PDF-1.7")}, "is not a .txt or .html file"),
        ({"text": "Support The Moscow Times!\n\nRead more\n"}, "No article text was found"),
    ],
    ids=["whitespace", "binary", "empty-file", "undecodable", "wrong-suffix", "furniture-only"],
)
def test_bad_input_gets_a_readable_error_and_saves_nothing(admin_client, outlet, data, expected):
    if "file" in data:
        name, content = data["file"]
        data = {"file": SimpleUploadedFile(name, content)}
    response = extract(admin_client, **data)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/sources/article/import_source.html"
    assert expected in error_text(response)
    assert Article.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(admin_client, outlet, settings):
    settings.ARTICLE_IMPORT_MAX_BYTES = 100
    response = extract(admin_client, file=SimpleUploadedFile("long.txt", b"Kim was refused asylum. " * 20))
    assert "The file is 480 bytes; the limit is 100 bytes" in error_text(response)
    assert Article.objects.count() == 0


def test_pasted_text_over_the_size_limit_is_refused(admin_client, outlet, settings):
    settings.ARTICLE_IMPORT_MAX_BYTES = 100
    response = extract(admin_client, text="Kim was refused asylum. " * 20)
    assert "the limit is 100 bytes" in error_text(response)
    assert Article.objects.count() == 0


def test_an_unknown_outlet_without_an_address_must_be_chosen(admin_client):
    preview = extract(admin_client, text="Kim was refused asylum in Moscow.\n\nHe will appeal.\n")
    data = preview_fields(preview)
    assert data["outlet"] == ""
    response = admin_client.post(IMPORT_URL, data)
    assert response.status_code == 200
    assert "The outlet could not be told from the article; choose or name it." in error_text(response)
    assert Article.objects.count() == 0


def test_an_invalid_correction_is_shown_on_its_field_and_saves_nothing(admin_client, outlet):
    data = preview_fields(extract(admin_client, text=PASTED))
    data["published_on"] = "28 January"
    response = admin_client.post(IMPORT_URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors["published_on"]
    assert Article.objects.count() == 0


def test_a_tampered_preview_is_refused(admin_client, outlet):
    data = preview_fields(extract(admin_client, text=PASTED))
    data["received"] = data["received"][:-3] + "abc"
    response = admin_client.post(IMPORT_URL, data)
    assert "The received text was altered" in error_text(response)
    assert Article.objects.count() == 0


def test_the_import_page_needs_the_add_article_permission(client, outlet):
    viewer = UserFactory()
    viewer.user_permissions.set(Permission.objects.filter(codename="view_article"))
    client.force_login(viewer)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"step": "extract", "text": PASTED}).status_code == 403
    assert "Import article" not in client.get(reverse("admin:sources_article_changelist")).content.decode()
    assert Article.objects.count() == 0


def test_a_caseworker_with_the_add_permission_imports(client, outlet):
    caseworker = UserFactory()
    caseworker.user_permissions.set(
        Permission.objects.filter(codename__in=["add_article", "view_article", "change_article"])
    )
    client.force_login(caseworker)
    preview = extract(client, text=PASTED)
    assert client.post(IMPORT_URL, preview_fields(preview)).status_code == 302
    assert Article.objects.get().added_by == caseworker


def test_the_saved_article_page_suggests_mentions_with_one_step_citation_links(admin_client, outlet, known):
    admin_client.post(IMPORT_URL, preview_fields(extract(admin_client, text=PASTED)))
    article = Article.objects.get()
    response = admin_client.get(reverse("admin:sources_article_change", args=[article.pk]))
    labels = {mention["label"] for mention in response.context["mentions"]}
    assert {"Kim", "Federal Migration Service (FMS)", "Memorial"} <= labels

    memorial = next(mention for mention in response.context["mentions"] if mention["label"] == "Memorial")
    passage = memorial["passages"][0]
    assert passage["text"] == "Memorial, the human rights group, said it would appeal the decision in court."
    cite = urlsplit(passage["cite_url"])
    assert cite.path == reverse("admin:sources_citation_add")
    assert parse_qs(cite.query) == {"article": [str(article.pk)], "quote": [passage["text"]]}
    assert passage["cite_url"].replace("&", "&amp;") in response.content.decode()

    # The link pre-fills the citation form, whose quote is then found in the article as it is.
    form = admin_client.get(passage["cite_url"]).context["adminform"].form
    assert form.initial["quote"] == passage["text"]
    assert str(form.initial["article"]) == str(article.pk)
    fact_form = admin_client.get(passage["fact_url"]).context["adminform"].form
    assert fact_form.initial["support_quote"] == passage["text"]


def test_an_article_that_mentions_no_one_says_so(admin_client, known):
    article = ArticleFactory(body="Nothing here names anybody we know.")
    response = admin_client.get(reverse("admin:sources_article_change", args=[article.pk]))
    assert response.context["mentions"] == []
    assert "No known person, organization or agreement is mentioned." in response.content.decode()


def test_mention_links_are_offered_only_to_those_who_may_use_them(client, known):
    article = ArticleFactory(body="Memorial said Kim would appeal.")
    reader = UserFactory()
    reader.user_permissions.set(Permission.objects.filter(codename__in=["view_article", "change_article"]))
    client.force_login(reader)
    response = client.get(reverse("admin:sources_article_change", args=[article.pk]))
    mentions = response.context["mentions"]
    # Kim is not suggested at all: a person is visible only to members of an organization.
    assert {mention["label"] for mention in mentions} == {"Memorial"}
    assert all(mention["url"] == "" for mention in mentions)
    assert all(p["cite_url"] == "" and p["fact_url"] == "" for m in mentions for p in m["passages"])
    assert reverse("admin:sources_citation_add") not in response.content.decode()

    reader.user_permissions.add(*Permission.objects.filter(codename__in=["add_citation", "view_organization"]))
    client.force_login(reader)  # a fresh user object: permissions are cached per instance
    response = client.get(reverse("admin:sources_article_change", args=[article.pk]))
    memorial = next(m for m in response.context["mentions"] if m["label"] == "Memorial")
    assert memorial["url"] == reverse("admin:people_organization_change", args=[known["memorial"].pk])
    assert memorial["passages"][0]["cite_url"].startswith(reverse("admin:sources_citation_add"))
    assert memorial["passages"][0]["fact_url"] == ""
