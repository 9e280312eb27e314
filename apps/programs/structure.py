"""Selections in the structure of a program file: criteria, and keys anywhere that read
as "who this applies to" (lint.py runs this, prose.py reads the texts).

What counts as selecting:
- every entry of ``eligibility.criteria``, and every key under ``eligibility`` that the
  schema does not define (eligibility is, by definition, who must register), notes and
  descriptions excepted;
- any key anywhere whose name reads as a selection (``applies_to``, ``onlyFor``,
  ``filters``, ``who``, ``target_population``, ``excluir``...) and everything below it,
  at any depth;
- anywhere the schema does not define, a key that names a characteristic *and* holds a
  matching value (``gender = "male"``, ``nationality = ["IR", "IQ"]``), and a table whose
  keys are country codes (``[fees] IR = 500``: country codes as keys are a country list);
Inside a selection every key and value is classified (see vocabulary.py), a value that
names a form field (``"field:x9"`` or ``"x9"``) is resolved to that field and its name,
meaning, labels in every language and choices are classified, and a list of countries
counts as selection by nationality or origin whatever the key is called. A lone "F" or
"M" under a key about visas ("visa_class") is a visa class, not a sex, and "CA" under a
key about states or offices is California, not Canada.

Keys are compared with the schema after NFKC and the removal of invisible characters, so
a full-width or zero-width-split "criteria" is still the criteria.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from apps.programs import vocabulary
from apps.programs.locate import PathPart, dotted, render
from apps.programs.schema import Program
from apps.programs.text import visible
from apps.programs.vocabulary import Category

Shape = dict[str, "Shape | None"]  # known keys; None marks a leaf (text, number, list)


def _shape(model: type[BaseModel]) -> Shape:
    """The keys the schema defines, derived from the pydantic models so the lint and the
    schema cannot drift apart."""
    shape: Shape = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if get_origin(annotation) is list:
            annotation = get_args(annotation)[0]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            shape[name] = _shape(annotation)
        else:
            shape[name] = None
    return shape


SHAPE = _shape(Program)
_SELECTION_PATHS = {("eligibility", "criteria")}
_ELIGIBILITY = ("eligibility",)
# Prose inside a selection describes it; it is not evaluated, so it is not classified.
_PROSE = frozenset(
    {"description", "note", "comment", "label", "title", "help", "text", "reason",
     "explanation", "rationale", "legal_basis", "reference", "source", "summary", "message"}
)  # fmt: skip
# Keys that name a criterion rather than hold data: their value is classified, not them.
_META = frozenset({"name", "id", "code", "key"})
_FIELD_REF = re.compile(r"(?i)^(?:form[._:/-]?)?(?:fields?|form)[._:/](?P<name>[a-z][a-z0-9_]*)$")


@dataclass(frozen=True)
class Finding:
    category: Category | None  # None: a country list whose meaning the key does not say
    path: tuple[PathPart, ...]
    unit: tuple[PathPart, ...]  # the criterion it belongs to
    evidence: str


def _plain(path: tuple[PathPart, ...]) -> tuple[str, ...]:
    return tuple(normal_key(p) for p in path if isinstance(p, str))


def normal_key(key: str) -> str:
    """A key as the schema would read it if it were not disguised: NFKC, no invisible
    characters (a full-width or zero-width-split "criteria" is the criteria)."""
    return visible(key)


# Keys whose values are visa classes or places inside the jurisdiction: "F" there is a
# student visa, "CA" California.
_CODE_KEYS = frozenset(
    {"visa", "visas", "class", "classes", "status", "category", "categories", "clase",
     "categoria", "estatus", "tipo", "type", "types"}
)  # fmt: skip
_PLACE_KEYS = frozenset(
    {"state", "states", "region", "regions", "province", "county", "office", "offices",
     "port", "ports", "estado", "estados", "provincia", "oficina", "puerto", "city", "zip"}
)  # fmt: skip


def _keys_say(path: tuple[PathPart, ...], wanted: frozenset[str]) -> bool:
    return any(wanted & set(vocabulary.words(p)) for p in path[-3:] if isinstance(p, str))


def country_keys(node: Mapping[str, Any]) -> list[str] | None:
    """The country codes when a table's keys are country codes (``IR = 500``): all of two
    or more keys in any case, or a single one in capitals."""
    keys = [k for k in node if isinstance(k, str)]
    if not keys:
        return None
    any_case = len(keys) >= 2
    codes = [vocabulary.country(normal_key(k), any_case=any_case, codes_only=True) for k in keys]
    if all(codes):
        return [c for c in codes if c]
    return None


def _is_prose(key: str) -> bool:
    joined = "_".join(vocabulary.words(key))
    return joined in _PROSE or (joined.endswith("s") and joined[:-1] in _PROSE)


class Walker:
    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.findings: list[Finding] = []
        self.fields = form_fields(raw)

    def known(self, node: Mapping[str, Any], path: tuple[PathPart, ...], shape: Shape) -> None:
        self.country_table(node, path)
        for key, value in node.items():
            here = (*path, key)
            if _plain(here) in _SELECTION_PATHS:
                self.zone(value, here, here, frozenset())
            elif normal_key(key) in shape:
                sub = shape[normal_key(key)]
                if sub is None:
                    self.unknown(value, here, lists=False)  # a schema leaf: not a rule
                elif isinstance(value, Mapping):
                    self.known(value, here, sub)
                elif isinstance(value, list):
                    for i, item in enumerate(value):
                        if isinstance(item, Mapping):
                            self.known(item, (*here, i), sub)
            elif _is_prose(key):
                self.unknown_pair(key, value, here)  # a note about the rules is not a rule
            elif vocabulary.is_selection_key(key) or _plain(path) == _ELIGIBILITY:
                self.selection(key, value, here)
            else:
                self.unknown_pair(key, value, here)

    def countries(
        self,
        codes: list[str] | None,
        what: str,
        path: tuple[PathPart, ...],
        unit: tuple[PathPart, ...],
        context: frozenset[Category] = frozenset(),
    ) -> None:
        """A country list found at ``path``: it means what its keys say (or nothing)."""
        if codes and path:
            shown = ", ".join(codes[:6]) + (", …" if len(codes) > 6 else "")
            self.findings.append(Finding(_country_meaning(context), path, unit, f"{what}: {shown}"))

    def country_table(self, node: Mapping[str, Any], path: tuple[PathPart, ...]) -> None:
        self.countries(country_keys(node), "keys that are country codes", path, path)

    def unknown(self, value: Any, path: tuple[PathPart, ...], *, lists: bool = True) -> None:
        """Material the schema does not define. A list of two or more countries there is a
        country list whatever its key (``[policy] k7 = ["Irán", "Irak"]``)."""
        if lists and isinstance(value, list) and len(value) >= 2:
            codes = vocabulary.country_list(value)
            if codes:
                self.countries(codes, f"a list of {len(codes)} countries", path, path)
                return
        if isinstance(value, Mapping):
            self.country_table(value, path)
            for key, item in value.items():
                if vocabulary.is_selection_key(key):
                    self.selection(key, item, (*path, key))
                else:
                    self.unknown_pair(key, item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.unknown(item, (*path, i), lists=lists)

    def unknown_pair(self, key: str, value: Any, here: tuple[PathPart, ...]) -> None:
        """Outside a selection a key is only a condition when it names a characteristic
        and its value matches it (``gender = "male"``, ``nationality = ["IR"]``)."""
        named = vocabulary.categories(key)
        if named:
            held = _value_categories(value)
            for category in sorted(named & held):
                evidence = f'the key "{key}" holding {render(value, 60)}'
                self.findings.append(Finding(category, here, here, evidence))
        self.unknown(value, here)

    def selection(self, key: str, value: Any, here: tuple[PathPart, ...]) -> None:
        self.key(key, here, here)
        context = frozenset(vocabulary.categories(key)) | self.field_categories(key)
        self.zone(value, here, here, context)

    def zone(
        self,
        value: Any,
        path: tuple[PathPart, ...],
        unit: tuple[PathPart, ...],
        context: frozenset[Category],
    ) -> None:
        """Classify everything in a selection. ``context`` holds what the enclosing keys
        and sibling values say, so a list of countries can be read as nationality."""
        if isinstance(value, Mapping):
            self.countries(country_keys(value), "keys that are country codes", path, unit, context)
            shallow = set(context)
            for key, item in value.items():
                if _is_prose(key):
                    continue
                shallow |= vocabulary.categories(key) | self.field_categories(key)
                if isinstance(item, str):
                    shallow |= vocabulary.categories(item) | self.field_categories(item)
            for key, item in value.items():
                if _is_prose(key):
                    continue
                if not (key in _META and isinstance(item, str)):
                    self.key(key, (*path, key), unit)
                self.zone(item, (*path, key), unit, frozenset(shallow))
        elif isinstance(value, list):
            codes = vocabulary.country_list(value) if value else None
            if codes:
                self.countries(codes, f"a list of {len(codes)} countries", path, unit, context)
                return
            for i, item in enumerate(value):
                item_unit = (*path, i) if isinstance(item, Mapping) else unit
                self.zone(item, (*path, i), item_unit, context)
        elif isinstance(value, str):
            self.text(value, path, unit, context)

    def text(
        self,
        value: str,
        path: tuple[PathPart, ...],
        unit: tuple[PathPart, ...],
        context: frozenset[Category],
    ) -> None:
        named = vocabulary.matches(value)
        for category, words in named:
            self.findings.append(Finding(category, path, unit, _said("value", value, words)))
        sex_code = visible(value).strip().casefold() in vocabulary.SEX_CODES
        if sex_code and not _keys_say(path, _CODE_KEYS):
            self.findings.append(Finding(Category.SEX, path, unit, f'value "{value}", a sex code'))
        code = None if _keys_say(path, _PLACE_KEYS) else vocabulary.country(visible(value))
        if code and not named:
            evidence = f'value "{value}", the country {code}'
            self.findings.append(Finding(_country_meaning(context), path, unit, evidence))
        self.field(value, path, unit)

    def key(self, key: str, path: tuple[PathPart, ...], unit: tuple[PathPart, ...]) -> None:
        for category, words in vocabulary.matches(key):
            self.findings.append(Finding(category, path, unit, _said("key", key, words)))
        self.field(key, path, unit)

    def resolve(self, reference: str) -> tuple[str, tuple[PathPart, ...], Mapping[str, Any]] | None:
        """The form field a criterion names, as ``field:x9``, ``form.x9`` or ``x9``."""
        match = _FIELD_REF.match(reference.strip())
        name = match.group("name").lower() if match else reference.strip()
        if name in self.fields:
            path, field = self.fields[name]
            return name, path, field
        return None

    def field_categories(self, reference: str) -> set[Category]:
        resolved = self.resolve(reference)
        return {c for c, _, _ in field_matches(resolved[2])} if resolved else set()

    def field(self, reference: str, path: tuple[PathPart, ...], unit: tuple[PathPart, ...]) -> None:
        """A criterion on a form field selects by whatever the field holds: a field named
        x9 but labelled "Sexo" is a sex criterion."""
        resolved = self.resolve(reference)
        if resolved is None:
            return
        name, field_path, field = resolved
        reported: set[Category] = set()
        for category, words, where in field_matches(field):
            if category in reported:
                continue
            reported.add(category)
            evidence = (
                f'the form field "{name}" at {dotted(field_path)}, whose {where} says "{words}"'
            )
            self.findings.append(Finding(category, path, unit, evidence))


def _said(what: str, text: str, words: str) -> str:
    """``the key "onlyMen" (read as "men")``, or just ``the key "sex"``."""
    if " ".join(vocabulary.words(text)) == words:
        return f'the {what} "{text}"'
    return f'the {what} "{text}" (read as "{words}")'


def form_fields(
    raw: Mapping[str, Any],
) -> dict[str, tuple[tuple[PathPart, ...], Mapping[str, Any]]]:
    """Form fields by name, read defensively from the raw file (it is not validated yet)."""
    fields: dict[str, tuple[tuple[PathPart, ...], Mapping[str, Any]]] = {}
    form = raw.get("form")
    sections = form.get("sections") if isinstance(form, Mapping) else None
    for s, section in enumerate(sections if isinstance(sections, list) else []):
        items = section.get("fields") if isinstance(section, Mapping) else None
        for f, field in enumerate(items if isinstance(items, list) else []):
            if isinstance(field, Mapping) and isinstance(field.get("name"), str):
                path: tuple[PathPart, ...] = ("form", "sections", s, "fields", f)
                fields.setdefault(field["name"], (path, field))
    return fields


def field_matches(field: Mapping[str, Any]) -> list[tuple[Category, str, str]]:
    """(category, words, where) for the field's name, meaning, labels and choices."""
    texts: list[tuple[str, str]] = [(str(field.get("name", "")), "name")]
    if isinstance(field.get("meaning"), str):
        texts.append((field["meaning"], "meaning"))
    label = field.get("label")
    if isinstance(label, Mapping):
        texts += [(str(text), f"label ({language})") for language, text in label.items()]
    choices = field.get("choices")
    for choice in choices if isinstance(choices, list) else []:
        if isinstance(choice, Mapping):
            texts.append((str(choice.get("code", "")), "choice code"))
            choice_label = choice.get("label")
            if isinstance(choice_label, Mapping):
                texts += [(str(t), f"choice label ({lang})") for lang, t in choice_label.items()]
    found = [(c, w, where) for text, where in texts for c, w in vocabulary.matches(text)]
    found += [
        (Category.SEX, code, "choice code")
        for code in (str(c.get("code", "")) for c in choices or [] if isinstance(c, Mapping))
        if code.casefold() in vocabulary.SEX_CODES
    ]
    return found


def _value_categories(value: Any) -> set[Category]:
    """What a value outside a selection says by itself: words it names, or country."""
    if isinstance(value, str):
        found = vocabulary.categories(value)
        if value.strip().casefold() in vocabulary.SEX_CODES:
            found.add(Category.SEX)
        if vocabulary.country(value):
            found |= {Category.NATIONALITY, Category.BIRTHPLACE, Category.NATIONAL_ORIGIN}
        return found
    if isinstance(value, list) and value:
        if vocabulary.country_list(value):
            return {Category.NATIONALITY, Category.BIRTHPLACE, Category.NATIONAL_ORIGIN}
        return set().union(*(_value_categories(item) for item in value))
    return set()


def _country_meaning(context: frozenset[Category]) -> Category | None:
    """A list of countries means what its key says; None when the key says nothing."""
    for category in (Category.NATIONALITY, Category.BIRTHPLACE, Category.NATIONAL_ORIGIN):
        if category in context:
            return category
    return None
