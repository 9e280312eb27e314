"""The public page: anyone reads the released figures, the epsilon and the budget,
and nothing about any person."""

import re

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.registrations.models import Person, Registration
from apps.transparency import services
from apps.transparency.tests.conftest import make_offices, registrations
from conftest import client_for

pytestmark = pytest.mark.django_db


def test_before_any_release_the_page_says_so() -> None:
    page = Client().get("/transparency/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "No statistics have been released yet." in text
    assert "The yearly budget is epsilon = 12" in text
    assert 'id="partner-agreements"' in text


def test_the_page_shows_releases_epsilon_and_the_monthly_series(priya: User, amal: User) -> None:
    make_offices("PAT", "NWK")
    registrations(120, "2026-09", office="PAT")
    registrations(90, "2026-10", office="NWK")
    services.release_statistics(priya, "2026-09..2026-10", epsilon="2")
    latest, _ = services.release_statistics(priya, "2026-10", tables=["registrations_by_month"])
    page = Client().get("/transparency/")
    text = page.content.decode()
    assert page.status_code == 200
    assert f'data-release="{latest.release_id}"' in text
    assert 'Epsilon for this release: <span class="epsilon">1</span>' in text
    assert re.search(r'data-year="2026"><td>2026</td><td class="number epsilon">3</td>', text)
    assert f"/transparency/statistics/{latest.release_id}.json" in text
    assert f"/transparency/statistics/{latest.release_id}.csv" in text
    assert '<svg class="chart"' in text
    assert 'id="monthly-chart"' in text
    assert "<td>2026-09</td>" in text
    assert "<td>2026-10</td>" in text
    assert "Where people live is encrypted" in text
    # Nothing personal: no account, no person or case id, no actor.
    case_numbers = Registration.objects.values_list("case_number", flat=True)
    people = Person.objects.values_list("id", flat=True)
    for secret in [*case_numbers, *map(str, people), priya.username, amal.username, "filer@"]:
        assert secret not in text
    # The same page for a signed-in registrant.
    assert client_for(amal).get("/transparency/").status_code == 200


def test_suppressed_cells_read_fewer_than(priya: User) -> None:
    services.release_statistics(priya, "2026-10", tables=["complaints"])
    text = Client().get("/transparency/").content.decode()
    assert "fewer than 10" in text
