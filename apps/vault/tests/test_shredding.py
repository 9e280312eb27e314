"""Destroying a person's key makes every copy of their data unreadable."""

import uuid

import pytest

from apps.vault import services as vault


@pytest.mark.django_db
def test_a_destroyed_key_leaves_ciphertext_unreadable() -> None:
    subject = uuid.uuid4()
    vault.create_subject_key(subject)
    sealed = vault.seal_json(subject, "form", {"family_name": "Haddad"})
    backup_copy = bytes(sealed)  # as a backup would hold it
    assert vault.open_json(subject, "form", sealed) == {"family_name": "Haddad"}

    assert vault.destroy_subject_key(subject) is True

    with pytest.raises(vault.KeyDestroyed):
        vault.open_json(subject, "form", backup_copy)
    assert vault.destroy_subject_key(subject) is False  # idempotent


@pytest.mark.django_db
def test_the_stored_key_is_wrapped_not_raw() -> None:
    from apps.vault.models import SubjectKey

    subject = uuid.uuid4()
    vault.create_subject_key(subject)
    stored = bytes(SubjectKey.objects.get(subject_id=subject).wrapped_key)
    assert len(stored) == 1 + 12 + 32 + 16  # version, nonce, key, tag
