"""The calendar: a meeting's .ics, the personal feed at a secret address, and who gets what.

Every .ics is parsed back with icalendar, as a calendar client would read it."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.models import CalendarFeed, Meeting
from zones.models import Zone

from ..factories import MembershipFactory, UserFactory
from .helpers import schedule

ROME = ZoneInfo("Europe/Rome")
VIDEO = "https://meet.example.org/tavolo"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def at_ten(day: datetime.date, **fields) -> dict:
    """Fields of a meeting from 10:00 to 12:00 local time on ``day``."""
    start = datetime.datetime.combine(day, datetime.time(10), tzinfo=ROME)
    return {"starts_at": start, "ends_at": start + datetime.timedelta(hours=2), **fields}


def next_date(month: int) -> datetime.date:
    """The 15th of ``month`` in the coming year (always in the future)."""
    return datetime.date(datetime.date.today().year + 1, month, 15)


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def ics_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting-ics", kwargs={"number": meeting.number})


def feed_ics_url(token: str) -> str:
    return reverse("meetings:calendar-feed-ics", kwargs={"token": token})


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def roles(territory, staff_user, spokesperson):
    """A client for each role: visitor, user with no zone, spokespersons of zone 5 and 3, staff."""
    other = MembershipFactory(user=UserFactory(), zone=Zone.objects.get(number=3)).user
    return {
        "anonymous": Client(),
        "no_zone": logged_in(UserFactory()),
        "spokesperson": logged_in(spokesperson),
        "other_spokesperson": logged_in(other),
        "staff": logged_in(staff_user),
    }


# --- a meeting's .ics ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("month, offset_hours", [(1, 1), (7, 2)])
def test_ics_times_are_ten_oclock_in_rome_winter_and_summer(
    client, territory, staff_user, month, offset_hours
):
    meeting = schedule(staff_user, 0, **at_ten(next_date(month)))
    calendar = parse(client.get(ics_url(meeting)))
    assert calendar["VERSION"] == "2.0" and calendar["METHOD"] == "PUBLISH"
    assert calendar["PRODID"] and calendar["X-WR-TIMEZONE"] == "Europe/Rome"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]
    [event] = calendar.events
    assert event["DTSTART"].params["TZID"] == "Europe/Rome"
    assert event["DTEND"].params["TZID"] == "Europe/Rome"
    assert (event.start.hour, event.end.hour) == (10, 12)
    assert event.start.utcoffset() == datetime.timedelta(hours=offset_hours)
    assert event.start == meeting.starts_at and event.end == meeting.ends_at


@pytest.mark.django_db
def test_ics_links_the_meeting_page_and_gives_the_video_link_to_participants_only(
    roles, staff_user
):
    meeting = schedule(staff_user, 5, title="Tavolo di febbraio")
    page = f"{settings.SITE_URL}{meeting.get_absolute_url()}"
    response = roles["anonymous"].get(ics_url(meeting))
    [event] = parse(response).events
    assert str(event["URL"]) == page and page.startswith("http")
    assert page in str(event["DESCRIPTION"])
    assert VIDEO not in response.content.decode()
    assert "Palazzo Cisterna" in str(event["LOCATION"])
    assert "Tavolo di febbraio" in str(event["SUMMARY"])
    assert event["STATUS"] == "CONFIRMED"
    assert response["Content-Disposition"] == (
        f'attachment; filename="riunione-{meeting.number}.ics"'
    )
    response = roles["no_zone"].get(ics_url(meeting))  # logged in, no participant
    [event] = parse(response).events
    assert page in str(event["DESCRIPTION"])
    assert VIDEO not in response.content.decode()
    for role in ("spokesperson", "staff"):
        [event] = parse(roles[role].get(ics_url(meeting))).events
        assert VIDEO in str(event["DESCRIPTION"]) and page in str(event["DESCRIPTION"]), role


@pytest.mark.django_db
def test_a_cancelled_meeting_is_cancelled_in_the_calendar_with_a_new_sequence(
    client, territory, staff_user
):
    meeting = schedule(staff_user, 5)
    [before] = parse(client.get(ics_url(meeting))).events
    services.change_meeting_status(
        meeting=meeting, to_status="cancelled", by=staff_user, reason="Allerta meteo"
    )
    [after] = parse(client.get(ics_url(meeting), **EN)).events
    assert after["STATUS"] == "CANCELLED"
    assert "Allerta meteo" in str(after["DESCRIPTION"])
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"] == 0


@pytest.mark.django_db
def test_the_uid_stays_the_same_across_fetches_and_changes(client, territory, staff_user):
    meeting = schedule(staff_user, 5)
    [first] = parse(client.get(ics_url(meeting))).events
    [second] = parse(client.get(ics_url(meeting))).events
    services.update_meeting(meeting=meeting, by=staff_user, place="Sala Marmi")
    [changed] = parse(client.get(ics_url(meeting))).events
    assert first["UID"] == second["UID"] == changed["UID"]
    assert str(first["UID"]).startswith(f"meeting-{meeting.pk}@")
    assert str(changed["LOCATION"]) == "Sala Marmi"
    assert changed["SEQUENCE"] == first["SEQUENCE"] + 1


@pytest.mark.django_db
def test_a_private_meeting_ics_is_not_found_for_visitors(roles, staff_user):
    meeting = schedule(staff_user, 5, is_public=False)
    assert roles["anonymous"].get(ics_url(meeting)).status_code == 404
    assert roles["no_zone"].get(ics_url(meeting)).status_code == 404  # not a participant
    for role in ("spokesperson", "other_spokesperson", "staff"):
        assert roles[role].get(ics_url(meeting)).status_code == 200, role
    assert Client().get(ics_url(meeting).replace(str(meeting.number), "999")).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["anonymous", "no_zone", "spokesperson", "other_spokesperson", "staff"]
)
def test_meeting_ics_permissions(roles, staff_user, role):
    meeting = schedule(staff_user, 5)
    assert roles[role].get(ics_url(meeting)).status_code == 200
    assert roles[role].post(ics_url(meeting)).status_code == 405


# --- the personal feed --------------------------------------------------------------------

FEED_PAGE = reverse("meetings:calendar-feed")
REGENERATE = reverse("meetings:calendar-feed-regenerate")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, get_status, regenerate_status",
    [
        ("anonymous", 302, 302),
        ("no_zone", 200, 302),
        ("spokesperson", 200, 302),
        ("other_spokesperson", 200, 302),
        ("staff", 200, 302),
    ],
)
def test_feed_page_permissions(roles, role, get_status, regenerate_status):
    client = roles[role]
    response = client.get(FEED_PAGE)
    assert response.status_code == get_status
    assert client.post(FEED_PAGE).status_code == 405
    assert client.get(REGENERATE).status_code == 405
    regenerated = client.post(REGENERATE)
    assert regenerated.status_code == regenerate_status
    if role == "anonymous":
        assert "/account/login/" in response["Location"]
        assert "/account/login/" in regenerated["Location"]
        assert not CalendarFeed.objects.exists()
    else:
        assert regenerated["Location"] == FEED_PAGE


@pytest.mark.django_db
def test_the_feed_page_shows_the_absolute_secret_address_made_on_the_first_visit(territory):
    user = UserFactory()
    client = logged_in(user)
    assert not CalendarFeed.objects.filter(user=user).exists()
    page = client.get(FEED_PAGE, **EN).content.decode()
    feed = CalendarFeed.objects.get(user=user)
    assert f"{settings.SITE_URL}{feed_ics_url(feed.token)}" in page
    assert "Google" in page and "Outlook" in page and "Apple" in page
    assert "Regenerate the address" in page
    client.get(FEED_PAGE)
    assert CalendarFeed.objects.get(user=user).token == feed.token  # stable between visits


@pytest.mark.django_db
def test_the_feed_lists_what_its_owner_may_see_without_a_session(territory, staff_user):
    user = MembershipFactory(zone=Zone.objects.get(number=3)).user  # a participant
    public = schedule(staff_user, 5, title="Tavolo pubblico")
    private = schedule(staff_user, 6, title="Tavolo riservato", is_public=False)
    cancelled = schedule(staff_user, 7, title="Tavolo annullato")
    services.change_meeting_status(
        meeting=cancelled, to_status="cancelled", by=staff_user, reason="Sciopero"
    )
    recent = schedule(staff_user, -100, title="Tavolo recente")
    schedule(staff_user, -400, title="Tavolo troppo vecchio")
    feed = CalendarFeed.objects.create(user=user)
    calendar = parse(Client().get(feed_ics_url(feed.token)))  # no session at all
    events = {str(event["SUMMARY"]): event for event in calendar.events}
    assert set(events) == {str(m) for m in (public, private, cancelled, recent)}
    assert events[str(cancelled)]["STATUS"] == "CANCELLED"
    assert events[str(private)]["STATUS"] == "CONFIRMED"
    assert VIDEO in str(events[str(private)]["DESCRIPTION"])
    assert events[str(public)].start.tzinfo.key == "Europe/Rome"
    # A logged-in account that is no participant gets what a visitor would: no private
    # meetings, no video links.
    reader = CalendarFeed.objects.create(user=UserFactory())
    response = Client().get(feed_ics_url(reader.token))
    events = {str(event["SUMMARY"]): event for event in parse(response).events}
    assert set(events) == {str(m) for m in (public, cancelled, recent)}
    assert VIDEO not in response.content.decode()


@pytest.mark.django_db
def test_the_token_decides_whose_feed_it_is_not_the_session(territory, staff_user):
    owner = MembershipFactory(zone=Zone.objects.get(number=3)).user  # sees the private one
    other = UserFactory()  # no participant: would not
    schedule(staff_user, 5, is_public=False)
    feed = CalendarFeed.objects.create(user=owner)
    # Someone else's session does not change whose feed this is, nor make a wrong token work.
    client = logged_in(other)
    assert len(parse(client.get(feed_ics_url(feed.token))).events) == 1
    assert client.get(feed_ics_url("not-a-real-token")).status_code == 404
    assert client.get(feed_ics_url(feed.token + "x")).status_code == 404
    # Nor does a participant's session open the private meetings in another account's feed.
    others_feed = CalendarFeed.objects.create(user=other)
    client = logged_in(owner)
    assert len(parse(client.get(feed_ics_url(others_feed.token))).events) == 0


@pytest.mark.django_db
def test_regenerating_kills_the_old_address_at_once(territory, staff_user):
    user = UserFactory()
    schedule(staff_user, 5)
    client = logged_in(user)
    client.get(FEED_PAGE)
    old = CalendarFeed.objects.get(user=user).token
    assert Client().get(feed_ics_url(old)).status_code == 200
    response = client.post(REGENERATE, follow=True, **EN)
    assert "the old one no longer works" in response.content.decode()
    new = CalendarFeed.objects.get(user=user).token
    assert new != old
    assert Client().get(feed_ics_url(old)).status_code == 404
    assert len(parse(Client().get(feed_ics_url(new))).events) == 1
    assert new in response.content.decode()


@pytest.mark.django_db
def test_a_deactivated_users_feed_is_gone(territory, staff_user):
    user = UserFactory()
    feed = CalendarFeed.objects.create(user=user)
    assert Client().get(feed_ics_url(feed.token)).status_code == 200
    user.is_active = False
    user.save()
    assert Client().get(feed_ics_url(feed.token)).status_code == 404


@pytest.mark.django_db
def test_feed_ics_refuses_other_methods(territory):
    feed = CalendarFeed.objects.create(user=UserFactory())
    assert Client().post(feed_ics_url(feed.token)).status_code == 405


@pytest.mark.django_db
def test_the_feed_queries_do_not_grow_with_the_meetings(territory, staff_user):
    # A participant's feed: the full one, with the video links.
    feed = CalendarFeed.objects.create(user=MembershipFactory(zone=Zone.objects.get(number=3)).user)
    url = feed_ics_url(feed.token)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(url).status_code == 200
        return len(queries)

    meeting = schedule(staff_user, 3)
    services.update_meeting(meeting=meeting, by=staff_user, place="Sala Marmi")
    small = count()
    for days in range(4, 14):
        schedule(staff_user, days)
    assert count() == small <= 3
    assert len(parse(Client().get(url)).events) == 11


# --- the meeting page ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_meeting_page_offers_the_ics_to_all_and_the_pack_to_participants(roles, staff_user):
    meeting = schedule(staff_user, 5)
    pack = reverse("meetings:meeting-pack", kwargs={"number": meeting.number})
    visitor = roles["anonymous"].get(meeting.get_absolute_url(), **EN).content.decode()
    assert ics_url(meeting) in visitor and "Add to calendar (.ics)" in visitor
    assert pack not in visitor and FEED_PAGE not in visitor
    reader = roles["no_zone"].get(meeting.get_absolute_url(), **EN).content.decode()
    assert ics_url(meeting) in reader and pack not in reader  # the pack is for participants
    for role in ("spokesperson", "staff"):
        member = roles[role].get(meeting.get_absolute_url(), **EN).content.decode()
        assert ics_url(meeting) in member and pack in member and FEED_PAGE in member, role
