"""Periodic work: mark open deadlines whose day has passed as missed."""

import datetime as dt

from django.core.management.base import BaseCommand

from apps.deadlines.services import deadlines_mark_missed


class Command(BaseCommand):
    help = "Mark open, running deadlines whose due date has passed as missed. Safe to repeat. Schedule it daily."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="Act as if today were this day (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        count = deadlines_mark_missed(today=today)
        self.stdout.write(f"{count} deadline(s) marked missed.")
