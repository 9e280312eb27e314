"""Audit log endpoints: signed tree heads and proofs, hashes only.

The latest signed head, any head by size, the signing keys and consistency proofs are
public: they reveal nothing but hashes and counts. An inclusion proof names one entry,
so it goes to holders of audit:log:read, and to the entry's subject for their own
entries (audit:own:read), never for an entry under a law-enforcement hold."""

import base64
import uuid

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from apps.accounts.models import User
from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.audit import tree
from apps.audit.hashing import iso_utc
from apps.audit.models import AuditEntry, AuditTreeHead
from registry.errors import DomainError
from registry.public import public

router = Router(tags=["audit"])


class NotInTree(DomainError):
    status = 404
    code = "not_in_tree"


class BadTreeSize(DomainError):
    status = 422
    code = "invalid_tree_size"


class TreeHeadOut(Schema):
    id: int
    tree_size: int
    root_hash: str = Field(description="hex SHA-256 Merkle tree hash (RFC 9162)")
    timestamp_ms: int
    kid: str
    signature: str = Field(description="base64 Ed25519 over RFC 9162 TreeHeadDataV2")


class KeyOut(Schema):
    kid: str
    algorithm: str
    public_key: str
    retired_at: str | None


class ConsistencyQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    first: int = Field(ge=0)
    second: int = Field(ge=0)


class ConsistencyOut(Schema):
    first: int
    second: int
    path: list[str]


class InclusionQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    tree_size: int | None = Field(default=None, ge=1)


class InclusionOut(Schema):
    entry_id: int
    leaf_index: int
    tree_size: int
    leaf_hash: str
    entry: str = Field(description="the entry's canonical bytes (UTF-8 JSON)")
    path: list[str]
    head: TreeHeadOut | None


def _head_out(head: AuditTreeHead) -> TreeHeadOut:
    return TreeHeadOut(
        id=head.pk,
        tree_size=head.tree_size,
        root_hash=bytes(head.root_hash).hex(),
        timestamp_ms=head.timestamp_ms,
        kid=head.kid,
        signature=base64.b64encode(bytes(head.signature)).decode(),
    )


def _latest() -> AuditTreeHead:
    head = tree.latest_head()
    if head is None:
        raise NotInTree(_("No tree head has been signed yet; try again after the next signing."))
    return head


@public
@router.get("/audit/tree-head", response=TreeHeadOut, auth=None)
def latest_tree_head(request: HttpRequest) -> TreeHeadOut:
    """Public. The latest signed tree head."""
    return _head_out(_latest())


@public
@router.get("/audit/tree-heads/{tree_size}", response=TreeHeadOut, auth=None)
def tree_head_at(request: HttpRequest, tree_size: int) -> TreeHeadOut:
    """Public. The signed head of a given tree size."""
    head = AuditTreeHead.objects.filter(tree_size=tree_size).order_by("timestamp_ms").first()
    if head is None:
        raise NotInTree(_("No head was signed at that tree size; ask for /audit/tree-head."))
    return _head_out(head)


@public
@router.get("/audit/keys", response=list[KeyOut], auth=None)
def tree_head_keys(request: HttpRequest) -> list[KeyOut]:
    """Public. The Ed25519 keys that sign tree heads, active first."""
    from apps.vault import signing

    return [
        KeyOut(
            kid=key.kid,
            algorithm="Ed25519",
            public_key=base64.b64encode(bytes(key.public_key)).decode(),
            retired_at=iso_utc(key.retired_at) if key.retired_at else None,
        )
        for key in signing.public_keys(tree.SIGNING_PURPOSE)
    ]


@public
@router.get("/audit/consistency", response=ConsistencyOut, auth=None)
def consistency(request: HttpRequest, query: Query[ConsistencyQuery]) -> ConsistencyOut:
    """Public. RFC 9162 consistency proof between two tree sizes up to the latest head."""
    latest = _latest()
    if not query.first <= query.second <= latest.tree_size:
        raise BadTreeSize(
            _("Ask for 0 <= first <= second <= %(size)s (the latest signed tree size).")
            % {"size": latest.tree_size}
        )
    path = tree.consistency_proof(query.first, query.second)
    return ConsistencyOut(first=query.first, second=query.second, path=[p.hex() for p in path])


class _OwnEntry:
    """An entry as something its subject (or the guardian who filed for them) owns, as
    long as no law-enforcement hold hides it from them."""

    def __init__(self, entry: AuditEntry) -> None:
        self.entry = entry

    def is_owned_by(self, user: User) -> bool:
        from apps.registrations.access import persons_of

        subject = self.entry.subject_id
        if subject is None or not persons_of(user).filter(pk=subject).exists():
            return False
        return self.entry.pk not in _hidden_entry_ids(subject)


def _hidden_entry_ids(person_id: uuid.UUID) -> set[int]:
    from apps.rights.services import hidden_entry_ids

    return hidden_entry_ids(person_id)


@router.post("/audit/tree-heads", response=TreeHeadOut)
def sign_tree_head(request: HttpRequest) -> TreeHeadOut:
    """audit:log:verify. Sequence waiting entries and sign a head now (idempotent)."""
    authorize(request.user, Permission.AUDIT_LOG_VERIFY)
    return _head_out(tree.sign_tree_head())


@router.get("/audit/entries/{entry_id}/inclusion", response=InclusionOut)
def inclusion(request: HttpRequest, entry_id: int, query: Query[InclusionQuery]) -> InclusionOut:
    """audit:log:read, or audit:own:read for one's own entries. The entry's canonical
    bytes, its leaf and its audit path to a signed head (the latest by default)."""
    user = request.user
    entry = AuditEntry.objects.filter(pk=entry_id).first()
    if isinstance(user, User) and user.has_registry_permission(Permission.AUDIT_LOG_READ):
        authorize(user, Permission.AUDIT_LOG_READ)
    else:
        missing = AuditEntry(pk=entry_id)  # answers 404, like someone else's entry
        authorize(user, Permission.ACCESS_LOG_READ_OWN, _OwnEntry(entry or missing))
    if entry is None:
        raise NotInTree(_("No such audit entry."))
    head = _latest()
    size = query.tree_size or head.tree_size
    if size > head.tree_size:
        raise BadTreeSize(_("The tree size is larger than the latest signed head's."))
    proof = tree.inclusion_proof(entry.pk, size)
    if proof is None:
        raise NotInTree(_("The entry is not in that tree yet; it enters at the next signing."))
    signed = AuditTreeHead.objects.filter(tree_size=size).order_by("timestamp_ms").first()
    return InclusionOut(
        entry_id=entry.pk,
        leaf_index=proof.leaf_index,
        tree_size=size,
        leaf_hash=proof.leaf_hash.hex(),
        entry=tree.entry_bytes(entry).decode(),
        path=[p.hex() for p in proof.path],
        head=_head_out(signed) if signed else None,
    )
