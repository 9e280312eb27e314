import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.audit.services import verify


class Command(BaseCommand):
    help = "Audit log tools. `audit verify` recomputes every hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute every chain; exit 1 at the first broken entry")

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(count: int) -> None:
            self.stderr.write(f"  checked {count:,} entries…")

        report = verify(progress=progress)
        if report.ok:
            self.stdout.write(
                f"OK: {report.entries_checked:,} entries in {report.chains_checked:,} chains "
                "verified."
            )
            return
        self.stderr.write(f"BROKEN after {report.entries_checked:,} good entries: {report.problem}")
        sys.exit(1)
