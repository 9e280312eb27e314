"""Amal asks "do I have to register?": every kind of answer, the notice recorded."""

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from apps.registrations.models import NoticeShown

pytestmark = pytest.mark.django_db


def ask(client: Client, language: str = "en", **answers: Any) -> Any:
    body = {"is_citizen": False, "birth_date": "1990-03-14", **answers, "language": language}
    return client.post("/api/v1/eligibility", json.dumps(body), content_type="application/json")


def days_ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def test_present_for_a_year_must_register(amal_client: Client) -> None:
    answer = ask(amal_client, arrival_date=days_ago(365)).json()
    assert answer["outcome"] == "must_register"
    assert answer["deadline"]
    assert "register" in answer["message"]


def test_arrived_last_week_not_yet(amal_client: Client) -> None:
    answer = ask(amal_client, arrival_date=days_ago(7)).json()
    assert answer["outcome"] == "not_yet"
    assert answer["deadline"] == (timezone.localdate() + dt.timedelta(days=23)).isoformat()


def test_a_green_card_holder_is_already_registered(amal_client: Client) -> None:
    answer = ask(amal_client, arrival_date=days_ago(900), documents=["i-551"]).json()
    assert answer["outcome"] == "already_registered"
    assert answer["document"] == "i-551"


def test_a_diplomat_is_exempt(amal_client: Client) -> None:
    answer = ask(amal_client, arrival_date=days_ago(90), exemption="a-g-nonimmigrant").json()
    assert answer["outcome"] == "exempt"


def test_a_citizen_has_nothing_to_do(amal_client: Client) -> None:
    answer = ask(amal_client, is_citizen=True, arrival_date=days_ago(90)).json()
    assert answer["outcome"] == "citizen"


def test_a_child_is_registered_by_a_parent(amal_client: Client) -> None:
    answer = ask(amal_client, birth_date=days_ago(365 * 8), arrival_date=days_ago(90)).json()
    assert answer["outcome"] == "guardian_must_register"


def test_the_notice_is_shown_in_spanish_and_recorded(amal_client: Client, amal: Any) -> None:
    answer = ask(amal_client, language="es", arrival_date=days_ago(365)).json()
    assert answer["notice_language"] == "es"
    assert answer["message"].startswith("Debe registrarse")
    shown = NoticeShown.objects.get(user=amal)
    assert (shown.program, shown.language) == ("us-2025", "es")
    assert shown.notice_version == answer["notice_version"]
    assert len(shown.text_digest) == 64


@pytest.mark.parametrize(
    "answers",
    [
        {"arrival_date": "2999-01-01"},
        {"documents": ["drivers-licence"]},
        {"exemption": "friend-of-the-mayor"},
        {"is_citizen": "no"},
        {"birth_date": "yesterday"},
    ],
)
def test_bad_answers_are_refused_and_nothing_recorded(amal_client: Client, answers: dict) -> None:
    response = ask(amal_client, **answers)
    assert response.status_code == 422, response.content
    assert response.json()["fields"]
    assert not NoticeShown.objects.exists()
