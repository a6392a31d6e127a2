import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Locator, Page, expect

# Playwright's sync API runs an event loop in this thread; Django's live server and ORM
# calls from the test are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError("REQUIRE_BROWSER is set but Debian's chromium is not installed.")
    skip = pytest.mark.skip(
        reason="browser tests need Debian's chromium (apt-get install chromium)"
    )
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def site(live_server, loaded_bank):
    """The live server's address, with the real question bank loaded."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Our learners' browsers ask for Chinese; English is chosen from the language menu.
    # 1280x800 is also the size of the screenshots in docs/screenshots/.
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "viewport": {"width": 1280, "height": 800},
    }


SCREENSHOTS_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def save_screenshot(page: Page, name: str) -> None:
    """Save the page's viewport as docs/screenshots/<name>.png when SAVE_SCREENSHOTS=1.

    Off by default so that test runs (and CI) never rewrite the committed pictures.
    """
    if os.environ.get("SAVE_SCREENSHOTS") != "1":
        return
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    # Let web fonts and htmx swaps settle so the picture shows the finished page.
    page.wait_for_load_state("networkidle")
    page.screenshot(path=SCREENSHOTS_DIR / f"{name}.png", animations="disabled")


PASSWORD = "correct horse battery"


def sign_up(page: Page, site: str, email: str, password: str = PASSWORD) -> None:
    """Create an account through the sign-up form, as a new visitor does; ends logged in."""
    page.goto(f"{site}/")
    page.locator(".site-header").get_by_role("link", name=re.compile("注册|Sign up")).click()
    page.get_by_label(re.compile("电子邮件|邮箱|Email")).fill(email)
    passwords = page.locator("input[type=password]")
    passwords.nth(0).fill(password)
    passwords.nth(1).fill(password)
    page.locator("form.account-form button[type=submit]").click()
    expect(page.locator(".site-header form.nav-logout")).to_be_visible()


def sign_in(page: Page, site: str, user) -> None:
    """Log in through Django's test client and hand its session cookie to the browser."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site}])


def reveal_with_the_keyboard(page: Page, card: Locator) -> str:
    """Show the practice card's answer with Space; returns the card's title."""
    title = card.locator("h1").inner_text()
    answer = card.locator(".reveal .answer")
    expect(answer).to_be_hidden()
    # The card is on screen while the page is still parsing; practice.js (deferred) listens
    # for keys from DOMContentLoaded on. On a busy machine the key could come before it.
    page.wait_for_load_state("domcontentloaded")
    wait_for_htmx(page)
    page.keyboard.press("Space")
    expect(answer).to_be_visible()
    return title


def wait_for_htmx(page) -> None:
    """Wait until htmx has finished its request and settled the swapped content.

    While it settles (20 ms, longer on a busy machine) htmx restores the new content's
    attributes, so a key pressed in that window (no person is that fast) would be undone.
    """
    # A locator, not wait_for_function: the page's CSP forbids the eval that polling uses.
    expect(page.locator(".htmx-request, .htmx-settling")).to_have_count(0)
