"""Benchmark scripts run with bench/ first on sys.path: one named like a standard-library
module (statistics.py, secrets.py...) would replace that module for every other script,
Django included."""

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_no_benchmark_shadows_a_standard_module() -> None:
    names = {p.stem for p in BENCH.glob("*.py")}
    assert not names & set(sys.stdlib_module_names), sorted(names & set(sys.stdlib_module_names))
