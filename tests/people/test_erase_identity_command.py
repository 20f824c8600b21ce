import pytest
from django.core.management import CommandError, call_command

from apps.access.models import AccessLog
from apps.people.models import ProtectedIdentity
from tests.factories import ProtectedIdentityFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_erases_the_identity_and_logs_who_and_why():
    identity = ProtectedIdentityFactory(legal_name="Distinctive Legal Name", email="x@example.org")
    officer = SuperuserFactory(username="officer")
    call_command("erase_identity", str(identity.individual.public_id), reason="The person asked", by="officer")
    stored = ProtectedIdentity.objects.get(pk=identity.pk)
    assert (stored.legal_name, stored.email, stored.date_of_birth) == ("", "", None)
    entry = AccessLog.objects.get(action=AccessLog.Action.ERASE_PROTECTED)
    assert entry.user == officer
    assert entry.detail["reason"] == "The person asked"
    assert "Distinctive Legal Name" not in str(entry.detail)


@pytest.mark.parametrize(
    ("individual", "by", "message"),
    [
        ("not-a-uuid", "officer", "No individual"),
        ("00000000-0000-0000-0000-000000000000", "officer", "No individual"),
        (None, "nobody", "No active user"),
        (None, "clerk", "permission"),
    ],
)
def test_it_refuses_with_a_reason_and_erases_nothing(individual, by, message):
    identity = ProtectedIdentityFactory(legal_name="Kept Name")
    SuperuserFactory(username="officer")
    UserFactory(username="clerk")
    with pytest.raises(CommandError, match=message):
        call_command("erase_identity", individual or str(identity.individual.public_id), reason="asked", by=by)
    assert ProtectedIdentity.objects.get(pk=identity.pk).legal_name == "Kept Name"
    assert not AccessLog.objects.filter(action=AccessLog.Action.ERASE_PROTECTED).exists()
