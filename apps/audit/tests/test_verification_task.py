"""The worker runs a check requested from the console outside any transaction: the
check reads one snapshot while a second thread copies its progress to the row, and the
outcome lands on the row when it ends. Run with real commits, as the worker runs."""

import pytest
from django.db import connection, transaction

from apps.audit import services as audit
from apps.audit import tree, verifications
from apps.audit.models import Action, AuditVerification, VerificationState

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="committed transactions; the audit trigger breaks flush on SQLite",
    ),
]


def test_the_worker_runs_a_requested_check_to_its_outcome(ali: object) -> None:
    for _ in range(30):
        with transaction.atomic():
            audit.record(actor=audit.SYSTEM, action=Action.READ, subject_id=None, purpose="t")
    tree.sign_tree_head()
    requested = AuditVerification.objects.create(requested_by=ali)

    done = verifications.run(requested.id)  # what the task calls, outside a transaction

    assert done.state == VerificationState.INTACT, done.problem
    assert done.checked == done.total >= 31
    assert done.active is None  # the next "verify now" may start
    assert verifications.run(requested.id).finished_at == done.finished_at  # finished stays
