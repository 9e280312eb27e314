"""The canonical form has one definition: the orjson writing used by verification and
the pieces PostgreSQL splices on append give the same bytes as canonical_bytes."""

import datetime as dt
import json
import uuid
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
    st.one_of(st.none(), st.booleans(), st.integers(), text, st.lists(text, max_size=3)),
    max_size=4,
)


@given(
    chain=text,
    seq=st.integers(1, 10**12),
    at=st.datetimes(timezones=st.just(dt.UTC)),
    actor_id=st.one_of(st.none(), st.integers(1, 10**9)),
    strings=st.lists(text, min_size=7, max_size=7),
    subject=st.one_of(st.none(), st.uuids()),
    detail=codes,
    prev=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
)
def test_the_spliced_form_is_the_canonical_form(  # noqa: PLR0917 - hypothesis arguments
    chain: str,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    strings: list[str],
    subject: uuid.UUID | None,
    detail: dict[str, Any],
    prev: str,
) -> None:
    role, action, object_type, object_id, purpose, basis, reference = strings
    fields: dict[str, Any] = {
        "chain": chain,
        "at": at,
        "actor_id": actor_id,
        "actor_role": role,
        "action": action,
        "subject_id": subject,
        "object_type": object_type,
        "object_id": object_id,
        "purpose": purpose,
        "legal_basis": basis,
        "reference": reference,
        "detail": detail,
    }
    whole = canonical_bytes(seq=seq, prev_hash=prev, **fields)
    head, middle = canonical_parts(**fields)
    assert join_canonical(head, seq, middle, prev) == whole
    assert b"\n" not in whole
    assert b"\t" not in whole
    body = json.loads(whole)
    assert body[2] == seq
    assert body[14] == prev


def test_the_offline_verifier_needs_no_django() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import apps.audit.offline; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    root = str(Path(__file__).resolve().parents[3])
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": root})  # noqa: S603


@given(
    chain=text,
    seq=st.integers(1, 2**63 - 1),
    at=st.datetimes(timezones=st.just(dt.UTC)),
    actor_id=st.one_of(st.none(), st.integers(1, 2**63 - 1)),
    strings=st.lists(text, min_size=7, max_size=7),
    subject=st.one_of(st.none(), st.uuids()),
    detail=st.dictionaries(
        st.text(max_size=8), st.one_of(st.floats(allow_nan=False), st.integers(), text)
    ),
    prev=text,
)
def test_verification_writes_a_row_as_canonical_bytes_does(  # noqa: PLR0917 - hypothesis
    chain: str,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    strings: list[str],
    subject: uuid.UUID | None,
    detail: dict[str, Any],
    prev: str,
) -> None:
    """`audit verify` writes rows with orjson (and the detail, floats and all, with the
    standard encoder): the bytes must be canonical_bytes' for any text, even a changed
    prev_hash."""
    from apps.audit.hashing import iso_utc
    from apps.audit.verify import row_bytes

    role, action, object_type, object_id, purpose, basis, reference = strings
    subject_text = str(subject) if subject else None
    fields = (role, action, subject_text, object_type, object_id, purpose, basis, reference)
    row = (1, 0, b"", "v1", chain, seq, iso_utc(at), actor_id, *fields, json.dumps(detail), prev)
    expected = canonical_bytes(
        chain=chain, seq=seq, at=at, actor_id=actor_id, actor_role=role, action=action,
        subject_id=subject, object_type=object_type, object_id=object_id, purpose=purpose,
        legal_basis=basis, reference=reference, detail=detail, prev_hash=prev,
    )  # fmt: skip
    assert row_bytes(row, {}) == expected
