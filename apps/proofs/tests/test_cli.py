"""`registry-verify`, the offline verifier: a saved trust list and saved status lists,
no network, no database, no Django settings; it says how old its inputs are."""

import io
import json
import os
import subprocess
import sys
import tomllib
from contextlib import redirect_stdout
from pathlib import Path

import segno

from apps.proofs import cli
from apps.proofs.tests.keys_for_tests import NOW, Issuer

ROOT = Path(__file__).resolve().parents[3]
ISSUER = Issuer()


def saved(tmp_path: Path, revoked: tuple[int, ...] = ()) -> tuple[Path, Path]:
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(ISSUER.jwks()))
    status = tmp_path / "status-12.cwt"
    status.write_bytes(ISSUER.status_list(revoked))
    return jwks, status


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(list(args))
    return code, out.getvalue()


def test_a_valid_proof_and_the_age_of_the_inputs(tmp_path: Path) -> None:
    jwks, status = saved(tmp_path)
    code, out = run(ISSUER.proof(), "--trust-list", str(jwks), "--status-list", str(status))
    assert code == 0
    assert out.startswith("VALID")
    assert "US2025-ABCD-EFGHJ" in out
    assert "card number 7KQ29XHM4" in out
    assert "trust list: 2 keys" in out
    assert " old)" in out
    assert "status list https://registry.example.gov/proofs/status/12: signed" in out


def test_a_revoked_proof_fails_and_json_says_why(tmp_path: Path) -> None:
    jwks, status = saved(tmp_path, revoked=(4242,))
    code, out = run(
        ISSUER.proof(), "--trust-list", str(jwks), "--status-list", str(status), "--json"
    )
    assert code == 1
    assert json.loads(out)["outcome"] == "revoked"


def test_without_a_status_list_it_warns_that_revocation_was_not_checked(tmp_path: Path) -> None:
    jwks, _ = saved(tmp_path)
    code, out = run(ISSUER.proof(), "--trust-list", str(jwks))
    assert code == 0
    assert "revocation not checked" in out


def test_it_reads_a_picture_and_checks_as_of_a_given_time(tmp_path: Path) -> None:
    jwks, status = saved(tmp_path)
    picture = tmp_path / "qr.png"
    segno.make(ISSUER.proof(), error="m").save(picture, scale=5)
    common = ["--image", str(picture), "--trust-list", str(jwks), "--status-list", str(status)]
    assert run(*common)[0] == 0
    code, out = run(*common, "--now", "2099-01-01T00:00Z")
    assert code == 1
    assert out.startswith("EXPIRED")
    assert "status list" in out
    assert "EXPIRED" in out.split("status list", 1)[1]


def test_unusable_inputs_exit_2(tmp_path: Path) -> None:
    jwks, _ = saved(tmp_path)
    broken = tmp_path / "status.cwt"
    broken.write_bytes(b"garbage")
    assert run(ISSUER.proof(), "--trust-list", str(tmp_path / "missing.json"))[0] == 2
    assert run(ISSUER.proof(), "--trust-list", str(jwks), "--status-list", str(broken))[0] == 2


def test_it_runs_without_django_settings_or_a_database(tmp_path: Path) -> None:
    jwks, status = saved(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    script = (
        "import sys\n"
        "from apps.proofs import cli\n"
        "code = cli.main(sys.argv[1:])\n"
        "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert not loaded, loaded\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            script,
            "-",
            "--trust-list",
            str(jwks),
            "--status-list",
            str(status),
        ],
        input=ISSUER.proof(),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("VALID")


def test_the_console_script_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["registry-verify"] == "apps.proofs.cli:main"
    assert NOW > 0
