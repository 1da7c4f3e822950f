"""Everything the portal holds about one user, gathered for the "download my data" file.

The user has a right of access to their data (GDPR, article 15); this module answers it. It
reads every relation to the user model in the apps (``grep AUTH_USER_MODEL`` in zones/,
practices/, meetings/) and the change histories that record the user as author:

- zones: ``Membership.user``, ``NotificationPreference.user``, ``Notification.user``;
- practices: ``Practice.created_by``, ``Transition.by``, ``Attachment.uploaded_by``,
  ``Comment.author``, ``Comment.reported_by``, ``Comment.hidden_by``, ``Transfer.created_by``,
  ``TransferStep.by``, ``ExpertOpinion.author``;
- meetings: ``Meeting.created_by``, ``AgendaItem.proposed_by``, ``Invitation.answered_by``,
  ``MinutesComment.author``, ``Decision.recorded_by``, ``ActionUpdate.author``,
  ``CalendarFeed.user`` (only whether it exists: its token is a secret and stays out);
- plans: ``Consultation.opened_by``, ``ZoneOpinion.answered_by`` (the zones' answers the user
  saved last);
- django-simple-history: ``history_user`` of the practices, transfers, meetings, minutes,
  decisions, action items, expert opinions, consultations, zones' answers and their remarks,
  and the Strategic Plans (changed in the admin) the user changed;
- allauth: ``EmailAddress.user`` (the addresses the log-in knows);
- roundtable: ``AccountDeletionRequest.user`` (the user's requests; who decided stays out),
  ``AuditEvent.user`` (the security events about the account; who did it stays out, only
  whether it was the user themselves);
- allauth.mfa: ``Authenticator.user`` (the kinds set up and when; never a secret or a code).

Each relation is one query, whatever the amount of data. Only the user's own words and the
identifiers of what they acted on are written out: never another user's name, e-mail or text
(a comment the user reported is named by its number, not by its author's words).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language

from meetings.models import (
    ActionItem,
    ActionUpdate,
    AgendaItem,
    CalendarFeed,
    Decision,
    Invitation,
    Meeting,
    Minutes,
    MinutesComment,
)
from plans.models import AxisRemark, Consultation, Plan, ZoneOpinion
from practices.models import (
    Attachment,
    Comment,
    ExpertOpinion,
    Practice,
    Transfer,
    TransferStep,
    Transition,
)
from zones.models import Membership, Notification, NotificationPreference

# The models whose change history names who made each change.
HISTORIES = {
    "practices": Practice,
    "transfers": Transfer,
    "meetings": Meeting,
    "minutes": Minutes,
    "decisions": Decision,
    "action_items": ActionItem,
    "expert_opinions": ExpertOpinion,
    "consultations": Consultation,
    "zone_opinions": ZoneOpinion,
    "axis_remarks": AxisRemark,
    "strategic_plans": Plan,
}


def _practice_url(practice_id: int | None) -> str:
    if practice_id is None:
        return ""
    return reverse("practices:practice-detail", kwargs={"pk": practice_id})


def _meeting_url(number: int | None) -> str:
    if number is None:
        return ""
    return reverse("meetings:meeting-detail", kwargs={"number": number})


def _account(user) -> dict:
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _memberships(user) -> list[dict]:
    return [
        {
            "zone": m.zone.name,
            "zone_number": m.zone.number,
            "role": m.role,
            "since": m.since,
            "until": m.until,
            "active": m.active,
        }
        for m in Membership.objects.filter(user=user).select_related("zone")
    ]


def _notifications(user) -> dict:
    """The e-mail preference (the default when never chosen) and every notice, in the active
    language."""
    preference = NotificationPreference.objects.filter(user=user).first()
    notices = Notification.objects.filter(user=user).order_by("-created_at", "-pk")
    return {
        "email_frequency": (preference or NotificationPreference()).frequency,
        "language": get_language(),
        "notices": [
            {
                "subject": n.subject,
                "url": n.url,
                "created_at": n.created_at,
                "read_at": n.read_at,
                "emailed_at": n.emailed_at,
            }
            for n in notices
        ],
    }


def _calendar_feed(user) -> dict:
    created = CalendarFeed.objects.filter(user=user).values_list("created_at", flat=True).first()
    return {"exists": created is not None, "created_at": created}


def _practices(user) -> dict:
    return {
        "created": [
            {**p, "url": _practice_url(p["id"])}
            for p in Practice.objects.filter(created_by=user)
            .order_by("created_at", "pk")
            .values("id", "title", "status", "created_at")
        ],
        "transitions": list(
            Transition.objects.filter(by=user).values(
                "practice_id", "from_status", "to_status", "at", "note"
            )
        ),
        "attachments_uploaded": list(
            Attachment.objects.filter(uploaded_by=user).values(
                "id", "practice_id", "title", "original_name", "uploaded_at"
            )
        ),
        "comments": [
            {**c, "url": _practice_url(c["practice_id"])}
            for c in Comment.objects.filter(author=user).values(
                "id", "practice_id", "body", "created_at", "hidden_at"
            )
        ],
        "comments_reported": list(
            Comment.objects.filter(reported_by=user).values("id", "reported_at", "report_reason")
        ),
        "comments_hidden": list(
            Comment.objects.filter(hidden_by=user).values("id", "hidden_at", "hidden_reason")
        ),
        "expert_opinions": [
            {**o, "url": _practice_url(o["practice_id"])}
            for o in ExpertOpinion.objects.filter(author=user)
            .order_by("created_at", "pk")
            .values(
                "id",
                "practice_id",
                "assessment",
                "strengths",
                "conditions_for_transfer",
                "given_on",
                "created_at",
                "updated_at",
            )
        ],
    }


def _transfers(user) -> dict:
    return {
        "created": [
            {**t, "url": _practice_url(t["practice_id"])}
            for t in Transfer.objects.filter(created_by=user).values(
                "id",
                "practice_id",
                "zone__number",
                "stage",
                "notes",
                "result",
                "drop_reason",
                "created_at",
            )
        ],
        "stages_recorded": list(
            TransferStep.objects.filter(by=user).values(
                "transfer_id", "stage", "on", "note", "recorded_at"
            )
        ),
    }


def _meetings(user) -> dict:
    return {
        "created": [
            {**m, "url": _meeting_url(m["number"])}
            for m in Meeting.objects.filter(created_by=user)
            .order_by("starts_at")
            .values("number", "title", "created_at")
        ],
        "invitation_answers": list(
            Invitation.objects.filter(answered_by=user).values(
                "meeting__number",
                "zone__number",
                "answer",
                "attendees",
                "substitute",
                "answered_at",
            )
        ),
        "agenda_items_proposed": list(
            AgendaItem.objects.filter(proposed_by=user).values(
                "meeting__number", "title", "description", "status", "created_at"
            )
        ),
        "minutes_comments": list(
            MinutesComment.objects.filter(author=user).values(
                "minutes__meeting__number", "body", "created_at"
            )
        ),
        "decisions_recorded": list(
            Decision.objects.filter(recorded_by=user).values(
                "id", "agenda_item__meeting__number", "text", "kind", "created_at"
            )
        ),
        "action_updates": list(
            ActionUpdate.objects.filter(author=user).values(
                "action_id",
                "zone__number",
                "on",
                "text",
                "from_status",
                "to_status",
                "recorded_at",
            )
        ),
    }


def _changes(user) -> dict:
    """Which records the user changed, and when (the versions themselves are the record's)."""
    return {
        name: list(
            model.history.filter(history_user=user)
            .order_by("history_date")
            .values("id", "history_type", "history_date")
        )
        for name, model in HISTORIES.items()
    }


def _consultations(user) -> dict:
    """The consultations the user opened, and the zones' answers they saved last (each
    version they saved is in ``changes``)."""
    return {
        "opened": [
            {**c, "url": reverse("plans:consultation-detail", kwargs={"pk": c["id"]})}
            for c in Consultation.objects.filter(opened_by=user)
            .order_by("opened_at")
            .values("id", "title", "deadline", "opened_at")
        ],
        "answers_saved": [
            {**o, "url": reverse("plans:consultation-detail", kwargs={"pk": o["consultation_id"]})}
            for o in ZoneOpinion.objects.filter(answered_by=user)
            .order_by("updated_at")
            .values("consultation_id", "zone__number", "verdict", "text", "updated_at")
        ],
    }


def personal_data(user) -> dict:
    """All of the above for ``user``, ready for ``DjangoJSONEncoder`` (dates as ISO 8601)."""
    return {
        "account": _account(user),
        "memberships": _memberships(user),
        "notifications": _notifications(user),
        "calendar_feed": _calendar_feed(user),
        "practices": _practices(user),
        "transfers": _transfers(user),
        "meetings": _meetings(user),
        "consultations": _consultations(user),
        "changes": _changes(user),
        "e-mail_addresses": _email_addresses(user),
        "deletion_requests": _deletion_requests(user),
        "two_step_verification": _authenticators(user),
        "security_events": _audit_events(user),
    }


def _email_addresses(user) -> list[dict]:
    """The addresses the log-in knows (allauth), and whether each was verified."""
    from allauth.account.models import EmailAddress

    return list(EmailAddress.objects.filter(user=user).values("email", "primary", "verified"))


def _deletion_requests(user) -> list[dict]:
    """The user's requests to delete their account and their outcome (not who decided)."""
    from .models import AccountDeletionRequest

    return list(
        AccountDeletionRequest.objects.filter(user=user)
        .order_by("requested_at")
        .values("requested_at", "reason", "status", "decided_at", "decline_reason")
    )


def _authenticators(user) -> list[dict]:
    """The two-step verification methods set up: their kind and dates, never the secret."""
    from allauth.mfa.models import Authenticator

    return list(
        Authenticator.objects.filter(user=user)
        .order_by("created_at")
        .values("type", "created_at", "last_used_at")
    )


def _audit_events(user) -> list[dict]:
    """The security log's events about the user (log-ins, password and role changes)."""
    from django.db.models import BooleanField, ExpressionWrapper, F, Q

    from .audit import AuditEvent

    yourself = ExpressionWrapper(Q(actor_id=F("user_id")), output_field=BooleanField())

    return list(
        AuditEvent.objects.filter(user=user)
        .order_by("at", "pk")
        .annotate(by_yourself=yourself)
        .values("at", "kind", "ip_address", "identifier", "detail", "by_yourself")
    )
