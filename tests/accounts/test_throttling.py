"""Login throttling in 15 minutes: 5 failures per (account, address), 10 per account from any
addresses, 50 per address across accounts; then a pause.

The 5th failure is still checked against the password, and its answer already says that the
account/address is now blocked; the 6th attempt is refused without checking the password.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOCKOUT = "Too many failed login attempts. Please wait 15 minutes and try again."
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def login(client, email, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def fail(client, email, times, ip="10.0.0.1"):
    """Log in ``times`` times with a wrong password; return the last response."""
    for _ in range(times):
        response = login(client, email, "wrong password", ip=ip)
        assert response.status_code in (200, 429)
    return response


def assert_refused(response):
    assert response.status_code == 429
    assert LOCKOUT in response.content.decode()
    assert response.context["form"].errors["__all__"] == [LOCKOUT]


def test_sixth_attempt_is_refused_even_with_the_right_password(client, clock, user, password):
    fourth = fail(client, "alice@example.org", 4)
    fifth = fail(client, "alice@example.org", 1)

    response = login(client, "alice@example.org", password)

    assert fourth.status_code == 200
    assert LOCKOUT not in fourth.content.decode()
    assert "Please enter a correct" in fourth.content.decode()
    assert_refused(fifth)

    assert_refused(response)
    assert "_auth_user_id" not in client.session


def test_the_block_lifts_by_itself_after_15_minutes(client, clock, user, password):
    fail(client, "alice@example.org", 5)

    clock.shift(timedelta(minutes=14))
    assert_refused(login(client, "alice@example.org", password))

    # The refused attempt above did not extend the block.
    clock.shift(timedelta(minutes=1, seconds=1))
    response = login(client, "alice@example.org", password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_account_is_throttled_across_addresses_and_email_case(client, clock, user, password):
    spellings = ["alice@example.org", "ALICE@example.org", "Alice@Example.org", "aLiCe@example.org"]
    for number, email in enumerate([*spellings, "alice@EXAMPLE.ORG"] * 2):
        fail(client, email, 1, ip=f"10.0.1.{number}")

    assert_refused(login(client, "alice@example.org", password, ip="10.0.9.9"))


def test_one_persons_typos_do_not_lock_out_others_behind_the_same_address(
    client, clock, user, make_user, password
):
    make_user("bob@example.org")
    fail(client, "alice@example.org", 5)

    assert login(client, "bob@example.org", password).status_code == 302
    client.post(reverse("logout"))
    assert token(client, "bob@example.org", password).status_code == 200
    assert_refused(login(client, "alice@example.org", password))
    # Alice from her own machine at home is a new (account, address) pair.
    assert login(client, "alice@example.org", password, ip="10.0.7.7").status_code == 302


def test_the_address_is_throttled_across_accounts_only_at_a_far_higher_count(
    client, clock, make_user, password
):
    make_user("bob@example.org")
    for number in range(49):
        fail(client, f"someone{number}@example.org", 1, ip="10.0.0.1")
    assert login(client, "bob@example.org", password).status_code == 302
    client.post(reverse("logout"))
    fail(client, "someone49@example.org", 1, ip="10.0.0.1")

    same_address = login(Client(headers={"accept-language": "en"}), "bob@example.org", password)
    other_address = login(client, "bob@example.org", password, ip="10.0.0.2")

    assert_refused(same_address)
    assert other_address.status_code == 302


def test_four_failures_are_still_allowed_and_a_success_resets_the_account(
    client, clock, user, password
):
    fail(client, "alice@example.org", 4)
    assert login(client, "alice@example.org", password).status_code == 302
    client.post(reverse("logout"))

    fail(client, "alice@example.org", 4)
    assert login(client, "alice@example.org", password).status_code == 302


def test_lockout_message_is_translated(clock, user, password):
    browser = Client()  # no Accept-Language: the site default, 简体中文
    for _ in range(5):
        login(browser, "alice@example.org", "wrong password")

    response = login(browser, "alice@example.org", password)

    assert response.status_code == 429
    assert "登录失败次数过多。请等待 15 分钟后再试。" in response.content.decode()


def token(client, email, password, ip="10.0.0.1"):
    return client.post(
        "/api/auth/token/",
        {"email": email, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def test_api_login_is_throttled_too(client, clock, user, password):
    for _ in range(4):
        assert token(client, "alice@example.org", "wrong password").status_code == 400
    assert token(client, "alice@example.org", "wrong password").status_code == 429

    refused = token(client, "alice@example.org", password)
    web_refused = login(client, "alice@example.org", password)
    clock.shift(timedelta(minutes=15, seconds=1))
    allowed = token(client, "alice@example.org", password)

    assert refused.status_code == 429
    assert refused.json() == {"detail": LOCKOUT}
    assert_refused(web_refused)
    assert allowed.status_code == 200
    assert allowed.json()["token"]
