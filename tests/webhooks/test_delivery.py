"""A case change reaches an integration as one signed POST, which it verifies; retries; rollbacks."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.db import transaction

from apps.cases.services import case_open, case_update
from apps.jobs.runner import thread_runner
from apps.webhooks import signing
from apps.webhooks.models import WebhookDelivery
from apps.webhooks.services import body_of, delivery_attempt, event_publish
from tests.browser.conftest import roles_restore
from tests.factories import IndividualFactory, OrganizationFactory
from tests.webhooks.conftest import subscribe


def _open_case(organization, title="Asylum appeal"):
    return case_open(
        title=title,
        organization=organization,
        subjects=[IndividualFactory(pseudonym="Kim")],
        opened_on=dt.date(2016, 1, 28),
    )


def _documented_verify():
    """The receiver's check exactly as docs/api.md prints it (section 7), so the docs stay right."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    section = text[text.index("## 7. Webhooks") : text.index("## Changes")]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "docs/api.md", "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["verify"]


def _verify_as_a_receiver(request: dict, secret: str) -> dict:
    """What an integration does with a request: check the signature (the docs' code, with the
    headers as its web framework gives them, lower-cased), then read the JSON."""
    headers = {name.lower(): value for name, value in request["headers"].items()}
    _documented_verify()(secret, headers, request["body"])
    signing.verify(secret=secret, headers=request["headers"], body=request["body"])
    return json.loads(request["body"])


def test_the_documented_check_refuses_a_changed_body_another_secret_and_an_old_request():
    verify = _documented_verify()
    secret = signing.secret_new()
    headers = signing.headers(secret=secret, msg_id="msg_1", body=b'{"a":1}')
    verify(secret, headers, b'{"a":1}')
    for bad_secret, body, stamp in [
        (secret, b'{"a":2}', headers["webhook-timestamp"]),
        (signing.secret_new(), b'{"a":1}', headers["webhook-timestamp"]),
        (secret, b'{"a":1}', str(int(headers["webhook-timestamp"]) - 600)),
    ]:
        with pytest.raises(ValueError):
            verify(bad_secret, {**headers, "webhook-timestamp": stamp}, body)


@pytest.mark.django_db(transaction=True)
def test_a_case_change_delivers_one_signed_post_the_integration_verifies(receiver):
    roles_restore()
    organization = OrganizationFactory(name="Memorial")
    case = _open_case(organization)
    subscription, secret = subscribe(organization, receiver.url, events=["case.changed"])

    case_update(case=case, status="monitoring", priority=30)

    assert thread_runner().wait_idle(timeout=30)
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request["path"] == "/hooks/casetracker"
    payload = _verify_as_a_receiver(request, secret)
    assert payload["type"] == "case.changed"
    assert payload["organization"] == str(organization.public_id)
    assert payload["data"] == {
        "object": "case",
        "id": str(case.public_id),
        "reference": case.reference,
        "changed": ["status", "priority"],
        "url": f"/api/v1/cases/{case.reference}/",
    }
    # Names and pseudonyms never leave: the subject is "Kim", the title "Asylum appeal".
    assert b"Kim" not in request["body"] and b"Asylum" not in request["body"]
    delivery = WebhookDelivery.objects.get()
    assert request["headers"]["webhook-id"] == str(delivery.public_id)
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.response_snippet == "ok"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing(receiver):
    roles_restore()
    organization = OrganizationFactory(name="Memorial")
    case = _open_case(organization)
    subscribe(organization, receiver.url, events=["case.changed"])

    with pytest.raises(RuntimeError), transaction.atomic():
        case_update(case=case, status="monitoring")
        raise RuntimeError("the request failed after the write")

    assert thread_runner().wait_idle(timeout=30)
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_receiver_error_is_retried_with_back_off_until_it_succeeds(receiver, settings):
    roles_restore()
    settings.WEBHOOK_RETRY_SCHEDULE = (0.2, 0.4, 0.8)
    receiver.statuses = [500, 503]
    organization = OrganizationFactory(name="Memorial")
    subscription, secret = subscribe(organization, receiver.url, events=["case.created"])

    _open_case(organization)

    assert receiver.wait_for(3, timeout=30)
    assert thread_runner().wait_idle(timeout=30)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        "delivered",
        3,
        200,
        "",
    )
    ids = {request["headers"]["webhook-id"] for request in receiver.requests}
    assert ids == {str(delivery.public_id)}  # one message, three attempts
    for request in receiver.requests:
        _verify_as_a_receiver(request, secret)
    # The jobs were started after the schedule's waits, each a new job.
    from apps.jobs.models import Job

    jobs = list(Job.objects.filter(kind="webhook_deliver").order_by("created_at"))
    assert len(jobs) == 3
    assert [job.state for job in jobs] == ["succeeded"] * 3


