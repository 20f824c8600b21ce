"""A changelist's rows link to their change pages with the list's search and filters carried
along, as Django's own row renderer would link them, written once for the page."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.urls import reverse

from apps.core.admin_lists import result_rows
from tests.admin.test_admin_smoke import admin_url, make_instance
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
        expected = add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, change)
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


REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def django_rows(cl) -> list[list[str]]:
    """The rows as Django's own renderer makes them, for the same changelist."""
    return [[str(cell) for cell in row] for row in admin_list.results(cl)]


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
@pytest.mark.parametrize("params", [{}, {"q": "a"}], ids=["list", "searched"])
def test_every_changelists_rows_are_djangos_html(admin_client, model, params):
    """The rows of every registered changelist, from records made by the factories, are the
    HTML Django's items_for_result renders for them, cell by cell."""
    make_instance(model)
    response = admin_client.get(admin_url(model, "changelist"), params)
    assert response.status_code == 200
    cl = response.context["cl"]
    ours = [[str(cell) for cell in row] for row in result_rows(cl)]
    assert ours == django_rows(cl)
    if not params:
        assert ours, f"{model._meta.label}: the factories made rows to compare"
    for row in ours:
        assert "".join(row) in response.content.decode()


def test_a_popup_changelists_rows_open_their_record_in_the_opener(admin_client, desk):
    case = CaseFactory(organization=desk.home)
    response = admin_client.get(reverse("admin:cases_case_changelist"), {"_popup": "1", "_to_field": "id"})
    cl = response.context["cl"]
    ours = [[str(cell) for cell in row] for row in result_rows(cl)]
    assert ours == django_rows(cl)
    assert f'data-popup-opener="{case.pk}"' in "".join(sum(ours, []))


@pytest.mark.parametrize("kind", ["case", "fact", "proceeding", "individual", "article", "citation", "document"])
def test_a_caseworkers_changelist_rows_are_djangos_html(client, desk, kind):
    """As an ordinary caseworker, whose lists may be read with their total (a list of rows,
    not a queryset), the rows are still Django's HTML."""
    record = getattr(desk, kind)()
    client.force_login(desk.user)
    response = client.get(admin_url(type(record), "changelist"))
    assert response.status_code == 200
    cl = response.context["cl"]
    ours = [[str(cell) for cell in row] for row in result_rows(cl)]
    assert ours and ours == django_rows(cl)
