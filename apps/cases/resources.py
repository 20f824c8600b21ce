"""Spreadsheets of cases and facts for the admin (export, and re-import through the services)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from apps.cases.models import Case, Fact
from apps.cases.services import case_open, case_update, fact_record, fact_update
from apps.core.sheets import (
    PUBLIC_ID,
    SheetResource,
    choice,
    date,
    related,
    related_many,
    text,
)
from apps.core.sheets import partial_date as partial_date_column
from apps.people.models import Individual, Organization
from apps.sources.models import Article


class CaseResource(SheetResource):
    """Cases: found by public id or reference; opened with ``case_open``, changed with ``case_update``."""

    importable = True
    lookups = ((PUBLIC_ID, "public_id"), ("reference", "reference"))
    select_related = ("organization",)
    prefetch_related = ("subjects", "caseworkers")

    reference = fields.Field(attribute="reference", column_name="reference", readonly=True)
    title = text("title")
    organization = related("organization", Organization, "name")
    subjects = related_many("people", Individual, "pseudonym", attribute="subjects")
    status = choice("status", Case.Status.choices)
    priority = choice("priority", Case.Priority.choices)
    opened_on = date("opened on")
    closed_on = date("closed on")
    closed_reason = text("closed reason")
    summary = text("summary")
    caseworkers = fields.Field(attribute="caseworkers", column_name="caseworkers", readonly=True)

    class Meta(SheetResource.Meta):
        model = Case
        name = _("Cases")
        fields = (
            "public_id",
            "reference",
            "title",
            "organization",
            "subjects",
            "status",
            "priority",
            "opened_on",
            "closed_on",
            "closed_reason",
            "summary",
            "caseworkers",
            "version",
        )

    def dehydrate_caseworkers(self, case):
        return ", ".join(user.get_username() for user in case.caseworkers.all())

    def create(self, *, data, row):
        status = data.get("status") or Case.Status.OPEN
        case = case_open(
            title=data.get("title", ""),
            organization=data.get("organization"),
            subjects=data.get("subjects") or (),
            opened_on=data.get("opened_on"),
            priority=data.get("priority") or Case.Priority.NORMAL,
            status=Case.Status.OPEN if status == Case.Status.CLOSED else status,
            summary=data.get("summary", ""),
            by=self.user,
        )
        if status == Case.Status.CLOSED:  # recorded after the fact: opened, then closed (as the admin does)
            case, _changed = case_update(
                case=case,
                by=self.user,
                status=status,
                closed_on=data.get("closed_on"),
                closed_reason=data.get("closed_reason", ""),
            )
        return case

    def update(self, *, record, changes, row):
        case, _changed = case_update(case=record, by=self.user, **changes)
        return case


class FactResource(SheetResource):
    """Facts of the timeline. A new row needs its source: an article (address or public id) and
    the exact quote; an existing fact's quotes are changed on its page, not here."""

    importable = True
    select_related = ("case",)

    case = related("case", Case, "reference")
    date = partial_date_column("date")
    statement = text("statement")
    internal = fields.Field(attribute="internal", column_name="internal", widget=widgets.BooleanWidget())
    disputed = fields.Field(
        attribute="disputed", column_name="disputed", readonly=True, widget=widgets.BooleanWidget()
    )
    source_article = fields.Field(column_name="source article")
    source_quote = fields.Field(column_name="source quote")

    class Meta(SheetResource.Meta):
        model = Fact
        name = _("Facts")
        fields = (
            "public_id",
            "case",
            "date",
            "statement",
            "internal",
            "disputed",
            "source_article",
            "source_quote",
            "version",
        )

    def dehydrate_source_article(self, fact):
        return ""

    def dehydrate_source_quote(self, fact):
        return ""

    def _support(self, row) -> list[dict]:
        address = str(row.get("source article") or "").strip()
        quote = str(row.get("source quote") or "").strip()
        if not address and not quote:
            return []
        articles = (
            Article.objects.filter(url=address)
            if "/" in address
            else Article.objects.filter(public_id=address)
        )
        try:
            article = articles.get()
        except (Article.DoesNotExist, Article.MultipleObjectsReturned, ValueError) as error:
            raise ValidationError(
                {"source article": _("No stored article has this address or public id.")}
            ) from error
        return [{"article": article, "quote": quote}]

    def create(self, *, data, row):
        return fact_record(
            case=data.get("case"),
            statement=data.get("statement", ""),
            date=data.get("date"),
            internal=bool(data.get("internal")),
            supports=self._support(row),
            added_by=self.user,
        )

    def update(self, *, record, changes, row):
        if "case" in changes and changes["case"] is None:
            changes.pop("case")
        fact, _changed = fact_update(fact=record, **changes)
        return fact
