from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Every change history is sealed in a hash chain (the access log registers itself).
        from django.db.models.signals import post_migrate

        from apps.core import custody

        custody.history_chains_register()
        post_migrate.connect(_chain_heads, sender=self)


def _chain_heads(sender, using="default", **kwargs) -> None:
    from apps.core import custody

    custody.heads_ensure(using=using)
