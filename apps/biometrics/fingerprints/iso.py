"""ISO/IEC 19794-2:2005 finger minutiae records (one finger view).

Layout (big-endian):

    record header, 24 bytes
        "FMR\\0", " 20\\0", record length (4), capture equipment (2: 4 bits compliance,
        12 bits device id), image width (2), image height (2), x and y resolution in
        pixels per centimetre (2 + 2), number of finger views (1), reserved (1)
    finger view header, 4 bytes
        finger position (1), view number (4 bits) and impression type (4 bits),
        finger quality 0..100 (1), number of minutiae (1)
    each minutia, 6 bytes
        type (2 bits: 01 ridge ending, 10 bifurcation, 00 other) and x (14 bits),
        reserved (2 bits, zero) and y (14 bits), angle (1, units of 360/256 degrees),
        quality 0..100 (1)
    extended data: its length (2) and that many bytes (read and skipped)

`from_iso` refuses anything else with a ValueError that says what is wrong: a record
carrying several finger views, a length that does not add up, bits the standard
reserves, a coordinate outside the image.
"""

import struct

import numpy as np

from apps.biometrics.fingerprints.template import FingerTemplate, Minutia

MAGIC = b"FMR\x00"
VERSION = b" 20\x00"
HEADER = struct.Struct(">4s4sIHHHHHBB")
VIEW = struct.Struct(">BBBB")
MINUTIA = struct.Struct(">HHBB")
_IMPRESSION_TYPES = frozenset({0, 1, 2, 3, 8})
_MAX_COORD = (1 << 14) - 1


def dpi_to_ppcm(dpi: int) -> int:
    return round(dpi / 2.54)


def ppcm_to_dpi(ppcm: int) -> int:
    return round(ppcm * 2.54)


def to_iso(t: FingerTemplate) -> bytes:
    """The ISO/IEC 19794-2:2005 record of `t` (ValueError if `t` cannot be encoded)."""
    if len(t.minutiae) > 255:
        raise ValueError("an ISO record carries at most 255 minutiae per finger view")
    if not (0 <= t.width <= 0xFFFF and 0 <= t.height <= 0xFFFF):
        raise ValueError("image size must fit in 16 bits")
    if not (0 <= t.quality <= 100 and 0 <= t.finger_position <= 10):
        raise ValueError("finger quality must be 0..100 and finger position 0..10")
    if t.impression_type not in _IMPRESSION_TYPES:
        raise ValueError("impression type must be 0, 1, 2, 3 or 8")
    ppcm = dpi_to_ppcm(t.dpi)
    if not 0 < ppcm <= 0xFFFF:
        raise ValueError("resolution must be positive")
    body = bytearray()
    for m in t.minutiae:
        if not (0 <= m.x <= _MAX_COORD and 0 <= m.y <= _MAX_COORD):
            raise ValueError("minutia coordinates must fit in 14 bits")
        if m.kind not in (0, 1, 2) or not 0 <= m.angle <= 255 or not 0 <= m.quality <= 100:
            raise ValueError("minutia kind must be 0..2, angle 0..255 and quality 0..100")
        body += MINUTIA.pack((m.kind << 14) | m.x, m.y, m.angle, m.quality)
    length = HEADER.size + VIEW.size + len(body) + 2
    head = HEADER.pack(MAGIC, VERSION, length, 0, t.width, t.height, ppcm, ppcm, 1, 0)
    view = VIEW.pack(t.finger_position, t.impression_type, t.quality, len(t.minutiae))
    return head + view + bytes(body) + b"\x00\x00"


def _check_header(data: bytes) -> tuple[int, int, int]:
    """(width, height, pixels per cm) of a record, after checking its header."""
    if len(data) < HEADER.size + VIEW.size + 2:
        raise ValueError("too short for an ISO/IEC 19794-2 record")
    magic, version, length, _equipment, width, height, xres, yres, views, reserved = (
        HEADER.unpack_from(data, 0)
    )
    if magic != MAGIC:
        raise ValueError("not a finger minutiae record (no 'FMR' identifier)")
    if version != VERSION:
        raise ValueError("unsupported version (only ISO/IEC 19794-2:2005, ' 20')")
    if length != len(data):
        raise ValueError(f"record length says {length} bytes but {len(data)} were given")
    if views != 1:
        raise ValueError(f"the record carries {views} finger views; exactly one is expected")
    if reserved != 0:
        raise ValueError("reserved header byte is not zero")
    if xres == 0 or yres == 0 or xres != yres:
        raise ValueError("resolution must be positive and the same in x and y")
    return width, height, xres


