"""Reasons given for redress decisions and citizenship claims, stored as codes and
shown to the person in their language (the officer may add a note of their own)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from apps.rights.models import Outcome

# Which codes fit which outcome: an acceptance never reads like a refusal.
REDRESS_REASONS: dict[str, tuple[Promise, frozenset[str]]] = {
    "record-was-wrong": (
        gettext_lazy("The record was wrong and has been corrected as you asked."),
        frozenset({Outcome.ACCEPTED}),
    ),
    "corrected-differently": (
        gettext_lazy(
            "The record was wrong; we corrected it to what your evidence shows, which "
            "differs in part from what you asked."
        ),
        frozenset({Outcome.PARTLY}),
    ),
    "evidence-insufficient": (
        gettext_lazy(
            "The evidence does not show that the record is wrong. You may ask again "
            "with other evidence, or file a complaint."
        ),
        frozenset({Outcome.REFUSED, Outcome.PARTLY}),
    ),
    "record-matches-documents": (
        gettext_lazy(
            "The record matches the documents you showed when you registered. If they "
            "were wrong, ask again with a corrected document."
        ),
        frozenset({Outcome.REFUSED}),
    ),
    "complaint-upheld": (
        gettext_lazy("Your complaint was upheld; we have put right what went wrong."),
        frozenset({Outcome.ACCEPTED, Outcome.PARTLY}),
    ),
    "complaint-not-upheld": (
        gettext_lazy(
            "We looked into your complaint and found that your case was handled as the "
            "rules require. You may ask the privacy officer to review this decision."
        ),
        frozenset({Outcome.REFUSED}),
    ),
}

CLAIM_REASONS: dict[str, Promise] = {
    "citizenship-confirmed": gettext_lazy(
        "Your citizenship was confirmed. Your record has been deleted from the register."
    ),
    "citizenship-not-established": gettext_lazy(
        "The evidence does not establish citizenship. You may record a new claim with "
        "other evidence (for example a passport or a certificate of citizenship)."
    ),
    "claim-withdrawn": gettext_lazy("The claim was withdrawn."),
}


def redress_reason(code: str) -> str:
    """The reason in the active language; an unknown code is shown as written."""
    known = REDRESS_REASONS.get(code)
    return str(known[0]) if known else code


def claim_reason(code: str) -> str:
    known = CLAIM_REASONS.get(code)
    return str(known) if known else code
