import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.audit import export, tree
from apps.audit.services import verify


class Command(BaseCommand):
    help = (
        "Audit log tools: `verify` checks chains, tree and signed heads; `sign-head` "
        "sequences new entries and signs a tree head; `export PATH` writes the file that "
        "`registry-audit-verify` checks offline."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser(
            "verify", help="recompute chains, tree and heads; exit 1 at the first problem"
        )
        check.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes to check with (PostgreSQL; default: one per core for a log of "
            "200,000 entries or more, else 1)",
        )
        sign = sub.add_parser("sign-head", help="sequence waiting entries, sign a tree head")
        sign.add_argument("--force", action="store_true", help="sign even if nothing is new")
        out = sub.add_parser("export", help="write the log and its heads for offline checking")
        out.add_argument("path", help="file to write ('-' for standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "sign-head":
            head = tree.sign_tree_head(force=options["force"])
            self.stdout.write(
                f"tree head {head.pk}: size {head.tree_size:,}, "
                f"root {bytes(head.root_hash).hex()}, key {head.kid}"
            )
            return
        if action == "export":
            self._export(options["path"])
            return

        reported = [0]

        def progress(count: int) -> None:
            # Several processes report in steps of their own: print each new million.
            if count // 1_000_000 > reported[0]:
                reported[0] = count // 1_000_000
                self.stderr.write(f"  checked {count:,} entries…")

        workers = options.get("workers")
        if workers is not None and workers < 1:
            raise CommandError("--workers must be 1 or more")
        report = verify(progress=progress, workers=workers)
        if report.ok:
            self.stdout.write(
                f"OK: {report.entries_checked:,} entries in {report.chains_checked:,} chains, "
                f"tree of {report.tree_size:,} leaves, {report.heads_checked:,} signed heads "
                f"verified; root {report.root_hash}"
            )
            return
        self.stderr.write(f"BROKEN after {report.entries_checked:,} good entries: {report.problem}")
        sys.exit(1)

    def _export(self, path: str) -> None:
        try:
            if path == "-":
                size = export.export(sys.stdout.buffer)
            else:
                with Path(path).open("wb") as handle:
                    size = export.export(handle)
        except LookupError as missing:
            raise CommandError(f"{missing}") from missing
        if path != "-":
            self.stdout.write(f"exported {size:,} leaves to {path}")
