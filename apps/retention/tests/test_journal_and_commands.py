"""The journal outside the database and the commands around it: a restored database
(simulated here by giving Amal's key back, as a restore would) is brought back into line
by `retention replay-journal`; a receipt is checked by `retention verify-receipt`; the
daily `retention run` lists, runs and approves."""

import io
import json
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.accounts.models import User
from apps.audit import services as audit
from apps.audit.models import Action, AuditEntry
from apps.registrations.models import CaseState, Registration
from apps.retention import journal, receipts, services
from apps.retention.models import Expungement, RetentionRun, RunState
from apps.retention.tests.conftest import age, file_for
from apps.vault.models import SigningKey, SubjectKey

pytestmark = pytest.mark.django_db


def as_restored(person_id: object, wrapped: bytes) -> None:
    """What restoring a backup from before the expungement does to these rows."""
    SubjectKey.objects.filter(subject_id=person_id).update(wrapped_key=wrapped, destroyed_at=None)
    Expungement.objects.filter(person_id=person_id).delete()


def test_replay_destroys_a_key_that_a_restore_brought_back(priya: User) -> None:
    case = file_for()
    wrapped = bytes(SubjectKey.objects.get(subject_id=case.person_id).wrapped_key)
    receipt = services.expunge_person(priya, case.person_id, ground="court-order")
    as_restored(case.person_id, wrapped)

    report = services.replay_journal()

    assert (report.applied, report.already, report.ok) == (1, 0, True)
    assert SubjectKey.objects.get(subject_id=case.person_id).wrapped_key is None
    row = Expungement.objects.get(person_id=case.person_id)
    assert row.receipt_id == receipt.receipt_id  # the journal's receipt, not a new one
    replayed = AuditEntry.objects.filter(action=Action.EXPUNGE, subject_id=case.person_id)
    assert [e.detail.get("replayed") for e in replayed.order_by("seq")] == [None, True]
    assert audit.verify().ok
    assert services.replay_journal().already == 1  # idempotent


def test_replay_skips_people_the_restored_database_never_had(
    priya: User, journal_file: Path
) -> None:
    services.expunge_person(priya, file_for().person_id, ground="court-order")
    first = receipts.parse(journal_file.read_text())
    stranger = receipts.sign_receipt(uuid.uuid4(), "court-order", first.at)
    journal.append(stranger)
    report = services.replay_journal()
    assert (report.absent, report.already, report.ok) == (1, 1, True)


def test_a_tampered_or_torn_journal_line_is_not_applied(priya: User, journal_file: Path) -> None:
    case = file_for()
    wrapped = bytes(SubjectKey.objects.get(subject_id=case.person_id).wrapped_key)
    services.expunge_person(priya, case.person_id, ground="court-order")
    as_restored(case.person_id, wrapped)
    line = json.loads(journal_file.read_text())
    other = file_for()
    forged = {**line, "person_id": str(other.person_id)}
    journal_file.write_text(json.dumps(forged) + "\n" + '{"version": 1, "receipt_i')

    report = services.replay_journal()

    assert (report.unverified, report.malformed, report.applied) == ([1], [2], 0)
    assert SubjectKey.objects.get(subject_id=other.person_id).wrapped_key is not None
    with pytest.raises(SystemExit) as stopped:
        call_command("retention", "replay-journal", stdout=io.StringIO(), stderr=io.StringIO())
    assert stopped.value.code == 2


def test_a_key_made_after_the_backup_needs_the_operator(priya: User) -> None:
    case = file_for()
    wrapped = bytes(SubjectKey.objects.get(subject_id=case.person_id).wrapped_key)
    services.expunge_person(priya, case.person_id, ground="court-order")
    as_restored(case.person_id, wrapped)
    SigningKey.objects.filter(purpose="receipt").delete()  # the backup predates the key

    assert services.replay_journal().unverified == [1]
    report = services.replay_journal(accept_unknown_keys=True)
    assert (report.applied, report.ok) == (1, True)
    assert SubjectKey.objects.get(subject_id=case.person_id).wrapped_key is None


def test_verify_receipt_command(priya: User, tmp_path: Path) -> None:
    receipt = services.expunge_person(priya, file_for().person_id, ground="naturalisation")
    good = tmp_path / "receipt.json"
    good.write_text(receipt.to_json())
    out = io.StringIO()
    call_command("retention", "verify-receipt", str(good), stdout=out)
    assert f"OK: receipt {receipt.receipt_id}" in out.getvalue()

    bad = tmp_path / "forged.json"
    bad.write_text(json.dumps({**receipt.as_dict(), "ground": "court-order"}))
    with pytest.raises(SystemExit) as refused:
        call_command("retention", "verify-receipt", str(bad), stderr=io.StringIO())
    assert refused.value.code == 1
    (tmp_path / "junk.json").write_text("[1, 2]")
    with pytest.raises(CommandError, match="Not a receipt"):
        call_command("retention", "verify-receipt", str(tmp_path / "junk.json"))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("retention", "verify-receipt", str(tmp_path / "absent.json"))


def test_run_command_lists_runs_and_approves(priya: User, ali: User) -> None:
    rami = file_for()
    Registration.objects.filter(pk=rami.pk).update(state=CaseState.REJECTED)
    age(rami, years=4)

    out = io.StringIO()
    call_command("retention", "run", "--dry-run", "--program", "us-2025", stdout=out)
    assert f"{rami.person_id} retention-rejected {rami.case_number}" in out.getvalue()
    assert not Expungement.objects.exists()

    call_command("retention", "run", "--program", "us-2025", stdout=out, stderr=io.StringIO())
    assert "expunged 1" in out.getvalue()
    assert Expungement.objects.filter(person_id=rami.person_id).exists()

    waiting = RetentionRun.objects.create(
        program="us-2025", as_of="2026-01-01", state=RunState.AWAITING_APPROVAL,
        requested_by_role="system",
    )  # fmt: skip
    with pytest.raises(CommandError, match="may not approve"):
        call_command("retention", "run", "--approve", str(waiting.id), "--approver", ali.email)
    with pytest.raises(CommandError, match="needs --approver"):
        call_command("retention", "run", "--approve", str(waiting.id))
    with pytest.raises(CommandError, match="--date must be"):
        call_command("retention", "run", "--date", "yesterday")
    call_command(
        "retention", "run", "--approve", str(waiting.id), "--approver", priya.email,
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    waiting.refresh_from_db()
    assert (waiting.state, waiting.approved_by) == (RunState.DONE, priya)


def test_expunging_again_after_a_restore_finishes_the_job(priya: User) -> None:
    case = file_for()
    wrapped = bytes(SubjectKey.objects.get(subject_id=case.person_id).wrapped_key)
    first = services.expunge_person(priya, case.person_id, ground="court-order")
    SubjectKey.objects.filter(subject_id=case.person_id).update(
        wrapped_key=wrapped, destroyed_at=None
    )  # the key came back with a backup; the receipt row too

    again = services.expunge_person(priya, case.person_id, ground="court-order")

    assert again == first
    assert SubjectKey.objects.get(subject_id=case.person_id).wrapped_key is None
    assert Expungement.objects.get(person_id=case.person_id).receipt_id == first.receipt_id
