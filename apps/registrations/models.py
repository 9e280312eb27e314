import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.registrations.reasons import reason_for_reader


class CaseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    EVIDENCE_REQUESTED = "evidence_requested", _("Evidence requested")
    BIOMETRICS_SCHEDULED = "biometrics_scheduled", _("Biometrics appointment scheduled")
    BIOMETRICS_CAPTURED = "biometrics_captured", _("Biometrics captured")
    REGISTERED = "registered", _("Registered")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DEPARTED = "departed", _("Departed")


OPEN_STATES = frozenset(
    {
        CaseState.SUBMITTED,
        CaseState.EVIDENCE_REQUESTED,
        CaseState.BIOMETRICS_SCHEDULED,
        CaseState.BIOMETRICS_CAPTURED,
    }
)

# The case state machine: every allowed move, and nothing else. A missed or cancelled
# appointment sends a case back to "submitted" so that it can be booked again.
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseState.DRAFT: frozenset({CaseState.SUBMITTED, CaseState.WITHDRAWN}),
    CaseState.SUBMITTED: frozenset(
        {
            CaseState.BIOMETRICS_SCHEDULED,
            CaseState.EVIDENCE_REQUESTED,
            CaseState.REJECTED,
            CaseState.WITHDRAWN,
        }
    ),
    CaseState.EVIDENCE_REQUESTED: frozenset(
        {CaseState.SUBMITTED, CaseState.REJECTED, CaseState.WITHDRAWN}
    ),
    CaseState.BIOMETRICS_SCHEDULED: frozenset(
        {
            CaseState.SUBMITTED,
            CaseState.BIOMETRICS_CAPTURED,
            CaseState.REJECTED,
            CaseState.WITHDRAWN,
        }
    ),
    CaseState.BIOMETRICS_CAPTURED: frozenset(
        {
            CaseState.REGISTERED,
            CaseState.EVIDENCE_REQUESTED,
            CaseState.REJECTED,
            CaseState.WITHDRAWN,
        }
    ),
    CaseState.REGISTERED: frozenset({CaseState.DEPARTED}),
    CaseState.REJECTED: frozenset(),
    CaseState.WITHDRAWN: frozenset(),
    CaseState.DEPARTED: frozenset(),
}


class Person(models.Model):
    """Someone in the register. Holds no readable personal data: the id doubles as the
    vault subject id under which everything about the person is encrypted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="own_persons",
        help_text="The person's own account, when they file for themselves.",
    )
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="wards",
        help_text="The parent or guardian who files for a child under the program's age.",
    )
    program = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    # Only for a child filed by a guardian: the day they must start re-registering in
    # their own name (their birthday at the program's age). Kept in clear, unlike the
    # birth date, so the daily job need not decrypt every child's record to find them.
    reregistration_due_on = models.DateField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"person {self.id}"


class BlindIndexEntry(models.Model):
    """Keyed digests for exact-match search (see apps/vault/blind_index.py)."""

    class Kind(models.TextChoices):
        NAME_BIRTH = "name_birth"
        FAMILY_BIRTH = "family_birth"
        DOCUMENT = "document"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="index_entries")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    digest = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["kind", "digest"], name="blind_index_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} {self.digest[:8]}…"


class Registration(models.Model):
    """A case: a registration form and where it stands. The form is sealed under the
    person's key; only `registrations.services` opens it, and logs that it did."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="registrations")
    program = models.CharField(max_length=64)
    program_version = models.CharField(max_length=32)
    state = models.CharField(max_length=24, choices=CaseState.choices, default=CaseState.DRAFT)
    # NULL until submitted: unique among filed cases, while drafts have none.
    case_number = models.CharField(max_length=24, unique=True, null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="filings"
    )
    for_child = models.BooleanField(default=False)
    language = models.CharField(max_length=8, default="en")
    form_sealed = models.BinaryField(null=True)
    idempotency_key = models.CharField(max_length=128, null=True, blank=True)  # noqa: DJ001
    request_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Where the case is worked: the office of its biometrics appointment (a code from
    # apps.appointments; kept here so the console's queues need no join).
    office_code = models.CharField(max_length=32, blank=True, default="")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    # A child's re-registration in their own name points at the guardian's filing.
    reregistration_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reregistrations"
    )
    due_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["filed_by", "idempotency_key"], name="registration_idempotency_key"
            ),
        ]
        indexes = [
            models.Index(fields=["filed_by", "-created_at"], name="registration_filer"),
            # The console's queues: by office and state, oldest first, keyset-paged.
            models.Index(
                fields=["office_code", "state", "submitted_at", "id"], name="registration_queue"
            ),
            models.Index(fields=["state", "submitted_at", "id"], name="registration_state"),
            models.Index(
                fields=["assigned_to", "state", "submitted_at", "id"],
                name="registration_assignee",
            ),
        ]

    def __str__(self) -> str:
        return self.case_number or f"draft {self.id}"

    def is_owned_by(self, user: object) -> bool:
        user_id = getattr(user, "pk", None)
        return user_id is not None and user_id in {self.filed_by_id, self.person.account_id}

    @property
    def is_draft(self) -> bool:
        return self.state == CaseState.DRAFT


class CaseTransition(models.Model):
    """Who moved a case, from where to where, when and why."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(max_length=24, choices=CaseState.choices)
    to_state = models.CharField(max_length=24, choices=CaseState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    actor_role = models.CharField(max_length=32)
    reason = models.CharField(max_length=500)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"

    @property
    def reason_display(self) -> str:
        return reason_for_reader(self.reason)[0]

    @property
    def how_to_respond(self) -> str:
        return reason_for_reader(self.reason)[1]


class NoticeShown(models.Model):
    """Proof that a program's notice was shown to someone: which words, when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices_shown"
    )
    program = models.CharField(max_length=64)
    notice_version = models.CharField(max_length=32)
    language = models.CharField(max_length=8)
    text_digest = models.CharField(max_length=64)
    shown_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "program"], name="notice_shown_user")]

    def __str__(self) -> str:
        return f"{self.program} {self.notice_version} ({self.language})"


class CaseNote(models.Model):
    """Interview notes and other officer notes: personal data, sealed under the
    person's key and opened only by `access.py`."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    author_role = models.CharField(max_length=32)
    kind = models.CharField(max_length=24, default="interview")
    text_sealed = models.BinaryField()
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} note on {self.registration_id}"


class AddressChange(models.Model):
    """A reported move. The address is sealed; the dates stay in clear because the
    10-day reporting rule and the history's order need them."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="address_changes")
    address_sealed = models.BinaryField()
    moved_on = models.DateField()
    reported_at = models.DateTimeField(auto_now_add=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["-moved_on", "-reported_at"]

    def __str__(self) -> str:
        return f"move of {self.person_id} on {self.moved_on}"


class Departure(models.Model):
    """A recorded departure: it starts the retention clock of the departed person.
    The port is sealed; the date stays in clear for the retention rules."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="departure"
    )
    departed_on = models.DateField()
    port_sealed = models.BinaryField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    recorded_by_role = models.CharField(max_length=32)
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"departure of {self.registration_id} on {self.departed_on}"
