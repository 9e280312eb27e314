"""The 1:N fingerprint index: pair hashing for candidates, then Bozorth3 on them.

`candidates` ranks the gallery by geometric-hashing votes (see pairs.py); `search`
re-scores the best `shortlist` of them with Bozorth3 and returns the best `k`.

On disk, in `directory`:

- `fingers.records`: every live template as its ISO/IEC 19794-2 record, keyed by id;
- `fingers.postings.npz`: the inverted index of pair keys (rebuilt from the records if
  it is missing or does not belong to them);
- `fingers.journal`: the records added since those two were written (files.py).

Changes are incremental in memory: additions go to a small pending table that is merged
into the main one when it grows past a tenth of it; removals mark the slot dead at once
(it no longer votes or comes back). `save()` after additions alone appends them to the
journal; after a removal (or once the journal holds a fiftieth of the index) it writes
both base files compacted and deletes the journal, in an order a crash cannot undo
(files.py), so a removed template's bytes are really gone from disk after the next
save. Readers in other processes see either the old or the new files, never half of
one; the caller serialises writers (the app holds one lock).
A FingerIndex object is not thread-safe: one thread uses it at a time.
"""

import io
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

from apps.biometrics.fingerprints import files, iso, match, pairs
from apps.biometrics.fingerprints.files import POSTINGS, RECORDS
from apps.biometrics.fingerprints.template import FingerTemplate

__all__ = ["POSTINGS", "RECORDS", "FingerIndex", "open_finger_index", "rebuild_finger_index"]
DEFAULT_SHORTLIST = 10
JOURNAL_SHARE = 50  # the base is rewritten once the journal holds this share of the index
JOURNAL_MIN = 1000
PREPARED_CACHE = 20_000  # about 26 kB each: NBIS's loaded templates, kept for re-ranking


