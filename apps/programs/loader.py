"""Loading programs: a file is checked (TOML -> non-discrimination check -> schema ->
Program); the running system uses only the programs in force.

The order matters: the check runs on the raw parsed file before the schema, so a program
that selects people by sex is refused *for that reason* (ProgramRejected, naming the
rule, element and line), not for an unknown key. Warnings come back with the program
(Checked) and refuse the file only when the check is strict.

``get_program`` and ``available_programs`` answer with the versions in force — texts two
privacy officers approved (services.py) — never with the files on disk, so editing a
file changes nothing until its new text is approved. A text is parsed once per digest.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from pydantic import ValidationError

from apps.programs.errors import ProgramInvalid, ProgramNotFound, ProgramRejected, ProgramWarning
from apps.programs.lint import errors, lint_program, warnings
from apps.programs.models import ProgramVersion, VersionStatus
from apps.programs.schema import Program

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")  # the same pattern as schema.Slug
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True)
class Checked:
    """A program that passed the check, with the warnings the check printed for it."""

    program: Program
    warnings: tuple[ProgramWarning, ...]


def check_program_text(text: str, source: str = "<string>", *, strict: bool = False) -> Checked:
    """Parse, check and validate one program.

    Raises ProgramInvalid (bad TOML, with line and column; or a schema error, with the
    path and line of every problem) and ProgramRejected (a non-discrimination rule is
    broken: the first violation is the error, the others are listed). With ``strict``,
    a warning refuses the file too."""
    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        position = _TOML_POSITION.search(str(error))
        line = int(position.group(1)) if position else None
        message = _TOML_POSITION.sub("", str(error)).strip()
        column = f", column {position.group(2)}" if position else ""
        raise ProgramInvalid(
            f"the file is not valid TOML: {message}{column}. Check quotes, brackets and "
            "that every key is written once.",
            line=line,
            source=source,
        ) from error
    violations = lint_program(raw)
    refusing = violations if strict else errors(violations)
    if refusing:
        raise ProgramRejected.from_violations(refusing, text, source)
    try:
        program = Program.model_validate(raw)
    except ValidationError as error:
        raise ProgramInvalid.from_validation_error(error, raw, text, source) from error
    return Checked(
        program, tuple(ProgramWarning.from_violation(v, text) for v in warnings(violations))
    )


def load_program_text(text: str, source: str = "<string>") -> Program:
    """check_program_text, for callers that only want the program."""
    return check_program_text(text, source).program


def check_program_file(path: Path, *, strict: bool = False) -> Checked:
    """Check a program file; its name must be ``<slug>.toml``.

    Raises ProgramNotFound when the file does not exist or cannot be read, and
    ProgramInvalid / ProgramRejected as check_program_text does."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ProgramNotFound(f"cannot read the program file: {error}", source=str(path)) from error
    checked = check_program_text(text, source=str(path), strict=strict)
    program = checked.program
    if path.stem != program.slug:
        raise ProgramInvalid(
            f"the file is named {path.name!r} but declares slug {program.slug!r}; rename "
            f"the file to {program.slug}.toml or change program.slug, so that a link to "
            "/programs/<slug> always finds the file it names",
            path="program.slug",
            source=str(path),
        )
    return checked


def load_program_file(path: Path) -> Program:
    """check_program_file, for callers that only want the program."""
    return check_program_file(path).program


def get_program(slug: str) -> Program:
    """The program ``slug`` as in force: the text two privacy officers approved
    (services.approve), parsed once per digest. The file on disk is not read: a changed
    file takes effect only once its new text is approved.

    Raises ProgramNotFound for a slug that is not a valid slug, or that has no version in
    force."""
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise ProgramNotFound(
            f"{slug!r} is not a program slug (lowercase letters, digits and dashes)"
        )
    found = (
        ProgramVersion.objects.filter(slug=slug, status=VersionStatus.ACTIVE)
        .values_list("pk", "digest")
        .first()
    )
    if found is None:
        raise ProgramNotFound(
            f"no version of program {slug!r} is in force: propose its file in the console "
            "(Programs) and have two privacy officers approve it"
        )
    return _in_force(*found)


def available_programs() -> list[Program]:
    """Every program in force, by slug."""
    versions = ProgramVersion.objects.filter(status=VersionStatus.ACTIVE).values_list(
        "pk", "digest"
    )
    return sorted((_in_force(pk, digest) for pk, digest in versions), key=lambda p: p.slug)


def program_files() -> list[Path]:
    """The ``*.toml`` files directly in REGISTRY_PROGRAMS_DIR (not examples/): what may
    be proposed."""
    directory = Path(settings.REGISTRY_PROGRAMS_DIR)
    if not directory.is_dir():
        raise ProgramNotFound(
            f"the programs directory {directory} does not exist; set REGISTRY_PROGRAMS_DIR"
        )
    return sorted(directory.glob("*.toml"))


def clear_cache() -> None:
    """Forget parsed programs (tests that check the parsing itself)."""
    _BY_DIGEST.clear()


# Parsed programs by digest: a digest names one text forever, so an entry never goes
# stale; a new version in force has a new digest.
_BY_DIGEST: dict[str, Program] = {}
_KEPT = 64


def _in_force(pk: int, digest: str) -> Program:
    program = _BY_DIGEST.get(digest)
    if program is None:
        text = ProgramVersion.objects.values_list("text", flat=True).get(pk=pk)
        # Checked at each approval, and again here: the check's rules may have grown
        # since, and a text it now refuses must stop being used.
        program = load_program_text(text, source=f"program in force {digest[:12]}")
        if len(_BY_DIGEST) >= _KEPT:
            _BY_DIGEST.clear()
        _BY_DIGEST[digest] = program
    return program
