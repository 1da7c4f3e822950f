"""Two-step verification: set up with a real code, asked at log-in (the admin's too), recovery
codes that work once, and the requirement for staff and administrators (roundtable.mfa)."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from roundtable.roles import staff_group

from .factories import PASSWORD, UserFactory, totp_code

ACTIVATE = reverse("mfa_activate_totp")
AUTHENTICATE = reverse("mfa_authenticate")
LOGIN = reverse("account_login")
REAUTHENTICATE = reverse("account_reauthenticate")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def log_in(client, user, next_url=None, **headers):
    data = {"login": user.email, "password": PASSWORD}
    url = LOGIN + (f"?next={next_url}" if next_url else "")
    return client.post(url, data, **headers)


def without_mfa(user):
    """Tests give staff an authenticator app (tests/conftest.py); these tests need one without."""
    Authenticator.objects.filter(user=user).delete()
    return user


@pytest.fixture
def bare_staff(db):
    user = UserFactory(email="nuovo.staff@example.org")
    user.groups.add(staff_group())
    return without_mfa(user)


def reauthenticate(client, url):
    """allauth asks for the password again before two-step verification is changed."""
    response = client.get(url)
    if response.status_code == 302 and response["Location"].startswith(REAUTHENTICATE):
        assert client.post(response["Location"], {"password": PASSWORD}).status_code == 302


def set_up_totp(client, **headers):
    """Open the set-up page, read the key shown as text, answer with the app's code."""
    reauthenticate(client, ACTIVATE)
    page = client.get(ACTIVATE, **headers)
    assert page.status_code == 200
    secret = re.search(r'<code id="mfa-secret"[^>]*>([A-Z2-7]+)</code>', page.content.decode())[1]
    return secret, client.post(ACTIVATE, {"code": totp_code(secret)}, **headers)


# --- Setting it up ------------------------------------------------------------------------------


def test_staff_without_mfa_logs_in_and_is_sent_to_set_it_up(client, bare_staff, territory):
    response = log_in(client, bare_staff)
    assert client.get(response["Location"])["Location"] == ACTIVATE
    to_password = client.get(ACTIVATE)
    assert to_password["Location"].startswith(REAUTHENTICATE)  # allauth asks it again first
    assert client.get(to_password["Location"]).status_code == 200  # allowed while required
    reauthenticate(client, ACTIVATE)
    page = client.get(ACTIVATE).content.decode()
    assert "Two-step verification is required" in page or "obbligatoria" in page
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code, allowed by the CSP
    assert 'id="mfa-secret"' in page

    secret, response = set_up_totp(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    totp = Authenticator.objects.get(user=bare_staff, type="totp")
    assert totp.wrap().validate_code(totp_code(secret))  # the key shown is the one kept
    codes = client.get(response["Location"]).content.decode()
    assert len(re.findall(r"<li>\d{8}</li>", codes)) == 10
    assert client.get(reverse("account-profile")).status_code == 200
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_does_not_activate(client, bare_staff):
    log_in(client, bare_staff)
    reauthenticate(client, ACTIVATE)
    response = client.post(ACTIVATE, {"code": "000000"}, **EN)
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=bare_staff).exists()
    assert client.get(reverse("home"))["Location"] == ACTIVATE


def test_the_qr_code_names_the_portal(client, bare_staff, settings):
    log_in(client, bare_staff)
    reauthenticate(client, ACTIVATE)
    response = client.get(ACTIVATE)
    assert response.context["totp_url"].startswith("otpauth://totp/nuovo.staff%40example.org?")
    assert "issuer=Tavolo%20metropolitano" in response.context["totp_url"]


@pytest.mark.parametrize("headers", [{}, EN], ids=["it", "en"])
def test_the_pages_speak_the_visitors_language(client, bare_staff, headers):
    log_in(client, bare_staff)
    reauthenticate(client, ACTIVATE)
    page = client.get(ACTIVATE, **headers).content.decode()
    # The Italian text comes from locale/ (the strings are listed for the translators).
    assert f'lang="{"en" if headers else "it"}"' in page
    if headers:
        assert "Set up an authenticator app" in page


def test_the_account_page_links_to_two_step_verification(client, spokesperson):
    client.force_login(spokesperson)
    page = client.get(reverse("account-profile")).content.decode()
    assert f'href="{reverse("mfa_index")}"' in page
    assert client.get(reverse("mfa_index")).status_code == 200


# --- Logging in with it ---------------------------------------------------------------------------


def test_log_in_asks_for_the_code_and_refuses_a_wrong_one(client, staff_user):
    response = log_in(client, staff_user)
    assert response["Location"] == AUTHENTICATE
    assert client.get(reverse("account-profile")).status_code == 302  # not logged in yet
    wrong = client.post(AUTHENTICATE, {"code": "123456"}, **EN)
    assert "Incorrect code." in wrong.content.decode()
    assert client.get(reverse("account-profile")).status_code == 302
    right = client.post(AUTHENTICATE, {"code": totp_code()})
    assert right.status_code == 302
    assert client.get(reverse("account-profile")).status_code == 200


def test_a_recovery_code_logs_in_once(client, staff_user):
    code = RecoveryCodes.activate(staff_user).generate_codes()[0]
    log_in(client, staff_user)
    assert client.post(AUTHENTICATE, {"code": code}).status_code == 302
    assert client.get(reverse("account-profile")).status_code == 200
    client.post(reverse("account_logout"))

    log_in(client, staff_user)
    again = client.post(AUTHENTICATE, {"code": code}, **EN)
    assert "Incorrect code." in again.content.decode()
    assert client.get(reverse("account-profile")).status_code == 302


