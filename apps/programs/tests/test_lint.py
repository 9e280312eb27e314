"""The non-discrimination lint: stories of policy authors trying to single people out,
openly or in disguise, and of the legitimate programs that must still pass."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.programs.lint import ND1, ND2, ND3, Violation, errors, lint_program, rule_for
from apps.programs.schema import Program
from apps.programs.tests.factories import add_field, raw_program, voluntary, with_criteria
from apps.programs.vocabulary import Category


def rules_of(violations: list[Violation]) -> list[str]:
    return [v.rule.id for v in violations]


def criterion(attribute: str, value: Any, op: str = "==") -> dict[str, Any]:
    return {"attribute": attribute, "op": op, "value": value}


# --- the shipped reference programs pass -------------------------------------------


def test_us_2025_and_tps_pass_the_lint() -> None:
    assert lint_program(raw_program("us-2025")) == []
    assert lint_program(raw_program("tps-example")) == []


def test_allowed_criteria_pass() -> None:
    raw = with_criteria(
        raw_program(),
        criterion("age", 14, ">="),
        criterion("days_present", 30, ">="),
        criterion("arrived_before", "2025-01-01", "<="),
        criterion("arrived_after", "2001-01-01", ">"),
    )
    raw["eligibility"]["criteria"].append({"documents": ["i-94"], "exemption": "a-g-nonimmigrant"})
    assert lint_program(raw) == []


def test_a_criterion_on_the_birth_date_field_is_age_not_birthplace() -> None:
    # "Fecha de nacimiento" contains "nacimiento"; only "lugar/país de nacimiento" is a place.
    raw = with_criteria(raw_program(), criterion("field:birth_date", "2011-01-01", "<="))
    assert lint_program(raw) == []


# --- openly protected criteria --------------------------------------------------------


@pytest.mark.parametrize(
    ("attribute", "value", "rule", "category"),
    [
        ("sex", "male", ND1, Category.SEX),
        ("gender", "female", ND1, Category.SEX),
        ("religion", "muslim", ND1, Category.RELIGION),
        ("ethnicity", "arab", ND1, Category.RACE),
        ("race", "black", ND1, Category.RACE),
        ("caste", "dalit", ND1, Category.RACE),
        ("national_origin", "middle east", ND1, Category.NATIONAL_ORIGIN),
        ("ancestry", "iranian", ND1, Category.NATIONAL_ORIGIN),
        ("nationality", ["IR", "IQ"], ND2, Category.NATIONALITY),
        ("citizenship", ["SY"], ND2, Category.NATIONALITY),
        ("country_of_birth", ["PK"], ND3, Category.BIRTHPLACE),
        ("language", "arabic", ND3, Category.LANGUAGE),
        ("surname", "Khan", ND3, Category.NAME),
    ],
)
def test_a_compulsory_program_is_refused_for_each_protected_criterion(
    attribute: str, value: Any, rule: Any, category: Category
) -> None:
    raw = with_criteria(raw_program(), criterion("age", 16, ">="), criterion(attribute, value))
    violations = lint_program(raw)
    assert violations, f"{attribute} = {value!r} was accepted"
    first = violations[0]
    assert (first.rule, first.category) == (rule, category)
    assert first.path[:3] == ("eligibility", "criteria", 1)
    assert attribute in first.criterion


def test_nseers_style_program_breaks_two_rules_and_both_are_reported() -> None:
    raw = with_criteria(
        raw_program(),
        criterion("sex", "male"),
        criterion("age", 16, ">="),
        criterion("nationality", ["IR", "IQ", "LY", "SD", "SY"], "in"),
    )
    violations = lint_program(raw)
    assert rules_of(violations) == ["ND-1", "ND-2"]
    assert violations[0].location == "eligibility.criteria[0].attribute"
    assert violations[1].location == "eligibility.criteria[2].attribute"
    assert "program.kind" in violations[1].explain()  # ND-2 says how a voluntary one may


def test_one_violation_per_rule_and_criterion() -> None:
    # The attribute and the country list both say "nationality": one finding, not two.
    raw = with_criteria(raw_program(), criterion("nationality", ["IR", "IQ"], "in"))
    assert rules_of(lint_program(raw)) == ["ND-2"]


def test_explanation_names_the_criterion_and_how_to_fix_it() -> None:
    raw = with_criteria(raw_program(), criterion("religion", "christian"))
    (violation,) = lint_program(raw)
    text = violation.explain()
    assert 'attribute = "religion"' in text
    assert "religion" in text
    assert "Remove the criterion" in text


# --- voluntary programs --------------------------------------------------------------


def test_a_voluntary_program_may_select_by_nationality() -> None:
    raw = voluntary(with_criteria(raw_program(), criterion("nationality", ["SV", "HT"], "in")))
    assert lint_program(raw) == []


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("religion", "christian"), ("sex", "female"), ("ethnicity", "roma"), ("idioma", "árabe")],
)
def test_a_voluntary_program_may_not_select_by_anything_else(attribute: str, value: str) -> None:
    raw = voluntary(with_criteria(raw_program(), criterion(attribute, value)))
    assert lint_program(raw), f"voluntary {attribute} = {value!r} was accepted"


def test_voluntary_country_list_under_an_obscure_key_is_national_origin() -> None:
    raw = voluntary(with_criteria(raw_program(), criterion("zz9", ["SV", "HN"], "in")))
    (violation,) = lint_program(raw)
    assert (violation.rule, violation.category) == (ND1, Category.NATIONAL_ORIGIN)
    assert 'attribute = "nationality"' in violation.explain()  # the hint


# --- disguises --------------------------------------------------------------------------


def test_criteria_hidden_in_nested_tables_are_found() -> None:
    raw = raw_program()
    raw["eligibility"]["advanced"] = {"filters": [{"and": [{"gender": "female"}]}]}
    raw["program"]["applies_to"] = {"who": {"religion": {"is": "muslim"}}}
    raw["documents"][0]["only_for"] = {"rules": [{"x": {"y": {"ethnic-group": "roma"}}}]}
    raw["policy"] = {"step1": {"target_population": {"nationalities": ["IR"]}}}
    locations = {v.location: v.rule.id for v in lint_program(raw)}
    assert locations == {
        "eligibility.advanced.filters[0].and[0].gender": "ND-1",
        "program.applies_to.who.religion": "ND-1",
        "documents[0].only_for.rules[0].x.y.ethnic-group": "ND-1",
        "policy.step1.target_population.nationalities": "ND-2",
    }


def test_camel_case_and_kebab_case_keys_are_read_as_words() -> None:
    raw = raw_program()
    raw["selection"] = {
        "applicantGender": "any",
        "countryOfBirth": "any",
        "motherTongue": "any",
        "family-name": "any",
    }
    found = {(v.category, v.path[-1]) for v in lint_program(raw)}
    assert found == {
        (Category.SEX, "applicantGender"),
        (Category.BIRTHPLACE, "countryOfBirth"),
        (Category.LANGUAGE, "motherTongue"),
        (Category.NAME, "family-name"),
    }


@pytest.mark.parametrize(
    ("key", "category"),
    [
        ("sexo", Category.SEX),
        ("Género", Category.SEX),
        ("solo_mujeres", Category.SEX),
        ("varones", Category.SEX),
        ("religión", Category.RELIGION),
        ("etnia", Category.RACE),
        ("raza", Category.RACE),
        ("origen_nacional", Category.NATIONAL_ORIGIN),
        ("nacionalidad", Category.NATIONALITY),
        ("ciudadanía", Category.NATIONALITY),
        ("país_de_nacimiento", Category.BIRTHPLACE),
        ("lengua materna", Category.LANGUAGE),
        ("apellidos", Category.NAME),
    ],
)
def test_spanish_synonyms(key: str, category: Category) -> None:
    raw = with_criteria(raw_program(), criterion(key, "sí"))
    assert category in {v.category for v in lint_program(raw)}


def test_a_renamed_field_is_resolved_through_its_labels() -> None:
    """Rosa's program collects field x9, labelled "Sexo"/"Sex", and selects by it."""
    raw = add_field(raw_program(), name="x9", label={"en": "Sex", "es": "Sexo"})
    raw = with_criteria(raw, criterion("field:x9", "M"))
    (violation,) = lint_program(raw)
    assert violation.rule is ND1
    assert violation.category is Category.SEX
    assert violation.location == "eligibility.criteria[0].attribute"
    assert '"x9"' in violation.evidence


