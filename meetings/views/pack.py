"""Meeting pages: the meeting pack, the pre-meeting dossier on one printable page.

It gathers what a zone reads before a session: the meeting's facts and agenda, the actions
still open for each zone, the practices published since the previous meeting, and that
meeting's minutes. Logged-in users only; a constant number of queries whatever the history.
No PDF: no well-kept pure-Python PDF library is installed, and the print stylesheet
(``meetings.css``, ``@media print``) gives a clean paper or "save as PDF" copy.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from practices.models import Practice
from zones.models import Zone

from .. import permissions
from ..models import ActionItem, AgendaItem, Meeting, Minutes


def _agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(
        meeting.agenda_items.filter(status=AgendaItem.Status.ACCEPTED)
        .select_related("practice", "action", "proposing_zone", "consultation")
        .order_by("position", "pk")
    )


def _zones_with_open_actions(meeting: Meeting):
    """Every zone with the actions decided before this meeting that are still open or in
    progress today (``zone.open_actions``), soonest due first."""
    actions = (
        ActionItem.objects.open()
        .filter(decision__agenda_item__meeting__starts_at__lt=meeting.starts_at)
        .select_related("decision__agenda_item__meeting")
        .order_by("due_date", "pk")
    )
    return Zone.objects.order_by("number").prefetch_related(
        Prefetch("actions", queryset=actions, to_attr="open_actions")
    )


def _previous_meeting(meeting: Meeting) -> Meeting | None:
    """The last meeting before this one that was not cancelled, with its minutes if any."""
    return (
        Meeting.objects.filter(starts_at__lt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("minutes")
        .order_by("-starts_at")
        .first()
    )


def _practices_since(meeting: Meeting, previous: Meeting | None):
    """Practices published after the previous meeting began and before this one begins (all
    of those before this one when it is the first)."""
    practices = Practice.objects.published().filter(published_at__lte=meeting.starts_at)
    if previous is not None:
        practices = practices.filter(published_at__gt=previous.starts_at)
    return practices.select_related("zone").order_by("published_at", "pk")


def _minutes_shown(user, previous: Meeting | None) -> Minutes | None:
    """The previous minutes once circulated or approved; a draft only to the staff."""
    minutes = getattr(previous, "minutes", None) if previous else None
    if minutes is None:
        return None
    if minutes.status == Minutes.Status.DRAFT and not permissions.can_manage_meetings(user):
        return None
    return minutes


@require_safe
def meeting_pack(request, number: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.is_participant(request.user):
        raise PermissionDenied
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), number=number)
    items = _agenda(meeting)
    previous = _previous_meeting(meeting)
    minutes = _minutes_shown(request.user, previous)
    return render(
        request,
        "meetings/pack.html",
        {
            "section": "meetings",
            "meeting": meeting,
            "items": items,
            "planned_minutes": sum(item.planned_minutes or 0 for item in items),
            "zones": _zones_with_open_actions(meeting),
            "previous": previous,
            "practices": _practices_since(meeting, previous),
            "minutes": minutes,
            "minutes_in_draft": minutes is None and getattr(previous, "minutes", None) is not None,
            "today": timezone.localdate(),
            "generated_at": timezone.now(),
        },
    )


urlpatterns = [
    path("<int:number>/dossier/", meeting_pack, name="meeting-pack"),
]
