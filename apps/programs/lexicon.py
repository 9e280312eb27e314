"""Names of countries and of their people, in every language a program ships, from data
made for the purpose rather than a list someone typed.

- Country names: CLDR territory names through Babel, in the program's languages and in
  English, plus the ISO 3166 names in pycountry and the alternative spellings of
  countryinfo ("Persia" is not a code, "Islamic Republic of Iran" is a name).
- Demonyms (the adjective and the people: "Iranian", "iraquíes", "sirias"): CLDR has no
  demonym table, so they come from three sources. countryinfo ships an English demonym
  per country. CLDR names each country's current currency with the country's adjective
  in every locale, singular and plural ("dinar iraquí", "dinares iraquíes", "Syrian
  pound"): the words of those names that are not the currency unit and that resemble the
  country's name are demonyms. CLDR's name of a territory's main official language is one
  too when it resembles the country's name ("alemán" for Alemania, "German").
- A demonym is matched by its stem (the word without plural and gender endings), so one
  form found in the data covers "sirio", "siria", "sirios" and "sirias".

Everything is built once per language, in memory, from the installed packages; nothing
is downloaded.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from functools import cache

import countryinfo
import pycountry
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import get_territory_currencies

from apps.programs.text import Word, fold, folded_words, skeleton, words

Phrase = tuple[str, ...]

# Words common to many country names: on their own they name no country.
_GENERIC = frozenset(
    {
        "north", "south", "east", "west", "central", "new", "united", "republic", "island",
        "islands", "saint", "democratic", "people", "peoples", "federal", "kingdom", "state",
        "states", "great", "guinea", "and", "the", "of", "norte", "sur", "este", "oeste",
        "nueva", "nuevo", "unidos", "unido", "republica", "isla", "islas", "san", "santa",
        "democratica", "reino", "estados", "popular", "gran", "y", "de", "del", "la", "el",
        "islander", "islanders",
    }
)  # fmt: skip
_MIN_LENGTH = 4


def inflections(word: str) -> set[str]:
    """The forms of a demonym found in the data, by number and gender (Spanish and
    English patterns): iraquí -> iraquíes, iraquís; sirio -> siria, sirios, sirias;
    francés -> francesa, franceses; alemán -> alemana, alemanes; Iranian -> Iranians.
    Words are case-folded with accents kept; the caller folds accents afterwards."""
    forms = {word, word + "s"}
    for singular, plural_forms in _PATTERNS:
        for suffix in (singular, *plural_forms):
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                base = word[: len(word) - len(suffix)]
                forms |= {base + s for s in (singular, *plural_forms)}
    if word[-1:] in "nlr":
        forms |= {word + "es", word + "a", word + "as"}
    return forms


# (singular, other forms) of adjectives of nationality: Spanish, then French.
_PATTERNS = (
    ("és", ("esa", "eses", "esas")),
    ("o", ("a", "os", "as")),
    ("í", ("íes", "ís")),
    ("e", ("es",)),
    ("ien", ("ienne", "iens", "iennes")),
    ("ais", ("aise", "aises")),
    ("ain", ("aine", "ains", "aines")),
    ("in", ("ine", "ins", "ines")),
)


def _territories() -> list[str]:
    """ISO 3166-1 alpha-2 codes (CLDR also names continents, the EU and pseudo-codes)."""
    return sorted(c.alpha_2 for c in pycountry.countries)


@cache
def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return None


def _phrase(name: str) -> Phrase:
    return tuple(folded_words(name))


@cache
def country_names(language: str) -> dict[Phrase, str]:
    """Folded name (as a phrase of words) -> alpha-2 (or a CLDR region's numeric code), in
    ``language`` and English."""
    names: dict[Phrase, str] = {}
    codes = set(_territories())
    for lang in dict.fromkeys((language, "en")):
        _cldr_names(names, lang, codes)
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names.setdefault(_phrase(value), country.alpha_2)
                names.setdefault(_phrase(value.split(",")[0]), country.alpha_2)
    for info in countryinfo.all_countries():
        code = info.iso().get("alpha2")
        spellings = [*info.alt_spellings(), info.translations().get(language, "")]
        # Codes among the spellings are handled as codes, with their own care.
        for spelling in (s for s in spellings if code in codes and s and len(s) > 3):
            names.setdefault(_phrase(spelling), code)
    names.pop((), None)
    # "Ísland" folds to "island": a one-word name that is a common word names nothing.
    for phrase in [p for p in names if len(p) == 1 and p[0] in _GENERIC - {"guinea"}]:
        del names[phrase]
    return names


def _cldr_names(names: dict[Phrase, str], language: str, codes: set[str]) -> None:
    """CLDR territory names: countries, and regions of origin ("Western Asia", "África del
    Norte", "Caribbean", numeric codes); "the world" (001) selects no one."""
    locale = _locale(language)
    for code, name in locale.territories.items() if locale else []:
        if code in codes or (code.isdigit() and code != "001"):
            names.setdefault(_phrase(name), code)


def _currency_forms(locale: Locale, currency: str) -> list[str]:
    forms = [locale.currencies.get(currency, "")]
    plural = locale._data["currency_names_plural"].get(currency)
    if plural is not None:
        forms += [str(plural[key]) for key in plural]
    return [f for f in forms if f]


def _resembles(word: str, name_words: Iterable[str]) -> bool:
    return any(len(w) >= 4 and word[:4] == w[:4] for w in name_words) or any(
        len(w) >= 5 and w[:5] in word for w in name_words
    )


def _lower(text: str) -> list[str]:
    """Words case-folded with their accents (inflections() needs "é" to tell francés
    from a plural)."""
    return [w.text.casefold() for w in words(text)]


def _add_demonym(found: dict[Phrase, str], phrase: list[str], code: str) -> None:
    *head, last = phrase
    for form in inflections(last):
        folded = tuple(fold(w) for w in (*head, form))
        if len(folded[-1]) >= _MIN_LENGTH:
            found.setdefault(folded, code)


@cache
def demonyms(language: str) -> dict[Phrase, str]:
    """Demonym (a phrase of folded words, in every inflection) -> alpha-2, in
    ``language`` and English."""
    found: dict[Phrase, str] = {}
    _countryinfo_demonyms(found)
    for lang in dict.fromkeys((language, "en")):
        locale = _locale(lang)
        if locale is not None:
            _cldr_demonyms(found, locale)
    return found


def _countryinfo_demonyms(found: dict[Phrase, str]) -> None:
    # A demonym shared by several entries ("American" is also given for the Northern
    # Mariana Islands) goes to the most populous, the country people mean by it.
    for info in sorted(countryinfo.all_countries(), key=lambda c: -(c.population() or 0)):
        code, demonym = info.iso().get("alpha2"), info.demonym()
        if not (code and demonym):
            continue
        phrase = _lower(demonym)
        _add_demonym(found, phrase, code)
        # "Saudi Arabian" is also written "Arabian"; "Cape Verdean" "Verdean".
        name_words = set(folded_words(info.name() or ""))
        last = phrase[-1]
        if len(phrase) > 1 and fold(last) not in _GENERIC and fold(last) not in name_words:
            _add_demonym(found, [last], code)


def _cldr_demonyms(found: dict[Phrase, str], locale: Locale) -> None:
    """The adjective in the names of each country's current currencies ("dinar iraquí"),
    and the name of its main official language when it resembles the country's."""
    today = dt.datetime.now(dt.UTC).date()
    current = {code: get_territory_currencies(code, today, tender=True) for code in _territories()}
    units: Counter[str] = Counter()
    for currency in {c for cs in current.values() for c in cs}:
        units.update(set(folded_words(" ".join(_currency_forms(locale, currency)))))
    territory_languages = get_global("territory_languages")
    for code, currencies in current.items():
        name_words = set(folded_words(locale.territories.get(code, "")))
        for currency in currencies:
            for word in _lower(" ".join(_currency_forms(locale, currency))):
                plain = fold(word)
                if (
                    len(plain) >= _MIN_LENGTH
                    and units[plain] < 3
                    and plain not in _GENERIC
                    and plain not in name_words
                    and _resembles(plain, name_words)
                ):
                    _add_demonym(found, [word], code)
        for spoken, facts in territory_languages.get(code, {}).items():
            if facts.get("official_status") and facts.get("population_percent", 0) >= 50:
                for word in _lower(locale.languages.get(spoken, "")):
                    if len(word) >= _MIN_LENGTH and _resembles(fold(word), name_words):
                        _add_demonym(found, [word], code)


@cache
def language_names(language: str) -> dict[Phrase, str]:
    """Folded CLDR language name -> language code, in ``language`` and English, for the
    major languages (official somewhere, or spoken by a tenth of some country)."""
    major: set[str] = set()
    for facts in get_global("territory_languages").values():
        for code, fact in facts.items():
            if fact.get("official_status") or fact.get("population_percent", 0) >= 10:
                major.add(code.split("_")[0])
    names: dict[Phrase, str] = {}
    for lang in dict.fromkeys((language, "en")):
        locale = _locale(lang)
        if locale is None:
            continue
        for code in major:
            name = locale.languages.get(code)
            if name and len(name) >= 4:
                names.setdefault(_phrase(name), code)
    return names


@cache
def jurisdiction_codes(jurisdiction: str) -> frozenset[str]:
    """The country a program is the law of, and the territories ISO 3166-2 lists among its
    subdivisions (US-PR: Puerto Rico; US-AS: American Samoa), whose names a program may
    use: "citizens of the United States" selects no one a registry of noncitizens holds."""
    codes = {jurisdiction}
    for subdivision in pycountry.subdivisions.get(country_code=jurisdiction) or []:
        # US-PR is Puerto Rico, the territory; US-CA is California, not Canada.
        suffix = subdivision.code.split("-", 1)[1]
        country = pycountry.countries.get(alpha_2=suffix) if len(suffix) == 2 else None
        if country is not None and _phrase(country.name) == _phrase(subdivision.name):
            codes.add(suffix)
    return frozenset(codes)


@cache
def jurisdiction_places(jurisdiction: str) -> frozenset[Phrase]:
    """Names of the jurisdiction's subdivisions ("Georgia", "New Mexico"): a country name
    that is also one of them is only a warning, because the program may mean the state."""
    return frozenset(
        _phrase(s.name) for s in pycountry.subdivisions.get(country_code=jurisdiction) or []
    )


class Index:
    """Phrases (tuples of folded words) by first word, longest first, each also by the
    skeleton of its words, so a word in another script that looks the same still meets
    it. ``value`` is whatever the caller files under the phrase."""

    def __init__(self, entries: Iterable[tuple[Phrase, object]]) -> None:
        self._by_first: dict[str, list[tuple[Phrase, Phrase, object]]] = {}
        for phrase, value in entries:
            if not phrase:
                continue
            skel = tuple(skeleton(w) for w in phrase)
            entry = (phrase, skel, value)
            self._by_first.setdefault(phrase[0], []).append(entry)
            if skel[0] != phrase[0]:
                self._by_first.setdefault("\0" + skel[0], []).append(entry)
        for candidates in self._by_first.values():
            candidates.sort(key=lambda entry: -len(entry[0]))

    def longest(self, words: list[Word], start: int) -> tuple[int, list[object]]:
        """The longest phrases that start at ``words[start]``: (length, their values);
        (0, []) when none does."""
        first = words[start]
        candidates = list(self._by_first.get(first.folded, []))
        if first.skeleton is not None:
            candidates += self._by_first.get("\0" + first.skeleton, [])
            candidates += self._by_first.get(first.skeleton, [])
        best, values = 0, list[object]()
        for phrase, skel, value in candidates:
            n = len(phrase)
            if n < best:
                continue
            window = words[start : start + n]
            if len(window) == n and all(
                w.matches(p, s) for w, p, s in zip(window, phrase, skel, strict=True)
            ):
                if n > best:
                    best, values = n, []
                if value not in values:
                    values.append(value)
        return best, values
