"""dumpdata of the whole project with natural keys loads back into an empty database: the same
records, identities still ciphertext in the file and decrypting after, no history written by the
load, and the audit chains verify.

Transactional, with sequences reset: the load is made into a database emptied by ``flush`` (the
content types, permissions and chain heads that ``migrate`` makes come back under new numbers,
the rest is empty), as a fresh deployment's would be.
"""

import io
import json
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import call_command

from apps.cases.models import Case
from apps.cases.services import case_update
from apps.core import audit
from apps.core.custody import audit_verify
from apps.people.models import Individual, ProtectedIdentity
from apps.people.services import protected_identity_set
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

LEGAL_NAME = "Kim Chol-su Real Legal Name"


def history_counts() -> Counter:
    from simple_history.models import HistoricalChanges

    return Counter(
        {
            model._meta.label_lower: model.objects.count()
            for model in apps.get_models()
            if issubclass(model, HistoricalChanges)
        }
    )


def project_with_history():
    call_command("loaddata", "seed", verbosity=0)
    officer = SuperuserFactory(username="officer")
    kim = Individual.objects.get(pseudonym="Kim")
    protected_identity_set(individual=kim, legal_name=LEGAL_NAME, date_of_birth="1980-03-01")
    case = Case.objects.get(reference="CT-2013-0001")
    case_update(case=case, by=officer, title="Kim — asylum in Russia (appeal)")
    audit.record(
        user=officer, action=audit.SensitiveAction.VIEW_PROTECTED, obj=kim, detail={"why": "round trip"}
    )
    return kim


def dump(path, fmt="json") -> list[dict]:
    call_command(
        "dumpdata",
        natural_foreign=True,
        natural_primary=True,
        format=fmt,
        output=str(path),
        stdout=io.StringIO(),
    )
    return path.read_text(encoding="utf-8")


def as_set(text: str) -> list[str]:
    """The dump's records, in an order that does not depend on the numbering. Fernet tokens
    stand as one placeholder: loading decrypts and saving encrypts again with a fresh IV, so
    the token changes while what it holds does not (checked by decrypting)."""
    items = json.loads(text)
    for item in items:
        for name, value in item["fields"].items():
            if isinstance(value, str) and value.startswith("gAAAAA"):
                item["fields"][name] = "<token>"
    return sorted(json.dumps(item, sort_keys=True) for item in items)


def test_loaddata_of_the_seed_writes_no_history_and_no_links():
    from apps.core.models import AuditSeal

    call_command("loaddata", "seed", verbosity=0)

    assert sum(history_counts().values()) == 0
    assert AuditSeal.objects.count() == 0
    assert Case.objects.get(reference="CT-2013-0001").subjects.count() == 1


def test_a_natural_key_dump_of_the_whole_project_loads_back_into_an_empty_database(tmp_path):
    kim = project_with_history()
    before = history_counts()
    assert (before["people.historicalprotectedidentity"], before["cases.historicalcase"]) == (2, 1)
    text = dump(tmp_path / "all.json")
    assert LEGAL_NAME not in text and "1980-03-01" not in text
    assert '"model": "people.protectedidentity"' in text

    call_command("flush", interactive=False, verbosity=0)
    assert not Individual.objects.exists()
    call_command("loaddata", str(tmp_path / "all.json"), verbosity=0)

    identity = ProtectedIdentity.objects.get(individual__public_id=kim.public_id)
    assert (identity.legal_name, str(identity.date_of_birth)) == (LEGAL_NAME, "1980-03-01")
    assert history_counts() == before  # the load wrote none of its own
    assert as_set(dump(tmp_path / "again.json")) == as_set(text)  # the same records, field for field
    reports = audit_verify()
    assert [(report.chain, report.breaks) for report in reports if report.breaks] == []
    assert sum(report.rows for report in reports) == sum(before.values()) + 1  # + the access-log entry


@pytest.mark.parametrize("fmt", ["jsonl", "xml", "yaml"])
def test_the_other_formats_round_trip_identities_with_natural_keys(tmp_path, fmt):
    kim = project_with_history()
    path = tmp_path / f"people.{fmt}"
    call_command(
        "dumpdata",
        "people",
        natural_foreign=True,
        natural_primary=True,
        format=fmt,
        output=str(path),
        stdout=io.StringIO(),
    )
    assert LEGAL_NAME not in path.read_text(encoding="utf-8")
    ProtectedIdentity.objects.all().delete()

    call_command("loaddata", str(path), verbosity=0)

    assert ProtectedIdentity.objects.get(individual=kim).legal_name == LEGAL_NAME
