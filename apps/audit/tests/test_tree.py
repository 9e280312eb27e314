"""The tree over the log: sequencing, signed heads, proofs, and `audit verify` naming
the first entry changed, removed or inserted, or a forged head."""

import base64
import io
import json
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from apps.audit import merkle, tree
from apps.audit import services as audit
from apps.audit.hashing import GENESIS_HASH, entry_hash
from apps.audit.models import (
    Action,
    AuditChainHead,
    AuditEntry,
    AuditLeaf,
    AuditPending,
    AuditTreeHead,
)
from apps.audit.offline import main as offline_main
from apps.vault import signing

pytestmark = pytest.mark.django_db
TABLES = ["audit_auditentry", "audit_auditleaf", "audit_audittreehead", "audit_auditnode"]


def _write(subject: uuid.UUID | None, n: int = 1) -> list[AuditEntry]:
    out = []
    for _ in range(n):
        with transaction.atomic():
            out.append(
                audit.record(
                    actor=audit.SYSTEM, action=Action.READ, subject_id=subject, purpose="p"
                )
            )
    return out


def _drop_guards() -> None:
    """An attacker with DDL rights; the test transaction restores everything."""
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            else:
                for op in ("update", "delete"):
                    name = "audit_entry" if table == "audit_auditentry" else table
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}_no_{op}")


def _story() -> tuple[uuid.UUID, list[AuditEntry]]:
    """Amal's record is read five times, Bilal's twice; two heads are signed."""
    amal, bilal = uuid.uuid4(), uuid.uuid4()
    entries = _write(amal, 3) + _write(bilal, 2)
    tree.sign_tree_head()
    entries += _write(amal, 2)
    tree.sign_tree_head()
    return amal, entries


def test_heads_cover_every_entry_and_proofs_check_out() -> None:
    _amal, entries = _story()
    head = tree.latest_head()
    assert head is not None
    assert head.tree_size == 8  # seven reads and the entry of the first head
    assert (
        not AuditPending.objects.exclude(entry_id__in=[])
        .filter(entry_id__in=[e.pk for e in entries])
        .exists()
    )
    leaves = [
        bytes(h)
        for h in AuditLeaf.objects.order_by("leaf_index").values_list("leaf_hash", flat=True)
    ]
    assert merkle.root_of(leaves) == bytes(head.root_hash)
    for entry in entries:
        proof = tree.inclusion_proof(entry.pk, head.tree_size)
        assert proof is not None
        assert proof.leaf_hash == merkle.leaf_hash(tree.entry_bytes(entry))
        assert merkle.verify_inclusion(
            proof.leaf_hash, proof.leaf_index, head.tree_size, proof.path, bytes(head.root_hash)
        )
    first = AuditTreeHead.objects.order_by("tree_size").first()
    assert first is not None
    path = tree.consistency_proof(first.tree_size, head.tree_size)
    assert merkle.verify_consistency(
        first.tree_size, head.tree_size, bytes(first.root_hash), bytes(head.root_hash), path
    )
    report = audit.verify()
    assert report.ok, report.problem
    assert report.heads_checked == 2
    assert report.root_hash == bytes(head.root_hash).hex()


def test_signing_again_without_news_signs_nothing() -> None:
    _write(None, 2)
    first = tree.sign_tree_head()
    assert tree.sign_tree_head().pk == first.pk  # only the head's own entry is new
    assert AuditTreeHead.objects.count() == 1
    forced = tree.sign_tree_head(force=True)
    assert forced.tree_size == first.tree_size + 1
    assert AuditEntry.objects.filter(action=Action.SIGN, object_type="tree_head").count() == 2


def test_the_tree_tables_are_append_only() -> None:
    _story()
    for model in (AuditLeaf, AuditTreeHead):
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            model.objects.all().delete()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditLeaf.objects.update(entry_id=1)


def test_a_changed_entry_is_named() -> None:
    _amal, entries = _story()
    _drop_guards()
    target = entries[1]
    AuditEntry.objects.filter(pk=target.pk).update(purpose="nothing-to-see")
    report = audit.verify()
    assert not report.ok
    assert report.entry_id == target.pk
    assert "changed" in report.problem


