"""The rate limit holds, one query after another and under parallel requests."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from apps.partners.models import UsageMonth
from apps.registrations.models import Registration

pytestmark = pytest.mark.django_db


def test_the_query_over_the_limit_gets_429(make_partner: Callable, amal_registered):
    port = make_partner("port-newark", rate_limit_per_minute=3)
    codes = [port.ask(amal_registered.case_number).status_code for _ in range(5)]
    # The minute may turn over during the test, which only ever lets more through.
    assert codes[:3] == [200, 200, 200]
    answer = port.ask(amal_registered.case_number)
    if answer.status_code == 429:
        assert "3 queries a minute" in answer.json()["message"]
    assert codes.count(429) >= 1 or answer.status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "sqlite" in __import__("os").environ.get("DATABASE_URL", "sqlite"),
    reason="parallel writers need PostgreSQL (SQLite serialises every write)",
)
def test_the_limit_holds_under_parallel_requests(make_partner: Callable, amal: object):
    from apps.partners.tests.conftest import register

    registration: Registration = register(amal)  # type: ignore[arg-type]
    port = make_partner("port-newark", rate_limit_per_minute=5)
    codes: list[int] = []
    lock = threading.Lock()

    def ask() -> None:
        try:
            status = port.ask(registration.case_number).status_code
            with lock:
                codes.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(codes)) == [200, 429]
    accepted = codes.count(200)
    # Five a minute; if the minute turned over mid-run, at most five more.
    assert 5 <= accepted <= 10
    assert sum(UsageMonth.objects.values_list("queries", flat=True)) == accepted
