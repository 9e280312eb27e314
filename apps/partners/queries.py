"""Read-only views of agreements for the console and the public transparency page."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Sum

from apps.audit.models import Action, AuditEntry
from apps.partners.models import Agreement, AgreementVersion, UsageMonth, VersionStatus


@dataclass(frozen=True)
class AgreementRow:
    agreement: Agreement
    in_force: AgreementVersion | None
    pending: AgreementVersion | None
    queries: int
    hits: int


def agreement_rows() -> list[AgreementRow]:
    rows = []
    for agreement in Agreement.objects.order_by("reference"):
        versions = {v.status: v for v in agreement.versions.all()}
        totals = agreement.usage.aggregate(q=Sum("queries"), h=Sum("hits"))
        rows.append(
            AgreementRow(
                agreement=agreement,
                in_force=versions.get(VersionStatus.ACTIVE),
                pending=versions.get(VersionStatus.PROPOSED),
                queries=totals["q"] or 0,
                hits=totals["h"] or 0,
            )
        )
    return rows


def refusals(agreement: Agreement) -> list[AuditEntry]:
    """Queries answered no-hit because the person has an open citizenship claim: the
    privacy officer follows each one up."""
    return list(
        AuditEntry.objects.filter(
            action=Action.REFUSE,
            object_type="partner_query",
            detail__agreement=agreement.reference,
        ).order_by("-at")[:100]
    )


def public_register() -> list[dict[str, Any]]:
    """Every agreement ever in force, for the public transparency page: partner, purpose,
    legal basis, fields, dates, state, and queries and hits per month. Nothing here is
    about a person."""
    register = []
    versions = (
        AgreementVersion.objects.filter(status__in=[VersionStatus.ACTIVE, VersionStatus.SUPERSEDED])
        .select_related("agreement")
        .order_by("agreement__reference", "-number")
    )
    usage: dict[Any, list[UsageMonth]] = {}
    for row in UsageMonth.objects.order_by("-month"):
        usage.setdefault(row.agreement_id, []).append(row)
    for version in versions:
        agreement = version.agreement
        register.append(
            {
                "reference": agreement.reference,
                "organisation": agreement.organisation,
                "version": version.number,
                "in_force": version.status == VersionStatus.ACTIVE and not agreement.revoked_at,
                "purpose": version.purpose,
                "legal_basis": version.legal_basis,
                "query_types": version.query_types,
                "fields": version.fields,
                "starts_at": version.starts_at,
                "ends_at": version.ends_at,
                "revoked_at": agreement.revoked_at,
                "document_sha256": version.document_sha256,
                "usage": [
                    {"month": u.month.strftime("%Y-%m"), "queries": u.queries, "hits": u.hits}
                    for u in usage.get(agreement.pk, [])
                ]
                if version.status == VersionStatus.ACTIVE
                else [],
            }
        )
    return register
