"""Output helpers shared by the benchmark scripts: progress on stderr, result tables."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


_last_shown = [0.0]


def show_progress(label: str, done_count: int, total: int, *, done: bool = False) -> None:
    """A counter on stderr: redrawn each second on a terminal, a line every 5 s in a log."""
    terminal = sys.stderr.isatty()
    if done:
        if terminal:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
        return
    now = time.monotonic()
    if now - _last_shown[0] < (1.0 if terminal else 5.0):
        return
    _last_shown[0] = now
    end = "" if terminal else "\n"
    print(f"\r  {label}: {done_count}/{total}", end=end, file=sys.stderr, flush=True)


def yes_no(ok: bool) -> str:
    return "yes" if ok else "**no**"


def table(rows: Sequence[tuple[str, ...]]) -> str:
    header = ("metric", "ours", "baseline", "ratio", "goal", "met?")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |"
        for row in [header, tuple("-" * w for w in widths), *rows]
    ]
    return "\n".join(lines)
