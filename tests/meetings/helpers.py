"""Building blocks for the meetings tests: meetings, items, decisions and actions made through
the services, as staff would make them."""

import datetime

from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, Invitation, Meeting
from zones.models import Zone


def schedule(staff, days: float, **fields) -> Meeting:
    """A meeting starting ``days`` from now (negative: in the past), two hours long."""
    start = timezone.now() + datetime.timedelta(days=days)
    return services.schedule_meeting(
        by=staff,
        title=fields.pop("title", f"Tavolo {days}"),
        starts_at=fields.pop("starts_at", start),
        ends_at=fields.pop("ends_at", start + datetime.timedelta(hours=2)),
        place=fields.pop("place", "Palazzo Cisterna"),
        video_url=fields.pop("video_url", "https://meet.example.org/tavolo"),
        **fields,
    )


def held(staff, days_ago: float = 10, present=(), **fields) -> Meeting:
    """A past meeting marked held, with the zones numbered in ``present`` recorded present."""
    meeting = schedule(staff, -days_ago, **fields)
    for invitation in Invitation.objects.filter(meeting=meeting, zone__number__in=present):
        services.record_attendance(invitation=invitation, by=staff, attendance="present")
    return services.change_meeting_status(meeting=meeting, to_status="held", by=staff)


def item(staff, meeting: Meeting, title: str = "Punto", **fields) -> AgendaItem:
    """An accepted agenda item added by staff (works on held meetings too)."""
    last = meeting.agenda_items.count()
    return AgendaItem.objects.create(
        meeting=meeting,
        title=title,
        position=last + 1,
        status=AgendaItem.Status.ACCEPTED,
        proposed_by=staff,
        **fields,
    )


def action(staff, meeting: Meeting, zones=(5,), due_in_days: int = 30, title="Azione", **fields):
    """An action for the zones numbered ``zones``, from a consensus decision on a new item."""
    decision = services.record_decision(
        agenda_item=item(staff, meeting, f"Punto per {title}"), by=staff, text=f"Decisione {title}"
    )
    return services.create_action(
        decision=decision,
        by=staff,
        zones=Zone.objects.filter(number__in=zones),
        title=title,
        due_date=timezone.localdate() + datetime.timedelta(days=due_in_days),
        **fields,
    )
