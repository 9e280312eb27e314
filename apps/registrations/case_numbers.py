"""Case numbers people can read out on the phone: program prefix, eight random
Crockford base-32 characters and a check character that catches a mistyped one.

Random rather than sequential, so that numbers reveal nothing about volume or order
and need no shared counter (which every writer would wait on)."""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U


def _check_char(body: str) -> str:
    total = sum((i + 1) * ALPHABET.index(ch) for i, ch in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def prefix_for(program_slug: str) -> str:
    return "".join(ch for ch in program_slug.upper() if ch.isalnum())[:6]


def new_case_number(program_slug: str) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    full = body + _check_char(body)
    return f"{prefix_for(program_slug)}-{full[:4]}-{full[4:]}"


def is_well_formed(case_number: str) -> bool:
    parts = case_number.strip().upper().split("-")
    if len(parts) != 3 or len(parts[1]) != 4 or len(parts[2]) != 5:
        return False
    chars = parts[1] + parts[2]
    if any(ch not in ALPHABET for ch in chars):
        return False
    return _check_char(chars[:8]) == chars[8]
