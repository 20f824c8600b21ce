"""factory-boy factories for every model. Build the smallest valid record by default."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from apps.access.models import AccessLog, Membership
from apps.agreements.models import Agreement, Provision
from apps.cases.models import Case, CaseShare, Fact
from apps.core.partial_dates import PartialDate, Precision
from apps.deadlines.models import (
    CalendarFeed,
    CaseNote,
    CaseTask,
    Closure,
    Deadline,
    DeadlineReminder,
    DeadlineRule,
)
from apps.documents.models import Document
from apps.documents.services import document_upload
from apps.dossiers.models import DossierGeneration, Format, Level
from apps.people.models import Alias, DuplicateCandidate, Individual, Organization, ProtectedIdentity
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.sources.models import Article, Citation, DateReading, KnownOutlet
from apps.sources.normal_form import body_sha256
from apps.sources.services import quote_locate
from apps.tokens.models import ApiToken
from apps.tokens.services import TOKEN_PREFIX, token_hash
from apps.webhooks.models import WebhookDelivery, WebhookSubscription
from apps.webhooks.signing import secret_new


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


class KnownOutletFactory(factory.django.DjangoModelFactory):
    """A registry entry, as ``known_outlet_create`` stores it (bare domain)."""

    class Meta:
        model = KnownOutlet

    domain = factory.Sequence(lambda n: f"outlet-{n}.example")
    name = factory.Sequence(lambda n: f"Registered outlet {n}")
    country = "RU"


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


class DuplicateCandidateFactory(factory.django.DjangoModelFactory):
    """A stored pair of the review list (apps.people.services.duplicates_refresh writes them)."""

    class Meta:
        model = DuplicateCandidate

    first = factory.SubFactory(IndividualFactory, pseudonym="Kim Eun-chol")
    second = factory.SubFactory(IndividualFactory, pseudonym="Ким Ын Чхоль")
    score = 0.99
    reasons = factory.LazyFunction(lambda: [{"code": "other_script", "on": ["pseudonym", "pseudonym"]}])


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
    """A fact dated January 2016, supported by one citation: ``fact_record`` refuses a fact
    without a source. ``FactFactory(citation=None)`` leaves the citation to the caller."""

    class Meta:
        model = Fact
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    statement = factory.Sequence(lambda n: f"Something happened ({n}).")
    date_start = dt.date(2016, 1, 1)
    date_end = dt.date(2016, 1, 31)
    date_precision = Precision.MONTH
    citation = factory.RelatedFactory("tests.factories.CitationFactory", factory_related_name="fact")


class ProceedingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proceeding

    case = factory.SubFactory(CaseFactory)
    kind = Proceeding.Kind.TEMPORARY_ASYLUM
    authority = factory.SubFactory(
        OrganizationFactory,
        kind=Organization.Kind.GOVERNMENT_AGENCY,
        name=factory.Sequence(lambda n: f"Agency {n}"),
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
    """A citation of the first words of its article, supporting a fact.

    Like citation_add, it finds where a given quote starts in the article's body; a quote
    that is not there fails (rather than building a citation the services refuse).
    """

    class Meta:
        model = Citation

    article = factory.SubFactory(ArticleFactory)
    # The fact is created for this citation: it needs no second one of its own.
    fact = factory.SubFactory(FactFactory, citation=None)
    quote = factory.LazyAttribute(lambda c: c.article.body[:20])
    start = factory.LazyAttribute(lambda c: quote_locate(body=c.article.body, quote=c.quote)[0])
    end = factory.LazyAttribute(lambda c: c.start + len(c.quote))


class DateReadingFactory(factory.django.DjangoModelFactory):
    """A reading of an agreement's signing date, backed by a quote (as date_reading_add needs)."""

    class Meta:
        model = DateReading

    agreement = factory.SubFactory(AgreementFactory)
    field = DateReading.Field.SIGNED
    value_start = dt.date(2016, 2, 2)
    value_end = dt.date(2016, 2, 2)
    value_precision = Precision.DAY

    @factory.post_generation
    def citation(self, create, extracted, **kwargs):
        if create and extracted is not False:
            CitationFactory(date_reading=self, fact=None, **kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)


def member_of(organization):
    """A new user who belongs to ``organization``."""
    return MembershipFactory(organization=organization).user


class CaseShareFactory(factory.django.DjangoModelFactory):
    """A case shared with a user outside its organization, by a member of it (case_share_grant)."""

    class Meta:
        model = CaseShare

    case = factory.SubFactory(CaseFactory)
    user = factory.SubFactory(UserFactory)
    granted_by = factory.LazyAttribute(lambda share: member_of(share.case.organization))
    reason = "Appeal counsel"


