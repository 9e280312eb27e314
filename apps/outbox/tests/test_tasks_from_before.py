"""Tasks enqueued by the code before the outbox (still in a deployment's queue when it
upgrades) put their message in the outbox, once however often they run."""

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.notifications import ACTIVATION
from apps.accounts.permissions import Role
from apps.accounts.tasks import send_verification_email
from apps.outbox.models import Message
from apps.rights.notifications import ESCALATION
from apps.rights.tasks import notify_escalation
from conftest import make_user

pytestmark = pytest.mark.django_db


def test_an_old_verification_task_queues_the_activation_once() -> None:
    dana = User.objects.create_user(
        username="dana@example.org", email="dana@example.org", password="x", is_active=False
    )
    send_verification_email.call(dana.pk)
    send_verification_email.call(dana.pk)  # its worker died after the first commit
    assert Message.objects.filter(kind=ACTIVATION, user=dana).count() == 1


def test_an_old_escalation_task_queues_one_message_per_officer_once() -> None:
    make_user(Role.PRIVACY_OFFICER)
    make_user(Role.PRIVACY_OFFICER, "pat")
    due = timezone.localdate().isoformat()
    assert notify_escalation.call("complaint", "17", due) == 2
    assert notify_escalation.call("complaint", "17", due) == 0
    assert Message.objects.filter(kind=ESCALATION).count() == 2
