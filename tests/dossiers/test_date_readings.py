"""A disputed agreement date shows both readings, with their sources, in the timeline and dossiers."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.dossiers.renderers.html import render_html
from apps.dossiers.selectors import dossier_content
from apps.sources.models import DateReading
from apps.sources.services import date_reading_add
from apps.workspace.selectors import case_timeline


@pytest.fixture
def disputed(kim):
    agreement = kim.provision.agreement
    kim.proceedings["refusal"].agreements.add(agreement)  # the timeline shows invoked agreements
    a004, a001, _a002 = kim.articles
    date_reading_add(agreement=agreement, field="signed", value="2 Feb 2016",
                     supports=[{"article": a004, "quote": "RBC news agency reported Wednesday"}])
    date_reading_add(agreement=agreement, field="signed", value="3 Feb 2016", note="per the other outlet",
                     supports=[{"article": a001, "quote": "Memorial got a court"}])
    return kim


def test_the_timeline_milestone_carries_both_readings(disputed):
    signed = next(e for e in case_timeline(case=disputed.case) if e.milestone == "signed")
    assert signed.disputed is True
    assert [str(r.value) for r in signed.readings] == ["2 Feb 2016", "3 Feb 2016"]


def test_the_timeline_api_shows_the_disputed_date(disputed, superuser):
    client = APIClient()
    client.force_authenticate(superuser)
    entries = client.get(f"/api/v1/cases/{disputed.case.reference}/timeline/").json()
    entries = entries["results"] if isinstance(entries, dict) else entries
    signed = next(e for e in entries if e["milestone"] == "signed")
    assert signed["disputed"] is True
    assert [r["citations"][0]["quote"] for r in signed["readings"]] == [
        "RBC news agency reported Wednesday", "Memorial got a court",
    ]
    fact = next(e for e in entries if e["type"] == "fact")
    assert fact["disputed"] in (True, False) and fact["readings"] == []


def test_the_dossier_shows_both_readings_with_their_footnotes(disputed):
    content = dossier_content(case=disputed.case, level="legal")
    milestone = next(m for m in content["agreements"][0]["milestones"] if m["label"] == "signed")
    assert milestone["disputed"] is True
    first, second = milestone["readings"]
    assert (first["date"]["text"], second["date"]["text"]) == ("2 Feb 2016", "3 Feb 2016")
    assert first["citations"][0]["quote"] == "RBC news agency reported Wednesday"
    assert second["comment"] == "per the other outlet"
    notes = [c["note"] for r in milestone["readings"] for c in r["citations"]]
    html = render_html(content)
    assert "Date signed disputed" in html
    for note in notes:
        assert f'href="#note-{note}"' in html
    # At public, the caseworker's note on a reading is left out, like a citation's.
    public = dossier_content(case=disputed.case, level="public")
    readings = next(m for m in public["agreements"][0]["milestones"] if m["label"] == "signed")["readings"]
    assert all("comment" not in r for r in readings)


def test_the_admin_names_a_date_an_agreement_does_not_have(disputed, admin_client):
    agreement = disputed.provision.agreement
    response = admin_client.post(
        reverse("admin:sources_datereading_add"),
        {"agreement": agreement.pk, "field": "filed", "value": "4 Feb 2016", "note": "",
         "support_article": disputed.articles[0].pk, "support_quote": "RBC news agency"},
    )
    assert response.status_code == 200
    assert "An agreement has no such date; choose one of: drafted, signed, ratified, in force." in response.content.decode()
    assert DateReading.objects.count() == 2
    response = admin_client.post(
        reverse("admin:sources_datereading_add"),
        {"agreement": agreement.pk, "field": "ratified", "value": "4 Feb 2016", "note": "",
         "support_article": disputed.articles[0].pk, "support_quote": "RBC  news\r\nagency"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DateReading.objects.get(field="ratified").citations.get().quote == "RBC news agency"
