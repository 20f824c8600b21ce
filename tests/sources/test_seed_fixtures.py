import hashlib
import io
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.agreements.models import Agreement, Provision
from apps.cases.models import Case, Fact
from apps.people.models import Individual, Organization, ProtectedIdentity
from apps.proceedings.models import Proceeding
from apps.sources.models import Article, Citation
from apps.sources.normal_form import body_sha256
from apps.workspace.seed import build_seed_fixture

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SPEC = FIXTURES / "seed_spec.yaml"
SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are not on this machine")


@pytest.fixture
def seed(db):
    call_command("loaddata", "seed", verbosity=0)


@pytest.fixture
def kim_case(seed):
    return Case.objects.get(reference="CT-2013-0001")


def fact_saying(case, words):
    return case.facts.get(statement__contains=words)


def test_the_fixture_is_found_by_name_and_loads(seed):
    assert Article.objects.count() == 5
    assert set(Individual.objects.values_list("pseudonym", flat=True)) == {"Kim", "Kim Eun-chol"}
    assert set(Case.objects.values_list("reference", flat=True)) == {"CT-2013-0001", "CT-2014-0001"}


def test_every_fact_has_a_citation(seed):
    assert Fact.objects.count() > 10
    assert not Fact.objects.filter(citations__isnull=True).exists()


def test_every_proceeding_and_provision_it_quotes_is_cited(seed):
    assert not Proceeding.objects.filter(citations__isnull=True).exists()
    assert Provision.objects.filter(citations__isnull=False).count() == Provision.objects.count()


def test_every_citation_quote_is_found_at_its_offsets(seed):
    citations = list(Citation.objects.select_related("article"))
    assert len(citations) > 40
    for citation in citations:
        assert citation.article.body[citation.start : citation.end] == citation.quote


def test_the_five_articles_hash_their_bodies(seed):
    for article in Article.objects.all():
        assert article.sha256 == body_sha256(article.body)
        assert article.sha256 == hashlib.sha256(article.body.encode("utf-8")).hexdigest()
        assert article.raw_text != article.body
        assert article.url.startswith("https://")


def test_kims_case_has_his_proceedings_and_the_appeal_chain(kim_case):
    kinds = set(kim_case.proceedings.values_list("kind", flat=True))
    assert kim_case.proceedings.count() >= 3
    assert {
        Proceeding.Kind.DETENTION,
        Proceeding.Kind.ADMINISTRATIVE_OFFENCE,
        Proceeding.Kind.REFUGEE_STATUS,
        Proceeding.Kind.APPEAL,
        Proceeding.Kind.TEMPORARY_ASYLUM,
    } <= kinds
    appeal = kim_case.proceedings.get(kind=Proceeding.Kind.APPEAL)
    assert appeal.outcome == Proceeding.Outcome.OVERTURNED
    assert appeal.appeal_of.kind == Proceeding.Kind.REFUGEE_STATUS
    assert str(appeal.decided) == "November 2014"
    refusal = kim_case.proceedings.get(kind=Proceeding.Kind.TEMPORARY_ASYLUM)
    assert refusal.authority.short_name == "Moscow FMS"
    assert refusal.authority.parent.short_name == "FMS"
    assert refusal.outcome == Proceeding.Outcome.REFUSED
    assert str(refusal.decided) == "January 2016"
    assert refusal.events.exists()


def test_who_returned_kim_from_the_kazakhstan_border_is_disputed_both_ways(kim_case):
    chinese = fact_saying(kim_case, "Chinese military")
    kazakh = fact_saying(kim_case, "Kazakhstan repatriated")
    assert chinese.disputed and kazakh.disputed
    assert list(chinese.contradicts.all()) == [kazakh]
    assert list(kazakh.contradicts.all()) == [chinese]
    assert chinese.citations.get().article.published_on.isoformat() == "2016-01-28"
    assert kazakh.citations.get().article.published_on.isoformat() == "2014-11-14"


def test_when_the_agreement_was_finalized_is_disputed_both_ways(kim_case):
    finalized = fact_saying(kim_case, "finalized (signed) in September 2014")
    signed = fact_saying(kim_case, "signed in February 2016")
    assert finalized.disputed and signed.disputed
    assert signed in finalized.contradicts.all()
    assert finalized in signed.contradicts.all()
    assert str(finalized.date) == "September 2014"
    assert str(signed.date) == "February 2016"


def test_the_readmission_agreement_has_its_dates_and_the_thirty_day_limit(seed):
    agreement = Agreement.objects.get(short_title="Russia–DPRK readmission agreement")
    assert str(agreement.drafted) == "2 Sep 2014"
    assert str(agreement.signed) == "February 2016"
    assert agreement.provisions.count() >= 5
    assert agreement.provisions.filter(time_limit_days=30).count() == 1
    assert set(Agreement.objects.values_list("kind", flat=True)) >= {
        Agreement.Kind.READMISSION,
        Agreement.Kind.EXTRADITION,
        Agreement.Kind.PROTOCOL,
        Agreement.Kind.CONVENTION,
    }


