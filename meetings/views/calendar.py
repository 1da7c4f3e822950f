"""Meeting pages: calendar. A meeting's ``.ics`` file, and each user's personal feed of the
meetings at a secret address they can regenerate.

The feed needs no session (calendar clients fetch it on their own): the token in the address
is the key, and it stops working as soon as the user regenerates it or is deactivated. It
lists the meetings that ended at most ``FEED_HISTORY`` ago and every later one, cancelled ones
included (as cancelled), so clients drop them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import ical, permissions
from ..models import CalendarFeed, Meeting
from . import pack

#: How far back the personal feed goes (meetings that ended within this time, and later ones).
FEED_HISTORY = datetime.timedelta(days=365)


def detail_context(request, meeting) -> dict:
    """The meeting page offers its ``.ics`` to everyone, the pack and the feed when logged in."""
    return {"show_pack": permissions.is_participant(request.user)}


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A private meeting's details must not sit in a shared cache.
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_safe
def meeting_ics(request, number: int):
    """One meeting as an ``.ics`` file; visitors get public meetings only, without the link."""
    meeting = get_object_or_404(
        ical.with_sequence(Meeting.objects.visible_to(request.user)), number=number
    )
    body = ical.build_calendar(
        [meeting],
        name=str(meeting),
        uid=f"meeting-file-{meeting.pk}@{ical.site_host()}",
        with_video=permissions.is_participant(request.user),
    )
    return _ics_response(body, f"riunione-{meeting.number}.ics")


def _feed_url(feed: CalendarFeed) -> str:
    return ical.absolute_url(reverse("meetings:calendar-feed-ics", kwargs={"token": feed.token}))


@require_safe
def calendar_feed(request):
    """The user's feed address and how to subscribe to it; the feed is made on the first visit."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    feed, _created = CalendarFeed.objects.get_or_create(user=request.user)
    return render(
        request,
        "meetings/calendar/feed.html",
        {"section": "meetings", "feed": feed, "feed_url": _feed_url(feed)},
    )


@require_POST
def calendar_feed_regenerate(request):
    """A new secret address; the old one stops working at once (e.g. after it was shared)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("meetings:calendar-feed"))
    feed, _created = CalendarFeed.objects.get_or_create(user=request.user)
    feed.regenerate()
    messages.success(
        request,
        _(
            "Your calendar has a new address: the old one no longer works. Subscribe again "
            "with the new address in your calendar apps."
        ),
    )
    return redirect("meetings:calendar-feed")


@require_safe
def calendar_feed_ics(request, token: str):
    """The personal feed: every meeting its owner may see, from ``FEED_HISTORY`` ago on."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    since = timezone.now() - FEED_HISTORY
    meetings = ical.with_sequence(
        Meeting.objects.visible_to(feed.user).filter(ends_at__gte=since).order_by("starts_at")
    )
    body = ical.build_calendar(
        meetings,
        name=f"{settings.ORGANISATION.get('portal_name', '')} · {_('Meetings')}",
        uid=f"calendar-feed-{feed.user_id}@{ical.site_host()}",
        with_video=permissions.is_participant(feed.user),
        feed=True,
    )
    response = _ics_response(body, "riunioni.ics")
    response["X-Robots-Tag"] = "noindex"
    return response


urlpatterns = [
    path("<int:number>/calendario.ics", meeting_ics, name="meeting-ics"),
    path("calendario/", calendar_feed, name="calendar-feed"),
    path("calendario/nuovo-indirizzo/", calendar_feed_regenerate, name="calendar-feed-regenerate"),
    path("calendario/<slug:token>.ics", calendar_feed_ics, name="calendar-feed-ics"),
    *pack.urlpatterns,
]
