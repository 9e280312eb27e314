"""Delivery of one message, enqueued with it (apps/outbox/services.py)."""

from django_tasks import task


@task()
def deliver_message(message_id: str) -> str:
    """Send the message unless it is sent already or being sent; returns its state.
    Safe to run twice."""
    from apps.outbox.services import deliver

    return deliver(message_id)
