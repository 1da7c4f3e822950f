"""Operations on meetings that have rules or side effects.

Each status with rules has one table of allowed moves and one function that applies it:
``MEETING_MOVES`` / ``change_meeting_status``, ``MINUTES_MOVES`` / ``move_minutes``,
``ACTION_MOVES`` / ``update_action``. Every function runs in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.tagging import save_plan_tags
from zones.models import Zone
from zones.permissions import is_spokesperson, is_staff_member

from . import notifications
from .models import ActionItem, ActionUpdate, AgendaItem, Decision, Invitation, Meeting, Minutes


class MeetingError(Exception):
    """A step that is not allowed, with a message for the user."""


class StaleVersion(Exception):
    """Someone else saved the minutes since this form was loaded."""


# --- Meetings ---------------------------------------------------------------------------------

M = Meeting.Status
MEETING_MOVES = {(M.SCHEDULED, M.HELD), (M.SCHEDULED, M.CANCELLED)}


def schedule_meeting(*, by, **fields) -> Meeting:
    """Create a meeting: every zone is invited, and the open action items of earlier meetings
    are put on its agenda under "follow-up" by themselves."""
    if not is_staff_member(by):
        raise PermissionDenied
    given = fields.pop("number", None)
    for attempt in range(3):
        try:
            return _schedule(by=by, number=given, given=bool(given), **fields)
        except IntegrityError:
            # Two meetings scheduled at once took the same next number: take the one after.
            if given or attempt == 2:
                raise
    raise AssertionError("unreachable")


def _schedule(*, by, number, given: bool, **fields) -> Meeting:
    with transaction.atomic():
        if not number:
            number = (Meeting.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        meeting = Meeting(created_by=by, number=number, **fields)
        # A number chosen by hand is checked like any field; the next free one may still be
        # taken by a concurrent request, which the database refuses (and the caller retries).
        meeting.full_clean(validate_unique=given)
        meeting.save()
        Invitation.objects.bulk_create(
            [Invitation(meeting=meeting, zone=zone) for zone in Zone.objects.order_by("number")]
        )
        carry_over_open_actions(meeting=meeting)
        notifications.meeting_scheduled(meeting)
    return meeting


#: Changing any of these tells the invited zones (the rest is wording).
NOTIFIED_FIELDS = ("starts_at", "ends_at", "place", "video_url")


def update_meeting(*, meeting: Meeting, by, **fields) -> Meeting:
    """Change a scheduled meeting; the zones hear of a new time, place or link."""
    if not is_staff_member(by):
        raise PermissionDenied
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status != M.SCHEDULED:
            raise MeetingError(_("Only a scheduled meeting can be changed."))
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        if "starts_at" in changed:
            # Moved later, it may now follow up actions decided in between.
            carry_over_open_actions(meeting=locked)
        if any(name in NOTIFIED_FIELDS for name in changed):
            notifications.meeting_changed(locked)
    meeting.refresh_from_db()
    return meeting


def carry_over_open_actions(*, meeting: Meeting) -> list[AgendaItem]:
    """Put every open action of earlier meetings on ``meeting``'s agenda (once each)."""
    already = set(
        meeting.agenda_items.filter(action__isnull=False).values_list("action", flat=True)
    )
    actions = (
        ActionItem.objects.open()
        .filter(decision__agenda_item__meeting__starts_at__lt=meeting.starts_at)
        .exclude(pk__in=already)
        .order_by("due_date", "pk")
    )
    start = (meeting.agenda_items.aggregate(p=Max("position"))["p"] or 0) + 1
    items = [
        AgendaItem(
            meeting=meeting,
            position=start + offset,
            kind=AgendaItem.Kind.FOLLOW_UP,
            title=action.title,
            action=action,
            status=AgendaItem.Status.ACCEPTED,
        )
        for offset, action in enumerate(actions)
    ]
    return AgendaItem.objects.bulk_create(items)


def change_meeting_status(*, meeting: Meeting, to_status: str, by, reason: str = "") -> Meeting:
    if not is_staff_member(by):
        raise PermissionDenied
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if (locked.status, to_status) not in MEETING_MOVES:
            raise MeetingError(
                _("A meeting that is “%(from)s” cannot become “%(to)s”.")
                % {"from": M(locked.status).label, "to": _label(M, to_status)}
            )
        if to_status == M.CANCELLED and not reason:
            raise MeetingError(_("Say why the meeting is cancelled: the zones are told."))
        locked.status = to_status
        locked.cancel_reason = reason if to_status == M.CANCELLED else ""
        locked.save(update_fields=["status", "cancel_reason", "updated_at"])
        if to_status == M.CANCELLED:
            notifications.meeting_cancelled(locked)
    meeting.refresh_from_db()
    return meeting


