"""Each section builder of the dossier on its own: what it takes, what it shows, what it hides.

The builders read records the caller loaded; here they get Kim's records as the services
made them (or stand-ins, where only a few attributes matter), so that a section is checked
without the rest of the dossier around it.
"""

import datetime as dt
from types import SimpleNamespace

import pytest

from apps.dossiers.selectors import (
    Footnotes,
    agreements_section,
    bibliography_section,
    cover_section,
    disputed_facts,
    proceedings_section,
    subject_profile_section,
    summary_section,
    timeline_section,
)
from apps.people.services import individual_create
from tests.dossiers.conftest import CASEWORKER_NAME, SECRET


def citation(pk, article_id, note=""):
    """A stand-in for a Citation: the footnotes read only these attributes."""
    return SimpleNamespace(pk=pk, article_id=article_id, quote=f"quote {pk}", start=pk, end=pk + 7, note=note)


def test_footnotes_run_on_from_call_to_call_and_remember_each_sources_notes():
    notes = Footnotes(source_keys={10: "S1", 20: "S2"}, comments=False)
    first = notes.cite([citation(7, 20), citation(3, 10)])
    second = notes.cite([citation(5, 20)])
    assert [(c["note"], c["source"], c["quote"]) for c in first + second] == [
        (1, "S2", "quote 7"),
        (2, "S1", "quote 3"),
        (3, "S2", "quote 5"),
    ]
    assert first[0] == {"note": 1, "source": "S2", "quote": "quote 7", "start": 7, "end": 14}
    assert notes.cited_in == {"S2": [1, 3], "S1": [2]}
    assert notes.numbers == {7: 1, 3: 2, 5: 3}


@pytest.mark.parametrize("comments", [True, False])
def test_footnotes_show_a_caseworkers_comment_only_when_asked(comments):
    notes = Footnotes(source_keys={10: "S1"}, comments=comments)
    (entry,) = notes.cite([citation(1, 10, note="Check with Memorial")])
    assert entry.get("comment") == ("Check with Memorial" if comments else None)
    # No empty comment key when a citation has no note.
    (plain,) = notes.cite([citation(2, 10)])
    assert "comment" not in plain


@pytest.mark.parametrize("level", ["full", "legal", "public"])
def test_the_cover_names_the_case_and_its_author_except_in_public(kim, level):
    made, as_of = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC), dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    cover = cover_section(
        case=kim.case,
        level=level,
        pseudonyms=["Kim"],
        generated_at=made,
        generated_by=CASEWORKER_NAME,
        data_as_of=as_of,
        source_count=3,
        fact_count=5,
        proceeding_count=2,
    )
    assert cover == {
        "reference": "CT-2013-0001",
        "pseudonyms": ["Kim"],
        "level": level,
        "level_display": {
            "full": "Full (internal)",
            "legal": "Legal (lawyers, courts)",
            "public": "Public (journalists, reports)",
        }[level],
        "issued_by": "Memorial",
        "generated_at": "2026-03-01T09:30:00+00:00",
        "generated_by": None if level == "public" else CASEWORKER_NAME,
        "data_as_of": "2026-02-01T00:00:00+00:00",
        "source_count": 3,
        "fact_count": 5,
        "proceeding_count": 2,
    }


@pytest.mark.parametrize("public", [True, False])
def test_the_summary_lists_caseworkers_except_in_public(kim, public):
    kim.case.closed_on = dt.date(2016, 3, 1)
    summary = summary_section(case=kim.case, public=public)
    assert summary["reference"] == "CT-2013-0001" and summary["title"] == "Kim — asylum in Russia"
    assert (summary["opened_on"], summary["closed_on"]) == ("2013-06-01", "2016-03-01")
    assert summary["organization"] == "Memorial"
    assert summary["summary"] == "Asylum seeker from the DPRK in Russia."
    assert summary.get("caseworkers") == (None if public else [CASEWORKER_NAME])


def test_the_subject_profile_shows_aliases_below_public_and_the_identity_only_at_full(kim):
    profiles = {
        level: subject_profile_section(subjects=[kim.subject], level=level)[0]
        for level in ("full", "legal", "public")
    }
    assert profiles["public"] == {
        "public_id": str(kim.subject.public_id),
        "pseudonym": "Kim",
        "nationality": "North Korea",
        "born": profiles["public"]["born"],
        "status": "At risk",
        "summary": "Fled North Korea during the 1997 famine.",
    }
    assert profiles["public"]["born"]["text"] == "c. 1980"
    assert profiles["legal"]["aliases"] == [
        {"name": "Ким", "script": "Cyrillic", "note": ""},
        {"name": "김", "script": "Hangul", "note": "as written by activists"},
    ]
    assert "protected_identity" not in profiles["legal"]
    assert profiles["full"]["protected_identity"] == {
        "legal_name": SECRET["legal_name"],
        "date_of_birth": "1979-03-17",
        "phone": SECRET["phone"],
        "email": SECRET["email"],
        "address": SECRET["address"],
    }


