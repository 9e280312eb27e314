"""``manage.py appointments remind``: enqueue the reminder sweep.

Run it every hour from cron or a systemd timer beside `manage.py db_worker`; the sweep
claims each due reminder once, so overlapping runs send nothing twice."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from apps.appointments.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Appointment jobs: `remind` enqueues the sweep that sends due reminders."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("remind", help="enqueue the reminder sweep")

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_due_reminders.enqueue()
        self.stdout.write(f"reminder sweep enqueued: {result.id}")
