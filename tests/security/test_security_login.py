"""Guessing passwords is slowed per account and per address without locking the owner out; proxies are believed
only when trusted; concurrent guesses get no more password checks than the limit; cookies are Secure over https.

Real HTTP against a live uvicorn; addresses other than 127.0.0.1 come through X-Forwarded-For from a trusted proxy
(the test client on 127.0.0.1 plays the proxy when the settings trust it).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.web.conftest import ACCOUNTS, start_live_server, web_settings
from web.auth import add_user


def attempt(url: str, email: str, password: str, client_ip: str | None = None,
            headers: dict[str, str] | None = None) -> httpx.Response:
    """One sign-in through the login form (its own cookie jar), optionally forwarded for `client_ip`."""
    extra = dict(headers or {})
    if client_ip:
        extra["X-Forwarded-For"] = client_ip
    with httpx.Client(base_url=url, follow_redirects=False, timeout=60, headers=extra) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def said(response: httpx.Response) -> str:
    """What the login page told the user."""
    if response.status_code == 303:
        return "signed in"
    found = re.search(r'id="login-error"[^>]*>([^<]+)<', response.text)
    return found.group(1).strip() if found else f"HTTP {response.status_code}"


@pytest.fixture(scope="module")
def proxied(broker, tmp_path_factory):
    """A live server behind a trusted proxy on 127.0.0.1 (so X-Forwarded-For names the client)."""
    settings = web_settings(tmp_path_factory.mktemp("proxied"), broker.bootstrap_servers,
                            web={"trusted_proxies": ["127.0.0.1/32"]})
    with start_live_server(settings) as server:
        yield server


@pytest.fixture(scope="module")
def direct(broker, tmp_path_factory):
    """A live server that trusts no proxy, with a long first delay (so a burst of guesses stays inside it)."""
    settings = web_settings(tmp_path_factory.mktemp("direct"), broker.bootstrap_servers,
                            web={"login_base_delay_s": 60.0})
    with start_live_server(settings) as server:
        yield server


def add_account(server, email: str, password: str) -> None:
    """A console account on `server`."""
    with server.sessions() as session, session.begin():
        add_user(session, email, password, "operator")


def test_strangers_guessing_from_many_addresses_do_not_lock_out_the_owner(proxied):
    """Thirty wrong passwords from fifteen addresses; the owner, from their usual address, still signs in."""
    add_account(proxied, "owner@test.rrm", "owner-password-1")
    assert said(attempt(proxied.url, "owner@test.rrm", "owner-password-1", "198.51.100.7")) == "signed in"
    for n in range(30):
        attempt(proxied.url, "owner@test.rrm", f"guess-{n}", f"203.0.113.{n % 15 + 1}")
    assert said(attempt(proxied.url, "owner@test.rrm", "owner-password-1", "198.51.100.7")) == "signed in"


def test_an_address_that_keeps_guessing_is_made_to_wait_longer_each_time(proxied):
    """From one address, past three failures each try must wait, and the wait grows: 1 s, then 2 s."""
    add_account(proxied, "target@test.rrm", "target-password-1")
    answers = []
    for _ in range(3):
        answers.append(said(attempt(proxied.url, "target@test.rrm", "wrong-password", "192.0.2.10")))
    answers.append(said(attempt(proxied.url, "target@test.rrm", "target-password-1", "192.0.2.10")))
    assert answers[:3] == ["Wrong email or password."] * 3
    assert answers[3] == "Too many failed attempts. Wait 1 second and try again."
    import time

    time.sleep(1.2)
    assert said(attempt(proxied.url, "target@test.rrm", "wrong-password", "192.0.2.10")) == "Wrong email or password."
    assert "Wait 2 seconds" in said(attempt(proxied.url, "target@test.rrm", "wrong-password", "192.0.2.10"))


def test_one_address_guessing_many_accounts_is_slowed(broker, tmp_path):
    """An address that fails on many accounts is slowed for every account, while other addresses are not."""
    settings = web_settings(tmp_path, broker.bootstrap_servers,
                            web={"trusted_proxies": ["127.0.0.1/32"], "login_free_failures_per_address": 4})
    with start_live_server(settings) as server:
        answers = [said(attempt(server.url, f"nobody{n}@test.rrm", "guess", "192.0.2.66")) for n in range(5)]
        other = said(attempt(server.url, "nobody9@test.rrm", "guess", "192.0.2.67"))
    assert answers[:4] == ["Wrong email or password."] * 4
    assert answers[4].startswith("Too many failed attempts. Wait")
    assert other == "Wrong email or password."


def test_forwarded_for_from_an_untrusted_peer_is_ignored(direct):
    """Without trusted proxies, X-Forwarded-For changes nothing: rotating it does not escape the delay."""
    add_account(direct, "rotate@test.rrm", "rotate-password-1")
    answers = [said(attempt(direct.url, "rotate@test.rrm", "wrong", f"10.9.8.{n}")) for n in range(1, 5)]
    assert answers[:3] == ["Wrong email or password."] * 3
    assert answers[3].startswith("Too many failed attempts. Wait")


def test_thirty_concurrent_guesses_get_no_more_password_checks_than_the_limit(direct):
    """Thirty guesses at once for one account: only the free three are checked, the rest are told to wait."""
    add_account(direct, "burst@test.rrm", "burst-password-1")
    with ThreadPoolExecutor(max_workers=30) as pool:
        answers = list(pool.map(lambda n: said(attempt(direct.url, "burst@test.rrm", f"guess-{n}")), range(30)))
    checked = answers.count("Wrong email or password.")
    assert checked <= direct.settings.web.login_free_failures_per_pair, answers
    assert all(a == "Wrong email or password." or a.startswith("Too many failed attempts") for a in answers)


def test_the_session_cookie_is_secure_when_a_trusted_proxy_says_https(proxied):
    """Behind a trusted proxy that forwards https, the session cookie carries Secure; over plain http it does not."""
    email, password = ACCOUNTS["operator"]
    over_https = attempt(proxied.url, email, password, "198.51.100.20", headers={"X-Forwarded-Proto": "https"})
    over_http = attempt(proxied.url, email, password, "198.51.100.21")
    assert "secure" in over_https.headers["set-cookie"].lower()
    assert "secure" not in over_http.headers["set-cookie"].lower()


def test_the_session_cookie_is_secure_when_the_public_address_is_https(broker, tmp_path):
    """With RRM_WEB__PUBLIC_URL on https, the session cookie always carries Secure."""
    settings = web_settings(tmp_path, broker.bootstrap_servers, web={"public_url": "https://rrm.example.org"})
    with start_live_server(settings) as server:
        answer = httpx.get(server.url + "/login", timeout=30)
    assert "secure" in answer.headers["set-cookie"].lower()
