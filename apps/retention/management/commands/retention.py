"""``manage.py retention``: the daily retention job and the expungement tools.

    retention run [--dry-run] [--program ID] [--date YYYY-MM-DD]
    retention run --approve RUN_ID --approver EMAIL
    retention verify-receipt FILE            (or - for standard input)
    retention replay-journal [--accept-unknown-keys]
    retention keys                           (the receipt signing keys)

Run `retention run` daily (cron or a systemd timer); it is idempotent. After restoring
a database backup, run `retention replay-journal` before the restored database serves
anyone (docs/operations.md, "Backups and expungement")."""

import base64
import datetime as dt
import sys
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.models import User
from apps.accounts.permissions import Permission
from apps.programs.loader import available_programs
from apps.retention import receipts, runs, services
from apps.retention.journal import journal_path
from apps.retention.models import RetentionRun, RunState
from apps.vault import signing
from registry.errors import DomainError


class Command(BaseCommand):
    help = "Retention: the daily run, approval, receipt verification, journal replay."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        run = sub.add_parser("run", help="apply the retention rules (daily)")
        run.add_argument("--dry-run", action="store_true", help="list who is due; change nothing")
        run.add_argument("--program", help="one program's slug (default: every program)")
        run.add_argument("--date", help="act as of this day (YYYY-MM-DD)")
        run.add_argument("--approve", metavar="RUN_ID", help="approve and execute a waiting run")
        run.add_argument("--approver", metavar="EMAIL", help="the privacy officer who approves")
        verify = sub.add_parser("verify-receipt", help="check an expungement receipt's signature")
        verify.add_argument("file", help="the receipt (JSON); - reads standard input")
        sub.add_parser("keys", help="list the receipt signing keys (key id, public key)")
        replay = sub.add_parser("replay-journal", help="re-apply the journal after a restore")
        replay.add_argument(
            "--accept-unknown-keys",
            action="store_true",
            help="apply lines signed by a key this database does not know (check the key id "
            "against the published receipt keys first)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            {
                "run": self.run,
                "verify-receipt": self.verify_receipt,
                "replay-journal": self.replay,
                "keys": self.keys,
            }[options["action"]](options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def progress(self, done: int, total: int) -> None:
        self.stderr.write(f"  {done}/{total}")

    def run(self, options: dict[str, Any]) -> None:
        if options["approve"]:
            self.approve(options["approve"], options["approver"])
            return
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD, e.g. 2026-11-23.") from exc
        slugs = (
            [options["program"]] if options["program"] else [p.slug for p in available_programs()]
        )
        for slug in slugs:
            run = runs.plan_run(slug, today=today, dry_run=options["dry_run"])
            self.stdout.write(f"{slug}: {run.total} due ({self._counts(run)}); run {run.id}")
            if run.state == RunState.DRY_RUN:
                for item in run.items:
                    cases = " ".join(item["cases"])
                    self.stdout.write(f"  {item['person']} {item['ground']} {cases}")
            elif run.state == RunState.AWAITING_APPROVAL:
                self.stdout.write(
                    f"  more than the program's approval threshold: waiting for a privacy "
                    f"officer (console, or `retention run --approve {run.id} --approver …`)"
                )
            else:
                self.report(runs.execute_run(run.id, progress=self.progress))

    def approve(self, run_id: str, approver_email: str | None) -> None:
        if not approver_email:
            raise CommandError("--approve needs --approver EMAIL (a privacy officer).")
        approver = User.objects.filter(email=approver_email).first()
        if approver is None or not approver.has_registry_permission(Permission.RETENTION_APPROVE):
            raise CommandError(f"{approver_email} may not approve retention runs.")
        try:
            run = runs.approve_run(approver, uuid.UUID(run_id), start=False)
        except (ValueError, RetentionRun.DoesNotExist) as exc:
            raise CommandError(f"There is no run {run_id}.") from exc
        self.report(runs.execute_run(run.id, progress=self.progress))

    def report(self, run: RetentionRun) -> None:
        self.stdout.write(
            f"  {run.program}: expunged {run.expunged}, skipped {run.skipped} (active again)"
        )

    @staticmethod
    def _counts(run: RetentionRun) -> str:
        return ", ".join(f"{g} {n}" for g, n in sorted(run.counts.items())) or "nobody"

    def verify_receipt(self, options: dict[str, Any]) -> None:
        name = options["file"]
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
            receipt = receipts.parse(text.strip())
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc.strerror}") from exc
        except receipts.ReceiptInvalid as exc:
            raise CommandError(f"Not a receipt: {exc}") from exc
        if not receipt.verify():
            self.stderr.write(
                f"INVALID: receipt {receipt.receipt_id} is not signed by receipt key {receipt.kid}"
            )
            sys.exit(1)
        self.stdout.write(
            f"OK: receipt {receipt.receipt_id}: person {receipt.person_id} expunged on ground "
            f"{receipt.ground} at {receipt.at.isoformat()}, signed by key {receipt.kid}"
        )

    def keys(self, options: dict[str, Any]) -> None:
        for key in signing.public_keys(receipts.PURPOSE):
            public = base64.b64encode(bytes(key.public_key)).decode()
            state = f"retired {key.retired_at.isoformat()}" if key.retired_at else "active"
            self.stdout.write(f"{key.kid} Ed25519 {public} {state}")

    def replay(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"Replaying {journal_path()}")
        report = services.replay_journal(
            accept_unknown_keys=options["accept_unknown_keys"], progress=self.progress
        )
        self.stdout.write(
            f"applied {report.applied}, already expunged {report.already}, "
            f"not in this database {report.absent}"
        )
        if not report.ok:
            self.stderr.write(
                f"NOT APPLIED: lines {report.unverified} do not verify; lines "
                f"{report.malformed} are not receipts. Do not serve this database until "
                "they are resolved (docs/operations.md)."
            )
            sys.exit(2)
