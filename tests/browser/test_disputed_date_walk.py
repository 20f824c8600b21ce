"""Marking a disputed date in a real browser: a second reading of an agreement's signing date,
with its quote, added in the admin, then seen on the case file beside the first."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_caseworker_walks import choose_in_autocomplete

pytestmark = pytest.mark.browser

# Written for this test, not a real report: two dates for one signing, each with its words.
CONVENTION_ARTICLE = """The refugee convention, seventy-five years on

The Convention relating to the Status of Refugees was signed in Geneva on 28 July 1951, the
UN refugee agency recalled in a statement.

Some histories give the date of the conference's final act, 25 July 1951, as the day it was
agreed.
"""
FIRST_QUOTE = "was signed in Geneva on 28 July 1951"
SECOND_QUOTE = "the conference's final act, 25 July 1951"


@pytest.fixture
def one_reading(caseworker):
    """The 1951 Convention that Kim's refugee-status application invokes, its signing date read
    once from a stored article (the caseworker's colleague quoted it)."""
    from apps.agreements.models import Agreement
    from apps.people.models import Organization
    from apps.sources.services import article_create, date_reading_add

    article = article_create(
        title=CONVENTION_ARTICLE.splitlines()[0],
        outlet=Organization.objects.get(name="The Moscow Times"),
        body=CONVENTION_ARTICLE.split("\n", 2)[2],
        url="https://www.themoscowtimes.com/2026/07/28/refugee-convention-seventy-five-years-a99999",
    )
    convention = Agreement.objects.get(title="Convention relating to the Status of Refugees")
    date_reading_add(
        agreement=convention,
        field="signed",
        value="28 July 1951",
        supports=[{"article": article, "quote": FIRST_QUOTE}],
    )
    return convention


def test_a_caseworker_marks_a_disputed_signing_date_and_sees_both_readings_on_the_case_file(
    one_reading, signed_in, live_server
):
    from apps.sources.models import DateReading

    page = signed_in
    page.goto(f"{live_server.url}/admin/sources/datereading/add/")
    choose_in_autocomplete(
        page, page.locator("#id_agreement"), "Status of Refugees", "1951 Refugee Convention"
    )
    page.locator("#id_field").select_option("signed")
    page.locator("#id_value").fill("25 July 1951")
    choose_in_autocomplete(
        page, page.locator("#id_support_article"), "seventy-five", "The refugee convention"
    )
    page.locator("#id_support_quote").fill(SECOND_QUOTE)
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    readings = DateReading.objects.filter(agreement=one_reading, field="signed").order_by("value_start")
    assert [str(reading.value) for reading in readings] == ["25 Jul 1951", "28 Jul 1951"]
    assert readings[0].citations.get().quote == SECOND_QUOTE

    page.goto(f"{live_server.url}/admin/cases/case/")
    page.locator("#result_list").get_by_role("link", name="CT-2013-0001").click()
    milestone = page.locator(".ct-agreement_milestone.ct-disputed", has_text="1951 Refugee Convention")
    expect(milestone).to_contain_text("Disputed date")
    expect(milestone).to_contain_text("the sources disagree: 2 readings")
    shown = milestone.locator(".ct-date-readings .ct-reading")
    expect(shown).to_have_count(2)
    expect(shown.nth(0)).to_contain_text("25 Jul 1951")
    expect(shown.nth(1)).to_contain_text("28 Jul 1951")
    for reading, quote in ((shown.nth(0), SECOND_QUOTE), (shown.nth(1), FIRST_QUOTE)):
        reading.locator("summary").click()
        expect(reading.locator("blockquote")).to_have_text(quote)
        expect(
            reading.get_by_role("link", name="The refugee convention, seventy-five years on")
        ).to_be_visible()
