"""With real commits (PostgreSQL): a capture's search runs only once the capture has
committed, and the indexes change only then; a capture that rolls back leaves the
indexes as they were."""

import pytest
from django.db import connection, transaction

from apps.accounts.permissions import Role
from apps.biometrics import indexes, services
from apps.biometrics.models import Enrolment
from apps.biometrics.tests.conftest import AMAL_FINGERS, at_appointment, capture_of
from conftest import make_user


class RolledBack(Exception):
    pass


def capture_then_roll_back(*args: object) -> None:
    with transaction.atomic():
        services.capture(*args)  # type: ignore[arg-type]
        raise RolledBack


@pytest.mark.django_db(transaction=True)
def test_the_search_and_the_indexes_follow_the_commit() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite's append-only audit trigger refuses the flush that "
            "ends a transactional test"
        )
    olu = make_user(Role.OFFICER)
    amal = make_user(Role.REGISTRANT)
    data = capture_of("astronaut", AMAL_FINGERS)
    case = at_appointment(amal, olu)

    with pytest.raises(RolledBack):
        capture_then_roll_back(olu, case, data)
    assert not Enrolment.objects.exists()
    assert indexes.sizes() == {"face": 0, "fingers": 0}

    with transaction.atomic():
        enrolment = services.capture(olu, case, data)
        assert indexes.sizes() == {"face": 0, "fingers": 0}  # not before the commit
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.SEARCHED
    assert indexes.sizes() == {"face": 1, "fingers": 2}