@pytest.mark.parametrize("reference", ["x9", "form.x9", "fields:x9", "form_field.x9"])
def test_every_way_of_naming_a_field_is_resolved(reference: str) -> None:
    raw = add_field(raw_program(), name="x9", label={"en": "Faith", "es": "Fe religiosa"})
    raw = with_criteria(raw, criterion(reference, "yes"))
    # ND-5 too: a compulsory program's form may not even ask for a religion.
    assert rules_of(lint_program(raw)) == ["ND-1", "ND-5"]


def test_a_field_is_also_classified_by_its_meaning_and_choices() -> None:
    raw = add_field(raw_program(), name="q1", meaning="religion")
    raw = add_field(
        raw,
        name="q2",
        type="choice",
        choices=[{"code": "m", "label": {"en": "M"}}, {"code": "f", "label": {"en": "F"}}],
    )
    raw = with_criteria(raw, criterion("q1", "yes"), criterion("q2", "yes"))
    selections = [v for v in lint_program(raw) if v.path[0] == "eligibility"]
    assert [(v.category, v.path[2]) for v in selections] == [
        (Category.RELIGION, 0),
        (Category.SEX, 1),
    ]


def test_selecting_by_the_collected_nationality_field_is_still_nationality() -> None:
    raw = with_criteria(raw_program(), criterion("field:nationality", ["IR"], "in"))
    assert rules_of(lint_program(raw)) == ["ND-2"]
    assert lint_program(voluntary(raw)) == []


