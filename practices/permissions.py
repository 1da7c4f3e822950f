"""Who may do what with practices. Views, templates (through context flags) and the admin ask
these predicates; a refused request is a 403, or a 404 where the practice is not visible."""

from __future__ import annotations

from zones.permissions import is_spokesperson, is_staff_member, speaks_for_a_zone, zones_of

from .models import Comment, ExpertOpinion, Practice, Transfer

S = Practice.Status
EDITABLE_BY_ZONE = {S.DRAFT, S.CHANGES_REQUESTED}
# Given to the "Esperti" group (roundtable.roles), or to a user in the admin.
EXPERT_PERMISSION = "practices.give_expert_opinion"


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_view_practice(user, practice: Practice) -> bool:
    return Practice.objects.visible_to(user).filter(pk=practice.pk).exists()


def can_create_practice(user, zone=None) -> bool:
    """Staff for any zone; a spokesperson for their own zones."""
    if is_staff_member(user):
        return True
    if zone is None:
        return speaks_for_a_zone(user)
    return is_spokesperson(user, zone)


def can_edit_practice(user, practice: Practice) -> bool:
    """The owning zone's spokespersons while draft or changes requested; staff always."""
    if is_staff_member(user):
        return True
    return practice.status in EDITABLE_BY_ZONE and is_spokesperson(user, practice.zone)


def can_tag_practice(user, practice: Practice) -> bool:
    """The small "Strategic Plan axes" form on a practice's page: staff, on any practice at any
    time (what a zone submitted or published too). A zone's spokespersons choose the axes in
    the practice's form, while they may edit it (``can_edit_practice``)."""
    return is_staff_member(user)


def can_moderate(user) -> bool:
    return is_staff_member(user)


def can_filter_catalogue_by_status(user) -> bool:
    """The catalogue shows published practices; staff may list the other statuses too."""
    return is_staff_member(user)


def can_take_part_in_review(user, practice: Practice) -> bool:
    """Staff and the owning zone's spokespersons: they may ask for a lifecycle step (which of
    the steps each may take is the lifecycle table's business, ``services.allowed_moves``)."""
    return is_staff_member(user) or is_spokesperson(user, practice.zone)


def can_see_moderation_history(user, practice: Practice) -> bool:
    """Transitions and their notes: staff and the owning zone's spokespersons."""
    return is_staff_member(user) or is_spokesperson(user, practice.zone)


def can_see_change_history(user) -> bool:
    """Field-by-field history of a practice and its transfers: staff."""
    return is_staff_member(user)


def can_manage_attachments(user, practice: Practice) -> bool:
    return can_edit_practice(user, practice)


def can_comment(user, practice: Practice) -> bool:
    return _active(user) and practice.status == S.PUBLISHED


def can_report_comment(user, comment: Comment) -> bool:
    return _active(user) and comment.author_id != user.pk and not comment.is_hidden


def can_hide_comment(user, comment: Comment | None = None) -> bool:
    return is_staff_member(user)


def zones_that_may_declare_interest(user, practice: Practice):
    """The user's zones (all zones for staff) that may still take up this practice."""
    from zones.models import Zone

    if practice.status != S.PUBLISHED or not _active(user):
        return Zone.objects.none()
    zones = Zone.objects.all() if is_staff_member(user) else zones_of(user)
    return zones.exclude(pk=practice.zone_id).exclude(transfers_in__practice=practice)


def can_update_transfer(user, transfer: Transfer) -> bool:
    return is_staff_member(user) or is_spokesperson(user, transfer.zone)


# --- Expert opinions ----------------------------------------------------------------------------


def is_expert(user) -> bool:
    """A user holding the expert permission (through the experts' group or on their own)."""
    return _active(user) and user.has_perm(EXPERT_PERMISSION)


def can_give_expert_opinion(user, practice: Practice) -> bool:
    """Staff or an expert, on a published practice (an opinion is about what the catalogue
    publishes)."""
    if practice.status != S.PUBLISHED or not _active(user):
        return False
    return is_staff_member(user) or is_expert(user)


def can_edit_expert_opinion(user, opinion: ExpertOpinion) -> bool:
    """Staff any opinion, its author their own while they are still an expert; only while the
    practice is published (once archived, its opinions stay as they were)."""
    if opinion.practice.status != S.PUBLISHED or not _active(user):
        return False
    if is_staff_member(user):
        return True
    return opinion.author_id == user.pk and is_expert(user)


def can_read_expert_opinions(user) -> bool:
    """Logged-in users read the opinions, as on the European platforms; visitors see only
    that they exist (how many, and the date of the latest)."""
    return _active(user)
