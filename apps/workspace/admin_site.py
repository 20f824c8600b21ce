"""The admin site: Django's, with the apps in the order a caseworker uses them.

Installed through ``CasetrackerAdminConfig`` (below, in INSTALLED_APPS in
place of ``django.contrib.admin``), so ``admin.site`` everywhere is this site. The start page's
content (the day's dashboard) is another matter; the order of the apps is ``app_order`` alone.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

# The caseworker's work first, in the order of a day; the administrator's tools last.
APP_ORDER = ("cases", "proceedings", "sources", "people", "agreements", "dossiers")
ADMINISTRATION_LAST = ("access", "tokens", "auth", "axes")
# Within an app, the records worked on most first (the rest alphabetically after them).
MODEL_ORDER = {
    "cases": ("case", "fact", "caseshare"),
    "proceedings": ("proceeding", "proceedingevent"),
    "sources": ("article", "citation"),
    "people": ("individual", "alias", "organization", "protectedidentity"),
    "agreements": ("agreement", "provision"),
}


def _rank(order: tuple[str, ...], name: str) -> int:
    return order.index(name) if name in order else len(order)


def app_order(app_list: list[dict]) -> list[dict]:
    """The admin's app list (index page and navigation) ordered for a caseworker: their apps
    first (cases, proceedings, sources, people, agreements, dossiers), any other next, the
    administrator's (access control, API tokens, authentication, lock-outs) last."""

    def app_key(app):
        label = app["app_label"]
        if label in ADMINISTRATION_LAST:
            return (2, ADMINISTRATION_LAST.index(label), "")
        if label in APP_ORDER:
            return (0, APP_ORDER.index(label), "")
        return (1, 0, str(app["name"]))

    ordered = sorted(app_list, key=app_key)
    for app in ordered:
        order = MODEL_ORDER.get(app["app_label"], ())
        app["models"].sort(key=lambda model: (_rank(order, model["object_name"].lower()), str(model["name"])))
    return ordered


class CasetrackerAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        return app_order(super().get_app_list(request, app_label))


class CasetrackerAdminConfig(AdminConfig):
    """Django's admin with the site above; in INSTALLED_APPS in place of django.contrib.admin."""

    default_site = "apps.workspace.admin_site.CasetrackerAdminSite"
