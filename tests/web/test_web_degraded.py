"""With the bus unreachable the console still answers: pages say the bus is down instead of failing or hanging."""

from __future__ import annotations

import time

import pytest

from bus.broker import free_port
from db.engine import make_engine, session_factory
from db.migrate import upgrade
from tests.conftest import make_settings
from tests.web.conftest import ACCOUNTS, start_live_server
from tests.web.test_web_access import client_as
from web.auth import add_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server_without_bus(tmp_path_factory):
    """The web app pointed at a port where no broker listens."""
    tmp = tmp_path_factory.mktemp("nobus")
    url = f"sqlite:///{tmp / 'rrm.sqlite3'}"
    upgrade(url)
    settings = make_settings(tmp, servers=f"127.0.0.1:{free_port()}", db_url=url,
                             web={"port": free_port(), "monitor_interval_s": 0.5},
                             kafka={"request_timeout_s": 2.0})
    engine = make_engine(url)
    with session_factory(engine)() as session, session.begin():
        add_user(session, *ACCOUNTS["operator"], "operator")
    engine.dispose()
    with start_live_server(settings) as server:
        yield server


def test_dashboard_and_health_say_the_bus_is_down(server_without_bus) -> None:
    """The dashboard names the outage, /healthz stays up with bus=false, and the rejected page answers at once."""
    client = client_as(server_without_bus, "operator")
    deadline = time.monotonic() + 15  # the monitor gives up on an unreachable bootstrap server after 5 s
    while time.monotonic() < deadline:
        data = client.get("/ops/data.json").json()
        if data["at"] and not data["bus"]["ok"]:
            break
        time.sleep(0.5)
    assert data["bus"]["error"]
    page = client.get("/ops")
    assert page.status_code == 200 and "The bus cannot be reached" in page.text
    assert '<span class="nav-alert">bus down</span>' in client.get("/ops/stories").text
    health = client.get("/healthz").json()
    assert health == {**health, "status": "ok", "database": True, "bus": False}
    started = time.monotonic()
    rejected = client.get("/ops/rejected")
    assert rejected.status_code == 200 and "The bus cannot be read right now" in rejected.text
    assert time.monotonic() - started < 5
    detail = client.get("/ops/rejected/0/0")
    assert detail.status_code == 503 and "Traceback" not in detail.text
