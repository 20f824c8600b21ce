"""apps.core.audit, the port: the access app plugs its log in; without a log, nothing is read."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from apps.access.models import AccessLog
from apps.access.services import AccessLogRecorder
from apps.core import audit
from apps.people.models import ProtectedIdentity
from apps.people.services import individual_identity_erase
from tests.factories import CaseFactory, MembershipFactory, ProtectedIdentityFactory, SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_recorder():
    """No access log installed, as in a deployment without apps.access; the real one after."""
    installed = audit._recorder
    audit.recorder_install(None)
    yield
    audit.recorder_install(installed)
    assert audit._recorder is installed


def test_the_access_app_installs_its_log_as_the_recorder():
    assert isinstance(audit._recorder, AccessLogRecorder)


def test_a_record_goes_to_the_access_log_under_the_organization_holding_the_object():
    case = CaseFactory()
    user = MembershipFactory(organization=case.organization).user

    returned = audit.record(user=user, action=audit.SensitiveAction.EXPORT, obj=case, detail={"format": "csv"})

    entry = AccessLog.objects.get()
    assert entry == returned
    assert (entry.user, entry.username, entry.action, entry.organization) == (
        user, user.username, "export", case.organization
    )
    assert (entry.object_type, entry.object_id, entry.detail) == ("cases.case", str(case.pk), {"format": "csv"})


def test_without_a_recorder_record_raises_improperly_configured(no_recorder):
    case = CaseFactory()
    with pytest.raises(ImproperlyConfigured, match="No access log is installed"):
        audit.record(user=SuperuserFactory(), action=audit.SensitiveAction.EXPORT, obj=case)
    assert not AccessLog.objects.exists()


def test_without_a_recorder_api_reads_raise_improperly_configured(no_recorder):
    request = RequestFactory().get("/api/v1/individuals/")
    request.user = SuperuserFactory()
    with pytest.raises(ImproperlyConfigured):
        audit.record_api_reads(request=request, records=[CaseFactory().subjects.get()])


def test_without_a_recorder_an_erasure_fails_closed_and_erases_nothing(no_recorder):
    identity = ProtectedIdentityFactory(legal_name="Quillfeather Zhvania")
    with pytest.raises(ImproperlyConfigured):
        individual_identity_erase(individual=identity.individual, by=SuperuserFactory(), reason="Asked by Kim")
    assert ProtectedIdentity.objects.get(pk=identity.pk).legal_name == "Quillfeather Zhvania"


def test_an_installed_recorder_receives_every_argument(monkeypatch):
    calls = []

    class Recorder:
        def record(self, **kwargs):
            calls.append(kwargs)
            return "entry"

        def record_api_reads(self, *, request, records):
            return records

    monkeypatch.setattr(audit, "_recorder", Recorder())
    case = CaseFactory()
    assert audit.record(user=None, action="export", obj=case) == "entry"
    assert calls == [
        {"user": None, "action": "export", "obj": case, "organization": None, "detail": None, "request": None}
    ]
    assert audit.record_api_reads(request=None, records=iter([case])) == [case]