def _label(choices, value) -> str:
    return choices(value).label if value in choices.values else str(value)


# --- Agenda ----------------------------------------------------------------------------------

AS = AgendaItem.Status
#: Staff's answers to a proposed item; an accepted item can still be deferred.
AGENDA_MOVES = {
    (AS.PROPOSED, AS.ACCEPTED),
    (AS.PROPOSED, AS.DEFERRED),
    (AS.PROPOSED, AS.DECLINED),
    (AS.ACCEPTED, AS.DEFERRED),
    (AS.DEFERRED, AS.ACCEPTED),
}


def propose_agenda_item(*, meeting: Meeting, by, zone=None, **fields) -> AgendaItem:
    """A spokesperson proposes an item for their zone (staff add items already accepted)."""
    if meeting.status != M.SCHEDULED:
        raise MeetingError(_("Items are proposed only for a meeting still to be held."))
    staff = is_staff_member(by)
    if zone is not None and not (staff or is_spokesperson(by, zone)):
        raise PermissionDenied
    if zone is None and not staff:
        raise PermissionDenied
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        last = meeting.agenda_items.aggregate(p=Max("position"))["p"] or 0
        item = AgendaItem(
            meeting=meeting,
            proposed_by=by,
            proposing_zone=zone,
            position=last + 1,
            status=AS.ACCEPTED if staff and zone is None else AS.PROPOSED,
            **fields,
        )
        item.full_clean()
        item.save()
    return item


def review_agenda_item(*, item: AgendaItem, to_status: str, by, reason: str = "") -> AgendaItem:
    """Staff accept, defer or decline a proposed item (declining needs a reason)."""
    if not is_staff_member(by):
        raise PermissionDenied
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if (locked.status, to_status) not in AGENDA_MOVES:
            raise MeetingError(
                _("An item that is “%(from)s” cannot become “%(to)s”.")
                % {"from": AS(locked.status).label, "to": _label(AS, to_status)}
            )
        if to_status == AS.DECLINED and not reason:
            raise MeetingError(_("Say why the item is declined: the zone is told."))
        if to_status == AS.ACCEPTED:
            last = (
                locked.meeting.agenda_items.filter(status=AS.ACCEPTED).aggregate(p=Max("position"))[
                    "p"
                ]
                or 0
            )
            locked.position = last + 1
        locked.status = to_status
        locked.status_reason = reason
        locked.save(update_fields=["status", "status_reason", "position"])
    item.refresh_from_db()
    return item


def move_agenda_item(*, item: AgendaItem, direction: str, by) -> list[AgendaItem]:
    """Move an accepted item one place "up" or "down" among the accepted items; returns the
    accepted items in their new order (positions renumbered 1, 2, 3…)."""
    if not is_staff_member(by):
        raise PermissionDenied
    if direction not in ("up", "down"):
        raise MeetingError(_("An item moves up or down."))
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=item.meeting_id)
        items = list(
            AgendaItem.objects.filter(meeting_id=item.meeting_id, status=AS.ACCEPTED).order_by(
                "position", "pk"
            )
        )
        index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
        if index is None:
            raise MeetingError(_("Only an accepted item has a place on the agenda."))
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
        for position, other in enumerate(items, start=1):
            other.position = position
        AgendaItem.objects.bulk_update(items, ["position"])
    return items


# --- Attendance and quorum --------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    present: int
    zones: int
    needed: int

    @property
    def reached(self) -> bool:
        return self.present >= self.needed


def quorum(meeting: Meeting, invitations=None) -> Quorum:
    """Zones present (or represented) against the rule ``ROUNDTABLE_QUORUM``: "majority" (more
    than half of the zones, the default) or a number of zones. ``invitations``: the meeting's
    invitations when the caller has them already."""
    zones = Zone.objects.count()
    rule = getattr(settings, "ROUNDTABLE_QUORUM", "majority")
    needed = zones // 2 + 1 if rule == "majority" else int(rule)
    if invitations is None:
        invitations = meeting.invitations.all()
    present = sum(1 for invitation in invitations if invitation.counts_as_present)
    return Quorum(present=present, zones=zones, needed=needed)


