"""The day's dashboard in a real browser: Kim's appeal deadline, computed from its rule."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_caseworker_sees_kims_appeal_deadline_on_the_start_page(signed_in, live_server):
    page = signed_in
    deadlines = page.locator("#dashboard-deadlines")
    row = deadlines.locator("tr.dashboard-deadline", has_text="CT-2013-0001")
    expect(row).to_contain_text("Appeal against a refusal of temporary asylum")
    # Overdue in words, not only in colour; the figure has no stored source yet.
    expect(row).to_contain_text("2016-02-01")
    expect(row).to_contain_text("overdue by")
    expect(row).to_contain_text("unverified")
    # The app list is still below.
    expect(page.locator("#cases-case").get_by_role("link", name="Cases")).to_be_visible()
    row.get_by_role("link", name="Appeal against a refusal of temporary asylum").click()
    expect(page.locator("#content h2, #content h1").first).to_be_visible()
    expect(page.get_by_text("counted from its earliest day")).to_be_visible()
