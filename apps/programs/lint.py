"""The non-discrimination check: a program that singles people out is refused at load.

It runs on the raw parsed TOML, before the schema, so a forbidden selection is refused
*by name* (rule, element, path, line) even when it would also be a schema error, and a
selection hidden where the schema does not look is still seen. It reads every part of a
program that changes what happens to a person:

- the structure (structure.py): eligibility criteria, and any key anywhere that reads as
  a selection, holds a characteristic with a matching value, or is a country code;
- every text (prose.py), in every language: the notice, question and form help, the
  names of documents, the reasons of exemptions, the labels of read purposes, codes and
  keys — for country names and demonyms (CLDR), religions and places of worship, ethnic
  and racial terms, sex and gender terms and titles, and languages used to select;
- the kind flag (ND-4): a voluntary program must say what benefit it offers, and may not
  speak of an obligation, a deadline or a penalty;
- what the form collects (ND-5): no religion, race or ethnicity in a compulsory program,
  and nationality or country of birth only with the statute that requires it
  (``collected_because``).

Where it cannot be sure (an arrival window that may match one evacuation, a country name
that is also a state of the jurisdiction, a religious holiday) it warns: a warning does
not refuse the file unless the check is strict.
"""

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from apps.programs.locate import PathPart, render, render_at
from apps.programs.prose import Reader, Severity
from apps.programs.rules import (
    ND1,
    ND2,
    ND3,
    ND4,
    ND5,
    ND6,
    RULES,
    Rule,
    Violation,
    rule_for,
    unit_of,
)
from apps.programs.structure import SHAPE, Walker, field_matches, form_fields, normal_key
from apps.programs.vocabulary import Category

__all__ = [
    "ND1", "ND2", "ND3", "ND4", "ND5", "ND6", "RULES", "Rule", "Severity", "Violation",
    "errors", "lint_program", "rule_for", "warnings",
]  # fmt: skip


def lint_program(raw: Mapping[str, Any]) -> list[Violation]:
    """Every violation (errors and warnings) in a parsed program file, in file order, at
    most one per rule, characteristic and element. Never raises on a malformed file:
    shapes it does not expect are walked as unknown material."""
    found_header = raw.get("program")
    header: Mapping[str, Any] = found_header if isinstance(found_header, Mapping) else {}
    voluntary = header.get("kind") == "voluntary"
    found: list[Violation] = []
    walker = Walker(raw)
    walker.known(raw, (), SHAPE)
    for finding in walker.findings:
        category = finding.category or (
            Category.NATIONAL_ORIGIN if voluntary else Category.NATIONALITY
        )
        rule = rule_for(category, voluntary=voluntary)
        if rule is not None:
            found.append(
                Violation(
                    rule, category, finding.path, render_at(raw, finding.unit),
                    finding.evidence, implied=finding.category is None, unit=finding.unit,
                )
            )  # fmt: skip
    # Inside a rule the structure already refused, the text says nothing new (an allowed
    # nationality criterion of a voluntary program is not refused: its texts are read).
    judged = [v.element_path for v in found]
    found += [
        v
        for v in _texts(raw, header, voluntary)
        if not any(v.path[: len(unit)] == unit for unit in judged)
    ]
    found += _kind(raw, header, voluntary)
    found += _collection(raw, voluntary)
    found += _arrival_window(raw)
    return _ordered(raw, found)


def errors(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.is_error]


def warnings(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if not v.is_error]


# --- the parts of the check ----------------------------------------------------------


def _schema_keys(shape: Mapping[str, Any]) -> set[str]:
    keys = set(shape)
    for sub in shape.values():
        if isinstance(sub, Mapping):
            keys |= _schema_keys(sub)
    return keys


_SCHEMA_KEYS = frozenset(_schema_keys(SHAPE))


