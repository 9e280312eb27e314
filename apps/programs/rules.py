"""The non-discrimination rules, and a violation of one: what it found, where, and how
to fix it (lint.py finds them)."""

from dataclasses import dataclass

from apps.programs.elements import element_of
from apps.programs.locate import PathPart, dotted
from apps.programs.prose import Severity
from apps.programs.vocabulary import Category


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    forbids: str  # what the rule refuses, as a sentence
    fix: str  # what the author can do about it

    def __str__(self) -> str:
        return f"{self.id} {self.name}"


ND1 = Rule(
    "ND-1",
    "protected-characteristic",
    "No program may select people by race or ethnicity, religion, sex or gender, or "
    "national origin.",
    "Remove the criterion: the platform will not run a program that singles people out "
    "this way, whatever its legal basis.",
)
ND2 = Rule(
    "ND-2",
    "compulsory-nationality",
    "A compulsory program may not select people by nationality or citizenship; only a "
    "voluntary program that people apply to for a benefit (such as temporary protection) "
    "may.",
    "Remove the criterion so that the duty falls on every noncitizen alike, or, if people "
    'apply to this program for a benefit, declare program.kind = "voluntary".',
)
ND3 = Rule(
    "ND-3",
    "origin-proxy",
    "No program may select people by country or place of birth, language or name: these "
    "stand in for national origin and ethnicity.",
    "Remove the criterion. Collecting the fact as a form field is allowed; selecting "
    "people by it is not.",
)
ND4 = Rule(
    "ND-4",
    "kind-flag",
    "A program cannot become voluntary by saying so: a voluntary program states the "
    "benefit people apply for (program.benefit, in every language) and never speaks of an "
    "obligation, a deadline or a penalty.",
    'Declare program.kind = "compulsory" (the other rules then apply in full), or state '
    "the benefit and remove the words of obligation.",
)
ND5 = Rule(
    "ND-5",
    "collection",
    "A compulsory program may not ask for religion, race or ethnicity, and any program may "
    "collect nationality or country or place of birth only where a statute requires it.",
    "Remove the field, or, for nationality or birthplace, name the statute in the field's "
    'collected_because = "..." key.',
)
ND6 = Rule(
    "ND-6",
    "possible-proxy",
    "A facially neutral rule may stand in for a protected characteristic (an arrival "
    "window that matches one group's evacuation or airlift).",
    "Check that the rule does not single out one group; a warning is refused only by "
    "program check --strict.",
)
RULES = (ND1, ND2, ND3, ND4, ND5, ND6)
_TEXT_FIX = (
    "Rephrase the text so that it addresses everyone the program covers: name documents, "
    "statuses or dates, not people's traits."
)


@dataclass(frozen=True)
class Violation:
    rule: Rule
    category: Category | None  # None for ND-4 and ND-6, which are not about one trait
    path: tuple[PathPart, ...]  # where the offending key, value or text is
    criterion: str  # the whole element, rendered as TOML
    evidence: str  # which word, value or field gave it away
    implied: bool = False  # a list of countries under a key that does not say what it is
    severity: Severity = Severity.ERROR
    in_text: bool = False  # found in free text rather than in a rule
    unit: tuple[PathPart, ...] | None = None  # the element reported once per rule

    @property
    def element_path(self) -> tuple[PathPart, ...]:
        return self.unit if self.unit is not None else unit_of(self.path)

    @property
    def location(self) -> str:
        return dotted(self.path)

    @property
    def element(self) -> str:
        return element_of(self.path)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def summary(self) -> str:
        """One line for a list of problems: what was found, and what it selects by."""
        if self.in_text or self.rule in (ND4, ND5, ND6):
            found = self.evidence
        else:
            found = self.criterion if len(self.criterion) <= 80 else self.criterion[:79] + "…"
        return f"{found}, selecting by {self.category}" if self.rule in (ND1, ND2, ND3) else found

    def explain(self) -> str:
        """What is wrong and how to fix it, in two or three sentences."""
        what = f"The {self.element}{' text' if self.in_text else ''} {self.criterion}"
        if self.category is None:
            text = f"{what}: {self.evidence}. {self.rule.forbids}"
        else:
            text = (
                f"{what} selects people by {self.category} ({self.evidence}). {self.rule.forbids}"
            )
        text += f" {_TEXT_FIX if self.in_text and self.rule in (ND1, ND2, ND3) else self.rule.fix}"
        if self.implied and self.rule is ND1:
            text += (
                " If this list is meant as the nationality condition of a voluntary program, "
                'write it as { attribute = "nationality", op = "in", value = [...] }.'
            )
        return text


def rule_for(category: Category, *, voluntary: bool) -> Rule | None:
    """The rule that refuses selecting by ``category``; None where it is allowed (only
    nationality, in a voluntary program)."""
    if category is Category.NATIONALITY:
        return None if voluntary else ND2
    if category in (Category.BIRTHPLACE, Category.LANGUAGE, Category.NAME):
        return ND3
    return ND1


def unit_of(path: tuple[PathPart, ...]) -> tuple[PathPart, ...]:
    """The element a text belongs to: up to the last array index (one exemption, one
    criterion), or the text itself (notice.text.en)."""
    last = max((i for i, p in enumerate(path) if isinstance(p, int)), default=-1)
    return path[: last + 1] if last >= 0 else path
