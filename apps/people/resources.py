"""Spreadsheets of people for the admin (export, and re-import through the services).

A person's protected identity (legal name, birth date, contacts) is never in a spreadsheet:
it leaves the system only through ``manage.py identity_export``, which logs each one.
"""

from django.utils.translation import gettext_lazy as _

from apps.core.sheets import SheetResource, choice, partial_date, text
from apps.people.models import Individual
from apps.people.services import duplicates_refresh, individual_create, individual_update


class IndividualResource(SheetResource):
    """People by pseudonym: recorded with ``individual_create``, changed with ``individual_update``."""

    importable = True

    pseudonym = text("pseudonym")
    nationality = text("nationality")
    born = partial_date("born")
    status = choice("status", Individual.Status.choices)
    summary = text("summary")

    class Meta(SheetResource.Meta):
        model = Individual
        name = _("People")
        fields = ("public_id", "pseudonym", "nationality", "born", "status", "summary", "version")

    def dehydrate_nationality(self, individual):
        return individual.nationality.code if individual.nationality else ""

    def create(self, *, data, row):
        individual = individual_create(
            pseudonym=data.get("pseudonym", ""),
            nationality=data.get("nationality", ""),
            born=data.get("born"),
            status=data.get("status") or Individual.Status.UNKNOWN,
            summary=data.get("summary", ""),
        )
        # An imported person is offered as a possible duplicate like one typed in the admin.
        duplicates_refresh(individual=individual)
        return individual

    def update(self, *, record, changes, row):
        individual, changed = individual_update(individual=record, **changes)
        if changed:
            duplicates_refresh(individual=individual)
        return individual
