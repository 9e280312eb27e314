"""Recording, approving and revoking data-sharing agreements.

Four eyes: the privacy officer who proposes terms cannot approve them. Revoking ends
the agreement at once: its versions stop answering and its access tokens are deleted,
so a token already handed out is refused at its next request.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import get_access_token_model, get_application_model

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.audit import services as audit
from apps.audit.models import Action
from apps.partners.models import (
    Agreement,
    AgreementVersion,
    HitField,
    QueryType,
    VersionStatus,
)
from registry.errors import Conflict, FormInvalid, NotAllowed

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_RATE_PER_MINUTE = 10_000
# Queries that look a person up; only they can return fields on a hit.
LOOKUPS = {QueryType.REGISTRATION_NUMBER, QueryType.DOCUMENT_NUMBER, QueryType.FACE_PROBE}


@dataclass(frozen=True)
class Terms:
    purpose: str
    legal_basis: str
    query_types: list[str]
    fields: list[str]
    rate_limit_per_minute: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    document: bytes


@dataclass(frozen=True)
class Approval:
    version: AgreementVersion
    client_id: str
    # The client secret exists in the clear only in this answer (the application stores
    # a hash): shown once to the privacy officer, who hands it to the partner.
    client_secret: str | None


def _check_terms(terms: Terms) -> None:
    errors: dict[str, list[str]] = {}
    if not terms.purpose.strip():
        errors["purpose"] = [_("Say what the partner may use the answers for.")]
    if not terms.legal_basis.strip():
        errors["legal_basis"] = [_("Name the law or regulation that allows the sharing.")]
    unknown = sorted(set(terms.query_types) - set(QueryType.values))
    if not terms.query_types or unknown:
        errors["query_types"] = [
            _("Choose at least one of: %(types)s.") % {"types": ", ".join(QueryType.values)}
        ]
    bad_fields = sorted(set(terms.fields) - set(HitField.values))
    if bad_fields:
        errors["fields"] = [
            _("Unknown fields %(bad)s; choose from %(known)s.")
            % {"bad": ", ".join(bad_fields), "known": ", ".join(HitField.values)}
        ]
    elif terms.fields and not LOOKUPS & set(terms.query_types):
        errors["fields"] = [_("Fields are returned only by look-up queries.")]
    if not 1 <= terms.rate_limit_per_minute <= MAX_RATE_PER_MINUTE:
        errors["rate_limit_per_minute"] = [
            _("Between 1 and %(max)s queries a minute.") % {"max": MAX_RATE_PER_MINUTE}
        ]
    if terms.ends_at <= terms.starts_at:
        errors["ends_at"] = [_("The agreement must end after it starts.")]
    if not terms.document.startswith(b"%PDF-") or len(terms.document) > MAX_DOCUMENT_BYTES:
        errors["document"] = [_("Attach the signed agreement as a PDF of at most 10 MB.")]
    if errors:
        raise FormInvalid(_("The agreement is incomplete; see each field."), fields=errors)


def _record(actor: User, action: Action, agreement: Agreement, **detail: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        subject_id=None,
        object_type="agreement",
        object_id=agreement.reference,
        detail=detail,
    )


@transaction.atomic
def propose(actor: User, *, reference: str, organisation: str, terms: Terms) -> AgreementVersion:
    """A new agreement (version 1) or new terms for an existing one, awaiting approval.
    Proposing the same terms again while they await approval returns the same version."""
    _check_terms(terms)
    if not organisation.strip():
        raise FormInvalid(
            _("Name the partner organisation."), fields={"organisation": [_("Required.")]}
        )
    agreement, _created = Agreement.objects.get_or_create(
        reference=reference, defaults={"organisation": organisation.strip()[:200]}
    )
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.revoked_at:
        raise Conflict(_("This agreement was revoked; record a new one with a new reference."))
    digest = hashlib.sha256(terms.document).hexdigest()
    pending = agreement.versions.filter(status=VersionStatus.PROPOSED).first()
    if pending is not None:
        if _same_terms(pending, terms, digest):
            return pending
        raise Conflict(
            _("Version %(number)s awaits a second approver: approve or decline it first.")
            % {"number": pending.number}
        )
    number = (agreement.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        purpose=terms.purpose.strip(),
        legal_basis=terms.legal_basis.strip(),
        query_types=sorted(set(terms.query_types)),
        fields=sorted(set(terms.fields)),
        rate_limit_per_minute=terms.rate_limit_per_minute,
        starts_at=terms.starts_at,
        ends_at=terms.ends_at,
        document=terms.document,
        document_sha256=digest,
        proposed_by=actor,
    )
    _record(actor, Action.CREATE, agreement, version=number)
    return version


def _same_terms(version: AgreementVersion, terms: Terms, digest: str) -> bool:
    return (
        version.purpose == terms.purpose.strip()
        and version.legal_basis == terms.legal_basis.strip()
        and version.query_types == sorted(set(terms.query_types))
        and version.fields == sorted(set(terms.fields))
        and version.rate_limit_per_minute == terms.rate_limit_per_minute
        and version.starts_at == terms.starts_at
        and version.ends_at == terms.ends_at
        and version.document_sha256 == digest
    )


@transaction.atomic
def approve(actor: User, version: AgreementVersion) -> Approval:
    """The second privacy officer puts proposed terms in force. The first approval of
    an agreement creates its API client; the secret is returned once."""
    locked = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    agreement = Agreement.objects.select_for_update().get(pk=locked.agreement_id)
    if agreement.revoked_at:
        raise Conflict(_("This agreement was revoked."))
    if locked.status != VersionStatus.PROPOSED:
        raise Conflict(
            _("Only proposed terms can be approved; these are %(status)s.")
            % {"status": locked.get_status_display()}
        )
    if locked.proposed_by_id == actor.pk:
        raise NotAllowed(_("A second privacy officer must approve: you proposed these terms."))
    agreement.versions.filter(status=VersionStatus.ACTIVE).update(status=VersionStatus.SUPERSEDED)
    locked.status = VersionStatus.ACTIVE
    locked.approved_by = actor
    locked.approved_at = timezone.now()
    locked.save(update_fields=["status", "approved_by", "approved_at"])
    secret = None
    if agreement.client_account is None:
        secret = _create_client(agreement)
    _record(actor, Action.DECIDE, agreement, version=locked.number, outcome="approved")
    application = get_application_model().objects.get(user=agreement.client_account)
    return Approval(version=locked, client_id=application.client_id, client_secret=secret)


@transaction.atomic
def decline(actor: User, version: AgreementVersion) -> AgreementVersion:
    locked = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != VersionStatus.PROPOSED:
        raise Conflict(_("Only proposed terms can be declined."))
    locked.status = VersionStatus.DECLINED
    locked.save(update_fields=["status"])
    _record(actor, Action.DECIDE, locked.agreement, version=locked.number, outcome="declined")
    return locked


def _create_client(agreement: Agreement) -> str:
    account = User.objects.create_user(
        username=f"partner-{agreement.reference}",
        email=f"partner-{agreement.reference}@partners.invalid",
        password=None,  # unusable: the account signs in only with its client credentials
        role=Role.PARTNER.value,
    )
    agreement.client_account = account
    agreement.save(update_fields=["client_account"])
    secret = secrets.token_urlsafe(32)
    application_model = get_application_model()
    application_model.objects.create(
        name=agreement.reference,
        user=account,
        client_type=application_model.CLIENT_CONFIDENTIAL,
        authorization_grant_type=application_model.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,  # hashed on save
    )
    return secret


@transaction.atomic
def revoke(actor: User, agreement: Agreement, *, reason: str) -> Agreement:
    """End the agreement now: no version answers any more and every token dies."""
    reason = reason.strip()
    if not reason:
        raise FormInvalid(
            _("Say why the agreement is revoked."), fields={"reason": [_("Required.")]}
        )
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.revoked_at:
        return locked
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.revocation_reason = reason[:500]
    locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    if locked.client_account_id:
        get_access_token_model().objects.filter(
            application__user_id=locked.client_account_id
        ).delete()
    _record(actor, Action.UPDATE, locked, outcome="revoked")
    return locked


def terms_in_force(agreement: Agreement, at: dt.datetime | None = None) -> AgreementVersion:
    """The version that governs a query now, or NotAllowed saying why there is none."""
    at = at or timezone.now()
    if agreement.revoked_at is not None:
        raise NotAllowed(
            _("Agreement %(ref)s was revoked on %(when)s.")
            % {"ref": agreement.reference, "when": f"{agreement.revoked_at:%Y-%m-%d %H:%M}"}
        )
    version = agreement.versions.filter(status=VersionStatus.ACTIVE).first()
    if version is None:
        raise NotAllowed(
            _("Agreement %(ref)s has no approved terms.") % {"ref": agreement.reference}
        )
    if at < version.starts_at:
        raise NotAllowed(
            _("Agreement %(ref)s is in force only from %(when)s.")
            % {"ref": agreement.reference, "when": f"{version.starts_at:%Y-%m-%d %H:%M}"}
        )
    if at >= version.ends_at:
        raise NotAllowed(
            _("Agreement %(ref)s ended on %(when)s.")
            % {"ref": agreement.reference, "when": f"{version.ends_at:%Y-%m-%d %H:%M}"}
        )
    return version