class _Postings:
    """Pair keys grouped by key (CSR): entries offsets[k]:offsets[k+1] have key k."""

    def __init__(self, offsets: np.ndarray, slots: np.ndarray, dirs: np.ndarray) -> None:
        self.offsets = offsets
        self.slots = slots
        self.dirs = dirs

    @classmethod
    def empty(cls) -> "_Postings":
        return cls(
            np.zeros(pairs.KEYS + 1, dtype=np.int64),
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.uint8),
        )

    @classmethod
    def build(cls, keys: np.ndarray, slots: np.ndarray, dirs: np.ndarray) -> "_Postings":
        order = np.argsort(keys, kind="stable")
        counts = np.bincount(keys, minlength=pairs.KEYS)
        offsets = np.zeros(pairs.KEYS + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return cls(offsets, slots[order].astype(np.int32), dirs[order].astype(np.uint8))

    def keys(self) -> np.ndarray:
        return np.repeat(np.arange(pairs.KEYS, dtype=np.int32), np.diff(self.offsets))

    def vote(self, keys: np.ndarray, dirs: np.ndarray, votes: np.ndarray) -> None:
        """Add one vote per hit to votes[slot * ROT_BINS + rotation bin]."""
        starts, ends = self.offsets[keys], self.offsets[keys + 1]
        lens = ends - starts
        total = int(lens.sum())
        if not total:
            return
        shift = np.repeat(starts - (np.cumsum(lens) - lens), lens)
        where = np.arange(total, dtype=np.int64) + shift
        rot = (np.repeat(dirs, lens) - self.dirs[where]) % pairs.PHI_BINS
        rot //= pairs.PHI_BINS // pairs.ROT_BINS
        cells = self.slots[where].astype(np.int64) * pairs.ROT_BINS + rot
        votes += np.bincount(cells, minlength=len(votes))[: len(votes)].astype(votes.dtype)


class FingerIndex:
    """Templates by integer id, searchable 1:N (see the module's docstring)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._records: dict[int, bytes] = {}
        self._slot_of: dict[int, int] = {}
        self._slot_ids: list[int] = []
        self._alive = np.zeros(0, dtype=bool)
        self._base = _Postings.empty()
        self._pending: list[tuple[int, np.ndarray, np.ndarray]] = []
        self._pending_size = 0
        self._pending_csr: _Postings | None = None
        self._prepared: OrderedDict[int, match.Prepared] = OrderedDict()
        self._unsaved: list[int] = []  # ids added since the last save()
        self._rewrite = False  # a removal or stale postings: rewrite the base at save()
        self._journaled = (0, 0)  # entries in the journal file, its length in bytes

    # -- changes -----------------------------------------------------------------
    def add(self, id: int, template: FingerTemplate) -> None:
        """File `template` under `id` (replacing what `id` had). ValueError if invalid."""
        record = iso.to_iso(template)
        keys, dirs = pairs.record_keys(record)
        self.insert(id, record, keys, dirs)

    def insert(self, id: int, record: bytes, keys: np.ndarray, dirs: np.ndarray) -> None:
        """`add` for bulk loads: `record` written by iso.to_iso (or iso.pack_rows) and
        its `pairs.record_keys`, computed elsewhere (e.g. in worker processes)."""
        self.remove(id)
        slot = len(self._slot_ids)
        self._slot_ids.append(int(id))
        self._slot_of[int(id)] = slot
        if slot >= len(self._alive):
            grown = np.zeros(max(1024, 2 * len(self._alive)), dtype=bool)
            grown[: len(self._alive)] = self._alive
            self._alive = grown
        self._alive[slot] = True
        self._records[int(id)] = record
        self._pending.append((slot, keys, dirs))
        self._pending_size += len(keys)
        self._pending_csr = None
        self._unsaved.append(int(id))
        if self._pending_size > max(50_000, len(self._base.slots) // 10):
            self._merge()

    def remove(self, id: int) -> bool:
        """Forget `id`; True if it was there. Its record leaves disk at the next save()."""
        self._prepared.pop(int(id), None)
        slot = self._slot_of.pop(int(id), None)
        if slot is None:
            return False
        self._alive[slot] = False
        del self._records[int(id)]
        self._rewrite = True
        return True

    def _merge(self) -> None:
        if not self._pending:
            return
        keys = [self._base.keys()] + [k for _, k, _ in self._pending]
        slots = [self._base.slots] + [
            np.full(len(k), s, dtype=np.int32) for s, k, _ in self._pending
        ]
        dirs = [self._base.dirs] + [d for _, _, d in self._pending]
        self._base = _Postings.build(
            np.concatenate(keys), np.concatenate(slots), np.concatenate(dirs)
        )
        self._pending, self._pending_size, self._pending_csr = [], 0, None

    def _compact(self) -> None:
        """Drop dead slots from the postings and renumber the live ones densely."""
        self._merge()
        n = len(self._slot_ids)
        alive = self._alive[:n]
        if alive.all():
            return
        renumber = np.cumsum(alive) - 1
        keep = alive[self._base.slots]
        keys = self._base.keys()[keep]
        slots = renumber[self._base.slots[keep]]
        self._base = _Postings.build(keys, slots.astype(np.int32), self._base.dirs[keep])
        self._slot_ids = [i for i, a in zip(self._slot_ids, alive, strict=True) if a]
        self._slot_of = {i: s for s, i in enumerate(self._slot_ids)}
        self._alive = np.ones(max(1024, len(self._slot_ids)), dtype=bool)
        self._alive[len(self._slot_ids) :] = False

    # -- queries -----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, id: object) -> bool:
        return id in self._records

    def ids(self) -> Iterator[int]:
        return iter(self._records)

    def get(self, id: int) -> FingerTemplate | None:
        record = self._records.get(int(id))
        return iso.from_iso(record) if record is not None else None

    def votes(self, template: FingerTemplate) -> np.ndarray:
        """Each slot's best-rotation vote count (dead slots: -1)."""
        n = len(self._slot_ids)
        votes = np.zeros(n * pairs.ROT_BINS, dtype=np.int32)
        if not n:
            return np.zeros(0, dtype=np.int32)
        keys, dirs = pairs.probe_keys(template)
        self._base.vote(keys, dirs, votes)
        if self._pending:
            if self._pending_csr is None:
                self._pending_csr = _Postings.build(
                    np.concatenate([k for _, k, _ in self._pending]),
                    np.concatenate(
                        [np.full(len(k), s, dtype=np.int32) for s, k, _ in self._pending]
                    ),
                    np.concatenate([d for _, _, d in self._pending]),
                )
            self._pending_csr.vote(keys, dirs, votes)
        grid = votes.reshape(n, pairs.ROT_BINS)
        # A turn that falls on a bin edge splits its votes: count two neighbouring bins.
        best = (grid + np.roll(grid, 1, axis=1)).max(axis=1)
        best[~self._alive[:n]] = -1
        return best

    def candidates(self, template: FingerTemplate, k: int) -> list[int]:
        """Up to `k` ids most likely to hold the same finger, best first (only ids that
        share at least one minutia pair with `template`)."""
        best = self.votes(template)
        live = int((best > 0).sum())
        k = min(k, live)
        if k <= 0:
            return []
        top = np.argpartition(-best, k - 1)[:k]
        top = top[np.argsort(-best[top], kind="stable")]
        return [self._slot_ids[s] for s in top]

    def search(
        self, template: FingerTemplate, k: int = 5, *, shortlist: int = DEFAULT_SHORTLIST
    ) -> list[tuple[int, int]]:
        """The `k` best (id, Bozorth3 score) among the `shortlist` candidates, best first."""
        probe = match.prepare(template)
        scored = []
        for cid in self.candidates(template, max(k, shortlist)):
            scored.append((cid, match.compare(probe, self._prepared_for(cid))))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:k]

    def _prepared_for(self, id_: int) -> match.Prepared:
        """NBIS's loaded template for `id_` (loading costs more than a comparison: cached)."""
        prepared = self._prepared.get(id_)
        if prepared is None:
            prepared = match.prepare_record(self._records[id_])
            self._prepared[id_] = prepared
            if len(self._prepared) > PREPARED_CACHE:
                self._prepared.popitem(last=False)
        else:
            self._prepared.move_to_end(id_)
        return prepared

    def clear_cache(self) -> None:
        self._prepared.clear()

    # -- persistence -------------------------------------------------------------
    def save(self) -> None:
        """Make the changes durable (see the module's docstring)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        unsaved = [(i, self._records[i]) for i in dict.fromkeys(self._unsaved) if i in self]
        entries, size = self._journaled
        limit = max(JOURNAL_MIN, len(self) // JOURNAL_SHARE)
        if (
            self._rewrite
            or not (self.directory / RECORDS).exists()
            or entries + len(unsaved) > limit
        ):
            self._write_base()
        elif unsaved:
            size = files.append_journal(self.directory, unsaved, size)
            self._journaled = (entries + len(unsaved), size)
        self._unsaved, self._rewrite = [], False

    def _write_base(self) -> None:
        self._compact()
        records = files.MAGIC + files.pack((i, self._records[i]) for i in self._slot_ids)
        out = io.BytesIO()
        np.savez(
            out,
            offsets=self._base.offsets,
            slots=self._base.slots,
            dirs=self._base.dirs,
            ids=np.asarray(self._slot_ids, dtype=np.int64),
            layout=np.asarray([pairs.KEYS, pairs.PHI_BINS, match.MATCH_MINUTIAE]),
        )
        files.write_base(self.directory, {RECORDS: records, POSTINGS: out.getvalue()})
        self._journaled = (0, 0)

    def _load(self) -> None:
        files.recover(self.directory)
        self._load_base()
        journaled, size = files.read_journal(self.directory)
        for id_, record in journaled:
            self._insert_record(id_, record)
        self._unsaved = []  # saved already (a replacement still asks for a rewrite)
        self._journaled = (len(journaled), size)

    def _insert_record(self, id_: int, record: bytes) -> None:
        """A record read from disk, indexed anew."""
        iso.from_iso(record)  # refuse a damaged record rather than index it
        self.insert(id_, record, *pairs.record_keys(record))

    def _load_base(self) -> None:
        path = self.directory / RECORDS
        if not path.exists():
            return
        for id_, record in files.read_records(path.read_bytes()):
            self._records[id_] = record
        try:
            with np.load(self.directory / POSTINGS) as z:
                ids = [int(i) for i in z["ids"]]
                layout = [int(v) for v in z["layout"]]
                offsets, slots, dirs = z["offsets"], z["slots"], z["dirs"]
        except (OSError, KeyError, ValueError):
            ids, layout = [], []
        expected = [pairs.KEYS, pairs.PHI_BINS, match.MATCH_MINUTIAE]
        if layout == expected and ids == list(self._records):
            self._base = _Postings(offsets, slots, dirs)
            self._slot_ids = ids
            self._slot_of = {i: s for s, i in enumerate(ids)}
            self._alive = np.ones(max(1024, len(ids)), dtype=bool)
            self._alive[len(ids) :] = False
            return
        records, self._records = self._records, {}
        for id_, record in records.items():  # postings missing or stale: rebuild them
            self._insert_record(id_, record)
        self._merge()
        self._rewrite = True  # and replace the stale file at the next save()


def open_finger_index(directory: Path) -> FingerIndex:
    """The index saved in `directory` (an empty one if nothing is saved there yet)."""
    index = FingerIndex(Path(directory))
    index._load()
    return index


def rebuild_finger_index(
    directory: Path,
    items: Iterable[tuple[int, FingerTemplate]],
    total: int,
    progress: Callable[[int, int], None] | None = None,
) -> FingerIndex:
    """A new index of `items` (id, template), saved in `directory` (replacing any)."""
    index = FingerIndex(Path(directory))
    for done, (id_, template) in enumerate(items, start=1):
        index.add(id_, template)
        if progress is not None and (done % 1000 == 0 or done == total):
            progress(done, total)
    index.save()
    return index
