"""Reads compiled once and run again with new values (apps.core.prepared)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.cases.models import Case, CaseShare, Fact
from apps.cases.selectors import case_lookup, visible_case_row
from apps.core.prepared import PreparedRead
from tests.factories import CaseFactory, CaseShareFactory, FactFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db


def _facts(case_id):
    return (
        Fact.objects.filter(case_id=case_id)
        .order_by("pk")
        .values("pk", "public_id", "date_start", "created_at")
    )


FACTS = PreparedRead(_facts, case_id=int)


def test_the_rows_are_what_values_gives_for_each_new_value():
    first, second = CaseFactory(), CaseFactory()
    for case in (first, second):
        FactFactory(case=case)
        FactFactory(case=case)
    for case in (first, second, first):
        # UUIDs, dates and time-zone-aware datetimes come through the backend's converters.
        assert FACTS.rows(case_id=case.pk) == list(_facts(case.pk))
    assert FACTS.rows(case_id=0) == []


def test_a_prepared_read_is_one_query_as_any_other():
    case = CaseFactory()
    FactFactory(case=case)
    FACTS.rows(case_id=case.pk)
    with CaptureQueriesContext(connection) as queries:
        FACTS.rows(case_id=case.pk)
    assert len(queries) == 1
    assert '"cases_fact"' in queries[0]["sql"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL only")
def test_on_postgresql_the_statement_is_prepared_once_per_connection():
    case = CaseFactory()
    FactFactory(case=case)
    for _ in range(3):
        assert FACTS.rows(case_id=case.pk) == list(_facts(case.pk))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ['%"cases_fact"%$1%']
        )
        assert cursor.fetchone() == (1,)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL only")
def test_with_prepared_reads_off_the_same_sql_runs_unprepared(settings):
    # DATABASE_PREPARED_READS=0, for a pooler that cannot keep prepared statements.
    settings.DATABASE_PREPARED_READS = False
    case = CaseFactory()
    FactFactory(case=case)
    for _ in range(3):
        assert FACTS.rows(case_id=case.pk) == list(_facts(case.pk))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone() == (0,)


def test_a_date_value_reaches_the_sql_on_each_backend():
    # A date is a parameter of its own kind (a string on SQLite): an expired share hides the case.
    shares = PreparedRead(
        lambda today: CaseShare.objects.filter(expires_on__gte=today).values("case_id"), today=dt.date
    )
    share = CaseShareFactory(expires_on=dt.date(2026, 6, 30))
    assert shares.rows(today=dt.date(2026, 6, 30)) == [{"case_id": share.case_id}]
    assert shares.rows(today=dt.date(2026, 7, 1)) == []


def test_a_read_whose_sql_changes_with_its_values_is_refused():
    # A list of ids is one placeholder per id: its SQL depends on how many there are.
    listing = PreparedRead(
        lambda case_id: Fact.objects.filter(case_id__in=list(range(1, case_id % 7 + 1))).values("pk"),
        case_id=int,
    )
    with pytest.raises(ValueError, match="changes with its values"):
        listing.rows(case_id=1)


def test_a_value_built_into_a_pattern_is_refused():
    # icontains wraps the value in %…%: another value would need another parameter.
    pattern = PreparedRead(lambda text: Case.objects.filter(title__icontains=text).values("pk"), text=str)
    with pytest.raises(ValueError, match="built from its values"):
        pattern.rows(text="Kim")


def test_a_value_that_never_reaches_the_sql_is_refused():
    ignoring = PreparedRead(lambda case_id: Fact.objects.values("pk"), case_id=int)
    with pytest.raises(ValueError, match="do not reach"):
        ignoring.rows(case_id=1)


def test_only_values_querysets_are_prepared():
    records = PreparedRead(lambda case_id: Fact.objects.filter(case_id=case_id), case_id=int)
    with pytest.raises(TypeError, match="values"):
        records.rows(case_id=1)


@pytest.mark.parametrize(
    "values",
    [{"case_id": "1"}, {"case_id": True}, {"case_id": 1, "other": 2}, {}],
)
def test_values_of_the_wrong_kind_or_name_are_refused(values):
    with pytest.raises(TypeError):
        FACTS.rows(**values)


def test_visible_case_row_follows_the_scoping_rule_of_case_lookup(desk):
    from django.contrib.auth.models import AnonymousUser

    expired = CaseFactory(organization=desk.hidden.organization, title="Shared until yesterday")
    CaseShareFactory(case=expired, user=desk.user, expires_on=dt.date.today() - dt.timedelta(days=1))
    inactive = UserFactory(is_active=False)
    outsider = UserFactory()
    users = [desk.user, SuperuserFactory(), inactive, outsider, AnonymousUser()]
    own = CaseFactory(organization=desk.home)
    for user in users:
        for case in (own, desk.shared, desk.hidden, expired):
            expected = case_lookup(user=user).filter(reference=case.reference).exists()
            row = visible_case_row(user=user, reference=case.reference)
            assert (row is not None) == expected, (user, case.reference)
            if row is not None:
                assert (row["pk"], row["version"], row["organization__public_id"]) == (
                    case.pk,
                    case.version,
                    case.organization.public_id,
                )
    assert visible_case_row(user=desk.user, reference=own.reference) is not None
    assert visible_case_row(user=desk.user, reference=desk.hidden.reference) is None
    assert visible_case_row(user=desk.user, reference=expired.reference) is None
