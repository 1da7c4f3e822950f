"""Shared fixtures: the real territory, users in each role, logged-in clients."""

import os

import pytest
from django.conf import settings

from roundtable.roles import staff_group
from zones.territory import load_directory

from .factories import MembershipFactory, UserFactory, give_totp
from .template_strict import strict_templates  # noqa: F401  (autouse: strict templates)

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
def plan_in_force(db):
    """A small Strategic Plan in force (``factories.build_plan``): axes 1-3, strategies 1.1,
    1.2 and 2.1, actions 1.1.1, 1.1.2 and 2.1.1."""
    from .factories import build_plan

    return build_plan()


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def spokesperson_client(client, spokesperson):
    client.force_login(spokesperson)
    return client


@pytest.fixture(autouse=True)
def staff_have_two_step_verification():
    """Staff, admin users and administrators must use two-step verification (roundtable.mfa,
    on in tests as everywhere): every user who becomes one, however a test makes them (a
    factory, a group added, pytest-django's ``admin_user``), gets an authenticator app at once,
    as if they had set it up (``factories.TOTP_SECRET``). Tests of the requirement itself take
    it away (``Authenticator.objects.filter(user=...).delete()``)."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_save

    from roundtable.mfa import mfa_required

    user_model = get_user_model()

    def equip(user_pk) -> None:
        # A fresh copy: asking the test's own instance would cache its permissions on it.
        user = user_model._default_manager.filter(pk=user_pk).first()
        if user is not None and mfa_required(user):
            give_totp(user)

    def on_save(sender, instance, update_fields=None, **kwargs):
        # Not for a log-in's last_login: a test that took the app away keeps it away.
        if update_fields is None or {"is_staff", "is_superuser"} & set(update_fields):
            equip(instance.pk)

    def on_groups(sender, instance, action, reverse, pk_set, **kwargs):
        if action == "post_add":
            for pk in pk_set if reverse else [instance.pk]:
                equip(pk)

    post_save.connect(on_save, sender=user_model, dispatch_uid="tests.equip_staff")
    m2m_changed.connect(on_groups, sender=user_model.groups.through, dispatch_uid="tests.equip")
    yield
    post_save.disconnect(sender=user_model, dispatch_uid="tests.equip_staff")
    m2m_changed.disconnect(sender=user_model.groups.through, dispatch_uid="tests.equip")


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_folder(settings, tmp_path_factory):
    """Files stored through the storage API (attachments, a consultation's document, the demo's
    documents written by ``seed_demo``) go to a folder of the test run, never to the project's
    media folder. A test that needs to know where sets ``settings.MEDIA_ROOT`` itself."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("uploads")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users; a deliberately slow hash is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
