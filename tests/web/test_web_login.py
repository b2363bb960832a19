"""Signing in and out of the console in a real browser."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import ACCOUNTS

pytestmark = pytest.mark.browser


def test_anonymous_visitor_is_sent_to_login_and_back(page, live_server) -> None:
    """Opening a protected page asks for a login, then shows that page."""
    page.goto(live_server.url + "/admin/users")
    assert page.url.startswith(live_server.url + "/login")
    email, password = ACCOUNTS["admin"]
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/admin/users")
    assert page.get_by_role("heading", name="Accounts", level=1).is_visible()


def test_wrong_password_shows_an_error(page, live_server) -> None:
    """A wrong password keeps the visitor on the login page with a clear message."""
    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill(ACCOUNTS["operator"][0])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert "Wrong email or password" in page.locator("#login-error").inner_text()


def test_sign_out_ends_the_session(page_as, live_server) -> None:
    """After signing out, protected pages ask for a login again."""
    page = page_as("duty_officer")
    assert "Duty officer" in page.locator(".role-badge").inner_text()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/login")
    page.goto(live_server.url + "/")
    assert page.url.startswith(live_server.url + "/login")


def test_wrong_role_sees_a_clear_403_page(page_as, live_server) -> None:
    """An operator opening the admin page gets a 403 page that says why, without a traceback."""
    page = page_as("operator")
    response = page.goto(live_server.url + "/admin/users")
    assert response.status == 403
    assert "This page is for admins" in page.content()
    assert "Traceback" not in page.content()


def test_skip_link_takes_keyboard_users_to_the_content(page_as, live_server) -> None:
    """The first Tab reaches the skip link; following it moves focus to the main content."""
    page = page_as("operator")
    page.goto(live_server.url + "/ops/stories")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_repeated_failures_ask_to_wait_instead_of_locking(page, live_server) -> None:
    """After three wrong passwords from one place the form asks to wait a few seconds; then the right one works."""
    from web.auth import add_user

    with live_server.sessions() as session, session.begin():
        add_user(session, "slowed@test.rrm", "the-right-password", "operator")
    for _ in range(live_server.settings.web.login_free_failures_per_pair):
        page.goto(live_server.url + "/login")
        page.get_by_label("Email").fill("slowed@test.rrm")
        page.get_by_label("Password").fill("a-wrong-password")
        page.get_by_role("button", name="Sign in").click()
        assert "Wrong email or password" in page.locator("#login-error").inner_text()
    page.get_by_label("Email").fill("slowed@test.rrm")
    page.get_by_label("Password").fill("the-right-password")
    page.get_by_role("button", name="Sign in").click()
    assert "Wait 1 second and try again" in page.locator("#login-error").inner_text()
    page.wait_for_timeout(1200)
    page.get_by_label("Email").fill("slowed@test.rrm")
    page.get_by_label("Password").fill("the-right-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")


def test_a_cookie_copied_before_sign_out_no_longer_opens_admin_pages(page_as, browser, live_server) -> None:
    """Sign out ends the session on the server: a copy of the cookie taken before opens /admin/users no more."""
    page = page_as("admin")
    copied = page.context.cookies()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/login")
    thief = browser.new_context()
    try:
        thief.add_cookies(copied)
        stolen = thief.new_page()
        stolen.goto(live_server.url + "/admin/users")
        assert stolen.url.startswith(live_server.url + "/login")
        assert stolen.get_by_role("heading", name="Accounts").count() == 0
    finally:
        thief.close()


def test_an_admin_signs_a_user_out_everywhere(page_as, live_server) -> None:
    """The admin's "Sign out everywhere" button on /admin/users ends that user's open sessions at once."""
    officer = page_as("duty_officer")
    admin = page_as("admin")
    admin.goto(live_server.url + "/admin/users")
    row = admin.get_by_role("row").filter(has_text="officer@test.rrm")
    admin.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Sign out everywhere").click()
    assert re.search(r"Ended \d+ sessions? of officer@test\.rrm", admin.locator(".flash").first.inner_text())
    officer.goto(live_server.url + "/")
    assert officer.url.startswith(live_server.url + "/login")


def test_changing_a_password_ends_other_sessions(page, live_server) -> None:
    """A session opened before a password change is signed out after it."""
    from web.auth import add_user, set_password

    with live_server.sessions() as session, session.begin():
        add_user(session, "moved@test.rrm", "first-password-1", "operator")
    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill("moved@test.rrm")
    page.get_by_label("Password").fill("first-password-1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")
    with live_server.sessions() as session, session.begin():
        set_password(session, "moved@test.rrm", "second-password-2")
    page.goto(live_server.url + "/ops")
    assert page.url.startswith(live_server.url + "/login")
