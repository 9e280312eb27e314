"""ISO/IEC 19794-2:2005 records: Olu's templates survive the round trip, and the
decoder refuses anything malformed with a ValueError (never another exception)."""

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.biometrics.fingerprints import iso
from apps.biometrics.fingerprints.template import FingerTemplate, Minutia

sizes = st.integers(min_value=1, max_value=2000)


@st.composite
def templates(draw: st.DrawFn) -> FingerTemplate:
    width, height = draw(sizes), draw(sizes)
    minutia = st.builds(
        Minutia,
        x=st.integers(0, min(width - 1, 16383)),
        y=st.integers(0, min(height - 1, 16383)),
        angle=st.integers(0, 255),
        kind=st.sampled_from([0, 1, 2]),
        quality=st.integers(0, 100),
    )
    return FingerTemplate(
        minutiae=tuple(draw(st.lists(minutia, max_size=255))),
        width=width,
        height=height,
        dpi=iso.ppcm_to_dpi(draw(st.integers(1, 800))),
        quality=draw(st.integers(0, 100)),
        finger_position=draw(st.integers(0, 10)),
        impression_type=draw(st.sampled_from([0, 1, 2, 3, 8])),
    )


@given(templates())
def test_round_trip_is_exact(t: FingerTemplate) -> None:
    record = iso.to_iso(t)
    assert record[:8] == b"FMR\x00 20\x00"
    assert len(record) == 24 + 4 + 6 * len(t.minutiae) + 2
    assert iso.from_iso(record) == t


@settings(max_examples=300)
@given(st.binary(max_size=400), st.booleans())
def test_random_bytes_are_refused_with_value_error(data: bytes, with_header: bool) -> None:
    if with_header:  # get past the identifier and length checks, into the fields
        data = b"FMR\x00 20\x00" + struct.pack(">I", len(data) + 12) + data
    try:
        decoded = iso.from_iso(data)
    except ValueError:
        return
    assert iso.from_iso(iso.to_iso(decoded)) == decoded


@settings(max_examples=300)
@given(templates(), st.data())
def test_corrupted_records_decode_or_raise_value_error(
    t: FingerTemplate, data: st.DataObject
) -> None:
    record = bytearray(iso.to_iso(t))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(record) - 1))
        record[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(record)))
    try:
        decoded = iso.from_iso(bytes(record[:cut]))
    except ValueError:
        return
    assert iso.from_iso(iso.to_iso(decoded)) == decoded


def _record(**changes: int) -> bytearray:
    t = FingerTemplate((Minutia(10, 20, 30, 1, 40), Minutia(50, 60, 70, 2, 80)), 400, 480)
    record = bytearray(iso.to_iso(t))
    for offset, value in changes.items():
        record[int(offset.removeprefix("at"))] = value
    return record


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (b"", "too short"),
        (b"XYZ\x00" + bytes(_record()[4:]), "FMR"),
        (bytes(_record(at5=0x33)), "version"),
        (bytes(_record()) + b"\x00", "record length"),
        (bytes(_record(at22=2)), "2 finger views"),
        (bytes(_record(at24=11)), "finger position"),
        (bytes(_record(at25=0x05)), "impression type"),
        (bytes(_record(at26=101)), "finger quality"),
        (bytes(_record(at28=0xC0)), "type 11"),
        (bytes(_record(at30=0x40)), "reserved bits"),
        (bytes(_record(at33=200)), "quality 200"),
        (bytes(_record(at28=0x3F)), "outside"),
    ],
)
def test_malformed_records_say_what_is_wrong(record: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        iso.from_iso(record)


def test_announced_minutiae_must_fit() -> None:
    record = _record(at27=40)
    with pytest.raises(ValueError, match="40 minutiae announced"):
        iso.from_iso(bytes(record))


def test_extended_data_is_skipped_when_its_length_is_right() -> None:
    record = _record()
    record[-2:] = struct.pack(">H", 3)
    record += b"abc"
    record[8:12] = struct.pack(">I", len(record))
    assert len(iso.from_iso(bytes(record)).minutiae) == 2


def test_encoder_refuses_what_iso_cannot_carry() -> None:
    too_many = FingerTemplate(tuple(Minutia(1, 1, 0, 1, 50) for _ in range(256)), 10, 10)
    with pytest.raises(ValueError, match="255"):
        iso.to_iso(too_many)
    with pytest.raises(ValueError, match="14 bits"):
        iso.to_iso(FingerTemplate((Minutia(20000, 1, 0, 1, 50),), 30000, 10))


@given(templates())
def test_the_bulk_helpers_agree_with_the_codec(t: FingerTemplate) -> None:
    from apps.biometrics.fingerprints import match

    record = iso.to_iso(t)
    rows = iso.record_rows(record)
    assert rows.tolist() == match.template_rows(t).tolist()
    assert iso.record_size(record) == (t.width, t.height)
    plain = FingerTemplate(t.minutiae, t.width, t.height, t.dpi)
    assert iso.pack_rows(t.width, t.height, rows, dpi=t.dpi) == iso.to_iso(plain)
