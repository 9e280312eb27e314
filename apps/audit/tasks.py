"""Scheduled work of the audit log: sign a tree head (the worker runs it on a
schedule; see docs/operations.md and `manage.py audit sign-head`)."""

from django_tasks import task

from apps.audit import tree


@task()
def sign_tree_head() -> int:
    """Sequence the waiting entries and sign a head if the tree grew; returns its size."""
    return tree.sign_tree_head().tree_size
