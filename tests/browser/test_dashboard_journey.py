"""The dashboard in a real browser, from end to end: staff open the scorecard, switch to the
map and change its figure, then open a cell of the zones-by-themes matrix and land on the
catalogue filtered to that zone and theme, with as many practices as the cell said.

Read in English, the language the portal's strings are written in.
"""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_staff_go_from_the_scorecard_to_the_map_and_to_a_matrix_cell(
    new_context, log_in, live_staff, live_practices, live_meetings
):
    context = new_context(locale="en-GB")
    log_in(context, live_staff)
    page: Page = context.new_page()

    page.goto("/")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Dashboard"
    ).click()
    expect(page).to_have_url(re.compile(r"/cruscotto/$"))
    expect(page.get_by_role("heading", name="Zone scorecard")).to_be_visible()
    expect(page.locator("#scorecard tbody tr")).to_have_count(11)
    # Zone 5's practices of the last twelve months open the list they count.
    shared = page.locator("#cell-5-practices a")
    count = int(shared.inner_text())
    assert count > 0
    shared.click()
    expect(page.locator("#scorecard-list tbody tr")).to_have_count(count)
    page.go_back()

    dashboard = page.get_by_role("navigation", name="Dashboard")
    dashboard.get_by_role("link", name="Map").click()
    expect(page.get_by_role("heading", name="Population by zone")).to_be_visible()
    page.get_by_label("Figure shown on the map").select_option(label="Practices shared")
    page.get_by_role("button", name="Show on the map").click()
    expect(page).to_have_url(re.compile(r"\?figure=practices$"))
    expect(page.get_by_role("heading", name="Practices shared by zone")).to_be_visible()
    expect(page.locator("#map-zone-5")).to_have_attribute(
        "aria-label", re.compile(r"^5\. Pinerolese: ")
    )

    page.get_by_role("navigation", name="Dashboard").get_by_role(
        "link", name="Zones and themes"
    ).click()
    expect(page.get_by_role("heading", name="Zones and themes", exact=True)).to_be_visible()
    # Zone 3 has no practice of its own: its one filled cell is a practice it adopted.
    cell = page.locator("#zone-theme-matrix td[id^='cell-3-']:not(.matrix-empty) a").first
    expected = int(cell.locator("span[aria-hidden=true]").inner_text())
    cell.click()
    expect(page).to_have_url(re.compile(r"/pratiche/\?zone=3&adopted=on&theme=[\w-]+$"))
    expect(page.locator("#id_zone")).to_have_value("3")
    expect(page.locator("#id_adopted")).to_be_checked()
    expect(page.locator("#practice-results article")).to_have_count(expected)
