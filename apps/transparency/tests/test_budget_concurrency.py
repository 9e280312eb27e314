"""Four releases of different months press "release" at the same moment when the
year's budget has room for two: exactly two are published, the others are refused
and leave nothing behind (PostgreSQL, real concurrent transactions)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings

from apps.accounts.permissions import Role
from apps.audit.models import AuditEntry
from apps.transparency import services
from apps.transparency.models import Release
from conftest import make_user

MONTHS = ["2026-06", "2026-07", "2026-08", "2026-09"]


@pytest.mark.django_db(transaction=True)
def test_racing_releases_never_overspend_the_year() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises writers, and its append-only audit "
            "trigger refuses the flush that ends a transactional test"
        )
    priya = make_user(Role.PRIVACY_OFFICER)
    released: list[Release] = []
    refused: list[services.BudgetExceeded] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(MONTHS))

    def press_release(month: str) -> None:
        try:
            start.wait()
            release, _ = services.release_statistics(priya, month, tables=["complaints"])
            released.append(release)
        except services.BudgetExceeded as exc:
            refused.append(exc)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    with override_settings(STATISTICS_YEARLY_EPSILON="2"):
        threads = [threading.Thread(target=press_release, args=(m,)) for m in MONTHS]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    assert (len(released), len(refused)) == (2, 2)
    assert services.spent_in_year(2026) == Decimal(2)
    assert Release.objects.count() == 2
    assert AuditEntry.objects.filter(object_type="statistics_release").count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_same_release_pressed_twice_at_once_is_published_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (see above)")
    priya = make_user(Role.PRIVACY_OFFICER)
    outcomes: list[tuple[int, bool]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def press_release() -> None:
        try:
            start.wait()
            release, created = services.release_statistics(priya, "2026-10", tables=["holds"])
            outcomes.append((release.pk, created))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=press_release) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len({pk for pk, _ in outcomes}) == 1
    assert sorted(created for _, created in outcomes) == [False, False, True]
    assert services.spent_in_year(2026) == Decimal(1)
