"""Rows written in one statement read back exactly as the ORM would have written
them, and a failing row takes the others with it."""

import uuid

import pytest
from django.db import IntegrityError, transaction

from apps.registrations.models import BlindIndexEntry, Person
from apps.vault import services as vault
from apps.vault.models import SubjectKey
from registry.db import insert_together

pytestmark = pytest.mark.django_db


def test_rows_read_back_as_written(amal: object) -> None:
    person_id = uuid.uuid4()
    key_row, data_key = vault.new_subject_key(person_id)
    person = Person(id=person_id, account=amal, program="us-2025")  # type: ignore[misc]
    entry = BlindIndexEntry(person=person, kind="document", digest="ab" * 32)
    with transaction.atomic():
        insert_together([key_row, person, entry])
    stored = Person.objects.get(pk=person_id)
    assert stored.account == amal
    assert stored.created_at is not None
    assert BlindIndexEntry.objects.get(person=stored).digest == "ab" * 32
    sealed = vault.seal_json(person_id, "form", {"x": 1}, data_key=data_key)
    assert vault.open_json(person_id, "form", sealed) == {"x": 1}  # the key row is right


def test_a_failing_row_writes_nothing(amal: object) -> None:
    person_id = uuid.uuid4()
    key_row, _ = vault.new_subject_key(person_id)
    duplicate_key_row, _ = vault.new_subject_key(person_id)
    person = Person(id=person_id, account=amal, program="us-2025")  # type: ignore[misc]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together([key_row, person, duplicate_key_row])
    assert not Person.objects.filter(pk=person_id).exists()
    assert not SubjectKey.objects.filter(subject_id=person_id).exists()
