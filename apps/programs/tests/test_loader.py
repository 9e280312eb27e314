"""Loading program files: errors that say where and how to fix, the lint before the
schema, slugs checked before anything is read, and only approved texts in force."""

from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from apps.programs.errors import ProgramInvalid, ProgramNotFound, ProgramRejected
from apps.programs.loader import (
    available_programs,
    get_program,
    load_program_file,
    load_program_text,
    program_files,
)
from apps.programs.tests.factories import PROGRAMS_DIR, raw_program, to_toml, with_criteria
from tests.programs_in_force import put_in_force


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.fixture
def programs_dir(tmp_path: Path, settings: SettingsWrapper) -> Path:
    settings.REGISTRY_PROGRAMS_DIR = tmp_path
    return tmp_path


def write(directory: Path, name: str, raw: dict[str, Any]) -> Path:
    path = directory / name
    path.write_text(to_toml(raw), encoding="utf-8")
    return path


# --- text --------------------------------------------------------------------------------


def test_the_written_copy_of_us_2025_loads_like_the_file() -> None:
    # The TOML writer used by these tests must not change what a program says.
    from_file = load_program_file(PROGRAMS_DIR / "us-2025.toml")
    assert load_program_text(to_toml(raw_program())) == from_file


def test_bad_toml_gives_line_and_column() -> None:
    text = to_toml(raw_program()).replace("min_age = 14", "min_age = = 14")
    with pytest.raises(ProgramInvalid) as caught:
        load_program_text(text, source="us-2025.toml")
    error = caught.value
    assert error.code == "program_invalid"
    assert error.line == line_of(text, "min_age = = 14")
    assert "not valid TOML" in error.message
    assert "column" in error.message
    assert str(error).startswith(f"us-2025.toml: line {error.line}: ")


def test_a_schema_error_names_the_key_and_its_line() -> None:
    raw = raw_program()
    raw["eligibility"]["min_age"] = "fourteen"
    text = to_toml(raw)
    with pytest.raises(ProgramInvalid) as caught:
        load_program_text(text)
    error = caught.value
    assert error.path == "eligibility.min_age"
    assert error.location == f"eligibility.min_age (line {line_of(text, 'min_age')})"
    assert "'fourteen'" in error.message


def test_a_typo_in_a_key_is_an_error_not_a_silently_dropped_rule() -> None:
    raw = raw_program()
    raw["eligibility"]["deadline_days_after_arival"] = 30
    with pytest.raises(ProgramInvalid) as caught:
        load_program_text(to_toml(raw))
    assert caught.value.path == "eligibility.deadline_days_after_arival"
    assert "unknown key 'deadline_days_after_arival'" in caught.value.message


def test_every_schema_problem_is_listed() -> None:
    raw = raw_program()
    del raw["notice"]
    raw["retention"]["draft_days"] = 0
    raw["form"]["sections"][0]["fields"][0]["type"] = "essay"
    with pytest.raises(ProgramInvalid) as caught:
        load_program_text(to_toml(raw))
    error = caught.value
    problems = [error.message, *error.details]
    assert len(problems) == 3
    assert any("'notice' is missing" in p for p in problems)
    assert any("retention.draft_days" in p for p in (*error.details, error.path))
    assert any("'essay'" in p for p in problems)


def test_a_value_of_none_of_a_unions_types_is_one_problem() -> None:
    raw = with_criteria(raw_program(), {"attribute": "age", "op": ">=", "value": [14]})
    with pytest.raises(ProgramInvalid) as caught:
        load_program_text(to_toml(raw))
    error = caught.value
    assert error.path == "eligibility.criteria[0].value"
    assert "valid integer" in error.message
    assert "valid date" in error.message
    assert error.details == ()


def test_a_text_missing_in_one_language_is_refused() -> None:
    raw = raw_program()
    del raw["notice"]["text"]["es"]
    with pytest.raises(ProgramInvalid, match=r"notice\.text lacks es"):
        load_program_text(to_toml(raw))


@pytest.mark.parametrize(
    ("criterion", "problem"),
    [
        ({"attribute": "age", "op": "in", "value": 14}, "whole number"),
        ({"attribute": "arrived_before", "op": ">", "value": "2020-01-01"}, "op < or <="),
        ({"attribute": "nationality", "op": "in", "value": ["sv"]}, "alpha-2"),
        ({"attribute": "nationality", "op": "==", "value": ["SV"]}, "one code"),
    ],
)
def test_a_criterion_the_evaluator_cannot_apply_is_refused(
    criterion: dict[str, Any], problem: str
) -> None:
    raw = with_criteria(raw_program("tps-example"), criterion)
    with pytest.raises(ProgramInvalid, match=problem) as caught:
        load_program_text(to_toml(raw))
    assert caught.value.path == "eligibility.criteria[0]"


