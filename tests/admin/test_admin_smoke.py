"""Every registered model's changelist, add and change page opens for a superuser.

The models come from the admin site itself, so a model registered later is covered without
touching this file; it only needs a factory named <Model>Factory in tests/factories.py.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def make_instance(model):
    if model is Group:
        return Group.objects.create(name="Caseworkers")
    factory = getattr(factories, f"{model.__name__}Factory", None)
    assert factory is not None, (
        f"Add a {model.__name__}Factory to tests/factories.py for the admin smoke test."
    )
    return factory()


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_admin_page_opens_for_a_superuser(admin_client, rf, superuser, model):
    instance = make_instance(model)

    changelist = admin_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1

    # Records that are written only by the system (logs) have no add page, by design.
    request = rf.get("/")
    request.user = superuser
    addable = admin.site._registry[model].has_add_permission(request)
    assert admin_client.get(admin_url(model, "add")).status_code == (200 if addable else 403)
    assert admin_client.get(admin_url(model, "change", instance.pk)).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_changelist_search_answers(admin_client, model):
    make_instance(model)
    response = admin_client.get(admin_url(model, "changelist"), {"q": "Kim 김"})
    assert response.status_code == 200


def test_every_domain_app_has_its_models_registered():
    from django.apps import apps

    domain_models = [
        model
        for app in ("people", "cases", "proceedings", "agreements", "sources", "documents")
        for model in apps.get_app_config(app).get_models()
    ]
    # The change history's own tables (django-simple-history) are browsed from each record;
    # an article's original as received is shown, read-only, on the article's page: it is
    # never edited, so it has no page of its own. The blind index of names holds keyed
    # digests only, written by the services: nothing a person could read or edit.
    shown_elsewhere = {"sources.ArticleOriginal", "people.NameKey"}
    missing = [
        model._meta.label for model in domain_models
        if model not in admin.site._registry and not model.__name__.startswith("Historical")
        and model._meta.label not in shown_elsewhere
    ]
    assert missing == []


DOMAIN_APPS = {"people", "cases", "proceedings", "agreements", "sources"}


def changelist_queries(client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(admin_url(model, "changelist")).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "model",
    [model for model in REGISTERED if model._meta.app_label in DOMAIN_APPS],
    ids=lambda model: model._meta.label,
)
def test_a_changelist_costs_the_same_queries_for_one_row_or_many(admin_client, model):
    make_instance(model)
    one = changelist_queries(admin_client, model)
    for _ in range(4):
        make_instance(model)
    assert changelist_queries(admin_client, model) == one
