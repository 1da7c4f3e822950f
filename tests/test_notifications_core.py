"""The notifications core: a notice per user in the portal, e-mailed after commit in the
background as each user prefers (immediately, daily or weekly digest, never), once per key."""

import datetime
import logging

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone, translation

from zones.models import Notification, NotificationPreference, Zone
from zones.notifications import notify, send_digests, unread_count, zone_recipients

from .factories import MembershipFactory, UserFactory

TEMPLATE = "meetings/notifications/meeting_cancelled"


class Cancelled:
    """Enough of a meeting for the cancellation templates."""

    number = 12
    title = "Tavolo di primavera"
    starts_at = timezone.make_aware(datetime.datetime(2026, 3, 10, 10, 0))
    cancel_reason = "Sciopero dei trasporti"


def send(users, key="", **extra):
    return notify(
        users,
        kind="meeting_cancelled",
        template=TEMPLATE,
        context={"meeting": Cancelled()},
        url="/riunioni/12/",
        key=key,
        **extra,
    )


def prefer(user, frequency):
    NotificationPreference.objects.update_or_create(user=user, defaults={"frequency": frequency})


@pytest.mark.django_db
def test_a_notice_is_written_in_each_language_and_e_mailed_only_after_commit(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        [notice] = send([user])
    assert mail.outbox == []  # nothing leaves before the transaction commits
    with translation.override("en"):
        assert notice.subject == "Meeting 12 cancelled: Tavolo di primavera"
    with translation.override("it"):
        assert "annullat" in notice.subject.lower()
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == [user.email]
    assert "Sciopero dei trasporti" in message.body
    assert "http://127.0.0.1:8000/riunioni/12/" in message.body
    notice.refresh_from_db()
    assert notice.emailed_at is not None


@pytest.mark.django_db
def test_inactive_users_get_nothing_and_a_key_notifies_each_user_once(
    django_capture_on_commit_callbacks,
):
    active, inactive = UserFactory(), UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(send([active, inactive], key="reminder:12")) == 1
        assert send([active, inactive], key="reminder:12") == []
        assert len(send([active])) == 1  # without a key, every notice counts
    assert Notification.objects.filter(user=inactive).count() == 0
    assert Notification.objects.filter(user=active).count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_users_without_immediate_e_mail_keep_the_notice_in_the_portal(
    django_capture_on_commit_callbacks,
):
    quiet, digest = UserFactory(), UserFactory()
    prefer(quiet, "none")
    prefer(digest, "daily")
    with django_capture_on_commit_callbacks(execute=True):
        send([quiet, digest])
    assert mail.outbox == []
    assert unread_count(quiet) == 1 and unread_count(digest) == 1


@pytest.mark.django_db
def test_a_daily_digest_groups_the_notices_once_per_day(django_capture_on_commit_callbacks):
    user = UserFactory()
    prefer(user, "daily")
    with django_capture_on_commit_callbacks(execute=True):
        send([user])
        send([user])
    now = timezone.now()
    assert send_digests(now) == 1
    [digest] = mail.outbox
    assert digest.to == [user.email]
    assert digest.body.count("http://127.0.0.1:8000/riunioni/12/") == 2
    # Run again within the day: nothing new goes out.
    assert send_digests(now + datetime.timedelta(hours=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        send([user])
    assert send_digests(now + datetime.timedelta(hours=23)) == 0
    assert send_digests(now + datetime.timedelta(days=1, minutes=1)) == 1
    assert mail.outbox[1].body.count("/riunioni/12/") == 1  # only the notice not yet sent
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_weekly_digest_waits_a_week_and_nobody_else_gets_one():
    weekly, immediate, quiet = UserFactory(), UserFactory(), UserFactory()
    prefer(weekly, "weekly")
    prefer(quiet, "none")
    NotificationPreference.objects.filter(user=weekly).update(last_digest_at=timezone.now())
    send([weekly, immediate, quiet])  # no commit callbacks run: nothing e-mailed at once
    now = timezone.now()
    assert send_digests(now + datetime.timedelta(days=6)) == 0
    assert send_digests(now + datetime.timedelta(days=7, minutes=1)) == 1
    assert [m.to for m in mail.outbox] == [[weekly.email]]


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.mark.django_db
def test_a_failing_mail_server_is_logged_and_the_notice_kept_unsent(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMailServer"
    user = UserFactory()
    prefer(user, "daily")
    other = UserFactory()
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        send([user, other])
    assert "Could not send the meeting_cancelled e-mail" in caplog.text
    assert send_digests() == 0  # the digest fails too, and is tried again next time
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2
    assert NotificationPreference.objects.get(user=user).last_digest_at is None


@pytest.mark.django_db
def test_zone_recipients_are_the_active_spokespersons_of_those_zones(territory):
    zone3, zone5 = Zone.objects.get(number=3), Zone.objects.get(number=5)
    three = MembershipFactory(zone=zone3).user
    five = MembershipFactory(zone=zone5).user
    MembershipFactory(zone=zone5, user=UserFactory(is_active=False))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    MembershipFactory(zone=zone5, since=yesterday - datetime.timedelta(days=30), until=yesterday)
    MembershipFactory(zone=Zone.objects.get(number=7))
    assert zone_recipients([zone3, zone5]) == [three, five]


@pytest.mark.django_db
def test_the_digest_command_reports_the_digests_sent():
    from io import StringIO

    from django.core.management import call_command

    user = UserFactory()
    prefer(user, "weekly")
    send([user])
    out = StringIO()
    call_command("send_digests", stdout=out)
    assert out.getvalue().strip() == "Digests sent: 1."
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_worker_sends_the_e_mail(settings):
    """Production: the request only queues the e-mail; `db_worker` sends it."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    user = UserFactory()
    send([user])  # no transaction around it: committed at once, the task queued
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    [message] = mail.outbox
    assert message.to == [user.email]
    assert Notification.objects.get().emailed_at is not None
