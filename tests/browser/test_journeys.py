"""The portal's main journeys in a real browser, asserting what the visitor would notice."""

import re

import pytest
from playwright.sync_api import Page, Request, expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# The header's account area, and the log-in and log-out controls in it. Located by markup, not
# by wording: the Italian catalogue is being written and may reword them.
ACCOUNT_AREA = ".it-header-slim-right-zone .it-access-top-wrapper"
LOG_IN_LINK = f"{ACCOUNT_AREA} a[href^='/account/login/']"
LOG_OUT_BUTTON = f"{ACCOUNT_AREA} form[action='/account/logout/'] button[type=submit]"

ZONES = [
    "1. Torino",
    "2. AMT Ovest",
    "3. AMT Sud",
    "4. AMT Nord",
    "5. Pinerolese",
    "6. Valli di Susa e Sangone",
    "7. Ciriacese - Valli di Lanzo",
    "8. Canavese occidentale",
    "9. Eporediese",
    "10. Chivassese",
    "11. Chierese - Carmagnolese",
]
HOME_URL = re.compile(r"^http://[^/]+/$")
MUNICIPALITY_ROWS = "#municipality-results tbody tr"
PINEROLESE_MUNICIPALITIES = 45
# The Pinerolese municipalities whose name contains "pin", as the filter should list them.
PIN_MATCHES = [
    "Inverso Pinasca",
    "Pinasca",
    "Pinerolo",
    "Salza di Pinerolo",
    "San Secondo di Pinerolo",
]


def test_spokesperson_logs_in_and_out(page: Page, live_spokesperson):
    page.goto("/")
    page.locator(LOG_IN_LINK).click()
    expect(page).to_have_url(re.compile(r"/account/login/"))

    form = page.locator("main form")
    form.locator("#id_login").fill(live_spokesperson.email)
    form.locator("#id_password").fill(PASSWORD)
    form.locator("button[type=submit]").click()

    # Back where the log-in started, with the name in the header and a log-out button.
    expect(page).to_have_url(HOME_URL)
    expect(page.locator(ACCOUNT_AREA)).to_contain_text("Giovanna Ferrero")
    expect(page.locator(LOG_OUT_BUTTON)).to_be_visible()
    expect(page.locator(LOG_IN_LINK)).to_have_count(0)

    # Logged in, the zone page shows the spokespersons' e-mail addresses.
    page.goto("/zone/pinerolese/")
    expect(page.locator("a[href='mailto:portavoce5@example.org']")).to_be_visible()

    with page.expect_request(
        lambda request: request.method == "POST" and request.url.endswith("/account/logout/")
    ):
        page.locator(LOG_OUT_BUTTON).click()
    expect(page).to_have_url(HOME_URL)
    expect(page.locator(LOG_IN_LINK)).to_be_visible()
    expect(page.locator(ACCOUNT_AREA)).not_to_contain_text("Giovanna Ferrero")
    page.goto("/zone/pinerolese/")
    expect(page.locator("h1")).to_contain_text("Pinerolese")
    expect(page.locator("a[href='mailto:portavoce5@example.org']")).to_have_count(0)


