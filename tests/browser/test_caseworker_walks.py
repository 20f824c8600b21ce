"""What a caseworker does in a browser today, each walk as a person would do it."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_caseworker_signs_in_through_the_login_form(page, live_server, caseworker):
    sign_in(page, live_server, caseworker)

    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.get_by_role("link", name="Cases").first).to_be_visible()


def test_a_caseworker_finds_kim_by_his_cyrillic_alias_and_opens_his_case(signed_in, live_server):
    page = signed_in
    page.locator("#cases-case").get_by_role("link", name="Cases").click()
    page.locator("#searchbar").fill("Ким")
    page.get_by_role("button", name="Search").click()

    results = page.locator("#result_list")
    expect(results.get_by_role("link", name="CT-2013-0001")).to_be_visible()
    results.get_by_role("link", name="CT-2013-0001").click()

    expect(page.locator("h2", has_text="CT-2013-0001")).to_be_visible()
    expect(page.get_by_label("Title:")).to_have_value("Kim — asylum in Russia")


def open_kims_case(page, live_server):
    page.goto(f"{live_server.url}/admin/cases/case/")
    page.locator("#result_list").get_by_role("link", name="CT-2013-0001").click()
    expect(page.locator("h2", has_text="CT-2013-0001")).to_be_visible()


def choose_in_autocomplete(page, field, search: str, option: str):
    """Django's autocomplete (select2): open it, type, pick the option the server returned."""
    field.locator("xpath=following-sibling::span[contains(@class, 'select2')]").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).click()


def test_a_caseworker_records_a_fact_with_a_multi_line_quote_typed_line_by_line(signed_in, live_server):
    from apps.cases.models import Fact

    page = signed_in
    open_kims_case(page, live_server)
    prefix = "#id_facts-0"  # the case file's one empty row to add a fact

    page.locator(f"{prefix}-date").fill("January 2016")
    page.locator(f"{prefix}-statement").fill("The Moscow FMS found that Kim was not a refugee.")
    choose_in_autocomplete(
        page, page.locator(f"{prefix}-support_article"), "Refuses Asylum", "Russia Refuses Asylum"
    )
    page.locator(f"{prefix}-support_quote").click()
    # Real key presses: Enter is a line break the browser submits as CRLF.
    page.keyboard.type("if returned to his country of origin, RBC reported.")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("The escapee")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    fact = Fact.objects.get(statement="The Moscow FMS found that Kim was not a refugee.")
    citation = fact.citations.get()
    # The article's own text, with its LF line ends, not what the browser sent.
    assert citation.quote == "if returned to his country of origin, RBC reported.\n\nThe escapee"
    assert citation.article.body[citation.start : citation.end] == citation.quote
    assert str(fact.date) == "January 2016"


# Written for this test, not a real report; long enough to be read as an article.
PASTED_ARTICLE = """Court in Moscow hears appeal of North Korean asylum seeker

A district court in Moscow on Tuesday heard the appeal of a North Korean man against the
refusal of temporary asylum, his lawyer said.

The man, who asked to be named only as Kim, has lived in Russia since 2013 and says he
would face prison camps if returned to North Korea.

The court adjourned the hearing until next month to request documents from the migration
authorities.
"""
PASTED_TITLE = PASTED_ARTICLE.splitlines()[0]


def test_a_caseworker_imports_an_article_by_pasting_it(signed_in, live_server):
    from apps.sources.models import Article

    page = signed_in
    page.goto(f"{live_server.url}/admin/sources/article/")
    page.get_by_role("link", name="Import article").click()
    page.get_by_label("Paste the article").fill(PASTED_ARTICLE)
    page.get_by_label("Address (URL)").fill(
        "https://www.themoscowtimes.com/2016/03/01/court-hears-appeal-of-north-korean-asylum-seeker-a51999"
    )
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_label("Title")).to_have_value(PASTED_TITLE)
    page.get_by_role("button", name="Save article").click()

    expect(page.locator(".messagelist .success")).to_contain_text("Imported")
    article = Article.objects.get(title=PASTED_TITLE)
    assert article.outlet.name == "The Moscow Times"
    assert article.added_by.username == "olga"
    assert article.body.startswith("A district court in Moscow on Tuesday heard the appeal")


def test_a_caseworker_downloads_kims_public_dossier_as_a_pdf(signed_in, live_server):
    from apps.dossiers.models import DossierGeneration

    page = signed_in
    open_kims_case(page, live_server)
    page.get_by_role("link", name="Dossier").click()

    # The least revealing level is chosen for them; they keep it, and PDF.
    expect(page.get_by_label("Public (journalists, reports)")).to_be_checked()
    page.get_by_label("PDF").check()
    page.get_by_role("button", name="Generate").click()
    # The PDF is rendered by a job: its page refreshes itself until the download is there.
    expect(page.locator(".job-state")).to_be_visible()
    download_link = page.locator("a.job-download")
    expect(download_link).to_be_visible(timeout=120_000)
    with page.expect_download() as download_info:
        download_link.click()

    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
    generation = DossierGeneration.objects.get()
    assert (generation.case_reference, generation.level) == ("CT-2013-0001", "public")


def test_a_caseworker_switches_the_admin_to_russian(signed_in, live_server):
    page = signed_in
    page.get_by_label("Language").select_option("ru")
    page.get_by_role("button", name="Switch").click()

    # The same page, now in Russian, and it stays so on the next pages (a cookie, not the browser's).
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.locator("#cases-case").get_by_role("link", name="Дела").click()
    expect(page.locator("h1")).to_have_text("Выберите дело для изменения")
    page.locator("#searchbar").fill("Ким")
    page.get_by_role("button", name="Найти").click()
    expect(page.locator("#result_list").get_by_role("link", name="CT-2013-0001")).to_be_visible()
    expect(page.get_by_label("Язык")).to_have_value("ru")
