"""Template context shared by every page."""

from functools import cache

from django.conf import settings
from django.utils.functional import SimpleLazyObject


def organisation(request):
    return {"organisation": settings.ORGANISATION}


def navigation(request):
    """What the header offers the user; computed only if a template asks (no query otherwise)."""

    def flags():
        from practices.permissions import can_moderate
        from zones.permissions import is_staff_member, speaks_for_a_zone

        user = request.user
        staff = is_staff_member(user)
        return {
            "moderate": can_moderate(user),
            "my_zone": staff or speaks_for_a_zone(user),
            "deletion_requests": staff,
        }

    @cache
    def unread_notifications() -> int:
        # A callable: the template calls it only where the header shows it, once per request.
        from zones.notifications import unread_count

        return unread_count(request.user)

    return {"nav": SimpleLazyObject(flags), "unread_notifications": unread_notifications}
