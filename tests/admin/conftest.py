"""Data for the admin tests: Kim's case, built with the factories (not the seed fixture)."""

import pytest

from apps.people.models import Alias
from tests.factories import (
    AliasFactory,
    ArticleFactory,
    CaseFactory,
    CitationFactory,
    FactFactory,
    IndividualFactory,
    NewsOutletFactory,
    OrganizationFactory,
    ProceedingFactory,
)

KIM_ARTICLE_BODY = (
    "Russia Refuses Asylum to North Korean Refugee\n\n"
    "The Moscow office of the Federal Migration Service refused temporary asylum to a North Korean "
    "refugee known as Kim, saying he is not in danger and that Russia is a transit country for him.\n\n"
    "In the spring of 2013 he crossed into Russia in the Amur region and asked border guards for help."
)


@pytest.fixture
def kim(db):
    kim = IndividualFactory(pseudonym="Kim")
    AliasFactory(
        individual=kim, name="김", script=Alias.Script.HANGUL, transliteration="Revised Romanization"
    )
    AliasFactory(individual=kim, name="Ким", script=Alias.Script.CYRILLIC)
    return kim


@pytest.fixture
def fms(db):
    return OrganizationFactory(name="Federal Migration Service", short_name="FMS", kind="government_agency")


@pytest.fixture
def kim_article(db):
    outlet = NewsOutletFactory(name="The Moscow Times")
    return ArticleFactory(
        title="Russia Refuses Asylum to North Korean Refugee", outlet=outlet, body=KIM_ARTICLE_BODY
    )


@pytest.fixture
def kim_case(kim, fms, kim_article):
    case = CaseFactory(reference="CT-2013-0001", title="Kim: asylum in Russia", subjects=[kim])
    proceeding = ProceedingFactory(case=case, authority=fms, reference_number="FMS-77/2016")
    FactFactory(
        case=case,
        statement="Kim crossed into Russia in the Amur region.",
        citation__article=kim_article,
        citation__quote="he crossed into Russia",
    )
    CitationFactory(fact=None, proceeding=proceeding, article=kim_article, quote="refused temporary asylum")
    return case
