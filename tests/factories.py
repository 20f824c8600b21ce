"""factory-boy factories for every model. Build the smallest valid record by default."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from apps.access.models import AccessLog, Membership
from apps.agreements.models import Agreement, Provision
from apps.cases.models import Case, CaseShare, Fact
from apps.core.partial_dates import PartialDate, Precision
from apps.dossiers.models import DossierGeneration, Format, Level
from apps.people.models import Alias, Individual, Organization, ProtectedIdentity
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.sources.models import Article, Citation
from apps.sources.normal_form import body_sha256
from apps.tokens.models import ApiToken


def partial(year, precision=Precision.YEAR, month=None, day=None):
    return PartialDate(year, precision, month, day)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"caseworker{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")
    is_staff = True


class SuperuserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_superuser = True


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = Organization.Kind.NGO
    country = "RU"


class NewsOutletFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"News outlet {n}")
    kind = Organization.Kind.NEWS_OUTLET


class IndividualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Individual

    pseudonym = factory.Sequence(lambda n: f"Person {n}")
    nationality = "KP"
    status = Individual.Status.AT_RISK


class ProtectedIdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtectedIdentity

    individual = factory.SubFactory(IndividualFactory)
    legal_name = factory.Sequence(lambda n: f"Legal Name {n}")
    date_of_birth = dt.date(1980, 5, 1)
    phone = "+7 900 000 00 00"


class AliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alias

    individual = factory.SubFactory(IndividualFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")
    script = Alias.Script.LATIN


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"CT-2020-{n + 1:04d}")
    title = factory.Sequence(lambda n: f"Case {n}")
    organization = factory.SubFactory(OrganizationFactory)
    opened_on = dt.date(2020, 1, 15)

    @factory.post_generation
    def subjects(self, create, extracted, **kwargs):
        if not create:
            return
        self.subjects.set(extracted if extracted is not None else [IndividualFactory()])


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    outlet = factory.SubFactory(NewsOutletFactory)
    published_on = dt.date(2016, 1, 28)
    body = factory.Sequence(
        lambda n: f"Report number {n}. The Federal Migration Service refused temporary asylum to Kim."
    )
    raw_text = factory.LazyAttribute(lambda a: f"Support us!\n\n{a.body}\n\nRead more")
    sha256 = factory.LazyAttribute(lambda a: body_sha256(a.body))
    url = factory.Sequence(lambda n: f"https://news.example.org/{n}")
    language = "en"


class FactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fact

    case = factory.SubFactory(CaseFactory)
    statement = factory.Sequence(lambda n: f"Something happened ({n}).")
    date_start = dt.date(2016, 1, 1)
    date_end = dt.date(2016, 1, 31)
    date_precision = Precision.MONTH


class ProceedingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proceeding

    case = factory.SubFactory(CaseFactory)
    kind = Proceeding.Kind.TEMPORARY_ASYLUM
    authority = factory.SubFactory(
        OrganizationFactory, kind=Organization.Kind.GOVERNMENT_AGENCY, name=factory.Sequence(lambda n: f"Agency {n}")
    )
    country = "RU"
    outcome = Proceeding.Outcome.PENDING


class ProceedingEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProceedingEvent

    proceeding = factory.SubFactory(ProceedingFactory)
    kind = ProceedingEvent.Kind.DECISION
    date_start = dt.date(2016, 1, 27)
    date_end = dt.date(2016, 1, 27)
    date_precision = Precision.DAY


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    title = factory.Sequence(lambda n: f"Agreement {n}")
    kind = Agreement.Kind.READMISSION
    party_countries = ["RU", "KP"]


class ProvisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provision

    agreement = factory.SubFactory(AgreementFactory)
    summary = "Deportation within 30 days of a repatriation request."
    time_limit_days = 30


class CitationFactory(factory.django.DjangoModelFactory):
    """A citation of the first words of its article, supporting a fact."""

    class Meta:
        model = Citation

    article = factory.SubFactory(ArticleFactory)
    fact = factory.SubFactory(FactFactory)
    quote = factory.LazyAttribute(lambda c: c.article.body[:20])
    start = 0
    end = factory.LazyAttribute(lambda c: len(c.quote))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)


class CaseShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseShare

    case = factory.SubFactory(CaseFactory)
    user = factory.SubFactory(UserFactory)
    reason = "Appeal counsel"


class AccessLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessLog

    user = factory.SubFactory(UserFactory)
    username = factory.LazyAttribute(lambda entry: entry.user.username)
    action = AccessLog.Action.EXPORT
    object_type = "cases.case"
    object_id = "1"


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token record; the secret itself is never stored, only a hash (here of a made-up key)."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"integration {n}")
    prefix = factory.Sequence(lambda n: f"ct{n:06d}")
    key_hash = factory.Sequence(lambda n: f"{n:064x}")


class DossierGenerationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DossierGeneration

    case = factory.SubFactory(CaseFactory)
    case_reference = factory.LazyAttribute(lambda generation: generation.case.reference)
    generated_by = factory.SubFactory(UserFactory)
    level = Level.LEGAL
    format = Format.PDF
    channel = DossierGeneration.Channel.ADMIN
    digest = "0" * 64
    file_sha256 = "1" * 64
    size = 1024
