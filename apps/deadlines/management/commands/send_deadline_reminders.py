"""Periodic work: e-mail the reminders due today (5 and 1 working days before each deadline)."""

import datetime as dt

from django.core.management.base import BaseCommand

from apps.deadlines.services import deadline_reminders_send


class Command(BaseCommand):
    help = (
        "E-mail caseworkers the deadline reminders due today (5 and 1 working days before). "
        "Safe to run any number of times: a reminder is never sent twice. Schedule it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="Act as if today were this day (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        report = deadline_reminders_send(today=today)
        self.stdout.write(f"{report.sent} reminder(s) sent; {report.skipped} deadline(s) without a caseworker's e-mail.")
