"""Property: put a protected term into any text or list element of a valid program, in
any disguise, and the program is refused.

The shipped programs pass the check. Hypothesis picks a string anywhere in one of them
(a notice, a help text, a document name, a code, a reference, an item of a list), puts
a term that names a religion, a people, a sex or a country at a word boundary, disguises
it (letter case, a zero-width space or soft hyphen inside, a Cyrillic look-alike letter,
full-width letters), and the check must refuse the result.
"""

import copy
from collections.abc import Iterator
from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.programs import lexicon
from apps.programs.lint import errors, lint_program
from apps.programs.tests.factories import raw_program

Path_ = tuple[str | int, ...]

# Terms that select in any program, compulsory or voluntary.
ALWAYS = [
    "Muslims", "mosque", "synagogue", "Christians", "Hindus", "Sikhs", "Jews",
    "Kurds", "Roma", "Uyghurs", "Hispanics", "men", "women", "males", "hombres", "varones",
    "mujeres", "musulmanes", "iglesia", "gitanos",
]  # fmt: skip
# Peoples and countries named in texts: refused in a compulsory program, and in a
# voluntary one unless the country is on its nationality list.
PEOPLES = [
    "Iranians",
    "Iraqis",
    "Libyans",
    "Afghans",
    "Pakistanis",
    "iraníes",
    "marroquíes",
    "egipcios",
]
TPS_COUNTRIES = {"SV", "HN", "NI", "HT", "VE", "UA", "SD", "SO", "YE", "SY"}


@cache
def country_names() -> list[str]:
    """CLDR English names of countries outside the jurisdiction (the United States and
    its territories) that are not also one of its states ("Georgia" only warns) and not
    on the TPS list, so that both programs must refuse them."""
    own = lexicon.jurisdiction_codes("US")
    places = lexicon.jurisdiction_places("US")
    names = []
    for phrase, code in lexicon.country_names("en").items():
        if code not in own and code not in TPS_COUNTRIES and phrase not in places:
            names.append(" ".join(phrase))
    return sorted(names)


def strings(node: Any, path: Path_ = ()) -> Iterator[Path_]:
    """The path of every string value, in tables and lists alike."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, (*path, key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from strings(item, (*path, i))
    elif isinstance(node, str):
        yield path


BASES = {slug: raw_program(slug) for slug in ("us-2025", "tps-example")}
PATHS = {slug: sorted(strings(raw), key=str) for slug, raw in BASES.items()}

CYRILLIC = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "i": "\u0456", "c": "\u0441"}


def _inside(term: str, mark: str, where: int) -> str:
    cut = 1 + where % max(1, len(term) - 1)
    return term[:cut] + mark + term[cut:]


def _cyrillic(term: str, where: int) -> str:
    for i, ch in enumerate(term):
        if ch in CYRILLIC and i >= where % len(term):
            return term[:i] + CYRILLIC[ch] + term[i + 1 :]
    return term


DISGUISES = {
    "plain": lambda term, where: term,
    "upper": lambda term, where: term.upper(),
    "title": lambda term, where: term.title(),
    "zero-width": lambda term, where: _inside(term, "\u200b", where),
    "soft-hyphen": lambda term, where: _inside(term, "\u00ad", where),
    "cyrillic": _cyrillic,
    "full-width": lambda term, where: "".join(
        chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in term
    ),
}


def disguise(term: str, how: str, where: int) -> str:
    return DISGUISES[how](term, where)


def insert(raw: dict[str, Any], path: Path_, term: str, position: int) -> None:
    node: Any = raw
    for part in path[:-1]:
        node = node[part]
    words = node[path[-1]].split(" ")
    at = position % (len(words) + 1)
    node[path[-1]] = " ".join([*words[:at], f"— {term} —", *words[at:]])


TERMS = st.one_of(
    st.sampled_from(ALWAYS),
    st.sampled_from(PEOPLES),
    st.builds(lambda name: f"nationals of {name}", st.sampled_from(country_names())),
)
HOW = st.sampled_from(sorted(DISGUISES))


@settings(max_examples=150, deadline=None)
@given(
    slug=st.sampled_from(sorted(BASES)),
    pick=st.integers(min_value=0),
    term=TERMS,
    how=HOW,
    position=st.integers(min_value=0, max_value=50),
)
def test_a_protected_term_anywhere_is_refused(
    slug: str, pick: int, term: str, how: str, position: int
) -> None:
    raw = copy.deepcopy(BASES[slug])
    path = PATHS[slug][pick % len(PATHS[slug])]
    insert(raw, path, disguise(term, how, position), position)
    refused = errors(lint_program(raw))
    assert refused, f"{term!r} ({how}) in {path} of {slug} was accepted"


def test_the_bases_pass() -> None:
    for raw in BASES.values():
        assert lint_program(raw) == []
