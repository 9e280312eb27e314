from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.biometrics import indexes
from apps.biometrics.rebuild import rebuild


class Command(BaseCommand):
    help = (
        "Biometrics tools. `biometrics rebuild-index [--face|--fingers]` rewrites the "
        "search indexes from the sealed templates, printing its progress."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild_parser = sub.add_parser("rebuild-index", help="rebuild the search indexes")
        which = rebuild_parser.add_mutually_exclusive_group()
        which.add_argument("--face", action="store_true", help="the face index only")
        which.add_argument("--fingers", action="store_true", help="the finger index only")

    def handle(self, *args: Any, **options: Any) -> None:
        names = [indexes.FACE, indexes.FINGERS]
        if options["face"]:
            names = [indexes.FACE]
        elif options["fingers"]:
            names = [indexes.FINGERS]

        def report(name: str, done: int, total: int) -> None:
            width = 30
            filled = width * done // total if total else width
            bar = "#" * filled + "." * (width - filled)
            self.stdout.write(f"{name:8} [{bar}] {done:,}/{total:,}")

        sizes = rebuild(names, report)
        for name, size in sizes.items():
            self.stdout.write(f"OK: {name} index rebuilt with {size:,} entries.")
