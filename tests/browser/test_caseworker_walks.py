"""What a caseworker does in a browser today, each walk as a person would do it."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_caseworker_signs_in_through_the_login_form(page, live_server, caseworker):
    sign_in(page, live_server, caseworker)

    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.get_by_role("link", name="Cases").first).to_be_visible()
