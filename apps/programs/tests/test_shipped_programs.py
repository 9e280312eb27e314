"""The program files we ship: us-2025 and the TPS example load and say what the law and
the rest of the code expect; the 2002 Special Registration file is refused, by name."""

import pytest

from apps.programs.errors import ProgramRejected
from apps.programs.loader import available_programs, get_program, load_program_file
from apps.programs.schema import BlindIndex, FieldType, ProgramKind
from apps.programs.tests.factories import NSEERS, PROGRAMS_DIR

# get_program serves the versions in force: the shipped texts, approved in the test
# database (tests/programs_in_force.py).
pytestmark = pytest.mark.django_db

# name: (type, required, max_length or None, max_items or None, index, meaning)
US_FIELDS = {
    "family_name": ("text", True, 100, None, "family_name", "family_name"),
    "given_names": ("text", True, 100, None, "given_name", "given_name"),
    "aliases": ("text_list", False, 100, 10, None, None),
    "birth_date": ("date", True, None, None, "birth_date", "birth_date"),
    "birth_city": ("text", True, 100, None, None, None),
    "birth_country": ("country", True, None, None, None, "birth_country"),
    "nationality": ("country", True, None, None, None, "nationality"),
    "passport_number": ("text", False, 30, None, "document_number", "document_number"),
    "entry_date": ("date", True, None, None, None, "entry_date"),
    "entry_place": ("text", True, 100, None, None, None),
    "entry_manner": ("choice", True, None, None, None, None),
    "address_history": ("address_history", True, None, 10, None, "address_history"),
    "intended_stay": ("choice", True, None, None, None, None),
    "activities": ("textarea", False, 2000, None, None, None),
    "criminal_record": ("boolean", True, None, None, None, None),
    "criminal_record_details": ("textarea", False, 4000, None, None, None),
    "signature_name": ("text", True, 200, None, None, "signature_name"),
    "oath_accepted": ("boolean", True, None, None, None, "oath"),
}


def test_us_2025_header_and_eligibility() -> None:
    program = get_program("us-2025")
    header, rules = program.program, program.eligibility
    assert header.kind is ProgramKind.COMPULSORY
    assert header.legal_basis == "INA §§ 262\u2013266 (8 U.S.C. §§ 1302\u20131306); 8 CFR 264.1"
    assert str(header.effective_date) == "2025-04-11"
    assert (header.languages, header.fee) == (["en", "es"], 0)
    assert (rules.min_age, rules.min_days_present) == (14, 30)
    assert rules.deadline_days_after_arrival == 30
    assert (rules.child_below_age, rules.child_reregister_days) == (14, 30)
    assert rules.citizens_exempt
    assert rules.criteria == []
    assert [q.code for q in rules.questions] == [
        "is_citizen", "birth_date", "arrival_date", "documents", "exemption",
    ]  # fmt: skip


def test_us_2025_form_has_exactly_the_statutory_fields() -> None:
    program = get_program("us-2025")
    assert [s.key for s in program.form.sections] == [
        "identity", "entry", "addresses", "stay", "activities", "criminal-record", "oath",
    ]  # fmt: skip
    fields = {f.name: f for f in program.form.fields()}
    assert list(fields) == list(US_FIELDS)
    for name, (kind, required, max_length, max_items, index, meaning) in US_FIELDS.items():
        field = fields[name]
        assert field.type is FieldType(kind), name
        assert field.required is required, name
        if max_length is not None:
            assert field.max_length == max_length, name
        if max_items is not None:
            assert field.max_items == max_items, name
        assert field.index == (BlindIndex(index) if index else None), name
        assert field.meaning == meaning, name
        assert set(field.label) == {"en", "es"}, name
    assert [c.code for c in fields["entry_manner"].choices] == [
        "inspected", "paroled", "without-inspection", "other",
    ]  # fmt: skip
    assert [c.code for c in fields["intended_stay"].choices] == [
        "under-6-months", "6-to-12-months", "over-12-months", "permanently", "unknown",
    ]  # fmt: skip
    assert program.form.field_with_meaning("birth_date") is fields["birth_date"]


