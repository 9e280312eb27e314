"""The expungement journal: one signed receipt per line (JSON), in a file OUTSIDE the
database (settings.REGISTRY_EXPUNGEMENT_JOURNAL).

A database backup taken before an expungement still holds the person's wrapped data key.
When such a backup is restored, `manage.py retention replay-journal` re-applies every
journalled expungement before the restored database serves anyone (docs/operations.md,
"Backups and expungement"). The journal holds receipts only: person ids (random uuids),
grounds, times and signatures, no personal data.

A line is appended, flushed and fsync'ed inside the expungement's transaction, before it
commits: an expungement is never committed without its line, and a line whose
transaction then failed is completed by the next replay (the request was made and
signed; finishing it is the safe direction).
"""

import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from apps.retention.receipts import ExpungementReceipt, ReceiptInvalid, parse


def journal_path() -> Path:
    return Path(settings.REGISTRY_EXPUNGEMENT_JOURNAL)


def append(receipt: ExpungementReceipt) -> None:
    """Append the receipt as one line and make it durable before returning."""
    path = journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (receipt.to_json() + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        # Writers on several machines share the file over a network mount: one line at
        # a time, never interleaved.
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@dataclass(frozen=True)
class JournalLine:
    number: int
    receipt: ExpungementReceipt | None
    problem: str = ""


def read(path: Path | None = None) -> Iterator[JournalLine]:
    """Every line of the journal, in order; a line that is not a receipt comes back with
    its problem (a torn last line after a crash, or tampering) instead of stopping."""
    path = path or journal_path()
    if not path.exists():
        return
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            text = raw.decode("utf-8", errors="replace").strip()
            if not text:
                continue
            try:
                yield JournalLine(number, parse(text))
            except (ReceiptInvalid, json.JSONDecodeError) as exc:
                yield JournalLine(number, None, str(exc))
