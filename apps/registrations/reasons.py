"""Reasons given for case decisions and system moves, stored as codes and shown in the
reader's language. A decision against a registrant always says how to respond."""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy


class Decision(StrEnum):
    REGISTER = "register"
    REJECT = "reject"
    REQUEST_EVIDENCE = "request_evidence"


@dataclass(frozen=True)
class DecisionReason:
    label: Promise
    how_to_respond: Promise
    decisions: frozenset[Decision]


# Reasons an officer may give against a registrant. Stored as codes; shown to the
# registrant in their language, always with how to respond.
DECISION_REASONS: dict[str, DecisionReason] = {
    "identity-not-established": DecisionReason(
        gettext_lazy("We could not confirm your identity from the documents you showed."),
        gettext_lazy(
            "Bring an identity document with a photo (passport, national identity card or "
            "consular card) to a new appointment, or upload a copy from your case page."
        ),
        frozenset({Decision.REQUEST_EVIDENCE, Decision.REJECT}),
    ),
    "entry-details-unclear": DecisionReason(
        gettext_lazy("The date, place or manner of your last entry is unclear."),
        gettext_lazy(
            "Send any document that shows your entry (a stamp, an I-94 number, a ticket) "
            "from your case page within 30 days."
        ),
        frozenset({Decision.REQUEST_EVIDENCE}),
    ),
    "already-registered": DecisionReason(
        gettext_lazy("You are already registered through a document you hold."),
        gettext_lazy("You need do nothing more. Keep the document with you."),
        frozenset({Decision.REJECT}),
    ),
    "not-covered": DecisionReason(
        gettext_lazy("The program does not apply to you (for example, you are a citizen)."),
        gettext_lazy("You need do nothing more. If you disagree, file a complaint."),
        frozenset({Decision.REJECT}),
    ),
    "duplicate-filing": DecisionReason(
        gettext_lazy("This filing repeats a registration you already made."),
        gettext_lazy("Follow your earlier case; its number is on your registrations page."),
        frozenset({Decision.REJECT}),
    ),
    # Only after an officer found, and a supervisor confirmed, that the photo and
    # fingerprints are those of someone already registered (apps.biometrics).
    "duplicate-registration": DecisionReason(
        gettext_lazy("An officer and a supervisor found you already registered in another case."),
        gettext_lazy(
            "Keep using your existing registration. If you think this is a mistake, file "
            "a complaint from your account: a person will look at it again."
        ),
        frozenset({Decision.REJECT}),
    ),
}


# Reasons the system itself gives for a move.
REASON_FILED_BY_REGISTRANT = "system:filed-by-registrant"
REASON_FILED_BY_GUARDIAN = "system:filed-by-guardian"
REASON_REREGISTRATION_AT_AGE = "system:reregistration-at-age"
REASON_BIOMETRICS_CAPTURED = "system:biometrics-captured"
REASON_REGISTERED = "system:registered"
REASON_EVIDENCE_PROVIDED = "system:evidence-provided"
REASON_DEPARTURE_RECORDED = "system:departure-recorded"
SYSTEM_REASONS = {
    "system:appointment-booked": gettext_lazy("Biometrics appointment booked"),
    "system:appointment-cancelled": gettext_lazy("Appointment cancelled; a new one can be booked"),
    "system:appointment-missed": gettext_lazy("Appointment missed; a new one can be booked"),
    "system:appointment-moved-office": gettext_lazy("Appointment moved to another office"),
    REASON_REREGISTRATION_AT_AGE: gettext_lazy(
        "Opened at the child's birthday: they now register in their own name, in person, "
        "with fingerprints"
    ),
    REASON_BIOMETRICS_CAPTURED: gettext_lazy("Photo and fingerprints taken"),
    REASON_FILED_BY_REGISTRANT: gettext_lazy("Filed by the registrant"),
    REASON_FILED_BY_GUARDIAN: gettext_lazy("Filed by a parent or guardian"),
    REASON_REGISTERED: gettext_lazy("Registration complete"),
    REASON_EVIDENCE_PROVIDED: gettext_lazy("The registrant said the evidence was sent or brought"),
    REASON_DEPARTURE_RECORDED: gettext_lazy("Departure from the country recorded"),
    "system:appointment-recorded": gettext_lazy("Appointment recorded"),
}
# Reasons written in English words before they became codes; cases moved then keep them,
# and the history shows them in the reader's language like any other.
LEGACY_REASONS = {
    "registered": REASON_REGISTERED,
    "evidence provided": REASON_EVIDENCE_PROVIDED,
    "departure recorded": REASON_DEPARTURE_RECORDED,
    # Recording the interview used to move the case as if biometrics were taken.
    "interview recorded": "system:appointment-recorded",
}


def reason_for_reader(code: str) -> tuple[str, str]:
    """(reason, how to respond) in the active language; a reason typed by hand, or an
    unknown code, is shown as written."""
    code = LEGACY_REASONS.get(code, code)
    if code in SYSTEM_REASONS:
        return str(SYSTEM_REASONS[code]), ""
    decision = DECISION_REASONS.get(code)
    if decision is None:
        return code, ""
    return str(decision.label), str(decision.how_to_respond)
