import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    READ = "read", _("Read")
    UPDATE = "update", _("Changed")
    SUBMIT = "submit", _("Submitted")
    TRANSITION = "transition", _("Case moved")
    DISCLOSE = "disclose", _("Disclosed")
    NOTICE_SHOWN = "notice_shown", _("Notice shown")
    KEY_DESTROYED = "key_destroyed", _("Erased")
    SEARCH = "search", _("Searched")
    DECIDE = "decide", _("Decided")
    REFUSE = "refuse", _("Refused")
    EXPORT = "export", _("Exported")
    EXPUNGE = "expunge", _("Expunged")
    SIGN = "sign", _("Signed")


class AuditEntry(models.Model):
    """One append-only, hash-chained entry. Holds no personal data: the subject is an
    opaque id, and `detail` carries only codes (states, field names, never values).

    Entries form one chain per subject (and a "system" chain), so writers about
    different people never wait for each other; `seq` numbers each chain from 1 so a
    removed entry leaves a visible gap, and `AuditChainHead` remembers the last hash so
    a removed tail is visible too. On PostgreSQL and SQLite a trigger refuses UPDATE and
    DELETE on this table (migration 0002).
    """

    chain = models.CharField(max_length=48)
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)  # no FK: the log outlives accounts
    actor_role = models.CharField(max_length=32)
    action = models.CharField(max_length=32, choices=Action.choices)
    subject_id = models.UUIDField(null=True, db_index=True)
    object_type = models.CharField(max_length=48, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=64, blank=True)
    legal_basis = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_entry_chain_seq"),
        ]
        indexes = [models.Index(fields=["subject_id", "at"], name="audit_subject_at")]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action}"


class AuditChainHead(models.Model):
    """The last sequence number and hash of each chain; the row is locked while an
    entry is appended, which orders writers of the same chain."""

    chain = models.CharField(max_length=48, primary_key=True)
    seq = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.chain} at {self.seq}"


def chain_for(subject_id: uuid.UUID | None) -> str:
    return f"s:{subject_id}" if subject_id else "system"
