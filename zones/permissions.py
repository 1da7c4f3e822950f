"""Who may do what with the territory. Views, templates and the admin ask these predicates."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from .models import Membership, Zone


def is_staff_member(user) -> bool:
    """Metropolitan staff: the ``zones.act_as_staff`` permission (superusers have it too)."""
    return bool(
        user and user.is_authenticated and user.is_active and user.has_perm("zones.act_as_staff")
    )


def zones_of(user) -> QuerySet[Zone]:
    """The zones a user currently speaks for (spokesperson or deputy)."""
    if not (user and user.is_authenticated and user.is_active):
        return Zone.objects.none()
    return Zone.objects.filter(pk__in=Membership.objects.current().filter(user=user).values("zone"))


def speaks_for_a_zone(user) -> bool:
    """Whether ``zones_of(user)`` has any zone. One query, remembered on the user object for
    the rest of the request (the header and the page both ask)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    known = getattr(user, "_roundtable_speaks_for_a_zone", None)
    if known is None:
        known = user._roundtable_speaks_for_a_zone = zones_of(user).exists()
    return known


def is_spokesperson(user, zone: Zone | None = None) -> bool:
    """A user with a membership in force, of ``zone`` when one is given."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    memberships = Membership.objects.current().filter(user=user)
    if zone is not None:
        memberships = memberships.filter(zone=zone)
    return memberships.exists()


def is_participant(user) -> bool:
    """Staff or a spokesperson in office: those who take part in the Round Table's work.

    One query, remembered on the user object for the rest of the request (a page asks
    several times)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    known = getattr(user, "_roundtable_participant", None)
    if known is None:
        if user.is_superuser:
            known = True
        else:
            staff = Q(
                user_permissions__codename="act_as_staff",
                user_permissions__content_type__app_label="zones",
            ) | Q(
                groups__permissions__codename="act_as_staff",
                groups__permissions__content_type__app_label="zones",
            )
            member = Q(pk__in=Membership.objects.current().values("user"))
            users = get_user_model()._default_manager
            known = users.filter(Q(pk=user.pk) & (staff | member)).exists()
        user._roundtable_participant = known
    return known


def can_see_zone_evidence(user) -> bool:
    """The evidence behind each municipality's zone, and the open questions, are for staff."""
    return is_staff_member(user)


def can_see_unassigned_municipalities(user) -> bool:
    return is_staff_member(user)