def test_kim_eun_chol_has_his_refusal_and_deportation(seed):
    case = Case.objects.get(reference="CT-2014-0001")
    assert set(case.proceedings.values_list("kind", "outcome")) == {
        (Proceeding.Kind.REFUGEE_STATUS, Proceeding.Outcome.REFUSED),
        (Proceeding.Kind.DEPORTATION_ORDER, Proceeding.Outcome.EXECUTED),
    }


def test_the_seed_holds_no_protected_identity_and_only_names_the_sources_give(seed):
    assert not ProtectedIdentity.objects.exists()
    kim = Individual.objects.get(pseudonym="Kim")
    assert set(kim.aliases.values_list("name", flat=True)) == {"김", "Ким"}
    assert str(kim.born) == "c. 1980"
    assert kim.nationality == "KP"


def test_the_organizations_include_every_outlet_and_authority_named(seed):
    names = set(Organization.objects.values_list("name", flat=True))
    for name in ("Memorial", "Civic Assistance Committee", "RBC", "Yonhap News Agency", "Korean Central News Agency",
                 "NK News", "Chosun Ilbo", "Ekho Moskvy", "Kookmin University", "The Moscow Times"):
        assert name in names


# -- the builder -------------------------------------------------------------------------------


@needs_seeds
def test_the_builder_is_reproducible_and_matches_the_committed_fixture():
    first = build_seed_fixture(seeds_dir=SEEDS, spec_path=SPEC)
    second = build_seed_fixture(seeds_dir=SEEDS, spec_path=SPEC)
    assert first == second
    assert first == (FIXTURES / "seed.json").read_text(encoding="utf-8")
    assert not Article.objects.exists(), "the build must leave the database as it found it"


@needs_seeds
def test_the_builder_works_on_a_database_where_the_seed_is_loaded_and_leaves_it_untouched(seed):
    Case.objects.filter(reference="CT-2013-0001").update(summary="A caseworker's note.")
    text = build_seed_fixture(seeds_dir=SEEDS, spec_path=SPEC)
    assert text == (FIXTURES / "seed.json").read_text(encoding="utf-8")
    assert Case.objects.get(reference="CT-2013-0001").summary == "A caseworker's note."


@needs_seeds
def test_the_seed_keeps_the_raw_files_unchanged(seed):
    for article in Article.objects.all():
        matches = [path for path in SEEDS.iterdir() if path.read_bytes().decode("utf-8") == article.raw_text]
        assert len(matches) == 1, article.title


@needs_seeds
def test_the_build_command_fails_loudly_naming_a_quote_that_is_not_in_its_article(tmp_path):
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    spec["cases"][0]["facts"][0]["supports"][0]["quote"] = "Kim flew to Moscow in 1997."
    bad_spec = tmp_path / "spec.yaml"
    bad_spec.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    output = tmp_path / "seed.json"
    with pytest.raises(CommandError) as error:
        call_command("build_seed_fixtures", seeds=str(SEEDS), output=str(output), spec=str(bad_spec))
    message = str(error.value)
    assert "Kim flew to Moscow in 1997." in message
    assert "004_01ec0fa0fd5f9673.txt" in message
    assert not output.exists()


@needs_seeds
def test_the_build_command_writes_the_fixture(tmp_path):
    output = tmp_path / "seed.json"
    out = io.StringIO()
    call_command("build_seed_fixtures", seeds=str(SEEDS), output=str(output), stdout=out)
    assert output.read_text(encoding="utf-8") == (FIXTURES / "seed.json").read_text(encoding="utf-8")
    assert "records" in out.getvalue()


# -- load_seed ---------------------------------------------------------------------------------


def test_load_seed_loads_once_and_then_leaves_the_data_alone(db):
    out = io.StringIO()
    call_command("load_seed", stdout=out)
    assert "Loaded the seed data" in out.getvalue()
    counts = (Article.objects.count(), Fact.objects.count(), Citation.objects.count())

    Case.objects.filter(reference="CT-2013-0001").update(summary="Edited by a caseworker.")
    out = io.StringIO()
    call_command("load_seed", stdout=out)
    assert "already loaded" in out.getvalue()
    assert (Article.objects.count(), Fact.objects.count(), Citation.objects.count()) == counts
    assert Case.objects.get(reference="CT-2013-0001").summary == "Edited by a caseworker."


def test_load_seed_does_not_overwrite_a_partly_present_seed(seed):
    Fact.objects.filter(statement__contains="Chinese military").delete()
    Organization.objects.filter(name="Memorial").update(notes="Our own notes.")
    out = io.StringIO()
    call_command("load_seed", stdout=out)
    assert "partly present" in out.getvalue()
    assert not Fact.objects.filter(statement__contains="Chinese military").exists()
    assert Organization.objects.get(name="Memorial").notes == "Our own notes."


def test_load_seed_refuses_cleanly_when_the_seed_collides_with_stored_data(db):
    from apps.people.services import organization_create

    organization_create(name="Memorial", kind=Organization.Kind.NGO, country="RU")
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_seed", stdout=io.StringIO())
    assert not Article.objects.exists()
