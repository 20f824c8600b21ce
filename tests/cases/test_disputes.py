"""A fact is disputed exactly when another fact of its case contradicts it, both ways."""

import importlib

import pytest
from django.apps import apps as registry
from django.core.exceptions import ValidationError

from apps.cases.models import Fact
from apps.cases.services import (
    fact_delete,
    fact_mark_disputed,
    fact_record,
    fact_update,
    facts_contradict,
)
from tests.factories import CaseFactory, FactFactory

pytestmark = pytest.mark.django_db


def stored(fact: Fact) -> Fact:
    return Fact.objects.get(pk=fact.pk)


def disputed_in_history(fact: Fact) -> list[bool]:
    """``disputed`` in each history row of the fact, oldest first."""
    return list(Fact.history.filter(id=fact.pk).order_by("history_date", "history_id").values_list("disputed", flat=True))


@pytest.fixture
def pair():
    case = CaseFactory()
    return FactFactory(case=case, statement="China returned Kim."), FactFactory(case=case, statement="Kazakhstan did.")


def test_linking_marks_both_disputed_in_their_history_and_moves_both_versions(pair):
    first, second = pair
    versions = stored(first).version, stored(second).version

    fact_update(fact=first, contradicts=[second])

    assert stored(first).disputed and stored(second).disputed
    assert disputed_in_history(first)[-1] is True and disputed_in_history(second)[-1] is True
    assert (stored(first).version, stored(second).version) == (versions[0] + 1, versions[1] + 1)


def test_a_new_fact_that_contradicts_another_marks_both_in_their_history(pair):
    first, _second = pair
    new = fact_record(
        case=first.case, statement="Kim was never in China.", contradicts=[first],
        supports=[{"article": first.citations.get().article, "quote": first.citations.get().quote}],
    )

    assert stored(new).disputed and disputed_in_history(new) == [True]
    assert disputed_in_history(first) == [False, True]


def test_removing_the_last_contradiction_clears_both_in_their_history(pair):
    first, second = pair
    fact_update(fact=first, contradicts=[second])
    versions = stored(first).version, stored(second).version

    fact_update(fact=stored(first), contradicts=[])

    assert not stored(first).disputed and not stored(second).disputed
    assert disputed_in_history(first)[-2:] == [True, False]
    assert disputed_in_history(second)[-2:] == [True, False]
    assert (stored(first).version, stored(second).version) == (versions[0] + 1, versions[1] + 1)


def test_removing_one_of_two_contradictions_keeps_the_fact_disputed(pair):
    first, second = pair
    third = FactFactory(case=first.case)
    fact_update(fact=first, contradicts=[second, third])

    fact_update(fact=stored(first), contradicts=[third])

    assert stored(first).disputed and stored(third).disputed
    assert not stored(second).disputed


def test_unlinking_from_the_other_side_clears_both(pair):
    first, second = pair
    fact_update(fact=first, contradicts=[second])

    fact_update(fact=stored(second), contradicts=[])

    assert not stored(first).disputed and not stored(second).disputed


def test_it_refuses_disputed_false_while_a_contradiction_remains(pair):
    first, second = pair
    fact_update(fact=first, contradicts=[second])
    version = stored(first).version

    with pytest.raises(ValidationError) as refusal:
        fact_update(fact=stored(first), disputed=False)

    assert refusal.value.message_dict == {
        "disputed": [
            f"This fact stays disputed while other facts contradict it (“{stored(second)}”); "
            "unlink them in contradicts to end the dispute."
        ]
    }
    assert stored(first).disputed and stored(first).version == version


def test_it_accepts_disputed_false_together_with_removing_the_links(pair):
    first, second = pair
    fact_update(fact=first, contradicts=[second])

    fact_update(fact=stored(first), disputed=False, contradicts=[])

    assert not stored(first).disputed and not stored(second).disputed


