"""Django's permission backend, with each user's permissions kept in the shared cache between
requests (``make bench``: every logged-in page asked the database twice for them, in
``roundtable.mfa``'s check before the view even started).

Each stored set is tagged with a version of all permissions; any change to who holds what
(a user's groups or own permissions, a group's permissions, a group or permission created or
deleted, a migration) moves the version, so every stored set is obsolete at once. The version
moves when the change is made and again when its transaction commits: a request that read the
old permissions in between cannot store them under the version that follows.

Used only with a cache shared by every process (Redis, see ``settings``); with the database
cache it would cost more queries than it saves. A user's ``is_superuser`` is part of the key,
and an inactive user has no permissions at all, as with Django's own backend.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

VERSION_KEY = "roundtable:permissions:version"
# A safety net only: a change made behind Django's back (raw SQL) is seen within this time.
TIMEOUT = 300


def _key(user) -> str:
    return f"roundtable:permissions:{user.pk}:{int(user.is_superuser)}"


class CachedPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = _key(user_obj)
            stored = cache.get_many([VERSION_KEY, key])
            version = stored.get(VERSION_KEY)
            entry = stored.get(key)
            if version is not None and entry is not None and entry[0] == version:
                user_obj._perm_cache = set(entry[1])
            else:
                if version is None:  # first use, or the cache was emptied
                    cache.add(VERSION_KEY, uuid.uuid4().hex, None)
                    version = cache.get(VERSION_KEY)
                # The version is read before the permissions: if they change in between, the
                # set is stored under a version that is already obsolete.
                perms = super().get_all_permissions(user_obj)
                if version is not None:
                    cache.set(key, (version, frozenset(perms)), TIMEOUT)
        return user_obj._perm_cache


def enabled() -> bool:
    return f"{__name__}.CachedPermissionsBackend" in settings.AUTHENTICATION_BACKENDS


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def invalidate(**kwargs) -> None:
    """Make every stored permission set obsolete, now and once the transaction commits."""
    if enabled():
        _new_version()
        transaction.on_commit(_new_version)


def connect() -> None:
    user_model = get_user_model()
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            invalidate, sender=through, dispatch_uid=f"roundtable.perms.{through.__name__}"
        )
    for model in (Group, Permission):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"roundtable.perms.s.{model}")
    # A deleted user too: SQLite may give their id to the next account.
    for model in (Group, Permission, user_model):
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"roundtable.perms.d.{model}")
    post_migrate.connect(invalidate, dispatch_uid="roundtable.perms.migrate")
