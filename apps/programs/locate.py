"""Where a key sits in a program file (dotted paths, line numbers), and how a value is
shown in a message (a short TOML rendering).

tomllib gives no positions, and an error that says "eligibility.criteria[1].attribute"
is good but "line 14" is what an editor jumps to. So the raw text is scanned the way a
person would: table headers (``[a.b]``, ``[[a.b]]`` counted per parent), ``key = value``
lines, skipping multi-line strings and arrays. Keys inside inline tables and multi-line
arrays are found by searching forward from the nearest line that is known. The answer is
a hint for a human; None when nothing plausible is found, never an exception.
"""

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

PathPart = str | int

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)


def dotted(path: Sequence[PathPart]) -> str:
    """``("eligibility", "criteria", 1, "attribute")`` -> ``eligibility.criteria[1].attribute``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            shown = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else f'"{part}"'
            text += f".{shown}" if text else shown
    return text


def _key_parts(key: str) -> list[str]:
    return [p.strip().strip("\"'") for p in re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', key)]


def _bracket_depth(text: str) -> int:
    """Net [ and { opened by a value, ignoring those inside strings and comments."""
    depth, quote, i = 0, "", 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return depth


def _index(lines: list[str]) -> dict[tuple[PathPart, ...], int]:
    """Resolved path -> 1-based line for every header and top-of-line key."""
    found: dict[tuple[PathPart, ...], int] = {}
    arrays: dict[tuple[PathPart, ...], int] = {}
    table: tuple[PathPart, ...] = ()
    open_string, depth = "", 0
    for number, line in enumerate(lines, start=1):
        if open_string:
            if open_string in line:
                open_string = ""
            continue
        if depth > 0:
            depth += _bracket_depth(line)
            continue
        header = _HEADER.match(line)
        if header:
            is_array = header.group(1) == "[["
            resolved: list[PathPart] = []
            parts = _key_parts(header.group(2))
            for position, part in enumerate(parts):
                resolved.append(part)
                key = tuple(resolved)
                last = position == len(parts) - 1
                if is_array and last:
                    arrays[key] = arrays.get(key, -1) + 1
                    found.setdefault(key, number)
                    resolved.append(arrays[key])
                elif key in arrays:
                    resolved.append(arrays[key])
            table = tuple(resolved)
            found.setdefault(table, number)
            continue
        key_match = _KEY.match(line)
        if key_match:
            found.setdefault(table + tuple(_key_parts(key_match.group(1))), number)
            value = line[key_match.end() :].strip()
            for quote in ('"""', "'''"):
                if value.startswith(quote) and value.count(quote) == 1:
                    open_string = quote
            if not open_string:
                depth = max(_bracket_depth(value), 0)
    return found


def find_line(text: str, path: Sequence[PathPart]) -> int | None:
    """The 1-based line where ``path`` is written in ``text``; the line of the nearest
    enclosing key when only part of the path is found; None when none of it is."""
    lines = text.splitlines()
    index = _index(lines)
    full = tuple(path)
    line, rest, known = 1, full, False
    for length in range(len(full), 0, -1):
        if full[:length] in index:
            line, rest, known = index[full[:length]], full[length:], True
            break
    skip = 0
    for part in rest:
        if isinstance(part, int):
            skip = part  # the n-th occurrence of the next key, in an inline array
            continue
        pattern = re.compile(rf"""(?<![\w-])["']?{re.escape(part)}["']?\s*=""")
        hits = [n for n in range(line, len(lines) + 1) if pattern.search(lines[n - 1])]
        if len(hits) <= skip:
            return line if known else None
        line, known, skip = hits[skip], True, 0
    return line if known else None


def render_at(raw: Mapping[str, Any], path: Sequence[PathPart]) -> str:
    """The value at ``path``: an inline table for an element of an array of tables,
    ``dotted.path = value`` otherwise. The path must exist in ``raw``."""
    node: Any = raw
    for part in path:
        node = node[part]
    if isinstance(node, Mapping) and path and isinstance(path[-1], int):
        return render(node, 160)
    return f"{dotted(path)} = {render(node, 160)}"


def render(value: Any, limit: int) -> str:
    """A short TOML rendering of a value, cut with an ellipsis past ``limit`` characters."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, dt.date | int | float):
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
    elif isinstance(value, Mapping):
        inner = ", ".join(f"{_bare(k)} = {render(v, limit)}" for k, v in value.items())
        text = f"{{ {inner} }}"
    elif isinstance(value, list):
        text = "[" + ", ".join(render(v, limit) for v in value) + "]"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bare(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)