class AccessLogFactory(factory.django.DjangoModelFactory):
    """An export of a stored case, logged against the organization holding it (access_log_record)."""

    class Meta:
        model = AccessLog

    class Params:
        case = factory.SubFactory(CaseFactory)

    user = factory.LazyAttribute(lambda entry: member_of(entry.case.organization))
    username = factory.LazyAttribute(lambda entry: entry.user.username)
    action = AccessLog.Action.EXPORT
    object_type = "cases.case"
    object_id = factory.LazyAttribute(lambda entry: str(entry.case.pk))
    object_repr = factory.LazyAttribute(lambda entry: str(entry.case))
    organization = factory.LazyAttribute(lambda entry: entry.case.organization)


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token record; the secret itself is never stored, only its prefix and hash, made here
    from a made-up key exactly as api_token_create makes them from a random one."""

    class Meta:
        model = ApiToken

    class Params:
        key = factory.Sequence(lambda n: f"{TOKEN_PREFIX}made-up-key-{n:06d}")

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"integration {n}")
    prefix = factory.LazyAttribute(lambda token: token.key[: len(TOKEN_PREFIX) + 6])
    key_hash = factory.LazyAttribute(lambda token: token_hash(token.key))


class DossierGenerationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DossierGeneration

    case = factory.SubFactory(CaseFactory)
    case_reference = factory.LazyAttribute(lambda generation: generation.case.reference)
    # dossier_generate refuses a user who cannot see the case.
    generated_by = factory.LazyAttribute(lambda generation: member_of(generation.case.organization))
    level = Level.LEGAL
    format = Format.PDF
    channel = DossierGeneration.Channel.ADMIN
    digest = "0" * 64
    file_sha256 = "1" * 64
    size = 1024


class JobFactory(factory.django.DjangoModelFactory):
    """A queued dossier job of a case, as apps.dossiers.jobs.dossier_render_enqueue records one
    (without handing it to a worker)."""

    class Meta:
        model = "jobs.Job"

    class Params:
        case = factory.SubFactory(CaseFactory)

    kind = "dossier_render"
    requested_by = factory.SubFactory(UserFactory)
    subject_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.case))
    subject_id = factory.LazyAttribute(lambda o: o.case.pk)
    subject_label = factory.LazyAttribute(lambda o: o.case.reference)
    params = factory.LazyAttribute(
        lambda o: {"case": o.case.pk, "format": "pdf", "level": "public", "language": "en", "channel": "api"}
    )


class DeadlineRuleFactory(factory.django.DjangoModelFactory):
    """A rule with its own figure (so unverified): 30 calendar days after a refusal's decision."""

    class Meta:
        model = DeadlineRule

    name = factory.Sequence(lambda n: f"Appeal against a refusal {n}")
    proceeding_kind = Proceeding.Kind.TEMPORARY_ASYLUM
    event_kind = ProceedingEvent.Kind.DECISION
    outcome = Proceeding.Outcome.REFUSED
    offset = 30
    unit = DeadlineRule.Unit.CALENDAR_DAYS


class DeadlineFactory(factory.django.DjangoModelFactory):
    """A deadline set by hand (computed ones come from the services: deadline_rule_create and events)."""

    class Meta:
        model = Deadline

    case = factory.SubFactory(CaseFactory)
    title = factory.Sequence(lambda n: f"File the documents {n}")
    computed_due_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=7))
    due_on = factory.LazyAttribute(lambda d: d.computed_due_on)


class DeadlineReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeadlineReminder

    deadline = factory.SubFactory(DeadlineFactory)
    step = 5
    recipients = 1


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    organization = factory.SubFactory(OrganizationFactory)
    starts_on = dt.date(2016, 2, 1)
    ends_on = dt.date(2016, 2, 5)
    reason = "Office move"


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    user = factory.SubFactory(UserFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    case = factory.SubFactory(CaseFactory)
    text = "Call the lawyer about the hearing."


class CaseTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseTask

    case = factory.SubFactory(CaseFactory)
    title = factory.Sequence(lambda n: f"Collect the decision's copy {n}")
    due_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=3))


class WebhookSubscriptionFactory(factory.django.DjangoModelFactory):
    """A subscription as the service makes it (not resolved here: the tests make no DNS lookups)."""

    class Meta:
        model = WebhookSubscription

    organization = factory.SubFactory(OrganizationFactory)
    url = factory.Sequence(lambda n: f"https://hooks.example.org/casetracker/{n}")
    events = factory.LazyFunction(lambda: ["case.created", "case.changed"])
    secret = factory.LazyFunction(secret_new)


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    """A delivery that reached its receiver at the first attempt."""

    class Meta:
        model = WebhookDelivery

    subscription = factory.SubFactory(WebhookSubscriptionFactory)
    event = "case.changed"
    payload = factory.LazyAttribute(lambda d: {"type": d.event, "data": {"object": "case"}})
    state = WebhookDelivery.State.DELIVERED
    attempts = 1
    last_status_code = 200
    response_snippet = "ok"


class DocumentFactory(factory.django.DjangoModelFactory):
    """A document uploaded through document_upload (hashed, encrypted), its text extracted.

    ``data`` are the file's bytes (by default a PDF with a text layer saying ``text``);
    ``extract=False`` leaves the text pending, as an upload whose job has not run yet.
    """

    class Meta:
        model = Document

    case = factory.SubFactory(CaseFactory)
    title = factory.Sequence(lambda n: f"Decision {n}")
    kind = Document.Kind.DECISION

    # Not fields: what _create hands document_upload.
    text = "The Moscow office of the FMS refused temporary asylum."
    data = None
    extract = True

    @classmethod
    def _create(cls, model_class, *, text, data, extract, **kwargs):
        from tests.documents.files import pdf_with_text

        return document_upload(
            file=data if data is not None else pdf_with_text(text), original_name="decision.pdf",
            extract_now=extract, **kwargs,
        )
