"""The outlet registry (domains → outlets), AMP and mobile addresses, and dates in addresses."""

import datetime as dt

import pytest
from django.urls import reverse

from apps.people.models import Organization
from apps.sources.addresses import canonical_url, is_copy_address, site_domain
from apps.sources.ingestion.dates import date_in_url
from apps.sources.ingestion.importer import article_extract, article_import
from apps.sources.models import KnownOutlet
from apps.sources.selectors import known_outlet_for
from tests.access.conftest import member
from tests.factories import OrganizationFactory

TEXT = "The FMS refused Kim temporary asylum again in January 2016, his lawyer said.\n\n" * 3

PAGE = """<html><head><title>Refused again</title>
<link rel="canonical" href="https://meduza.io/feature/2016/01/28/refused-again">
</head><body><article><h1>Refused again</h1>
<p>The FMS refused Kim temporary asylum again in January 2016, his lawyer said on Thursday.</p>
<p>Memorial will appeal the refusal in court, as it did successfully in 2014.</p>
</article></body></html>"""


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        # Google's AMP cache and viewer wrap the page's own address.
        ("https://www-bbc-com.cdn.ampproject.org/c/s/www.bbc.com/news/world-35441150", "https://www.bbc.com/news/world-35441150"),
        ("https://www.google.com/amp/s/meduza.io/amp/feature/2016/01/28/x", "https://meduza.io/feature/2016/01/28/x"),
        ("https://m.meduza.io/news/2016/x?utm_source=tg", "https://meduza.io/news/2016/x"),
        ("https://amp.theguardian.com/world/2014/nov/11/x", "https://theguardian.com/world/2014/nov/11/x"),
        ("https://www.upi.com/Top_News/2016/01/29/x/1234.amp.html?outputType=amp", "https://www.upi.com/Top_News/2016/01/29/x/1234.html"),
        ("https://themoscowtimes.com/2016/02/04/x/amp", "https://themoscowtimes.com/2016/02/04/x"),
        ("https://example.org/news?amp=1&id=3", "https://example.org/news?id=3"),
    ],
)
def test_amp_and_mobile_copies_are_stored_under_the_pages_own_address(address, canonical):
    assert canonical_url(address) == canonical
    assert is_copy_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "https://m.io/news/1",  # a two-label site called m.io, not a mobile copy
        "https://example.org/amplifier/story",  # "amp" as part of a word
        "https://example.org/news?output=json",
        "https://www.themoscowtimes.com/2016/02/04/x",
    ],
)
def test_addresses_that_are_no_copies_keep_their_form(address):
    assert not is_copy_address(address)


def test_site_domains_are_written_bare_and_in_ascii():
    assert site_domain("https://WWW.Meduza.io:443/x") == "meduza.io"
    assert site_domain("m.meduza.io") == "meduza.io"
    assert site_domain("https://www-bbc-com.cdn.ampproject.org/c/s/www.bbc.com/news/1") == "bbc.com"
    assert site_domain("https://президент.рф/news") == "xn--d1abbgf6aiiy.xn--p1ai"


@pytest.mark.parametrize(
    ("address", "published"),
    [
        ("https://www.theguardian.com/world/2014/nov/11/north-korea-un-vote", dt.date(2014, 11, 11)),
        ("https://example.org/2014/November/11/story", dt.date(2014, 11, 11)),
        ("https://example.org/news/kim-refused-28-jan-2016.html", dt.date(2016, 1, 28)),
        ("https://example.org/news/jan-28-2016-kim-refused", dt.date(2016, 1, 28)),
        ("https://example.ru/news/28.01.2016/kim", dt.date(2016, 1, 28)),
        ("https://example.org/2016/01/28/kim", dt.date(2016, 1, 28)),
    ],
)
def test_dates_are_read_from_address_paths_in_their_common_forms(address, published):
    assert date_in_url(address) == published


