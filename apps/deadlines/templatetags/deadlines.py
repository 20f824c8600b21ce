from django import template

from apps.deadlines.display import deadline_due_words, verification_badge

register = template.Library()


@register.filter
def due_words(deadline):
    """``{{ deadline|due_words }}``: "2016-02-29 — overdue by 3,900 days", coloured by its class."""
    return deadline_due_words(deadline)


@register.filter
def source_badge(deadline):
    """"unverified" in words when no stored source supports the rule's figure; "set by hand" for manual ones."""
    if deadline.rule_id is None:
        return ""
    return verification_badge(not deadline.unverified)