def _strings(
    node: Any, path: tuple[PathPart, ...] = ()
) -> Iterator[tuple[tuple[PathPart, ...], str]]:
    """Every string value in the file, and every key the schema does not define (a
    language code or "deadline_days_after_arrival" says nothing), with its path (a key's
    path ends in it)."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            here = (*path, key)
            if (
                isinstance(key, str)
                and normal_key(key) not in _SCHEMA_KEYS
                and not (len(key) == 2 and key.islower())
            ):
                yield here, key
            yield from _strings(value, here)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _strings(item, (*path, i))
    elif isinstance(node, str):
        yield path, node


def _languages(header: Mapping[str, Any]) -> tuple[str, ...]:
    languages = header.get("languages")
    if isinstance(languages, list):
        return tuple(str(x) for x in languages if isinstance(x, str))
    return ("en",)


def _declared_nationalities(raw: Mapping[str, Any]) -> frozenset[str]:
    eligibility = raw.get("eligibility")
    criteria = eligibility.get("criteria") if isinstance(eligibility, Mapping) else None
    codes: set[str] = set()
    for item in criteria if isinstance(criteria, list) else []:
        if isinstance(item, Mapping) and item.get("attribute") == "nationality":
            value = item.get("value")
            codes |= {
                v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)
            }
    return frozenset(codes)


def _sex_field_choices(raw: Mapping[str, Any]) -> set[tuple[PathPart, ...]]:
    """Choices of a field that collects sex ("meaning = "sex""): their labels are the
    values collected, not a selection."""
    return {
        (*path, "choices")
        for path, field in form_fields(raw).values()
        if field.get("meaning") in ("sex", "gender")
    }


def _texts(raw: Mapping[str, Any], header: Mapping[str, Any], voluntary: bool) -> list[Violation]:
    jurisdiction = header.get("jurisdiction")
    reader = Reader(
        _languages(header),
        jurisdiction if isinstance(jurisdiction, str) else None,
        _declared_nationalities(raw) if voluntary else None,
    )
    sex_choices = _sex_field_choices(raw)
    found = []
    for path, text in _strings(raw):
        for hit in reader.read(text):
            if hit.category is Category.SEX and any(path[: len(c)] == c for c in sex_choices):
                continue
            rule = rule_for(hit.category, voluntary=voluntary)
            if rule is not None:
                unit = unit_of(path)
                shown = render(text, 100) if unit == path else render_at(raw, unit)
                found.append(
                    Violation(rule, hit.category, path, shown, hit.evidence,
                              severity=hit.severity, in_text=True)
                )  # fmt: skip
    return found


def _kind(raw: Mapping[str, Any], header: Mapping[str, Any], voluntary: bool) -> list[Violation]:
    if not voluntary:
        return []
    found = []
    benefit = header.get("benefit")
    missing = [
        lang
        for lang in _languages(header)
        if not (isinstance(benefit, Mapping) and str(benefit.get(lang, "")).strip())
    ]
    if missing:
        evidence = f"it declares no benefit in {', '.join(missing)}"
        found.append(Violation(ND4, None, ("program", "kind"), 'kind = "voluntary"', evidence))
    reader = Reader(_languages(header), None, None)
    for path, text in _strings(raw):
        said = reader.compulsion(text)
        if said:
            evidence = f'it speaks of an obligation, a deadline or a penalty ("{said[0]}")'
            found.append(Violation(ND4, None, path, render(text, 100), evidence, in_text=True))
    return found


def _collection(raw: Mapping[str, Any], voluntary: bool) -> list[Violation]:
    found = []
    for name, (path, field) in form_fields(raw).items():
        named = {category for category, _, _ in field_matches(field)}
        meaning = field.get("meaning")
        if meaning in ("nationality", "citizenship"):
            named.add(Category.NATIONALITY)
        if meaning in ("birth_country", "birth_place", "birthplace"):
            named.add(Category.BIRTHPLACE)
        shown = f'form field "{name}"'
        asks = sorted(named & {Category.RELIGION, Category.RACE})
        if asks and not voluntary:
            evidence = f"a compulsory program's form asks for {asks[0]}"
            found.append(Violation(ND5, asks[0], path, shown, evidence))
        origin = sorted(named & {Category.NATIONALITY, Category.BIRTHPLACE})
        because = field.get("collected_because")
        if origin and not (isinstance(because, str) and because.strip()):
            evidence = f"it collects {origin[0]} without naming the statute that requires it"
            found.append(Violation(ND5, origin[0], path, shown, evidence))
    return found


_WINDOW_DAYS = 366


def _arrival_window(raw: Mapping[str, Any]) -> list[Violation]:
    """Arrived after A and before B, with B - A within a year: the window of one airlift
    or evacuation selects the people on it."""
    eligibility = raw.get("eligibility")
    criteria = eligibility.get("criteria") if isinstance(eligibility, Mapping) else None
    after: tuple[int, date] | None = None
    before: tuple[int, date] | None = None
    for i, item in enumerate(criteria if isinstance(criteria, list) else []):
        if isinstance(item, Mapping) and isinstance(item.get("value"), date):
            attribute = normal_key(str(item.get("attribute", "")))
            if attribute == "arrived_after":
                after = (i, item["value"])
            elif attribute == "arrived_before":
                before = (i, item["value"])
    if after and before and 0 <= (before[1] - after[1]).days <= _WINDOW_DAYS:
        days = (before[1] - after[1]).days
        path: tuple[PathPart, ...] = ("eligibility", "criteria", before[0])
        evidence = (
            f"an arrival window of {days} days ({after[1]} to {before[1]}) may match the "
            "arrival of one group"
        )
        return [
            Violation(ND6, None, path, render_at(raw, path), evidence, severity=Severity.WARNING)
        ]
    return []


def _ordered(raw: Mapping[str, Any], found: list[Violation]) -> list[Violation]:
    """In file order, one per rule, characteristic, element and severity."""
    order: dict[tuple[PathPart, ...], int] = {}

    def walk(node: Any, path: tuple[PathPart, ...]) -> None:
        order.setdefault(path, len(order))
        if isinstance(node, Mapping):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, index))

    walk(raw, ())
    seen: set[tuple[str, Any, tuple[PathPart, ...], Severity]] = set()
    kept = []

    def position(v: Violation) -> int:
        for length in range(len(v.path), -1, -1):
            if v.path[:length] in order:
                return order[v.path[:length]]
        return len(order)

    for violation in sorted(found, key=position):
        key = (violation.rule.id, violation.category, violation.element_path, violation.severity)
        if key not in seen:
            seen.add(key)
            kept.append(violation)
    return kept
