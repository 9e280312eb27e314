import uuid

from django.db import models
from django.db.models import Q
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
    subject_id = models.UUIDField(null=True)  # indexed by audit_subject_at
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
    entry is appended, which orders writers of the same chain. Not append-only (it
    moves with every entry); `audit verify` checks it against the chain."""

    chain = models.CharField(max_length=48, primary_key=True)
    seq = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    # The hash before head_hash: PostgreSQL's one-statement append returns it as the new
    # entry's prev_hash (UPDATE ... RETURNING sees only the new row).
    prev_hash = models.CharField(max_length=64, default="", blank=True)

    def __str__(self) -> str:
        return f"{self.chain} at {self.seq}"


class AuditPending(models.Model):
    """Entries committed but not yet in the Merkle tree. A database trigger adds a row
    for every new entry (migration 0005), so no writer can forget it; the sequencer
    (`apps.audit.tree.sequence`) takes the rows it can see and removes them."""

    entry_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"pending {self.entry_id}"


class AuditLeaf(models.Model):
    """Leaf `leaf_index` of the RFC 9162 tree: the entry it holds and its leaf hash,
    SHA-256(0x00 || the entry's canonical bytes). Append-only by trigger."""

    leaf_index = models.BigIntegerField(primary_key=True)
    entry_id = models.BigIntegerField(unique=True)  # no FK: `audit verify` reports a gap
    leaf_hash = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"leaf {self.leaf_index} = entry {self.entry_id}"


class AuditNode(models.Model):
    """The hash of a perfect subtree of 2**level leaves starting at leaf
    index * 2**level, kept for levels >= tree.NODE_LEVEL so a proof reads a few dozen
    rows instead of the whole log. A cache: `audit verify` recomputes the tree without
    it, and a wrong node only makes a proof that fails against the signed head."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="audit_node_level_index"),
        ]

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class AuditTreeHead(models.Model):
    """A signed tree head: the root of the first `tree_size` leaves, signed (Ed25519,
    vault signing purpose "audit-head") over the RFC 9162 TreeHeadDataV2 encoding of
    (timestamp in ms, tree size, root hash, no extensions). Append-only by trigger."""

    tree_size = models.BigIntegerField()
    root_hash = models.BinaryField(max_length=32)
    timestamp_ms = models.BigIntegerField()
    kid = models.CharField(max_length=32)
    signature = models.BinaryField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["tree_size"], name="audit_head_size")]

    def __str__(self) -> str:
        return f"tree head {self.tree_size}"


def chain_for(subject_id: uuid.UUID | None) -> str:
    return f"s:{subject_id}" if subject_id else "system"


class VerificationState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Checking")
    INTACT = "intact", _("Intact")
    BROKEN = "broken", _("Broken")
    FAILED = "failed", _("Could not finish")


class AuditVerification(models.Model):
    """One "verify now" from the auditor's console: who asked, how far the check has
    got, and what it found. Not part of the log (it reports on the log); asking and the
    outcome are each written to the log's system chain."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    requested_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(
        max_length=16, choices=VerificationState.choices, default=VerificationState.QUEUED
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Entries to check (those in the tree and those queued for it when the check began)
    # and how many were checked so far.
    total = models.BigIntegerField(default=0)
    checked = models.BigIntegerField(default=0)
    chains_checked = models.BigIntegerField(default=0)
    tree_size = models.BigIntegerField(default=0)
    heads_checked = models.IntegerField(default=0)
    root_hash = models.CharField(max_length=64, blank=True)
    problem = models.TextField(blank=True)
    problem_entry_id = models.BigIntegerField(null=True, blank=True)
    problem_leaf_index = models.BigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    # True while waiting or running, NULL after: one check at a time (the constraint).
    active = models.BooleanField(null=True, default=True)

    class Meta:
        indexes = [models.Index(fields=["-requested_at"], name="audit_verification_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="audit_one_verification"
            ),
        ]

    def __str__(self) -> str:
        return f"verification {self.id} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (
            VerificationState.INTACT,
            VerificationState.BROKEN,
            VerificationState.FAILED,
        )

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return min(99, 100 * self.checked // self.total) if self.total else 0
