"""Shared fixtures: the real territory, users in each role, logged-in clients."""

import os

import pytest
from django.conf import settings

from roundtable.roles import staff_group
from zones.territory import load_directory

from .factories import MembershipFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def territory(db):
    """The shipped territory: 11 zones and 312 municipalities."""
    load_directory(settings.TERRITORY_DIR)


@pytest.fixture
def staff_user(db):
    user = UserFactory(email="staff@example.org", is_staff=True)
    user.groups.add(staff_group())
    return user


@pytest.fixture
def spokesperson(territory):
    """The spokesperson of zone 5 (Pinerolese)."""
    from zones.models import Zone

    membership = MembershipFactory(
        user=UserFactory(email="portavoce5@example.org"), zone=Zone.objects.get(number=5)
    )
    return membership.user


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def spokesperson_client(client, spokesperson):
    client.force_login(spokesperson)
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users; a deliberately slow hash is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