@pytest.mark.parametrize(
    "address", ["https://example.org/2014/news/11/", "https://example.org/2014/feb/30/x", "https://example.org/nov-2014"]
)
def test_an_address_without_a_whole_valid_date_gives_none(address):
    assert date_in_url(address) is None


@pytest.mark.django_db
def test_the_registry_ships_with_the_fields_outlets():
    assert KnownOutlet.objects.get(domain="meduza.io").name == "Meduza"
    assert known_outlet_for(address="https://en.yna.co.kr/view/AEN20160128").name == "Yonhap News Agency"
    assert known_outlet_for(address="https://m.meduza.io/x").domain == "meduza.io"
    assert known_outlet_for(address="https://unknown.example/x") is None


@pytest.mark.django_db
def test_an_article_from_a_registered_site_records_its_outlet_by_name_not_domain():
    result = article_import(content=TEXT, format="text", url="https://meduza.io/news/2016/01/28/refused")
    outlet = result.article.outlet
    assert (outlet.name, outlet.kind, outlet.country.code) == ("Meduza", Organization.Kind.NEWS_OUTLET, "LV")
    # The registry now points at the outlet it recorded: a mobile copy finds the same one.
    assert KnownOutlet.objects.get(domain="meduza.io").organization == outlet
    draft = article_extract(content=TEXT + "Another story.", format="text", url="https://m.meduza.io/news/2016/01/29/x")
    assert draft.outlet == outlet
    assert draft.url == "https://meduza.io/news/2016/01/29/x"


@pytest.mark.django_db
def test_a_registered_site_finds_a_recorded_outlet_of_that_name():
    moscow_times = OrganizationFactory(name="The Moscow Times", kind=Organization.Kind.NEWS_OUTLET)
    draft = article_extract(content=TEXT, format="text", url="https://themoscowtimes.com/2016/02/04/x")
    assert draft.outlet == moscow_times
    assert draft.published_on == dt.date(2016, 2, 4)


@pytest.mark.django_db
def test_an_unregistered_site_is_still_named_by_its_domain():
    draft = article_extract(content=TEXT, format="text", url="https://www.unknown-outlet.example/x")
    assert draft.outlet is None
    assert draft.outlet_name == "unknown-outlet.example"


@pytest.mark.django_db
def test_an_amp_page_is_stored_under_the_address_it_names_as_canonical():
    draft = article_extract(content=PAGE, format="html", url="https://meduza.io/amp/feature/2016/01/28/refused-again")
    assert draft.url == "https://meduza.io/feature/2016/01/28/refused-again"
    assert draft.outlet_name == "Meduza"
    assert draft.published_on == dt.date(2016, 1, 28)


@pytest.mark.django_db
def test_an_amp_copy_of_a_stored_article_is_its_duplicate():
    article_import(content=TEXT, format="text", url="https://meduza.io/news/2016/01/28/refused")
    draft = article_extract(content=TEXT + "More.", format="text",
                            url="https://www.google.com/amp/s/meduza.io/amp/news/2016/01/28/refused")
    assert draft.duplicate is not None and draft.duplicate_reason == "url"


@pytest.mark.django_db
def test_a_caseworker_adds_a_site_to_the_registry_in_the_admin(client):
    caseworker = member(OrganizationFactory(), "caseworker")
    client.force_login(caseworker)
    response = client.post(
        reverse("admin:sources_knownoutlet_add"),
        {"domain": "https://www.Mediazona.example/news/1", "name": "Mediazona Example", "short_name": "", "country": "RU"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert KnownOutlet.objects.get(name="Mediazona Example").domain == "mediazona.example"


@pytest.mark.django_db
def test_a_domain_already_registered_is_refused_beside_the_field(client):
    caseworker = member(OrganizationFactory(), "caseworker")
    client.force_login(caseworker)
    response = client.post(reverse("admin:sources_knownoutlet_add"), {"domain": "m.meduza.io", "name": "Meduza again"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["domain"] == ["meduza.io is already in the registry."]
    assert KnownOutlet.objects.filter(name="Meduza again").count() == 0
