"""How a finger index directory is written: two base files (the records and the
postings) and a journal of the templates added since they were written, so that an
enrolment appends its records instead of rewriting the whole index.

Any removal rewrites the base and deletes the journal, so an erased template is in no
file once `save()` returns. The two base files cannot be replaced in one rename, so a
marker file is the point of no return:

1. both new files are written as `.tmp` and flushed to disk, then renamed to `.next`;
2. the marker `fingers.rewrite` is created: from here on the rewrite is complete;
3. the journal is deleted, each `.next` renamed over its base file, the marker deleted.

`recover()`, run before every open, finishes step 3 when it finds the marker, and
otherwise deletes any `.tmp` or `.next` file (a rewrite that stopped before step 2: the
old base and journal still hold everything). The journal's last record may be cut
short by a crash while appending; it was never reported as saved and is dropped.
"""

import os
import struct
from collections.abc import Iterable, Iterator
from pathlib import Path

from apps.biometrics.durable import fsync_directory

RECORDS = "fingers.records"
POSTINGS = "fingers.postings.npz"
JOURNAL = "fingers.journal"
MARKER = "fingers.rewrite"
MAGIC = b"REGFINGER1\n"
_ENTRY = struct.Struct(">qI")  # id, length of the ISO record that follows


def pack(items: Iterable[tuple[int, bytes]]) -> bytes:
    return b"".join(_ENTRY.pack(id_, len(record)) + record for id_, record in items)


def entries(data: bytes, start: int = 0) -> Iterator[tuple[int, bytes, int]]:
    """(id, record, end offset) of each whole entry from `start`; stops before one that
    is cut short."""
    pos = start
    while pos + _ENTRY.size <= len(data):
        id_, length = _ENTRY.unpack_from(data, pos)
        if pos + _ENTRY.size + length > len(data):
            return
        pos += _ENTRY.size + length
        yield id_, data[pos - length : pos], pos


def read_records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """The base records file; ValueError if it is not one or is cut short."""
    if not data.startswith(MAGIC):
        raise ValueError("not a fingerprint index records file")
    end = len(MAGIC)
    for id_, record, end in entries(data, len(MAGIC)):  # noqa: B007 - end is read below
        yield id_, record
    if end != len(data):
        raise ValueError("fingerprint index records file is truncated")


def read_journal(directory: Path) -> tuple[list[tuple[int, bytes]], int]:
    """The journal's whole entries and the length they fill (a torn tail is left out)."""
    path = directory / JOURNAL
    if not path.exists():
        return [], 0
    found, end = [], 0
    for id_, record, end in entries(path.read_bytes()):  # noqa: B007 - end is returned
        found.append((id_, record))
    return found, end


def append_journal(directory: Path, items: list[tuple[int, bytes]], whole: int) -> int:
    """Append entries after the first `whole` bytes (cutting off a torn tail), flush them
    to disk; returns the journal's new length."""
    data = pack(items)
    with open(directory / JOURNAL, "ab") as handle:
        handle.truncate(whole)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return whole + len(data)


def write_base(directory: Path, files: dict[str, bytes]) -> None:
    """Replace the base files and delete the journal (steps 1 to 3)."""
    for name, data in files.items():
        temporary = directory / (name + ".tmp")
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, directory / (name + ".next"))
    fsync_directory(directory)
    (directory / MARKER).touch()
    fsync_directory(directory)
    _finish(directory)


def _finish(directory: Path) -> None:
    (directory / JOURNAL).unlink(missing_ok=True)
    for name in (RECORDS, POSTINGS):
        complete = directory / (name + ".next")
        if complete.exists():
            os.replace(complete, directory / name)
    fsync_directory(directory)
    (directory / MARKER).unlink()
    fsync_directory(directory)


def recover(directory: Path) -> None:
    """Finish or undo a rewrite that a crash interrupted (see the module docstring)."""
    if not directory.exists():
        return
    if (directory / MARKER).exists():
        _finish(directory)
    for name in (RECORDS, POSTINGS):
        for suffix in (".tmp", ".next"):
            (directory / (name + suffix)).unlink(missing_ok=True)
