"""The finger index's files: additions are appended to a journal instead of rewriting
the records and postings; a removal rewrites both and deletes the journal, so the
removed template is in no file; a crash at any point leaves an index that opens with
what was saved."""

import os
from pathlib import Path

import numpy as np
import pytest

from apps.biometrics.fingerprints import files, gallery, index, iso


def every_file(directory: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(directory.iterdir()) if path.is_file())


def stamp(directory: Path) -> list[tuple[int, int]]:
    return [((directory / n).stat().st_ino, (directory / n).stat().st_mtime_ns)
            for n in (files.RECORDS, files.POSTINGS)]  # fmt: skip


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """200 templates saved as the base, then 20 more saved one enrolment at a time."""
    ix = index.open_finger_index(tmp_path)
    for i in range(200):
        ix.add(1000 + i, gallery.random_template(i))
    ix.save()
    before = stamp(tmp_path)
    for i in range(200, 220):
        ix.add(1000 + i, gallery.random_template(i))
        ix.save()
    assert stamp(tmp_path) == before, "additions must not rewrite the base"
    return tmp_path


def record_of(i: int) -> bytes:
    return iso.to_iso(gallery.random_template(i))


def test_additions_go_to_the_journal_and_come_back_on_open(saved: Path) -> None:
    assert record_of(210) in (saved / files.JOURNAL).read_bytes()
    reopened = index.open_finger_index(saved)
    assert len(reopened) == 220
    assert reopened.get(1210) == gallery.random_template(210)
    assert reopened.candidates(gallery.random_template(215), 1) == [1215]


def test_removing_a_journaled_template_leaves_it_in_no_file(saved: Path) -> None:
    assert record_of(210) in every_file(saved)  # so the check below can fail
    ix = index.open_finger_index(saved)
    assert ix.remove(1210)
    ix.save()
    assert not (saved / files.JOURNAL).exists()
    assert record_of(210) not in every_file(saved)
    reopened = index.open_finger_index(saved)
    assert len(reopened) == 219
    assert 1210 not in reopened
    assert reopened.candidates(gallery.random_template(211), 1) == [1211]


def test_a_rewrite_that_reached_its_marker_is_finished_on_open(saved: Path) -> None:
    """A crash after step 2: new base files (without a removed template) as `.next`,
    the marker, and the old journal (with it) are on disk."""
    ix = index.open_finger_index(saved)
    ix.remove(1210)
    ix.save()
    new = {name: (saved / name).read_bytes() for name in (files.RECORDS, files.POSTINGS)}
    fresh = index.open_finger_index(saved / "old")
    for i in range(200):
        fresh.add(1000 + i, gallery.random_template(i))
    fresh.save()
    for name in (files.RECORDS, files.POSTINGS):
        (saved / name).write_bytes((saved / "old" / name).read_bytes())
        (saved / (name + ".next")).write_bytes(new[name])
    (saved / files.JOURNAL).write_bytes(files.pack([(1210, record_of(210))]))
    (saved / files.MARKER).touch()

    reopened = index.open_finger_index(saved)
    assert 1210 not in reopened
    assert len(reopened) == 219
    assert not (saved / files.JOURNAL).exists()
    assert not (saved / files.MARKER).exists()
    assert record_of(210) not in every_file(saved)


def test_a_rewrite_without_its_marker_is_undone_on_open(saved: Path) -> None:
    for name in (files.RECORDS, files.POSTINGS):
        (saved / (name + ".next")).write_bytes(b"half of a rewrite")
    (saved / (files.POSTINGS + ".tmp")).write_bytes(b"half of a file")
    reopened = index.open_finger_index(saved)
    assert len(reopened) == 220
    assert [p.name for p in saved.iterdir() if p.suffix in (".next", ".tmp")] == []


def test_a_record_cut_short_by_a_crash_is_dropped(saved: Path) -> None:
    with open(saved / files.JOURNAL, "ab") as handle:
        handle.write(files.pack([(9999, record_of(300))])[:-7])  # an append stopped part way
    ix = index.open_finger_index(saved)
    assert len(ix) == 220
    assert 9999 not in ix
    ix.add(1301, gallery.random_template(301))
    ix.save()
    reopened = index.open_finger_index(saved)
    assert len(reopened) == 221
    assert reopened.get(1301) == gallery.random_template(301)


def test_a_full_journal_is_folded_into_the_base(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index, "JOURNAL_MIN", 21)
    ix = index.open_finger_index(saved)
    ix.add(1300, gallery.random_template(300))
    ix.save()  # 21 in the journal: still room
    assert (saved / files.JOURNAL).exists()
    before = stamp(saved)
    ix.add(1301, gallery.random_template(301))
    ix.save()  # 22: both base files are rewritten with all of them
    assert not (saved / files.JOURNAL).exists()
    assert stamp(saved) != before
    assert len(index.open_finger_index(saved)) == 222


def test_a_stale_postings_file_is_replaced_at_the_next_save(saved: Path) -> None:
    garbage = os.urandom(64)
    (saved / files.POSTINGS).write_bytes(garbage)
    ix = index.open_finger_index(saved)  # rebuilt in memory from the records
    ix.save()
    assert (saved / files.POSTINGS).read_bytes() != garbage
    with np.load(saved / files.POSTINGS) as postings:
        assert sorted(int(i) for i in postings["ids"]) == list(range(1000, 1220))
    assert index.open_finger_index(saved).candidates(gallery.random_template(5), 1) == [1005]
