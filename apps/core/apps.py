from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core.signals import setting_changed
        from django.db.models.signals import post_migrate, pre_save

        from apps.core import custody
        from apps.core.models import choice_labels_forget

        # Every change history is sealed in a hash chain (the access log registers itself).
        custody.history_chains_register()
        post_migrate.connect(_chain_heads, sender=self)
        setting_changed.connect(choice_labels_forget, dispatch_uid="core-choice-labels-forget")
        pre_save.connect(_fixture_rows_make_no_history, dispatch_uid="core-fixture-rows-no-history")
        _permission_changes_connect()


def _permission_changes_connect() -> None:
    """Every change that can change what a user may do makes the cached permissions stale
    (apps.core.permission_cache)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

    from apps.core import permission_cache

    User = get_user_model()
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(permission_cache.bump, sender=through, dispatch_uid=f"permissions-{through.__name__}")
    # Migrations (the roles' data migrations) change permissions through historical models,
    # whose signals name other senders: every migrate makes the cached permissions stale.
    post_migrate.connect(permission_cache.bump_after_migrate, dispatch_uid="permissions-migrated")
    for model in (Group, Permission):
        post_save.connect(permission_cache.bump, sender=model, dispatch_uid=f"permissions-saved-{model.__name__}")
        post_delete.connect(permission_cache.bump, sender=model, dispatch_uid=f"permissions-deleted-{model.__name__}")


def _chain_heads(sender, using="default", **kwargs) -> None:
    from apps.core import custody

    custody.heads_ensure(using=using)


def _fixture_rows_make_no_history(sender, instance, raw=False, **kwargs) -> None:
    # loaddata saves raw: a fixture brings its rows' history (and their links) with it, so
    # loading must not write versions of its own. django-simple-history already skips a raw
    # save, but not the many-to-many lists loaddata sets right after it on the same instance
    # (a case's subjects), which would add a "changed" version and its m2m rows, sealed. The
    # flag is the one simple-history reads for both.
    if raw:
        instance.skip_history_when_saving = True