def _check_view(data: bytes) -> tuple[int, int, int, int]:
    """(finger position, impression type, finger quality, minutiae count) of the view."""
    position, view_type, quality, count = VIEW.unpack_from(data, HEADER.size)
    impression = view_type & 0x0F
    if position > 10:
        raise ValueError(f"finger position {position} is not 0..10")
    if view_type >> 4 != 0:
        raise ValueError("only the first view of a finger (view number 0) is supported")
    if impression not in _IMPRESSION_TYPES:
        raise ValueError(f"impression type {impression} is not 0, 1, 2, 3 or 8")
    if quality > 100:
        raise ValueError(f"finger quality {quality} is above 100")
    return position, impression, quality, count


def _read_minutia(data: bytes, offset: int, i: int, width: int, height: int) -> Minutia:
    tx, ry, angle, quality = MINUTIA.unpack_from(data, offset)
    kind, x, y = tx >> 14, tx & _MAX_COORD, ry & _MAX_COORD
    if kind == 3:
        raise ValueError(f"minutia {i} has type 11, which the standard reserves")
    if ry >> 14:
        raise ValueError(f"minutia {i} sets reserved bits")
    if quality > 100:
        raise ValueError(f"minutia {i} has quality {quality}, above 100")
    if (width and x >= width) or (height and y >= height):
        raise ValueError(f"minutia {i} lies outside the {width}x{height} image")
    return Minutia(x, y, angle, kind, quality)


def from_iso(data: bytes) -> FingerTemplate:
    """The template in an ISO/IEC 19794-2:2005 record with one finger view.

    Raises ValueError, with the reason, for anything that is not such a record.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValueError("an ISO record is bytes")
    data = bytes(data)
    width, height, ppcm = _check_header(data)
    position, impression, quality, count = _check_view(data)
    offset = HEADER.size + VIEW.size
    end = offset + count * MINUTIA.size
    if end + 2 > len(data):
        raise ValueError(f"{count} minutiae announced but the record is too short for them")
    minutiae = tuple(
        _read_minutia(data, offset + i * MINUTIA.size, i, width, height) for i in range(count)
    )
    (ext_length,) = struct.unpack_from(">H", data, end)
    if end + 2 + ext_length != len(data):
        raise ValueError("extended data length does not match the record length")
    return FingerTemplate(
        minutiae=minutiae,
        width=width,
        height=height,
        dpi=ppcm_to_dpi(ppcm),
        quality=quality,
        finger_position=position,
        impression_type=impression,
    )


def pack_rows(width: int, height: int, rows: np.ndarray, *, dpi: int = 500) -> bytes:
    """`to_iso` of a template given as (n, 5) integer rows x, y, angle, kind, quality
    (already in range: for generated bulk data, where building Minutia tuples is slow)."""
    r = np.asarray(rows, dtype=np.int64).reshape(-1, 5)
    if len(r) > 255:
        raise ValueError("an ISO record carries at most 255 minutiae per finger view")
    body = np.empty((len(r), 6), dtype=np.uint8)
    tx = (r[:, 3] << 14) | r[:, 0]
    body[:, 0], body[:, 1] = tx >> 8, tx & 0xFF
    body[:, 2], body[:, 3] = r[:, 1] >> 8, r[:, 1] & 0xFF
    body[:, 4], body[:, 5] = r[:, 2], r[:, 4]
    length = HEADER.size + VIEW.size + body.size + 2
    ppcm = dpi_to_ppcm(dpi)
    head = HEADER.pack(MAGIC, VERSION, length, 0, width, height, ppcm, ppcm, 1, 0)
    return head + VIEW.pack(0, 0, 0, len(r)) + body.tobytes() + b"\x00\x00"


def record_rows(record: bytes) -> np.ndarray:
    """(n, 5) int64 rows x, y, angle, kind, quality of a record this module wrote.

    No validation: for records the index wrote itself (use from_iso for anything else).
    """
    count = record[HEADER.size + 3]
    block = np.frombuffer(record, dtype=np.uint8, count=count * 6, offset=HEADER.size + 4)
    b = block.reshape(count, 6).astype(np.int64)
    rows = np.empty((count, 5), dtype=np.int64)
    rows[:, 0] = ((b[:, 0] & 0x3F) << 8) | b[:, 1]
    rows[:, 1] = ((b[:, 2] & 0x3F) << 8) | b[:, 3]
    rows[:, 2] = b[:, 4]
    rows[:, 3] = b[:, 0] >> 6
    rows[:, 4] = b[:, 5]
    return rows


def record_size(record: bytes) -> tuple[int, int]:
    """(width, height) of a record this module wrote."""
    return int.from_bytes(record[14:16], "big"), int.from_bytes(record[16:18], "big")
