"""Security tests use the browser fixtures of tests/web (a live server, chromium, signed-in pages)."""

from tests.web.conftest import browser, live_server, page, page_as  # noqa: F401 - fixtures re-exported for pytest
