"""``manage.py program``: what a policy author and CI see, and the exit codes they get."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

from apps.programs.tests.factories import NSEERS, PROGRAMS_DIR, raw_program, to_toml

US_FILE = PROGRAMS_DIR / "us-2025.toml"
TPS_FILE = PROGRAMS_DIR / "tps-example.toml"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("program", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args: str) -> tuple[str, str, CommandError]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("program", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), caught.value


def test_check_accepts_the_shipped_programs() -> None:
    out, err = run("check", str(US_FILE), str(TPS_FILE))
    assert out.splitlines() == [
        "OK us-2025 2025.1: 18 documents, 18 form fields, languages en, es",
        "OK tps-example 2025.1: 1 documents, 11 form fields, languages en, es",
    ]
    assert err == ""


def test_check_refuses_nseers_with_rule_criterion_location_and_fix() -> None:
    out, err, error = run_failing("check", str(US_FILE), str(NSEERS))
    assert error.returncode == 2
    assert out.startswith("OK us-2025")
    lines = err.splitlines()
    assert lines[0] == f"REFUSED {NSEERS}"
    assert lines[1] == "  rule:      ND-1 protected-characteristic"
    assert lines[2] == "  element:   eligibility criterion"
    assert lines[3] == '  criterion: { attribute = "sex", op = "==", value = "male" }'
    assert lines[4].startswith("  location:  eligibility.criteria[0].attribute (line ")
    assert lines[5].startswith("  problem:   The eligibility criterion")
    assert "Remove the criterion" in lines[5]
    assert lines[6].startswith(
        "  also:      ND-2 compulsory-nationality in the eligibility criterion at "
    )
    assert "eligibility.criteria[2]" in lines[6]
    # The notice is read too, in both languages.
    assert any("in the notice (es) at notice.text.es (line " in line for line in lines)
    assert str(error) == "1 of 2 program files refused or invalid"


def test_check_reports_invalid_toml_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "us-2025.toml"
    text = to_toml(raw_program()).replace('kind = "compulsory"', "kind = compulsory")
    path.write_text(text)
    line = text.splitlines().index("kind = compulsory") + 1
    _, err, error = run_failing("check", str(path))
    assert error.returncode == 2
    assert err.splitlines()[0] == f"INVALID {path}"
    assert f"  location:  line {line}\n" in err
    assert "not valid TOML" in err


def test_check_reports_a_missing_file(tmp_path: Path) -> None:
    _, err, error = run_failing("check", str(tmp_path / "nope.toml"))
    assert error.returncode == 2
    assert err.startswith(f"NOT FOUND {tmp_path / 'nope.toml'}")


@pytest.mark.django_db
def test_list_shows_the_program_files_and_whether_they_are_in_force(
    settings: Settings, tmp_path: Path
) -> None:
    out, _ = run("list")
    assert [line.split("\t")[:5] for line in out.splitlines()] == [
        ["tps-example", "2025.1", "voluntary", "2025-06-02", "in force"],
        ["us-2025", "2025.1", "compulsory", "2025-04-11", "in force"],
    ]
    edited = US_FILE.read_text().replace('version = "2025.1"', 'version = "2025.2"', 1)
    (tmp_path / US_FILE.name).write_text(edited)
    settings.REGISTRY_PROGRAMS_DIR = tmp_path
    out, _ = run("list")
    assert out.split("\t")[:5] == ["us-2025", "2025.2", "compulsory", "2025-04-11", "not proposed"]


@pytest.mark.django_db
def test_list_fails_when_a_deployed_file_is_refused(settings: Settings, tmp_path: Path) -> None:
    settings.REGISTRY_PROGRAMS_DIR = tmp_path
    (tmp_path / NSEERS.name).write_text(NSEERS.read_text())
    _, err, error = run_failing("list")
    assert error.returncode == 2
    assert "ND-1 protected-characteristic" in err


@pytest.mark.django_db
def test_show_summarises_a_program() -> None:
    out, _ = run("show", "us-2025")
    assert out.splitlines()[0] == (
        "us-2025 2025.1 (compulsory): Registration of noncitizens in the United States"
    )
    assert "who: aged 14+; present 30+ days;" in out
    assert "form identity: family_name*, given_names*, aliases, birth_date*" in out
    assert "purposes: case-processing, identity-verification" in out


@pytest.mark.django_db
def test_show_an_unknown_program_exits_2() -> None:
    _, err, error = run_failing("show", "xx-1999")
    assert error.returncode == 2
    assert err.startswith("NOT FOUND")


def test_the_real_command_line_exits_with_0_and_2() -> None:
    """Through manage.py, as CI runs it: exit status 0 for good files, 2 for NSEERS."""
    manage = Path(settings.BASE_DIR) / "manage.py"
    ok = subprocess.run(  # noqa: S603 -- our own manage.py with fixed arguments
        [sys.executable, str(manage), "program", "check", str(US_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (ok.returncode, ok.stdout.split(":")[0]) == (0, "OK us-2025 2025.1")
    refused = subprocess.run(  # noqa: S603
        [sys.executable, str(manage), "program", "check", str(NSEERS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert "rule:      ND-1 protected-characteristic" in refused.stderr
    assert refused.stdout == ""
