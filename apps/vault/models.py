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
