"""How the non-discrimination check reads text: the same way whatever the disguise.

A drafter who wants a selection past a word list writes "Iran" with a Cyrillic I
(U+0406), "Ir\u200ban" with a zero-width space, "IRAN" in full-width letters, "mos\u00adque"
with a soft hyphen, or a bidi override that makes the bytes differ from what is displayed. So
every key and text is read through one pipeline before anything is matched:

1. NFKC normalisation (full-width and compatibility forms become plain letters);
2. removal of invisible characters: format controls (Unicode category Cf: zero-width
   spaces and joiners, soft hyphen, bidi marks, embeddings, overrides and isolates, the
   byte-order mark, the word joiner), variation selectors and other default-ignorables;
3. words split on anything that is not a letter or digit, in any script, plus
   camelCase for keys;
4. each word case-folded and stripped of accents;
5. a word that is not plain ASCII (another script, or a mix) is also read as its
   Unicode TR #39 confusable *skeleton*, computed by ICU's SpoofChecker (PyICU), and the
   lexicons are indexed by skeleton too, so a Cyrillic-I "Iran" meets the Latin one.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import icu

# Default-ignorable code points outside category Cf that render as nothing.
_IGNORABLE = {
    0x034F,  # combining grapheme joiner
    0x115F, 0x1160, 0x3164, 0xFFA0,  # Hangul fillers
    0x17B4, 0x17B5,  # Khmer inherent vowels
    0x180B, 0x180C, 0x180D, 0x180E, 0x180F,  # Mongolian selectors and vowel separator
    *range(0xFE00, 0xFE10),  # variation selectors
    *range(0xE0100, 0xE01F0),  # variation selectors supplement
}  # fmt: skip
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CAMEL = (re.compile(r"([a-z0-9])([A-Z])"), re.compile(r"([A-Z]+)([A-Z][a-z])"))


@lru_cache(maxsize=65536)
def visible(text: str) -> str:
    """The text as a reader sees it: NFKC, with every invisible character removed."""
    if text.isascii():
        return text  # ASCII is NFKC already and holds no format character
    text = unicodedata.normalize("NFKC", text)
    kept = "".join(
        ch for ch in text if unicodedata.category(ch) != "Cf" and ord(ch) not in _IGNORABLE
    )
    return unicodedata.normalize("NFKC", kept)


def fold(word: str) -> str:
    """Case-folded, accents stripped (in every script that has combining marks)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


@cache
def _checker() -> icu.SpoofChecker:
    return icu.SpoofChecker()


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """The TR #39 skeleton of a folded word: letters that look alike map to one
    prototype (a Cyrillic and a Latin "iran" share "iran"). Compared only with
    skeletons, never with plain words ("m" has the skeleton "rn")."""
    return fold(_checker().getSkeleton(0, word))


@dataclass(frozen=True)
class Word:
    text: str  # as written (after visible())
    folded: str
    skeleton: str | None  # only for words that are not plain ASCII letters

    def matches(self, folded: str, skel: str) -> bool:
        return self.folded == folded or (self.skeleton is not None and self.skeleton == skel)


def _word(raw: str) -> Word:
    folded = fold(raw)
    plain = folded.isascii() and (folded.isalpha() or folded.isdigit())
    return Word(raw, folded, None if plain else skeleton(folded))


def words(text: str, *, camel: bool = False) -> list[Word]:
    """The words of ``text`` after the whole pipeline. ``camel`` also splits
    camelCase (for keys: ``applicantGender`` -> applicant, gender)."""
    text = visible(text)
    if camel:
        for pattern in _CAMEL:
            text = pattern.sub(r"\1 \2", text)
    return [_word(raw) for raw in _WORD.findall(text)]


def folded_words(text: str, *, camel: bool = False) -> list[str]:
    return [w.folded for w in words(text, camel=camel)]


SENTENCE_END = re.compile(r"[.!?;:\n\u3002]+")


def sentences(text: str) -> list[str]:
    """Rough sentences (enough to keep the context of a word to its own clause)."""
    return [part for part in SENTENCE_END.split(visible(text)) if part.strip()]