def test_it_refuses_disputed_true_without_a_contradicting_fact(pair):
    first, _second = pair
    message = {
        "disputed": [
            "A fact is disputed when another fact of its case says otherwise: "
            "name that fact in contradicts (both are then marked disputed)."
        ]
    }

    with pytest.raises(ValidationError) as on_update:
        fact_update(fact=first, disputed=True)
    with pytest.raises(ValidationError) as on_record:
        fact_record(case=first.case, statement="Disputed, by nobody.", disputed=True,
                    supports=[{"article": first.citations.get().article, "quote": first.citations.get().quote}])

    assert on_update.value.message_dict == message == on_record.value.message_dict
    assert not stored(first).disputed and first.case.facts.count() == 2


def test_a_new_fact_cannot_be_undisputed_while_it_contradicts_another(pair):
    first, _second = pair
    with pytest.raises(ValidationError) as refusal:
        fact_record(case=first.case, statement="Kim was never in China.", disputed=False, contradicts=[first],
                    supports=[{"article": first.citations.get().article, "quote": first.citations.get().quote}])

    assert list(refusal.value.message_dict) == ["disputed"]
    assert not stored(first).disputed


def test_marking_disputed_needs_the_other_side(pair):
    first, _second = pair
    with pytest.raises(ValidationError) as refusal:
        fact_mark_disputed(fact=first, contradicts=[])

    assert list(refusal.value.message_dict) == ["contradicts"]
    assert not stored(first).disputed


def test_marking_disputed_adds_to_the_links_already_there(pair):
    first, second = pair
    third = FactFactory(case=first.case)
    fact_mark_disputed(fact=first, contradicts=[second])

    fact_mark_disputed(fact=stored(first), contradicts=[third])

    assert set(stored(first).contradicts.all()) == {second, third}
    assert all(stored(fact).disputed for fact in (first, second, third))


def test_facts_contradict_links_every_pair_of_one_case(pair):
    first, second = pair
    third = FactFactory(case=first.case)

    facts_contradict(facts=[first, second, third])

    assert set(stored(third).contradicts.all()) == {first, second}
    assert all(stored(fact).disputed for fact in (first, second, third))


@pytest.mark.parametrize("kind", ["one", "two cases"])
def test_facts_contradict_refuses_one_fact_or_two_cases(pair, kind):
    first, _second = pair
    facts = [first] if kind == "one" else [first, FactFactory()]

    with pytest.raises(ValidationError) as refusal:
        facts_contradict(facts=facts)

    assert list(refusal.value.message_dict) == ["contradicts"]
    assert not Fact.objects.filter(disputed=True).exists()


def test_a_fact_stored_out_of_step_is_mended_by_its_next_change(pair):
    first, _second = pair
    Fact.objects.filter(pk=first.pk).update(disputed=True)  # as a row from before the rule

    fact_update(fact=stored(first), statement="China returned Kim in 2007.")

    assert not stored(first).disputed and disputed_in_history(first)[-1] is False


def test_a_contradicted_fact_is_still_not_deleted(pair):
    first, second = pair
    fact_update(fact=first, contradicts=[second])

    with pytest.raises(ValidationError) as refusal:
        fact_delete(fact=stored(second))

    assert refusal.value.code == "protected" and Fact.objects.filter(pk=second.pk).exists()


def test_the_data_migration_makes_stored_rows_agree_with_their_links(pair):
    first, second = pair
    marked_by_hand = FactFactory(case=first.case)
    fact_update(fact=first, contradicts=[second])
    Fact.objects.filter(pk=second.pk).update(disputed=False)  # linked, not disputed
    Fact.objects.filter(pk=marked_by_hand.pk).update(disputed=True)  # disputed, no link
    versions = {fact.pk: stored(fact).version for fact in (first, second, marked_by_hand)}
    migration = importlib.import_module("apps.cases.migrations.0007_disputed_follows_contradictions")

    migration.disputed_follows_links(registry, None)

    assert stored(second).disputed and not stored(marked_by_hand).disputed
    assert {fact.pk: stored(fact).version for fact in (first, second, marked_by_hand)} == {
        first.pk: versions[first.pk], second.pk: versions[second.pk] + 1, marked_by_hand.pk: versions[marked_by_hand.pk] + 1
    }
    latest = Fact.history.filter(id=marked_by_hand.pk).latest()
    assert (latest.disputed, latest.history_type, latest.history_change_reason) == (False, "~", migration.REASON)
    assert Fact.history.filter(id=second.pk).latest().disputed is True
