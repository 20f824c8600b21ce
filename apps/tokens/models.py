from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import PublicRecord


class ApiToken(PublicRecord):
    """A key an integration sends as ``Authorization: Bearer <token>``.

    Only the SHA-256 of the token is stored: a copy of the database (a backup, a leaked dump)
    must not hand out working keys. The token is shown once, when it is created.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(max_length=120, blank=True, help_text=_("What the token is for, e.g. “partner intake form”."), verbose_name=_("name"))
    prefix = models.CharField(max_length=12, editable=False, help_text=_("The first characters, to recognise a token."), verbose_name=_("prefix"))
    key_hash = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True, editable=False)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ, verbose_name=_("scope"))
    expires_at = models.DateTimeField(null=True, blank=True, help_text=_("Empty: never expires."), verbose_name=_("expires at"))
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("revoked at"))
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("last used at"))

    class Meta:
        verbose_name_plural = _("api tokens")
        verbose_name = _("API token")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        label = self.name or self.get_scope_display()
        return f"{self.prefix}… ({label}, {self.user})"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE
