"""Two-step verification in the browser: a member of the staff who has not set it up logs in,
is sent to set it up, reads the key, types the app's code and reaches the dashboard; next time
the log-in asks for the code."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, totp_code

pytestmark = pytest.mark.browser


def test_staff_set_up_two_step_verification_at_first_log_in(
    page, live_territory, live_staff_without_mfa
):
    page.goto("/account/login/")
    page.locator("#id_login").fill("nuovo.staff@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()

    # Nothing else opens until it is done: allauth asks the password again, then the set-up.
    expect(page).to_have_url(re.compile(r"/account/reauthenticate/"))
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account/2fa/totp/activate/$"))
    expect(page.locator("#mfa-required")).to_be_visible()
    expect(page.locator("img.mfa-qr")).to_be_visible()
    page.goto("/cruscotto/")
    expect(page).to_have_url(re.compile(r"/account/2fa/totp/activate/$"))

    # "Scan" the QR code: read the key written under it, as a phone without a camera would.
    secret = page.locator("#mfa-secret").inner_text().strip()
    page.locator("#id_code").fill("000000")
    page.locator("main form[action$='/totp/activate/'] button[type=submit]").click()
    expect(page.locator("#id_code_error")).to_be_visible()
    page.locator("#id_code").fill(totp_code(secret))
    page.locator("main form[action$='/totp/activate/'] button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/account/2fa/recovery-codes/$"))
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.locator("main a[href='/']").last.click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/cruscotto/")
    expect(page).to_have_url(re.compile(r"/cruscotto/$"))
    expect(page.locator("h1")).to_be_visible()

    # Next time, the log-in asks for the code.
    page.context.clear_cookies()  # a new browser session
    page.goto("/account/login/")
    page.locator("#id_login").fill("nuovo.staff@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account/2fa/authenticate/$"))
    page.locator("#id_code").fill(totp_code(secret, offset=1))  # the next period's code
    page.locator("main form[action$='/authenticate/'] button[type=submit]").first.click()
    expect(page.locator("#id_code_error")).to_be_visible()  # not valid yet
    page.locator("#id_code").fill(totp_code(secret))
    page.locator("main form[action$='/authenticate/'] button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/profilo/")
    expect(page).to_have_url(re.compile(r"/profilo/$"))
