"""Sessions follow the account: remembered at sign-in, ended when it is deactivated.

Deactivating a user (``is_active`` set to false, in the admin or anywhere else) ends every
session they signed in with and revokes their API tokens, once the change is committed — an
account switched off must stop working at once, not when its sessions expire.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver

from apps.access.models import SignedInSession
from apps.access.two_factor import user_session_remember, user_sessions_end
from apps.tokens.models import ApiToken
from apps.tokens.services import api_token_revoke


@receiver(user_logged_in, dispatch_uid="access-remember-session")
def _remember_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        user_session_remember(user=user, session=request.session)


@receiver(user_logged_out, dispatch_uid="access-forget-session")
def _forget_session(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        SignedInSession.objects.filter(session_key=request.session.session_key).delete()


def user_access_end(*, user) -> None:
    """End ``user``'s sessions and revoke their active API tokens (a deactivated account)."""
    user_sessions_end(user=user)
    for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
        api_token_revoke(token=token)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="access-deactivation-ends-access")
def _deactivation_ends_access(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance.is_active:
        return
    was_active = get_user_model()._default_manager.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        transaction.on_commit(lambda: user_access_end(user=instance))
