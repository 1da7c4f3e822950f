"""An in-place action that the server refuses tells the user so, instead of doing nothing."""

import pytest
from playwright.sync_api import expect

from practices.models import Practice
from tests.factories import MembershipFactory, PracticeFactory
from zones.models import Zone

pytestmark = pytest.mark.browser


def test_a_refused_in_place_action_shows_an_error(new_context, log_in, live_territory, live_themes):
    practice = PracticeFactory(zone=Zone.objects.get(number=5), status="published")
    reader = MembershipFactory(zone=Zone.objects.get(number=3)).user
    context = new_context(locale="en-GB")
    log_in(context, reader)
    page = context.new_page()
    page.goto(practice.get_absolute_url())
    error = page.locator("#htmx-error")
    expect(error).to_be_hidden()

    # While the page is open the practice is archived: comments are no longer allowed (403).
    Practice.objects.filter(pk=practice.pk).update(status=Practice.Status.ARCHIVED)
    page.locator("#comments textarea").fill("Una domanda sui costi.")
    page.locator("#comments form button[type=submit]").last.click()

    expect(error).to_be_visible()
    expect(error).to_contain_text("could not be completed")
    assert not practice.comments.exists()
