"""A changelist's rows link to their change pages with the list's search and filters carried
along, as Django's own row renderer would link them, written once for the page."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.urls import reverse

from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def row_links(page: str, model: str) -> list[str]:
    pattern = rf'href="(/admin/cases/{model}/\d+/change/[^"]*)"'
    return [link.replace("&amp;", "&") for link in re.findall(pattern, page)]


def test_a_searched_lists_rows_carry_the_search_to_the_change_page(client, desk):
    cases = [CaseFactory(organization=desk.home, title=f"Kim, file {n}") for n in range(3)]
    client.force_login(desk.user)
    response = client.get(reverse("admin:cases_case_changelist"), {"q": "Kim", "status": "open"})
    assert response.status_code == 200
    cl = response.context["cl"]
    links = row_links(response.content.decode(), "case")
    assert links, "the rows link to their change pages"
    for case in cases:
        change = reverse("admin:cases_case_change", args=[case.pk])
        # What Django's renderer makes of the same row with the same list's filters.
        expected = add_preserved_filters({"preserved_filters": cl.row_link_query, "opts": cl.opts}, change)
        assert expected in links
        assert parse_qs(urlsplit(expected).query) == {"_changelist_filters": ["q=Kim&status=open"]}


def test_an_unfiltered_lists_rows_link_to_bare_change_pages(client, desk):
    case = CaseFactory(organization=desk.home)
    client.force_login(desk.user)
    page = client.get(reverse("admin:cases_case_changelist")).content.decode()
    change = reverse("admin:cases_case_change", args=[case.pk])
    assert change in row_links(page, "case")
    assert not any("_changelist_filters" in link for link in row_links(page, "case"))


def test_the_rows_addresses_are_not_resolved_one_by_one(client, desk, monkeypatch):
    """Django's renderer resolves every row's address through the URL configuration; a page
    of rows resolves only its own."""
    for n in range(5):
        CaseFactory(organization=desk.home, title=f"Kim, file {n}")
    client.force_login(desk.user)
    url = reverse("admin:cases_case_changelist")
    client.get(url, {"q": "Kim"})
    from django.contrib.admin.templatetags import admin_urls

    resolved = []
    real = admin_urls.resolve
    monkeypatch.setattr(admin_urls, "resolve", lambda path, *a: resolved.append(path) or real(path, *a))
    response = client.get(url, {"q": "Kim"})
    assert len(row_links(response.content.decode(), "case")) >= 5
    # The "add" button's address, and nothing per row.
    assert resolved == [reverse("admin:cases_case_add")]
