"""Staff schedule, change, cancel a meeting and mark it held: who may, what the zones are told,
and what bad input says."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, Meeting
from zones.models import Notification, Zone

from ..factories import MembershipFactory, UserFactory
from .helpers import action, held, schedule

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
CREATE = reverse("meetings:meeting-create")
ROLES = ("anonymous", "no_zone", "spokesperson", "other_zone", "staff")
# What each role gets from a staff-only page: visitors are sent to log in.
STAFF_ONLY = {"anonymous": 302, "no_zone": 403, "spokesperson": 403, "other_zone": 403}


@pytest.fixture
def as_role(territory, staff_user, spokesperson):
    """A client logged in as: nobody, a user of no zone, the spokesperson of zone 5, the
    spokesperson of zone 3, staff."""
    other = MembershipFactory(zone=Zone.objects.get(number=3)).user
    users = {
        "anonymous": None,
        "no_zone": UserFactory(),
        "spokesperson": spokesperson,
        "other_zone": other,
        "staff": staff_user,
    }

    def client_for(role: str) -> Client:
        client = Client()
        if users[role] is not None:
            client.force_login(users[role])
        return client

    return client_for


def local(moment) -> str:
    """A moment as a datetime-local input sends it (Italian time)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def meeting_data(days: float = 14, hours: float = 2, **fields) -> dict:
    start = (timezone.now() + datetime.timedelta(days=days)).replace(second=0, microsecond=0)
    data = {
        "title": "Tavolo di primavera",
        "starts_at": local(start),
        "ends_at": local(start + datetime.timedelta(hours=hours)),
        "place": "Palazzo Cisterna, Torino",
        "video_url": "",
        "is_public": "on",
    }
    data.update(fields)
    return data


def url(name: str, meeting: Meeting) -> str:
    return reverse(f"meetings:{name}", kwargs={"number": meeting.number})


def assert_login_redirect(response):
    assert response.status_code == 302 and "login" in response.url


# --- Permissions ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_staff_schedule_a_meeting(as_role):
    for role, expected in STAFF_ONLY.items():
        client = as_role(role)
        assert client.get(CREATE).status_code == expected, role
        response = client.post(CREATE, meeting_data())
        assert response.status_code == expected, role
        if role == "anonymous":
            assert_login_redirect(response)
        assert not Meeting.objects.exists()
    staff = as_role("staff")
    assert staff.get(CREATE).status_code == 200
    response = staff.post(CREATE, meeting_data())
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    assert as_role("staff").put(CREATE).status_code == 405


