"""The meetings' part of "My zone's work": the invitations still to answer and the zones' open
actions, overdue ones first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.models import Invitation
from zones.models import Zone

from .helpers import action, held, schedule
from .test_attendance import role_clients

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MY_ZONE = reverse("practices:my-zone")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status", "shown"),
    [("anonymous", 302, False), ("user", 403, False), ("zone5", 200, True), ("staff", 200, True)],
)
def test_who_sees_the_meetings_section(territory, staff_user, role, status, shown):
    meeting = schedule(staff_user, 6, title="Tavolo di giugno")
    response = role_clients(staff_user)[role].get(MY_ZONE, **EN)
    assert response.status_code == status
    page = response.content.decode()
    assert ("Invitations to answer" in page) == shown
    assert (meeting.title in page) == shown


@pytest.mark.django_db
def test_invitations_waiting_for_the_zones_answer(spokesperson_client, territory, staff_user):
    waiting = schedule(staff_user, 6, title="Da rispondere")
    answered = schedule(staff_user, 8, title="Già risposto")
    services.answer_invitation(
        invitation=answered.invitations.get(zone__number=5), by=staff_user, answer="attending"
    )
    schedule(staff_user, -2, title="Già iniziato")
    cancelled = schedule(staff_user, 9, title="Annullato")
    services.change_meeting_status(
        meeting=cancelled, to_status="cancelled", by=staff_user, reason="Sciopero"
    )
    page = spokesperson_client.get(MY_ZONE, **EN).content.decode()
    invitation = waiting.invitations.get(zone__number=5)
    assert f"{waiting.get_absolute_url()}#invitation-{invitation.pk}" in page
    assert "answer for the zone" in page
    for title in ("Già risposto", "Già iniziato", "Annullato"):
        assert title not in page


@pytest.mark.django_db
def test_open_actions_overdue_first_and_marked(spokesperson_client, territory, staff_user):
    meeting = held(staff_user)
    action(staff_user, meeting, zones=(5,), due_in_days=10, title="Entro dieci giorni")
    action(staff_user, meeting, zones=(5, 7), due_in_days=-4, title="Scaduta da quattro")
    action(staff_user, meeting, zones=(3,), due_in_days=-4, title="Di un'altra zona")
    done = action(staff_user, meeting, zones=(5,), title="Già fatta")
    services.update_action(
        action=done, zone=Zone.objects.get(number=5), by=staff_user, text="Ok", to_status="done"
    )
    page = spokesperson_client.get(MY_ZONE, **EN).content.decode()
    assert page.index("Scaduta da quattro") < page.index("Entro dieci giorni")
    assert "1 action is overdue." in page
    assert "action-overdue-row" in page and "Overdue" in page
    assert "Di un" not in page and "Già fatta" not in page


@pytest.mark.django_db
def test_staff_see_every_zone_or_the_one_chosen(staff_client, territory, staff_user):
    meeting = held(staff_user)
    action(staff_user, meeting, zones=(3,), title="Della zona tre")
    action(staff_user, meeting, zones=(8,), title="Della zona otto")
    page = staff_client.get(MY_ZONE, **EN).content.decode()
    assert "Della zona tre" in page and "Della zona otto" in page
    chosen = Zone.objects.get(number=3)
    page = staff_client.get(MY_ZONE, {"zone": chosen.number}, **EN).content.decode()
    assert "Della zona tre" in page and "Della zona otto" not in page


@pytest.mark.django_db
def test_the_section_queries_do_not_grow(spokesperson_client, territory, staff_user):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert spokesperson_client.get(MY_ZONE).status_code == 200
        return len(ctx.captured_queries)

    meeting = held(staff_user)
    action(staff_user, meeting, zones=(5,))
    schedule(staff_user, 4)
    small = count()
    for index in range(6):
        action(staff_user, meeting, zones=(5, 6, 7), due_in_days=index - 3)
        schedule(staff_user, 5 + index)
    assert Invitation.objects.filter(zone__number=5, answer="pending").count() > 6
    assert count() == small
