"""Rules that a review found missing: what former spokespersons and visitors see, follow-ups
of actions decided after the next meeting was scheduled, the admin keeping the rules, and a
reminder after a meeting is moved."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, Minutes
from meetings.notifications import send_reminders
from zones.models import Membership, Zone

from ..factories import MembershipFactory
from .helpers import action, held, schedule

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.django_db
def test_a_former_spokesperson_sees_what_a_visitor_sees(territory, staff_user):
    private = held(staff_user, 20, title="Seduta riservata", is_public=False)
    public = schedule(staff_user, 5, title="Seduta pubblica")
    former = MembershipFactory(zone=Zone.objects.get(number=4))
    client = Client()
    client.force_login(former.user)
    assert client.get(private.get_absolute_url()).status_code == 200  # still in office
    today = timezone.localdate()
    Membership.objects.filter(pk=former.pk).update(
        since=today - datetime.timedelta(days=400), until=today - datetime.timedelta(days=1)
    )
    assert client.get(private.get_absolute_url()).status_code == 404
    page = client.get(public.get_absolute_url(), **EN).content.decode()
    assert "Seduta pubblica" in page
    assert "meet.example.org" not in page  # the video link is for participants
    assert client.get(reverse("meetings:meeting-pack", args=[public.number])).status_code == 403
    register = reverse("meetings:attendance-register", args=[public.number])
    assert client.get(register).status_code == 403


@pytest.mark.django_db
def test_visitors_do_not_read_a_private_meetings_action_on_a_public_agenda(
    client, territory, staff_user
):
    private = held(staff_user, 40, title="Seduta riservata", is_public=False)
    action(staff_user, private, zones=(5,), title="Accordo riservato con i gestori")
    public = held(staff_user, 10, title="Seduta pubblica")
    # The public meeting was scheduled after the action: it follows it up.
    assert public.agenda_items.filter(kind="follow_up").exists()
    page = client.get(public.get_absolute_url(), **EN).content.decode()
    assert "Seduta pubblica" in page
    assert "Accordo riservato con i gestori" not in page
    client.force_login(staff_user)
    assert (
        "Accordo riservato con i gestori" in client.get(public.get_absolute_url()).content.decode()
    )


@pytest.mark.django_db
def test_an_action_decided_after_the_next_meeting_was_scheduled_is_followed_up_there(
    territory, staff_user
):
    current = held(staff_user, 1, present=range(1, 12))
    upcoming = schedule(staff_user, 20)
    later = schedule(staff_user, 60)
    made = action(staff_user, current, zones=(5, 6), title="Censimento delle fermate")
    for meeting in (upcoming, later):
        follow_up = meeting.agenda_items.get(kind="follow_up")
        assert follow_up.action == made and follow_up.status == "accepted"
    # Once only, however many actions follow.
    action(staff_user, current, zones=(3,), title="Altra azione")
    assert upcoming.agenda_items.filter(action=made).count() == 1
    assert AgendaItem.objects.filter(kind="follow_up").count() == 4


@pytest.mark.django_db
def test_a_meeting_moved_after_its_reminder_is_reminded_again(
    territory, staff_user, django_capture_on_commit_callbacks
):
    MembershipFactory(zone=Zone.objects.get(number=5))
    meeting = schedule(staff_user, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders()["reminders"] == 1
        start = meeting.starts_at + datetime.timedelta(hours=3)
        services.update_meeting(
            meeting=meeting,
            by=staff_user,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
        )
        assert send_reminders()["reminders"] == 1
        assert send_reminders()["reminders"] == 0


@pytest.mark.django_db
def test_the_admin_keeps_approved_minutes_frozen_and_numbers_its_edits(
    admin_client, territory, staff_user
):
    first = held(staff_user, 30)
    minutes = Minutes.objects.create(meeting=first, body="Testo")
    url = reverse("admin:meetings_minutes_change", args=[minutes.pk])
    response = admin_client.post(url, {"meeting": first.pk, "body": "Testo corretto"})
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert (minutes.body, minutes.version) == ("Testo corretto", 2)
    services.move_minutes(minutes=minutes, to_status="circulated", by=staff_user)
    services.move_minutes(
        minutes=minutes, to_status="approved", by=staff_user, at_meeting=held(staff_user, 2)
    )
    admin_client.post(url, {"meeting": first.pk, "body": "RISCRITTO"})
    minutes.refresh_from_db()
    assert minutes.body == "Testo corretto"
    assert admin_client.get(reverse("admin:meetings_meeting_add")).status_code == 403


@pytest.mark.django_db
def test_a_failing_mail_server_does_not_break_scheduling(
    staff_client, territory, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.test_notifications_core.BrokenMailServer"
    MembershipFactory(zone=Zone.objects.get(number=5))
    start = timezone.localtime() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("meetings:meeting-create"),
            {
                "title": "Tavolo di gennaio",
                "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                "place": "Palazzo Cisterna",
                "is_public": "on",
            },
        )
    assert response.status_code == 302
    assert mail.outbox == []
    notice = Membership.objects.get().user.notifications.get()
    assert notice.kind == "meeting_scheduled" and notice.emailed_at is None
