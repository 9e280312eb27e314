"""Does a program apply to someone, and by when must (or may) they act?

``evaluate`` is a pure function of the program, a person's answers and today's date, so
the same answers always give the same outcome and it can be tested exhaustively. The
order of the rules is the order a caseworker would apply them: a citizen has nothing to
do whatever else is true; a person the program does not cover is told so; a statutory
exemption or a document that already counts as registration ends the matter; then age,
then time present decide the deadline.

Deadlines: never earlier than arrival + ``deadline_days_after_arrival``, nor than
``effective_date`` + ``registration_period_days`` (people already present when a program
starts are not overdue on day one), nor, for someone who has just reached the age at
which children register themselves, than that birthday + ``child_reregister_days``. A
deadline in the past is reported as overdue ("register now"), never hidden.
"""

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from apps.programs.schema import Criterion, Program, ProgramKind


class OutcomeKind(StrEnum):
    CITIZEN = "citizen"
    EXEMPT = "exempt"
    ALREADY_REGISTERED = "already_registered"
    MUST_REGISTER = "must_register"  # compulsory programs only
    NOT_YET = "not_yet"  # compulsory programs only
    MAY_APPLY = "may_apply"  # voluntary programs only
    GUARDIAN_MUST_REGISTER = "guardian_must_register"
    NOT_COVERED = "not_covered"


class InvalidAnswers(ValueError):
    """Answers that cannot describe a real person or do not fit the program (a date of
    birth in the future, a document code the program does not list...)."""

    code = "invalid_answers"

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class EligibilityAnswers:
    is_citizen: bool
    birth_date: dt.date
    arrival_date: dt.date | None = None  # None: present since birth
    documents: tuple[str, ...] = ()  # codes of program.documents the person holds
    exemption: str | None = None  # a code of program.exemptions
    nationality: str | None = None  # ISO 3166-1 alpha-2; read only by voluntary programs


# Sentences by outcome (and variant); lazy so they translate in the caller's language.
_MESSAGES = {
    "citizen": gettext_lazy("You are a citizen: nothing to do."),
    "exempt": gettext_lazy("You are exempt: %(reason)s."),
    "already_registered": gettext_lazy("You are already registered (document: %(document)s)."),
    "must_register": gettext_lazy("You must register by %(deadline)s."),
    "must_register_overdue": gettext_lazy("You must register now: the deadline was %(deadline)s."),
    "must_reregister": gettext_lazy("You must register again, in person, by %(deadline)s."),
    "not_yet": gettext_lazy("Not yet: if you are still here then, register by %(deadline)s."),
    "may_apply": gettext_lazy("You may apply by %(deadline)s."),
    "guardian_must_register": gettext_lazy(
        "A parent or guardian must register this child by %(deadline)s."
    ),
    "guardian_overdue": gettext_lazy(
        "A parent or guardian must register this child now: the deadline was %(deadline)s."
    ),
    "guardian_may_apply": gettext_lazy(
        "A parent or guardian may apply for this child by %(deadline)s."
    ),
    "not_covered": gettext_lazy("This program does not apply to you."),
}


@dataclass(frozen=True)
class EligibilityOutcome:
    kind: OutcomeKind
    deadline: dt.date | None = None
    document_code: str | None = None
    exemption_code: str | None = None
    reason_code: str = ""

    @property
    def overdue(self) -> bool:
        return self.reason_code == "overdue"

    def message(self, program: Program, language: str) -> str:
        """One sentence for the person in ``language`` (the program's first language if
        it lacks that one), with the deadline as a localised date."""
        if language not in program.program.languages:
            language = program.program.languages[0]
        with translation.override(language):
            values: dict[str, str] = {}
            if self.deadline is not None:
                values["deadline"] = date_format(self.deadline, "DATE_FORMAT")
            exemption = program.exemption(self.exemption_code or "")
            if exemption is not None:
                values["reason"] = program.text(exemption.reason, language)
            document = program.document(self.document_code or "")
            if document is not None:
                values["document"] = program.text(document.name, language)
            return str(_MESSAGES[self._message_key(program)]) % values

    def _message_key(self, program: Program) -> str:
        voluntary = program.program.kind is ProgramKind.VOLUNTARY
        if self.kind is OutcomeKind.MUST_REGISTER:
            if self.overdue:
                return "must_register_overdue"
            return "must_reregister" if self.reason_code == "reregister_at_age" else "must_register"
        if self.kind is OutcomeKind.GUARDIAN_MUST_REGISTER:
            if voluntary:
                return "guardian_may_apply"
            return "guardian_overdue" if self.overdue else "guardian_must_register"
        return self.kind.value


