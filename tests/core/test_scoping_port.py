"""apps.core.scoping, the port: one rule per model, dispatched; nothing for who is not signed in."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied

from apps.access.models import AccessLog
from apps.cases.models import Case
from apps.core import scoping
from apps.people.models import Organization
from tests.factories import (
    AccessLogFactory,
    AgreementFactory,
    AliasFactory,
    ArticleFactory,
    CalendarFeedFactory,
    CaseFactory,
    CaseNoteFactory,
    CaseShareFactory,
    CaseTaskFactory,
    ClosureFactory,
    DateReadingFactory,
    DeadlineFactory,
    DeadlineReminderFactory,
    DeadlineRuleFactory,
    DocumentFactory,
    FactFactory,
    JobFactory,
    MembershipFactory,
    ProceedingEventFactory,
    ProceedingFactory,
    ProtectedIdentityFactory,
    ProvisionFactory,
    SuperuserFactory,
    UserFactory,
    WebhookDeliveryFactory,
    WebhookSubscriptionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(monkeypatch):
    """The registry as the apps left it, in a copy this test may add to."""
    copy = dict(scoping._RULES)
    monkeypatch.setattr(scoping, "_RULES", copy)
    return copy


@pytest.fixture
def member(db):
    """An active caseworker of one organization."""
    return MembershipFactory().user


def test_registering_a_second_rule_for_a_model_raises_lookup_error_and_keeps_the_first(rules, member):
    first = rules[Case]
    with pytest.raises(LookupError, match="cases.Case already has a visibility rule"):
        scoping.register(Case, visible=lambda user: Case.objects.all())
    assert rules[Case] is first


def test_a_newly_registered_model_cannot_be_registered_again(rules):
    scoping.register(Group, visible=scoping.everyone_active(Group))
    with pytest.raises(LookupError):
        scoping.register(Group, visible=scoping.everyone_active(Group))


def test_a_model_with_no_rule_raises_lookup_error_for_an_ordinary_user(member):
    Group.objects.create(name="Unscoped")
    assert not scoping.is_scoped(Group)
    with pytest.raises(LookupError, match="No visibility rule for auth.Group"):
        scoping.visible(Group, member)
    with pytest.raises(LookupError):
        scoping.writable(Group, member)
    with pytest.raises(LookupError):
        scoping.scoped(Group.objects.all(), member)


def test_a_superuser_needs_no_rule_to_see_a_model(db):
    group = Group.objects.create(name="Unscoped")
    seen = set(scoping.visible(Group, SuperuserFactory()))
    assert group in seen and seen == set(Group.objects.all())


def test_writable_defaults_to_visible_when_a_rule_gives_no_writable(rules, member):
    group = Group.objects.create(name="Reference")
    scoping.register(Group, visible=lambda user: Group.objects.filter(name="Reference"))
    assert list(scoping.writable(Group, member)) == [group]
    assert list(scoping.writable(Group, AnonymousUser())) == []


def world():
    """At least one record of every scoped model, around one case and its organization."""
    case = CaseFactory()
    ProceedingEventFactory(proceeding=ProceedingFactory(case=case, subject=case.subjects.get()))
    ProtectedIdentityFactory(individual=case.subjects.get())
    AliasFactory(individual=case.subjects.get())
    FactFactory(case=case)
    ProvisionFactory(agreement=AgreementFactory())
    ArticleFactory()
    share = CaseShareFactory(case=case)
    AccessLogFactory(case=case)
    JobFactory(case=case)
    DeadlineReminderFactory(deadline=DeadlineFactory(case=case))
    DeadlineRuleFactory()
    ClosureFactory(organization=case.organization)
    CalendarFeedFactory()
    CaseNoteFactory(case=case)
    CaseTaskFactory(case=case)
    DateReadingFactory()
    DocumentFactory(case=case, extract=False)
    WebhookDeliveryFactory(subscription=WebhookSubscriptionFactory(organization=case.organization))
    return case, share


@pytest.mark.parametrize("who", ["anonymous", "inactive member", "inactive superuser"])
def test_nobody_signed_out_or_inactive_sees_or_may_attach_to_any_scoped_model(who):
    case, share = world()
    user = {
        "anonymous": AnonymousUser,
        "inactive member": lambda: MembershipFactory(
            organization=case.organization, user=UserFactory(is_active=False)
        ).user,
        "inactive superuser": lambda: SuperuserFactory(is_active=False),
    }[who]()
    if who == "inactive member":
        CaseShareFactory(case=CaseFactory(), user=user)
    models = sorted(scoping._RULES, key=lambda model: model._meta.label)
    # Every scoped model has a row here, so an empty answer is the rule and not an empty table.
    assert [model._meta.label for model in models if not model._default_manager.exists()] == []
    assert [model._meta.label for model in models if scoping.visible(model, user).exists()] == []
    assert [model._meta.label for model in models if scoping.writable(model, user).exists()] == []
    assert not scoping.can_write(user, case)
    assert not scoping.can_write(user, share)


def test_an_active_member_sees_their_case_where_an_inactive_one_sees_nothing():
    # The counterpart of the test above: the same world is visible to an active member.
    case, _share = world()
    user = MembershipFactory(organization=case.organization).user
    assert list(scoping.visible(Case, user)) == [case]


def test_can_write_defaults_to_yes_without_a_rule_or_without_a_can_write(member):
    group = Group.objects.create(name="Unscoped")
    organization = Organization.objects.create(name="Federal Migration Service", kind="government_agency")
    assert scoping._RULES[Organization].can_write is None
    assert scoping.can_write(member, group)
    assert scoping.can_write(member, organization)
    scoping.check_can_write(member, organization)


def test_can_write_is_no_for_anonymous_and_inactive_users_whatever_the_rule(db):
    organization = Organization.objects.create(name="Federal Migration Service", kind="government_agency")
    for user in (AnonymousUser(), UserFactory(is_active=False), SuperuserFactory(is_active=False)):
        assert not scoping.can_write(user, organization)
        with pytest.raises(PermissionDenied):
            scoping.check_can_write(user, organization)


def test_a_rules_can_write_decides_for_ordinary_users_and_never_for_superusers(member):
    entry = AccessLogFactory()
    assert isinstance(entry, AccessLog)
    assert not scoping.can_write(member, entry)
    assert not scoping.can_write(entry.user, entry)  # append-only, even for who it is about
    assert scoping.can_write(SuperuserFactory(), entry)


def test_the_holding_organization_defaults_to_none(db):
    group = Group.objects.create(name="Unscoped")
    case = CaseFactory()
    assert scoping.organization_holding(group) is None
    assert scoping.organization_holding(None) is None
    assert scoping.organization_holding(case) == case.organization
    assert scoping.organization_ids_holding([group]) == {group.pk: None}
    assert scoping.organization_ids_holding([case]) == {case.pk: case.organization_id}
    assert scoping.organization_ids_holding([]) == {}
