"""Words that name a protected characteristic, and how text is matched against them.

The non-discrimination lint (``lint.py``) must recognise a criterion however it is
spelled: ``gender``, ``Gender``, ``applicantGender``, ``sexo``, ``género``, ``mujeres``.
So every key and value is normalised the same way before matching — camelCase,
snake_case and kebab-case split into words, accents stripped, case folded, plurals
tolerated — and matched, longest phrase first, against synonym lists in English and
Spanish. Countries are recognised by ISO 3166 code or by name (CLDR, lexicon.py), because
a list of countries under an obscure key still selects by origin.

These lists are deliberately broad: they are only consulted for keys and values that
take part in a selection (see lint.py), where a false alarm costs an author a rename
and a miss costs people their equal treatment.
"""

import re
from collections.abc import Iterable
from enum import StrEnum
from functools import cache

import pycountry

from apps.programs import lexicon
from apps.programs.text import folded_words


class Category(StrEnum):
    """A characteristic that a program may not (or, for nationality, may only in a
    voluntary program) use to select people."""

    RACE = "race or ethnicity"
    RELIGION = "religion"
    SEX = "sex or gender"
    NATIONAL_ORIGIN = "national origin"
    NATIONALITY = "nationality or citizenship"
    BIRTHPLACE = "country or place of birth"
    LANGUAGE = "language"
    NAME = "name"


SYNONYMS: dict[Category, tuple[str, ...]] = {
    Category.RACE: (
        "race", "racial", "ethnicity", "ethnic", "ethnic group", "ethnic origin",
        "tribe", "tribal", "caste", "clan", "skin colour", "skin color", "skin tone",
        "complexion", "arab", "black", "white", "asian", "hispanic", "latino", "latina",
        "latinx", "caucasian", "african american", "native american", "indigenous",
        "aboriginal", "roma", "romani", "gypsy",
        # Spanish
        "raza", "etnia", "etnico", "grupo etnico", "origen etnico", "color de piel",
        "tribu", "casta", "gitano", "indigena", "afrodescendiente", "arabe",
    ),
    Category.RELIGION: (
        "religion", "religious", "faith", "creed", "belief", "denomination", "sect",
        "muslim", "moslem", "islam", "islamic", "christian", "catholic", "protestant",
        "evangelical", "jewish", "jew", "judaism", "hindu", "sikh", "buddhist", "atheist",
        "sunni", "shia", "shiite", "mormon",
        # Spanish
        "religioso", "creencia", "credo", "culto", "confesion", "musulman", "islamico",
        "cristiano", "catolico", "protestante", "evangelico", "judio", "ateo",
    ),
    Category.SEX: (
        "sex", "gender", "male", "female", "man", "men", "woman", "women", "boy", "girl",
        "masculine", "feminine", "transgender", "nonbinary", "non binary",
        # Spanish
        "sexo", "genero", "hombre", "varon", "mujer", "masculino", "femenino", "chico",
        "chica",
    ),
    Category.NATIONAL_ORIGIN: (
        "national origin", "origin", "country of origin", "ancestry", "ancestor",
        "ancestral", "descent", "heritage", "lineage", "parentage", "bloodline",
        # Spanish
        "origen", "origen nacional", "pais de origen", "ascendencia", "ancestro",
        "descendencia", "linaje",
    ),
    Category.NATIONALITY: (
        "nationality", "national", "citizenship", "citizen", "country of citizenship",
        "passport country", "passport nationality", "passport issuing country",
        # Spanish
        "nacionalidad", "nacional", "ciudadania", "ciudadano", "ciudadana",
        "pais de ciudadania", "pais del pasaporte",
    ),
    Category.BIRTHPLACE: (
        "country of birth", "birth country", "birthplace", "birth place", "place of birth",
        "city of birth", "birth city", "born", "born in", "native", "native country",
        "homeland",
        # Spanish
        "pais de nacimiento", "lugar de nacimiento", "ciudad de nacimiento", "nacido",
        "nacida", "natal", "pais natal", "oriundo",
    ),
    Category.LANGUAGE: (
        "language", "mother tongue", "native language", "native tongue", "first language",
        "tongue", "dialect", "speaks", "speaker", "spoken language",
        # Spanish
        "idioma", "lengua", "lengua materna", "dialecto", "habla", "hablante",
    ),
    Category.NAME: (
        "name", "surname", "family name", "last name", "first name", "given name",
        "forename", "middle name", "maiden name", "patronymic",
        # Spanish
        "apellido", "nombre", "nombre de pila",
    ),
}  # fmt: skip

# Phrases that contain a synonym but name nothing protected; matched like synonyms so
# that "whiteList" is not read as "white" (race) or "dateOfBirth" as a birthplace.
NEUTRAL: tuple[str, ...] = (
    "white list", "black list", "date of birth", "birth date", "fecha de nacimiento",
    "program name", "file name", "display name",
    # Names of things, not of people: a criterion on an employer is not one on a name.
    "employer name", "employer", "company name", "business name", "organisation name",
    "organization name", "school name", "office name", "port name", "document name",
    "user name", "agency name", "street name", "vessel name", "airline name",
    "nombre empleador", "nombre empresa", "nombre escuela", "nombre oficina",
)  # fmt: skip

