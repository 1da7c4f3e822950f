"""What a consultation tells the zones, through ``zones.notifications``: it was opened, its
deadline moved, and a reminder to the zones that have not answered yet (by the staff's button,
or by ``manage.py send_reminders`` three days before the deadline).

A reminder's key holds the consultation and its deadline: each user of a zone is reminded once
per deadline, however often the button is pressed or the job runs (a deadline extended is worth
a new reminder).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from zones.models import Zone
from zones.notifications import notify, zone_recipients

from .models import Consultation

TEMPLATES = "plans/notifications/"
REMINDER_BEFORE = timedelta(days=3)


def _about(consultation: Consultation, zones, kind: str, key: str = "") -> list:
    return notify(
        zone_recipients(zones),
        kind=kind,
        template=f"{TEMPLATES}{kind}",
        context={"consultation": consultation, "plan": consultation.plan},
        url=consultation.get_absolute_url(),
        key=key,
    )


def consultation_opened(consultation: Consultation) -> list:
    """Every zone's spokespersons and deputies are asked for the zone's opinion."""
    return _about(
        consultation,
        Zone.objects.all(),
        "consultation_opened",
        key=f"consultation-opened:{consultation.pk}",
    )


def deadline_changed(consultation: Consultation) -> list:
    return _about(
        consultation,
        Zone.objects.all(),
        "consultation_deadline_changed",
        key=f"consultation-deadline:{consultation.pk}:{consultation.deadline.isoformat()}",
    )


def zones_without_answer(consultation: Consultation):
    return Zone.objects.exclude(plan_opinions__consultation=consultation).order_by("number")


def reminder_key(consultation: Consultation) -> str:
    return f"consultation-reminder:{consultation.pk}:{consultation.deadline.isoformat()}"


def remind(consultation: Consultation) -> list:
    """Remind the zones that have not answered; each user once per deadline."""
    return _about(
        consultation,
        zones_without_answer(consultation),
        "consultation_reminder",
        key=reminder_key(consultation),
    )


def send_consultation_reminders(now=None) -> int:
    """Remind the zones that have not answered every open consultation whose deadline is
    within three days. Called by ``meetings``' ``send_reminders`` job; idempotent. Returns how
    many notices were written."""
    now = now or timezone.now()
    due = Consultation.objects.filter(deadline__gt=now, deadline__lte=now + REMINDER_BEFORE)
    return sum(len(remind(consultation)) for consultation in due.select_related("plan"))
