"""Data-sharing agreements with partner agencies, their versions and their use.

An agreement is the standing relationship with one organisation (its reference, its API
client); what the partner may ask and learn lives in versions. A version takes effect
only when a second privacy officer approves it, and the one before it is then
superseded; revoking the agreement ends every version at once. Counters per month feed
the public transparency page; a per-minute window enforces the rate limit.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QueryType(models.TextChoices):
    REGISTRATION_NUMBER = "registration_number", _("By registration number")
    DOCUMENT_NUMBER = "document_number", _("By identity document number")
    FACE_PROBE = "face_probe", _("By face photograph")
    DEPARTURE = "departure", _("Recording a departure")


class HitField(models.TextChoices):
    """What a hit may return beyond "yes, registered". Default: nothing."""

    STATUS = "status", _("Registration status")
    PROGRAM = "program", _("Program")
    REGISTERED_ON = "registered_on", _("Date of registration")
    FAMILY_NAME = "family_name", _("Family name")
    GIVEN_NAMES = "given_names", _("Given names")
    BIRTH_DATE = "birth_date", _("Date of birth")


class Agreement(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    reference = models.SlugField(max_length=64, unique=True)
    organisation = models.CharField(max_length=200)
    # The partner's API client signs in as this account (role "partner", no password).
    client_account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_agreement",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_reason = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.reference} ({self.organisation})"


class VersionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting a second approver")
    ACTIVE = "active", _("In force")
    SUPERSEDED = "superseded", _("Replaced by a later version")
    DECLINED = "declined", _("Declined")


class AgreementVersion(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # Both are copied into every disclosure's audit entry, whose columns have these sizes.
    purpose = models.CharField(max_length=64)
    legal_basis = models.CharField(max_length=200)
    query_types = models.JSONField(default=list)
    fields = models.JSONField(default=list)
    rate_limit_per_minute = models.PositiveIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    document = models.BinaryField()  # the signed agreement, as the partner signed it (PDF)
    document_sha256 = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=VersionStatus.choices, default=VersionStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreement_version_number"
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=models.Q(status="active"),
                name="one_active_version_per_agreement",
            ),
        ]
        ordering = ["agreement", "-number"]

    def __str__(self) -> str:
        return f"{self.agreement.reference} v{self.number} ({self.status})"


class UsageMonth(models.Model):
    """Queries and hits per agreement and month: published on the transparency page."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="usage")
    month = models.DateField()  # the first day of the month
    queries = models.PositiveIntegerField(default=0)
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "month"], name="usage_agreement_month")
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.month:%Y-%m}: {self.queries}/{self.hits}"


class RateWindow(models.Model):
    """Accepted queries of one agreement in one clock minute."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "window_start"], name="rate_window_agreement_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.window_start:%H:%M}: {self.count}"
