"""No bulk access: the partner API has no list, export or wildcard endpoint, a partner's
token opens nothing else, and a staff session does not open the partner API."""

from collections.abc import Callable

import pytest

from apps.partners.api import router
from conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_partner_api_is_four_single_person_requests():
    routes = {
        (path, method)
        for path, operation in router.path_operations.items()
        for op in operation.operations
        for method in op.methods
    }
    assert routes == {
        ("/partner/queries/registration-number", "POST"),
        ("/partner/queries/document-number", "POST"),
        ("/partner/queries/face", "POST"),
        ("/partner/departures", "POST"),
    }


def test_a_partner_token_opens_nothing_else(make_partner: Callable, amal_registered):
    port = make_partner("port-newark")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {port.token}"}
    for path in (
        "/api/v1/registrations",
        "/api/v1/me",
        "/console/",
        "/api/v1/offices/NWK/appointments",
    ):
        response = port.http.get(path, **auth)
        assert response.status_code in (302, 401, 403, 404), (path, response.status_code)


def test_wildcards_are_just_numbers_that_do_not_exist(make_partner: Callable, amal_registered):
    port = make_partner("port-newark")
    for pattern in ("US25-*", "%", "US25-%-%"):
        answer = port.ask(pattern)
        assert answer.status_code in (200, 422)
        if answer.status_code == 200:
            assert answer.json()["hit"] is False


def test_a_staff_session_does_not_open_the_partner_api(olu, amal_registered):
    client = client_for(olu)
    response = client.post(
        "/api/v1/partner/queries/registration-number",
        {"reference": "x", "registration_number": amal_registered.case_number},
        content_type="application/json",
    )
    assert response.status_code == 401
