"""The people of the biometrics stories and their (generated) faces and fingers.

Amal is enrolled with the astronaut's face and fingers from masters 101 and 102; Bo
with Grace Hopper's face and masters 201, 202. "Amira" is Amal again, filing a second
time under another account: another photo of the same face (JPEG, another camera) and
other impressions of the same fingers. No real person's biometrics are used: the faces
ship with installed packages, the fingers are synthetic."""

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.biometrics.face import samples
from apps.biometrics.fingerprints import synthetic
from apps.biometrics.models import FINGER_POSITIONS
from apps.biometrics.services import CaptureInput
from apps.registrations import casework
from apps.registrations import services as registrations
from apps.registrations.models import Registration
from conftest import VALID_FORM, make_user
from tests.programs_in_force import put_in_force

Committed = Callable[[], AbstractContextManager[Any]]

AMAL_FINGERS = {2: 101, 7: 102}  # ISO position → synthetic master seed
BO_FINGERS = {2: 201, 7: 202}


@pytest.fixture(autouse=True)
def index_dir(settings: LazySettings, tmp_path: Path) -> Path:
    """Each test gets its own empty search indexes."""
    settings.BIOMETRICS_INDEX_DIR = tmp_path / "indexes"
    return Path(settings.BIOMETRICS_INDEX_DIR)


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Committed:
    """`with committed(): ...` runs what the block leaves for after commit (the search
    task, index updates) when it ends, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@functools.cache
def face(person: str, variation: str = "original") -> bytes:
    rgb = samples.people()[person]
    if variation == "original":
        return samples.png(rgb)
    if variation in samples.GOOD:
        return bytes(samples.GOOD[variation](rgb))
    make, _expect = samples.BAD[variation]
    return bytes(make(rgb))


@functools.cache
def _master(seed: int) -> Any:
    return synthetic.master_finger(seed)


@functools.cache
def finger(seed: int, impression: int = 1) -> bytes:
    return synthetic.png_bytes(synthetic.impression(_master(seed), impression))


def capture_of(
    person: str, fingers: dict[int, int], *, impression: int = 1, **kw: Any
) -> CaptureInput:
    """A capture with these fingers taken; every other finger is recorded as missing
    (each finger needs an image or a reason), unless `exceptions` says otherwise."""
    variation = kw.pop("variation", "original")
    exceptions = {p: "missing" for p in FINGER_POSITIONS if p not in fingers}
    exceptions.update(kw.pop("exceptions", {}))
    return CaptureInput(
        photo=face(person, variation),
        fingers={position: finger(seed, impression) for position, seed in fingers.items()},
        exceptions=exceptions,
        **kw,
    )


def the_rest_missing(*taken: int) -> dict[str, str]:
    """Form fields saying that every finger but `taken` is missing."""
    return {f"exception_{p}": "missing" for p in FINGER_POSITIONS if p not in taken}


def at_appointment(user: User, officer: User) -> Registration:
    """A case filed by `user`, booked for its biometrics appointment."""
    case, _ = registrations.file_registration(
        user, program_slug="us-2025", for_child=False, data=VALID_FORM, language="en",
        idempotency_key=None,
    )  # fmt: skip
    return casework.schedule_biometrics(officer, case, office_code="PAT", reason="booked")


@pytest.fixture
def sam(db: None) -> User:
    return make_user(Role.SUPERVISOR)


@pytest.fixture
def bo(db: None) -> User:
    return make_user(Role.REGISTRANT, "bo")


@pytest.fixture
def amira(db: None) -> User:
    return make_user(Role.REGISTRANT, "amira")


@pytest.fixture
def program_with(settings: LazySettings, tmp_path: Path) -> Callable[..., None]:
    """`program_with(nfiq2_minimum=50)`: the programs, with us-2025's [biometrics]
    section changed, served from a temporary directory for this test."""

    def change(**values: Any) -> None:
        directory = tmp_path / "programs"
        directory.mkdir(exist_ok=True)
        for source in Path(settings.REGISTRY_PROGRAMS_DIR).glob("*.toml"):
            text = source.read_text()
            if source.stem == "us-2025":
                lines = []
                for line in text.splitlines():
                    key = line.split("=")[0].strip()
                    value = values.get(key)
                    if isinstance(value, bool):
                        value = str(value).lower()
                    lines.append(line if value is None else f"{key} = {value}")
                text = "\n".join(lines) + "\n"
            (directory / source.name).write_text(text)
        settings.REGISTRY_PROGRAMS_DIR = directory
        put_in_force([directory / "us-2025.toml"])  # the changed text, as if approved

    return change


def poor_finger(seed: int) -> bytes:
    """A wet, noisy, partial print: readable, but of low NFIQ 2 quality (~35)."""
    capture = synthetic.Capture(noise=0.3, contact=0.1, pressure=1.0)
    return synthetic.png_bytes(synthetic.impression(_master(seed), 1, capture=capture))
