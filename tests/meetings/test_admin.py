"""Staff open every meetings page of the admin; statuses are read-only there."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, Minutes


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model",
    [
        "meeting",
        "agendaitem",
        "invitation",
        "minutes",
        "minutescomment",
        "decision",
        "actionitem",
        "actionupdate",
    ],
)
def test_the_meetings_admin_opens_for_every_model(
    admin_client, staff_client, staff_user, territory, model
):
    start = timezone.now() + datetime.timedelta(days=3)
    meeting = services.schedule_meeting(
        by=staff_user,
        title="Tavolo di novembre",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        video_url="https://meet.example.org/tavolo",
    )
    Minutes.objects.create(meeting=meeting, body="Bozza")
    AgendaItem.objects.create(meeting=meeting, title="Apertura", position=1)
    changelist = admin_client.get(reverse(f"admin:meetings_{model}_changelist"))
    assert changelist.status_code == 200
    # The staff group holds the meetings permissions: its members open every list too.
    staff_view = staff_client.get(reverse(f"admin:meetings_{model}_changelist"))
    assert staff_view.status_code == 200
    if model in {"meeting", "minutes"}:
        obj = meeting if model == "meeting" else meeting.minutes
        change = staff_client.get(reverse(f"admin:meetings_{model}_change", args=[obj.pk]))
        assert change.status_code == 200


@pytest.mark.django_db
def test_the_meeting_status_cannot_be_changed_in_the_admin(staff_client, staff_user, territory):
    start = timezone.now() + datetime.timedelta(days=3)
    meeting = services.schedule_meeting(
        by=staff_user,
        title="Tavolo di novembre",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="Torino",
    )
    page = staff_client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert 'name="status"' not in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["zones_notification", "zones_notificationpreference", "meetings_calendarfeed"],
)
def test_admins_open_the_notifications_and_calendar_admin(admin_client, name):
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
