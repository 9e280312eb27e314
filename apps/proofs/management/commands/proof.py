"""``manage.py proof export|jwks|rotate-key|status-list``: proofs for operators.

- ``export CASE_NUMBER``: the QR text of the registered case's current proof (issued
  now, as the system, if it has none).
- ``jwks``: the issuer's public keys (active and retired), as served at
  /.well-known/jwks.json; save it as the trust list of an offline verifier.
- ``rotate-key [--purpose proof|proof-status]``: a new signing key (both purposes by
  default); older proofs stay valid until they expire; logged.
- ``status-list [--out DIR]``: each status list's size and revocations, or with
  ``--out`` its signed token saved as DIR/status-<id>.cwt for offline verifiers.
"""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.audit.services import SYSTEM
from apps.proofs import keys, lists, services
from apps.proofs.models import StatusList
from apps.registrations.models import Registration
from registry.errors import DomainError


class Command(BaseCommand):
    help = "Export a proof, print the trust list (JWKS), rotate keys, save status lists."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = actions.add_parser("export", help="print the QR text of a case's proof")
        export.add_argument("case_number", metavar="CASE_NUMBER")
        actions.add_parser("jwks", help="print the issuer's public keys as a JWKS")
        rotate = actions.add_parser("rotate-key", help="add a new signing key")
        rotate.add_argument("--purpose", choices=keys.PURPOSES, default=None)
        status = actions.add_parser("status-list", help="summarise or save status lists")
        status.add_argument("--out", type=Path, default=None, metavar="DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "export":
            self.export(options["case_number"])
        elif action == "jwks":
            self.stdout.write(json.dumps(keys.jwks(), indent=1))
        elif action == "rotate-key":
            purposes = (options["purpose"],) if options["purpose"] else keys.PURPOSES
            for key in keys.rotate(SYSTEM, purposes):
                self.stdout.write(f"new {key.purpose} key {key.kid}; older keys retired")
        else:
            self.status_lists(options["out"])

    def export(self, case_number: str) -> None:
        registration = Registration.objects.filter(case_number=case_number.upper()).first()
        if registration is None:
            raise CommandError(f"No case {case_number}.")
        try:
            issued = services.current_proof(SYSTEM, registration, purpose="case-processing")
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(issued.text)

    def status_lists(self, out: Path | None) -> None:
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
        for status_list in StatusList.objects.order_by("id"):
            revoked = sum(bin(byte).count("1") for byte in bytes(status_list.statuses))
            line = (
                f"{lists.uri_for(status_list.id)}: {status_list.used} proofs, "
                f"{revoked} revoked, capacity {status_list.size}"
            )
            if out is not None:
                token, expires = lists.signed_token(status_list.id)
                path = out / f"status-{status_list.id}.cwt"
                path.write_bytes(token)
                line += f"; saved {path} (valid until {expires:%Y-%m-%d %H:%M} UTC)"
            self.stdout.write(line)
