"""Tasks for the crash drills: a worker subprocess imports them by their path."""

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def hold(directory: str) -> int:
    """Note that a run started, wait until the drill creates `release`, and return how
    many runs have started so far. Safe to run twice: it only counts."""
    folder = Path(directory)
    (folder / f"started-{os.getpid()}-{time.monotonic_ns()}").touch()
    deadline = time.monotonic() + 120
    while not (folder / "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the drill never released the task")
        time.sleep(0.05)
    return len(list(folder.glob("started-*")))


@task()
def echo(value: str) -> str:
    return value
