"""Make every stored fact's ``disputed`` agree with its contradiction links.

The rule since this migration (apps/cases/services.py): a fact is disputed exactly when at
least one other fact of its case is linked as contradicting it. Before it, the flag was set by
hand or by linking, and never cleared. So here: a fact with a link that is not disputed is
marked disputed, and a fact marked disputed with no link is cleared. Each changed fact gets a
new row version and a history row (``history_change_reason`` says why), as a change made by
the services would; historical models do not record saves made in a migration, so the row is
written here.

The reverse changes nothing: which facts had been marked by hand cannot be told apart
afterwards, except from the history rows this migration wrote, which stay.
"""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

REASON = "disputed made to agree with the contradiction links (migration 0007)"


def disputed_follows_links(apps, schema_editor):
    Fact = apps.get_model("cases", "Fact")
    HistoricalFact = apps.get_model("cases", "HistoricalFact")
    links = Fact.contradicts.through.objects
    linked = set(links.values_list("from_fact_id", flat=True)) | set(links.values_list("to_fact_id", flat=True))
    wrong = Fact.objects.filter(disputed=True).exclude(pk__in=linked) | Fact.objects.filter(
        disputed=False, pk__in=linked
    )
    now = timezone.now()
    copied = [field.attname for field in Fact._meta.concrete_fields]
    for fact in wrong.order_by("pk"):
        Fact.objects.filter(pk=fact.pk).update(
            disputed=fact.pk in linked, version=F("version") + 1, updated_at=now
        )
        fact.refresh_from_db()
        HistoricalFact.objects.create(
            **{name: getattr(fact, name) for name in copied},
            history_date=now,
            history_type="~",
            history_change_reason=REASON,
            history_user=None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_alter_fact_disputed_alter_historicalfact_disputed"),
    ]

    operations = [
        migrations.RunPython(disputed_follows_links, migrations.RunPython.noop, elidable=False),
    ]
