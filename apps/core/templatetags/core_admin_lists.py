"""Template tags for the changelists of apps/core/admin_lists.py."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from apps.core.admin_lists import date_hierarchy, result_list

register = template.Library()


@register.tag(name="date_hierarchy")
def date_hierarchy_tag(parser, token):
    """``{% date_hierarchy cl %}``: Django's date_hierarchy.html, from the months the list was counted by."""
    return InclusionAdminNode(
        parser, token, func=date_hierarchy, template_name="date_hierarchy.html", takes_context=False
    )


@register.tag(name="result_list")
def result_list_tag(parser, token):
    """``{% result_list cl %}``: Django's change_list_results.html, the rows rendered by
    :func:`apps.core.admin_lists.result_rows`."""
    return InclusionAdminNode(
        parser, token, func=result_list, template_name="change_list_results.html", takes_context=False
    )
