import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from apps.access import scoping as access_scoping
from apps.cases import scoping as case_scoping
from apps.cases.models import Case, CaseShare, Fact
from apps.core import scoping
from apps.people.models import Individual, ProtectedIdentity
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.sources.models import Article, Citation
from tests.access.conftest import member
from tests.factories import (
    CitationFactory,
    FactFactory,
    IndividualFactory,
    ProceedingEventFactory,
    ProceedingFactory,
    ProtectedIdentityFactory,
    ProvisionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_member_sees_only_their_organizations_cases(case_a, case_b, caseworker_a, caseworker_b):
    assert list(scoping.visible(Case, caseworker_a)) == [case_a]
    assert list(scoping.visible(Case, caseworker_b)) == [case_b]


def test_a_member_of_two_organizations_sees_both_without_duplicates(case_a, case_b, org_a, org_b):
    user = member(org_a, "caseworker")
    user.memberships.create(organization=org_b)
    CaseShare.objects.create(case=case_a, user=user, reason="also shared")
    assert sorted(scoping.visible(Case, user), key=lambda c: c.pk) == [case_a, case_b]


def test_a_superuser_sees_every_case(case_a, case_b, superuser):
    assert set(scoping.visible(Case, superuser)) == {case_a, case_b}


@pytest.mark.parametrize("who", ["anonymous", "inactive", "no membership"])
def test_it_shows_nothing_to_anonymous_inactive_or_unaffiliated_users(who, case_a, org_a):
    user = {
        "anonymous": lambda: AnonymousUser(),
        "inactive": lambda: member(org_a, "caseworker", is_active=False),
        "no membership": lambda: UserFactory(),
    }[who]()
    assert not scoping.visible(Case, user).exists()
    assert not scoping.visible(Fact, user).exists()
    assert not scoping.visible(ProtectedIdentity, user).exists()


def test_a_shared_case_is_visible_to_the_partner_but_not_writable(case_a, case_b, legal_partner):
    assert list(scoping.visible(Case, legal_partner)) == [case_a]
    assert not case_scoping.writable_cases(legal_partner).exists()
    with pytest.raises(PermissionDenied):
        case_scoping.check_can_write_to_case(legal_partner, case_a)


def test_an_expired_share_no_longer_shows_the_case(case_a, legal_partner):
    CaseShare.objects.filter(user=legal_partner).update(expires_on=dt.date.today() - dt.timedelta(days=1))
    assert not scoping.visible(Case, legal_partner).exists()
    CaseShare.objects.filter(user=legal_partner).update(expires_on=dt.date.today())
    assert scoping.visible(Case, legal_partner).exists()


def test_records_of_a_case_follow_its_visibility(case_a, case_b, caseworker_a):
    fact_a, _fact_b = FactFactory(case=case_a), FactFactory(case=case_b)
    proceeding_a, proceeding_b = ProceedingFactory(case=case_a), ProceedingFactory(case=case_b)
    event_a, _event_b = ProceedingEventFactory(proceeding=proceeding_a), ProceedingEventFactory(proceeding=proceeding_b)
    of_proceeding_a = CitationFactory(fact=None, proceeding=proceeding_a)
    CitationFactory(fact=None, proceeding=proceeding_b)
    provision_citation = CitationFactory(fact=None, provision=ProvisionFactory())

    assert list(scoping.visible(Fact, caseworker_a)) == [fact_a]
    assert list(scoping.visible(Proceeding, caseworker_a)) == [proceeding_a]
    assert list(scoping.visible(ProceedingEvent, caseworker_a)) == [event_a]
    # Each fact comes with its citation; only case A's fact's and proceeding's are visible.
    assert set(scoping.visible(Citation, caseworker_a)) == {fact_a.citations.get(), of_proceeding_a, provision_citation}


def recorded_by(user, **fields):
    """An individual in no case yet, recorded by ``user`` (as the admin or the API would)."""
    individual = IndividualFactory.build(**fields)
    individual._history_user = user
    individual.save()
    return individual


def test_individuals_and_identities_follow_their_cases(case_a, case_b, caseworker_a):
    subject_a, subject_b = case_a.subjects.get(), case_b.subjects.get()
    identity_a = ProtectedIdentityFactory(individual=subject_a)
    ProtectedIdentityFactory(individual=subject_b)

    assert set(scoping.visible(Individual, caseworker_a)) == {subject_a}
    assert list(scoping.visible(ProtectedIdentity, caseworker_a)) == [identity_a]
    assert subject_b not in scoping.visible(Individual, caseworker_a)


def test_someone_in_no_case_yet_is_visible_only_to_who_recorded_them(case_a, caseworker_a, org_a):
    mine = recorded_by(caseworker_a)
    identity = ProtectedIdentityFactory(individual=mine)
    colleague = member(org_a, "caseworker")
    recorded_by(colleague)
    nobodys = IndividualFactory()  # e.g. loaded by a command

    assert set(scoping.visible(Individual, caseworker_a)) == {case_a.subjects.get(), mine, nobodys}
    assert identity in scoping.visible(ProtectedIdentity, caseworker_a)
    assert mine not in scoping.visible(Individual, colleague)
    assert scoping.can_write(caseworker_a, mine) and not scoping.can_write(colleague, mine)
    # Imported by no one in particular: any member may attach them, but not read their identity.
    ProtectedIdentityFactory(individual=nobodys)
    assert nobodys in scoping.visible(Individual, colleague)
    assert not scoping.visible(ProtectedIdentity, colleague).filter(individual=nobodys).exists()
    assert nobodys not in scoping.visible(Individual, UserFactory())

    # Once in a case, the case decides: the whole organization sees them.
    case_a.subjects.add(mine)
    assert mine in scoping.visible(Individual, colleague)


def test_shared_reference_material_is_visible_to_any_active_user(case_b, caseworker_a):
    article = FactFactory(case=case_b).citations.get().article
    assert article in scoping.visible(Article, caseworker_a)
    assert not scoping.visible(Article, AnonymousUser()).exists()


def test_it_refuses_writes_into_a_foreign_organization(org_a, org_b, caseworker_a, superuser):
    access_scoping.check_can_write_to_organization(caseworker_a, org_a)
    access_scoping.check_can_write_to_organization(superuser, org_b)
    with pytest.raises(PermissionDenied):
        access_scoping.check_can_write_to_organization(caseworker_a, org_b)
    with pytest.raises(PermissionDenied):
        access_scoping.check_can_write_to_organization(caseworker_a, None)


def test_can_write_follows_the_holding_organization(case_a, case_b, caseworker_a):
    assert scoping.can_write(caseworker_a, FactFactory(case=case_a))
    assert not scoping.can_write(caseworker_a, FactFactory(case=case_b))
    assert not scoping.can_write(caseworker_a, case_b.subjects.get())
    assert not scoping.can_write(caseworker_a, recorded_by(UserFactory()))


def test_each_selector_costs_one_query(case_a, caseworker_a, django_assert_num_queries):
    FactFactory(case=case_a)
    for model in (Case, Fact, Individual, Citation, ProceedingEvent, ProtectedIdentity):
        with django_assert_num_queries(1):
            list(scoping.visible(model, caseworker_a))


def test_visible_dispatches_by_model(case_a, caseworker_a):
    assert list(scoping.visible(Case, caseworker_a)) == [case_a]
    with pytest.raises(LookupError):
        scoping.visible(UserFactory._meta.model, caseworker_a)


def test_scoped_narrows_a_selector_queryset_and_keeps_its_joins(case_a, case_b, caseworker_a, superuser):
    queryset = Case.objects.select_related("organization")
    assert list(scoping.scoped(queryset, caseworker_a)) == [case_a]
    assert set(scoping.scoped(queryset, superuser)) == {case_a, case_b}
    assert scoping.scoped(queryset, caseworker_a).query.select_related == {"organization": {}}
