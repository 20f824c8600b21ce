"""The viewset base: records addressed by their public UUID, with their change history.

``GET /api/v1/{resource}/{id}/history/`` comes from :class:`HistoryMixin`: the record is found
through the viewset's own ``get_object()`` — its scoped queryset — so another organization's
record is a 404 there exactly as on its detail URL.

Writes lose nothing (:class:`RowVersionMixin`): every answer about one record carries its
``ETag`` (``"<id>-<version>"``, the row version every write increments), and PUT, PATCH and
DELETE must send it back in ``If-Match``. Retries are safe (:class:`IdempotencyMixin`): a POST
with an ``Idempotency-Key`` runs once, its retries get the first answer.
"""

from __future__ import annotations

import functools
import re

from django.db import transaction
from django.db.models import Model
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core import idempotency, scoping
from apps.core.api.exports import ExportMixin
from apps.core.api.problems import (
    IdempotencyKeyInFlight,
    IdempotencyKeyReused,
    PreconditionFailed,
    PreconditionRequired,
)
from apps.core.api.transactions import AtomicWriteMixin
from apps.core.history import record_history
from apps.core.scoping import check_can_write
from apps.core.services import StaleVersion, version_hold

CONDITIONAL_METHODS = ("PUT", "PATCH", "DELETE")
# Answers that are one record as a whole: they carry its ETag.
RECORD_ACTIONS = ("retrieve", "create", "update", "partial_update")
ENTITY_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*(?:,|$)')


def etag(record: Model) -> str:
    """The strong entity tag of ``record``'s current version: ``"<public id>-<version>"``.

    The same for every viewer, whatever their view hides (protected identity): it names the
    stored version, not the bytes sent. The public id in it means a tag copied from another
    record never matches.
    """
    return etag_text(getattr(record, "public_id", record.pk), record.version)


def etag_text(public_id, version: int) -> str:
    """:func:`etag` from a record's public id and version (a read that has its row, not the record)."""
    return f'"{public_id}-{version}"'


def if_match_tags(header: str) -> list[str]:
    """The strong entity tags listed in an If-Match header (quotes kept); weak ones never match."""
    tags, position = [], 0
    while position < len(header):
        found = ENTITY_TAG.match(header, position)
        if found is None or found.end() == position:
            raise exceptions.ValidationError(
                {"If-Match": [_('Send the ETag exactly as received, quotes included, e.g. If-Match: "…-3".')]}
            )
        if not found.group(1):
            tags.append(f'"{found.group(2)}"')
        position = found.end()
    return tags


