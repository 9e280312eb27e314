"""The corpus: programs a drafter might write to get a selection past the check, and
legitimate ones that must keep loading, each with the verdict and rule it must get.

Each file in corpus/ names a shipped program as its base, replacements in its text and
TOML appended to it (so the program is real TOML, with the disguise in the file, and a
refusal points to a real line), the verdict (refused, warning, accepted), the rule and
the element the check must name. Add a case when you find a way around the check.
"""

import tomllib
from pathlib import Path
from typing import Any

import pytest

from apps.programs.errors import ProgramRejected
from apps.programs.lint import RULES
from apps.programs.loader import check_program_text
from apps.programs.tests.factories import NSEERS, PROGRAMS_DIR

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(CORPUS.glob("*.toml"))


def load_case(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def program_text(case: dict[str, Any]) -> str:
    """The base program's text, with the case's replacements and appendix."""
    base = NSEERS if case["base"] == NSEERS.stem else PROGRAMS_DIR / f"{case['base']}.toml"
    text = base.read_text(encoding="utf-8")
    for old, new in case.get("replace", []):
        assert old in text, f"the base text has no {old!r}"
        text = text.replace(old, new, 1)
    return text + "\n" + case.get("append", "")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_each_program_gets_its_verdict_and_rule(path: Path) -> None:
    case = load_case(path)
    text = program_text(case)
    rule, element = case.get("rule", ""), case.get("element", "")
    if case["verdict"] == "refused":
        with pytest.raises(ProgramRejected) as caught:
            check_program_text(text, source=path.name)
        found = [(v.rule.id, v.element) for v in caught.value.violations if v.is_error]
        assert any(r == rule and e.startswith(element) for r, e in found), found
        assert caught.value.line is not None, "a refusal names the line"
    elif case["verdict"] == "warning":
        checked = check_program_text(text, source=path.name)
        found = [(w.rule, w.element) for w in checked.warnings]
        assert any(r.startswith(rule) and e.startswith(element) for r, e in found), found
        assert all(w.line is not None for w in checked.warnings)
        with pytest.raises(ProgramRejected):
            check_program_text(text, source=path.name, strict=True)
    else:
        assert case["verdict"] == "accepted"
        checked = check_program_text(text, source=path.name)
        assert checked.warnings == (), [str(w) for w in checked.warnings]


def test_the_corpus_covers_every_rule_element_and_verdict() -> None:
    cases = [load_case(path) for path in CASES]
    assert len(cases) >= 60
    verdicts = [c["verdict"] for c in cases]
    assert verdicts.count("accepted") >= 12
    assert verdicts.count("warning") >= 3
    assert {c["rule"] for c in cases if "rule" in c} == {rule.id for rule in RULES}
    elements = " | ".join(c.get("element", "") for c in cases)
    for element in (
        "eligibility criterion", "exemption", "document", "deadline", "reporting frequency",
        "fee", "appointment or interview rule", "office assignment", "retention period",
        "read purpose", "departure port", "notice (en)", "notice (es)", "question help text",
        "form help text", "kind flag", "form field",
    ):  # fmt: skip
        assert element in elements, f"no case for the {element}"
