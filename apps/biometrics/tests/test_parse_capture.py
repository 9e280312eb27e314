"""Whatever field names and values a client sends, the capture parser either returns
fingers and exceptions by well-formed position or refuses with FormInvalid naming a
field; it never raises anything else and never invents a position."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.biometrics.forms import MAX_FILES, parse_capture
from apps.biometrics.services import CaptureInput
from registry.errors import FormInvalid

names = st.one_of(
    st.just("photo"),
    st.integers(-3, 120).map(lambda n: f"finger_{n}"),
    st.text(min_size=1, max_size=12),
)
exception_names = st.one_of(
    st.integers(-3, 120).map(lambda n: f"exception_{n}"), st.text(min_size=1, max_size=12)
)


def parse_or_refuse(
    query: QueryDict, uploads: MultiValueDict[str, SimpleUploadedFile]
) -> CaptureInput | FormInvalid:
    try:
        return parse_capture(query, uploads)  # type: ignore[arg-type]
    except FormInvalid as refused:
        return refused


def test_digits_other_than_ascii_are_not_positions() -> None:
    uploads: MultiValueDict[str, SimpleUploadedFile] = MultiValueDict()
    uploads.appendlist("finger_\u00b2", SimpleUploadedFile("x.png", b"x"))
    refused = parse_or_refuse(QueryDict(mutable=True), uploads)
    assert isinstance(refused, FormInvalid)
    assert "fingers" in refused.fields


@settings(max_examples=200, deadline=None)
@given(
    files=st.lists(st.tuples(names, st.binary(max_size=8)), max_size=14),
    posted=st.lists(st.tuples(exception_names, st.text(max_size=10)), max_size=5),
)
def test_parse_capture_never_crashes(
    files: list[tuple[str, bytes]], posted: list[tuple[str, str]]
) -> None:
    uploads: MultiValueDict[str, SimpleUploadedFile] = MultiValueDict()
    for name, data in files:
        uploads.appendlist(name, SimpleUploadedFile("x.png", data))
    query = QueryDict(mutable=True)
    for name, value in posted:
        query.appendlist(name, value)
    parsed = parse_or_refuse(query, uploads)
    if isinstance(parsed, FormInvalid):
        assert parsed.fields
        return
    assert len(files) <= MAX_FILES
    assert all(0 <= p <= 99 for p in [*parsed.fingers, *parsed.exceptions])
    assert set(parsed.fingers) <= {int(n.removeprefix("finger_")) for n, _ in files if n != "photo"}
