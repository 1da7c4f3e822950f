"""Who may do what with meetings. Views, templates (through context flags) and the admin ask
these predicates; the services check them again."""

from __future__ import annotations

from zones.permissions import is_participant as zones_is_participant
from zones.permissions import is_spokesperson, is_staff_member

from .models import ActionItem, Invitation, Meeting, Minutes


def is_participant(user) -> bool:
    """Staff and the spokespersons in office read the Round Table's working papers: every
    meeting, agendas before they are held, video links, circulated minutes, packs, registers.
    Any other account (a former spokesperson, say) sees what a visitor sees."""
    return zones_is_participant(user)


def can_manage_meetings(user) -> bool:
    """Schedule and run meetings: agenda, attendance, minutes, decisions, actions."""
    return is_staff_member(user)


def can_answer_invitation(user, invitation: Invitation) -> bool:
    return is_staff_member(user) or is_spokesperson(user, invitation.zone)


def can_propose_agenda_item(user, meeting: Meeting) -> bool:
    return meeting.status == Meeting.Status.SCHEDULED and (
        is_staff_member(user) or is_spokesperson(user)
    )


def can_comment_minutes(user, minutes: Minutes) -> bool:
    return minutes.status == Minutes.Status.CIRCULATED and zones_is_participant(user)


def can_update_action(user, action: ActionItem) -> bool:
    if is_staff_member(user):
        return True
    return any(is_spokesperson(user, zone) for zone in action.zones.all())
