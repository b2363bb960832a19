"""Every form of the console, crawled as an admin, takes SQL metacharacters and script without harm.

The crawler signs in, follows every same-site link from the start page (demo data seeded, so detail pages have their
forms), and submits every POST form with each text field set to a hostile value. No answer may be a server error,
no page may echo the script unescaped, and the tables are all still there afterwards.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import httpx
import pytest
from sqlalchemy import inspect

from rrm import stages
from tests.web.conftest import ACCOUNTS, start_live_server, web_settings

SQL = "x' OR '1'='1'; DROP TABLE outbox; --"
SCRIPT = '<script>alert("rrm-xss")</script><img src=x onerror=alert(1)>'
SKIP_ACTIONS = ("/logout",)


class _Page(HTMLParser):
    """Links and forms of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(), "fields": [],
                          "enctype": a.get("enctype", "")}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select"):
            field = {"tag": tag, "name": a.get("name", ""), "type": a.get("type", "text").lower(),
                     "value": a.get("value", ""), "options": [], "checked": "checked" in a}
            if field["name"]:
                self._form["fields"].append(field)
            if tag == "select":
                self._select = field
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _login(client: httpx.Client) -> None:
    form = _parse(client.get("/login").text).forms[0]
    data = {f["name"]: f["value"] for f in form["fields"] if f["type"] == "hidden"}
    email, password = ACCOUNTS["admin"]
    data.update({"email": email, "password": password})
    answer = client.post("/login", data=data)
    assert answer.status_code in (200, 303), answer.text[:300]


def _fill(form: dict, hostile: str) -> dict[str, str]:
    data: dict[str, str] = {}
    for field in form["fields"]:
        kind = field["type"]
        if kind == "hidden":
            data[field["name"]] = field["value"]
        elif field["tag"] == "select":
            data[field["name"]] = next((o for o in field["options"] if o), "")
        elif kind in ("checkbox", "radio"):
            if field["checked"]:
                data[field["name"]] = field["value"] or "on"
        elif kind in ("submit", "button", "file"):
            continue
        elif kind == "number":
            data[field["name"]] = "1"
        elif kind == "email":
            data[field["name"]] = "o'brien+<x>@example.org"
        elif kind in ("date", "datetime-local", "time"):
            data[field["name"]] = field["value"] or ""
        else:
            data[field["name"]] = hostile
    return data


@pytest.fixture(scope="module")
def seeded_server(broker, tmp_path_factory):
    """A live console on a store with every stage's demo data."""
    settings = web_settings(tmp_path_factory.mktemp("hostile"), broker.bootstrap_servers)
    for module in stages.demo_modules():
        if module.__name__ != "ingest.demo":  # feeds need no pages here; keep the crawl on console data
            module.seed(settings)
    with start_live_server(settings) as server:
        yield server


@pytest.mark.timeout(600)
@pytest.mark.parametrize("hostile", [SQL, SCRIPT], ids=["sql", "script"])
def test_every_form_survives_hostile_text(seeded_server, hostile):
    """SQL metacharacters and script in every field of every form: no server error, no script echoed, no table lost."""
    base = seeded_server.url
    origin = urlparse(base).netloc
    with httpx.Client(base_url=base, follow_redirects=True, timeout=30) as client:
        _login(client)
        seen: set[str] = set()
        queue = ["/"]
        forms: list[tuple[str, dict]] = []
        while queue and len(seen) < 120:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            answer = client.get(path)
            assert answer.status_code < 500, f"GET {path} -> {answer.status_code}"
            if "text/html" not in answer.headers.get("content-type", ""):
                continue
            page = _parse(answer.text)
            for href in page.links:
                target = urlparse(urljoin(base + path, href))
                if target.netloc != origin or target.path.startswith(("/static", "/logout", "/metrics")):
                    continue
                if re.search(r"/(events|stream|sse)\b", target.path):
                    continue  # live streams never end
                link = target.path + (f"?{target.query}" if target.query else "")
                if link not in seen:
                    queue.append(link)
            for form in page.forms:
                if form["method"] == "post" and not any(s in form["action"] for s in SKIP_ACTIONS):
                    forms.append((path, form))
        assert len(seen) > 5 and forms, "the crawl found too little to test"
        print(f"crawled {len(seen)} pages, {len(forms)} forms")
        tried = set()
        for path, form in forms:
            action = urljoin(base + path, form["action"] or path)
            key = (action, tuple(sorted(f["name"] for f in form["fields"])))
            if key in tried:
                continue
            tried.add(key)
            data = _fill(form, hostile)
            answer = client.post(action, data=data)
            assert answer.status_code < 500, f"POST {action} from {path} -> {answer.status_code}: {answer.text[:300]}"
            assert '<script>alert("rrm-xss")</script>' not in answer.text, f"script echoed by {action}"
            assert "<img src=x onerror" not in answer.text, f"markup echoed by {action}"
        for path in list(seen)[:60]:  # what was stored is shown escaped everywhere
            answer = client.get(path)
            assert '<script>alert("rrm-xss")</script>' not in answer.text, f"stored script shown on {path}"
    engine = seeded_server.app.state.engine
    assert {"outbox", "processed_messages"} <= set(inspect(engine).get_table_names())


def test_an_oversized_body_is_refused_with_413(seeded_server):
    """A request body over the limit is refused before it is read into memory."""
    big = "x" * (seeded_server.settings.web.max_body_bytes + 1024)
    answer = httpx.post(seeded_server.url + "/login", content=big,
                        headers={"content-type": "application/x-www-form-urlencoded"}, timeout=30)
    assert answer.status_code == 413


def test_login_brute_force_is_slowed(seeded_server):
    """Repeated wrong passwords for one account are refused for a while, even with the right one after."""
    email, password = ACCOUNTS["operator"]
    with httpx.Client(base_url=seeded_server.url, follow_redirects=False, timeout=30) as client:
        limit = seeded_server.settings.web.login_free_failures_per_pair
        for _ in range(limit + 1):
            form = _parse(client.get("/login").text).forms[0]
            data = {f["name"]: f["value"] for f in form["fields"] if f["type"] == "hidden"}
            data.update({"email": email, "password": "wrong-guess"})
            client.post("/login", data=data)
        form = _parse(client.get("/login").text).forms[0]
        data = {f["name"]: f["value"] for f in form["fields"] if f["type"] == "hidden"}
        data.update({"email": email, "password": password})
        answer = client.post("/login", data=data)
    assert answer.status_code == 429