@pytest.mark.django_db
def test_only_staff_change_or_cancel_a_meeting(as_role, staff_user):
    meeting = schedule(staff_user, 7, title="Tavolo originale")
    for role, expected in STAFF_ONLY.items():
        client = as_role(role)
        for name, data in (
            ("meeting-edit", meeting_data(title="Cambiato")),
            ("meeting-cancel", {"reason": "Allerta meteo"}),
        ):
            assert client.get(url(name, meeting)).status_code == expected, (role, name)
            assert client.post(url(name, meeting), data).status_code == expected, (role, name)
    meeting.refresh_from_db()
    assert (meeting.title, meeting.status) == ("Tavolo originale", "scheduled")

    staff = as_role("staff")
    assert staff.get(url("meeting-edit", meeting)).status_code == 200
    assert (
        staff.post(url("meeting-edit", meeting), meeting_data(title="Cambiato")).status_code == 302
    )
    assert staff.get(url("meeting-cancel", meeting)).status_code == 200
    response = staff.post(url("meeting-cancel", meeting), {"reason": "Allerta meteo"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.status, meeting.cancel_reason) == (
        "Cambiato",
        "cancelled",
        "Allerta meteo",
    )


@pytest.mark.django_db
def test_only_staff_mark_a_meeting_held(as_role, staff_user):
    meeting = schedule(staff_user, -0.05)  # started an hour or so ago
    for role, expected in STAFF_ONLY.items():
        client = as_role(role)
        assert client.post(url("meeting-held", meeting)).status_code == expected, role
    for role in ROLES:
        assert as_role(role).get(url("meeting-held", meeting)).status_code == 405, role
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    assert as_role("staff").post(url("meeting-held", meeting)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held"


@pytest.mark.django_db
def test_an_unknown_meeting_is_not_found(staff_client, territory):
    missing = reverse("meetings:meeting-edit", kwargs={"number": 99})
    assert staff_client.get(missing).status_code == 404
    assert (
        staff_client.post(reverse("meetings:meeting-held", kwargs={"number": 99})).status_code
        == 404
    )


# --- Scheduling -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_scheduling_invites_every_zone_carries_open_actions_and_tells_the_zones(
    staff_client, staff_user, spokesperson, django_capture_on_commit_callbacks
):
    earlier = held(staff_user, days_ago=30)
    still_open = action(staff_user, earlier, zones=(5,), title="Mappa dei servizi")
    done = action(staff_user, earlier, zones=(3,), title="Già fatta")
    services.update_action(
        action=done, zone=done.zones.get(), by=staff_user, text="Fatto", to_status="done"
    )
    mail.outbox.clear()

    page = staff_client.get(CREATE, **EN).content.decode()
    assert f"This will be meeting number {earlier.number + 1}" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(CREATE, meeting_data(title="Tavolo d'autunno"), **EN)
    meeting = Meeting.objects.get(title="Tavolo d'autunno")
    assert response.status_code == 302
    assert meeting.number == earlier.number + 1
    assert meeting.invitations.count() == 11
    follow_ups = meeting.agenda_items.filter(kind=AgendaItem.Kind.FOLLOW_UP)
    assert [item.action for item in follow_ups] == [still_open]
    assert follow_ups.get().status == "accepted"

    notices = Notification.objects.filter(user=spokesperson, kind="meeting_scheduled")
    assert notices.filter(url=meeting.get_absolute_url()).count() == 1
    assert [message.to for message in mail.outbox] == [[spokesperson.email]]
    assert "Tavolo d'autunno" in mail.outbox[0].subject + mail.outbox[0].body

    page = staff_client.get(meeting.get_absolute_url(), **EN).content.decode()
    assert "the 11 zones are invited" in page
    assert "1 open action of earlier meetings is on its agenda as a follow-up" in page
    assert "Mappa dei servizi" in page and still_open.get_absolute_url() in page


@pytest.mark.django_db
def test_times_are_italian_time(staff_client, territory):
    staff_client.post(
        CREATE,
        meeting_data(starts_at="2031-07-01T10:00", ends_at="2031-07-01T12:30"),
    )
    meeting = Meeting.objects.get()
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "10:00"
    assert meeting.starts_at == datetime.datetime(2031, 7, 1, 8, 0, tzinfo=datetime.UTC)
    page = staff_client.get(url("meeting-edit", meeting)).content.decode()
    assert 'value="2031-07-01T10:00"' in page and 'value="2031-07-01T12:30"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"hours": -1}, "The meeting must end after it starts."),
        ({"hours": 0}, "The meeting must end after it starts."),
        ({"place": "", "video_url": ""}, "Give a place, a video-call link, or both."),
        ({"title": ""}, "This field is required."),
        ({"starts_at": "domani"}, "Enter a valid date/time."),
    ],
)
def test_bad_input_is_refused_and_kept(staff_client, territory, fields, message):
    data = meeting_data(**fields)
    response = staff_client.post(CREATE, data, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "The meeting was not scheduled" in page
    if data["title"]:
        assert f'value="{data["title"]}"' in page  # what was typed is kept
    assert not Meeting.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_a_video_call_alone_is_enough(staff_client, territory):
    data = meeting_data(place="", video_url="https://meet.example.org/tavolo")
    assert staff_client.post(CREATE, data).status_code == 302
    assert Meeting.objects.get().video_url == "https://meet.example.org/tavolo"


# --- Changing ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_the_place_tells_the_zones_and_the_title_does_not(
    staff_client, staff_user, spokesperson, django_capture_on_commit_callbacks
):
    meeting = schedule(staff_user, 10, title="Tavolo", place="Sala A", video_url="")
    page = staff_client.get(url("meeting-edit", meeting), **EN).content.decode()
    assert 'value="Sala A"' in page and "told by e-mail" in page
    start = timezone.localtime(meeting.starts_at)
    same_time = {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"),
    }
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url("meeting-edit", meeting),
            meeting_data(title="Tavolo rinominato", place="Sala A", **same_time),
            **EN,
        )
    assert response.status_code == 302
    assert not Notification.objects.filter(kind="meeting_changed").exists()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url("meeting-edit", meeting),
            meeting_data(title="Tavolo rinominato", place="Sala B", **same_time),
            **EN,
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Sala B"
    assert Notification.objects.filter(user=spokesperson, kind="meeting_changed").count() == 1
    assert [message.to for message in mail.outbox] == [[spokesperson.email]]
    page = staff_client.get(meeting.get_absolute_url(), **EN).content.decode()
    assert "the invited zones are told by e-mail" in page


