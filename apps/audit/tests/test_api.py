"""The proofs the API serves check out against the signed head, with nothing but the
RFC 9162 algorithms (apps.audit.merkle) and the public key: what an outside auditor or
Amal herself would do."""

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import transaction
from django.test import Client

from apps.accounts.models import User
from apps.audit import merkle, tree
from apps.audit import services as audit
from apps.audit.models import Action
from apps.registrations.models import Person
from conftest import client_for

pytestmark = pytest.mark.django_db


def _read_about(person: Person, times: int) -> list[int]:
    ids = []
    for _ in range(times):
        with transaction.atomic():
            entry = audit.record(
                actor=audit.SYSTEM, action=Action.READ, subject_id=person.id, purpose="case-work"
            )
            ids.append(entry.pk)
    return ids


def test_amal_proves_her_entry_is_in_the_signed_log(amal: User) -> None:
    person = Person.objects.create(account=amal, program="us-2025")
    stranger = Person.objects.create(program="us-2025")
    mine = _read_about(person, 3)
    _read_about(stranger, 4)
    tree.sign_tree_head()

    public = Client()
    head = public.get("/api/v1/audit/tree-head").json()
    keys = {k["kid"]: k for k in public.get("/api/v1/audit/keys").json()}
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(keys[head["kid"]]["public_key"]))
    root = bytes.fromhex(head["root_hash"])
    message = merkle.tree_head_message(head["timestamp_ms"], head["tree_size"], root)
    key.verify(base64.b64decode(head["signature"]), message)  # raises if forged

    proof = client_for(amal).get(f"/api/v1/audit/entries/{mine[1]}/inclusion").json()
    entry = proof["entry"].encode()
    assert json.loads(entry)[7] == str(person.id)  # her own entry, codes only
    leaf = merkle.leaf_hash(entry)
    assert leaf.hex() == proof["leaf_hash"]
    path = [bytes.fromhex(p) for p in proof["path"]]
    assert merkle.verify_inclusion(leaf, proof["leaf_index"], proof["tree_size"], path, root)
    assert proof["head"]["signature"] == head["signature"]


def test_consistency_between_two_heads_checks_out(amal: User) -> None:
    person = Person.objects.create(account=amal, program="us-2025")
    _read_about(person, 5)
    first = tree.sign_tree_head()
    _read_about(person, 6)
    second = tree.sign_tree_head()
    body = (
        Client()
        .get(f"/api/v1/audit/consistency?first={first.tree_size}&second={second.tree_size}")
        .json()
    )
    path = [bytes.fromhex(p) for p in body["path"]]
    assert merkle.verify_consistency(
        first.tree_size, second.tree_size, bytes(first.root_hash), bytes(second.root_hash), path
    )
    same = Client().get(f"/api/v1/audit/tree-heads/{first.tree_size}").json()
    assert same["root_hash"] == bytes(first.root_hash).hex()


def test_bad_requests_say_what_to_fix(amal: User, ali: User) -> None:
    public = Client()
    assert public.get("/api/v1/audit/tree-head").status_code == 404  # nothing signed yet
    person = Person.objects.create(account=amal, program="us-2025")
    (entry,) = _read_about(person, 1)
    head = tree.sign_tree_head()
    too_far = public.get(f"/api/v1/audit/consistency?first=1&second={head.tree_size + 5}")
    assert too_far.status_code == 422
    assert too_far.json()["code"] == "invalid_tree_size"
    assert public.get("/api/v1/audit/consistency?first=2&second=1").status_code == 422
    assert public.get("/api/v1/audit/consistency?first=-1&second=1").status_code == 422
    assert public.get("/api/v1/audit/tree-heads/999").status_code == 404
    auditor = client_for(ali)
    assert auditor.get("/api/v1/audit/entries/99999/inclusion").status_code == 404
    (later,) = _read_about(person, 1)  # not sequenced yet
    waiting = auditor.get(f"/api/v1/audit/entries/{later}/inclusion")
    assert waiting.status_code == 404
    assert waiting.json()["code"] == "not_in_tree"
    ok = auditor.get(f"/api/v1/audit/entries/{entry}/inclusion?tree_size={head.tree_size}")
    assert ok.status_code == 200
    bigger = auditor.get(f"/api/v1/audit/entries/{entry}/inclusion?tree_size=999")
    assert bigger.status_code == 422


def test_a_registrant_cannot_probe_other_peoples_entries(amal: User) -> None:
    stranger = Person.objects.create(program="us-2025")
    (theirs,) = _read_about(stranger, 1)
    tree.sign_tree_head()
    client = client_for(amal)
    assert client.get(f"/api/v1/audit/entries/{theirs}/inclusion").status_code == 404
    assert client.get("/api/v1/audit/entries/99999/inclusion").status_code == 404


def test_an_entry_under_a_hold_is_not_proven_to_its_subject(amal: User, ali: User) -> None:
    """Sam, a supervisor, holds back one read of Amal's record; it stays in the tree."""
    import datetime as dt

    from django.utils import timezone

    from apps.accounts.permissions import Role
    from apps.rights.services import place_hold
    from conftest import make_user

    person = Person.objects.create(account=amal, program="us-2025")
    held, shown = _read_about(person, 2)
    sam = make_user(Role.SUPERVISOR)
    place_hold(
        sam,
        person,
        reason="ongoing investigation under a court order",
        ends_on=timezone.localdate() + dt.timedelta(days=30),
        entry_ids=[held],
    )
    tree.sign_tree_head()
    client = client_for(amal)
    assert client.get(f"/api/v1/audit/entries/{held}/inclusion").status_code == 404
    assert client.get(f"/api/v1/audit/entries/{shown}/inclusion").status_code == 200
    assert client_for(ali).get(f"/api/v1/audit/entries/{held}/inclusion").status_code == 200


def test_amal_finds_the_entry_id_in_her_access_log_and_proves_it(amal: User) -> None:
    person = Person.objects.create(account=amal, program="us-2025")
    _read_about(person, 2)
    tree.sign_tree_head()
    amal_client = client_for(amal)
    log = amal_client.get("/api/v1/me/access-log").json()
    assert log
    entry_id = log[0]["id"]
    proof = amal_client.get(f"/api/v1/audit/entries/{entry_id}/inclusion")
    assert proof.status_code == 200, proof.content
    assert json.loads(proof.json()["entry"])[7] == str(person.id)
