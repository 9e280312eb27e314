"""Queueing messages with the action that causes them, and delivering them once.

`queue()` must run inside the caller's transaction: the message commits with the
account, the booking or the escalation it is about, or not at all. Its delivery task
is enqueued in the same transaction (registry/tasks.py), and the `outbox-delivery`
job sweeps every minute for any message still due, so a lost task delays a message by
a minute at most.

Delivery claims a message with one conditional UPDATE (QUEUED and due, or SENDING with
an expired claim), so two workers never send the same message at once, and a message
marked SENT is never sent again. A worker that dies after the provider accepted a
message but before the SENT mark committed leaves a claim that expires: the message is
sent again, under the same message id (see apps/outbox/channels.py). That window is the
only way a message goes out twice."""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.outbox import kinds
from apps.outbox.channels import DeliveryFailed, channel
from apps.outbox.models import Message, MessageState
from registry.tasks import enqueue_in_transaction

logger = logging.getLogger("registry.outbox")

CLAIM = dt.timedelta(minutes=5)  # longer than any send takes (EMAIL_TIMEOUT)
FIRST_RETRY_SECONDS = 30
LONGEST_PAUSE_SECONDS = 3600
FINISHED = (MessageState.SENT, MessageState.FAILED, MessageState.CANCELLED)


def queue(
    kind: str,
    *,
    recipient: str,
    language: str,
    params: dict[str, Any] | None = None,
    channel_name: str = "email",
    user: User | None = None,
) -> Message:
    """Add a message to the outbox as part of the current transaction.

    Raises RuntimeError outside a transaction (the message must commit with what
    causes it), KeyError for an undeclared kind or an unconfigured channel."""
    from apps.outbox.tasks import deliver_message

    if not connection.in_atomic_block:
        raise RuntimeError("outbox.queue() must run inside the transaction of its action")
    if not kinds.is_known(kind):
        raise KeyError(f"message kind {kind!r} is not declared in any notifications.py")
    if channel_name not in settings.OUTBOX_CHANNELS:
        raise KeyError(f"no channel {channel_name!r} in OUTBOX_CHANNELS")
    message = Message.objects.create(
        channel=channel_name,
        kind=kind,
        recipient=recipient,
        language=language,
        params=params or {},
        user=user,
        next_attempt_at=timezone.now(),
    )
    enqueue_in_transaction(deliver_message, str(message.id))
    return message


def already_queued(kind: str, **params: Any) -> bool:
    """True when a message of `kind` with these params exists (so that a task which
    queues a message can run twice and queue it once)."""
    return Message.objects.filter(
        kind=kind, **{f"params__{name}": value for name, value in params.items()}
    ).exists()


def _due(now: dt.datetime) -> Q:
    return Q(state=MessageState.QUEUED, next_attempt_at__lte=now) | Q(
        state=MessageState.SENDING, claimed_until__lt=now
    )


def deliver(message_id: str) -> str:
    """Send the message if it is due and nobody else is sending it; returns its state
    afterwards. Never raises for a failed send: the failure is recorded and the
    message waits for its next attempt (after 30 s, 1 min, 2 min, ... up to an hour),
    or fails for good after OUTBOX_MAX_ATTEMPTS."""
    now = timezone.now()
    # The claim's expiry, to the microsecond, is this attempt's token: only the holder
    # of the claim records the outcome.
    claim = now + CLAIM
    claimed = Message.objects.filter(_due(now), pk=message_id).update(
        state=MessageState.SENDING, claimed_until=claim, attempts=F("attempts") + 1
    )
    message = Message.objects.filter(pk=message_id).first()
    if message is None or not claimed:
        return message.state if message else "missing"
    try:
        content = kinds.compose(message)
        channel(message.channel).send(message, content)
    except kinds.Gone as gone:
        return _close(message, claim, MessageState.CANCELLED, error=str(gone))
    except Exception as error:
        return _failed(message, claim, error)
    return _close(message, claim, MessageState.SENT)


def _ours(message: Message, claim: dt.datetime) -> QuerySet[Message]:
    return Message.objects.filter(pk=message.pk, state=MessageState.SENDING, claimed_until=claim)


def _close(message: Message, claim: dt.datetime, state: str, *, error: str = "") -> str:
    now = timezone.now()
    _ours(message, claim).update(
        state=state,
        sent_at=now if state == MessageState.SENT else None,
        claimed_until=None,
        last_error=error[:1000],
    )
    return state


def _failed(message: Message, claim: dt.datetime, error: Exception) -> str:
    permanent = isinstance(error, DeliveryFailed) and error.permanent
    give_up = permanent or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    # Logged without the recipient or the content: the log holds no personal data.
    logger.warning(
        "Message %s (%s) attempt %d failed: %s%s",
        message.pk,
        message.kind,
        message.attempts,
        type(error).__name__,
        "; giving up" if give_up else "",
    )
    description = f"{type(error).__name__}: {error}"[:1000]
    if give_up:
        return _close(message, claim, MessageState.FAILED, error=description)
    pause = min(FIRST_RETRY_SECONDS * 2 ** (message.attempts - 1), LONGEST_PAUSE_SECONDS)
    _ours(message, claim).update(
        state=MessageState.QUEUED,
        claimed_until=None,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=pause),
        last_error=description,
    )
    return MessageState.QUEUED


def deliver_due(limit: int = 500) -> dict[str, int]:
    """Deliver up to `limit` messages that are due (the `outbox-delivery` job, every
    minute); returns how many ended in each state."""
    ids = (
        Message.objects.filter(_due(timezone.now()))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    outcomes: dict[str, int] = {}
    for message_id in list(ids):
        state = deliver(str(message_id))
        outcomes[state] = outcomes.get(state, 0) + 1
    return outcomes


def prune(now: dt.datetime | None = None) -> int:
    """Delete finished messages older than OUTBOX_KEEP_DAYS (they hold addresses)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted, _ = Message.objects.filter(state__in=FINISHED, created_at__lt=cutoff).delete()
    return deleted


def forget(user_id: int, addresses: set[str]) -> int:
    """Delete every message to this account or these addresses, sent or waiting: an
    account retired by an expungement keeps nothing that names it (and a message still
    waiting must not reach the person any more). Returns how many."""
    deleted, _ = Message.objects.filter(Q(user_id=user_id) | Q(recipient__in=addresses)).delete()
    return deleted


def sent_recently(kinds_: tuple[str, ...], user: User, within: dt.timedelta) -> QuerySet[Message]:
    """Messages of these kinds queued for `user` within the last `within` (for rate
    limits on what a person can make us send)."""
    since = timezone.now() - within
    return Message.objects.filter(kind__in=kinds_, user=user, created_at__gte=since)


def waiting_counts() -> dict[str, int]:
    """How many messages wait, are being sent, and failed for good in the last day."""
    day_ago = timezone.now() - dt.timedelta(days=1)
    return {
        "queued": Message.objects.filter(state=MessageState.QUEUED).count(),
        "sending": Message.objects.filter(state=MessageState.SENDING).count(),
        "failed_today": Message.objects.filter(
            state=MessageState.FAILED, created_at__gte=day_ago
        ).count(),
    }
