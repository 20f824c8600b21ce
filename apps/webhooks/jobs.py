"""Each attempt of a webhook delivery is a ``webhook_deliver`` job (apps.jobs).

The job carries the delivery's id and makes one attempt (:func:`delivery_attempt`); the
retries and their waits are the delivery's own (``WEBHOOK_RETRY_SCHEDULE``: minutes to hours,
longer than a job may sit queued), each a new job, so the job kind itself never retries.
Nobody asked for these jobs, so no user sees them in the job API; the delivery log does.
"""

from django.utils.translation import gettext_lazy as _

from apps.jobs.registry import JobKind, register
from apps.webhooks.services import JOB_KIND, delivery_attempt


def webhook_deliver_run(*, job, progress) -> None:
    delivery_attempt(delivery_id=job.params["delivery"])


register(JobKind(name=JOB_KIND, label=_("Webhook delivery"), run=webhook_deliver_run, max_attempts=1))
