"""Accounts: log in by e-mail, no sign-up, log out by POST, password reset, invitations."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from roundtable.roles import STAFF_GROUP

from .factories import PASSWORD, UserFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.django_db
def test_sign_up_is_closed(client):
    response = client.get(reverse("account_signup"), **EN)
    assert response.status_code == 200
    assert "Sign-up is closed" in response.content.decode()
    response = client.post(
        reverse("account_signup"),
        {"email": "intruder@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not get_user_model().objects.filter(email="intruder@example.org").exists()


@pytest.mark.django_db
def test_log_in_by_email_and_password(client):
    user = UserFactory(email="giulia@example.org")
    response = client.post(
        reverse("account_login"), {"login": "giulia@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    page = client.get(reverse("home")).content.decode()
    assert user.get_full_name() in page
    assert reverse("account_logout") in page


@pytest.mark.django_db
def test_wrong_password_gets_a_clear_message_and_no_session(client):
    UserFactory(email="giulia@example.org")
    response = client.post(
        reverse("account_login"),
        {"login": "giulia@example.org", "password": "not-the-password"},
        **EN,
    )
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_log_out_needs_a_post(client):
    user = UserFactory()
    client.force_login(user)
    client.get(reverse("account_logout"))
    assert client.session.get("_auth_user_id") == str(user.pk)  # a GET only asks to confirm
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_an_email_with_a_working_link(client):
    UserFactory(email="giulia@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "giulia@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["giulia@example.org"]
    link = re.search(r"https?://\S+/password/reset/key/\S+", mail.outbox[0].body).group(0)
    assert _set_password_through(client, link, "a-brand-new-password-7")
    assert client.login(username="giulia@example.org", password="a-brand-new-password-7")


def _set_password_through(client, link, password) -> bool:
    path = re.sub(r"^https?://[^/]+", "", link)
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_url, {"password1": password, "password2": password})
    return response.status_code == 302


@pytest.mark.django_db
def test_admin_invitation_action_emails_a_link_to_set_the_password(client, staff_user):
    new_user = UserFactory(email="nuovo@example.org")
    new_user.set_unusable_password()
    new_user.save()
    no_email = UserFactory(email="")
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {
            "action": "send_invitations",
            "_selected_action": [new_user.pk, no_email.pk],
        },
        follow=True,
        **EN,
    )
    page = response.content.decode()
    assert "Invitation sent to 1 user." in page
    assert "Not sent (no e-mail address, or account inactive)" in page
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nuovo@example.org"]
    link = re.search(r"https?://\S+/password/reset/key/\S+", message.body).group(0)
    client.logout()
    assert _set_password_through(client, link, "the-password-i-chose-1")
    assert client.login(username="nuovo@example.org", password="the-password-i-chose-1")
    # The link works once.
    client.logout()
    assert not _set_password_through(client, link, "another-password-22")


@pytest.mark.django_db
def test_staff_can_create_an_account_in_the_admin_without_a_password(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "mario.rossi",
            "email": "mario.rossi@example.org",
            "first_name": "Mario",
            "last_name": "Rossi",
            "usable_password": "false",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = get_user_model().objects.get(username="mario.rossi")
    assert not user.has_usable_password()
    assert user.email == "mario.rossi@example.org"


@pytest.mark.django_db
def test_admin_login_goes_through_the_portal_login(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_staff_group_exists_with_the_staff_permission(staff_user):
    assert staff_user.groups.filter(name=STAFF_GROUP).exists()
    assert staff_user.has_perm("zones.act_as_staff")
    assert not UserFactory().has_perm("zones.act_as_staff")
