"""A client that retries before the first answer arrives still files once (PostgreSQL,
real concurrent transactions)."""

import threading

import pytest
from django.db import connection

from apps.accounts.models import User
from apps.audit.services import verify
from apps.registrations import services
from apps.registrations.models import Person, Registration
from conftest import VALID_FORM


@pytest.mark.django_db(transaction=True)
def test_simultaneous_retries_with_one_key_file_once(amal: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; this race needs PostgreSQL's concurrency")
    results: list[tuple[str, bool]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def retry() -> None:
        try:
            start.wait()
            registration, created = services.file_registration(
                amal,
                program_slug="us-2025",
                for_child=False,
                data=VALID_FORM,
                language="en",
                idempotency_key="retry-storm",
            )
            results.append((str(registration.case_number), created))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=retry) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert len({case for case, _ in results}) == 1
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert Registration.objects.count() == 1
    assert Person.objects.count() == 1
    assert verify().ok
