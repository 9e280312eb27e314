"""Normalisation for exact-match lookups: the one place that decides when two
spellings are "the same" for a blind index. Tested with hypothesis.

Names: transliterated to ASCII (so "Müller" and "Mueller"-style differences in accents
disappear, and "Дмитрий" meets "Dmitrii"), case-folded, punctuation dropped, tokens
sorted so that the order of given names does not matter. Document numbers: letters and
digits only, upper case. Dates: ISO 8601.
"""

import datetime as dt
import re
import unicodedata

from anyascii import anyascii

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"['\u2019\u02bc`]")


def normalize_name(value: str) -> str:
    # Fold case before transliterating: some letters change length with case ("ᾀ" is
    # "ἈΙ" in capitals), so folding after transliteration would give two spellings.
    text = unicodedata.normalize("NFKC", value).casefold()
    text = anyascii(text).casefold()
    text = _APOSTROPHES.sub("", text)
    tokens = [t for t in _NOT_ALNUM.split(text) if t]
    return " ".join(sorted(tokens))


def normalize_document_number(value: str) -> str:
    text = anyascii(unicodedata.normalize("NFKC", value)).upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def normalize_date(value: dt.date | str) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return value.isoformat()