def test_the_lint_runs_before_the_schema() -> None:
    """ "religion" is not an attribute the schema knows; the author still learns that
    the real problem is the non-discrimination rule, not a typo."""
    raw = with_criteria(raw_program(), {"attribute": "religion", "op": "==", "value": "x"})
    text = to_toml(raw)
    with pytest.raises(ProgramRejected) as caught:
        load_program_text(text, source="plan.toml")
    error = caught.value
    assert error.code == "program_rejected"
    assert error.rule == "ND-1 protected-characteristic"
    assert error.criterion == '{ attribute = "religion", op = "==", value = "x" }'
    line = line_of(text, '"religion"')
    assert error.location == f"eligibility.criteria[0].attribute (line {line})"
    message = str(error)
    assert message.startswith(
        f"plan.toml: refused by rule ND-1 protected-characteristic in the eligibility "
        f"criterion at "
        f"eligibility.criteria[0].attribute (line {line}): "
    )
    assert "\n" not in message


def test_a_rejection_lists_every_other_violation() -> None:
    raw = with_criteria(
        raw_program(),
        {"attribute": "sex", "op": "==", "value": "male"},
        {"attribute": "nationality", "op": "in", "value": ["IR"]},
        {"attribute": "apellido", "op": "==", "value": "x"},
    )
    with pytest.raises(ProgramRejected) as caught:
        load_program_text(to_toml(raw))
    error = caught.value
    assert [v.rule.id for v in error.violations] == ["ND-1", "ND-2", "ND-3"]
    assert len(error.details) == 2
    assert error.details[0].startswith(
        "ND-2 compulsory-nationality in the eligibility criterion at eligibility.criteria[1]"
    )
    assert "Also: ND-2" in str(error)
    assert error.as_dict()["details"] == list(error.details)


# --- files and slugs -------------------------------------------------------------------


def test_the_file_name_must_be_the_slug(tmp_path: Path) -> None:
    path = write(tmp_path, "registration.toml", raw_program())
    with pytest.raises(ProgramInvalid, match=r"rename the file to us-2025\.toml") as caught:
        load_program_file(path)
    assert caught.value.path == "program.slug"


def test_a_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(ProgramNotFound) as caught:
        load_program_file(tmp_path / "nothing.toml")
    assert caught.value.code == "program_not_found"


@pytest.mark.django_db
def test_get_program_serves_the_version_in_force_parsed_once() -> None:
    program = get_program("us-2025")
    assert program.slug == "us-2025"
    assert get_program("us-2025") is program  # parsed once per digest


@pytest.mark.django_db
def test_an_edited_file_changes_nothing_until_its_text_is_in_force(programs_dir: Path) -> None:
    raw = raw_program()
    raw["program"]["version"] = "2025.2"
    write(programs_dir, "us-2025.toml", raw)
    assert get_program("us-2025").program.version == "2025.1"  # the approved text
    put_in_force([programs_dir / "us-2025.toml"])
    assert get_program("us-2025").program.version == "2025.2"


@pytest.mark.parametrize("slug", ["../us-2025", "US-2025", "us_2025", "", "a", "x/../../etc"])
def test_a_bad_slug_is_refused_before_anything_is_read(slug: str) -> None:
    # No database access is allowed in this test: the slug is refused first.
    with pytest.raises(ProgramNotFound, match="is not a program slug"):
        get_program(slug)


@pytest.mark.django_db
def test_an_unknown_slug_is_not_in_force() -> None:
    with pytest.raises(ProgramNotFound, match="no version of program 'xx-1999' is in force"):
        get_program("xx-1999")


@pytest.mark.django_db
def test_available_programs_are_the_programs_in_force() -> None:
    assert [p.slug for p in available_programs()] == ["tps-example", "us-2025"]


def test_program_files_skip_subdirectories(programs_dir: Path) -> None:
    write(programs_dir, "us-2025.toml", raw_program())
    (programs_dir / "examples").mkdir()
    write(programs_dir / "examples", "special-registration-2002.toml", raw_program("tps-example"))
    assert [p.name for p in program_files()] == ["us-2025.toml"]


def test_a_missing_programs_dir_is_reported(settings: SettingsWrapper, tmp_path: Path) -> None:
    settings.REGISTRY_PROGRAMS_DIR = tmp_path / "nowhere"
    with pytest.raises(ProgramNotFound, match="REGISTRY_PROGRAMS_DIR"):
        program_files()
