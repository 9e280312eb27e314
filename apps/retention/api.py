"""Retention endpoints: thin wrappers over the same services as the pages.

Runs list person ids, case numbers and grounds only; a receipt is the signed JSON that
`manage.py retention verify-receipt` checks."""

import base64
import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.retention import receipts, runs, services
from apps.retention.models import Expungement, RetentionRun
from apps.vault import signing
from registry.errors import FormInvalid

router = Router(tags=["retention"])


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class RunOut(Schema):
    id: uuid.UUID
    program: str
    as_of: dt.date
    state: str
    total: int
    done: int
    expunged: int
    skipped: int
    counts: dict[str, int]
    created_at: dt.datetime
    approved_at: dt.datetime | None
    finished_at: dt.datetime | None


class RunDetailOut(RunOut):
    items: list[dict[str, Any]]


class ExpungeIn(Strict):
    person_id: uuid.UUID
    ground: str = Field(min_length=1, max_length=32)


class ReceiptOut(Schema):
    """A receipt exactly as it was signed (the time as signed, ISO 8601 with its zone)."""

    version: int
    receipt_id: uuid.UUID
    person_id: uuid.UUID
    ground: str = Field(max_length=32)
    at: str = Field(max_length=40)
    kid: str = Field(max_length=32)
    signature: str = Field(max_length=128)


class VerifyOut(Schema):
    valid: bool
    receipt_id: uuid.UUID


class KeyOut(Schema):
    kid: str
    algorithm: str = "Ed25519"
    public_key: str  # base64 of the raw 32 bytes
    retired_at: dt.datetime | None


def _receipt(receipt: receipts.ExpungementReceipt) -> ReceiptOut:
    return ReceiptOut(**receipt.as_dict())


@router.get("/retention/runs", response=list[RunOut])
def list_runs(request: HttpRequest) -> list[RunOut]:
    """retention:run:read. The latest 100 runs, newest first."""
    authorize(request.user, Permission.RETENTION_READ)
    return [
        RunOut.model_validate(run, from_attributes=True)
        for run in RetentionRun.objects.defer("items")[:100]
    ]


@router.get("/retention/runs/{run_id}", response=RunDetailOut)
def read_run(request: HttpRequest, run_id: uuid.UUID) -> RunDetailOut:
    """retention:run:read. A run with its whole list and its progress."""
    authorize(request.user, Permission.RETENTION_READ)
    run = get_object_or_404(RetentionRun, pk=run_id)
    return RunDetailOut.model_validate(run, from_attributes=True)


@router.post("/retention/runs/{run_id}/approve", response=RunOut)
def approve_run(request: HttpRequest, run_id: uuid.UUID) -> RunOut:
    """retention:run:approve. Approve a run that waits; it starts after the answer.
    409 run_not_awaiting_approval otherwise."""
    user = authorize(request.user, Permission.RETENTION_APPROVE)
    run = get_object_or_404(RetentionRun, pk=run_id)
    return RunOut.model_validate(runs.approve_run(user, run.id), from_attributes=True)


@router.post("/retention/expungements", response={200: ReceiptOut})
def expunge_person(request: HttpRequest, payload: ExpungeIn) -> ReceiptOut:
    """vault:key:destroy. Expunge a person at once on a ground of their program
    (422 ground_not_allowed lists them); idempotent: the first receipt comes back."""
    user = authorize(request.user, Permission.PERSON_KEY_DESTROY)
    receipt = services.expunge_person(user, payload.person_id, ground=payload.ground)
    return _receipt(receipt)


@router.get("/retention/expungements/{receipt_id}", response=ReceiptOut)
def read_receipt(request: HttpRequest, receipt_id: uuid.UUID) -> ReceiptOut:
    """retention:run:read. A stored receipt."""
    authorize(request.user, Permission.RETENTION_READ)
    return _receipt(services.receipt_of(get_object_or_404(Expungement, pk=receipt_id)))


@router.post("/retention/receipts/verify", response=VerifyOut)
def verify_receipt(request: HttpRequest, payload: ReceiptOut) -> VerifyOut:
    """retention:run:read. Check a receipt's signature against the receipt keys."""
    authorize(request.user, Permission.RETENTION_READ)
    try:
        receipt = receipts.parse(payload.model_dump(mode="json"))
    except receipts.ReceiptInvalid as exc:
        raise FormInvalid(_("This is not a receipt: %(problem)s") % {"problem": exc}) from exc
    return VerifyOut(valid=receipt.verify(), receipt_id=receipt.receipt_id)


@router.get("/retention/keys", response=list[KeyOut])
def receipt_keys(request: HttpRequest) -> list[KeyOut]:
    """retention:run:read. The keys that sign receipts, active first (to check a
    receipt elsewhere, or a journal line's key id after a restore)."""
    authorize(request.user, Permission.RETENTION_READ)
    return [
        KeyOut(
            kid=key.kid,
            public_key=base64.b64encode(bytes(key.public_key)).decode(),
            retired_at=key.retired_at,
        )
        for key in signing.public_keys(receipts.PURPOSE)
    ]
