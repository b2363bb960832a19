"""Browser-test fixtures: a live web server on a free port, Debian's chromium through Playwright, logged-in pages.

    def test_x(page_as, live_server):
        page = page_as("operator")
        page.goto(live_server.url + "/ops")

`live_server` is shared by the tests of one module (its own SQLite store and topic prefix on the session broker);
use `start_live_server(settings)` for a server with special settings. Accounts: `ACCOUNTS[role] = (email, password)`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from bus.admin import ensure_topics
from bus.broker import free_port, port_open
from config.settings import Settings
from db.engine import make_engine, session_factory
from db.migrate import upgrade
from tests.conftest import make_settings
from web.app import create_app
from web.auth import add_user

CHROMIUM = os.environ.get("RRM_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
ACCOUNTS = {
    "donor": ("donor@test.rrm", "donor-password-1"),
    "duty_officer": ("officer@test.rrm", "officer-password-1"),
    "operator": ("operator@test.rrm", "operator-password-1"),
    "admin": ("admin@test.rrm", "admin-password-1"),
}


@dataclass
class LiveServer:
    """A running web server: its base URL, settings and a session factory on its store."""

    url: str
    settings: Settings
    sessions: object
    app: object


def web_settings(tmp: Path, servers: str, **overrides: object) -> Settings:
    """Test settings with a migrated SQLite store, the catalog's topics created and the test accounts."""
    url = f"sqlite:///{tmp / 'rrm.sqlite3'}"
    upgrade(url)
    port = free_port()
    web = {"host": "127.0.0.1", "port": port, **overrides.pop("web", {})}  # type: ignore[dict-item]
    settings = make_settings(tmp, servers=servers, db_url=url, web=web, **overrides)
    ensure_topics(settings.kafka)
    engine = make_engine(url)
    with session_factory(engine)() as session, session.begin():
        for role, (email, password) in ACCOUNTS.items():
            add_user(session, email, password, role, role.replace("_", " ").title())
    engine.dispose()
    return settings


@contextmanager
def start_live_server(settings: Settings) -> Iterator[LiveServer]:
    """Run the web app with uvicorn in a thread on `settings.web.port`; stop it on exit."""
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=settings.web.port, log_config=None, access_log=False,
                            proxy_headers=False,  # as `rrm web`: only RRM_WEB__TRUSTED_PROXIES are believed
                            lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not (server.started and port_open("127.0.0.1", settings.web.port)):
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the web server did not start on port {settings.web.port}")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{settings.web.port}", settings, app.state.sessions, app)
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="module")
def live_server(broker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The web app on a free port, on the session broker, with one account per role (ACCOUNTS)."""
    settings = web_settings(tmp_path_factory.mktemp("web"), broker.bootstrap_servers)
    with start_live_server(settings) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, driven by Playwright (never `playwright install`)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own browser context (no cookies)."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def log_in(page: Page, base_url: str, role: str) -> Page:
    """Sign in through the login form as the test account of `role`."""
    email, password = ACCOUNTS[role]
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + ("/donors" if role == "donor" else "/"))  # a donor starts on the one page it sees
    return page


@pytest.fixture
def page_as(browser: Browser, live_server: LiveServer) -> Iterator[Callable[[str], Page]]:
    """`page_as(role)`: a page already signed in as that role, each in its own browser context."""
    contexts = []

    def make(role: str) -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return log_in(context.new_page(), live_server.url, role)

    yield make
    for context in contexts:
        context.close()