def test_a_receiver_that_keeps_failing_fails_the_delivery_after_the_schedule(
    organization, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_RETRY_SCHEDULE = (60, 300)
    receiver.statuses = [500, 500, 500]
    subscription, _secret = subscribe(organization, receiver.url)
    with django_capture_on_commit_callbacks():  # the jobs are not handed to the thread here
        (delivery,) = event_publish(
            event="case.changed", organization_id=organization.pk, data={"object": "case"}
        )
    waits = []
    for _attempt in range(3):
        before = dt.datetime.now(dt.UTC)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=before)  # as if the wait passed
        with django_capture_on_commit_callbacks():
            delivery = delivery_attempt(delivery_id=delivery.pk)
        if delivery.next_attempt_at:
            waits.append(round((delivery.next_attempt_at - before).total_seconds() / 60))
    delivery.refresh_from_db()
    assert waits == [1, 5]
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("failed", 3, 500)
    assert delivery.last_error == "It failed 3 times; the last time: The receiver answered 500."
    assert delivery.response_snippet == "answer 500"


def test_an_attempt_not_yet_due_or_already_taken_sends_nothing(
    organization, receiver, django_capture_on_commit_callbacks
):
    subscribe(organization, receiver.url)
    with django_capture_on_commit_callbacks():
        (delivery,) = event_publish(event="case.changed", organization_id=organization.pk, data={})
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    )
    assert delivery_attempt(delivery_id=delivery.pk) is None
    WebhookDelivery.objects.filter(pk=delivery.pk).update(state="sending", next_attempt_at=None)
    assert delivery_attempt(delivery_id=delivery.pk) is None
    assert receiver.requests == []


def test_a_redirect_is_not_followed(organization, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [302]
    subscribe(organization, receiver.url)
    with django_capture_on_commit_callbacks():
        (delivery,) = event_publish(event="case.changed", organization_id=organization.pk, data={})
        delivery = delivery_attempt(delivery_id=delivery.pk)
    assert len(receiver.requests) == 1  # nothing reached 10.0.0.1
    assert delivery.state == "pending" and delivery.last_status_code == 302
    assert "Redirects are not followed" in delivery.last_error


def test_the_body_sent_is_the_payload_the_signature_covers(
    organization, receiver, django_capture_on_commit_callbacks
):
    subscription, secret = subscribe(organization, receiver.url)
    with django_capture_on_commit_callbacks():
        (delivery,) = event_publish(event="case.changed", organization_id=organization.pk, data={"id": "x"})
        delivery_attempt(delivery_id=delivery.pk)
    (request,) = receiver.requests
    assert request["body"] == body_of(delivery)
    signing.verify(secret=secret, headers=request["headers"], body=request["body"])
    with pytest.raises(signing.SignatureInvalid):
        signing.verify(secret=secret, headers=request["headers"], body=request["body"] + b" ")
    with pytest.raises(signing.SignatureInvalid):
        signing.verify(secret=signing.secret_new(), headers=request["headers"], body=request["body"])
    old = int(request["headers"]["webhook-timestamp"]) + 10 * 60
    with pytest.raises(signing.SignatureInvalid):
        signing.verify(secret=secret, headers=request["headers"], body=request["body"], now=old)
