"""Proof endpoints: the registrant's current proof, an officer's re-issue, and a public
verifier (the same checks as the page; it logs nothing)."""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from apps.accounts.permissions import Permission
from apps.proofs import services, verifier
from apps.proofs.services import IssuedProof
from apps.registrations.lookups import case_for
from registry.public import public

router = Router(tags=["proofs"])


class ProofOut(Schema):
    text: str
    token_id: str
    card_number: str
    binding: str
    issued_at: dt.datetime
    expires_at: dt.datetime

    @staticmethod
    def of(issued: IssuedProof) -> "ProofOut":
        proof = issued.proof
        return ProofOut(
            text=issued.text,
            token_id=proof.token_id,
            card_number=services.card_number_display(proof.card_number),
            binding=proof.binding,
            issued_at=proof.issued_at,
            expires_at=proof.expires_at,
        )


class VerifyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=8000)


class VerdictOut(Schema):
    outcome: str
    reason: str
    message: str
    registration_number: str | None = None
    program: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    card_number: str | None = None
    thumbnail: str | None = None  # data: URI of the face thumbnail, when the QR has one
    warnings: list[str] = []


@router.get("/registrations/{case_number}/proof", response=ProofOut)
def read_proof(request: HttpRequest, case_number: str) -> ProofOut:
    """proof:own:read. The case's current proof (issued now if it has none); 409
    no_proof unless the case is registered."""
    user, registration = case_for(request.user, Permission.PROOF_READ_OWN, case_number)
    return ProofOut.of(services.current_proof(user, registration))


@router.post("/registrations/{case_number}/proof/reissue", response={201: ProofOut})
def reissue_proof(request: HttpRequest, case_number: str) -> Status:
    """proof:any:issue. Revokes the current proof and issues a new one."""
    user, registration = case_for(request.user, Permission.PROOF_ISSUE_ANY, case_number)
    return Status(201, ProofOut.of(services.reissue(user, registration, purpose="case-processing")))


@public
@router.post("/proofs/verify", response=VerdictOut, auth=None)
def verify(request: HttpRequest, payload: VerifyIn) -> VerdictOut:
    """Public. The verdict on a proof's QR text; nothing is logged or kept."""
    checked = verifier.check(payload.text, get_language() or "en")
    claims = checked.verdict.claims
    return VerdictOut(
        outcome=checked.verdict.outcome.value,
        reason=checked.verdict.reason,
        message=str(checked.reason_label),
        registration_number=claims.registration_number if claims else None,
        program=claims.program if claims else None,
        valid_from=checked.valid_from or None,
        valid_until=checked.valid_until or None,
        card_number=checked.card_number or None,
        thumbnail=checked.thumbnail_data_uri or None,
        warnings=list(checked.verdict.warnings),
    )
