from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Every change history is sealed in a hash chain (the access log registers itself).
        from apps.core import custody

        custody.history_chains_register()
