"""Attendance: staff record the zones' attendance on one sheet once a meeting has started; the
printable register lists the eleven zones and the quorum."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Invitation
from zones.models import Zone

from ..factories import MembershipFactory, UserFactory
from .helpers import held, schedule

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def role_clients(staff_user) -> dict[str, Client]:
    """A client per role: a visitor, a user with no zone, the spokespersons of zones 5 and 3,
    and staff."""
    clients = {"anonymous": Client()}
    users = {
        "user": UserFactory(),
        "zone5": MembershipFactory(zone=Zone.objects.get(number=5)).user,
        "zone3": MembershipFactory(zone=Zone.objects.get(number=3)).user,
        "staff": staff_user,
    }
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def sheet_url(meeting) -> str:
    return reverse("meetings:attendance", kwargs={"number": meeting.number})


def register_url(meeting) -> str:
    return reverse("meetings:attendance-register", kwargs={"number": meeting.number})


def sheet(present=(), special=None) -> dict:
    """The sheet's data: the zones numbered in ``present`` present, the others absent, except
    ``special``: {zone number: (attendance, who attended)}."""
    data, special = {}, special or {}
    for number in range(1, 12):
        attendance, who = special.get(number, ("present" if number in present else "absent", ""))
        data[f"zone-{number}-attendance"] = attendance
        data[f"zone-{number}-attended_by"] = who
    return data


def recorded(meeting) -> dict:
    return dict(meeting.invitations.values_list("zone__number", "attendance"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "get", "post"),
    [
        ("anonymous", 302, 302),
        ("user", 403, 403),
        ("zone5", 403, 403),
        ("zone3", 403, 403),
        ("staff", 200, 302),
    ],
)
def test_only_staff_record_attendance(territory, staff_user, role, get, post):
    meeting = schedule(staff_user, -0.01)
    client = role_clients(staff_user)[role]
    response = client.get(sheet_url(meeting))
    assert response.status_code == get
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))
    response = client.post(sheet_url(meeting), sheet(present=range(1, 7)))
    assert response.status_code == post
    present = sum(1 for value in recorded(meeting).values() if value == "present")
    assert present == (6 if role == "staff" else 0)


@pytest.mark.django_db
def test_staff_record_the_whole_sheet_and_the_quorum_follows(staff_client, territory, staff_user):
    meeting = schedule(staff_user, -0.01)
    data = sheet(range(1, 6), {7: ("substitute", "Ass. Verdi"), 9: ("excused", "")})
    response = staff_client.post(sheet_url(meeting), data)
    assert response.status_code == 302
    assert response.url == f"{meeting.get_absolute_url()}#participation"
    attendance = recorded(meeting)
    assert [attendance[n] for n in (1, 5, 7, 8, 9)] == [
        "present",
        "present",
        "substitute",
        "absent",
        "excused",
    ]
    assert meeting.invitations.get(zone__number=7).attended_by == "Ass. Verdi"
    page = staff_client.get(meeting.get_absolute_url(), **EN).content.decode()
    assert "Zones present: 6 of 11; the quorum needs 6." in page
    assert "Quorum reached." in page
    assert sheet_url(meeting) in page


@pytest.mark.django_db
def test_an_unnamed_substitute_refuses_the_whole_sheet(staff_client, territory, staff_user):
    meeting = schedule(staff_user, -0.01)
    data = sheet(range(1, 7), {7: ("substitute", "  ")})
    response = staff_client.post(sheet_url(meeting), data, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Name the substitute who came for the zone." in page
    assert set(recorded(meeting).values()) == {""}  # the valid rows were not saved either
    assert 'name="zone-1-attendance"' in page and 'value="present" selected' in page


@pytest.mark.django_db
def test_attendance_waits_for_the_meeting_to_start(staff_client, territory, staff_user):
    meeting = schedule(staff_user, 2)
    page = staff_client.get(sheet_url(meeting), **EN).content.decode()
    assert "Attendance is recorded once the meeting has started." in page
    assert 'name="zone-1-attendance"' not in page
    response = staff_client.post(sheet_url(meeting), sheet(present=range(1, 12)), **EN)
    assert response.status_code == 400
    assert "Attendance is recorded once the meeting has started." in response.content.decode()
    assert set(recorded(meeting).values()) == {""}
    detail = staff_client.get(meeting.get_absolute_url(), **EN).content.decode()
    assert sheet_url(meeting) not in detail  # no link to a sheet that cannot be used yet
    assert register_url(meeting) in detail


@pytest.mark.django_db
def test_the_sheet_shows_each_zones_answer(staff_client, territory, staff_user):
    meeting = schedule(staff_user, -0.01)
    Invitation.objects.filter(meeting=meeting, zone__number=4).update(
        answer="substitute", substitute="Dott.ssa Neri"
    )
    page = staff_client.get(sheet_url(meeting), **EN).content.decode()
    assert page.count('name="zone-') == 22  # 11 zones, two controls each
    assert "Sending a substitute (Dott.ssa Neri)" in page
    assert 'value="Dott.ssa Neri"' in page  # proposed as who attended


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "get", "post"),
    [
        ("anonymous", 302, 302),
        ("user", 403, 405),  # not a participant: the register is a working paper
        ("zone5", 200, 405),
        ("zone3", 200, 405),
        ("staff", 200, 405),
    ],
)
def test_logged_in_users_open_the_register(territory, staff_user, role, get, post):
    meeting = held(staff_user, present=range(1, 8), is_public=False)
    client = role_clients(staff_user)[role]
    assert client.get(register_url(meeting)).status_code == get
    assert client.post(register_url(meeting)).status_code == post


@pytest.mark.django_db
def test_the_register_is_a_document_for_the_record(client, territory, staff_user):
    meeting = held(staff_user, present=range(1, 5), title="Tavolo di marzo")
    Invitation.objects.filter(meeting=meeting, zone__number=8).update(
        attendance="substitute", attended_by="Sig. Rossi"
    )
    client.force_login(MembershipFactory(zone=Zone.objects.get(number=3)).user)
    page = client.get(register_url(meeting), **EN).content.decode()
    for zone in Zone.objects.all():
        assert f'<th scope="row">{zone}</th>' in page
    assert page.count('<th scope="row">') == 11
    assert "Tavolo di marzo" in page and str(meeting.number) in page
    assert "Palazzo Cisterna" in page
    assert "Sig. Rossi" in page
    assert "Zones present: 5 of 11; the quorum needs 6." in page
    assert "Quorum not reached." in page
    assert "Signature of the secretary" in page
    assert "Printed on" in page
    assert "js/print.js" in page and "data-print" in page


@pytest.mark.django_db
def test_register_and_sheet_queries_do_not_grow(staff_client, territory, staff_user):
    first = held(staff_user, days_ago=100, present=(1,))

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert staff_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = (count(register_url(first)), count(sheet_url(first)))
    for index in range(5):
        held(staff_user, days_ago=10 + index, present=range(1, 12))
    Invitation.objects.filter(meeting=first).update(attendance="present")
    assert (count(register_url(first)), count(sheet_url(first))) == small