@dataclass(frozen=True)
class _Facts:
    """What the rules need, derived once from the answers."""

    age: int
    arrival: dt.date  # the birth date for someone who never arrived from abroad
    days_present: int
    deadline: dt.date  # the ordinary deadline (see the module docstring)
    grown_up: dt.date | None  # when the person reached child_below_age, if they have
    reregister_by: dt.date | None  # grown_up + child_reregister_days

    @classmethod
    def of(cls, program: Program, answers: EligibilityAnswers, today: dt.date) -> "_Facts":
        rules = program.eligibility
        arrival = answers.arrival_date or answers.birth_date
        age = _age(answers.birth_date, today)
        grown_up = reregister_by = None
        if rules.child_below_age > 0 and age >= rules.child_below_age:
            grown_up = _anniversary(answers.birth_date, rules.child_below_age)
            reregister_by = grown_up + dt.timedelta(days=rules.child_reregister_days)
        deadline = max(
            program.program.effective_date + dt.timedelta(days=rules.registration_period_days),
            arrival + dt.timedelta(days=rules.deadline_days_after_arrival),
        )
        return cls(age, arrival, (today - arrival).days, deadline, grown_up, reregister_by)


def evaluate(program: Program, answers: EligibilityAnswers, today: dt.date) -> EligibilityOutcome:
    """The outcome for one person on ``today``.

    Guarantees: a citizen (where citizens are exempt) always gets CITIZEN; a compulsory
    program never looks at nationality (the lint forbids such criteria, and nothing else
    reads it); a voluntary program never answers MUST_REGISTER or NOT_YET; every deadline
    is on or after the arrival date. Raises InvalidAnswers for impossible answers."""
    _check(program, answers, today)
    facts = _Facts.of(program, answers, today)
    settled = _settled(program, answers, facts, today)
    if settled is not None:
        return settled
    if program.program.kind is ProgramKind.VOLUNTARY:
        return _voluntary(program, facts, today)
    return _compulsory(program, facts, today)


def _settled(
    program: Program, answers: EligibilityAnswers, facts: _Facts, today: dt.date
) -> EligibilityOutcome | None:
    """Citizenship, the program's criteria, an exemption or a document decide alone."""
    rules = program.eligibility
    if answers.is_citizen and rules.citizens_exempt:
        return EligibilityOutcome(OutcomeKind.CITIZEN, reason_code="citizen")
    if not all(_holds(c, answers, facts) for c in rules.criteria):
        return EligibilityOutcome(OutcomeKind.NOT_COVERED, reason_code="criterion_not_met")
    if answers.exemption is not None:
        return EligibilityOutcome(
            OutcomeKind.EXEMPT, exemption_code=answers.exemption, reason_code="exemption"
        )
    held = next((d.code for d in program.documents if d.code in answers.documents), None)
    if held is None:
        return None
    compulsory = program.program.kind is ProgramKind.COMPULSORY
    if compulsory and facts.reregister_by is not None and today <= facts.reregister_by:
        # Registered as a child: re-register in person within the window after the
        # birthday (INA § 262(c), 8 CFR 264.1); after it, the document stands.
        return EligibilityOutcome(
            OutcomeKind.MUST_REGISTER,
            deadline=facts.reregister_by,
            document_code=held,
            reason_code="reregister_at_age",
        )
    return EligibilityOutcome(
        OutcomeKind.ALREADY_REGISTERED, document_code=held, reason_code="document_held"
    )