class RowVersionMixin:
    """ETag on every answer that is one record; If-Match required to change or delete it.

    The check is a compare-and-set in SQL (:func:`apps.core.services.version_hold`) made in the
    same transaction as the write: the request's handler runs inside ``transaction.atomic``, so
    two clients sending the same ETag cannot both win — the second gets 412.
    A view whose answer is another record than the URL's (a created event, an imported article)
    names it in ``self.etag_record``.
    """

    etag_record: Model | None = None
    etag_value: str | None = None  # or the tag itself (etag_text), for a read answered from a row
    _record_serializer = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        method = request.method.lower()
        if request.method in CONDITIONAL_METHODS and hasattr(self, method):
            # The handler as one transaction: the version checked in get_object() stays held
            # until the write commits, and a refused write rolls the check back with it.
            setattr(self, method, transaction.atomic(getattr(self, method)))

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in permissions.SAFE_METHODS:
            self.check_object_writable(obj)
        if self.request.method in CONDITIONAL_METHODS and self.action in (
            "update",
            "partial_update",
            "destroy",
        ):
            self.check_if_match(obj)
        return obj

    def check_object_writable(self, obj: Model) -> None:
        """Refuse (403) a write to a record the user may only read; checked before If-Match."""

    def check_if_match(self, obj: Model) -> None:
        """428 without If-Match, 412 if it names another version; else hold the version seen."""
        header = self.request.headers.get("If-Match")
        if header is None or not header.strip():
            raise PreconditionRequired(
                f"Send If-Match with the ETag of the version you read (GET it: its ETag is {etag(obj)}), "
                "so that your change cannot overwrite one you have not seen."
            )
        if header.strip() == "*":
            raise PreconditionRequired(
                "If-Match: * would overwrite changes you have not seen: send the record's ETag."
            )
        expected = None
        for tag in if_match_tags(header):
            public_id, _dash, version = tag.strip('"').rpartition("-")
            if public_id == str(getattr(obj, "public_id", obj.pk)) and version.isdigit():
                expected = int(version)
                break
        if expected is None:
            raise PreconditionFailed(self._stale_message(obj), etag=etag(obj))
        try:
            version_hold(record=obj, expected=expected)
        except StaleVersion as stale:
            obj.version = stale.current
            raise PreconditionFailed(self._stale_message(obj), etag=etag(obj)) from stale

    @staticmethod
    def _stale_message(obj: Model) -> str:
        return _(
            "The record changed since the version you sent; it is now %(etag)s. "
            "GET it again, apply your change to what it says now, and send the new ETag in If-Match."
        ) % {"etag": etag(obj)}

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if self.action in RECORD_ACTIONS and not kwargs.get("many"):
            self._record_serializer = serializer
        return serializer

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.etag_value is not None and 200 <= response.status_code < 300:
            response["ETag"] = self.etag_value
            return response
        record = self.etag_record
        if record is None and self._record_serializer is not None:
            record = self._record_serializer.instance
        if (
            200 <= response.status_code < 300
            and isinstance(record, Model)
            and getattr(record, "version", None) is not None
        ):
            response["ETag"] = etag(record)
            if response.status_code == 201 and "Location" not in response:
                location = self._location(record)
                if location:
                    response["Location"] = location
        return response

    def _location(self, record: Model) -> str | None:
        """The address of a record created by this view, if it is one of the view's own."""
        queryset = getattr(self, "queryset", None)
        model = queryset.model if queryset is not None else self.get_queryset().model
        if not isinstance(record, model):
            return None  # e.g. a proceeding's new event, which has no address of its own
        lookup = self.lookup_url_kwarg or self.lookup_field
        return self.reverse_action("detail", kwargs={lookup: getattr(record, self.lookup_field)})


class _Replay(Exception):
    """Raised in ``initial()`` to answer with a stored response instead of running the view."""

    def __init__(self, row):
        super().__init__(row.key)
        self.row = row


class IdempotencyMixin:
    """``Idempotency-Key`` on POST: the first answer is kept and given again to every retry.

    See apps.core.idempotency for the rules. Runs after authentication, so keys are per user,
    and before the view, so a retry writes nothing.
    """

    _idempotency_claim = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        header = request.headers.get("Idempotency-Key")
        if request.method != "POST" or header is None:
            return
        key = idempotency.key_value(header)
        reason = idempotency.key_problem(key)
        if reason:
            raise exceptions.ValidationError({"Idempotency-Key": [reason]})
        try:
            claim = idempotency.idempotency_claim(user=request.user, key=key)
        except idempotency.KeyInFlight as error:
            raise IdempotencyKeyInFlight(
                _(
                    "The first request with this Idempotency-Key is still being processed; "
                    "retry in a few seconds to get its answer."
                )
            ) from error
        if claim.fresh:
            self._idempotency_claim = claim
            return
        if claim.row.fingerprint != self._fingerprint(request):
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used for a different request (another body or "
                "address): use a new key for a new request."
            )
        raise _Replay(claim.row)

    @staticmethod
    def _fingerprint(request) -> str:
        return idempotency.request_fingerprint(
            method=request.method,
            path=request.path,
            data=request.data,
            files=list(request.FILES.items()),
        )

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            row = exc.row
            response = HttpResponse(bytes(row.body), status=row.status)
            for name, value in row.headers.items():
                response[name] = value
            return response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        claim, self._idempotency_claim = self._idempotency_claim, None
        if claim is None:
            return response
        if 200 <= response.status_code < 300:
            if hasattr(response, "render"):
                response.render()
            idempotency.idempotency_store(
                claim=claim,
                fingerprint=self._fingerprint(request),
                status=response.status_code,
                headers={name: response[name] for name in idempotency.REPLAYED_HEADERS if name in response},
                body=response.content,
            )
        else:
            idempotency.idempotency_release(claim=claim)
        return response

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            # A crash past DRF's handler: free the key, nothing was kept.
            if self._idempotency_claim is not None:
                idempotency.idempotency_release(claim=self._idempotency_claim)
                self._idempotency_claim = None


