"""The one place every screen asks which records a user may see and where they may write.

Each app declares the rule for its own models, in its ``scoping.py``, registered when the app
is ready (its ``AppConfig.ready``): this module dispatches to those rules and knows no model.
So the lowest layer decides nothing about the domain, yet every read — admin querysets,
choices and autocomplete, API selectors, dossiers, mention suggestions — asks the same
function and a rule changed in its app holds everywhere.

The rules themselves, for people, are in docs/permissions.md; in short: a superuser sees
everything; anyone else sees what their organizations hold plus what is shared with them;
inactive and anonymous users see nothing; reference material (articles, agreements,
organizations) is visible to every active signed-in user; writes only go into the user's own
organizations.

Every rule returns a lazy queryset built from subqueries, so it composes with further filters
and costs one query when evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

UserRule = Callable[[object], QuerySet]


@dataclass(frozen=True)
class Rule:
    """How the records of one model are scoped.

    ``visible(user)``: the records ``user`` may see (superusers never reach it).
    ``writable(user)``: the records new records of ``user`` may point to; defaults to visible
    (narrower for what a case holds: a shared case is visible, not writable).
    ``can_write(user, obj)``: whether ``user`` may change or delete ``obj``; defaults to yes,
    leaving reference material to the model permissions.
    ``holder(obj)``: the organization holding ``obj``, for the access log; defaults to none.
    ``holders(objs)``: the same for many records at once, as ``{pk: organization id}``, so a
    page of records is logged in constant queries.
    ``few(user)``: whether the records ``user`` sees are few (a bounded number, counted with a
    limit), so that a list of them may be counted with its page (apps.core.api.policies);
    defaults to no: unknown, they are counted apart.
    ``condition(user)``: the visible records as a filter on the model's own rows (a ``Q``),
    where the rule can say it so; :func:`scoped` then filters by it directly instead of by
    ``pk IN (the visible records)``, a subquery over the whole table that PostgreSQL runs
    before it can use the list's index.
    """

    visible: UserRule
    writable: UserRule | None = None
    can_write: Callable[[object, models.Model], bool] | None = None
    holder: Callable[[models.Model], models.Model | None] | None = None
    holders: Callable[[list[models.Model]], dict] | None = None
    condition: Callable[[object], models.Q] | None = None
    few: Callable[[object], bool] | None = None


_RULES: dict[type[models.Model], Rule] = {}


def register(model: type[models.Model], **rule) -> None:
    """Declare how ``model`` is scoped (see :class:`Rule`); called from the owning app's ready()."""
    if model in _RULES:
        raise LookupError(f"{model._meta.label} already has a visibility rule.")
    _RULES[model] = Rule(**rule)


def is_active(user) -> bool:
    """Whether ``user`` is signed in and active: nobody else sees anything."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def sees_everything(user) -> bool:
    """Whether ``user`` is an active superuser."""
    return is_active(user) and user.is_superuser


def everyone_active(model: type[models.Model]) -> UserRule:
    """The rule for reference material: every record, for any active signed-in user."""

    def visible(user) -> QuerySet:
        return model._default_manager.all() if is_active(user) else model._default_manager.none()

    # scoped() reads this: such a rule narrows nothing for an active user, so a list needs no
    # "id IN (SELECT id FROM …)" over the whole table (which PostgreSQL does not see through).
    visible.everyone_active = True
    return visible


def _rule(model) -> Rule:
    try:
        return _RULES[model]
    except KeyError:
        raise LookupError(
            f"No visibility rule for {model._meta.label}; register one in its app's scoping.py"
        ) from None


def is_scoped(model) -> bool:
    """Whether a visibility rule is declared for ``model``."""
    return model in _RULES


def visible(model, user) -> QuerySet:
    """The records of ``model`` that ``user`` may see."""
    if sees_everything(user):
        return model._default_manager.all()
    if not is_active(user):
        return model._default_manager.none()
    return _rule(model).visible(user)


def sees_few(model, user) -> bool:
    """Whether ``user`` sees few records of ``model``, as its rule judges (``Rule.few``).

    Nobody is known to see few of everything: a superuser, reference material and a model
    whose rule does not say are "not few". An inactive user sees none, which is few.
    """
    if not is_active(user):
        return True
    if user.is_superuser:
        return False
    rule = _rule(model)
    return rule.few is not None and rule.few(user)


def scoped(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` narrowed to the records ``user`` may see, keeping its joins and prefetches.

    For selectors: ``return scoped(Case.objects.select_related("organization"), user)``.
    """
    if sees_everything(user):
        return queryset
    if not is_active(user):
        return queryset.none()
    rule = _rule(queryset.model)
    if getattr(rule.visible, "everyone_active", False):
        return queryset
    if rule.condition is not None:
        return queryset.filter(rule.condition(user))
    return queryset.filter(pk__in=visible(queryset.model, user).values("pk"))


