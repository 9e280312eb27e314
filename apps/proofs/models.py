"""Proofs of registration and the status lists that can revoke them.

A Proof row holds no personal data: the case it proves, the claims it was signed with
(numbers and dates), and where its revocation bit lives. The name and the photo are
read, and logged, each time a proof is printed; a face thumbnail inside a QR is kept
only as a digest, to notice that the portrait changed.
"""

import uuid

from django.db import models


class StatusList(models.Model):
    """One IETF Token Status List: a bit per proof, 1 = revoked. Indexes are handed
    out at random, so a proof's index says nothing about when it was issued. The signed
    token is cached until a bit changes or it nears its expiry."""

    SIZE = 1 << 17  # 131,072 proofs per list (16 KiB of bits, a few hundred bytes zipped)
    FILL_LIMIT = 0.75  # then a new list is opened, so random picks rarely collide

    id = models.AutoField(primary_key=True)
    size = models.PositiveIntegerField(default=SIZE)
    statuses = models.BinaryField()
    used = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)  # bumped on every revocation
    created_at = models.DateTimeField(auto_now_add=True)
    signed_token = models.BinaryField(null=True, blank=True)
    signed_version = models.PositiveIntegerField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"status list {self.id}"

    @property
    def full(self) -> bool:
        return self.used >= self.size * self.FILL_LIMIT


class Proof(models.Model):
    class Binding(models.TextChoices):
        CARD_PHOTO = "card_photo"
        QR_THUMBNAIL = "qr_thumbnail"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    registration = models.ForeignKey(
        "registrations.Registration", on_delete=models.CASCADE, related_name="proofs"
    )
    person = models.ForeignKey(
        "registrations.Person", on_delete=models.CASCADE, related_name="proofs"
    )
    token_id = models.CharField(max_length=16, unique=True)  # the cti, in hex
    card_number = models.CharField(max_length=16, unique=True)
    binding = models.CharField(max_length=16, choices=Binding.choices)
    thumbnail_digest = models.CharField(max_length=64, blank=True)
    kid = models.CharField(max_length=32)
    issuer = models.CharField(max_length=200)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="proofs")
    status_index = models.PositiveIntegerField()
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="proof_status_slot"
            ),
        ]
        indexes = [
            models.Index(fields=["registration", "-issued_at"], name="proof_registration"),
            models.Index(fields=["person", "revoked_at"], name="proof_person"),
        ]

    def __str__(self) -> str:
        return f"proof {self.token_id} of {self.registration_id}"

    def is_owned_by(self, user: object) -> bool:
        return bool(self.registration.is_owned_by(user))
