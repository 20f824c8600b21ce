from django.contrib import admin

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
