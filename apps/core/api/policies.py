"""Policies named in settings.REST_FRAMEWORK: JSON parsing, model permissions, pagination.

DRF imports these classes while ``rest_framework.views`` is loading, so this module must not
import DRF's views (or anything that does). The token-scope permission is the tokens app's.
"""

from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, parsers, permissions

# -- parsing ----------------------------------------------------------------------------------


def _has_unstorable_text(value) -> bool:
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, from a "\ud800" escape
            return True
        return False
    if isinstance(value, dict):
        return any(_has_unstorable_text(k) or _has_unstorable_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_unstorable_text(item) for item in value)
    return False


# No request of this API nests deeper than a few levels (a fact's citations: 3); far deeper is
# an attack on the recursive walks of every layer, and past ~1000 a RecursionError (a 500).
MAX_JSON_DEPTH = 32


def _depth(value) -> int:
    """How deeply lists and objects nest in ``value`` (iterative: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                break
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


class StrictJSONParser(parsers.JSONParser):
    """JSON, refusing text that no database column can hold (NUL, lone surrogates) and nesting
    deeper than MAX_JSON_DEPTH."""

    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = exceptions.ParseError(
            _("JSON parse error - nested deeper than %(MAX_JSON_DEPTH)s levels.")
            % {"MAX_JSON_DEPTH": MAX_JSON_DEPTH}
        )
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if _depth(data) > MAX_JSON_DEPTH:
            raise too_deep
        if _has_unstorable_text(data):
            raise exceptions.ParseError(
                _("JSON parse error - strings may not contain NUL or unpaired surrogates.")
            )
        return data


# -- authorization ----------------------------------------------------------------------------


class ModelPermissions(permissions.DjangoModelPermissions):
    """Django's model permissions, with the view permission required for reads.

    DRF finds the model by building the view's queryset, which for a scoped read is most of
    the work of building it (the user's organizations, shares…); a view that names its
    ``permission_model`` is spared that. Which permission is needed depends only on the model.
    """

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def _queryset(self, view):
        model = getattr(view, "permission_model", None)
        if model is not None:
            return model._default_manager.none()
        return super()._queryset(view)


# -- pagination -------------------------------------------------------------------------------


class PageNumberPagination(pagination.PageNumberPagination):
    """Numbered pages for lists that stay short (cases, people, proceedings…)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class CursorPagination(pagination.CursorPagination):
    """Cursors for lists that grow without limit: no request ever counts the table."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-created_at",)