def visible_condition(model, user, *, through: str) -> models.Q:
    """A filter, on another model, keeping rows whose ``through`` relation is visible to ``user``.

    ``Q(fact__case_id__in=…)`` rather than ``Q(fact__in=<every visible fact>)`` where the
    rule of ``model`` states a condition, so that the planner joins the relation it already
    joins instead of reading the whole table of ``model``. Call it for an active user who is
    not a superuser (``scoped`` has decided those).
    """
    rule = _rule(model)
    if rule.condition is None:
        return models.Q(**{f"{through}__in": visible(model, user)})
    return _prefixed(rule.condition(user), through)


def _prefixed(condition: models.Q, prefix: str) -> models.Q:
    prefixed = models.Q()
    prefixed.connector, prefixed.negated = condition.connector, condition.negated
    prefixed.children = [
        _prefixed(child, prefix) if isinstance(child, models.Q) else (f"{prefix}__{child[0]}", child[1])
        for child in condition.children
    ]
    return prefixed


def writable(model, user) -> QuerySet:
    """The records of ``model`` that new records of ``user`` may be attached to."""
    if sees_everything(user):
        return model._default_manager.all()
    if not is_active(user):
        return model._default_manager.none()
    rule = _rule(model)
    return (rule.writable or rule.visible)(user)


def scoped_writable(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` narrowed to the records new records of ``user`` may point to."""
    if sees_everything(user):
        return queryset
    return queryset.filter(pk__in=writable(queryset.model, user).values("pk"))


def can_write(user, obj) -> bool:
    """Whether ``user`` may change or delete ``obj``, judged by the organization holding it.

    Reference material is held by no organization: model permissions alone decide who changes it.
    """
    if not is_active(user):
        return False
    if user.is_superuser:
        return True
    rule = _RULES.get(type(obj))
    if rule is None or rule.can_write is None:
        return True
    return rule.can_write(user, obj)


def check_can_write(user, obj) -> None:
    """Raise PermissionDenied unless ``user`` may write ``obj`` (see :func:`can_write`)."""
    if not can_write(user, obj):
        raise PermissionDenied(_("This record belongs to an organization you are not a member of."))


def organization_holding(obj):
    """The organization that holds ``obj`` (its case's, for what a case holds), or None."""
    if obj is None:
        return None
    rule = _RULES.get(type(obj))
    if rule is None or rule.holder is None:
        return None
    return rule.holder(obj)


def organization_ids_holding(objs: Iterable[models.Model]) -> dict:
    """``{pk: organization id}`` for records of one model, in constant queries where the rule allows."""
    objs = list(objs)
    if not objs:
        return {}
    rule = _RULES.get(type(objs[0]))
    if rule is not None and rule.holders is not None:
        return rule.holders(objs)
    holders = {}
    for obj in objs:
        organization = organization_holding(obj)
        holders[obj.pk] = organization.pk if organization is not None else None
    return holders
