"""Template context shared by every page."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject


def organisation(request):
    return {"organisation": settings.ORGANISATION}


def navigation(request):
    """What the header offers the user; computed only if a template asks (no query otherwise)."""

    def flags():
        from practices.permissions import can_moderate
        from zones.permissions import is_staff_member, zones_of

        user = request.user
        staff = is_staff_member(user)
        return {
            "moderate": can_moderate(user),
            "my_zone": staff or zones_of(user).exists(),
        }

    return {"nav": SimpleLazyObject(flags)}
