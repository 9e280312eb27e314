"""`manage.py statistics release --period 2026-10 [--epsilon 0.5] [--tables a,b] [--as EMAIL]`,
`manage.py statistics ledger` and `manage.py statistics verify FILE.json [--csv FILE.csv]`.

Exit codes: 0 done, 1 a signature does not verify, 2 a release was refused (bad input,
or the year's privacy budget would be exceeded; nothing is written then)."""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import User
from apps.accounts.permissions import Permission
from apps.audit.services import SYSTEM, ActorLike
from apps.transparency import documents, services
from apps.transparency.models import Release
from apps.transparency.presentation import year_usage
from registry.errors import DomainError


class Command(BaseCommand):
    help = "Release public statistics with differential privacy, list the ledger, check a download."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        release = commands.add_parser("release", help="release a period's statistics")
        release.add_argument("--period", required=True, help="2026-10, 2026 or 2026-01..2026-10")
        release.add_argument("--epsilon", default=None, help="epsilon to spend (default: setting)")
        release.add_argument(
            "--tables", default="", help="comma-separated table names (default: all)"
        )
        release.add_argument(
            "--as",
            dest="as_user",
            default="",
            help="the privacy officer's account (default: system)",
        )
        commands.add_parser("ledger", help="list every release and the budget spent per year")
        verify = commands.add_parser("verify", help="check a downloaded release's signature")
        verify.add_argument("file", type=Path, help="the JSON download")
        verify.add_argument("--csv", type=Path, default=None, help="the CSV download too")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['command']}")(options)

    def _release(self, options: dict[str, Any]) -> None:
        actor = self._actor(options["as_user"])
        tables = [name for name in options["tables"].split(",") if name.strip()]
        try:
            made, created = services.release_statistics(
                actor, options["period"], epsilon=options["epsilon"], tables=tables
            )
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}", returncode=2) from error
        word = "released" if created else "already released"
        self.stdout.write(
            f"{made.release_id} {word}: epsilon {made.epsilon.normalize()} "
            f"({made.epsilon_per_table.normalize()} per table, {len(made.tables)} tables)"
        )

    def _actor(self, email: str) -> ActorLike:
        if not email:
            return SYSTEM
        user = User.objects.filter(username=email).first()
        if user is None or not user.has_registry_permission(Permission.STATISTICS_RELEASE):
            raise CommandError(
                f"{email} is not an account that may release statistics", returncode=2
            )
        return user

    def _ledger(self, options: dict[str, Any]) -> None:
        releases = list(Release.objects.defer("document", "csv").order_by("released_at", "id"))
        for r in releases:
            self.stdout.write(
                f"{r.released_at:%Y-%m-%d %H:%M}  {r.release_id:<28} epsilon "
                f"{r.epsilon.normalize()}  by {r.released_by_role}"
            )
        for usage in year_usage({r.year for r in releases}):
            self.stdout.write(
                f"{usage.year}: spent {usage.spent.normalize()} of {usage.budget.normalize()}"
            )

    def _verify(self, options: dict[str, Any]) -> None:
        text = options["file"].read_text(encoding="utf-8")
        if not documents.verify_download(text):
            raise CommandError(f"{options['file']}: the signature does not verify", returncode=1)
        self.stdout.write(f"{options['file']}: signed by the registry")
        if options["csv"] is not None:
            signature = json.loads(text)["signature"]
            if not documents.verify_csv(
                options["csv"].read_bytes(),
                key_id=signature["key_id"],
                signature=signature["csv_value"],
            ):
                raise CommandError(f"{options['csv']}: the signature does not verify", returncode=1)
            self.stdout.write(f"{options['csv']}: signed by the registry")