def test_the_admin_asks_for_the_code_too(client, staff_user):
    admin_url = reverse("admin:index")
    response = client.get(admin_url, follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    response = log_in(client, staff_user, next_url=admin_url)
    assert response["Location"] == AUTHENTICATE
    assert client.get(admin_url).status_code == 302
    assert "Incorrect code." in client.post(AUTHENTICATE, {"code": "999999"}, **EN).content.decode()
    response = client.post(AUTHENTICATE, {"code": totp_code()})
    assert response["Location"] == admin_url
    assert client.get(admin_url).status_code == 200


def test_the_admin_login_is_rate_limited(client, staff_user):
    admin_url = reverse("admin:index")
    wrong = {"login": staff_user.email, "password": "not-the-password"}
    for _ in range(5):
        client.post(f"{LOGIN}?next={admin_url}", wrong)
    response = client.post(
        f"{LOGIN}?next={admin_url}", {"login": staff_user.email, "password": PASSWORD}, **EN
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(admin_url).status_code == 302


# --- Required for staff and administrators ------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: UserFactory(is_staff=True),
        lambda: UserFactory(is_superuser=True),
        lambda: UserFactory(is_staff=True, is_superuser=True),
    ],
    ids=["is_staff", "superuser", "admin"],
)
def test_admin_users_and_administrators_are_required_too(client, db, make):
    user = without_mfa(make())
    client.force_login(user)
    assert client.get(reverse("admin:index"))["Location"] == ACTIVATE


@pytest.mark.parametrize(
    "name", ["home", "practices:practice-list", "account-profile", "admin:index", "mfa_index"]
)
def test_staff_without_mfa_can_open_nothing_but_the_set_up(client, bare_staff, territory, name):
    client.force_login(bare_staff)
    response = client.get(reverse(name))
    if name == "mfa_index":
        assert response.status_code == 200
        assert 'id="mfa-required"' in response.content.decode()
    else:
        assert response.status_code == 302
        assert response["Location"] == ACTIVATE


def test_htmx_requests_are_sent_to_the_set_up_page(client, bare_staff):
    client.force_login(bare_staff)
    response = client.get(reverse("notifications"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == ACTIVATE


def test_posts_are_refused_too(client, bare_staff):
    client.force_login(bare_staff)
    response = client.post(reverse("notifications-mark-all-read"))
    assert response["Location"] == ACTIVATE


@pytest.mark.parametrize("name", ["privacy", "accessibility", "healthz"])
def test_public_pages_stay_open(client, bare_staff, name):
    client.force_login(bare_staff)
    assert client.get(reverse(name)).status_code == 200


def test_they_can_switch_language_and_log_out(client, bare_staff):
    client.force_login(bare_staff)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/privacy/"})
    assert response["Location"] == "/privacy/"
    client.post(reverse("account_logout"))
    assert client.get(reverse("account-profile"))["Location"].startswith(LOGIN)


def test_spokespersons_are_not_required(client, spokesperson):
    assert not Authenticator.objects.filter(user=spokesperson).exists()
    client.force_login(spokesperson)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("account-profile")).status_code == 200


def test_a_spokesperson_may_turn_it_on_and_off(client, spokesperson):
    user = spokesperson
    log_in(client, user)
    secret, _ = set_up_totp(client)
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    client.post(reverse("account_logout"))
    log_in(client, user)
    client.post(AUTHENTICATE, {"code": totp_code(secret)})
    reauthenticate(client, reverse("mfa_deactivate_totp"))
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=user, type="totp").exists()


def test_staff_cannot_deactivate_it(client, staff_user):
    log_in(client, staff_user)
    client.post(AUTHENTICATE, {"code": totp_code()})
    page = client.get(reverse("mfa_index"), **EN).content.decode()
    assert reverse("mfa_deactivate_totp") not in page
    reauthenticate(client, reverse("mfa_deactivate_totp"))
    refused = client.post(reverse("mfa_deactivate_totp"), **EN)
    assert refused.status_code == 200
    assert "cannot be deactivated" in refused.content.decode()
    assert Authenticator.objects.filter(user=staff_user, type="totp").exists()


def test_a_lost_phone_reset_by_an_administrator_means_setting_it_up_again(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("home")).status_code == 200
    Authenticator.objects.filter(user=staff_user).delete()  # what the admin's delete does
    # The sessions opened with the lost phone end at once; the next log-in sets up a new one.
    assert client.get(reverse("account-profile"))["Location"].startswith(LOGIN)
    client.force_login(staff_user)
    assert client.get(reverse("home"))["Location"] == ACTIVATE


def test_a_spokesperson_who_turns_it_off_stays_logged_in(client, spokesperson):
    from .factories import give_totp

    give_totp(spokesperson)
    client.force_login(spokesperson)
    Authenticator.objects.filter(user=spokesperson).delete()
    assert client.get(reverse("account-profile")).status_code == 200


def test_a_session_remembers_the_app_and_asks_the_database_once(client, staff_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from roundtable.mfa import SESSION_KEY

    client.force_login(staff_user)
    assert client.session[SESSION_KEY] == staff_user.pk
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("account-profile")).status_code == 200
    assert not [q for q in queries.captured_queries if "mfa_authenticator" in q["sql"]]


def test_a_user_made_staff_after_logging_in_is_checked(client, spokesperson):
    client.force_login(spokesperson)
    assert client.get(reverse("home")).status_code == 200
    # An update sends no signal: tests/conftest.py gives no app, as a real promotion would not.
    type(spokesperson).objects.filter(pk=spokesperson.pk).update(is_staff=True)
    assert client.get(reverse("home"))["Location"] == ACTIVATE


def test_the_demo_tells_staff_they_will_set_it_up(territory, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "set up two-step verification" in out.getvalue()
