"""Loading program files: TOML -> non-discrimination lint -> schema -> Program.

The order matters: the lint runs on the raw parsed file before the schema, so a program
that selects people by sex is refused *for that reason* (ProgramRejected, naming the
rule and criterion), not for an unknown key. Loaded programs are cached per file and
modification time, so editing a file takes effect without a restart and an unchanged
file is parsed once.
"""

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from pydantic import ValidationError

from apps.programs.errors import ProgramInvalid, ProgramNotFound, ProgramRejected, ProgramWarning
from apps.programs.lint import errors, lint_program, warnings
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
    """The program ``REGISTRY_PROGRAMS_DIR/<slug>.toml``, loaded once per file version.

    Raises ProgramNotFound for a slug that is not a valid slug (checked before any file
    is touched, so a slug like ``../x`` never reaches the filesystem) or has no file;
    ProgramInvalid / ProgramRejected when the file is broken or refused."""
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise ProgramNotFound(
            f"{slug!r} is not a program slug (lowercase letters, digits and dashes)"
        )
    path = Path(settings.REGISTRY_PROGRAMS_DIR) / f"{slug}.toml"
    try:
        stat = path.stat()
    except OSError as error:
        raise ProgramNotFound(
            f"there is no program {slug!r}: {path} does not exist", source=str(path)
        ) from error
    return _load_cached(path, stat.st_mtime_ns, stat.st_size)


def available_programs() -> list[Program]:
    """Every ``*.toml`` directly in REGISTRY_PROGRAMS_DIR (not examples/), by slug.

    A refused or invalid file raises rather than being skipped: a deployment must not
    quietly run without a program it was given."""
    directory = Path(settings.REGISTRY_PROGRAMS_DIR)
    if not directory.is_dir():
        raise ProgramNotFound(
            f"the programs directory {directory} does not exist; set REGISTRY_PROGRAMS_DIR"
        )
    programs = []
    for path in sorted(directory.glob("*.toml")):
        stat = path.stat()
        programs.append(_load_cached(path, stat.st_mtime_ns, stat.st_size))
    return sorted(programs, key=lambda program: program.slug)


def clear_cache() -> None:
    """Forget loaded programs (tests that rewrite files in place within a clock tick)."""
    _load_cached.cache_clear()


@lru_cache(maxsize=64)
def _load_cached(path: Path, mtime_ns: int, size: int) -> Program:
    # mtime and size are part of the key so an edited file is loaded again.
    return load_program_file(path)
