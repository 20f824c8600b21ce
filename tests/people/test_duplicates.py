"""One person across scripts: candidates, the blind index, merging, and the API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.access.models import AccessLog
from apps.people.duplicates import individual_duplicates
from apps.people.models import DuplicateCandidate, Individual, NameKey
from apps.people.services import (
    alias_add,
    duplicates_refresh,
    individual_create,
    individual_identity_erase,
    individual_merge,
    protected_identity_set,
)
from apps.proceedings.models import Proceeding
from tests.access.conftest import api, member
from tests.factories import CaseFactory, OrganizationFactory, ProceedingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganizationFactory()


@pytest.fixture
def caseworker(org):
    return member(org, "caseworker")


@pytest.fixture
def supervisor(org):
    return member(org, "supervisor")


def person(org, pseudonym, *, aliases=(), **fields):
    individual = individual_create(
        pseudonym=pseudonym, nationality=fields.pop("nationality", "KP"), aliases=aliases, **fields
    )
    CaseFactory(organization=org, subjects=[individual])
    return individual


def test_the_three_spellings_of_kim_eun_chol_are_offered_as_one_person_with_the_reasons(org, caseworker):
    latin = person(org, "Kim Eun-chol")
    cyrillic = person(org, "Ким Ын Чхоль")
    hangul = person(org, "김은철")
    person(org, "Kim Jong-un")  # another Kim: not offered

    for subject, others in (
        (latin, {cyrillic, hangul}),
        (cyrillic, {latin, hangul}),
        (hangul, {latin, cyrillic}),
    ):
        found = individual_duplicates(individual=subject, user=caseworker)
        assert {c.individual for c in found} == others
        for candidate in found:
            assert candidate.score == 0.99
            assert candidate.reasons == [
                {"code": "other_script", "on": ["pseudonym", "pseudonym"]},
                {"code": "same_nationality"},
            ]


def test_the_api_lists_the_candidates_with_score_and_reasons(org, caseworker):
    latin = person(org, "Kim Eun-chol")
    person(org, "Ким Ын Чхоль", aliases=[{"name": "Kim Un-chol"}])

    response = api(caseworker).get(f"/api/v1/individuals/{latin.public_id}/duplicates/")

    assert response.status_code == 200
    [candidate] = response.json()
    assert candidate["pseudonym"] == "Ким Ын Чхоль"
    assert candidate["score"] == 0.99
    assert candidate["reasons"][0]["text"] == "same name in another script (pseudonym ↔ pseudonym)"
    assert candidate["reasons"][1] == {"code": "same_nationality", "text": "same nationality"}


def test_another_organizations_person_is_never_a_candidate(org, caseworker):
    latin = person(org, "Kim Eun-chol")
    person(OrganizationFactory(), "Ким Ын Чхоль")

    assert individual_duplicates(individual=latin, user=caseworker) == []
    assert api(caseworker).get(f"/api/v1/individuals/{latin.public_id}/duplicates/").json() == []


def test_a_legal_name_matches_only_for_who_may_read_it_and_is_never_in_the_reasons(org, caseworker):
    pseudonymous = person(org, "Kim")
    protected_identity_set(individual=pseudonymous, legal_name="Ким Ын Чхоль")
    named = person(org, "Kim Eun-chol")
    legal_partner = member(org, "legal partner")  # sees the people, not their identities

    [candidate] = individual_duplicates(individual=named, user=caseworker)
    assert candidate.individual == pseudonymous
    assert candidate.reasons[0] == {"code": "other_script", "on": ["pseudonym", "legal_name"]}
    assert individual_duplicates(individual=named, user=legal_partner) == []
    body = api(caseworker).get(f"/api/v1/individuals/{named.public_id}/duplicates/").content.decode()
    assert "Ким Ын Чхоль" not in body and "Ын" not in body


def test_the_blind_index_never_holds_a_name_in_clear(org):
    individual = person(org, "Kim Eun-chol", aliases=[{"name": "김은철", "script": "Hang"}])
    protected_identity_set(individual=individual, legal_name="Ким Ын Чхоль")

    with connection.cursor() as cursor:
        cursor.execute("SELECT source, kind, digest FROM people_namekey")
        rows = cursor.fetchall()
    assert {source for source, _kind, _digest in rows} == {"pseudonym", "alias", "legal_name"}
    dump = " ".join(" ".join(row) for row in rows).lower()
    for clear in ("kim", "eun", "chol", "kimuncol", "kmncl", "ким", "김"):
        assert clear not in dump
    assert all(len(digest) == 64 for _source, _kind, digest in rows)


def test_erasure_removes_the_legal_names_keys(org, supervisor):
    individual = person(org, "Kim")
    protected_identity_set(individual=individual, legal_name="Ким Ын Чхоль")
    assert NameKey.objects.filter(individual=individual, source="legal_name").exists()

    individual_identity_erase(individual=individual, by=supervisor, reason="Asked to")

    assert not NameKey.objects.filter(individual=individual, source="legal_name").exists()


def test_merge_moves_aliases_cases_and_proceedings_appends_history_and_leaves_a_redirect(org, supervisor):
    survivor = person(org, "Kim Eun-chol", aliases=[{"name": "김은철", "script": "Hang"}])
    merged = individual_create(
        pseudonym="Ким Ын Чхоль", aliases=[{"name": "Kim Un-chol"}, {"name": "김은철", "script": "Hang"}]
    )
    case = CaseFactory(organization=org, subjects=[merged])
    proceeding = ProceedingFactory(case=case, subject=merged)
    survivor_history, merged_history = survivor.history.count(), merged.history.count()

    individual_merge(survivor=survivor, merged=merged, by=supervisor)

    assert sorted(survivor.aliases.values_list("name", flat=True)) == [
        "Kim Un-chol",
        "Ким Ын Чхоль",
        "김은철",
    ]
    assert list(case.subjects.all()) == [survivor]
    assert Proceeding.objects.get(pk=proceeding.pk).subject == survivor
    merged.refresh_from_db()
    assert merged.merged_into == survivor
    assert survivor.history.count() > survivor_history
    assert merged.history.count() == merged_history + 1
    assert merged.history.first().history_change_reason == f"Merged into {survivor.public_id}"
    assert not NameKey.objects.filter(individual=merged).exists()
    entry = AccessLog.objects.get(action="merge_individuals")
    assert entry.detail == {"merged": str(merged.public_id), "survivor": str(survivor.public_id)}


def test_merge_refuses_itself_chains_and_users_without_the_permission(org, supervisor, caseworker):
    first, second, third = person(org, "Kim Eun-chol"), person(org, "Ким Ын Чхоль"), person(org, "김은철")
    with pytest.raises(ValidationError):
        individual_merge(survivor=first, merged=first, by=supervisor)
    with pytest.raises(PermissionDenied):
        individual_merge(survivor=first, merged=second, by=caseworker)
    individual_merge(survivor=first, merged=second, by=supervisor)
    with pytest.raises(ValidationError):
        individual_merge(survivor=third, merged=second, by=supervisor)  # already a redirect
    with pytest.raises(ValidationError):
        individual_merge(survivor=second, merged=third, by=supervisor)


def test_merge_refuses_a_record_in_another_organizations_case(org, supervisor):
    mine = person(org, "Kim Eun-chol")
    theirs = person(OrganizationFactory(), "Ким Ын Чхоль")
    with pytest.raises(PermissionDenied):
        individual_merge(survivor=mine, merged=theirs, by=supervisor)
    assert Individual.objects.get(pk=theirs.pk).merged_into is None


def test_the_api_merges_redirects_reads_and_refuses_writes_of_the_merged_record(org, supervisor):
    survivor, merged = person(org, "Kim Eun-chol"), person(org, "Ким Ын Чхоль")
    client = api(supervisor)

    response = client.post(
        f"/api/v1/individuals/{survivor.public_id}/merge/", {"merged": str(merged.public_id)}, format="json"
    )
    assert response.status_code == 200
    assert "Ким Ын Чхоль" in [alias["name"] for alias in response.json()["aliases"]]

    read = client.get(f"/api/v1/individuals/{merged.public_id}/")
    assert read.status_code == 308
    assert read["Location"].endswith(f"/api/v1/individuals/{survivor.public_id}/")
    assert read.json()["survivor"] == str(survivor.public_id)
    write = client.patch(f"/api/v1/individuals/{merged.public_id}/", {"summary": "x"}, format="json")
    assert write.status_code == 409
    assert write["Content-Type"] == "application/problem+json"
    listed = [row["id"] for row in client.get("/api/v1/individuals/").json()["results"]]
    assert str(merged.public_id) not in listed

    again = client.post(
        f"/api/v1/individuals/{survivor.public_id}/merge/", {"merged": str(survivor.public_id)}, format="json"
    )
    assert again.status_code == 400
    assert again["Content-Type"] == "application/problem+json"
    assert list(again.json()["errors"]) == ["merged"]


def test_the_api_refuses_a_merge_without_the_permission(org, caseworker):
    survivor, merged = person(org, "Kim Eun-chol"), person(org, "Ким Ын Чхоль")
    response = api(caseworker).post(
        f"/api/v1/individuals/{survivor.public_id}/merge/", {"merged": str(merged.public_id)}, format="json"
    )
    assert response.status_code == 403
    assert Individual.objects.get(pk=merged.pk).merged_into is None


def test_the_review_list_is_refreshed_and_a_dismissed_pair_is_not_offered_again(org, caseworker):
    latin, cyrillic = person(org, "Kim Eun-chol"), person(org, "Ким Ын Чхоль")
    [pair] = duplicates_refresh(individual=cyrillic)
    assert (pair.first, pair.second, pair.status) == (latin, cyrillic, "open")

    pair.status = DuplicateCandidate.Status.DISMISSED
    pair.save()

    assert individual_duplicates(individual=latin, user=caseworker) == []


def test_an_alias_added_later_makes_a_candidate(org, caseworker):
    kim, other = person(org, "Kim"), person(org, "Someone")
    assert individual_duplicates(individual=kim, user=caseworker) == []
    alias_add(individual=other, name="Kim")
    assert [c.individual for c in individual_duplicates(individual=kim, user=caseworker)] == [other]


def test_a_different_birth_year_keeps_a_same_script_spelling_out(org, caseworker):
    from apps.core.partial_dates import PartialDate

    first = person(org, "Kim Eun-chol", born=PartialDate.parse("1980"))
    person(org, "Kim Ŭn-ch'ŏl", born=PartialDate.parse("1961"))
    assert individual_duplicates(individual=first, user=caseworker) == []


def test_the_duplicates_endpoint_runs_in_a_fixed_number_of_queries(org, caseworker):
    subject = person(org, "Kim Eun-chol")
    client = api(caseworker)
    client.get(f"/api/v1/individuals/{subject.public_id}/duplicates/")  # the session's own first reads
    counts = []
    for extra in range(1, 4):
        person(org, "Ким Ын Чхоль", aliases=[{"name": f"Kim Un-chol {extra}"}])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/individuals/{subject.public_id}/duplicates/").status_code == 200
        counts.append(len(queries))
    assert counts == [counts[0]] * 3
    assert counts[0] == 14


def test_a_new_record_of_the_seeds_kim_eun_chol_is_offered_the_seeded_one_after_the_rebuild(superuser):
    from django.core.management import call_command

    call_command("loaddata", "seed", verbosity=0)
    call_command("name_index_rebuild", verbosity=0)
    seeded = Individual.objects.get(pseudonym="Kim Eun-chol")

    for spelling in ("Ким Ын Чхоль", "Kim Eun-chol", "김은철"):
        new = individual_create(pseudonym=spelling, nationality="KP")
        [candidate] = [c for c in individual_duplicates(individual=new, user=superuser) if c.individual == seeded]
        assert candidate.reasons[-1] == {"code": "same_nationality"}
        assert candidate.score >= 0.99
