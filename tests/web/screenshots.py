"""Take the screenshots in docs/screenshots/ from a running engine (`rrm up`), with the same Playwright and chromium
as the browser tests.

    .venv/bin/python -m tests.web.screenshots --url http://127.0.0.1:8000 \
        --operator operator@demo:PASSWORD --officer officer@demo:PASSWORD --admin admin@demo:PASSWORD
"""

from __future__ import annotations

import argparse
import time

from playwright.sync_api import Page, sync_playwright

from config.settings import PROJECT_ROOT
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS

OUT = PROJECT_ROOT / "docs" / "screenshots"


def sign_in(page: Page, url: str, credentials: str) -> None:
    """Sign in through the form."""
    email, password = credentials.split(":", 1)
    page.goto(url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/")


def shoot(page: Page, name: str, full_page: bool = True) -> None:
    """Save one screenshot."""
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(f"wrote {path.relative_to(PROJECT_ROOT)}")


def main() -> None:
    """Take every screenshot."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--operator", required=True, help="email:password")
    parser.add_argument("--officer", required=True, help="email:password")
    parser.add_argument("--admin", required=True, help="email:password")
    parser.add_argument("--wait", type=float, default=8.0, help="Seconds the live dashboard collects before the shot.")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    url = args.url.rstrip("/")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.goto(url + "/login")
        shoot(page, "login", full_page=False)
        sign_in(page, url, args.operator)
        page.goto(url + "/ops")
        time.sleep(args.wait)
        shoot(page, "ops-dashboard")
        page.goto(url + "/ops/rejected")
        shoot(page, "ops-rejected")
        link = page.locator("#rejected tbody a").first
        if link.count():
            link.click()
            shoot(page, "ops-rejected-message")
        page.goto(url + "/ops/stories")
        shoot(page, "ops-stories")
        page.goto(url + "/admin/users")
        shoot(page, "error-403", full_page=False)
        context.close()

        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        sign_in(page, url, args.officer)
        shoot(page, "home-duty-officer", full_page=False)
        context.close()

        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        sign_in(page, url, args.admin)
        page.goto(url + "/admin/users")
        shoot(page, "admin-accounts")
        context.close()

        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
        page = context.new_page()
        sign_in(page, url, args.operator)
        page.goto(url + "/ops")
        time.sleep(3)
        shoot(page, "ops-dashboard-phone", full_page=False)
        context.close()
        browser.close()


if __name__ == "__main__":
    main()
