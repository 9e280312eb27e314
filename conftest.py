"""Shared fixtures: the people of our stories and a valid registration form.

Amal is a registrant, Gabriela a guardian, Olu an officer, Sam a supervisor, Priya the
privacy officer, Ali the auditor and Ada the administrator."""

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from apps.accounts.models import User
from apps.accounts.permissions import STAFF_ROLES, Role

# The browser fixtures (server, browser_page) are defined once, for every app's tests.
pytest_plugins = ["tests.browser.plumbing"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database, with the shipped programs in force (tests/programs_in_force.py):
    the system runs only approved programs."""
    from tests.programs_in_force import put_shipped_in_force

    with django_db_blocker.unblock():
        put_shipped_in_force()


@pytest.fixture(autouse=True)
def _programs_in_force_after_flush(request: pytest.FixtureRequest) -> None:
    """A transactional test empties the database after it runs: the next one puts the
    shipped programs back in force."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in (
        request.fixturenames
    )
    if marker is not None and marker.kwargs.get("transaction"):
        transactional = True
    if transactional:
        from tests.programs_in_force import put_shipped_in_force, shipped_in_force

        request.getfixturevalue("transactional_db")
        if not shipped_in_force():
            put_shipped_in_force()


PEOPLE = {
    Role.REGISTRANT: "amal",
    Role.GUARDIAN: "gabriela",
    Role.OFFICER: "olu",
    Role.SUPERVISOR: "sam",
    Role.PRIVACY_OFFICER: "priya",
    Role.AUDITOR: "ali",
    Role.ADMIN: "ada",
    Role.PARTNER: "port-authority",
}

VALID_FORM: dict[str, Any] = {
    "family_name": "Haddad",
    "given_names": "Amal Noor",
    "aliases": ["Amal Hadad"],
    "birth_date": "1990-03-14",
    "birth_city": "Beirut",
    "birth_country": "LB",
    "nationality": "LB",
    "passport_number": "RL0912345",
    "entry_date": "2024-09-01",
    "entry_place": "JFK Airport, New York",
    "entry_manner": "inspected",
    "address_history": [
        {
            "line1": "12 Elm Street",
            "city": "Paterson",
            "region": "NJ",
            "postal_code": "07501",
            "country": "US",
            "from": "2024-09-02",
        }
    ],
    "intended_stay": "over-12-months",
    "activities": "Graduate studies in chemistry",
    "criminal_record": False,
    "signature_name": "Amal Noor Haddad",
    "oath_accepted": True,
}

CHILD_FORM: dict[str, Any] = {
    **VALID_FORM,
    "family_name": "Haddad",
    "given_names": "Yusuf",
    "aliases": [],
    "birth_date": "2018-06-01",
    "passport_number": "RL0998877",
    "address_history": [{**VALID_FORM["address_history"][0], "from": "2024-09-02"}],
    "signature_name": "Gabriela Ruiz (guardian)",
}


@pytest.fixture(autouse=True)
def _default_language_after_each_test() -> Iterator[None]:
    """A request in Spanish leaves Spanish active in the thread (LocaleMiddleware does not
    switch back): start every test from the default language, whatever ran before."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def make_user(role: Role, name: str | None = None) -> User:
    name = name or PEOPLE[role]
    return User.objects.create_user(
        username=f"{name}@example.org",
        email=f"{name}@example.org",
        password="correct horse battery",
        role=role.value,
        email_verified_at=timezone.now(),
    )


@pytest.fixture
def valid_form() -> dict[str, Any]:
    return copy.deepcopy(VALID_FORM)


@pytest.fixture
def child_form() -> dict[str, Any]:
    return copy.deepcopy(CHILD_FORM)


@pytest.fixture
def user_with_role(db: None) -> Callable[..., User]:
    return make_user


@pytest.fixture
def amal(db: None) -> User:
    return make_user(Role.REGISTRANT)


@pytest.fixture
def gabriela(db: None) -> User:
    return make_user(Role.GUARDIAN)


@pytest.fixture
def olu(db: None) -> User:
    return make_user(Role.OFFICER)


@pytest.fixture
def priya(db: None) -> User:
    return make_user(Role.PRIVACY_OFFICER)


@pytest.fixture
def ali(db: None) -> User:
    return make_user(Role.AUDITOR)


def client_for(user: User) -> Client:
    """A signed-in browser for `user`. Staff also pass their second factor: a confirmed
    TOTP device whose current code is checked by django-otp, as on the sign-in page."""
    client = Client()
    client.force_login(user)
    if user.role_enum in STAFF_ROLES:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.oath import TOTP
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        assert device.verify_token(totp.token())  # the code an authenticator app shows
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def amal_client(amal: User) -> Client:
    return client_for(amal)
