"""Someone guesses Olu's password: after five wrong tries the account is locked, and
even the right password is refused until the lock expires."""

import pytest
from django.test import Client

from apps.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # conftest.make_user's


def sign_in(client: Client, email: str, password: str) -> int:
    return client.post("/accounts/login/", {"username": email, "password": password}).status_code


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account(olu: User) -> None:
    guesser = Client()
    statuses = [sign_in(guesser, olu.email, f"guess-{n}") for n in range(5)]
    assert statuses[:4] == [200, 200, 200, 200]  # the form again, with an error
    assert not is_signed_in(guesser)

    assert sign_in(guesser, olu.email, PASSWORD) == 429
    assert not is_signed_in(guesser)
    # the lock is on the account, not on the guesser's browser
    olu_browser = Client(REMOTE_ADDR="10.0.0.7")
    assert sign_in(olu_browser, olu.email, PASSWORD) == 429
    assert not is_signed_in(olu_browser)


def test_four_wrong_passwords_do_not_lock_and_a_success_starts_the_count_again(
    olu: User,
) -> None:
    client = Client()
    for n in range(4):
        sign_in(client, olu.email, f"guess-{n}")
    assert sign_in(client, olu.email, PASSWORD) == 302
    assert is_signed_in(client)

    client.logout()
    for n in range(4):
        sign_in(client, olu.email, f"guess-again-{n}")
    assert sign_in(client, olu.email, PASSWORD) == 302
