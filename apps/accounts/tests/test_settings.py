"""Production settings refuse to start on development secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECRET_KEY", "REGISTRY_", "DEBUG"))
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "registry.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_off_without_a_secret_key_refuses_to_start() -> None:
    result = start({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_off_without_a_master_key_refuses_to_start() -> None:
    result = start({"DEBUG": "0", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "master key" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_malformed_boolean_is_an_error(value: str) -> None:
    result = start({"DEBUG": value})
    assert result.returncode != 0
    assert "not a boolean" in result.stderr


def test_debug_off_with_real_secrets_starts() -> None:
    result = start({"DEBUG": "0", "SECRET_KEY": "k" * 50, "REGISTRY_MASTER_KEY": "A" * 43 + "="})
    assert result.returncode == 0, result.stderr


def test_development_needs_no_configuration() -> None:
    assert start({}).returncode == 0