def test_a_subject_without_a_protected_identity_has_none_at_full(db):
    other = individual_create(pseudonym="Kim Eun-chol", nationality="KP")
    (profile,) = subject_profile_section(subjects=[other], level="full")
    assert profile["protected_identity"] is None and profile["aliases"] == []
    assert profile["born"] is None


def test_the_timeline_labels_facts_in_the_order_given_and_numbers_their_notes(kim):
    facts = [kim.facts["crossing"], kim.facts["fled"]]
    notes = Footnotes(source_keys={a.pk: f"S{n}" for n, a in enumerate(kim.articles, 1)}, comments=True)
    timeline = timeline_section(facts=facts, notes=notes)
    assert [(f["id"], f["date"]["text"], f["statement"]) for f in timeline] == [
        ("F1", "spring 2013", "Kim crossed into Russia in the Amur region."),
        ("F2", "1997", "Kim left North Korea aged 17 and lived in China illegally."),
    ]
    assert [[(c["note"], c["source"], c["quote"]) for c in f["citations"]] for f in timeline] == [
        [(1, "S1", "In the spring of 2013, he crossed the Russian border")],
        [(2, "S1", "first left North Korea in 1997 as a 17-year-old")],
    ]
    assert [(f["disputed"], f["internal"], f["contradicted_by"]) for f in timeline] == [
        (False, False, []),
        (False, False, []),
    ]


def test_the_timeline_points_a_disputed_fact_at_its_counter_claim_and_its_notes(kim):
    facts = [kim.facts["fled"], kim.facts["china"], kim.facts["kazakhstan"]]
    notes = Footnotes(source_keys={a.pk: f"S{n}" for n, a in enumerate(kim.articles, 1)}, comments=True)
    timeline = timeline_section(facts=facts, notes=notes)
    assert [(f["id"], f["contradicted_by"], f["contradicting_notes"]) for f in timeline] == [
        ("F1", [], []),
        ("F2", ["F3"], [3]),
        ("F3", ["F2"], [2]),
    ]


def _fact(pk, contradicts=()):
    """A stand-in for a Fact with prefetched contradictions."""
    return SimpleNamespace(pk=pk, contradicts=SimpleNamespace(all=lambda: list(contradicts)))


def test_disputed_facts_leave_out_counter_claims_the_dossier_does_not_show():
    hidden = _fact(99)  # an internal fact, left out of a public dossier
    f2, f10 = _fact(2), _fact(10)
    disputed = _fact(1, contradicts=[f10, hidden, f2])
    labels = {1: "F1", 2: "F2", 10: "F10"}
    disputes = disputed_facts(
        facts=[disputed, f2, f10], labels=labels, notes_by_label={"F1": [1], "F2": [4, 5], "F10": [9]}
    )
    # In numeric order (F2 before F10), each with all of its notes.
    assert disputes["F1"] == {"contradicted_by": ["F2", "F10"], "contradicting_notes": [4, 5, 9]}
    assert disputes["F2"] == {"contradicted_by": [], "contradicting_notes": []}


@pytest.mark.parametrize("public", [True, False])
def test_proceedings_carry_their_appeal_chain_both_ways(kim, public):
    refusal, appeal, temporary = (kim.proceedings[k] for k in ("refusal", "appeal", "temporary"))
    temporary.appeal_of_id = appeal.pk  # not saved: a second appeal, to see the whole chain
    labels = {refusal.pk: "P1", appeal.pk: "P2", temporary.pk: "P3"}
    notes = Footnotes(source_keys={a.pk: f"S{n}" for n, a in enumerate(kim.articles, 1)}, comments=True)
    entries = proceedings_section(
        proceedings=[refusal, appeal, temporary], labels=labels, notes=notes, public=public
    )
    assert [(p["id"], p["appeal_of"], p["appeal_chain"], p["appealed_by"]) for p in entries] == [
        ("P1", None, [], ["P2"]),
        ("P2", "P1", ["P1"], ["P3"]),
        ("P3", "P2", ["P2", "P1"], []),
    ]
    first = entries[0]
    assert (first["kind_display"], first["authority"], first["country"], first["subject"]) == (
        "Refugee-status application",
        "Federal Migration Service (FMS)",
        "Russia",
        "Kim",
    )
    assert first.get("reference_number") == (None if public else "FMS-77-SECRET-FILE")
    assert [c["note"] for p in entries for c in p["citations"]] == [1, 2]
    # Invoking a provision invokes its agreement too (proceeding_legal_basis_set).
    assert entries[2]["legal_basis"] == [
        "Russia–DPRK readmission agreement",
        "Russia–DPRK readmission agreement, Art. 1: Deportation within 30 days of a repatriation request.",
    ]
    assert entries[2]["events"] == [
        {
            "kind": "Decision",
            "date": entries[2]["events"][0]["date"],
            "description": "Refusal reported by RBC",
        }
    ]


