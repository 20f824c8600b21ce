"""Policies named in settings.REST_FRAMEWORK: JSON parsing, model permissions, pagination.

DRF imports these classes while ``rest_framework.views`` is loading, so this module must not
import DRF's views (or anything that does). The token-scope permission is the tokens app's.
"""

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


class StrictJSONParser(parsers.JSONParser):
    """JSON, refusing text that no database column can hold (NUL, lone surrogates)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _has_unstorable_text(data):
            raise exceptions.ParseError("JSON parse error - strings may not contain NUL or unpaired surrogates.")
        return data


# -- authorization ----------------------------------------------------------------------------


class ModelPermissions(permissions.DjangoModelPermissions):
    """Django's model permissions, with the view permission required for reads."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


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