def test_a_changed_entry_with_a_recomputed_hash_is_named_by_its_leaf() -> None:
    _amal, entries = _story()
    _drop_guards()
    target = AuditEntry.objects.get(pk=entries[4].pk)  # Bilal's last entry
    target.purpose = "rewritten"
    fields = {f: getattr(target, f) for f in ("chain", "seq", "at", "actor_id", "actor_role",
              "action", "subject_id", "object_type", "object_id", "purpose", "legal_basis",
              "reference", "detail", "prev_hash")}  # fmt: skip
    AuditEntry.objects.filter(pk=target.pk).update(purpose="rewritten", hash=entry_hash(**fields))
    report = audit.verify()
    assert not report.ok
    assert report.entry_id == target.pk
    assert "leaf" in report.problem


def test_a_removed_entry_is_named() -> None:
    _amal, entries = _story()
    _drop_guards()
    target = entries[2]
    AuditEntry.objects.filter(pk=target.pk).delete()
    report = audit.verify()
    assert not report.ok
    assert "was removed" in report.problem
    assert f"#{target.seq} was removed" in report.problem or report.entry_id == target.pk


def test_a_removed_last_entry_with_its_leaf_is_caught_by_the_signed_head() -> None:
    _amal, _entries = _story()
    _drop_guards()
    last_leaf = AuditLeaf.objects.order_by("-leaf_index").first()
    assert last_leaf is not None
    AuditEntry.objects.filter(pk=last_leaf.entry_id).delete()
    AuditLeaf.objects.filter(pk=last_leaf.pk).delete()
    report = audit.verify()
    assert not report.ok
    assert "removed" in report.problem


def test_an_inserted_entry_is_named() -> None:
    """A forged entry slipped into Amal's chain after the fact."""
    amal, _entries = _story()
    _drop_guards()
    chain = f"s:{amal}"
    second = AuditEntry.objects.get(chain=chain, seq=2)
    # shift the rest of the chain up by one and put the forgery at #2
    for later in AuditEntry.objects.filter(chain=chain, seq__gte=2).order_by("-seq"):
        AuditEntry.objects.filter(pk=later.pk).update(seq=later.seq + 1)
    forged = {
        "chain": chain, "seq": 2, "at": second.at, "actor_id": None, "actor_role": "system",
        "action": "read", "subject_id": amal, "object_type": "", "object_id": "",
        "purpose": "p", "legal_basis": "", "reference": "", "detail": {},
        "prev_hash": second.prev_hash,
    }  # fmt: skip
    inserted = AuditEntry.objects.create(hash=entry_hash(**forged), **forged)
    report = audit.verify()
    assert not report.ok
    assert report.entry_id in {inserted.pk, second.pk}, report.problem
    assert "inserted" in report.problem or "changed" in report.problem


def test_an_inserted_leaf_is_caught_by_the_signed_head() -> None:
    """The attacker rewrites the leaf table consistently: only the heads can tell."""
    _story()
    _drop_guards()
    size = tree.sequenced_size()
    with transaction.atomic():
        forged = {
            "chain": "s:forged", "seq": 1, "at": AuditEntry.objects.first().at,  # type: ignore[union-attr]
            "actor_id": None, "actor_role": "system", "action": "read", "subject_id": None,
            "object_type": "", "object_id": "", "purpose": "", "legal_basis": "",
            "reference": "", "detail": {}, "prev_hash": GENESIS_HASH,
        }  # fmt: skip
        entry = AuditEntry.objects.create(hash=entry_hash(**forged), **forged)
        AuditPending.objects.filter(entry_id=entry.pk).delete()
        AuditChainHead.objects.create(chain="s:forged", seq=1, head_hash=entry.hash)
        for leaf in AuditLeaf.objects.filter(leaf_index__gte=2).order_by("-leaf_index"):
            AuditLeaf.objects.filter(pk=leaf.pk).update(leaf_index=leaf.leaf_index + 1)
        AuditLeaf.objects.create(
            leaf_index=2, entry_id=entry.pk, leaf_hash=merkle.leaf_hash(tree.entry_bytes(entry))
        )
    assert tree.sequenced_size() == size + 1
    report = audit.verify()
    assert not report.ok
    assert "does not match the log" in report.problem
    assert "between 0 and" in report.problem


