import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from apps.agreements.services import agreement_create, provision_add
from apps.cases.services import case_open, fact_record
from apps.people.models import Organization
from apps.people.services import individual_create, organization_create, protected_identity_set
from apps.proceedings.services import proceeding_event_add, proceeding_record
from apps.sources.services import article_create
from apps.tokens.services import api_token_create
from tests.factories import SuperuserFactory, UserFactory

KIM_ARTICLE = (
    "Russia Refuses Asylum to North Korean Refugee\n\n"
    "In the spring of 2013, Kim crossed into Russia in the Amur region and asked border guards for help.\n\n"
    "The Moscow office of the Federal Migration Service refused him temporary asylum, "
    "saying Russia is for him a transit country."
)


@pytest.fixture
def unthrottled(settings):
    """No API throttle: for tests that pin the queries of a view, which the throttle's depend on
    the cache (a few on the database cache, none on Redis)."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": None}}


@pytest.fixture
def admin_api(db):
    client = APIClient()
    client.force_authenticate(SuperuserFactory())
    return client


def client_with_perms(*codenames: str, organization=None) -> APIClient:
    """A client of a user with these permissions, a member of ``organization`` if given."""
    user = UserFactory()
    if organization is not None:
        from apps.access.models import Membership

        Membership.objects.create(user=user, organization=organization)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=[c.split(".")[0] for c in codenames],
            codename__in=[c.split(".")[1] for c in codenames],
        )
    )
    client = APIClient()
    client.force_authenticate(user)
    client.user = user
    return client


@pytest.fixture
def perms_client(db):
    return client_with_perms


@pytest.fixture
def token_client(db):
    def make(scope="write", user=None):
        user = user or SuperuserFactory()
        _record, token = api_token_create(user=user, scope=scope)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture
def kim(db):
    """Kim's case as the seed articles tell it, written through the services."""
    outlet = organization_create(name="The Moscow Times", kind=Organization.Kind.NEWS_OUTLET, country="RU")
    fms = organization_create(
        name="Federal Migration Service", short_name="FMS", kind=Organization.Kind.GOVERNMENT_AGENCY, country="RU"
    )
    memorial = organization_create(name="Memorial", kind=Organization.Kind.NGO, country="RU")
    article = article_create(
        title="Russia Refuses Asylum to North Korean Refugee",
        outlet=outlet,
        body=KIM_ARTICLE,
        published_on=dt.date(2016, 1, 28),
        url="https://news.example.org/kim-refused",
    )
    person = individual_create(
        pseudonym="Kim",
        nationality="KP",
        born="c. 1980",
        status="at_risk",
        aliases=[{"name": "김", "script": "Hang"}, {"name": "Ким", "script": "Cyrl"}],
    )
    protected_identity_set(individual=person, legal_name="Secret Legal Name", phone="+7 000")
    case = case_open(
        title="Kim: asylum in Russia",
        organization=memorial,
        subjects=[person],
        opened_on=dt.date(2013, 6, 1),
        reference="CT-2013-0001",
    )
    crossing = fact_record(
        case=case,
        statement="Kim crossed into Russia in the Amur region.",
        date="spring 2013",
        supports=[{"article": article, "quote": "Kim crossed into Russia in the Amur region"}],
    )
    agreement = agreement_create(
        title="Russia–DPRK readmission agreement", kind="readmission_agreement",
        drafted="2014-09-02", signed="2016-02-02", party_countries=["RU", "KP"],
    )
    provision = provision_add(agreement=agreement, summary="Deportation within 30 days.", time_limit_days=30)
    refusal = proceeding_record(
        case=case,
        kind="temporary_asylum_application",
        authority=fms,
        filed="2015",
        decided="January 2016",
        outcome="refused",
        subject=person,
        provisions=[provision],
        supports=[{"article": article, "quote": "refused him temporary asylum"}],
    )
    appeal = proceeding_record(case=case, kind="appeal", authority=fms, filed="February 2016", appeal_of=refusal)
    event = proceeding_event_add(proceeding=refusal, kind="decision", date="2016-01-27")
    return {
        "outlet": outlet, "fms": fms, "memorial": memorial, "article": article, "person": person,
        "case": case, "fact": crossing, "agreement": agreement, "provision": provision,
        "refusal": refusal, "appeal": appeal, "event": event,
    }
