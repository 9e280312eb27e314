import uuid

from django.db import models


class SubjectKey(models.Model):
    """A person's data key, wrapped by the master key.

    Destroying it (crypto-shredding) clears `wrapped_key`: every ciphertext of that
    person, in this database, its replicas and its backups, becomes unreadable. The row
    stays, without key material, so a later read fails with "erased" rather than a
    confusing "not found".
    """

    subject_id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    wrapped_key = models.BinaryField(null=True)
    master_key_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        state = "destroyed" if self.destroyed_at else "active"
        return f"key {self.subject_id} ({state})"


class SigningKey(models.Model):
    """An Ed25519 key the registry signs with (proofs, audit tree heads, receipts).

    The private key is stored wrapped by the master key, like a data key; the public key
    is stored in the clear so verifiers can be given it. A key is `retired` when a newer
    key of the same purpose replaces it: it no longer signs, but what it signed stays
    verifiable until it expires.
    """

    kid = models.CharField(max_length=32, primary_key=True)
    purpose = models.CharField(max_length=32, db_index=True)
    public_key = models.BinaryField()
    wrapped_private_key = models.BinaryField()
    master_key_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        state = "retired" if self.retired_at else "active"
        return f"{self.purpose} key {self.kid} ({state})"
