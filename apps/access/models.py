"""Who belongs to which organization, and who looked at what."""

from django.conf import settings
from django.db import models, router, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.audit import SensitiveAction


class Membership(models.Model):
    """A user works for an organization and sees the cases it holds.

    Roles (caseworker, supervisor…) are Django groups and apply to every organization the user
    belongs to; the membership only decides *which* records the role applies to.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    organization = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organization")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.organization}"


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The access log is append-only: entries cannot be changed.")

    def delete(self):
        raise TypeError(
            "The access log is append-only: entries are pruned only by access_log_prune, "
            "which leaves a signed link in the audit chain."
        )


class AccessLog(models.Model):
    """One sensitive read or export: who, when, what. Never holds the protected values themselves.

    Append-only: the model refuses to save an existing entry and the queryset refuses ``update``;
    nobody deletes entries in the admin, superusers included. Each entry is sealed in a hash
    chain (apps.core.custody); retention pruning (``access_log_prune``) leaves a signed link.
    """

    # The actions are the audit port's, so that lower apps name them without importing this one.
    Action = SensitiveAction

    at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("at"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("user")
    )
    # Kept as text too: the entry must still say who it was after the account is deleted.
    username = models.CharField(max_length=150, blank=True, verbose_name=_("username"))
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True, verbose_name=_("action"))
    object_type = models.CharField(max_length=100, blank=True, help_text=_("app_label.model"), verbose_name=_("object type"))
    object_id = models.CharField(max_length=64, blank=True, verbose_name=_("object id"))
    object_repr = models.CharField(max_length=200, blank=True, verbose_name=_("object repr"))
    organization = models.ForeignKey(
        "people.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The organization whose record was read: its supervisors and auditors see the entry."), verbose_name=_("organization"),
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("ip address"))
    detail = models.JSONField(default=dict, blank=True, verbose_name=_("detail"))

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log")
        verbose_name_plural = _("access logs")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="accesslog_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or 'anonymous'}: {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The access log is append-only: entries cannot be changed.")
        # The entry and its link in the audit chain (sealed on post-save) commit together.
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self)), savepoint=False):
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The access log is append-only: entries are pruned only by access_log_prune.")


class SignedInSession(models.Model):
    """A session a user signed in with, so that it can be ended when the account is deactivated
    or its second factor reset — whatever the session backend (database, cache or Redis),
    which cannot be searched by user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_in_at"]

    def __str__(self) -> str:
        return f"{self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"
