"""The outbox: one row per message to one recipient on one channel.

A message holds ids, never the text: its kind's composer (apps/<app>/notifications.py)
renders it when it is sent, so no reset link or token sits in the database, and what
it says is what is true at the time of sending."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageState(models.TextChoices):
    QUEUED = "queued", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed: no more attempts")
    CANCELLED = "cancelled", _("cancelled: no longer needed")


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # "email" today; issue 18 adds "sms" and "letter" (settings.OUTBOX_CHANNELS).
    channel = models.CharField(max_length=16)
    kind = models.CharField(max_length=64)  # whose composer renders it
    recipient = models.CharField(max_length=320)  # an address on the channel
    language = models.CharField(max_length=8)
    params = models.JSONField(default=dict)  # ids the composer reads; never a secret
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    state = models.CharField(max_length=16, choices=MessageState.choices, default="queued")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)  # the error's class and text, no content

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["kind", "user", "created_at"], name="outbox_kind_user"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.channel} ({self.state})"
