"""`manage.py reregistration_job`: open the re-registrations of children who reached
the program's age. The schedule runs it daily (apps/jobs/schedule.py); idempotent."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.registrations.notifications import notify_family
from apps.registrations.reregistration import due_children, open_reregistrations


class Command(BaseCommand):
    help = "Open re-registration cases for children who reached the program's age."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="act as if today were this day (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD, e.g. 2026-11-23.") from exc
        if options["dry_run"]:
            children = due_children(today or timezone.localdate())
            self.stdout.write(f"{len(children)} children are due (dry run: nothing opened).")
            return

        def progress(done: int, total: int) -> None:
            if done == total or done % 100 == 0:
                self.stderr.write(f"  {done}/{total} children checked")

        run = open_reregistrations(today, progress=progress, on_opened=notify_family)
        self.stdout.write(
            f"Opened {len(run.opened)} re-registration cases; {run.skipped} already open."
        )
        for case_number in run.opened:
            self.stdout.write(f"  {case_number}")