class RecordViewMixin(ExportMixin, IdempotencyMixin, RowVersionMixin):
    """What every viewset of records has: idempotent POSTs, versioned writes, and its list as
    a spreadsheet (``?format=csv|xlsx``, apps.core.api.exports)."""


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    at = serializers.DateTimeField()
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    user = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    changes = HistoryChangeSerializer(many=True)


class HistoryMixin:
    @extend_schema(
        summary="Change history",
        responses={200: OpenApiResponse(HistoryVersionSerializer(many=True))},
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="history", pagination_class=None, filter_backends=[])
    def history(self, request, *args, **kwargs):
        """Every version of the record, newest first: when, who, and each changed field's value
        before and after."""
        return Response(record_history(obj=self.get_object()))


def built_once_per_read(get_queryset):
    """``get_queryset`` built once per reading request, each caller getting its own copy.

    DRF calls a view's ``get_queryset()`` twice on every request: the model permissions read the
    model of the queryset, then the handler filters it. Building a scoped queryset (the user's
    organizations, shares, the people their cases make visible) is most of a read's Python time
    for lists of people. On GET, HEAD and OPTIONS, where nothing is written between the two
    calls, the second gets a copy (``.all()``) of the first: the same SQL, run afresh, sharing
    no fetched rows. Writes build it each time, as they may change what it would select.
    """

    @functools.wraps(get_queryset)
    def once(self):
        request = getattr(self, "request", None)
        if request is None or request.method not in permissions.SAFE_METHODS:
            return get_queryset(self)
        # Keyed by the function (a subclass calling super() has its own), the action and the
        # user, so a queryset built for another action or before authentication is never reused.
        key, user = (get_queryset, self.action), request.user
        built = self.__dict__.setdefault("_read_querysets", {})
        if key not in built or built[key][0] is not user:
            built[key] = (user, get_queryset(self))
        return built[key][1].all()

    once.built_once_per_read = True
    return once


class RowsCountedBy:
    """A list's rows (a ``.values()`` of ``counted``) that the paginator counts on ``counted``.

    Where ``count_with_page`` says the rows are few, a numbered page reads its total with its
    rows (``apps.core.api.policies.PageWithTotal``); otherwise, and for ``?page=last`` (which
    needs the number of pages first), the total is counted here.
    The rows' columns follow to-one relations (the case's reference, the authority's name),
    and Django's COUNT keeps those joins: for the proceedings of a caseworker's 1,700 cases,
    half the count's time. Such a join never adds or removes a row (a required relation is
    always there, an optional one is an outer join), so the records counted without them are
    the rows listed (tests/api/test_read_path.py compares them for every list using this).
    """

    def __init__(self, rows, counted, *, count_with_page: bool = False) -> None:
        self.rows, self.counted = rows, counted
        self.count_with_page = count_with_page  # the rows are few: PageWithTotal may count them
        self.model, self.ordered = rows.model, rows.ordered  # what Paginator looks at

    def count(self) -> int:
        return self.counted.count()

    def __getitem__(self, index):
        return self.rows[index]

    def __len__(self) -> int:
        return self.count()


class PublicIdViewSet(RecordViewMixin, AtomicWriteMixin, HistoryMixin, viewsets.ModelViewSet):
    """Records addressed by their public UUID: /api/v1/<resource>/<uuid>/, and its /history/."""

    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[^/]+"

    def paginate_rows(self, rows, *, counted):
        """The page of ``rows`` (a ``.values()`` of the queryset ``counted``) the request asks for,
        the list's total read with the page where the user sees few of them, otherwise counted
        on ``counted``: see ``RowsCountedBy``."""
        few = scoping.sees_few(rows.model, self.request.user)
        return self.paginate_queryset(RowsCountedBy(rows, counted, count_with_page=few))

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        get_queryset = cls.__dict__.get("get_queryset")
        if get_queryset is not None and not getattr(get_queryset, "built_once_per_read", False):
            cls.get_queryset = built_once_per_read(get_queryset)

    def check_object_writable(self, obj):
        # Visible is not writable: a case shared with a partner is theirs to read only.
        check_can_write(self.request.user, obj)
