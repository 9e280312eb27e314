"""``registry-verify``: check a proof of registration offline.

    registry-verify --trust-list jwks.json [--status-list status-1.cwt ...]
                    [--image qr.png | TEXT | -] [--now 2026-01-31T12:00Z] [--json]
                    [--save-thumbnail face.jpg]

Works without a network, a database or Django settings: it reads a saved trust list
(the registry's /.well-known/jwks.json, or `manage.py proof jwks`) and saved status
lists (`manage.py proof status-list --out DIR`, or /proofs/status/<id>), and says how
old each is. Exit status: 0 valid, 1 not valid, 2 the inputs cannot be used.
"""

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from apps.proofs import statuslist, trust, verify

EXIT_VALID, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _age(seconds: float) -> str:
    hours = seconds / 3600
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"


def _when(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _parse_now(text: str | None) -> int:
    if not text:
        return int(time.time())
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp())


def _read_text(args: argparse.Namespace) -> str:
    if args.image:
        import zxingcpp
        from PIL import Image

        with Image.open(args.image) as image:
            # QR codes only: other text in a photo is sometimes read as a 1-D barcode
            results = zxingcpp.read_barcodes(
                image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
            )
        texts = [r.text for r in results if r.text]
        if not texts:
            raise ValueError(f"no QR code found in {args.image}")
        return str(texts[0])
    if args.text in (None, "-"):
        return sys.stdin.read()
    return str(args.text)


def _load(args: argparse.Namespace, now: int) -> tuple[trust.TrustList, dict[str, Any], list[str]]:
    notes: list[str] = []
    path = Path(args.trust_list)
    trusted = trust.from_jwks(json.loads(path.read_text()))
    published = trusted.published_at or int(path.stat().st_mtime)
    notes.append(
        f"trust list: {len(trusted.keys)} keys, "
        f"from {_when(published)} ({_age(now - published)} old)"
    )
    views: dict[str, Any] = {}
    for name in args.status_list or []:
        view = statuslist.read_token(Path(name).read_bytes(), trusted)
        views[view.uri] = view
        state = "EXPIRED" if view.expires_at is not None and view.expires_at < now else "current"
        notes.append(
            f"status list {view.uri}: signed {_when(view.issued_at)} "
            f"({_age(now - view.issued_at)} old), {state}"
            + (f", valid until {_when(view.expires_at)}" if view.expires_at else "")
        )
    return trusted, views, notes


def _binding(claims: Any) -> dict[str, object]:
    return {"card": claims.card} if claims.card else {"face_jpeg_bytes": len(claims.face)}


def _report(verdict: verify.Verdict, notes: list[str], as_json: bool) -> str:
    claims = verdict.claims
    if as_json:
        body: dict[str, Any] = {
            "outcome": verdict.outcome.value,
            "reason": verdict.reason,
            "message": verdict.explanation,
            "warnings": list(verdict.warnings),
            "inputs": notes,
        }
        if claims:
            body.update(
                registration_number=claims.registration_number,
                program=claims.program,
                valid_from=_when(claims.not_before),
                valid_until=_when(claims.expires_at),
                holder_binding=_binding(claims),
                kid=verdict.kid,
            )
        return json.dumps(body, indent=1)
    lines = [f"{verdict.outcome.value.upper()}: {verdict.explanation}"]
    if claims:
        lines += [
            f"  registration number: {claims.registration_number} ({claims.program})",
            f"  valid: {_when(claims.not_before)} to {_when(claims.expires_at)}",
            f"  signed by key {verdict.kid}",
            "  holder: "
            + (
                f"card number {claims.card}: check the printed card and its photo"
                if claims.card
                else f"face thumbnail in the QR ({len(claims.face)} bytes; --save-thumbnail FILE)"
            ),
        ]
    lines += [f"  warning: {verify.WARNINGS[w]}" for w in verdict.warnings]
    lines += [f"  {note}" for note in notes]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="registry-verify", description=__doc__.split("\n\n")[0])
    parser.add_argument("text", nargs="?", help="the QR text, or - for standard input")
    parser.add_argument("--image", help="a picture of the QR code (PNG, JPEG)")
    parser.add_argument("--trust-list", required=True, help="the registry's JWKS, saved")
    parser.add_argument("--status-list", action="append", help="a saved status list token")
    parser.add_argument("--now", help="check as of this time (ISO 8601), default now")
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    parser.add_argument("--save-thumbnail", help="write the QR's face thumbnail here")
    args = parser.parse_args(argv)
    try:
        now = _parse_now(args.now)
        trusted, views, notes = _load(args, now)
        text = _read_text(args)
    except (OSError, ValueError) as error:
        print(f"registry-verify: {error}", file=sys.stderr)  # noqa: T201
        return EXIT_USAGE
    verdict = verify.verify(text, trusted, views, now)
    if args.save_thumbnail and verdict.claims and verdict.claims.face:
        Path(args.save_thumbnail).write_bytes(verdict.claims.face)
    print(_report(verdict, notes, args.json))  # noqa: T201
    return EXIT_VALID if verdict.valid else EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
