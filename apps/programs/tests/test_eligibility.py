"""Who must register under us-2025 and who may apply under tps-example, told through
people: Amal (a student), Yusuf (a child), Jean (a Canadian visitor), Marta (a citizen),
Dario (a diplomat), Ana (a TPS applicant)."""

import datetime as dt
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from apps.programs.eligibility import (
    EligibilityAnswers,
    EligibilityOutcome,
    InvalidAnswers,
    OutcomeKind,
    evaluate,
)
from apps.programs.loader import load_program_file
from apps.programs.schema import Program
from apps.programs.tests.factories import PROGRAMS_DIR

US = load_program_file(PROGRAMS_DIR / "us-2025.toml")
TPS = load_program_file(PROGRAMS_DIR / "tps-example.toml")
TODAY = dt.date(2025, 9, 1)
D = dt.date


def person(**answers: object) -> EligibilityAnswers:
    base: dict[str, object] = {"is_citizen": False, "birth_date": D(1990, 3, 14)}
    return EligibilityAnswers(**(base | answers))  # type: ignore[arg-type]


def outcome_for(
    program: Program = US, today: dt.date = TODAY, **answers: object
) -> EligibilityOutcome:
    return evaluate(program, person(**answers), today)


# --- us-2025 ---------------------------------------------------------------------------


def test_marta_a_citizen_has_nothing_to_do_whatever_else_she_answers() -> None:
    outcome = outcome_for(is_citizen=True, arrival_date=D(2025, 1, 2), documents=("i-94",))
    assert outcome == EligibilityOutcome(OutcomeKind.CITIZEN, reason_code="citizen")
    assert outcome.message(US, "en") == "You are a citizen: nothing to do."


def test_dario_a_diplomat_is_exempt_and_told_why() -> None:
    outcome = outcome_for(arrival_date=D(2024, 5, 1), exemption="a-g-nonimmigrant")
    assert (outcome.kind, outcome.exemption_code) == (OutcomeKind.EXEMPT, "a-g-nonimmigrant")
    assert outcome.message(US, "en").startswith("You are exempt: You are in the United States as a")


def test_amal_with_an_expired_i94_is_already_registered() -> None:
    outcome = outcome_for(arrival_date=D(2023, 9, 1), documents=("i-94",))
    assert (outcome.kind, outcome.document_code) == (OutcomeKind.ALREADY_REGISTERED, "i-94")
    assert "Arrival/Departure Record (Form I-94)" in outcome.message(US, "en")


def test_the_first_document_in_program_order_is_reported() -> None:
    outcome = outcome_for(arrival_date=D(2023, 9, 1), documents=("ead", "i-94", "i-551"))
    assert outcome.document_code == "i-551"


def test_jean_here_for_ten_days_does_not_have_to_register_yet() -> None:
    outcome = outcome_for(arrival_date=D(2025, 8, 22))
    assert outcome == EligibilityOutcome(
        OutcomeKind.NOT_YET, deadline=D(2025, 9, 21), reason_code="not_yet"
    )
    assert outcome.message(US, "en") == (
        "Not yet: if you are still here then, register by Sept. 21, 2025."
    )


def test_on_day_30_the_deadline_is_today() -> None:
    outcome = outcome_for(arrival_date=D(2025, 8, 2))
    assert (outcome.kind, outcome.deadline, outcome.overdue) == (
        OutcomeKind.MUST_REGISTER,
        TODAY,
        False,
    )
    assert outcome.message(US, "en") == "You must register by Sept. 1, 2025."


def test_someone_here_before_the_program_started_was_due_on_the_effective_date() -> None:
    outcome = outcome_for(arrival_date=D(2019, 6, 1))
    assert (outcome.kind, outcome.deadline, outcome.reason_code) == (
        OutcomeKind.MUST_REGISTER,
        D(2025, 4, 11),
        "overdue",
    )
    assert outcome.message(US, "en") == "You must register now: the deadline was April 11, 2025."


def test_before_the_effective_date_the_deadline_is_the_effective_date() -> None:
    outcome = outcome_for(arrival_date=D(2019, 6, 1), today=D(2025, 3, 20))
    assert (outcome.kind, outcome.deadline, outcome.overdue) == (
        OutcomeKind.MUST_REGISTER,
        D(2025, 4, 11),
        False,
    )


