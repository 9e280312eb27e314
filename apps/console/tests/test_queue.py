"""Olu works the Newark queue: oldest cases first, fifty to a page, nothing personal on
screen, and the tenth page costs the same few queries as the first."""

import datetime as dt
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.accounts.models import User
from apps.appointments.models import Office
from apps.console.queries import Cursor, QueueFilter, queue_page
from apps.registrations.models import CaseState, Registration

pytestmark = pytest.mark.django_db

MakeCases = Callable[..., list[Registration]]


def case_numbers(html: str) -> list[str]:
    return re.findall(r'<tr data-case="([^"]+)"', html)


def next_link(html: str) -> str | None:
    found = re.search(r'<a rel="next" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_olu_reads_the_queue_oldest_first_without_personal_data(
    olu_client: Client, amal_case: Registration, make_cases: MakeCases
) -> None:
    older = make_cases(2, start=amal_case.submitted_at - dt.timedelta(days=2))  # type: ignore[operator]
    make_cases(3, office="JFK")  # another office's queue

    response = olu_client.get("/console/", {"office": " NWK "})

    assert response.status_code == 200
    html = response.content.decode()
    assert case_numbers(html) == [older[0].case_number, older[1].case_number, amal_case.case_number]
    for personal in ("Haddad", "Amal", "1990-03-14", "RL0912345", "Beirut", "Elm Street"):
        assert personal not in html


def test_the_queue_never_loads_the_sealed_form(olu_client: Client, make_cases: MakeCases) -> None:
    make_cases(3)
    with CaptureQueriesContext(connection) as queries:
        olu_client.get("/console/", {"office": "NWK"})
    registration_queries = [
        q["sql"] for q in queries.captured_queries if "registrations_registration" in q["sql"]
    ]
    assert len(registration_queries) == 1
    assert "form_sealed" not in registration_queries[0]
    assert "OFFSET" not in registration_queries[0].upper()


def test_a_page_costs_the_same_queries_with_3_or_50_cases_and_on_page_3(
    olu_client: Client, make_cases: MakeCases, django_assert_max_num_queries: Any
) -> None:
    make_cases(3, office="EWR")
    with CaptureQueriesContext(connection) as small:
        olu_client.get("/console/", {"office": "EWR"})
    budget = len(small)
    # session, user, authenticator device, offices, the page: nothing grows with the rows
    assert budget <= 5, [q["sql"] for q in small.captured_queries]
    make_cases(160, office="NWK")
    with django_assert_max_num_queries(budget):
        first = olu_client.get("/console/", {"office": "NWK"})
    link = next_link(first.content.decode())
    assert link
    second = olu_client.get(f"/console/{link}")
    link = next_link(second.content.decode())
    assert link
    with django_assert_max_num_queries(budget):
        third = olu_client.get(f"/console/{link}")
    assert len(case_numbers(third.content.decode())) == 50


def test_following_next_links_shows_every_case_once_in_order(
    olu_client: Client, make_cases: MakeCases
) -> None:
    start = timezone.now() - dt.timedelta(days=10)
    # 120 cases, many filed in the same second: the id breaks the ties
    times = [start + dt.timedelta(seconds=i // 7) for i in range(120)]
    cases = make_cases(times=times)
    expected = [c.case_number for c in sorted(cases, key=lambda c: (c.submitted_at, c.id))]

    seen: list[str] = []
    url: str | None = "/console/?office=NWK"
    pages = 0
    while url:
        html = olu_client.get(url).content.decode()
        seen.extend(case_numbers(html))
        link = next_link(html)
        url = f"/console/{link}" if link else None
        pages += 1
    assert pages == 3
    assert seen == expected


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    offsets=st.lists(st.integers(min_value=0, max_value=5), min_size=0, max_size=25),
    size=st.integers(min_value=1, max_value=6),
)
def test_keyset_pages_partition_the_queue(
    olu: User, make_cases: MakeCases, offsets: list[int], size: int
) -> None:
    """Whatever the ties in submission time and the page size, the pages together are
    the queue in order, each case exactly once."""
    office = uuid.uuid4().hex[:8].upper()  # a fresh queue for each example
    start = timezone.now() - dt.timedelta(days=1)
    cases = make_cases(times=[start + dt.timedelta(seconds=o) for o in offsets], office=office)
    expected = [c.id for c in sorted(cases, key=lambda c: (c.submitted_at, c.id))]
    today = timezone.localdate()
    filters = QueueFilter(office_code=office)

    seen: list[uuid.UUID] = []
    cursor: Cursor | None = None
    while True:
        page = queue_page(olu, filters, after=cursor, today=today, size=size)
        assert len(page.rows) <= size
        seen.extend(row.id for row in page.rows)
        if page.next_cursor is None:
            break
        cursor = Cursor.decode(page.next_cursor)
    assert seen == expected


def test_filters_by_state_assignee_and_overdue(
    olu: User, olu_client: Client, make_cases: MakeCases
) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    mine = make_cases(2, assigned_to=olu)
    nobodys = make_cases(1)
    late = make_cases(1, due_on=yesterday)
    captured = make_cases(1, state=CaseState.BIOMETRICS_CAPTURED)

    def shown(**query: str) -> list[str]:
        response = olu_client.get("/console/", {"office": "NWK", **query})
        return case_numbers(response.content.decode())

    assert shown(assigned="me") == [c.case_number for c in mine]
    assert set(shown(assigned="nobody")) == {nobodys[0].case_number, late[0].case_number}
    assert shown(overdue="on") == [late[0].case_number]
    assert shown(state="biometrics_captured") == [captured[0].case_number]
    html = olu_client.get("/console/", {"office": "NWK", "overdue": "on"}).content.decode()
    assert "flag-overdue" in html
    assert olu.username in olu_client.get("/console/", {"assigned": "me"}).content.decode()


def test_the_office_filter_suggests_the_open_offices(olu_client: Client) -> None:
    Office.objects.create(code="newark", name="Newark field office", address="1 Main St")
    Office.objects.create(code="closed", name="Closed office", address="2 Main St", active=False)
    html = olu_client.get("/console/").content.decode()
    assert '<option value="newark">Newark field office</option>' in html
    assert "Closed office" not in html


def test_a_broken_page_link_is_refused_with_a_way_back(olu_client: Client) -> None:
    response = olu_client.get("/console/", {"office": "NWK", "after": "not-a-cursor"})
    assert response.status_code == 400
    assert "Start again from the first page" in response.content.decode()


def test_an_unknown_state_is_refused(olu_client: Client) -> None:
    assert olu_client.get("/console/", {"state": "draft"}).status_code == 400


def test_the_cursor_is_opaque_and_round_trips() -> None:
    cursor = Cursor(timezone.now(), uuid.uuid4())
    token = cursor.encode()
    assert str(cursor.id) not in token
    assert Cursor.decode(token) == cursor
    for bad in ("", "abc", "!!!!", Cursor(timezone.now(), uuid.uuid4()).encode()[:-3]):
        with pytest.raises(ValueError):  # noqa: PT011 - each is malformed its own way
            Cursor.decode(bad)