def _voluntary(program: Program, facts: _Facts, today: dt.date) -> EligibilityOutcome:
    rules = program.eligibility
    if facts.deadline < today:
        # A benefit's registration period that has closed cannot be applied to late.
        return EligibilityOutcome(OutcomeKind.NOT_COVERED, reason_code="period_closed")
    if facts.age < rules.child_below_age:
        return EligibilityOutcome(
            OutcomeKind.GUARDIAN_MUST_REGISTER, deadline=facts.deadline, reason_code="child"
        )
    if facts.age < rules.min_age:
        return EligibilityOutcome(OutcomeKind.NOT_COVERED, reason_code="below_min_age")
    if facts.days_present < rules.min_days_present:
        return EligibilityOutcome(OutcomeKind.NOT_COVERED, reason_code="presence_too_short")
    return EligibilityOutcome(
        OutcomeKind.MAY_APPLY, deadline=facts.deadline, reason_code="eligible"
    )


def _compulsory(program: Program, facts: _Facts, today: dt.date) -> EligibilityOutcome:
    rules = program.eligibility
    deadline = facts.deadline
    if facts.age < rules.child_below_age:
        reason = "overdue" if deadline < today else "child"
        return EligibilityOutcome(OutcomeKind.GUARDIAN_MUST_REGISTER, deadline, reason_code=reason)
    if facts.age < rules.min_age:
        return EligibilityOutcome(OutcomeKind.NOT_COVERED, reason_code="below_min_age")
    if facts.days_present < rules.min_days_present:
        return EligibilityOutcome(OutcomeKind.NOT_YET, deadline=deadline, reason_code="not_yet")
    reason = "present_long_enough"
    grown_up, reregister_by = facts.grown_up, facts.reregister_by
    if grown_up and reregister_by and grown_up >= facts.arrival and reregister_by > deadline:
        # Came as a child and has just reached the age: the clock starts at the birthday.
        deadline, reason = reregister_by, "reached_age"
    if deadline < today:
        reason = "overdue"
    return EligibilityOutcome(OutcomeKind.MUST_REGISTER, deadline=deadline, reason_code=reason)


def _check(program: Program, answers: EligibilityAnswers, today: dt.date) -> None:
    if answers.birth_date > today:
        raise InvalidAnswers("birth_date", "the date of birth is in the future")
    if answers.arrival_date is not None and not (
        answers.birth_date <= answers.arrival_date <= today
    ):
        raise InvalidAnswers("arrival_date", "the arrival date must be between birth and today")
    unknown = [code for code in answers.documents if program.document(code) is None]
    if unknown:
        raise InvalidAnswers("documents", f"not documents of {program.slug}: {unknown}")
    if answers.exemption is not None and program.exemption(answers.exemption) is None:
        raise InvalidAnswers(
            "exemption", f"not an exemption of {program.slug}: {answers.exemption!r}"
        )
    nationality = answers.nationality
    if nationality is not None and not (len(nationality) == 2 and nationality.isalpha()):
        raise InvalidAnswers("nationality", "use an ISO 3166-1 alpha-2 code such as 'SV'")


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
}


def _holds(criterion: Criterion, answers: EligibilityAnswers, facts: _Facts) -> bool:
    op, value = criterion.op, criterion.value
    if criterion.attribute == "nationality":
        if answers.nationality is None:
            return False  # an unknown nationality cannot satisfy a nationality condition
        nationality = answers.nationality.upper()
        if op == "in":
            return isinstance(value, list) and nationality in value
        if op == "not in":
            return isinstance(value, list) and nationality not in value
        return nationality == value
    actual: int | dt.date = {"age": facts.age, "days_present": facts.days_present}.get(
        criterion.attribute, facts.arrival
    )
    return _COMPARE[op](actual, value)


def _anniversary(birth: dt.date, years: int) -> dt.date:
    """The date someone turns ``years``; 29 February birthdays fall on 1 March in common
    years (the day after 28 February, when the full year has run)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return dt.date(birth.year + years, 3, 1)


def _age(birth: dt.date, today: dt.date) -> int:
    """Whole years completed on ``today``."""
    years = today.year - birth.year
    return years if _anniversary(birth, years) <= today else years - 1
