"""Fixtures for the end-to-end tests: one headless Chromium per session, a fresh context per test.

The tests drive Debian's Chromium through Playwright's sync API against pytest-django's
``live_server``. Without ``/usr/bin/chromium`` they are skipped, except under ``CI=true``, where
a missing browser is an error: CI must not go green without having run them.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

# Playwright's sync API runs an event loop in the test thread; without this the ORM refuses to
# work beside it. Set before any fixture touches the database (tests/conftest.py sets it too).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402

from roundtable.roles import staff_group  # noqa: E402
from tests.factories import MembershipFactory, UserFactory  # noqa: E402
from zones.territory import load_directory  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = f"Chromium not found at {CHROMIUM}: apt-get install chromium"

# Generous for a loaded CI machine, short enough that a broken page fails fast.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{MISSING_CHROMIUM} (required when CI=true)", pytrace=False)
        pytest.skip(MISSING_CHROMIUM)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser, live_server) -> Iterator[Callable[..., BrowserContext]]:
    """Make a browser context on the live server (Italian unless told otherwise).

    Keyword arguments go to ``Browser.new_context``; every context is closed after the test.
    """
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        options = {"base_url": live_server.url, "locale": "it-IT", **options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    """A page in a fresh Italian context."""
    return new_context().new_page()


@pytest.fixture
def live_territory(transactional_db) -> None:
    """The shipped territory (11 zones, 312 municipalities), visible to the live server."""
    load_directory(settings.TERRITORY_DIR)


@pytest.fixture
def live_spokesperson(live_territory):
    """The spokesperson of zone 5 (Pinerolese), with a known name."""
    from zones.models import Zone

    user = UserFactory(email="portavoce5@example.org", first_name="Giovanna", last_name="Ferrero")
    MembershipFactory(user=user, zone=Zone.objects.get(number=5))
    return user


@pytest.fixture
def live_staff(transactional_db):
    user = UserFactory(
        email="staff@example.org", first_name="Marta", last_name="Bianchi", is_staff=True
    )
    user.groups.add(staff_group())
    return user


@pytest.fixture
def log_in(live_server) -> Callable[[BrowserContext, object], None]:
    """Log a user in by giving the context a session cookie (the log-in form has its own test)."""

    def log_in(context: BrowserContext, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return log_in
