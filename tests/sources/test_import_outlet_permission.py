import pytest
from django.contrib.auth.models import Permission

from apps.people.models import Organization
from apps.sources.ingestion.decoding import ImportRejected
from apps.sources.ingestion.importer import article_import
from apps.sources.models import Article
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEXT = "A new outlet reports.\n\nThe Federal Migration Service refused temporary asylum to Kim."


def test_an_unknown_outlet_is_recorded_only_by_someone_who_may_add_organizations():
    caseworker = UserFactory()
    with pytest.raises(ImportRejected) as error:
        article_import(content=TEXT, outlet="Amur Daily", added_by=caseworker)
    assert error.value.reason == "no_outlet"
    assert "may not add organizations" in error.value.messages[0]
    assert not Article.objects.exists()
    assert not Organization.objects.filter(name="Amur Daily").exists()

    caseworker.user_permissions.add(Permission.objects.get(codename="add_organization"))
    caseworker = type(caseworker).objects.get(pk=caseworker.pk)  # permissions are cached per object
    result = article_import(content=TEXT, outlet="Amur Daily", added_by=caseworker)
    assert result.status == "created"
    assert result.article.outlet.kind == Organization.Kind.NEWS_OUTLET
