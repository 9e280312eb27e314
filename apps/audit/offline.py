"""registry-audit-verify: check an audit export (`manage.py audit export`) offline.

Needs neither Django nor a database: the standard library and `cryptography` for the
Ed25519 signatures. Recomputes every chain, every leaf hash and the tree, and checks
every signed head in the export, and any head the auditor kept from earlier
(`--known-head`, as served by GET /api/v1/audit/tree-head). See docs/audit.md.

Exit status: 0 when the log is intact, 1 when it is not (the first problem is named),
2 when the file cannot be read.
"""

import argparse
import base64
import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from apps.audit.checker import Broken, Checker, Head
from apps.audit.merkle import tree_head_message

FORMAT = "registry-audit-export"


class Unreadable(Exception):
    """The file is not an audit export this verifier understands."""


def _head(raw: dict[str, Any]) -> Head:
    return Head(
        id=int(raw.get("id", 0)),
        tree_size=int(raw["tree_size"]),
        root_hash=bytes.fromhex(raw["root_hash"]),
        timestamp_ms=int(raw["timestamp_ms"]),
        kid=str(raw["kid"]),
        signature=base64.b64decode(raw["signature"]),
    )


def _signature_checker(keys: list[dict[str, Any]]) -> Callable[[Head], bool]:
    public = {
        k["kid"]: Ed25519PublicKey.from_public_bytes(base64.b64decode(k["public_key"]))
        for k in keys
    }

    def ok(head: Head) -> bool:
        key = public.get(head.kid)
        if key is None:
            return False
        try:
            key.verify(
                head.signature, tree_head_message(head.timestamp_ms, head.tree_size, head.root_hash)
            )
        except InvalidSignature:
            return False
        return True

    return ok


# Chains are "system" or "s:<uuid>" and prev_hash is hex, so the chain position is read
# straight off the bytes; anything else falls back to json.loads. (The bytes themselves
# are what the signed tree covers.)
_POSITION = re.compile(rb'\["v1","([^"\\]*)",(\d+),.*,"([0-9a-f]{64})"\]\Z', re.S)


def _position(data: bytes) -> tuple[str, int, str] | None:
    match = _POSITION.match(data)
    if match is None:
        return None
    chain, seq, prev = match.groups()
    return chain.decode(), int(seq), prev.decode()


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from handle


def verify_export(
    path: Path,
    *,
    keys: list[dict[str, Any]] | None = None,
    known_heads: Sequence[Head] = (),
) -> tuple[int, int, int, bytes]:
    """Check the export at `path`; returns (entries, chains, heads checked, root).
    Raises Broken at the first problem, Unreadable when the file is not an export."""
    lines = _lines(path)
    try:
        header = json.loads(next(lines))
    except (StopIteration, ValueError) as error:
        raise Unreadable(f"{path}: the first line is not an export header") from error
    if header.get("format") != FORMAT or header.get("version") != 1:
        raise Unreadable(f"{path}: not a {FORMAT} version 1 file")
    checker = Checker(int(header["tree_size"]))
    step = checker.entry
    loads = json.loads
    index = -1
    for index, line in enumerate(lines):
        entry_id, tab, data = line.rstrip(b"\n").partition(b"\t")
        if not tab:
            raise Broken(f"line {index + 2} is not `<entry id> TAB <entry>`", None, index)
        position = _position(data)
        if position is None:  # an unusual chain name: let the JSON parser read it
            body = loads(data)
            position = (body[1], body[2], body[14])
        step(int(entry_id), data, *position, None, index, None)
    if index + 1 != checker.tree_size:
        raise Broken(
            f"the export holds {index + 1:,} leaves but its header says {checker.tree_size:,}: "
            "leaves were removed or added",
            None,
            index + 1,
        )
    heads = [_head(raw) for raw in header.get("heads", [])] + list(known_heads)
    signature_ok = _signature_checker(keys if keys is not None else header.get("keys", []))
    _, root = checker.check_heads(heads, signature_ok)
    return checker.entries, len(checker.chains), len(heads), root


def _load_json(path: str) -> Any:
    return json.loads(Path(path).read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="registry-audit-verify",
        description="Verify a Registry audit export offline (chains, Merkle tree, signed heads).",
    )
    parser.add_argument("export", type=Path, help="file written by `manage.py audit export`")
    parser.add_argument(
        "--keys",
        help="JSON list of the log's public keys, obtained apart from the export "
        "(GET /api/v1/audit/keys); without it the keys in the export are trusted",
    )
    parser.add_argument(
        "--known-head",
        action="append",
        default=[],
        help="a signed head kept from earlier (JSON from GET /api/v1/audit/tree-head); "
        "the export must agree with it. May be repeated.",
    )
    args = parser.parse_args(argv)
    try:
        keys = _load_json(args.keys) if args.keys else None
        if isinstance(keys, dict):
            keys = keys.get("keys", [])
        known = [_head(_load_json(path)) for path in args.known_head]
        entries, chains, heads, root = verify_export(args.export, keys=keys, known_heads=known)
    except (Unreadable, OSError, KeyError, ValueError) as error:
        sys.stderr.write(f"UNREADABLE: {error}\n")
        return 2
    except Broken as broken:
        sys.stderr.write(f"BROKEN: {broken}\n")
        return 1
    if keys is None:
        sys.stderr.write(
            "note: signatures checked with the keys inside the export; pass --keys to check "
            "them against keys you obtained apart from it\n"
        )
    sys.stdout.write(
        f"OK: {entries:,} entries in {chains:,} chains, {heads:,} signed heads; root {root.hex()}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
