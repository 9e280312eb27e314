"""What the auditor's console opens of the log, each look logged with its purpose.

The entries hold codes, not personal data, but the entries about one person say who
handled their record, when and why: looking through them is a use of the person's
record. So a search by case, or opening one entry of a person's chain, needs a purpose
the person's program lists (any of them, including the audit-only `oversight`), is
logged on the person's chain, and shows in the person's own access log ("An auditor
looked through the log of your record to check that your record was used lawfully").
Entries of the system chain name nobody and open without a purpose.

Law-enforcement holds never hide anything from auditors: they see every entry.
"""

import base64
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit import merkle, tree
from apps.audit import services as audit
from apps.audit.models import Action, AuditEntry, AuditLeaf, AuditTreeHead
from apps.programs.loader import available_programs
from apps.programs.schema import Purpose
from apps.registrations.access import StatedPurpose, allowed_purpose
from apps.registrations.case_numbers import is_well_formed
from apps.registrations.models import Person, Registration
from apps.vault import signing
from registry.errors import FormInvalid, NotFound

SEARCH_LIMIT = 1000


@dataclass(frozen=True)
class CaseLog:
    """The entries about the person of a case, newest first, with their leaf indexes
    (None while an entry waits for the tree)."""

    case_number: str
    entries: list[AuditEntry]
    leaves: dict[int, int]
    truncated: bool


@dataclass(frozen=True)
class Proof:
    """An entry's inclusion proof against a signed tree head, checked here: the leaf
    hash recomputed from the entry's bytes, the audit path to the head's root, and the
    head's signature."""

    leaf_index: int
    leaf_hash: str
    path: list[str]
    head: AuditTreeHead
    root_hash: str
    signature: str
    path_ok: bool
    signature_ok: bool

    @property
    def ok(self) -> bool:
        return self.path_ok and self.signature_ok


@dataclass(frozen=True)
class OpenedEntry:
    entry: AuditEntry
    canonical: str
    leaf_index: int | None
    proof: Proof | None


def audit_purposes() -> list[Purpose]:
    """The purposes an auditor may state: every program's, each code once."""
    seen: dict[str, Purpose] = {}
    for program in available_programs():
        for purpose in program.purposes:
            seen.setdefault(purpose.code, purpose)
    return list(seen.values())


def needs_purpose(entry: AuditEntry) -> bool:
    return entry.subject_id is not None


@transaction.atomic
def search_case(actor: User, case_number: str, purpose: StatedPurpose) -> CaseLog:
    """Every entry about the person of `case_number` (up to SEARCH_LIMIT, newest first),
    logged as SEARCH "audit_log" on their chain with the purpose. Raises NotFound for no
    such case, FormInvalid for a purpose their program does not list or a missing
    reference; nothing is logged then."""
    number = "".join(case_number.split()).upper()
    registration = (
        Registration.objects.filter(case_number=number).select_related("person").first()
        if is_well_formed(number)
        else None
    )
    if registration is None:
        raise NotFound(
            _("No case has the number %(number)s. Check each character (the last is a check).")
            % {"number": number[:40]},
            fields={"case_number": [_("No such case.")]},
        )
    allowed = allowed_purpose(registration.person, purpose, looking_at_log=True)
    rows = list(
        AuditEntry.objects.filter(subject_id=registration.person_id).order_by("-id")[
            : SEARCH_LIMIT + 1
        ]
    )
    entries = rows[:SEARCH_LIMIT]
    leaves = dict(
        AuditLeaf.objects.filter(entry_id__in=[e.pk for e in entries]).values_list(
            "entry_id", "leaf_index"
        )
    )
    audit.record(
        actor=actor,
        action=Action.SEARCH,
        subject_id=registration.person_id,
        object_type="audit_log",
        object_id=number,
        purpose=allowed.code,
        legal_basis=allowed.legal_basis,
        reference=purpose.reference.strip()[:200],
        detail={"by": "case", "found": len(entries)},
    )
    return CaseLog(number, entries, leaves, truncated=len(rows) > SEARCH_LIMIT)


@transaction.atomic
def open_entry(actor: User, entry_id: int, purpose: StatedPurpose | None) -> OpenedEntry:
    """One entry, its canonical bytes and its inclusion proof against the latest signed
    head. An entry about a person needs a purpose and is logged (READ "audit_entry" on
    their chain); FormInvalid without one. NotFound for no such entry."""
    entry = AuditEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(
            _("There is no entry %(id)s in the log.") % {"id": entry_id},
            fields={"entry_id": [_("No such entry.")]},
        )
    if entry.subject_id is not None:
        if purpose is None:
            raise FormInvalid(
                _("This entry is about a person: state why you open it."),
                fields={"purpose": [_("Choose a purpose.")]},
            )
        person = Person.objects.filter(pk=entry.subject_id).first()
        allowed = allowed_purpose(person, purpose, looking_at_log=True)
        audit.record(
            actor=actor,
            action=Action.READ,
            subject_id=entry.subject_id,
            object_type="audit_entry",
            object_id=str(entry.pk),
            purpose=allowed.code,
            legal_basis=allowed.legal_basis,
            reference=purpose.reference.strip()[:200],
        )
    leaf = AuditLeaf.objects.filter(entry_id=entry.pk).first()
    canonical = tree.entry_bytes(entry)
    return OpenedEntry(
        entry=entry,
        canonical=canonical.decode(),
        leaf_index=leaf.leaf_index if leaf else None,
        proof=_proof(entry, canonical, leaf),
    )


def _proof(entry: AuditEntry, canonical: bytes, leaf: AuditLeaf | None) -> Proof | None:
    head = tree.latest_head()
    if leaf is None or head is None or leaf.leaf_index >= head.tree_size:
        return None  # enters a signed tree at the next signing
    proof = tree.inclusion_proof(entry.pk, head.tree_size)
    if proof is None:
        return None
    root = bytes(head.root_hash)
    message = merkle.tree_head_message(head.timestamp_ms, head.tree_size, root)
    return Proof(
        leaf_index=proof.leaf_index,
        leaf_hash=proof.leaf_hash.hex(),
        path=[node.hex() for node in proof.path],
        head=head,
        root_hash=root.hex(),
        signature=base64.b64encode(bytes(head.signature)).decode(),
        # Recomputed from the entry's own bytes, not taken from the stored leaf.
        path_ok=merkle.verify_inclusion(
            merkle.leaf_hash(canonical), proof.leaf_index, head.tree_size, proof.path, root
        ),
        signature_ok=signing.verify(tree.SIGNING_PURPOSE, head.kid, message, bytes(head.signature)),
    )