def answer_invitation(
    *, invitation: Invitation, by, answer: str, attendees: str = "", substitute: str = ""
) -> Invitation:
    """A spokesperson answers for their zone, while the meeting is still to come."""
    if not (is_staff_member(by) or is_spokesperson(by, invitation.zone)):
        raise PermissionDenied
    meeting = invitation.meeting
    if meeting.status != M.SCHEDULED or meeting.starts_at <= timezone.now():
        raise MeetingError(_("Only the invitations to a meeting still to come can be answered."))
    if answer not in Invitation.Answer.values or answer == Invitation.Answer.PENDING:
        raise MeetingError(_("Choose an answer."))
    substitute = (substitute or "").strip()
    if answer == Invitation.Answer.SUBSTITUTE and not substitute:
        raise MeetingError(_("Name the substitute who will come for the zone."))
    invitation.answer = answer
    invitation.attendees = (attendees or "").strip()
    invitation.substitute = substitute if answer == Invitation.Answer.SUBSTITUTE else ""
    invitation.answered_by = by
    invitation.answered_at = timezone.now()
    invitation.save()
    return invitation


def record_attendance(*, invitation: Invitation, by, attendance: str, attended_by: str = ""):
    """Staff record whether a zone was present, absent, excused or represented by a substitute,
    once the meeting has started."""
    if not is_staff_member(by):
        raise PermissionDenied
    meeting = invitation.meeting
    if meeting.status == M.CANCELLED or meeting.starts_at > timezone.now():
        raise MeetingError(_("Attendance is recorded once the meeting has started."))
    if attendance not in Invitation.Attendance.values:
        raise MeetingError(_("Choose the zone's attendance."))
    attended_by = (attended_by or "").strip()
    if attendance == Invitation.Attendance.SUBSTITUTE and not attended_by:
        raise MeetingError(_("Name the substitute who came for the zone."))
    invitation.attendance = attendance
    invitation.attended_by = attended_by
    invitation.save(update_fields=["attendance", "attended_by"])
    return invitation


# --- Decisions --------------------------------------------------------------------------------


def record_decision(*, agenda_item: AgendaItem, by, plan_tags=None, **fields) -> Decision:
    """Record a decision; a vote's counts cannot add up to more than the zones present.
    ``plan_tags``: the axes of the Strategic Plan it is tagged with (``plans.tagging``)."""
    if not is_staff_member(by):
        raise PermissionDenied
    meeting = agenda_item.meeting
    if agenda_item.status != AS.ACCEPTED:
        raise MeetingError(_("Decisions are recorded on the items accepted on the agenda."))
    if meeting.status == M.CANCELLED or (
        meeting.status != M.HELD and meeting.starts_at > timezone.now()
    ):
        raise MeetingError(_("Decisions are recorded once the meeting has started."))
    decision = Decision(agenda_item=agenda_item, recorded_by=by, **fields)
    if decision.method == Decision.Method.VOTE:
        counts = [decision.votes_for, decision.votes_against, decision.abstentions]
        if any(count is None for count in counts):
            raise MeetingError(_("A vote records the counts in favour, against and abstaining."))
        present = quorum(agenda_item.meeting).present
        if sum(counts) > present:
            raise MeetingError(
                _("The votes (%(votes)d) are more than the zones present (%(present)d).")
                % {"votes": sum(counts), "present": present}
            )
    else:
        decision.votes_for = decision.votes_against = decision.abstentions = None
    decision.full_clean()
    with transaction.atomic():
        decision.save()
        if plan_tags is not None:
            save_plan_tags(decision, plan_tags)
    return decision


# --- Action items -----------------------------------------------------------------------------

A = ActionItem.Status
ACTION_MOVES: dict[str, set[str]] = {
    A.OPEN: {A.IN_PROGRESS, A.DONE, A.DROPPED},
    A.IN_PROGRESS: {A.DONE, A.DROPPED},
    A.DONE: set(),
    A.DROPPED: set(),
}


