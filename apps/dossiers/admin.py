from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered

from apps.cases.models import Case
from apps.dossiers.admin_views import generate_dossiers
from apps.dossiers.models import DossierGeneration


@admin.register(DossierGeneration)
class DossierGenerationAdmin(admin.ModelAdmin):
    """The record of dossiers handed out: read-only, as an audit trail must be."""

    list_display = ("generated_at", "case_reference", "format", "level", "channel", "generated_by", "size")
    list_filter = ("format", "level", "channel")
    search_fields = ("case_reference", "digest", "file_sha256", "generated_by__username")
    date_hierarchy = "generated_at"
    list_select_related = ("generated_by",)
    readonly_fields = [field.name for field in DossierGeneration._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _add_case_action() -> None:
    """Offer "Generate dossiers" on the case list without editing apps/cases/admin.py.

    apps.cases comes before apps.dossiers in INSTALLED_APPS, so its admin is registered by the
    time this module is imported. The action is added to that CaseAdmin instance only if it
    is not there already (e.g. listed in CaseAdmin.actions).
    """
    try:
        case_admin = admin.site.get_model_admin(Case)
    except NotRegistered:
        return
    actions = list(case_admin.actions or ())
    if generate_dossiers not in actions and "generate_dossiers" not in actions:
        case_admin.actions = [*actions, generate_dossiers]


_add_case_action()
