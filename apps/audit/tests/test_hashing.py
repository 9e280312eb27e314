"""The canonical form has one definition: the orjson writing used by verification and
the pieces PostgreSQL splices on append give the same bytes as canonical_bytes."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from apps.audit.hashing import (
    canonical_bytes,
    canonical_parts,
    join_canonical,
)

text = st.text(max_size=30)  # any Unicode, control characters and quotes included
codes = st.dictionaries(
    st.text(max_size=8),
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        text,
        st.lists(text, max_size=3),
    ),
    max_size=4,
)
# An entry's fields as canonical_bytes takes them, but for seq and prev_hash.
entry_fields = st.fixed_dictionaries(
    {
        "chain": text,
        "at": st.datetimes(timezones=st.just(dt.UTC)),
        "actor_id": st.one_of(st.none(), st.integers(1, 2**63 - 1)),
        "actor_role": text,
        "action": text,
        "subject_id": st.one_of(st.none(), st.uuids()),
        "object_type": text,
        "object_id": text,
        "purpose": text,
        "legal_basis": text,
        "reference": text,
        "detail": codes,
    }
)
seqs = st.integers(1, 2**63 - 1)


@given(entry_fields, seqs, st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
def test_the_spliced_form_is_the_canonical_form(
    fields: dict[str, Any], seq: int, prev: str
) -> None:
    whole = canonical_bytes(seq=seq, prev_hash=prev, **fields)
    head, middle = canonical_parts(**fields)
    assert join_canonical(head, seq, middle, prev) == whole
    assert b"\n" not in whole
    assert b"\t" not in whole
    body = json.loads(whole)
    assert body[2] == seq
    assert body[14] == prev


@given(entry_fields, seqs, text)
def test_verification_writes_a_row_as_canonical_bytes_does(
    fields: dict[str, Any], seq: int, prev: str
) -> None:
    """`audit verify` writes rows with orjson (and the detail, floats and all, with the
    standard encoder): the bytes must be canonical_bytes' for any text, even a changed
    prev_hash."""
    from apps.audit.hashing import iso_utc
    from apps.audit.verify import row_bytes

    subject = str(fields["subject_id"]) if fields["subject_id"] else None
    row = (
        1, 0, b"", "v1", fields["chain"], seq, iso_utc(fields["at"]), fields["actor_id"],
        fields["actor_role"], fields["action"], subject, fields["object_type"],
        fields["object_id"], fields["purpose"], fields["legal_basis"], fields["reference"],
        json.dumps(fields["detail"]), prev,
    )  # fmt: skip
    assert row_bytes(row, {}) == canonical_bytes(seq=seq, prev_hash=prev, **fields)


def test_the_offline_verifier_needs_no_django() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import apps.audit.offline; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    root = str(Path(__file__).resolve().parents[3])
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": root})  # noqa: S603
