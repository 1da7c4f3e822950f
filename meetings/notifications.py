"""What the meetings tell the zones, through ``zones.notifications``: a meeting scheduled,
changed or cancelled, a reminder two days before it, minutes circulated, an action assigned
or overdue. Each notice is written inside the caller's transaction and e-mailed after commit."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone

from plans.notifications import send_consultation_reminders
from zones.models import Zone
from zones.notifications import notify, zone_recipients

from .models import ActionItem, Meeting

TEMPLATES = "meetings/notifications/"
REMINDER_BEFORE = timedelta(days=2)


def _invited_zone_users(meeting: Meeting) -> list:
    return zone_recipients(Zone.objects.filter(invitations__meeting=meeting))


def _about_meeting(meeting: Meeting, kind: str, key: str = "") -> list:
    return notify(
        _invited_zone_users(meeting),
        kind=kind,
        template=f"{TEMPLATES}{kind}",
        context={"meeting": meeting},
        url=meeting.get_absolute_url(),
        key=key,
    )


def meeting_scheduled(meeting: Meeting) -> list:
    return _about_meeting(meeting, "meeting_scheduled")


def meeting_changed(meeting: Meeting) -> list:
    return _about_meeting(meeting, "meeting_changed")


def meeting_cancelled(meeting: Meeting) -> list:
    return _about_meeting(meeting, "meeting_cancelled")


def meeting_reminder(meeting: Meeting) -> list:
    # The start is in the key: a meeting moved after its reminder is reminded again.
    key = f"meeting-reminder:{meeting.pk}:{meeting.starts_at.isoformat()}"
    return _about_meeting(meeting, "meeting_reminder", key=key)


def minutes_circulated(minutes) -> list:
    meeting = minutes.meeting
    return notify(
        _invited_zone_users(meeting),
        kind="minutes_circulated",
        template=f"{TEMPLATES}minutes_circulated",
        context={"meeting": meeting, "minutes": minutes},
        url=meeting.get_absolute_url() + "#minutes",
    )


def _about_action(action: ActionItem, kind: str, key: str = "") -> list:
    return notify(
        zone_recipients(action.zones.all()),
        kind=kind,
        template=f"{TEMPLATES}{kind}",
        context={"action": action, "meeting": action.decision.agenda_item.meeting},
        url=action.get_absolute_url(),
        key=key,
    )


def action_assigned(action: ActionItem) -> list:
    return _about_action(action, "action_assigned")


def action_overdue(action: ActionItem) -> list:
    return _about_action(action, "action_overdue", key=f"action-overdue:{action.pk}")


def send_reminders(now=None) -> dict:
    """Remind the invited zones of every scheduled meeting starting within two days, tell the
    assigned zones of every action that has become overdue, and remind the zones that have not
    answered a consultation of the Strategic Plan closing within three days
    (``plans.notifications``). Idempotent: each reminder and each overdue notice reaches each
    user once, however often this runs."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + REMINDER_BEFORE
    )
    reminded = sum(len(meeting_reminder(meeting)) for meeting in meetings)
    actions = (
        ActionItem.objects.overdue(on=timezone.localdate(now))
        .select_related("decision__agenda_item__meeting")
        .prefetch_related(Prefetch("zones", queryset=Zone.objects.all()))
    )
    overdue = sum(len(action_overdue(action)) for action in actions)
    consultations = send_consultation_reminders(now)
    return {"reminders": reminded, "overdue": overdue, "consultations": consultations}
