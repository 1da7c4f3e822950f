"""The meetings' part of "My zone's work" (a page of the practices app, extended through
``practices.extensions``): invitations to answer, open actions and overdue ones."""

from django.db.models import Prefetch
from django.utils import timezone

from zones.models import Zone

from ..models import ActionItem, Invitation, Meeting
from .actions import overdue_first


def section(request, zones) -> dict | None:
    """For the zones shown: the invitations to meetings still to come that wait for an answer,
    and the zones' open actions, overdue ones first. Three queries, whatever the data."""
    invitations = (
        Invitation.objects.filter(
            zone__in=zones,
            answer=Invitation.Answer.PENDING,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gt=timezone.now(),
        )
        .select_related("meeting", "zone")
        .order_by("meeting__starts_at", "zone__number")
    )
    actions = overdue_first(
        ActionItem.objects.open()
        .filter(pk__in=ActionItem.zones.through.objects.filter(zone__in=zones).values("actionitem"))
        .select_related("decision__agenda_item__meeting")
        .prefetch_related(Prefetch("zones", queryset=Zone.objects.order_by("number")))
    )
    actions = list(actions)
    return {
        "template": "meetings/my_zone_section.html",
        "invitations": list(invitations),
        "actions": actions,
        "overdue_count": sum(1 for action in actions if action.is_overdue),
        "several_zones": len(zones) > 1,
    }