@pytest.mark.django_db
def test_a_held_or_cancelled_meeting_cannot_be_changed_or_cancelled(staff_client, staff_user):
    past = held(staff_user, days_ago=5, title="Tavolo tenuto")
    cancelled = schedule(staff_user, 5, title="Tavolo annullato")
    services.change_meeting_status(
        meeting=cancelled, to_status="cancelled", by=staff_user, reason="Sciopero"
    )
    for meeting, status in ((past, "Held"), (cancelled, "Cancelled")):
        for name in ("meeting-edit", "meeting-cancel"):
            response = staff_client.get(url(name, meeting), **EN)
            assert response.status_code == 200
            page = response.content.decode()
            assert f"This meeting is “{status}”: it can no longer be changed." in page
            assert '<form method="post"' not in page.split('id="main-content"')[1]
        data = meeting_data(title="Nuovo titolo")
        assert staff_client.post(url("meeting-edit", meeting), data).status_code == 400
        response = staff_client.post(url("meeting-cancel", meeting), {"reason": "Di nuovo"})
        assert response.status_code == 400
        meeting.refresh_from_db()
        assert meeting.title != "Nuovo titolo" and meeting.cancel_reason != "Di nuovo"


# --- Cancelling and marking held --------------------------------------------------------------


@pytest.mark.django_db
def test_cancelling_needs_a_reason_and_tells_the_zones(
    staff_client, staff_user, spokesperson, django_capture_on_commit_callbacks
):
    meeting = schedule(staff_user, 4)
    response = staff_client.post(url("meeting-cancel", meeting), {"reason": "   "}, **EN)
    assert response.status_code == 400
    assert "Say why the meeting is cancelled" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    assert not Notification.objects.filter(kind="meeting_cancelled").exists()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url("meeting-cancel", meeting), {"reason": "Allerta meteo"}, **EN
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "Allerta meteo")
    assert Notification.objects.filter(user=spokesperson, kind="meeting_cancelled").exists()
    assert [message.to for message in mail.outbox] == [[spokesperson.email]]
    assert "Allerta meteo" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_meeting_is_marked_held_only_once_it_has_started(staff_client, staff_user):
    future = schedule(staff_user, 2)
    response = staff_client.post(url("meeting-held", future), **EN)
    assert response.status_code == 400
    assert "The meeting has not started yet" in response.content.decode()
    future.refresh_from_db()
    assert future.status == "scheduled"

    started = schedule(staff_user, -0.05)
    assert staff_client.post(url("meeting-held", started)).status_code == 302
    started.refresh_from_db()
    assert started.status == "held"
    response = staff_client.post(url("meeting-held", started), **EN)
    assert response.status_code == 400
    assert "cannot become" in response.content.decode()


# --- The meeting's page and the list ----------------------------------------------------------


@pytest.mark.django_db
def test_staff_see_the_buttons_that_fit_the_meeting(as_role, staff_user):
    future = schedule(staff_user, 3)
    started = schedule(staff_user, -0.05)
    past = held(staff_user, days_ago=3)
    staff = as_role("staff")

    page = staff.get(future.get_absolute_url(), **EN).content.decode()
    assert url("meeting-edit", future) in page and url("meeting-cancel", future) in page
    assert url("meeting-held", future) not in page
    assert "Once the meeting has started you can mark it as held." in page

    page = staff.get(started.get_absolute_url(), **EN).content.decode()
    assert url("meeting-held", started) in page

    page = staff.get(past.get_absolute_url(), **EN).content.decode()
    for name in ("meeting-edit", "meeting-cancel", "meeting-held"):
        assert url(name, past) not in page

    for role in ("anonymous", "no_zone", "spokesperson"):
        page = as_role(role).get(started.get_absolute_url(), **EN).content.decode()
        for name in ("meeting-edit", "meeting-cancel", "meeting-held"):
            assert url(name, started) not in page, (role, name)


@pytest.mark.django_db
def test_only_staff_see_the_schedule_button_on_the_list(as_role):
    list_url = reverse("meetings:meeting-list")
    assert CREATE in as_role("staff").get(list_url).content.decode()
    for role in ("anonymous", "no_zone", "spokesperson"):
        assert CREATE not in as_role(role).get(list_url).content.decode(), role


@pytest.mark.django_db
def test_the_list_queries_do_not_grow_with_meetings(staff_client, staff_user):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse("meetings:meeting-list")).status_code == 200
        return len(queries)

    meeting = schedule(staff_user, 3)
    AgendaItem.objects.create(meeting=meeting, title="Punto", position=1, status="accepted")
    small = count()
    for days in range(4, 12):
        other = schedule(staff_user, days, is_public=days % 2 == 0)
        AgendaItem.objects.create(meeting=other, title="Punto", position=1, status="accepted")
    held(staff_user, days_ago=20)
    assert count() == small
