"""The dashboard's map in a real browser: the staff pick a figure and read a zone's figure with
the keyboard and the pointer.

Read in English, the language the portal's strings are written in.
"""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ENGLISH = "en-GB"


@pytest.fixture
def map_page(new_context, log_in, live_staff, live_practices) -> Page:
    context = new_context(locale=ENGLISH)
    log_in(context, live_staff)
    page = context.new_page()
    page.goto("/cruscotto/mappa/")
    return page


def test_staff_pick_a_figure_and_the_map_shows_it(map_page: Page):
    page = map_page
    expect(page.get_by_role("heading", name="Population by zone")).to_be_visible()
    expect(page.locator("svg.zone-map g.map-zone")).to_have_count(11)
    expect(page.locator("svg.zone-map path.map-municipality")).to_have_count(312)

    page.get_by_label("Figure shown on the map").select_option(label="Adoptions")
    page.get_by_role("button", name="Show on the map").click()
    expect(page).to_have_url(re.compile(r"\?figure=adoptions$"))
    expect(page.get_by_role("heading", name="Adoptions by zone")).to_be_visible()
    expect(page.get_by_label("Figure shown on the map")).to_have_value("adoptions")
    # Zone 3 adopted zone 5's published practice: the only zone with an adoption.
    expect(page.locator("#map-zone-3")).to_have_attribute("aria-label", "3. AMT Sud: 1 adoption")
    expect(page.locator("#map-zone-3")).to_have_class(re.compile(r"\bmap-class-5\b"))
    expect(page.locator("#zone-map-table th.map-chosen")).to_contain_text("Adoptions")


def test_the_keyboard_reaches_each_zone_and_the_box_says_its_figure(map_page: Page):
    page = map_page
    info = page.locator("#map-info")
    expect(info).to_be_visible()
    expect(info).to_contain_text("Tab key")

    page.get_by_role("button", name="Show on the map").focus()
    page.keyboard.press("Tab")
    first = page.locator("#map-zone-1")
    expect(first).to_be_focused()
    expect(info).to_have_text(re.compile(r"^1\. Torino: [\d,]+ inhabitants$"))
    page.keyboard.press("Tab")
    expect(page.locator("#map-zone-2")).to_be_focused()
    expect(info).to_have_text(re.compile(r"^2\. AMT Ovest: "))

    # The pointer on a zone says that zone; leaving the map goes back to the focused one.
    page.locator("#map-zone-5 path.map-municipality").first.hover()
    expect(info).to_have_text(re.compile(r"^5\. Pinerolese: "))
    page.get_by_role("heading", name="Map of the zones").hover()
    expect(info).to_have_text(re.compile(r"^2\. AMT Ovest: "))