def test_us_2025_documents_exemptions_and_purposes() -> None:
    program = get_program("us-2025")
    codes = {d.code for d in program.documents}
    assert {"i-551", "i-94", "i-94w", "parole", "visa-before-last-arrival", "ead", "i-862",
            "border-crossing-card", "i-221", "residence-application"} <= codes  # fmt: skip
    i94 = program.document("i-94")
    assert i94 is not None
    assert i94.expired_still_counts
    assert all(d.reference for d in program.documents)
    assert {e.code for e in program.exemptions} == {
        "a-g-nonimmigrant", "ina-289-entrant", "pub-l-97-429-card",
    }  # fmt: skip
    assert [p.code for p in program.purposes] == [
        "case-processing", "identity-verification", "duplicate-resolution", "privacy-request",
        "court-order", "law-enforcement-request", "oversight",
    ]  # fmt: skip
    # Only the auditor's look at the log, never a read of a record.
    assert [p.code for p in program.purposes if p.audit_only] == ["oversight"]
    assert all(p.why for p in program.purposes)  # every purpose reads as a sentence
    references = {p.code for p in program.purposes if p.requires_reference}
    assert references == {"court-order", "law-enforcement-request"}
    purpose = program.purpose("privacy-request")
    assert purpose is not None
    assert "552a(d)" in purpose.legal_basis


def test_us_2025_retention_and_notice() -> None:
    program = get_program("us-2025")
    retention = program.retention
    assert (retention.draft_days, retention.departed_years) == (90, 10)
    assert (retention.rejected_years, retention.withdrawn_days) == (3, 90)
    assert set(retention.expunge_on) == {
        "naturalisation",
        "citizenship-confirmed",
        "unlawful-storage",
        "court-order",
    }
    notice = program.notice
    assert (notice.version, str(notice.published)) == ("2025-04-11", "2025-03-12")
    for words in ("30 days", "free", "logs who did it", "correct", "complaint", "10 days"):
        assert words in notice.text["en"], words
    for words in ("30 días", "gratuito", "quién lo hizo", "corrijamos", "queja", "10 días"):
        assert words in notice.text["es"], words
    assert notice.digest("en") != notice.digest("es")


def test_tps_example_is_voluntary_and_selects_by_nationality() -> None:
    program = get_program("tps-example")
    assert program.program.kind is ProgramKind.VOLUNTARY
    nationality = program.eligibility.criteria[0]
    assert (nationality.attribute, nationality.op) == ("nationality", "in")
    assert isinstance(nationality.value, list)
    assert "SV" in nationality.value
    assert "nationality" in [q.code for q in program.eligibility.questions]
    us_fields = {f.name: f for f in get_program("us-2025").form.fields()}
    for field in program.form.fields():
        same = us_fields[field.name]
        assert (field.type, field.index, field.meaning) == (same.type, same.index, same.meaning)
    assert program.purpose("law-enforcement-request") is None  # INA § 244(c)(6)


def test_nseers_is_refused_by_name() -> None:
    with pytest.raises(ProgramRejected) as caught:
        load_program_file(NSEERS)
    error = caught.value
    assert error.rule == "ND-1 protected-characteristic"
    assert error.criterion == '{ attribute = "sex", op = "==", value = "male" }'
    line = next(n for n, text in enumerate(NSEERS.read_text().splitlines(), 1) if '"sex"' in text)
    assert error.location == f"eligibility.criteria[0].attribute (line {line})"
    # Refused for its criteria, and for its notice and form too: the notice tells men
    # of "the listed countries" to appear, in both languages, and the form collects
    # nationality without naming the statute that requires it.
    assert [(v.rule.id, v.element, v.location) for v in error.violations] == [
        ("ND-1", "eligibility criterion", "eligibility.criteria[0].attribute"),
        ("ND-2", "eligibility criterion", "eligibility.criteria[2].attribute"),
        ("ND-5", "form field", "form.sections[0].fields[3]"),
        ("ND-2", "notice (en)", "notice.text.en"),
        ("ND-1", "notice (en)", "notice.text.en"),
        ("ND-2", "notice (es)", "notice.text.es"),
        ("ND-1", "notice (es)", "notice.text.es"),
    ]
    assert "25 countries" not in error.criterion  # the sex criterion comes first
    assert "a list of 25 countries" not in str(error)  # the attribute names it already


def test_nseers_lists_all_25_countries() -> None:
    import tomllib

    raw = tomllib.loads(NSEERS.read_text())
    countries = raw["eligibility"]["criteria"][2]["value"]
    assert len(countries) == len(set(countries)) == 25


def test_the_deployed_programs_are_us_2025_and_tps() -> None:
    assert [p.slug for p in available_programs()] == ["tps-example", "us-2025"]
    assert not (PROGRAMS_DIR / NSEERS.name).exists()  # examples/ is never deployed