def test_wrong_password_keeps_you_out(page: Page, live_spokesperson):
    page.goto("/account/login/")
    form = page.locator("main form")
    form.locator("#id_login").fill(live_spokesperson.email)
    form.locator("#id_password").fill("not-the-right-password")
    form.locator("button[type=submit]").click()

    expect(form.locator(".alert-danger")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/account/login/$"))
    expect(page.locator(LOG_IN_LINK)).to_be_visible()
    expect(page.locator(LOG_OUT_BUTTON)).to_have_count(0)


def test_zones_index_lists_the_zones_and_metropolitan_totals(page: Page, live_territory):
    page.goto("/")
    zones_link = page.locator("#main-nav a[href='/zone/']")
    zones_link.click()
    expect(page).to_have_url(re.compile(r"/zone/$"))
    expect(zones_link).to_have_attribute("aria-current", "page")

    table = page.locator("#zones-table")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(11)
    # In the order of their numbers, each a link to its page.
    expect(table.locator("tbody th a")).to_have_text(ZONES)

    # The totals row, numbers in Italian form: a dot between thousands.
    totals = table.locator("tfoot tr").locator("th, td")
    expect(totals.nth(1)).to_have_text("312")
    expect(totals.nth(2)).to_have_text("2.198.237")

    table.get_by_role("link", name="5. Pinerolese").click()
    expect(page).to_have_url(re.compile(r"/zone/pinerolese/$"))
    expect(page.locator("h1")).to_contain_text("5 Pinerolese")


def test_municipality_filter_updates_in_place_and_back_restores(page: Page, live_territory):
    page.goto("/zone/pinerolese/")
    rows = page.locator(MUNICIPALITY_ROWS)
    expect(rows).to_have_count(PINEROLESE_MUNICIPALITIES)

    # A marker on window survives only if the page is never reloaded.
    page.evaluate("window.__noFullNavigation = true")
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))

    # One input event, as a paste or a fast typist makes: typing key by key on a slow machine
    # could let the 250 ms debounce fire in between and push one history entry per letter.
    page.locator("#id_q").fill("pin")

    expect(page).to_have_url(re.compile(r"/zone/pinerolese/\?q=pin$"))
    expect(rows).to_have_count(len(PIN_MATCHES))
    expect(rows.locator("th")).to_have_text(PIN_MATCHES)
    assert page.evaluate("window.__noFullNavigation") is True
    # The list came from htmx requests, not from loading a document.
    assert [r for r in requests if r.resource_type == "document"] == []
    htmx_requests = [r for r in requests if r.headers.get("hx-request") == "true"]
    assert htmx_requests, "typing in the filter sent no htmx request"
    assert htmx_requests[-1].url.endswith("/zone/pinerolese/?q=pin")
    # The typed text is still there, with the focus on it to go on typing.
    expect(page.locator("#id_q")).to_have_value("pin")
    expect(page.locator("#id_q")).to_be_focused()

    page.go_back()
    expect(page).to_have_url(re.compile(r"/zone/pinerolese/$"))
    expect(rows).to_have_count(PINEROLESE_MUNICIPALITIES)
    expect(page.locator("#id_q")).to_have_value("")
    assert page.evaluate("window.__noFullNavigation") is True

    page.go_forward()
    expect(page).to_have_url(re.compile(r"/zone/pinerolese/\?q=pin$"))
    expect(rows).to_have_count(len(PIN_MATCHES))


def test_municipality_filter_works_without_javascript(new_context, live_territory):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/zone/pinerolese/")
    rows = page.locator(MUNICIPALITY_ROWS)
    expect(rows).to_have_count(PINEROLESE_MUNICIPALITIES)

    page.locator("#id_q").fill("pin")
    page.locator("form[role=search] button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/zone/pinerolese/\?q=pin$"))
    expect(rows).to_have_count(len(PIN_MATCHES))
    expect(rows.locator("th")).to_have_text(PIN_MATCHES)
    expect(page.locator("#id_q")).to_have_value("pin")

    # Neither accents nor case matter: "PINERÒLO" finds the three municipalities named so.
    page.locator("#id_q").fill("PINERÒLO")
    page.locator("#id_q").press("Enter")
    expect(rows.locator("th")).to_have_text(
        ["Pinerolo", "Salza di Pinerolo", "San Secondo di Pinerolo"]
    )


def test_language_switch_reloads_the_same_page(page: Page, live_territory):
    html = page.locator("html")
    heading = page.locator("h1")
    switch = page.locator("form.language-switch")
    english = switch.get_by_role("button", name="English")
    italian = switch.get_by_role("button", name="Italiano")

    page.goto("/zone/")
    expect(html).to_have_attribute("lang", "it")
    expect(italian).to_have_attribute("aria-current", "true")
    # Needs the Italian catalogue (locale/it/LC_MESSAGES/django.mo).
    expect(heading).to_have_text(re.compile(r"zone omogenee", re.IGNORECASE))

    english.click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/zone/$"))
    expect(heading).to_have_text("The homogeneous zones")
    expect(english).to_have_attribute("aria-current", "true")
    expect(italian).not_to_have_attribute("aria-current", "true")

    # The choice sticks for the next pages, though the browser still asks for Italian.
    page.goto("/zone/pinerolese/?q=pin")
    expect(html).to_have_attribute("lang", "en")
    expect(heading).to_have_text("Zone 5 Pinerolese")

    italian.click()
    expect(html).to_have_attribute("lang", "it")
    expect(page).to_have_url(re.compile(r"/zone/pinerolese/\?q=pin$"))
    expect(page.locator(MUNICIPALITY_ROWS)).to_have_count(len(PIN_MATCHES))
    expect(italian).to_have_attribute("aria-current", "true")
    # Needs the Italian catalogue.
    expect(heading).to_have_text(re.compile(r"Zona 5 Pinerolese"))
