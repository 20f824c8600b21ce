"""Reads compiled to SQL once per process, then run again with new values.

Building a queryset and compiling it to SQL is most of a small read's cost: 0.5 ms of Python
for a filter on one column, 1.5 ms for a case looked up within a caseworker's scope (its
organizations' cases and its shares, a ``UNION ALL``), against 0.06 ms to run the compiled
statement and read its rows. A case's detail and timeline run six such statements, so the ORM
compiling them was most of the request (docs/performance.md, issue 12).

A :class:`PreparedRead` keeps the ORM as the one place the query is written: it builds the
queryset with marker values standing in for the values that change from call to call (a case
id, a user id, today's date), compiles it, and remembers where each marker went among the
statement's parameters. Each later call runs that SQL with the real values through the
connection's cursor (so the debug cursor, query counts and ``CaptureQueriesContext`` see it as
any other query) and hands the rows through the compiler's own converters, giving exactly what
``.values()`` gives.

What it refuses, so that a wrong statement can never run: a queryset whose SQL changes with
the values (it is compiled twice, with two sets of markers, and the two statements must be
the same text), a marker that does not reach the parameters unchanged (a ``LIKE`` pattern
built around it, a list of ids), and a queryset that is not ``.values()``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import ValuesIterable

# Two sets of markers, inside every integer column's range (Django refuses an out-of-range
# integer before compiling) and unlike any value a caller would pass.
_INT_MARKERS = (2_147_480_000, 2_147_470_000)
_DATE_MARKERS = (dt.date(1901, 1, 1), dt.date(1902, 1, 1))


def _marker(kind, position: int, which: int):
    if kind is int:
        return _INT_MARKERS[which] + position
    if kind is str:
        return f"\u2063prepared-{which}-{position}\u2063"
    if kind is dt.date:
        return _DATE_MARKERS[which] + dt.timedelta(days=position)
    raise TypeError(f"A prepared read takes int, str or date values, not {kind!r}.")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple  # (index in params, value name, adapt) for each marker found
    names: tuple  # the .values() keys, in column order
    compiler: object
    converters: dict
    col_count: int


class PreparedRead:
    """A ``.values()`` read compiled once per database connection and run with new values.

    ``build`` makes the queryset from keyword values (``build(case_id=…)``); ``values`` names
    them with their type (``case_id=int``). Every later :meth:`rows` passes the real values::

        FACTS = PreparedRead(lambda case_id: Fact.objects.filter(case_id=case_id).values("pk"), case_id=int)
        FACTS.rows(case_id=case.pk)

    ``build`` must give the same SQL whatever the values (no branch on them, no list of ids):
    a choice between shapes (a superuser sees every case, a caseworker a scope) is two
    prepared reads.
    """

    def __init__(self, build: Callable[..., QuerySet], **values: type) -> None:
        self._build = build
        self._kinds = values
        self._model = None

    def _markers(self, which: int) -> dict:
        return {
            name: _marker(kind, position, which) for position, (name, kind) in enumerate(self._kinds.items())
        }

    def _compile(self, alias: str) -> _Compiled:
        first, second = self._markers(0), self._markers(1)
        queryset = self._build(**first)
        if queryset._iterable_class is not ValuesIterable:
            raise TypeError("A prepared read is a .values() queryset.")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        other_sql, other_params = self._build(**second).query.get_compiler(using=alias).as_sql()
        if sql != other_sql or len(params) != len(other_params):
            raise ValueError("This read's SQL changes with its values: it cannot be prepared.")
        slots = tuple(
            (index, *self._slot(value, other, first, second))
            for index, (value, other) in enumerate(zip(params, other_params, strict=True))
            if value != other
        )
        missing = set(self._kinds) - {name for _index, name, _adapt in slots}
        if missing:
            raise ValueError(f"The values {sorted(missing)} do not reach this read's SQL as parameters.")
        query = queryset.query
        fields = [selected[0] for selected in compiler.select[0 : compiler.col_count]]
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=slots,
            names=tuple(
                query.selected or (*query.extra_select, *query.values_select, *query.annotation_select)
            ),
            compiler=compiler,
            converters=compiler.get_converters(fields),
            col_count=compiler.col_count if compiler.has_extra_select else None,
        )

    @staticmethod
    def _slot(value, other, first: dict, second: dict) -> tuple[str, Callable | None]:
        # Which value's marker this parameter is, and how the backend adapted it (a date is
        # a string on SQLite, itself on PostgreSQL).
        for name, marker in first.items():
            if (value, other) == (marker, second[name]):
                return name, None
            if (value, other) == (str(marker), str(second[name])):
                return name, str
        raise ValueError(
            f"A parameter of this read is built from its values ({value!r}): it cannot be prepared."
        )

    def rows(self, **values) -> list[dict]:
        """The rows for ``values``, as ``.values()`` gives them."""
        if values.keys() != self._kinds.keys():
            raise TypeError(f"This read takes {sorted(self._kinds)}, not {sorted(values)}.")
        for name, value in values.items():
            # Exactly the kind: neither a bool for an int nor a datetime for a date.
            if not isinstance(value, self._kinds[name]) or isinstance(value, bool | dt.datetime):
                raise TypeError(f"{name} must be a {self._kinds[name].__name__}, not {value!r}.")
        if self._model is None:
            self._model = self._build(**self._markers(0)).model
        # The router decides per call (the replica, or the primary once the request wrote).
        connection = connections[router.db_for_read(self._model)]
        # Kept on the connection object, which is per thread: a compiler (and its converters,
        # which may consult the connection) is never shared between threads.
        store = connection.__dict__.setdefault("_prepared_reads", {})
        compiled = store.get(self)
        if compiled is None:
            compiled = store[self] = self._compile(connection.alias)
        params = list(compiled.params)
        for index, name, adapt in compiled.slots:
            params[index] = values[name] if adapt is None else adapt(values[name])
        with _cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        if compiled.col_count is not None:  # ordering columns the statement added to the select
            fetched = [row[: compiled.col_count] for row in fetched]
        if compiled.converters:
            fetched = compiled.compiler.apply_converters(fetched, compiled.converters)
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in fetched]


def _cursor(connection):
    """A cursor of ``connection`` that, on PostgreSQL, runs each statement as a prepared one.

    The statement's plan is then made once per connection, not on every call: for a case
    looked up within a caseworker's scope (a UNION of two subqueries) planning was most of
    the statement's time. Django keeps psycopg from preparing statements (poolers in
    transaction mode cannot keep them, docs/deployment.md), so ``DATABASE_PREPARED_READS=0``
    turns this off where such a pooler stands in front. Elsewhere, the connection's own cursor.

    The cursor is wrapped as Django wraps its own (health check, execute wrappers, database
    errors). Where queries are logged, the connection's own cursor runs the same SQL.
    """
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_READS or connection.queries_logged:
        # Logged queries (DEBUG, CaptureQueriesContext) keep the SQL with its values in the
        # text, as Django logs every other query: psycopg keeps no text of a prepared one.
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Django sets no threshold, which also makes psycopg ignore prepare=True. A threshold
        # no statement reaches prepares only what asks; psycopg then also forgets its
        # prepared statements when a transaction rolls back, as it must.
        connection.connection.prepare_threshold = _ONLY_WHEN_ASKED
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_preparing_cursor_class()(connection.connection))


_ONLY_WHEN_ASKED = 2**62


@functools.cache
def _preparing_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        # Server-side binding (the values sent apart from the text, as a prepared statement
        # needs), each statement prepared: psycopg keeps the connection's prepared statements.
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor
