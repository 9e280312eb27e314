"""The filings the benchmark sends: the shape of conftest.VALID_FORM, with names, dates
and passport numbers that vary per filing so blind indexes do not collide."""

from __future__ import annotations

from typing import Any

PASSWORD = "bench horse battery staple"  # noqa: S105 - throwaway accounts on a bench db

FAMILY_NAMES = ("Haddad", "García", "Nguyen", "Okafor", "Kowalski", "Ivanova", "Mendes")
GIVEN_NAMES = ("Amal", "Noor", "Yusuf", "Lucía", "Minh", "Chidi", "Anna", "Dmitrii")
# The shape of conftest.VALID_FORM; names, dates and passport numbers vary per submission.
BASE_FORM: dict[str, Any] = {
    "birth_city": "Beirut",
    "birth_country": "LB",
    "nationality": "LB",
    "entry_date": "2024-09-01",
    "entry_place": "JFK Airport, New York",
    "entry_manner": "inspected",
    "intended_stay": "over-12-months",
    "activities": "Graduate studies in chemistry",
    "criminal_record": False,
    "oath_accepted": True,
}


def make_form(worker: int, i: int) -> dict[str, Any]:
    family = FAMILY_NAMES[i % len(FAMILY_NAMES)]
    given = f"{GIVEN_NAMES[i % len(GIVEN_NAMES)]} {GIVEN_NAMES[(i // 7 + worker) % 8]}"
    return {
        **BASE_FORM,
        "family_name": family,
        "given_names": given,
        "aliases": [f"{given.split(maxsplit=1)[0]} {family[:-1]}"],
        "birth_date": f"{1950 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "passport_number": f"B{worker:02d}{i:07d}",
        "address_history": [
            {
                "line1": f"{1 + i % 300} Elm Street",
                "city": "Paterson",
                "region": "NJ",
                "postal_code": "07501",
                "country": "US",
                "from": "2024-09-02",
            }
        ],
        "signature_name": f"{given} {family}",
    }
