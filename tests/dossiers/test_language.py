"""Dossiers in Russian: headings, labels and dates translated; the quoted sources never."""

import html

import pytest

from apps.dossiers.services import dossier_generate
from tests.factories import SuperuserFactory

HEADINGS_EN = ["Summary", "Subject profile", "Timeline", "Proceedings", "Agreements and provisions", "Sources"]
HEADINGS_RU = ["Сводка", "Сведения о подопечном", "Хронология", "Производства", "Соглашения и положения", "Источники"]


def _page(kim, language: str) -> str:
    data, _name, _type = dossier_generate(
        case=kim.case, format="html", level="legal", user=SuperuserFactory(), language=language
    )
    return data.decode("utf-8")


def _quotes(kim) -> list[str]:
    citations = [c for fact in kim.case.facts.all() for c in fact.citations.all()]
    citations += [c for p in kim.case.proceedings.all() for c in p.citations.all()]
    return [c.quote for c in citations]


def test_a_russian_dossier_has_russian_headings_dates_and_the_exact_english_quotes(kim):
    page = _page(kim, "ru")
    assert '<html lang="ru"' in page
    for heading in HEADINGS_RU:
        assert f"<h2>{heading}</h2>" in page
    for heading in HEADINGS_EN:
        assert f"<h2>{heading}</h2>" not in page
    assert "28 января 2016" in page  # the 004 article's publication day, as Russian writes it
    assert "весна 2013" in page  # a partial date, in Russian
    quotes = _quotes(kim)
    assert quotes
    for quote in quotes:
        assert html.escape(quote) in page, quote  # the source's words, untouched
    assert "Kim left North Korea aged 17 and lived in China illegally." in page  # caseworkers' text as typed


def test_an_english_dossier_is_unchanged_by_the_option(kim):
    page = _page(kim, "en")
    assert '<html lang="en"' in page
    for heading in HEADINGS_EN:
        assert f"<h2>{heading}</h2>" in page
    assert "28 Jan 2016" in page and "spring 2013" in page


def test_the_same_quotes_in_both_languages(kim):
    english, russian = _page(kim, "en"), _page(kim, "ru")
    for quote in _quotes(kim):
        assert english.count(html.escape(quote)) == russian.count(html.escape(quote))


def test_an_unknown_language_is_refused(kim):
    with pytest.raises(ValueError):
        dossier_generate(case=kim.case, format="html", level="legal", user=None, language="fr")


def test_the_api_takes_the_language_and_names_a_wrong_one(kim, api_client):
    api_client.force_authenticate(SuperuserFactory())
    response = api_client.get("/api/v1/cases/CT-2013-0001/dossier/?format=html&level=legal&language=ru")
    assert response.status_code == 200
    assert "<h2>Хронология</h2>" in response.content.decode()
    response = api_client.get("/api/v1/cases/CT-2013-0001/dossier/?format=html&language=fr")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["language"]


def test_the_admin_form_offers_the_language_of_the_page(kim, admin_client):
    page = admin_client.get("/admin/dossiers/generate/?case=CT-2013-0001", HTTP_ACCEPT_LANGUAGE="ru")
    text = page.content.decode()
    assert 'name="language"' in text and '<option value="ru" selected>' in text
    response = admin_client.post(
        "/admin/dossiers/generate/",
        {"case": "CT-2013-0001", "format": "html", "level": "legal", "language": "ru"},
    )
    assert response.status_code == 200 and "<h2>Хронология</h2>" in response.content.decode()
