"""The meeting pages: who sees which meetings and what of them; queries constant."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import ActionItem, AgendaItem, Invitation, Meeting
from zones.models import Zone

from ..factories import MembershipFactory, UserFactory

LIST = reverse("meetings:meeting-list")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def schedule(staff, days: int, **fields) -> Meeting:
    start = timezone.now() + datetime.timedelta(days=days)
    return services.schedule_meeting(
        by=staff,
        title=fields.pop("title", f"Tavolo {days}"),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="Palazzo Cisterna",
        video_url="https://meet.example.org/tavolo",
        **fields,
    )


@pytest.mark.django_db
def test_visitors_see_public_meetings_titles_and_dates_only(client, territory, staff_user):
    public = schedule(staff_user, 5, title="Tavolo pubblico")
    schedule(staff_user, 6, title="Tavolo riservato", is_public=False)
    page = client.get(LIST, **EN).content.decode()
    assert "Tavolo pubblico" in page and "Tavolo riservato" not in page
    detail = client.get(public.get_absolute_url(), **EN).content.decode()
    assert "Palazzo Cisterna" in detail
    assert "meet.example.org" not in detail  # the video-call link is for logged-in users
    assert "Zones invited" not in detail
    private = Meeting.objects.get(title="Tavolo riservato")
    assert client.get(private.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_participants_see_agenda_participation_and_quorum(territory, staff_user):
    meeting = schedule(staff_user, -1, is_public=False)
    AgendaItem.objects.create(
        meeting=meeting, title="Trasporto scolastico", position=1, status="accepted"
    )
    AgendaItem.objects.create(meeting=meeting, title="Solo proposto", position=2)
    Invitation.objects.filter(meeting=meeting, zone__number__lte=6).update(attendance="present")
    client = Client()
    client.force_login(UserFactory())  # logged in, no participant: a private meeting is hidden
    assert client.get(meeting.get_absolute_url()).status_code == 404
    client.force_login(MembershipFactory(zone=Zone.objects.get(number=3)).user)
    page = client.get(meeting.get_absolute_url(), **EN).content.decode()
    assert "Trasporto scolastico" in page and "Solo proposto" not in page
    assert "Zones present: 6 of 11; the quorum needs 6." in page
    assert "Quorum reached." in page
    assert "meet.example.org" in page
    # Before the start there is no attendance yet: the page says so, not "quorum not reached".
    upcoming = schedule(staff_user, 3)
    page = client.get(upcoming.get_absolute_url(), **EN).content.decode()
    assert "The quorum needs 6 of the 11 zones present." in page
    assert "Zones present" not in page and "Quorum not reached" not in page


@pytest.mark.django_db
def test_upcoming_and_past_meetings_are_listed_apart(client, territory, staff_user):
    schedule(staff_user, -20, title="Tavolo passato")
    schedule(staff_user, 20, title="Tavolo futuro")
    page = client.get(LIST, **EN).content.decode()
    upcoming, past = page.split("Past meetings")
    assert "Tavolo futuro" in upcoming and "Tavolo passato" in past


@pytest.mark.django_db
def test_a_cancelled_meeting_says_why(client, territory, staff_user):
    meeting = schedule(staff_user, 3)
    services.change_meeting_status(
        meeting=meeting, to_status="cancelled", by=staff_user, reason="Allerta meteo"
    )
    assert "Allerta meteo" in client.get(meeting.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_meeting_pages_queries_do_not_grow(territory, staff_user, django_assert_max_num_queries):
    # Participants, who see the whole page (agenda and decisions of meetings not marked held):
    # a spokesperson in office and staff.
    clients = {"spokesperson": Client(), "staff": Client()}
    clients["spokesperson"].force_login(MembershipFactory(zone=Zone.objects.get(number=3)).user)
    clients["staff"].force_login(staff_user)

    def build(n):
        for index in range(n):
            meeting = schedule(staff_user, -10 - index * 30)
            item = AgendaItem.objects.create(
                meeting=meeting, title="Punto", position=1, status="accepted"
            )
            decision = services.record_decision(agenda_item=item, by=staff_user, text="Ok")
            action = ActionItem.objects.create(
                decision=decision, title="Fare", due_date=timezone.localdate()
            )
            action.zones.set(meeting.invitations.values_list("zone", flat=True)[:2])
        return meeting

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(client, url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def counts(url):
        return {role: count(client, url) for role, client in clients.items()}

    first = build(1)
    small = (counts(LIST), counts(first.get_absolute_url()))
    build(6)
    assert (counts(LIST), counts(first.get_absolute_url())) == small
    # 15, and 3 for the decisions' tags of the Strategic Plan (axes, strategies, actions).
    with django_assert_max_num_queries(18):
        clients["staff"].get(first.get_absolute_url())


def answer_url(invitation) -> str:
    return reverse("meetings:invitation-answer", kwargs={"pk": invitation.pk})


@pytest.mark.django_db
def test_a_spokesperson_answers_for_their_zone_on_the_meeting_page(
    spokesperson_client, territory, staff_user
):
    meeting = schedule(staff_user, 7)
    own = meeting.invitations.get(zone__number=5)
    page = spokesperson_client.get(meeting.get_absolute_url(), **EN).content.decode()
    assert answer_url(own) in page
    assert answer_url(meeting.invitations.get(zone__number=3)) not in page
    prefix = f"invitation-{own.pk}"
    response = spokesperson_client.post(
        answer_url(own), {f"{prefix}-answer": "substitute", f"{prefix}-substitute": ""}, **EN
    )
    assert response.status_code == 400
    assert "Name the substitute" in response.content.decode()
    own.refresh_from_db()
    assert own.answer == "pending"
    response = spokesperson_client.post(
        answer_url(own),
        {f"{prefix}-answer": "substitute", f"{prefix}-substitute": "Ass. Bianchi"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.answer, own.substitute) == ("substitute", "Ass. Bianchi")


@pytest.mark.django_db
def test_nobody_answers_for_another_zone_or_a_past_meeting(client, territory, staff_user):
    meeting = schedule(staff_user, 7)
    other = meeting.invitations.get(zone__number=3)
    data = {f"invitation-{other.pk}-answer": "attending"}
    assert client.post(answer_url(other), data).status_code == 302  # to the log-in page
    speaker = MembershipFactory(zone=Zone.objects.get(number=5)).user
    client.force_login(speaker)
    assert client.post(answer_url(other), data).status_code == 403
    assert client.get(answer_url(other)).status_code == 405
    other.refresh_from_db()
    assert other.answer == "pending"

    past = schedule(staff_user, -3)
    own_past = past.invitations.get(zone__number=5)
    response = client.post(
        answer_url(own_past), {f"invitation-{own_past.pk}-answer": "attending"}, **EN
    )
    assert response.status_code == 400
    assert "still to come" in response.content.decode()
    own_past.refresh_from_db()
    assert own_past.answer == "pending"
