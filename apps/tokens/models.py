from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.core.models import PublicRecord


class ApiToken(PublicRecord):
    """A key an integration sends as ``Authorization: Bearer <token>``.

    Only the SHA-256 of the token is stored: a copy of the database (a backup, a leaked dump)
    must not hand out working keys. The token is shown once, when it is created.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=120, blank=True, help_text="What the token is for, e.g. “partner intake form”.")
    prefix = models.CharField(max_length=12, editable=False, help_text="The first characters, to recognise a token.")
    key_hash = models.CharField("SHA-256 of the token", max_length=64, unique=True, editable=False)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"
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