def create_action(*, decision: Decision, by, zones, plan_tags=None, **fields) -> ActionItem:
    """Staff turn a decision into an action for one or more zones, who are told.
    ``plan_tags``: the axes of the Strategic Plan it is tagged with (``plans.tagging``)."""
    if not is_staff_member(by):
        raise PermissionDenied
    zones = list(zones)
    if not zones:
        raise MeetingError(_("Assign the action to at least one zone."))
    with transaction.atomic():
        action = ActionItem(decision=decision, **fields)
        action.full_clean()
        action.save()
        action.zones.set(zones)
        if plan_tags is not None:
            save_plan_tags(action, plan_tags)
        # The meetings already scheduled after this one follow the new action up too.
        decided_at = decision.agenda_item.meeting.starts_at
        for later in Meeting.objects.filter(status=M.SCHEDULED, starts_at__gt=decided_at):
            carry_over_open_actions(meeting=later)
        notifications.action_assigned(action)
    return action


def update_action(
    *, action: ActionItem, zone, by, text: str, to_status: str | None = None, drop_reason=""
) -> ActionUpdate:
    """An assigned zone reports progress and, optionally, moves the action on."""
    if not action.zones.filter(pk=zone.pk).exists():
        raise MeetingError(_("Only a zone the action is assigned to reports on it."))
    if not (is_staff_member(by) or is_spokesperson(by, zone)):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise MeetingError(_("Write what was done."))
    drop_reason = (drop_reason or "").strip()
    with transaction.atomic():
        locked = ActionItem.objects.select_for_update().get(pk=action.pk)
        from_status = locked.status
        to_status = to_status or from_status
        if to_status != from_status and to_status not in ACTION_MOVES.get(from_status, set()):
            raise MeetingError(
                _("An action that is “%(from)s” cannot become “%(to)s”.")
                % {"from": A(from_status).label, "to": _label(A, to_status)}
            )
        if from_status in (A.DONE, A.DROPPED):
            raise MeetingError(_("This action is closed: no more updates."))
        if to_status == A.DROPPED and not drop_reason:
            raise MeetingError(_("Say why the action is dropped: the reason is kept."))
        if to_status != from_status:
            locked.status = to_status
            locked.drop_reason = drop_reason if to_status == A.DROPPED else ""
            locked.completed_at = timezone.now() if to_status == A.DONE else None
            locked.save(update_fields=["status", "drop_reason", "completed_at"])
        update = ActionUpdate.objects.create(
            action=locked,
            zone=zone,
            author=by,
            text=text,
            from_status=from_status,
            to_status=to_status,
        )
    action.refresh_from_db()
    return update


# --- Minutes ----------------------------------------------------------------------------------

MS = Minutes.Status
MINUTES_MOVES = {(MS.DRAFT, MS.CIRCULATED), (MS.CIRCULATED, MS.DRAFT), (MS.CIRCULATED, MS.APPROVED)}


def save_minutes(*, minutes: Minutes, body: str, by, version: int) -> Minutes:
    """Save the minutes' text, refusing a save over a newer one and any change once approved."""
    if not is_staff_member(by):
        raise PermissionDenied
    with transaction.atomic():
        locked = Minutes.objects.select_for_update().get(pk=minutes.pk)
        if locked.is_frozen:
            raise MeetingError(_("Approved minutes are frozen: they cannot be changed."))
        if locked.version != version:
            raise StaleVersion
        locked.body = body
        locked.version += 1
        locked.save()
    minutes.refresh_from_db()
    return minutes


def move_minutes(*, minutes: Minutes, to_status: str, by, at_meeting: Meeting | None = None):
    """Circulate the minutes to the zones, take them back to draft, or approve them at a later
    meeting (then they are frozen)."""
    if not is_staff_member(by):
        raise PermissionDenied
    with transaction.atomic():
        locked = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
        if (locked.status, to_status) not in MINUTES_MOVES:
            raise MeetingError(
                _("Minutes that are “%(from)s” cannot become “%(to)s”.")
                % {"from": MS(locked.status).label, "to": _label(MS, to_status)}
            )
        if to_status == MS.APPROVED:
            if at_meeting is None or at_meeting.starts_at <= locked.meeting.starts_at:
                raise MeetingError(
                    _("Minutes are approved at a later meeting: choose the meeting.")
                )
            if at_meeting.starts_at > timezone.now():
                raise MeetingError(_("Minutes are approved at or after the next meeting."))
            locked.approved_at = timezone.now()
            locked.approved_at_meeting = at_meeting
        locked.status = to_status
        locked.save()
        if to_status == MS.CIRCULATED:
            notifications.minutes_circulated(locked)
    minutes.refresh_from_db()
    return minutes
