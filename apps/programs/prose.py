"""Reading the text of a program for selections: the notice, help texts, descriptions,
names, codes and keys, in every language the program ships.

A notice telling "men from these seven countries" to register selects even if no
criterion does. So every text is read sentence by sentence (text.py undoes Unicode
disguises) and each phrase is looked up, longest first, among country names and
demonyms (CLDR, lexicon.py), language names, and the terms of terms.py. Context decides
what a phrase means:

- a country or demonym selects by nationality when the sentence speaks of nationals,
  citizens or passports; by country of birth when it speaks of birth; by national origin
  otherwise. The program's own jurisdiction ("U.S. citizens") is not a selection, and a
  country name that is also one of the jurisdiction's states ("Georgia") only warns. In a
  voluntary program the countries of its nationality criterion may be named;
- a language name offered as a medium ("in Arabic", "Spanish version", a list after "in")
  is an offer; next to "speakers", "who speak", "de habla" it selects by language; next
  to a word for people ("Kurdish families") it selects too;
- a colour qualifies people only next to a word for people ("black men");
- a sex term next to its counterpart ("men and women", "niño o niña") names everyone;
- "nationals of the listed countries" selects by a list kept somewhere else.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from apps.programs import lexicon, terms
from apps.programs.lexicon import Index, Phrase
from apps.programs.text import Word, folded_words, sentences, words
from apps.programs.vocabulary import Category


class Severity(StrEnum):
    ERROR = "error"  # the program is refused
    WARNING = "warning"  # printed with the rule and line; --strict refuses it


@dataclass(frozen=True)
class Hit:
    category: Category
    severity: Severity
    evidence: str  # what in the text gave it away, for the message


def _phrases(entries: tuple[str, ...]) -> list[Phrase]:
    return [tuple(folded_words(entry)) for entry in entries]


@cache
def _index(languages: tuple[str, ...]) -> Index:
    entries: list[tuple[Phrase, object]] = []
    for language in languages:
        entries += [(p, ("country", c)) for p, c in lexicon.country_names(language).items()]
        entries += [(p, ("demonym", c)) for p, c in lexicon.demonyms(language).items()]
        entries += [(p, ("language", c)) for p, c in lexicon.language_names(language).items()]
    for kind, words_ in (
        ("religion", terms.RELIGION),
        ("holiday", terms.HOLIDAYS),
        ("ethnic", terms.ETHNIC),
        ("qualifier", terms.QUALIFIERS),
        ("title", terms.TITLES),
    ):
        for phrase in _phrases(words_):
            entries.append((phrase, (kind, None)))
            if kind in ("religion", "ethnic"):  # "Muslims", "mezquitas", "musulmanes"
                *head, last = phrase
                entries += [((*head, last + end), (kind, None)) for end in ("s", "es")]
    for pair in terms.SEX_PAIRS:
        for one, other in (pair, pair[::-1]):
            entries.append(((one,), ("sex", other)))
    return Index(entries)


@cache
def _obligations() -> Index:
    # The value is how many words before the phrase a negation may stand.
    return Index(
        [(p, 6) for p in _phrases(terms.OBLIGATION)] + [(p, 2) for p in _phrases(terms.SANCTION)]
    )


class Reader:
    """Reads the texts of one program. ``allowed`` are the countries a voluntary
    program's nationality criterion names (None for a compulsory program)."""

    def __init__(
        self, languages: tuple[str, ...], jurisdiction: str | None, allowed: frozenset[str] | None
    ) -> None:
        self.index = _index(tuple(dict.fromkeys((*languages, "en"))))
        self.own = lexicon.jurisdiction_codes(jurisdiction) if jurisdiction else frozenset()
        self.places = lexicon.jurisdiction_places(jurisdiction) if jurisdiction else frozenset()
        self.allowed = allowed
        self.language_words = _language_words(tuple(dict.fromkeys((*languages, "en"))))

    def read(self, text: str) -> list[Hit]:
        """Every selection the text makes, in order (one per phrase)."""
        hits: list[Hit] = []
        for sentence in sentences(text):
            hits += self._sentence(words(sentence, camel=True))
        return hits

    def compulsion(self, text: str) -> list[str]:
        """Phrases of obligation, deadline or penalty that are not negated ("no one has
        to apply" is not an obligation)."""
        found = []
        for sentence in sentences(text):
            ws = words(sentence)
            i = 0
            while i < len(ws):
                n, reach = _obligations().longest(ws, i)
                window = ws[max(0, i - int(str(reach[0]))) : i] if n else []
                if n and not any(w.folded in terms.NEGATION for w in window):
                    found.append(" ".join(w.text for w in ws[i : i + n]))
                i += n or 1
        return found

    def _sentence(self, ws: list[Word]) -> list[Hit]:
        context = {w.folded for w in ws}
        hits = self._listed_countries(ws, context)
        i = 0
        while i < len(ws):
            n, values = self.index.longest(ws, i)
            if not n:
                i += 1
                continue
            kinds: dict[str, list[object]] = {}
            for value in values:
                pair: tuple[str, object] = value  # type: ignore[assignment]
                kinds.setdefault(pair[0], []).append(pair[1])
            hit = self._judge(ws, i, n, kinds, context)
            if hit is not None:
                hits.append(hit)
            i += n
        return hits

    def _judge(  # noqa: PLR0911, PLR0912 - one answer per kind of phrase: a decision table
        self, ws: list[Word], i: int, n: int, kinds: dict[str, list[object]], context: set[str]
    ) -> Hit | None:
        phrase = " ".join(w.text for w in ws[i : i + n])
        before = ws[i - 1].folded if i else ""
        after = ws[i + n].folded if i + n < len(ws) else ""
        error = Severity.ERROR
        if "language" in kinds:
            if self._offered(ws, i, n):
                return None
            if before in terms.SPEECH or after in terms.SPEECH or _de_habla(ws, i):
                return Hit(Category.LANGUAGE, error, f'"{phrase}", a language, used to select')
        if "religion" in kinds:
            return Hit(Category.RELIGION, error, f'"{phrase}", a religious term')
        if "ethnic" in kinds:
            return Hit(Category.RACE, error, f'"{phrase}", an ethnic or racial term')
        for kind in ("country", "demonym"):
            if kind in kinds:
                return self._country(str(kinds[kind][0]), phrase, ws[i : i + n], context)
        if "language" in kinds and terms.PERSON_NOUNS & {before, after}:
            return Hit(Category.LANGUAGE, error, f'"{phrase} {after}", people named by language')
        if "qualifier" in kinds and terms.PERSON_NOUNS & {before, after}:
            if ws[i].folded in terms.RELIGIOUS_QUALIFIERS:
                return Hit(Category.RELIGION, error, f'"{phrase}" describing people')
            return Hit(Category.RACE, error, f'"{phrase}" describing people')
        if "sex" in kinds:
            return _sex(ws, i, {str(c) for c in kinds["sex"]}, phrase)
        if "title" in kinds and not (len(phrase) == 2 and phrase.isupper()):
            return Hit(Category.SEX, error, f'"{phrase}", a title that states a sex')
        if "holiday" in kinds:
            return Hit(Category.RELIGION, Severity.WARNING, f'"{phrase}", a religious holiday')
        return None

    def _offered(self, ws: list[Word], i: int, n: int) -> bool:
        """A language offered as a medium: after "in"/"en" (through a list of languages
        joined by "and"/"or"), or before "version", "translation", "interpreter"."""
        if i + n < len(ws) and ws[i + n].folded in terms.MEDIUM_AFTER:
            return True
        j = i - 1
        while j >= 0 and (ws[j].folded in _JOINERS or ws[j].folded in self.language_words):
            j -= 1
        if j < 0:
            return False
        word = ws[j].folded
        # "in Arabic", "Spanish version", "interpreters for Arabic and Somali"
        return (
            word in terms.MEDIUM_BEFORE
            or word in terms.MEDIUM_AFTER
            or (word in {"for", "para", "de"} and j > 0 and ws[j - 1].folded in terms.MEDIUM_AFTER)
        )

    def _country(self, code: str, phrase: str, span: list[Word], context: set[str]) -> Hit | None:
        if code in self.own:
            return None
        category = _meaning(context)
        if self.allowed is not None and category is not Category.BIRTHPLACE:
            if code in self.allowed:
                return None
            category = Category.NATIONAL_ORIGIN  # a voluntary program names only its list
        place = "the region" if code.isdigit() else "the country"
        evidence = f'"{phrase}", which names {place} {code}'
        if tuple(w.folded for w in span) in self.places:
            return Hit(category, Severity.WARNING, evidence + " (or a place of the same name)")
        return Hit(category, Severity.ERROR, evidence)

    def _listed_countries(self, ws: list[Word], context: set[str]) -> list[Hit]:
        """'nationals of the listed countries', 'ciudadanos de los países indicados'."""
        folded = [w.folded for w in ws]
        for i, word in enumerate(folded):
            if word not in terms.COUNTRY_WORDS:
                continue
            near = set(folded[max(0, i - 2) : i + 3])
            group = set(folded[max(0, i - 7) : i])
            if near & terms.LIST_WORDS and group & terms.GROUP_WORDS:
                category = _meaning(context)
                shown = " ".join(w.text for w in ws[max(0, i - 5) : i + 3])
                return [
                    Hit(category, Severity.ERROR, f'"{shown}": a list of countries kept elsewhere')
                ]
        return []


def _meaning(context: set[str]) -> Category:
    """What a country stands for in a sentence: birth, nationality, or origin."""
    if context & terms.BIRTH_CONTEXT:
        return Category.BIRTHPLACE
    if context & terms.NATIONALITY_CONTEXT:
        return Category.NATIONALITY
    return Category.NATIONAL_ORIGIN


_JOINERS = frozenset({"and", "or", "y", "o", "e", "u"})


@cache
def _language_words(languages: tuple[str, ...]) -> frozenset[str]:
    return frozenset(p[-1] for language in languages for p in lexicon.language_names(language))


def _de_habla(ws: list[Word], i: int) -> bool:
    """ "speakers of Arabic", "de habla árabe"."""
    return i >= 2 and ws[i - 1].folded in {"of", "de"} and ws[i - 2].folded in terms.SPEECH


def _sex(ws: list[Word], i: int, counterparts: set[str], phrase: str) -> Hit | None:
    window = {w.folded for w in ws[max(0, i - 4) : i + 5]}
    if counterparts & window or ws[i].folded in terms.SEX_NEUTRAL_ALONE:
        return None
    return Hit(Category.SEX, Severity.ERROR, f'"{phrase}", a sex or gender term')
