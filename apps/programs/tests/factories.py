"""Program files for tests: the shipped ones as raw dicts, and a tiny TOML writer so a
test can change one key of a real program and load the result as text (with lines)."""

import copy
import datetime as dt
import json
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

PROGRAMS_DIR = Path(settings.BASE_DIR) / "programs"
NSEERS = PROGRAMS_DIR / "examples" / "special-registration-2002.toml"


@cache
def _parsed(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def raw_program(slug: str = "us-2025") -> dict[str, Any]:
    """A fresh, mutable copy of a shipped program file as tomllib parses it."""
    path = NSEERS if slug == NSEERS.stem else PROGRAMS_DIR / f"{slug}.toml"
    return copy.deepcopy(_parsed(path))


def voluntary(raw: dict[str, Any]) -> dict[str, Any]:
    """The program as people would apply to it: kind, the benefit it offers, and a notice
    without words of obligation (rule ND-4)."""
    raw["program"]["kind"] = "voluntary"
    raw["program"]["benefit"] = {
        "en": "A work permit while your application is decided",
        "es": "Un permiso de trabajo mientras se decide su solicitud",
    }
    raw["notice"]["text"] = {
        "en": "You may apply if you wish. Applying is free.",
        "es": "Puede presentar una solicitud si lo desea. Es gratuito.",
    }
    return raw


def with_criteria(raw: dict[str, Any], *criteria: dict[str, Any]) -> dict[str, Any]:
    raw["eligibility"]["criteria"] = list(criteria)
    return raw


def add_field(raw: dict[str, Any], **field: Any) -> dict[str, Any]:
    """Append a form field to the first section (label defaults to its name)."""
    field.setdefault("type", "text")
    field.setdefault("label", {"en": field["name"], "es": field["name"]})
    raw["form"]["sections"][0]["fields"].append(field)
    return raw


def to_toml(raw: dict[str, Any]) -> str:
    """Write a program dict as TOML: top-level tables as [headers], one key per line,
    each element of an array of tables on its own line (so line numbers mean something)."""
    lines: list[str] = []
    scalars = {k: v for k, v in raw.items() if not isinstance(v, dict)}
    for key, value in scalars.items():
        lines.append(f"{_key(key)} = {_value(value, multiline=True)}")
    for key, value in raw.items():
        if isinstance(value, dict):
            lines += ["", f"[{_key(key)}]"]
            lines += [f"{_key(k)} = {_value(v, multiline=True)}" for k, v in value.items()]
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _value(value: Any, multiline: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | dt.date):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        if multiline and any(isinstance(item, dict) for item in value):
            return "[\n" + "".join(f"  {_value(item)},\n" for item in value) + "]"
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")
