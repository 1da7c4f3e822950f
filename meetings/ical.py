"""iCalendar files of the meetings, built with ``icalendar``: one meeting's ``.ics`` and a
user's personal feed.

Times are written with ``TZID=Europe/Rome`` (the portal's time zone) and the calendar carries
that zone's VTIMEZONE, so clients that do not know the zone by name still place a meeting at
the right hour in winter and in summer. Each meeting keeps one ``UID`` for its whole life and a
``SEQUENCE`` that grows with every change, so a client that already holds it replaces its copy;
a cancelled meeting stays in the calendar with ``STATUS:CANCELLED``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Meeting

#: How often a client should fetch the personal feed again.
FEED_REFRESH = datetime.timedelta(hours=1)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the meeting's whole life: its primary key and the portal's host."""
    return f"meeting-{meeting.pk}@{site_host()}"


def with_sequence(meetings: QuerySet) -> QuerySet:
    """``meetings`` annotated with ``ical_sequence``: how many times each was saved after its
    creation (from its history), in one query however many meetings there are."""
    saves = (
        Meeting.history.filter(id=OuterRef("pk"))
        .order_by()
        .values("id")
        .annotate(n=Count("history_id"))
        .values("n")
    )
    return meetings.annotate(ical_sequence=Coalesce(Subquery(saves), 1) - 1)


def sequence(meeting: Meeting) -> int:
    """0 for a new meeting, one more after every change (time, place, link, cancellation), as
    RFC 5545 asks so that clients replace the copy they hold."""
    return max(0, getattr(meeting, "ical_sequence", 0) or 0)


def _description(meeting: Meeting, *, with_video: bool) -> str:
    lines = []
    if meeting.status == Meeting.Status.CANCELLED:
        lines.append(_("Cancelled: %(reason)s") % {"reason": meeting.cancel_reason})
    lines.append(_("Meeting page: %(url)s") % {"url": absolute_url(meeting.get_absolute_url())})
    if with_video and meeting.video_url:
        lines.append(_("Video call: %(url)s") % {"url": meeting.video_url})
    return "\n".join(lines)


def _location(meeting: Meeting, *, with_video: bool) -> str:
    if meeting.place:
        return meeting.place
    return meeting.video_url if with_video else _("Video call")


def meeting_event(meeting: Meeting, *, with_video: bool, stamp) -> icalendar.Event:
    """The VEVENT of one meeting; the video-call link only when ``with_video``."""
    cancelled = meeting.status == Meeting.Status.CANCELLED
    return icalendar.Event.new(
        uid=meeting_uid(meeting),
        stamp=stamp,
        created=meeting.created_at,
        last_modified=meeting.updated_at,
        sequence=sequence(meeting),
        start=timezone.localtime(meeting.starts_at),
        end=timezone.localtime(meeting.ends_at),
        summary=str(meeting),
        location=_location(meeting, with_video=with_video),
        url=absolute_url(meeting.get_absolute_url()),
        description=_description(meeting, with_video=with_video),
        status="CANCELLED" if cancelled else "CONFIRMED",
    )


def _time_zone(meetings: list[Meeting]) -> icalendar.Timezone:
    """The portal's zone, with its rules for the years the meetings span (and the next)."""
    years = [timezone.localtime(m.starts_at).year for m in meetings] or [timezone.now().year]
    return icalendar.Timezone.from_tzid(
        settings.TIME_ZONE,
        first_date=datetime.date(min(years), 1, 1),
        last_date=datetime.date(max(years) + 2, 1, 1),
    )


def build_calendar(
    meetings: Iterable[Meeting], *, name: str, uid: str, with_video: bool, feed: bool = False
) -> bytes:
    """A published calendar of ``meetings`` (a feed also tells clients how often to refresh)."""
    meetings = list(meetings)
    stamp = timezone.now()
    calendar = icalendar.Calendar.new(
        prodid=f"-//{settings.ORGANISATION.get('portal_name', 'Portal')}//Meetings//EN",
        method="PUBLISH",
        name=name,
        uid=uid,
    )
    calendar.add("X-WR-TIMEZONE", settings.TIME_ZONE)
    if feed:
        # RFC 7986 asks for VALUE=DURATION; Outlook reads its own name for the interval.
        calendar.add("REFRESH-INTERVAL", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(FEED_REFRESH))
    calendar.add_component(_time_zone(meetings))
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, with_video=with_video, stamp=stamp))
    return calendar.to_ical()
