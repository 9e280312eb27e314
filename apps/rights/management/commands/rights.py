"""``manage.py rights escalate-overdue|end-expired-holds|sweep``.

``escalate-overdue`` escalates every open correction request and complaint past the
program's deadline to the privacy officer, once each (a second run finds nothing new).
``end-expired-holds`` records the end of holds whose time ran out (the held entries
already show to the person: only the log entry is written). ``sweep`` enqueues both as
the `run_rights_sweep` task for the worker. Run one of them daily from cron or a timer.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Rights jobs: escalate overdue requests, record expired holds, or enqueue both."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("escalate-overdue", help="escalate overdue requests now")
        actions.add_parser("end-expired-holds", help="log the end of expired holds now")
        actions.add_parser("sweep", help="enqueue both as a task for the worker")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "escalate-overdue":
            from apps.rights.redress import escalate_overdue

            self.stdout.write(f"escalated: {escalate_overdue()}")
        elif action == "end-expired-holds":
            from apps.rights.services import end_expired_holds

            self.stdout.write(f"holds ended: {end_expired_holds()}")
        else:
            from apps.rights.tasks import run_rights_sweep

            self.stdout.write(f"rights sweep enqueued: {run_rights_sweep.enqueue().id}")
