"""Tasks enqueued before the outbox (issue 20) still run: each puts its message in the
outbox. Remove once no deployment has such a task left in its queue."""

from django.db import transaction
from django_tasks import task

from apps.accounts.models import User


@task()
def send_verification_email(user_id: int) -> None:
    """Queue the activation message of a sign-up enqueued by the old code."""
    from apps.accounts.notifications import ACTIVATION
    from apps.accounts.services import queue_activation
    from apps.outbox.services import already_queued

    with transaction.atomic():
        user = User.objects.filter(pk=user_id, email_verified_at__isnull=True).first()
        if user is not None and not already_queued(ACTIVATION, user_id=user_id):
            queue_activation(user)
