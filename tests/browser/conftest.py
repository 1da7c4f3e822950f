"""Fixtures for the end-to-end tests: one headless Chromium per session, a fresh context per test.

The tests drive Debian's Chromium through Playwright's sync API (not pytest-playwright) against
pytest-django's ``live_server``, which runs with DEBUG off, so the portal's own error pages are
the ones shown. Without ``/usr/bin/chromium`` the tests are skipped, except under ``CI=true``,
where a missing browser fails them: CI must not go green without having run them.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from roundtable.roles import staff_group
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory
from zones.territory import load_directory

# Playwright's sync API keeps an event loop in the test thread, and Django refuses ORM calls
# when it sees one. Set here (tests/conftest.py sets it too) before any fixture or test touches
# the database; Django reads it at every call, so setting it at import time is early enough.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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

# Generous for a loaded CI machine, short enough that a broken page fails in seconds.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"{MISSING_CHROMIUM}. The browser tests are required when CI=true.",
                pytrace=False,
            )
        pytest.skip(MISSING_CHROMIUM)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser, live_server) -> Iterator[Callable[..., BrowserContext]]:
    """Make a browser context on the live server, Italian unless told otherwise.

    Keyword arguments go to ``Browser.new_context`` (``locale``, ``java_script_enabled``...);
    relative URLs resolve against the live server; every context is closed after the test.
    """
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        context = browser.new_context(**{"base_url": live_server.url, "locale": "it-IT", **options})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    """A page in a fresh Italian context (Accept-Language: it-IT)."""
    return new_context().new_page()


@pytest.fixture
def live_territory(transactional_db) -> None:
    """The shipped territory (11 zones, 312 municipalities), committed so the live server sees it.

    ``tests/conftest.py``'s ``territory`` would work too (``live_server`` makes ``db``
    transactional), but asking for ``transactional_db`` here says what the browser tests need.
    """
    load_directory(settings.TERRITORY_DIR)


@pytest.fixture
def live_spokesperson(live_territory):
    """The spokesperson of zone 5 (Pinerolese), with a name to look for in the header."""
    from zones.models import Zone

    user = UserFactory(email="portavoce5@example.org", first_name="Giovanna", last_name="Ferrero")
    MembershipFactory(user=user, zone=Zone.objects.get(number=5))
    return user


@pytest.fixture
def live_staff(transactional_db):
    """A member of the metropolitan staff."""
    user = UserFactory(
        email="staff@example.org", first_name="Marta", last_name="Bianchi", is_staff=True
    )
    user.groups.add(staff_group())
    return user


@pytest.fixture
def unassigned_municipality(live_territory):
    """A municipality with no zone, so the pages that list them have something to show."""
    return MunicipalityFactory(name="Comune senza zona", zone=None, zone_evidence="")


@pytest.fixture
def log_in(live_server) -> Callable[[BrowserContext, object], None]:
    """Log ``user`` in by handing the context a session cookie.

    The log-in form has its own journey test; the other tests skip it to stay fast.
    """

    def log_in(context: BrowserContext, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return log_in
