"""Errors raised when a program file is loaded: values with a code, a location and a fix.

Every error names where the problem is (``location``: the dotted path in the file plus
the line when it can be found), and its ``message`` says what is wrong and how to fix
it. A refused program also names the rule and the criterion. The CLI (exit code 2) and
the web layer (a 4xx) map these in one place each, by ``code``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from apps.programs.locate import PathPart, dotted, find_line

if TYPE_CHECKING:
    from apps.programs.rules import Violation


class ProgramError(Exception):
    """A program file (or slug) that cannot be used."""

    code: str = "program_error"

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        line: int | None = None,
        source: str = "",
        rule: str | None = None,
        criterion: str | None = None,
        details: Sequence[str] = (),
        element: str | None = None,
    ) -> None:
        self.message = message
        self.element = element  # the part of the program, e.g. "exemption (es)"
        self.path = path  # dotted path in the file, e.g. eligibility.criteria[1].attribute
        self.line = line
        self.source = source  # the file (or "<string>") the program came from
        self.rule = rule  # e.g. "ND-1 protected-characteristic"
        self.criterion = criterion
        self.details = tuple(details)  # further problems in the same file
        super().__init__(message)

    @property
    def location(self) -> str:
        """``eligibility.criteria[1].attribute (line 14)``; empty when there is none."""
        if self.line is None:
            return self.path
        return f"{self.path} (line {self.line})" if self.path else f"line {self.line}"

    def __str__(self) -> str:
        """One paragraph: file, rule, location, what is wrong and how to fix it, and the
        file's other problems."""
        text = f"{self.source}: " if self.source else ""
        if self.rule:
            text += f"refused by rule {self.rule}"
            text += f" in the {self.element}" if self.element else ""
            text += f" at {self.location}: " if self.location else ": "
        elif self.location:
            text += f"{self.location}: "
        text += self.message
        if self.details:
            text += f" Also: {'; '.join(self.details)}."
        return text

    def as_dict(self) -> dict[str, Any]:
        """For JSON error bodies: code, message, location, rule, criterion, details."""
        return {
            "code": self.code,
            "message": self.message,
            "location": self.location,
            "source": self.source,
            "rule": self.rule,
            "element": self.element,
            "criterion": self.criterion,
            "details": list(self.details),
        }


class ProgramRejected(ProgramError):
    """The file breaks a non-discrimination rule (lint.py); it is refused, not fixed up."""

    code = "program_rejected"

    def __init__(self, *args: Any, violations: Sequence["Violation"] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.violations = tuple(violations)

    @classmethod
    def from_violations(
        cls, violations: Sequence["Violation"], text: str, source: str
    ) -> "ProgramRejected":
        """The first violation as the error, every other one listed in ``details``."""
        first, *others = violations
        details = [
            f"{v.rule} in the {v.element} at {_where(text, v.path)}: {v.summary}" for v in others
        ]
        return cls(
            first.explain(),
            path=first.location,
            line=find_line(text, first.path),
            source=source,
            rule=str(first.rule),
            criterion=first.criterion,
            details=details,
            violations=violations,
            element=first.element,
        )


@dataclass(frozen=True)
class ProgramWarning:
    """Something the check cannot be sure is a selection (rule ND-6, or a word that may
    mean something else): printed with the rule and line; ``check --strict`` refuses it."""

    rule: str
    element: str
    path: str
    line: int | None
    message: str

    @classmethod
    def from_violation(cls, violation: "Violation", text: str) -> "ProgramWarning":
        return cls(
            rule=str(violation.rule),
            element=violation.element,
            path=violation.location,
            line=find_line(text, violation.path),
            message=violation.explain(),
        )

    @property
    def location(self) -> str:
        return f"{self.path} (line {self.line})" if self.line else self.path

    def __str__(self) -> str:
        return f"warning {self.rule} in the {self.element} at {self.location}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "element": self.element, "location": self.location,
                "message": self.message}  # fmt: skip


class ProgramInvalid(ProgramError):
    """The file is not valid TOML, or does not fit the schema (schema.py)."""

    code = "program_invalid"

    @classmethod
    def from_validation_error(
        cls, error: ValidationError, raw: dict[str, Any], text: str, source: str
    ) -> "ProgramInvalid":
        """One readable sentence per schema error, each with its location; the first is
        the error, the rest are ``details``."""
        problems: dict[tuple[PathPart, ...], list[str]] = {}
        for item in error.errors():
            path, message = _describe(item, raw)
            problems.setdefault(path, []).append(message)
        # A value that fits none of a union's types fails once per type, at one path:
        # one sentence ("... integer (got x) or ... string (got x)") reads better.
        merged = [(path, " or ".join(dict.fromkeys(ms))) for path, ms in problems.items()]
        (path, message), *others = merged
        details = [f"{_where(text, p) or 'top level'}: {m}" for p, m in others[:9]]
        if len(others) > 9:
            details.append(f"{len(others) - 9} more")
        return cls(
            message,
            path=dotted(path),
            line=find_line(text, path) if path else None,
            source=source,
            details=details,
        )


class ProgramNotFound(ProgramError):
    """No program file for this slug (or the slug is not a valid program slug)."""

    code = "program_not_found"


def _where(text: str, path: Sequence[PathPart]) -> str:
    line = find_line(text, path)
    return f"{dotted(path)} (line {line})" if line else dotted(path)


def _describe(item: Any, raw: dict[str, Any]) -> tuple[tuple[PathPart, ...], str]:
    """A pydantic error as (path in the file, sentence saying what to fix). Union and
    validator tags in pydantic's ``loc`` that are not keys of the file are dropped."""
    path: list[PathPart] = []
    node: Any = raw
    loc = list(item["loc"])
    for position, part in enumerate(loc):
        found, node = _step(node, part)
        if found or (item["type"] == "missing" and position == len(loc) - 1):
            path.append(part)
        else:
            break  # a union member's tag: what follows is inside that alternative
    kind, message = item["type"], str(item["msg"]).removeprefix("Value error, ")
    if kind == "missing":
        message = f"the required key {path[-1]!r} is missing; add it"
    elif kind == "extra_forbidden":
        message = (
            f"unknown key {path[-1]!r}; check its spelling against docs/programs.md "
            "(unknown keys are refused so that a typo never silently drops a rule)"
        )
    elif kind != "value_error":  # a validator's input is a whole table: not worth showing
        message = f"{message} (got {_shown(item.get('input'))})"
    return tuple(path), message


def _step(node: Any, part: PathPart) -> tuple[bool, Any]:
    """Follow one key or index into the raw file: (found, child), or (False, node)."""
    if isinstance(node, dict) and isinstance(part, str) and part in node:
        return True, node[part]
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return True, node[part]
    return False, node


def _shorter(text: str) -> str:
    return text if len(text) <= 80 else text[:79] + "…"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"