def test_an_appeal_of_a_proceeding_not_shown_starts_no_chain(kim):
    appeal = kim.proceedings["appeal"]
    notes = Footnotes(source_keys={a.pk: f"S{n}" for n, a in enumerate(kim.articles, 1)}, comments=True)
    (entry,) = proceedings_section(proceedings=[appeal], labels={appeal.pk: "P1"}, notes=notes, public=False)
    assert (entry["appeal_of"], entry["appeal_chain"]) == (None, [])


def test_agreements_name_the_proceedings_invoking_them_and_their_provisions(kim):
    temporary = kim.proceedings["temporary"]
    agreement = kim.provision.agreement
    notes = Footnotes(source_keys={a.pk: f"S{n}" for n, a in enumerate(kim.articles, 1)}, comments=True)
    notes.cite([SimpleNamespace(pk=0, article_id=kim.articles[0].pk, quote="q", start=0, end=1, note="")])
    (entry,) = agreements_section(
        agreements=[agreement],
        proceedings=[kim.proceedings["refusal"], temporary],
        proceeding_labels={kim.proceedings["refusal"].pk: "P1", temporary.pk: "P2"},
        notes=notes,
    )
    assert (entry["title"], entry["short_title"], entry["kind"], entry["status"]) == (
        "Agreement on the transfer and acceptance of persons illegally present",
        "Russia–DPRK readmission agreement",
        "Readmission agreement",
        "Signed",
    )
    assert entry["parties"] == ["North Korea", "Russia"]
    assert [(m["label"], m["date"]["text"]) for m in entry["milestones"]] == [
        ("drafted", "2 Sep 2014"),
        ("signed", "2 Feb 2016"),
    ]
    # P2 invokes one of its provisions (and so the agreement); P1 invokes neither.
    assert entry["invoked_by"] == ["P2"]
    (provision,) = entry["provisions"]
    assert (provision["number"], provision["time_limit_days"], provision["invoked_by"]) == (
        "Art. 1",
        30,
        ["P2"],
    )
    # The provision's note follows the one already cited.
    assert [(c["note"], c["source"]) for c in provision["citations"]] == [(2, "S3")]


def test_agreements_list_the_proceedings_invoking_them_in_numeric_order(kim):
    agreement = kim.provision.agreement
    for key in ("refusal", "appeal"):
        kim.proceedings[key].agreements.add(agreement)
    proceedings = [kim.proceedings[k] for k in ("refusal", "appeal", "temporary")]
    labels = dict(zip((p.pk for p in proceedings), ("P10", "P2", "P9"), strict=True))
    notes = Footnotes(source_keys={a.pk: f"S{n}" for n, a in enumerate(kim.articles, 1)}, comments=True)
    (entry,) = agreements_section(
        agreements=[agreement], proceedings=proceedings, proceeding_labels=labels, notes=notes
    )
    assert entry["invoked_by"] == ["P2", "P9", "P10"]
    assert entry["provisions"][0]["invoked_by"] == ["P9"]


def test_the_bibliography_keys_sources_as_the_notes_do_and_lists_their_notes(kim):
    a004, a001, a002 = kim.articles
    notes = Footnotes(source_keys={a001.pk: "S1", a004.pk: "S2"}, comments=True)
    notes.cite([citation(1, a004.pk), citation(2, a001.pk), citation(3, a004.pk)])
    sources = bibliography_section(articles=[a001, a004], notes=notes)
    assert [(s["id"], s["title"], s["cited_in"]) for s in sources] == [
        ("S1", "Russia Moves to Send North Korean Refugees Back Home", [2]),
        ("S2", "Russia Refuses Asylum to North Korean Refugee", [1, 3]),
    ]
    first = sources[0]
    assert (first["outlet"], first["authors"], first["published_on"], first["url"]) == (
        "The Moscow Times",
        "Alexey Eremenko",
        "2014-11-14",
        "https://example.org/mt-2014-11-14",
    )
    assert first["text"] == a001.body and first["sha256"] == a001.sha256
    assert first["added_on"] == a001.created_at.date().isoformat()
