"""Olu finds Amal's case by its number, by her name and birth date, or by her passport
number: exact matches through keyed digests, answered with case rows only."""

import re
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.appointments import services as appointments
from apps.appointments.tests.conftest import at, make_office, weekday_ahead
from apps.registrations.models import Registration

pytestmark = pytest.mark.django_db


def found(client: Client, **query: str) -> list[str]:
    response = client.post("/console/search/", query)
    assert response.status_code == 200, response.content.decode()[:2000]
    return re.findall(r'<tr data-case="([^"]+)"', response.content.decode())


def test_by_case_number_whatever_the_case_and_spaces(
    olu_client: Client, amal_case: Registration
) -> None:
    number = str(amal_case.case_number)
    assert found(olu_client, case_number=number) == [number]
    assert found(olu_client, case_number=f"  {number.lower()} ") == [number]
    assert found(olu_client, case_number=number.replace("-", " - ")) == [number]


def test_a_mistyped_case_number_is_caught_by_its_check_character(
    olu_client: Client, amal_case: Registration, django_assert_max_num_queries: Any
) -> None:
    number = str(amal_case.case_number)
    typo = number[:-1] + ("0" if number[-1] != "0" else "1")
    with django_assert_max_num_queries(3):  # session, user, device: no search query
        response = olu_client.post("/console/search/", {"case_number": typo})
    assert response.status_code == 400
    assert "This is not a case number" in response.content.decode()


def test_by_name_and_birth_date_in_any_spelling_order_or_accents(
    olu_client: Client, amal_case: Registration
) -> None:
    number = str(amal_case.case_number)
    assert found(
        olu_client, family_name="Haddad", given_names="Amal Noor", birth_date="1990-03-14"
    ) == [number]
    assert found(
        olu_client, family_name="HADDAD", given_names="noor amal", birth_date="1990-03-14"
    ) == [number]
    assert found(olu_client, family_name="Haddad", birth_date="1990-03-14") == [number]
    assert (
        found(olu_client, family_name="Haddad", given_names="Amal Noor", birth_date="1990-03-15")
        == []
    )
    assert found(olu_client, family_name="Hadad", birth_date="1990-03-14") == []


def test_by_document_number(olu_client: Client, amal_case: Registration) -> None:
    assert found(olu_client, document_number="rl 0912345") == [amal_case.case_number]
    assert found(olu_client, document_number="RL0912346") == []


def test_results_show_nothing_personal(olu_client: Client, amal_case: Registration) -> None:
    html = olu_client.post(
        "/console/search/", {"family_name": "Haddad", "birth_date": "1990-03-14"}
    ).content.decode()
    assert amal_case.case_number in html
    assert "Beirut" not in html
    assert "RL0912345" not in html
    # the name is only in the search box the officer filled in
    assert html.count("Haddad") == 1
    assert 'value="Haddad"' in html


def test_a_search_is_one_query_however_many_people_match(
    olu_client: Client, amal_case: Registration, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):  # session, user, device, the search
        olu_client.post("/console/search/", {"family_name": "Haddad", "birth_date": "1990-03-14"})
    with django_assert_max_num_queries(4):
        olu_client.post("/console/search/", {"document_number": "RL0912345"})
    with django_assert_max_num_queries(4):
        olu_client.post("/console/search/", {"case_number": amal_case.case_number})


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"case_number": "x"}, "This is not a case number"),
        ({"family_name": "Haddad"}, "needs the family name and the date of birth"),
        ({"birth_date": "1990-03-14"}, "needs the family name and the date of birth"),
        ({"case_number": "US2025-AAAA-AAAAA", "document_number": "X1"}, "one way at a time"),
        ({"case_number": ""}, "Fill in one of the ways of searching"),
    ],
)
def test_incomplete_searches_say_what_to_fix(
    olu_client: Client, query: dict[str, str], message: str
) -> None:
    response = olu_client.post("/console/search/", query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_empty_search_page_searches_nothing(olu_client: Client) -> None:
    response = olu_client.get("/console/search/")
    assert response.status_code == 200
    assert "<h2>Results</h2>" not in response.content.decode()


def test_names_searched_for_never_appear_in_an_address(
    olu_client: Client, amal_case: Registration
) -> None:
    """Addresses end up in access logs, browser history and Referer headers."""
    html = olu_client.post(
        "/console/search/", {"family_name": "Haddad", "birth_date": "1990-03-14"}
    ).content.decode()
    assert amal_case.case_number in html
    links = re.findall(r'(?:href|action|value)="(/[^"]*)"', html)
    assert links
    assert not [link for link in links if "Haddad" in link or "1990" in link]


def test_by_the_appointment_reference_amal_reads_out(
    olu_client: Client, amal: User, amal_case: Registration
) -> None:
    newark = make_office("NWK", name="Newark Field Office")
    booking, _ = appointments.book(
        amal, amal_case, office_code="NWK", starts_at=at(newark, weekday_ahead(1), "09:00")
    )
    spoken = booking.reference.lower().replace("-", " ")  # "k7m 4qp", as heard on the phone
    assert found(olu_client, appointment_reference=spoken) == [amal_case.case_number]
    assert found(olu_client, appointment_reference="ZZZ-ZZZ") == []

    short = olu_client.post("/console/search/", {"appointment_reference": "K7M"})
    assert short.status_code == 400
    assert "A reference has six letters and digits" in short.content.decode()
