"""The seeds' rules and Kim's deadline after load_seed; the admin's forms; notes stay internal."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from apps.cases.models import Case
from apps.deadlines.models import Deadline, DeadlineRule
from apps.deadlines.services import case_note_add, deadline_create_manual
from apps.dossiers.selectors import dossier_content
from tests.factories import CaseFactory, ProvisionFactory

pytestmark = pytest.mark.django_db


def test_load_seed_gives_kims_case_its_computed_appeal_deadline():
    call_command("load_seed", stdout=io.StringIO())
    kim = Case.objects.get(reference="CT-2013-0001")
    deadline = Deadline.objects.select_related("rule", "trigger").get(case=kim)
    assert deadline.rule.name == "Appeal against a refusal of temporary asylum"
    assert deadline.trigger.description == "Temporary asylum refused."
    # The refusal is known to the month (January 2016): 1 January + 30 days is a Sunday.
    assert (deadline.due_on, deadline.trigger_inexact, deadline.state) == (dt.date(2016, 2, 1), True, "open")
    assert deadline.unverified
    readmission = DeadlineRule.objects.get(name__startswith="Deportation under the readmission agreement")
    # The agreement's own 30 days, read from the provision (not copied), quoted from a source.
    assert (readmission.offset, readmission.figure, readmission.verified) == (None, 30, True)


def change_form_data(client, url):
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    return {name: value for name, value in data.items() if value is not None}


def test_a_date_set_by_hand_without_a_reason_is_refused_beside_the_field(client, desk):
    client.force_login(desk.user)
    deadline = deadline_create_manual(case=CaseFactory(organization=desk.home), title="Hearing",
                                      due_on=dt.date(2026, 12, 10))
    url = f"/admin/deadlines/deadline/{deadline.pk}/change/"
    data = change_form_data(client, url)
    data.update(override_due_on="2026-12-12", override_reason="")
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Say why the due date is set by hand." in str(errors)
    deadline.refresh_from_db()
    assert deadline.override_due_on is None
    data.update(override_reason="The court moved the hearing.")
    assert client.post(url, data).status_code == 302
    deadline.refresh_from_db()
    assert deadline.due_on == dt.date(2026, 12, 12)


def test_a_rule_without_any_figure_is_refused_in_the_admin_with_the_reason(admin_client):
    provision = ProvisionFactory(time_limit_days=None)
    response = admin_client.post("/admin/deadlines/deadlinerule/add/", {
        "name": "Appeal", "active": "on", "event_kind": "decision", "unit": "calendar_days",
        "roll_forward": "on", "provision": provision.pk,
    })
    assert response.status_code == 200
    assert "The provision sets no time limit" in str(response.context["adminform"].form.errors)
    assert not DeadlineRule.objects.exists()


def test_the_rules_list_says_unverified_in_words(admin_client):
    from apps.deadlines.services import deadline_rule_create

    deadline_rule_create(name="Appeal against a refusal", event_kind="decision", offset=30)
    page = admin_client.get("/admin/deadlines/deadlinerule/").content.decode()
    assert "unverified" in page


def test_internal_notes_never_reach_a_dossier():
    case = CaseFactory()
    case_note_add(case=case, text="Client is afraid of the interpreter.")
    for level in ("public", "legal", "full"):
        assert "afraid of the interpreter" not in json.dumps(dossier_content(case=case, level=level), default=str)
