import pytest
from django.core.management import call_command

from apps.agreements.models import Agreement
from apps.cases.services import fact_record
from apps.people.models import Individual, Organization
from apps.sources.ingestion.mentions import article_mentions, mentions_in_text, sentence_bounds
from apps.sources.models import Article
from tests.factories import (
    AgreementFactory,
    AliasFactory,
    ArticleFactory,
    CaseFactory,
    IndividualFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(db):
    call_command("loaddata", "seed", verbosity=0)


def labels(mentions, kind):
    return {mention.label for mention in mentions if mention.kind == kind}


def seed_article(title_start):
    return Article.objects.get(title__startswith=title_start)


def test_the_seed_articles_suggest_kim_the_fms_memorial_and_the_readmission_agreement(seed):
    refusal = article_mentions(article=seed_article("Russia Refuses Asylum"))
    assert "Kim" in labels(refusal, "individual")
    assert "Federal Migration Service (FMS)" in labels(refusal, "organization")
    assert "Federal Migration Service Moscow office (Moscow FMS)" in labels(refusal, "organization")

    november = article_mentions(article=seed_article("Russia Moves to Send"))
    assert "Kim" in labels(november, "individual")
    assert "Memorial" in labels(november, "organization")

    for title in ("Russia, North ink", "Russia Signs Deal"):
        assert "Russia–DPRK readmission agreement" in labels(article_mentions(article=seed_article(title)), "agreement")


def test_every_passage_is_an_exact_slice_of_the_body_that_can_be_cited_as_it_is(seed):
    article = seed_article("Russia Refuses Asylum")
    case = Individual.objects.get(pseudonym="Kim").cases.get()
    for mention in article_mentions(article=article):
        for passage in mention.passages:
            assert article.body[passage.start : passage.end] == passage.matched
            assert article.body[passage.passage_start : passage.passage_end] == passage.passage
            assert passage.passage_start <= passage.start < passage.end <= passage.passage_end
    kim = next(mention for mention in article_mentions(article=article) if mention.label == "Kim")
    passage = kim.passages[0]
    fact = fact_record(
        case=case,
        statement="Kim was named only by his pseudonym.",
        supports=[{"article": article, "quote": passage.passage, "start": passage.passage_start}],
    )
    assert fact.citations.get().quote == passage.passage


def test_a_one_word_pseudonym_is_not_suggested_inside_someone_elses_name():
    kim = IndividualFactory(pseudonym="Kim")
    other = IndividualFactory(pseudonym="Kim Eun-chol")
    body = "North Korean leader Kim Jong Un met envoys. Kim Eun-chol was deported. Kim was fined."
    mentions = mentions_in_text(body, individuals=Individual.objects.prefetch_related("aliases"),
                                organizations=[], agreements=[])
    found = {mention.record: [passage.matched for passage in mention.passages] for mention in mentions}
    assert found == {other: ["Kim Eun-chol"], kim: ["Kim"]}
    assert mentions[0].record == other  # in the order they first appear


def test_aliases_in_other_scripts_are_matched():
    kim = IndividualFactory(pseudonym="Kim")
    AliasFactory(individual=kim, name="Ким", script="Cyrl")
    body = "Ким попросил убежища в России."
    (mention,) = mentions_in_text(body, individuals=Individual.objects.prefetch_related("aliases"),
                                  organizations=[], agreements=[])
    assert mention.record == kim
    assert mention.passages[0].passage == body


def test_organizations_match_by_name_in_any_case_and_by_short_name_exactly():
    fms = OrganizationFactory(name="Federal Migration Service", short_name="FMS")
    un = OrganizationFactory(name="United Nations", short_name="UN")
    body = "The federal migration service refused. The FMS said so. The UNHCR and a unit did not."
    mentions = mentions_in_text(body, individuals=[], organizations=[fms, un], agreements=[])
    assert [(mention.record, len(mention.passages)) for mention in mentions] == [(fms, 2)]


@pytest.fixture
def readmission(db):
    return AgreementFactory(
        title="Agreement on the readmission of persons illegally present",
        short_title="Russia–DPRK readmission agreement",
        kind=Agreement.Kind.READMISSION,
        party_countries=["RU", "KP"],
    )


def test_an_agreement_is_suggested_by_title_or_by_a_sentence_naming_its_parties_and_subject(readmission):
    body = (
        "Russia and North Korea signed a deal on illegal migrants. "
        "Russia signed an agreement with China on illegal trade. "
        "The Russia–DPRK readmission agreement was published."
    )
    (mention,) = mentions_in_text(body, individuals=[], organizations=[], agreements=[readmission])
    assert [passage.matched for passage in mention.passages] == ["deal", "Russia–DPRK readmission agreement"]


def test_an_article_naming_an_agreement_thousands_of_times_is_read_in_linear_time(readmission):
    body = (
        "The Russia–DPRK readmission agreement was published. "
        "Russia and North Korea signed a deal on illegal migrants. "
    ) * 20_000
    # Every sentence used to be checked against every title found (half a minute here); the
    # time is measured by benchmarks/hostile_inputs.py ("scanners"), not asserted.
    (mention,) = mentions_in_text(body, individuals=[], organizations=[], agreements=[readmission])
    assert [passage.matched for passage in mention.passages[:2]] == ["Russia–DPRK readmission agreement", "deal"]
    assert len(mention.passages) == 40_000


def test_sentence_bounds_do_not_stop_at_abbreviations():
    body = "SEOUL, Jan. 29 (UPI) -- The U.S.-based site said so. Next sentence."
    start = body.index("UPI")
    assert body[slice(*sentence_bounds(body, start, start + 3))] == "SEOUL, Jan. 29 (UPI) -- The U.S.-based site said so."


def test_many_mentions_cut_their_passages_from_one_pass_over_the_body(monkeypatch):
    from apps.sources.ingestion import mentions

    kim = IndividualFactory(pseudonym="Kim")
    body = " ".join(f"Kim was questioned on day {day}. He said nothing." for day in range(1, 301))
    passes = []
    finder = mentions.sentence_ends
    monkeypatch.setattr(mentions, "sentence_ends", lambda text: passes.append(1) or finder(text))
    (mention,) = mentions_in_text(body, individuals=[kim], organizations=[], agreements=[])
    assert len(mention.passages) == 300
    assert mention.passages[-1].passage == "Kim was questioned on day 300."
    # One pass for the passages, one for the agreement sentences: not one per mention.
    assert len(passes) <= 2


def test_thousands_of_mentions_take_linear_time_and_a_longer_name_still_wins():
    kim, kim_eun_chol = IndividualFactory(pseudonym="Kim"), IndividualFactory(pseudonym="Kim Eun-chol")
    body = "Kim met Kim Eun-chol. " * 20_000
    # Each name used to be checked against every name claimed before it (a minute here); the
    # time is measured by benchmarks/hostile_inputs.py ("scanners"), not asserted.
    found = mentions_in_text(body, individuals=[kim, kim_eun_chol], organizations=[], agreements=[])
    passages = {mention.record: mention.passages for mention in found}
    assert len(passages[kim]) == len(passages[kim_eun_chol]) == 20_000
    assert {passage.matched for passage in passages[kim]} == {"Kim"}
    assert all(body[passage.start + 3] == " " and body[passage.start + 4] == "m" for passage in passages[kim])


def test_a_user_only_gets_suggestions_they_may_see():
    organization = OrganizationFactory()
    user = UserFactory()
    MembershipFactory(user=user, organization=organization)
    visible = IndividualFactory(pseudonym="Park")
    hidden = IndividualFactory(pseudonym="Lee")
    CaseFactory(organization=organization, subjects=[visible])
    CaseFactory(organization=OrganizationFactory(), subjects=[hidden])
    article = ArticleFactory(body="Park and Lee were both detained.")
    found = {mention.record for mention in article_mentions(article=article, user=user)}
    assert visible in found
    assert hidden not in found
    assert hidden in {mention.record for mention in article_mentions(article=article)}


def test_suggesting_mentions_costs_a_fixed_number_of_queries(seed, django_assert_num_queries):
    article = seed_article("Russia Moves to Send")
    with django_assert_num_queries(5):
        article_mentions(article=article)
    OrganizationFactory.create_batch(5)
    with django_assert_num_queries(5):
        mentions = article_mentions(article=article)
    assert all(isinstance(mention.record, (Individual, Organization, Agreement)) for mention in mentions)


def test_a_mention_serializes_for_the_api(seed):
    mention = next(iter(article_mentions(article=seed_article("Russia Refuses Asylum"))))
    data = mention.as_dict()
    assert set(data) == {"kind", "id", "label", "passages"}
    assert set(data["passages"][0]) == {"matched", "start", "end", "passage", "passage_start", "passage_end"}


def test_the_selector_the_api_calls_gives_the_same_suggestions(seed):
    from apps.sources import selectors

    article = seed_article("Russia Refuses Asylum")
    superuser = UserFactory(is_superuser=True)
    via_selector = selectors.article_mentions(article=article, user=superuser)
    assert [mention.as_dict() for mention in via_selector] == [
        mention.as_dict() for mention in article_mentions(article=article)
    ]
