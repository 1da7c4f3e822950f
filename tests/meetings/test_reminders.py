"""`manage.py send_reminders`: two days before a meeting, and when an action becomes overdue,
the zones concerned are told, once, however often the job runs."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from meetings import services
from meetings.notifications import send_reminders
from zones.models import Notification, Zone

from ..factories import MembershipFactory
from .helpers import action, held, schedule


@pytest.fixture
def speaker3(territory):
    return MembershipFactory(zone=Zone.objects.get(number=3)).user


def run(django_capture_on_commit_callbacks, now=None):
    with django_capture_on_commit_callbacks(execute=True):
        return send_reminders(now)


@pytest.mark.django_db
def test_the_zones_are_reminded_two_days_before_and_only_once(
    staff_user, spokesperson, speaker3, django_capture_on_commit_callbacks
):
    soon = schedule(staff_user, 1.5, title="Tavolo vicino")
    schedule(staff_user, 3, title="Tavolo lontano")
    mail.outbox.clear()  # the scheduling notices
    assert run(django_capture_on_commit_callbacks)["reminders"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([spokesperson.email, speaker3.email])
    assert all("Tavolo vicino" in m.subject for m in mail.outbox)
    # The job runs every hour: nobody hears twice.
    assert run(django_capture_on_commit_callbacks)["reminders"] == 0
    assert (
        run(django_capture_on_commit_callbacks, timezone.now() + datetime.timedelta(hours=5))[
            "reminders"
        ]
        == 0
    )
    assert len(mail.outbox) == 2
    reminders = Notification.objects.filter(kind="meeting_reminder")
    assert {n.url for n in reminders} == {soon.get_absolute_url()}


@pytest.mark.django_db
def test_no_reminder_for_a_cancelled_or_past_meeting(
    staff_user, spokesperson, django_capture_on_commit_callbacks
):
    cancelled = schedule(staff_user, 1)
    services.change_meeting_status(
        meeting=cancelled, to_status="cancelled", by=staff_user, reason="Sala non disponibile"
    )
    schedule(staff_user, -1)
    assert run(django_capture_on_commit_callbacks)["reminders"] == 0
    assert not Notification.objects.filter(kind="meeting_reminder").exists()


@pytest.mark.django_db
def test_an_overdue_action_is_told_once_to_its_zones_only(
    staff_user, spokesperson, speaker3, django_capture_on_commit_callbacks
):
    meeting = held(staff_user, present=range(1, 12))
    late = action(staff_user, meeting, zones=(5,), due_in_days=-2, title="Mappa dei servizi")
    action(staff_user, meeting, zones=(5,), due_in_days=10, title="Non ancora")
    done = action(staff_user, meeting, zones=(3,), due_in_days=-2, title="Fatta")
    services.update_action(
        action=done, zone=done.zones.get(), by=staff_user, text="ok", to_status="done"
    )
    mail.outbox.clear()
    assert run(django_capture_on_commit_callbacks)["overdue"] == 1
    [message] = mail.outbox
    assert message.to == [spokesperson.email]
    assert "Mappa dei servizi" in message.subject
    assert late.get_absolute_url() in message.body
    assert run(django_capture_on_commit_callbacks)["overdue"] == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_command_reports_what_it_did(staff_user, spokesperson):
    schedule(staff_user, 1)
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Reminders: 1 notices" in out.getvalue()
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Reminders: 0 notices" in out.getvalue()
