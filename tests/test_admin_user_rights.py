"""Staff manage accounts in the admin but cannot raise anyone's rights, their own included, nor
take over an administrator's account."""

import pytest
from django.urls import reverse

from .factories import UserFactory


def _change_form(user) -> dict:
    """What the admin's change form posts for ``user`` (without rights fields)."""
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "10:00:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.django_db
def test_staff_cannot_make_themselves_administrators(client, staff_user):
    client.force_login(staff_user)
    url = reverse("admin:auth_user_change", args=[staff_user.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page

    data = _change_form(staff_user) | {
        "is_staff": "on",
        "is_superuser": "on",
        "last_name": "Rossi",
    }
    response = client.post(url, data)

    assert response.status_code == 302  # the rest of the form is saved
    staff_user.refresh_from_db()
    assert staff_user.last_name == "Rossi"
    assert not staff_user.is_superuser


@pytest.mark.django_db
def test_staff_cannot_grant_staff_status_groups_or_permissions(client, staff_user):
    from django.contrib.auth.models import Permission

    from roundtable.roles import staff_group

    other = UserFactory(email="other@example.org")
    client.force_login(staff_user)
    permission = Permission.objects.get(codename="delete_user")
    data = _change_form(other) | {
        "is_staff": "on",
        "groups": [staff_group().pk],
        "user_permissions": [permission.pk],
    }

    client.post(reverse("admin:auth_user_change", args=[other.pk]), data)

    other.refresh_from_db()
    assert not other.is_staff
    assert not other.groups.exists()
    assert not other.user_permissions.exists()


@pytest.mark.django_db
def test_staff_cannot_change_an_administrators_account(client, staff_user):
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    client.force_login(staff_user)

    change = client.get(reverse("admin:auth_user_change", args=[admin.pk]))
    data = _change_form(admin) | {"email": "mine@example.org"}
    post = client.post(reverse("admin:auth_user_change", args=[admin.pk]), data)
    password = client.post(
        reverse("admin:auth_user_password_change", args=[admin.pk]),
        {"password1": "taken-over-password-1", "password2": "taken-over-password-1"},
    )

    assert post.status_code == 403
    assert password.status_code == 403
    assert change.status_code in (200, 403)  # at most a read-only view
    if change.status_code == 200:
        assert 'name="email"' not in change.content.decode()
    admin.refresh_from_db()
    assert admin.email == "admin@example.org"
    assert not admin.check_password("taken-over-password-1")


@pytest.mark.django_db
def test_an_administrator_still_grants_rights(client):
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    other = UserFactory(email="other@example.org")
    client.force_login(admin)

    data = _change_form(other) | {"is_staff": "on"}
    client.post(reverse("admin:auth_user_change", args=[other.pk]), data)

    other.refresh_from_db()
    assert other.is_staff
