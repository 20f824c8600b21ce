"""A refusal recorded in a real browser starts its appeal window on the day's dashboard."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.test_caseworker_walks import choose_in_autocomplete

pytestmark = pytest.mark.browser


def test_a_refusal_recorded_with_a_multi_line_quote_puts_its_appeal_deadline_on_the_start_page(
    signed_in, live_server
):
    from apps.deadlines.models import Deadline
    from apps.proceedings.models import Proceeding

    page = signed_in
    # Refused twenty days ago: the seeded rule's 30 calendar days end within the dashboard's 14.
    decided = datetime.date.today() - datetime.timedelta(days=20)
    page.goto(f"{live_server.url}/admin/proceedings/proceeding/add/")
    choose_in_autocomplete(page, page.locator("#id_case"), "CT-2013-0001", "CT-2013-0001")
    # "Kim" alone: the seeds also hold "Kim Eun-chol", whom the search finds too.
    page.locator("#id_subject").locator("xpath=following-sibling::span[contains(@class, 'select2')]").click()
    page.locator(".select2-container--open .select2-search__field").fill("Kim")
    page.get_by_role("option", name="Kim", exact=True).click()
    page.locator("#id_kind").select_option("temporary_asylum_application")
    choose_in_autocomplete(page, page.locator("#id_authority"), "Migration", "Federal Migration Service (FMS)")
    page.locator("#id_country").select_option("RU")
    page.locator("#id_reference_number").fill("TA-REFUSAL-BROWSER")
    page.locator("#id_outcome").select_option("refused")
    page.locator("#id_events-0-kind").select_option("decision")
    page.locator("#id_events-0-date").fill(decided.isoformat())
    choose_in_autocomplete(page, page.locator("#id_support_article"), "Refuses Asylum", "Russia Refuses Asylum")
    page.locator("#id_support_quote").click()
    # Real key presses: Enter is a line break the browser submits as CRLF.
    page.keyboard.type("if returned to his country of origin, RBC reported.")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("The escapee")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    refusal = Proceeding.objects.get(reference_number="TA-REFUSAL-BROWSER")
    assert refusal.citations.get().quote == "if returned to his country of origin, RBC reported.\n\nThe escapee"
    due = Deadline.objects.get(trigger__proceeding=refusal).due_on
    # 30 calendar days, moved to the next working day if the last one is a holiday in Russia.
    assert decided + datetime.timedelta(days=30) <= due <= decided + datetime.timedelta(days=34)

    page.goto(f"{live_server.url}/admin/")
    row = page.locator("#dashboard-deadlines tr.dashboard-deadline", has_text=due.isoformat())
    expect(row).to_contain_text("CT-2013-0001")
    expect(row).to_contain_text("Appeal against a refusal of temporary asylum")
    expect(row).to_contain_text("unverified")
