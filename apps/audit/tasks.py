"""Background work of the audit log: sign a tree head (the worker runs it on a
schedule; see docs/operations.md and `manage.py audit sign-head`), and the checks of
the whole log asked for from the auditor's console."""

import uuid

from django_tasks import task

from apps.audit import tree


@task()
def sign_tree_head() -> int:
    """Sequence the waiting entries and sign a head if the tree grew; returns its size."""
    return tree.sign_tree_head().tree_size


@task()
def run_verification(verification_id: str) -> str:
    """A check of the whole log asked for from the auditor's console; returns its
    outcome (intact, broken or failed). See apps.audit.verifications."""
    from apps.audit import verifications

    return str(verifications.run(uuid.UUID(verification_id)).state)