def test_a_forged_head_is_named() -> None:
    _story()
    head = tree.latest_head()
    assert head is not None
    AuditTreeHead.objects.create(
        tree_size=head.tree_size,
        root_hash=b"\x11" * 32,
        timestamp_ms=head.timestamp_ms + 1,
        kid=head.kid,
        signature=bytes(head.signature),
    )
    report = audit.verify()
    assert not report.ok
    assert "forged" in report.problem


def test_export_verifies_offline_and_a_tampered_export_does_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _story()
    path = tmp_path / "audit.export"
    call_command("audit", "export", str(path), stdout=io.StringIO())
    assert offline_main([str(path)]) == 0
    assert "OK: 8 entries" in capsys.readouterr().out

    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b'"p"', b'"q"')  # leaf 2: a purpose rewritten
    tampered = tmp_path / "tampered.export"
    tampered.write_bytes(b"\n".join(lines))
    assert offline_main([str(tampered)]) == 1
    assert "BROKEN" in capsys.readouterr().err

    (tmp_path / "junk").write_text("not an export\n")
    assert offline_main([str(tmp_path / "junk")]) == 2


def test_the_sign_head_command_and_verify_command() -> None:
    _write(uuid.uuid4(), 2)
    out = io.StringIO()
    call_command("audit", "sign-head", stdout=out)
    assert "size 2" in out.getvalue()
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "OK: 3 entries" in out.getvalue()
    assert "1 signed heads" in out.getvalue()


def test_the_sequencer_will_not_seal_in_a_changed_entry() -> None:
    (entry,) = _write(uuid.uuid4(), 1)
    _drop_guards()
    AuditEntry.objects.filter(pk=entry.pk).update(purpose="rewritten-before-sequencing")
    with pytest.raises(tree.TreeError, match=f"entry {entry.pk}"):
        tree.sign_tree_head()


def test_an_export_must_agree_with_a_head_the_auditor_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ali kept the head served yesterday; today's export must contain that history."""
    _story()
    head = tree.latest_head()
    assert head is not None
    kept = tmp_path / "kept-head.json"
    kept.write_text(
        json.dumps(
            {
                "tree_size": head.tree_size,
                "root_hash": bytes(head.root_hash).hex(),
                "timestamp_ms": head.timestamp_ms,
                "kid": head.kid,
                "signature": base64.b64encode(bytes(head.signature)).decode(),
            }
        )
    )
    keys = tmp_path / "keys.json"
    keys.write_text(
        json.dumps(
            [
                {"kid": k.kid, "public_key": base64.b64encode(bytes(k.public_key)).decode()}
                for k in signing.public_keys(tree.SIGNING_PURPOSE)
            ]
        )
    )
    path = tmp_path / "audit.export"
    call_command("audit", "export", str(path), stdout=io.StringIO())
    assert offline_main([str(path), "--keys", str(keys), "--known-head", str(kept)]) == 0
    capsys.readouterr()

    # an export from a log that was rewritten and re-signed with another key
    other_keys = tmp_path / "other-keys.json"
    signing.rotate(tree.SIGNING_PURPOSE)
    other_keys.write_text(
        json.dumps(
            [
                {"kid": k.kid, "public_key": base64.b64encode(bytes(k.public_key)).decode()}
                for k in signing.public_keys(tree.SIGNING_PURPOSE)[:1]
            ]
        )
    )
    assert offline_main([str(path), "--keys", str(other_keys)]) == 1
    assert "forged" in capsys.readouterr().err


def test_an_entry_removed_before_it_was_sequenced_is_named() -> None:
    _story()
    (late,) = _write(uuid.uuid4(), 1)
    _drop_guards()
    AuditEntry.objects.filter(pk=late.pk).delete()
    AuditChainHead.objects.filter(chain=late.chain).delete()  # the thorough attacker
    report = audit.verify()
    assert not report.ok
    assert f"entry {late.pk} was removed before it entered the tree" in report.problem
