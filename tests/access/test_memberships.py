import pytest
from django.urls import reverse

from apps.access.models import Membership
from apps.cases.models import CaseShare
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_supervisor_adds_a_member_to_their_organization(client, supervisor_a, org_a):
    newcomer = UserFactory()
    client.force_login(supervisor_a)
    response = client.post(reverse("admin:access_membership_add"), {"user": newcomer.pk, "organization": org_a.pk})
    assert response.status_code == 302
    assert Membership.objects.filter(user=newcomer, organization=org_a).exists()


def test_a_supervisor_cannot_join_anyone_to_another_organization(client, supervisor_a, org_b):
    client.force_login(supervisor_a)
    response = client.post(reverse("admin:access_membership_add"), {"user": supervisor_a.pk, "organization": org_b.pk})
    assert response.status_code == 200  # the form again, with the error on the field
    assert response.context["adminform"].form.errors["organization"]
    assert not Membership.objects.filter(organization=org_b, user=supervisor_a).exists()


def test_membership_add_refuses_an_organization_the_granter_is_not_in(supervisor_a, org_b):
    from django.core.exceptions import ValidationError

    from apps.access.services import membership_add

    with pytest.raises(ValidationError) as error:
        membership_add(user=UserFactory(), organization=org_b, by=supervisor_a)
    assert error.value.message_dict == {"organization": ["You can only add people to organizations you are a member of."]}


def test_memberships_of_other_organizations_are_not_listed(client, supervisor_a, caseworker_b):
    client.force_login(supervisor_a)
    listing = client.get(reverse("admin:access_membership_changelist"))
    users = {membership.user_id for membership in listing.context["cl"].result_list}
    assert supervisor_a.pk in users and caseworker_b.pk not in users


def test_a_supervisor_shares_a_case_with_a_partner(client, supervisor_a, case_a):
    lawyer = UserFactory()
    client.force_login(supervisor_a)
    response = client.post(
        reverse("admin:cases_caseshare_add"),
        {"case": case_a.pk, "user": lawyer.pk, "reason": "appeal counsel", "expires_on": "2030-01-31"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    share = CaseShare.objects.get(case=case_a, user=lawyer)
    assert share.granted_by == supervisor_a and str(share.expires_on) == "2030-01-31"