@pytest.mark.parametrize(
    "countries",
    [
        ["IR", "SY"],
        ["IRN", "SYR"],
        ["ir", "sy"],
        ["Iran", "Siria"],
        ["Irán", "Syrian Arab Republic"],
    ],
)
def test_a_list_of_countries_under_an_obscure_key_is_nationality(countries: list[str]) -> None:
    raw = with_criteria(raw_program(), criterion("k7", countries, "in"))
    (violation,) = lint_program(raw)
    assert (violation.rule, violation.category, violation.implied) == (
        ND2,
        Category.NATIONALITY,
        True,
    )


@pytest.mark.parametrize("value", ["male", "M", "hombre", "Women", ["f"]])
def test_a_sex_value_under_an_obscure_key_is_sex(value: Any) -> None:
    raw = with_criteria(raw_program(), criterion("k7", value))
    assert [v.category for v in lint_program(raw)] == [Category.SEX]


def test_an_unknown_key_that_names_and_holds_a_characteristic_is_a_condition() -> None:
    raw = raw_program()
    raw["extra"] = {"gender": "male", "notes": "nationality and sex are collected on the form"}
    raw["program"]["language_default"] = "en"  # names a language, but holds none: not a condition
    (violation,) = lint_program(raw)
    assert violation.location == "extra.gender"


# --- what must not be flagged ----------------------------------------------------------


def test_texts_fields_documents_exemptions_and_purposes_may_mention_anything() -> None:
    raw = raw_program()
    raw["notice"]["text"]["en"] += " Men and women, of every religion, race and nationality."
    raw = add_field(raw, name="sex", label={"en": "Sex", "es": "Sexo"}, meaning="sex")
    raw["documents"][0]["name"]["en"] = "Card for nationals of any country, male or female"
    raw["exemptions"][0]["reason"]["en"] = "Diplomats of any nationality or religion"
    raw["purposes"][0]["label"]["en"] = "Processing (country of birth, language, name)"
    assert lint_program(raw) == []


def test_prose_inside_a_selection_is_not_classified() -> None:
    raw = raw_program()
    raw["applies_to"] = {
        "description": "Everyone, whatever their sex, religion or nationality",
        "whiteList": ["adults"],
        "min_years": 14,
    }
    raw["eligibility"]["notes"] = "Nationality and sex are never criteria here."
    assert lint_program(raw) == []


def test_a_malformed_file_is_walked_without_crashing() -> None:
    raw: dict[str, Any] = {
        "program": "not a table",
        "eligibility": {"criteria": "sex"},
        "form": {"sections": [5, {"fields": "x"}]},
    }
    assert [v.category for v in lint_program(raw)] == [Category.SEX]


def test_rule_for_each_category() -> None:
    assert rule_for(Category.NATIONALITY, voluntary=True) is None
    assert rule_for(Category.NATIONALITY, voluntary=False) is ND2
    for category in (Category.BIRTHPLACE, Category.LANGUAGE, Category.NAME):
        assert rule_for(category, voluntary=True) is ND3
    for category in (Category.RACE, Category.RELIGION, Category.SEX, Category.NATIONAL_ORIGIN):
        assert rule_for(category, voluntary=True) is ND1


# --- properties -------------------------------------------------------------------------

