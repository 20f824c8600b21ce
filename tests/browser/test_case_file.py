"""The case file and the lists, read in a browser at 1366×900 as a caseworker reads them."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NO_SIDEWAYS_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"


def open_kims_case_file(page, live_server):
    page.goto(f"{live_server.url}/admin/cases/case/")
    page.locator("#result_list").get_by_role("link", name="CT-2013-0001").click()
    expect(page.locator("#case-file")).to_be_visible()


def test_kims_case_file_reads_in_date_order_without_sideways_scrolling(signed_in, live_server):
    page = signed_in
    open_kims_case_file(page, live_server)

    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate("document.scrollingElement.scrollWidth")
    header = page.locator(".ct-header")
    expect(header).to_contain_text("CT-2013-0001")
    expect(header.get_by_role("link", name="Kim", exact=True)).to_be_visible()
    expect(header).to_contain_text("Next deadline")
    starts = page.locator(".ct-chronology > li[data-start]").evaluate_all(
        "items => items.map(item => item.dataset.start).filter(Boolean)"
    )
    assert len(starts) > 10
    assert starts == sorted(starts)



def test_a_quote_in_the_chronology_opens_to_its_whole_text_and_source(signed_in, live_server):
    page = signed_in
    open_kims_case_file(page, live_server)
    quote = page.locator(".ct-chronology details").first
    expect(quote.locator("blockquote")).to_be_hidden()

    quote.locator("summary").click()

    expect(quote.locator("blockquote")).to_be_visible()
    expect(quote.get_by_role("link").first).to_be_visible()  # the article it comes from


def test_a_fact_edited_from_the_case_file_comes_back_to_it(signed_in, live_server):
    from apps.cases.models import Fact

    page = signed_in
    open_kims_case_file(page, live_server)
    entry = page.locator(".ct-fact").filter(has_text="Kim escaped the labour camp").first
    entry.get_by_role("link", name="edit").click()
    expect(page.get_by_label("Statement:")).to_be_visible()
    page.get_by_label("Date:").fill("summer 2013")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator("#case-file")).to_be_visible()
    expect(page.locator(".messagelist .success")).to_be_visible()
    fact = Fact.objects.get(statement__startswith="Kim escaped the labour camp")
    assert str(fact.date) == "summer 2013"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


LISTS = [
    "cases/case", "cases/fact", "proceedings/proceeding", "proceedings/proceedingevent", "people/individual",
    "people/organization", "sources/article", "sources/citation", "agreements/agreement",
    "agreements/provision",
]


def test_every_list_fits_the_page_without_a_cut_column(signed_in, live_server):
    page = signed_in
    for path in LISTS:
        page.goto(f"{live_server.url}/admin/{path}/")
        widths = page.evaluate("""() => {
            const table = document.querySelector('#result_list'), box = document.querySelector('#changelist .results');
            return {page: document.scrollingElement.scrollWidth, table: table.scrollWidth, box: box.clientWidth};
        }""")
        assert widths["page"] <= 1366 and widths["table"] <= widths["box"], (path, widths)


def test_the_citation_list_shortens_its_quotes_and_fits_a_few_screens(signed_in, live_server):
    page = signed_in
    page.goto(f"{live_server.url}/admin/sources/citation/")
    rows = page.locator("#result_list tbody tr")
    height = page.locator("#result_list").evaluate("table => table.getBoundingClientRect().height")

    assert rows.count() >= 45
    assert height < 100 * rows.count()  # it was about 150 px a row (8,000 px for 51)
    shortened = page.locator("#result_list .ct-short").first
    assert len(shortened.get_attribute("title")) > len(shortened.inner_text())
