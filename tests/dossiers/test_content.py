"""The dossier content: one selector, everything a reader needs, nothing a level forbids."""

import datetime as dt
import json

import pytest

from apps.dossiers.selectors import canonical_json, content_digest, dossier_content
from tests.dossiers.conftest import CASEWORKER_NAME, INTERNAL_STATEMENT, SECRET


def _everything(content) -> str:
    return json.dumps(content, ensure_ascii=False, default=str)


def test_it_lists_the_timeline_in_date_order_with_dates_as_people_write_them(kim):
    content = dossier_content(case=kim.case, level="full")
    assert [(f["id"], f["date"]["text"]) for f in content["timeline"]] == [
        ("F1", "1997"),
        ("F2", "c. 2007"),
        ("F3", "c. 2007"),
        ("F4", "spring 2013"),
        ("F5", "January 2016"),
    ]
    assert content["timeline"][3]["date"]["iso"] == "2013-spring"


def test_it_quotes_every_citation_in_numbered_notes_in_reading_order(kim):
    content = dossier_content(case=kim.case, level="full")
    notes = [c["note"] for f in content["timeline"] for c in f["citations"]]
    notes += [c["note"] for p in content["proceedings"] for c in p["citations"]]
    notes += [c["note"] for a in content["agreements"] for p in a["provisions"] for c in p["citations"]]
    assert notes == list(range(1, 9))
    crossing = content["timeline"][3]
    assert crossing["citations"][0]["quote"] == "In the spring of 2013, he crossed the Russian border"


def test_it_marks_disputed_facts_with_the_other_sides_notes(kim):
    content = dossier_content(case=kim.case, level="full")
    china, kazakhstan = content["timeline"][1], content["timeline"][2]
    assert china["disputed"] and kazakhstan["disputed"]
    assert china["contradicted_by"] == ["F3"] and kazakhstan["contradicted_by"] == ["F2"]
    assert china["contradicting_notes"] == [kazakhstan["citations"][0]["note"]]
    assert not content["timeline"][0]["disputed"]


def test_it_tables_proceedings_with_the_appeal_chain(kim):
    proceedings = dossier_content(case=kim.case, level="legal")["proceedings"]
    rows = [
        (p["id"], p["kind_display"], p["filed"] and p["filed"]["text"], p["decided"]["text"], p["outcome"])
        for p in proceedings
    ]
    assert rows == [
        ("P1", "Refugee-status application", "2013", "2014", "refused"),
        ("P2", "Appeal", "2014", "November 2014", "overturned"),
        ("P3", "Temporary-asylum application", None, "January 2016", "refused"),
    ]
    assert proceedings[1]["appeal_chain"] == ["P1"] and proceedings[0]["appealed_by"] == ["P2"]
    assert proceedings[2]["events"][0]["date"]["text"] == "27 Jan 2016"


def test_it_includes_the_agreements_and_provisions_the_proceedings_invoke(kim):
    (agreement,) = dossier_content(case=kim.case, level="legal")["agreements"]
    assert agreement["short_title"] == "Russia–DPRK readmission agreement"
    assert [m["date"]["text"] for m in agreement["milestones"]] == ["2 Sep 2014", "2 Feb 2016"]
    (provision,) = agreement["provisions"]
    assert provision["invoked_by"] == ["P3"] and provision["time_limit_days"] == 30
    assert provision["citations"][0]["quote"] == "deported within 30 days of a repatriation request"


def test_its_bibliography_lists_each_quoted_source_once_with_its_hash(kim):
    content = dossier_content(case=kim.case, level="full")
    sources = content["sources"]
    assert [s["title"] for s in sources] == [
        a.title for a in sorted(kim.articles, key=lambda a: a.published_on)
    ]
    assert {s["sha256"] for s in sources} == {a.sha256 for a in kim.articles}
    assert content["cover"]["source_count"] == 3
    assert sources[1]["authors"] == "Alexey Eremenko"


@pytest.mark.parametrize("level", ["full", "legal", "public"])
def test_it_shows_the_protected_identity_only_at_full(kim, level):
    text = _everything(dossier_content(case=kim.case, level=level))
    for value in (SECRET["legal_name"], SECRET["phone"], SECRET["email"], SECRET["address"], "1979-03-17"):
        assert (value in text) is (level == "full"), value


@pytest.mark.parametrize("level", ["full", "legal", "public"])
def test_public_leaves_out_caseworkers_internal_facts_and_file_numbers(kim, level):
    content = dossier_content(case=kim.case, level=level, generated_by=CASEWORKER_NAME)
    text = _everything(content)
    shown = level != "public"
    assert (CASEWORKER_NAME in text) is shown
    assert (INTERNAL_STATEMENT in text) is shown
    assert ("FMS-77-SECRET-FILE" in text) is shown
    # The source only the internal fact quotes goes with it; the provision still quotes it.
    assert content["cover"]["fact_count"] == (5 if shown else 4)


def test_the_digest_depends_on_the_data_not_on_who_or_when(kim):
    first = dossier_content(
        case=kim.case, level="legal", generated_by="A", generated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    second = dossier_content(case=kim.case, level="legal", generated_by="B")
    assert first["cover"]["digest"] == second["cover"]["digest"] == content_digest(first)
    kim.facts["fled"].statement = "Kim left North Korea aged 17."
    kim.facts["fled"].save()
    assert dossier_content(case=kim.case, level="legal")["cover"]["digest"] != first["cover"]["digest"]


def test_the_digest_differs_between_levels(kim):
    digests = {
        dossier_content(case=kim.case, level=level)["cover"]["digest"]
        for level in ("full", "legal", "public")
    }
    assert len(digests) == 3


def test_without_a_time_it_is_dated_by_the_latest_change_of_the_data(kim):
    content = dossier_content(case=kim.case, level="public")
    assert content["cover"]["generated_at"] == content["cover"]["data_as_of"]
    assert dt.datetime.fromisoformat(content["cover"]["data_as_of"]) <= dt.datetime.now(dt.UTC)
    assert canonical_json(content) == canonical_json(dossier_content(case=kim.case, level="public"))


@pytest.mark.parametrize(("level", "queries"), [("full", 17), ("legal", 17), ("public", 15)])
def test_it_reads_the_case_in_a_fixed_number_of_queries(kim, level, queries, django_assert_num_queries):
    # case, subjects (joined with their identity at full), facts, fact citations,
    # contradictions, proceedings, events, proceeding citations, agreements, provisions,
    # agreements of the case, their provisions, provision citations, the date readings of
    # proceedings and of agreements (their quotes: one more when there are any); aliases and
    # caseworkers except at public. More facts or sources add no query.
    with django_assert_num_queries(queries):
        dossier_content(case=kim.case, level=level)


def test_more_facts_and_sources_add_no_query(kim, django_assert_num_queries):
    from tests.factories import FactFactory

    for _ in range(5):
        FactFactory(case=kim.case)  # each with its citation of a new article
    with django_assert_num_queries(17):
        content = dossier_content(case=kim.case, level="legal")
    assert content["cover"]["fact_count"] == 10 and content["cover"]["source_count"] == 8