# Spellings a test author would try; deliberately not copied from vocabulary.SYNONYMS.
PROTECTED: dict[Category, list[str]] = {
    Category.SEX: ["sex", "gender", "males", "Women", "boys", "sexo", "género", "mujeres"],
    Category.RELIGION: ["religion", "faith", "muslims", "Christian", "jewish", "religión"],
    Category.RACE: ["race", "ethnicity", "ethnic group", "skin colour", "raza", "etnia", "tribe"],
    Category.NATIONAL_ORIGIN: ["national origin", "ancestry", "descent", "origen nacional"],
    Category.NATIONALITY: ["nationality", "citizenship", "passport country", "nacionalidad"],
    Category.BIRTHPLACE: ["country of birth", "place of birth", "born in", "país de nacimiento"],
    Category.LANGUAGE: ["language", "mother tongue", "idioma", "lengua"],
    Category.NAME: ["surname", "family name", "last name", "apellido"],
}
SELECTION_KEYS = [
    "applies_to", "appliesTo", "selection", "who", "filters", "only", "include", "target",
    "population", "target-population", "onlyFor", "exclude", "criterios", "quienes",
]  # fmt: skip
NEUTRAL_KEYS = ["block", "level", "part", "step", "x1", "extra", "more"]
PLACES = [(), ("eligibility",), ("program",), ("form",), ("policy", "v2")]


def styled(phrase: str, style: str) -> str:
    words = phrase.split()
    if style == "camel":
        return words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])
    separator = {"snake": "_", "kebab": "-", "space": " "}.get(style, "_")
    text = separator.join(words)
    return text.upper() if style == "upper" else text


@st.composite
def hidden_selections(draw: st.DrawFn) -> tuple[Category, dict[str, Any], tuple[str, ...]]:
    """A protected spelling, as a key or a value, under a selection key, at some depth,
    somewhere in the file."""
    category = draw(st.sampled_from(list(PROTECTED)))
    word = styled(
        draw(st.sampled_from(PROTECTED[category])),
        draw(st.sampled_from(["snake", "camel", "kebab", "space", "upper"])),
    )
    leaf: Any = draw(
        st.sampled_from([{word: "yes"}, {word: 1}, {word: ["a", "b"]}, {"attribute": word}, [word]])
    )
    for key in draw(st.lists(st.sampled_from(NEUTRAL_KEYS), max_size=3)):
        leaf = draw(st.sampled_from([{key: leaf}, [leaf]]))
    place = draw(st.sampled_from(PLACES))
    return category, {draw(st.sampled_from(SELECTION_KEYS)): leaf}, place


def insert(raw: dict[str, Any], place: tuple[str, ...], table: dict[str, Any]) -> None:
    node = raw
    for key in place:
        node = node.setdefault(key, {})
    node.update(table)


@settings(max_examples=150, deadline=None)
@given(hidden_selections(), st.booleans())
def test_any_protected_word_under_any_selection_key_at_any_depth_is_refused(
    hidden: tuple[Category, dict[str, Any], tuple[str, ...]], is_voluntary: bool
) -> None:
    category, table, place = hidden
    raw = raw_program()
    if is_voluntary:
        voluntary(raw)
    insert(raw, place, table)
    found = {(v.rule, v.category) for v in lint_program(raw)}
    expected = rule_for(category, voluntary=is_voluntary)
    if expected is None:
        assert found == set()
    else:
        assert (expected, category) in found


@st.composite
def benign_criteria(draw: st.DrawFn) -> dict[str, Any]:
    attribute = draw(st.sampled_from(["age", "days_present", "arrived_before", "arrived_after"]))
    if attribute in ("age", "days_present"):
        op = draw(st.sampled_from([">=", "<=", ">", "<", "=="]))
        return criterion(attribute, draw(st.integers(0, 120)), op)
    op = draw(st.sampled_from(["<", "<="] if attribute == "arrived_before" else [">", ">="]))
    return criterion(attribute, draw(st.dates()), op)


@settings(max_examples=100, deadline=None)
@given(st.lists(benign_criteria(), max_size=5), st.booleans())
def test_benign_criteria_are_accepted_by_the_lint_and_the_schema(
    criteria: list[dict[str, Any]], is_voluntary: bool
) -> None:
    raw = with_criteria(raw_program(), *criteria)
    if is_voluntary:
        voluntary(raw)
    # An arrival window may warn (rule ND-6); nothing benign is refused.
    assert errors(lint_program(raw)) == []
    assert len(Program.model_validate(raw).eligibility.criteria) == len(criteria)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([(c, w) for c, words in PROTECTED.items() for w in words]),
    st.sampled_from(["en", "es"]),
)
def test_a_field_labelled_with_any_protected_word_cannot_be_selected_on(
    protected: tuple[Category, str], language: str
) -> None:
    category, word = protected
    label = {"en": "Answer", "es": "Respuesta"} | {language: word.capitalize()}
    raw = add_field(raw_program(), name="q42", label=label)
    raw = with_criteria(raw, criterion("field:q42", "yes"))
    assert category in {v.category for v in lint_program(raw)}
