import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.tokens.models import ApiToken
from apps.tokens.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.READ)
        parser.add_argument("--expires-in-days", type=int, default=None, dest="expires_in_days")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args, username, scope, expires_in_days, name, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        expires_at = None
        if expires_in_days is not None:
            if expires_in_days < 1:
                raise CommandError("--expires-in-days must be at least 1.")
            expires_at = timezone.now() + dt.timedelta(days=expires_in_days)
        try:
            record, token = api_token_create(user=user, scope=scope, name=name, expires_at=expires_at)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stderr.write(
            f"Created {record.get_scope_display().lower()} token {record.prefix}… for {username}"
            + (f", expiring {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else "")
            + ". Copy it now: it is not shown again."
        )
        # The token alone on stdout, so that scripts can capture it.
        self.stdout.write(token)
