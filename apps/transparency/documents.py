"""The published forms of a release, and how anyone checks them.

The JSON document is canonical: keys sorted, no whitespace, UTF-8, and it holds only
strings, integers, booleans and null (epsilon is written as a decimal string), so
re-serialising the parsed "release" member gives back the signed bytes (this is RFC
8785's canonical form for such a document). The CSV is signed byte for byte.
"""

import base64
import csv
import io
import json
from typing import Any

from apps.vault import signing

PURPOSE = "statistics"
FORMAT = "registry-statistics/1"
CSV_COLUMNS = ["release", "period", "table", "key", "value", "fewer_than"]


def canonical(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def csv_text(document: dict[str, Any]) -> str:
    """One row per cell; a suppressed cell has an empty value and the threshold in
    `fewer_than`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    threshold = document["mechanism"]["suppression_threshold"]
    for table in document["table_order"]:
        for cell in document["tables"][table]["cells"]:
            value = cell["value"]
            writer.writerow(
                [
                    document["release"],
                    document["period"]["label"],
                    table,
                    cell["key"],
                    "" if value is None else value,
                    threshold if value is None else "",
                ]
            )
    return out.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def download(document_text: str, *, key_id: str, signature: str, csv_signature: str) -> str:
    """The JSON download: the release, and the signatures that prove who published it."""
    body = {
        "release": json.loads(document_text),
        "signature": {
            "algorithm": "Ed25519",
            "purpose": PURPOSE,
            "key_id": key_id,
            "value": signature,
            "csv_value": csv_signature,
            "signed": "the 'release' member, keys sorted, no whitespace, UTF-8",
        },
    }
    return json.dumps(body, ensure_ascii=False, indent=1)


def verify_download(text: str) -> bool:
    """True when a JSON download's release was signed by one of the registry's
    statistics keys (active or retired). Malformed input is simply not verified."""
    try:
        body = json.loads(text)
        message = canonical(body["release"]).encode()
        signature = body["signature"]
        return signing.verify(
            PURPOSE, str(signature["key_id"]), message, base64.b64decode(signature["value"])
        )
    except (ValueError, KeyError, TypeError):
        return False


def verify_csv(data: bytes, *, key_id: str, signature: str) -> bool:
    try:
        return signing.verify(PURPOSE, key_id, data, base64.b64decode(signature))
    except ValueError:
        return False


def public_keys() -> list[dict[str, Any]]:
    """Every statistics key, active first: what a reader needs to check a signature."""
    return [
        {
            "key_id": key.kid,
            "algorithm": "Ed25519",
            "public_key": b64(bytes(key.public_key)),
            "created_at": key.created_at.isoformat(),
            "retired_at": key.retired_at.isoformat() if key.retired_at else None,
        }
        for key in signing.public_keys(PURPOSE)
    ]
