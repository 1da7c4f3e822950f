"""Each user's permissions kept in the shared cache between requests
(``roundtable.permissions_cache``, on in production with Redis): a logged-in page no longer
asks the database for them, and any change to who holds what counts at the next request."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.roles import staff_group
from zones.permissions import is_staff_member

from .factories import UserFactory

BACKENDS = [
    "roundtable.permissions_cache.CachedPermissionsBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]


@pytest.fixture(autouse=True)
def cached_permissions(settings):
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "perf-permissions-cache",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def fresh(user):
    """The user as the next request loads it (no permissions remembered on the object)."""
    return get_user_model().objects.get(pk=user.pk)


def permission_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "auth_permission" in q["sql"]]


def test_a_logged_in_page_reads_permissions_from_the_cache(spokesperson, client):
    client.force_login(spokesperson)
    client.get("/")  # the first requests store the permissions
    client.get("/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    assert response.status_code == 200
    assert permission_queries(queries) == []


def test_joining_the_staff_group_counts_at_the_next_request(spokesperson):
    assert not is_staff_member(fresh(spokesperson))
    assert not is_staff_member(fresh(spokesperson))  # now stored in the cache

    spokesperson.groups.add(staff_group())

    assert is_staff_member(fresh(spokesperson))


def test_a_permission_taken_from_the_group_counts_at_the_next_request(staff_user):
    assert is_staff_member(fresh(staff_user))
    assert is_staff_member(fresh(staff_user))

    staff_group().permissions.remove(
        Permission.objects.get(content_type__app_label="zones", codename="act_as_staff")
    )

    assert not is_staff_member(fresh(staff_user))


def test_leaving_the_group_and_own_permissions_count_at_once(staff_user):
    assert is_staff_member(fresh(staff_user))
    assert is_staff_member(fresh(staff_user))
    staff_user.groups.clear()
    assert not is_staff_member(fresh(staff_user))

    staff_user.user_permissions.add(
        Permission.objects.get(content_type__app_label="zones", codename="act_as_staff")
    )
    assert is_staff_member(fresh(staff_user))


def test_a_deactivated_user_has_no_permissions(staff_user):
    assert is_staff_member(fresh(staff_user))
    assert is_staff_member(fresh(staff_user))
    get_user_model().objects.filter(pk=staff_user.pk).update(is_active=False)

    assert fresh(staff_user).get_all_permissions() == set()


@pytest.mark.django_db
def test_becoming_an_administrator_counts_at_once():
    user = UserFactory()
    assert fresh(user).get_all_permissions() == set()
    assert fresh(user).get_all_permissions() == set()
    get_user_model().objects.filter(pk=user.pk).update(is_superuser=True)

    assert "zones.act_as_staff" in fresh(user).get_all_permissions()


@pytest.mark.django_db
def test_deleting_an_account_makes_stored_permissions_obsolete():
    """SQLite may give a deleted account's id to the next one: it must not inherit them."""
    from django.core.cache import cache

    from roundtable.permissions_cache import VERSION_KEY

    user = UserFactory()
    fresh(user).get_all_permissions()
    before = cache.get(VERSION_KEY)

    user.delete()

    assert cache.get(VERSION_KEY) not in (None, before)