def test_yusuf_aged_ten_must_be_registered_by_a_parent() -> None:
    outcome = outcome_for(birth_date=D(2015, 6, 1), arrival_date=D(2025, 8, 10))
    assert outcome == EligibilityOutcome(
        OutcomeKind.GUARDIAN_MUST_REGISTER, deadline=D(2025, 9, 9), reason_code="child"
    )
    assert outcome.message(US, "en") == (
        "A parent or guardian must register this child by Sept. 9, 2025."
    )


def test_a_child_who_turned_14_last_week_has_30_days_from_the_birthday() -> None:
    outcome = outcome_for(birth_date=D(2011, 8, 25), arrival_date=D(2020, 1, 1))
    assert (outcome.kind, outcome.deadline, outcome.reason_code) == (
        OutcomeKind.MUST_REGISTER,
        D(2025, 9, 24),
        "reached_age",
    )


def test_a_child_registered_with_a_document_re_registers_in_person_at_14() -> None:
    outcome = outcome_for(
        birth_date=D(2011, 8, 25), arrival_date=D(2020, 1, 1), documents=("i-94",)
    )
    assert (outcome.kind, outcome.deadline, outcome.document_code) == (
        OutcomeKind.MUST_REGISTER,
        D(2025, 9, 24),
        "i-94",
    )
    assert outcome.message(US, "en") == ("You must register again, in person, by Sept. 24, 2025.")
    later = outcome_for(
        birth_date=D(2011, 8, 25), arrival_date=D(2020, 1, 1), documents=("i-94",),
        today=D(2025, 12, 1),
    )  # fmt: skip
    assert later.kind is OutcomeKind.ALREADY_REGISTERED


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (D(2022, 2, 28), OutcomeKind.GUARDIAN_MUST_REGISTER),
        (D(2022, 3, 1), OutcomeKind.MUST_REGISTER),
    ],
)
def test_a_leap_day_child_turns_14_on_1_march(today: dt.date, kind: OutcomeKind) -> None:
    outcome = outcome_for(birth_date=D(2008, 2, 29), arrival_date=D(2020, 1, 1), today=today)
    assert outcome.kind is kind


@pytest.mark.usefixtures("spanish_catalog")
def test_messages_are_in_spanish_with_spanish_dates() -> None:
    outcome = outcome_for(arrival_date=D(2025, 8, 22))
    assert outcome.message(US, "es") == (
        "Todavía no: si sigue aquí en esa fecha, regístrese a más tardar "
        "el 21 de septiembre de 2025."
    )
    registered = outcome_for(arrival_date=D(2023, 9, 1), documents=("i-94",))
    assert registered.message(US, "es") == (
        "Ya está registrado/a (documento: Registro de Entrada/Salida (Formulario I-94), "
        "en papel o electrónico)."
    )


def test_a_language_the_program_lacks_falls_back_to_its_first() -> None:
    outcome = outcome_for(is_citizen=True)
    assert outcome.message(US, "fr") == "You are a citizen: nothing to do."


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"birth_date": D(2030, 1, 1)}, "birth_date"),
        ({"arrival_date": D(1980, 1, 1)}, "arrival_date"),
        ({"arrival_date": D(2026, 1, 1)}, "arrival_date"),
        ({"documents": ("passport",)}, "documents"),
        ({"exemption": "tourist"}, "exemption"),
        ({"nationality": "Iran"}, "nationality"),
    ],
)
def test_impossible_answers_are_refused(answers: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidAnswers) as caught:
        outcome_for(**answers)
    assert (caught.value.field, caught.value.code) == (field, "invalid_answers")


# --- tps-example (voluntary) --------------------------------------------------------------


def test_ana_from_el_salvador_may_apply_within_the_registration_period() -> None:
    outcome = outcome_for(TPS, arrival_date=D(2019, 4, 2), nationality="SV")
    assert outcome == EligibilityOutcome(
        OutcomeKind.MAY_APPLY, deadline=D(2025, 11, 29), reason_code="eligible"
    )
    assert outcome.message(TPS, "en") == "You may apply by Nov. 29, 2025."


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ({"arrival_date": D(2019, 4, 2), "nationality": "FR"}, "criterion_not_met"),
        ({"arrival_date": D(2019, 4, 2), "nationality": None}, "criterion_not_met"),
        ({"arrival_date": D(2025, 3, 1), "nationality": "SV"}, "criterion_not_met"),
    ],
)
def test_tps_does_not_cover_other_nationals_or_late_arrivals(
    answers: dict[str, Any], reason: str
) -> None:
    outcome = outcome_for(TPS, **answers)
    assert (outcome.kind, outcome.reason_code) == (OutcomeKind.NOT_COVERED, reason)
    assert outcome.message(TPS, "en") == "This program does not apply to you."