# Words that make a key a selection ("who the program applies to"), English and Spanish.
SELECTION_WORDS: frozenset[str] = frozenset(
    {
        "apply", "applies", "applicable", "applicability", "select", "selection",
        "selected", "selector", "selecting", "who", "whom", "filter", "only", "include",
        "including", "inclusion", "exclude", "excluding", "exclusion", "except",
        "exception", "unless", "target", "targeted", "targeting", "population",
        "criteria", "criterion", "condition", "conditional", "eligible", "restrict",
        "restriction", "restricted", "limit", "limited", "scope", "cohort", "covered",
        "coverage", "subject", "group", "segment", "profile", "profiling", "category",
        "class", "match", "matching", "rule", "requirement", "where", "whitelist",
        "blacklist", "allowlist", "denylist", "allow", "deny", "registrant", "required",
        # Spanish
        "aplica", "aplicable", "seleccion", "quien", "quienes", "filtro", "solo",
        "solamente", "incluir", "excluir", "objetivo", "poblacion", "criterio",
        "condicion", "grupo", "destinatario", "dirigido", "requisito", "regla",
    }
)  # fmt: skip

# Filler words dropped from both phrases and text, so "country_birth", "countryOfBirth"
# and "country of birth" match alike.
_FILLER = frozenset({"of", "the", "a", "an", "de", "del", "la", "el", "los", "las"})

# Single letters that stand for a sex when they are a criterion's whole value.
SEX_CODES = frozenset({"m", "f", "h", "v"})


def words(text: str) -> list[str]:
    """Split a key or value into normalised words (text.py: NFKC, invisible characters
    removed, any script): camelCase, snake_case, kebab-case and dotted keys come apart;
    accents are stripped; case is folded; filler words go."""
    return [w for w in folded_words(text, camel=True) if w not in _FILLER]


def _forms(word: str) -> set[str]:
    """The word and its possible singulars (English and Spanish plurals)."""
    forms = {word}
    if len(word) > 3 and word.endswith("s"):
        forms.add(word[:-1])
        if word.endswith("es"):
            forms.add(word[:-2])
        if word.endswith("ies"):
            forms.add(word[:-3] + "y")
    return forms


@cache
def _phrases() -> dict[str, list[tuple[tuple[str, ...], Category | None]]]:
    """Synonym phrases by first word, longest first, so "national origin" wins over
    "national" and "native language" over "native". Neutral phrases carry None."""
    index: dict[str, list[tuple[tuple[str, ...], Category | None]]] = {}
    entries: list[tuple[str, Category | None]] = [(n, None) for n in NEUTRAL]
    entries += [(s, category) for category, synonyms in SYNONYMS.items() for s in synonyms]
    for synonym, category in entries:
        phrase = tuple(words(synonym))
        index.setdefault(phrase[0], []).append((phrase, category))
    for candidates in index.values():
        candidates.sort(key=lambda entry: -len(entry[0]))
    return index


def matches(text: str) -> list[tuple[Category, str]]:
    """Every protected characteristic the text names, with the words that named it,
    in order of appearance. Empty when the text names none."""
    tokens = words(text)
    found: list[tuple[Category, str]] = []
    i = 0
    while i < len(tokens):
        best: tuple[tuple[str, ...], Category | None] | None = None
        for form in _forms(tokens[i]):
            for phrase, category in _phrases().get(form, []):
                if best is not None and len(phrase) <= len(best[0]):
                    continue
                rest = tokens[i + 1 : i + len(phrase)]
                if len(rest) == len(phrase) - 1 and all(
                    want in _forms(got) for want, got in zip(phrase[1:], rest, strict=True)
                ):
                    best = (phrase, category)
        if best is None:
            i += 1
            continue
        if best[1] is not None:
            found.append((best[1], " ".join(tokens[i : i + len(best[0])])))
        i += len(best[0])
    return found


def categories(text: str) -> set[Category]:
    return {category for category, _ in matches(text)}


def is_selection_key(key: str) -> bool:
    """Whether a key reads as "who this applies to" (applies_to, onlyFor, filtros...)."""
    return any(_forms(word) & SELECTION_WORDS for word in words(key))


@cache
def _country_names() -> dict[str, str]:
    """Normalised country name -> alpha-2: CLDR names in English and Spanish (Babel),
    ISO 3166 names (pycountry) and countryinfo's spellings (lexicon.py)."""
    names: dict[str, str] = {}
    for language in ("en", "es"):
        for phrase, code in lexicon.country_names(language).items():
            names.setdefault(" ".join(w for w in phrase if w not in _FILLER), code)
    return names


def country(value: str, *, any_case: bool = False, codes_only: bool = False) -> str | None:
    """The ISO 3166-1 alpha-2 code a string stands for, or None. Codes count only when
    written in capitals (ISO style) unless ``any_case``: a lone "in" or "is" is a word,
    not India or Iceland. ``codes_only`` skips names."""
    text = value.strip()
    if re.fullmatch(r"[A-Za-z]{2,3}", text) and (any_case or text.isupper()):
        code = text.upper()
        found = (
            pycountry.countries.get(alpha_2=code)
            if len(code) == 2
            else pycountry.countries.get(alpha_3=code)
        )
        if found is not None:
            return str(found.alpha_2)
    if codes_only:
        return None
    return _country_names().get(" ".join(words(text)))


def country_list(values: Iterable[object]) -> list[str] | None:
    """The alpha-2 codes when every item is a country (code in any case, or a name);
    None when any item is not, or the list is empty."""
    codes: list[str] = []
    for item in values:
        code = country(item, any_case=True) if isinstance(item, str) else None
        if code is None:
            return None
        codes.append(code)
    return codes or None
