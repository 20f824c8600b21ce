"""A Russian-speaking caseworker (Accept-Language: ru) reads Russian: the admin, its messages,
the API's problem details, the dates; English stays the default for everyone else."""

import html
import re

import pytest

from apps.core.partial_dates import PartialDate, russian_text
from tests.factories import CaseFactory, IndividualFactory

RU = {"HTTP_ACCEPT_LANGUAGE": "ru"}


def _hidden_and_default_fields(page: str) -> dict[str, str]:
    """The management forms and pre-filled inputs of an admin add page, as the browser would post them."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and "type=\"checkbox\"" not in tag and "type=\"submit\"" not in tag:
            data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return data


@pytest.mark.django_db
def test_the_sign_in_page_is_in_russian_with_a_language_switch(client):
    page = client.get("/admin/login/", **RU).content.decode()
    assert "Войти" in page  # Django's own "Log in"
    assert 'action="/i18n/setlang/"' in page and 'name="language"' in page
    assert '<html lang="ru"' in page


@pytest.mark.django_db
def test_the_sign_in_page_stays_english_without_accept_language(client):
    page = client.get("/admin/login/").content.decode()
    assert "Log in" in page and "Войти" not in page


def test_the_case_list_is_titled_in_russian(admin_client):
    CaseFactory()
    page = admin_client.get("/admin/cases/case/", **RU).content.decode()
    assert "Выберите дело для изменения" in page  # "Select case to change", with our word for case
    assert "Дела" in page  # the app's name in the breadcrumbs


def test_a_refused_date_is_explained_in_russian_beside_its_field(admin_client):
    add = admin_client.get("/admin/people/individual/add/", **RU).content.decode()
    data = _hidden_and_default_fields(add)
    data.update(pseudonym="Ли", status="at_risk", born="когда-то давно", summary="")
    page = admin_client.post("/admin/people/individual/add/", data, **RU).content.decode()
    row = re.search(r'<div class="form-row[^"]*field-born.*?</div>\s*</div>', page, re.S)
    assert row is not None, "the form came back without the born row"
    assert "не удаётся прочитать как дату" in html.unescape(row.group(0))


def test_the_language_switch_keeps_the_choice_for_the_next_pages(admin_client):
    response = admin_client.post("/i18n/setlang/", {"language": "ru", "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    page = admin_client.get("/admin/").content.decode()  # no Accept-Language: the cookie decides
    # The start page is the day's dashboard, "Today".
    assert '<html lang="ru"' in page and "<title>Сегодня | Casetracker</title>" in page


def test_an_api_refusal_is_a_russian_problem_detail(api_client, superuser):
    api_client.force_authenticate(superuser)
    subject = IndividualFactory()
    case = CaseFactory(subjects=[subject])
    response = api_client.post(
        "/api/v1/cases/",
        {
            "title": "Ли", "organization": str(case.organization.public_id),
            "subjects": [str(subject.public_id)], "opened_on": "2016-01-01", "reference": "CT-2016-0001",
        },
        format="json",
        **RU,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["title"] == "Неверный запрос"
    assert body["detail"] == "В запросе неверные поля: reference."
    assert body["errors"]["reference"] == ["Номера дел присваивает сервер: не заполняйте это поле."]
    assert response["Content-Language"] == "ru"


def test_an_api_refusal_stays_english_by_default(api_client, superuser):
    api_client.force_authenticate(superuser)
    response = api_client.get("/api/v1/cases/CT-1999-0001/")
    assert response.status_code == 404
    assert response.json()["title"] == "Not Found"


@pytest.mark.parametrize(
    "typed, russian",
    [
        ("1997", "1997"),
        ("spring 2013", "весна 2013"),
        ("January 2016", "январь 2016"),
        ("14 Nov 2014", "14 ноября 2014"),
        ("mid-2016", "середина 2016"),
        ("early May 2016", "начало мая 2016"),
        ("3–5 May 2016", "3–5 мая 2016"),
        ("May–June 2016", "май–июнь 2016"),
        ("3 May – 5 June 2016", "3 мая – 5 июня 2016"),
        ("c. 1980", "около 1980"),
    ],
)
def test_a_date_is_written_in_russian_and_reads_back_the_same(typed, russian):
    value = PartialDate.parse(typed)
    assert russian_text(value) == russian
    assert PartialDate.parse(russian) == value  # what Russian pages show can be typed back


def test_a_date_follows_the_active_language():
    from django.utils import translation

    value = PartialDate.parse("spring 2013")
    with translation.override("ru"):
        assert str(value) == "весна 2013"
    assert str(value) == "spring 2013"