def test_after_the_registration_period_no_one_may_apply() -> None:
    outcome = outcome_for(TPS, arrival_date=D(2019, 4, 2), nationality="HT", today=D(2026, 1, 5))
    assert (outcome.kind, outcome.reason_code) == (OutcomeKind.NOT_COVERED, "period_closed")


def test_for_a_child_a_parent_may_apply() -> None:
    outcome = outcome_for(
        TPS, birth_date=D(2016, 1, 1), arrival_date=D(2019, 4, 2), nationality="SV"
    )
    assert outcome.kind is OutcomeKind.GUARDIAN_MUST_REGISTER
    assert outcome.message(TPS, "en") == (
        "A parent or guardian may apply for this child by Nov. 29, 2025."
    )


# --- properties -----------------------------------------------------------------------------

births = st.dates(D(1920, 1, 1), TODAY)
nationalities = st.sampled_from([None, "SV", "IR", "US", "FR", "HT", "KP"])


@st.composite
def answers(draw: st.DrawFn, program: Program = US) -> EligibilityAnswers:
    birth = draw(births)
    arrival = draw(st.none() | st.dates(birth, TODAY))
    docs = st.lists(st.sampled_from([d.code for d in program.documents]), max_size=3)
    return EligibilityAnswers(
        is_citizen=draw(st.booleans()),
        birth_date=birth,
        arrival_date=arrival,
        documents=tuple(draw(docs)),
        exemption=draw(st.sampled_from([None, *(e.code for e in program.exemptions)])),
        nationality=draw(nationalities),
    )


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([US, TPS]).flatmap(lambda p: st.tuples(st.just(p), answers(p))))
def test_a_citizen_always_wins(case: tuple[Program, EligibilityAnswers]) -> None:
    program, person = case
    citizen = EligibilityAnswers(**{**person.__dict__, "is_citizen": True})
    assert evaluate(program, citizen, TODAY).kind is OutcomeKind.CITIZEN


@settings(max_examples=300, deadline=None)
@given(answers(), st.dates(D(2024, 1, 1), D(2030, 1, 1)))
def test_a_deadline_is_never_before_arrival(person: EligibilityAnswers, today: dt.date) -> None:
    assume(person.arrival_date is None or person.arrival_date <= today)
    outcome = evaluate(US, person, max(today, person.birth_date))
    if outcome.deadline is not None:
        assert outcome.deadline >= (person.arrival_date or person.birth_date)


@settings(max_examples=300, deadline=None)
@given(answers(), nationalities)
def test_a_compulsory_outcome_never_depends_on_nationality(
    person: EligibilityAnswers, other: str | None
) -> None:
    moved = EligibilityAnswers(**{**person.__dict__, "nationality": other})
    assert evaluate(US, person, TODAY) == evaluate(US, moved, TODAY)


@settings(max_examples=300, deadline=None)
@given(answers(TPS))
def test_a_voluntary_program_never_obliges(person: EligibilityAnswers) -> None:
    kind = evaluate(TPS, person, TODAY).kind
    assert kind not in (OutcomeKind.MUST_REGISTER, OutcomeKind.NOT_YET)


@settings(max_examples=300, deadline=None)
@given(answers())
def test_guardians_register_exactly_the_children_under_14(person: EligibilityAnswers) -> None:
    plain = EligibilityAnswers(
        is_citizen=False, birth_date=person.birth_date, arrival_date=person.arrival_date
    )
    outcome = evaluate(US, plain, TODAY)
    age = (
        TODAY.year
        - plain.birth_date.year
        - ((TODAY.month, TODAY.day) < (plain.birth_date.month, plain.birth_date.day))
    )
    assert (outcome.kind is OutcomeKind.GUARDIAN_MUST_REGISTER) == (age < 14)


@settings(max_examples=200, deadline=None)
@given(answers())
def test_every_outcome_has_a_message_in_both_languages(person: EligibilityAnswers) -> None:
    outcome = evaluate(US, person, TODAY)
    for language in ("en", "es"):
        message = outcome.message(US, language)
        assert message.endswith(".")
        assert "%(" not in message
