"""Operations of the plans app that have rules or side effects. Each runs in one transaction,
checks who may again, and says what it changed.

Consultations: ``open_consultation``, ``update_consultation`` (staff; while open; the deadline
only extended), ``save_opinion`` (a zone's answer, revisable until the deadline, with optimistic
concurrency on ``ZoneOpinion.version``; frozen after) and ``remind_zones``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from zones.models import Zone

from . import notifications, permissions
from .models import AxisRemark, Consultation, Plan, ZoneOpinion

# --- Consultations ----------------------------------------------------------------------------

V = ZoneOpinion.Verdict


class ConsultationError(Exception):
    """A step that is not allowed, with a message for the user."""


class ConsultationClosed(ConsultationError):
    """The deadline has passed: the consultation and its answers are frozen."""


class StaleVersion(Exception):
    """Someone saved the zone's answer since this form was loaded."""


def closed_message(consultation: Consultation) -> str:
    when = formats.date_format(timezone.localtime(consultation.deadline), "DATETIME_FORMAT")
    return _(
        "The deadline passed on %(when)s: the consultation is closed and the zones' answers "
        "are frozen. Nothing was saved."
    ) % {"when": when}


def _check_axes(plan: Plan, axes) -> list:
    axes = list(axes)
    if not axes:
        raise ConsultationError(_("Choose at least one axis that the revision touches."))
    if any(axis.plan_id != plan.pk for axis in axes):
        raise ConsultationError(_("Choose axes of the plan the consultation is about."))
    return axes


def _store_document(consultation: Consultation, *, upload, checked) -> None:
    consultation.document = upload
    consultation.document_name = checked.original_name
    consultation.document_content_type = checked.content_type
    consultation.document_size = checked.size


def open_consultation(
    *, by, plan: Plan, title: str, description: str, deadline, axes, upload, checked
) -> Consultation:
    """Open a consultation on ``plan`` (usually a draft revision) and ask every zone's
    spokespersons for the zone's opinion. ``checked`` is what ``documents.check_document``
    found about ``upload``."""
    if not permissions.can_manage_consultations(by):
        raise PermissionDenied
    if deadline <= timezone.now():
        raise ConsultationError(_("The deadline must be in the future."))
    axes = _check_axes(plan, axes)
    with transaction.atomic():
        consultation = Consultation(
            plan=plan,
            title=title.strip(),
            description=description.strip(),
            deadline=deadline,
            opened_by=by,
            opened_at=timezone.now(),
        )
        _store_document(consultation, upload=upload, checked=checked)
        consultation._history_user = by
        consultation.save()
        consultation.axes.set(axes)
        notifications.consultation_opened(consultation)
    return consultation


def update_consultation(
    *,
    consultation: Consultation,
    by,
    title: str,
    description: str,
    deadline,
    axes,
    upload=None,
    checked=None,
) -> Consultation:
    """Change an open consultation: its wording, its document, the axes (an axis on which a
    zone has written a remark stays), and its deadline, which may be extended, never brought
    forward. The zones are told when the deadline moves. The answers are never touched."""
    if not permissions.can_manage_consultations(by):
        raise PermissionDenied
    with transaction.atomic():
        locked = (
            Consultation.objects.select_for_update().select_related("plan").get(pk=consultation.pk)
        )
        if not locked.is_open():
            raise ConsultationClosed(closed_message(locked))
        if deadline < locked.deadline:
            raise ConsultationError(
                _("The deadline can be extended, not brought forward: the zones count on it.")
            )
        axes = _check_axes(locked.plan, axes)
        removed = set(locked.axes.values_list("pk", flat=True)) - {axis.pk for axis in axes}
        remarked = (
            AxisRemark.objects.filter(opinion__consultation=locked, axis__in=removed)
            .select_related("axis")
            .order_by("axis__number")
            .first()
        )
        if remarked is not None:
            raise ConsultationError(
                _("Axis %(axis)s cannot be removed: a zone has written a remark on it.")
                % {"axis": remarked.axis}
            )
        moved = deadline != locked.deadline
        old_document = locked.document.name if upload is not None else ""
        locked.title = title.strip()
        locked.description = description.strip()
        locked.deadline = deadline
        if upload is not None:
            _store_document(locked, upload=upload, checked=checked)
        locked._history_user = by
        locked.save()
        locked.axes.set(axes)
        if moved:
            notifications.deadline_changed(locked)
        if old_document:
            storage = locked.document.storage
            transaction.on_commit(lambda: storage.delete(old_document))
    return locked


def save_opinion(
    *,
    consultation: Consultation,
    zone: Zone,
    by,
    verdict: str,
    text: str,
    remarks: dict[int, str],
    version: int,
) -> ZoneOpinion:
    """Save ``zone``'s answer: the verdict, its text and one remark per axis (by the axis'
    primary key; an empty remark removes the one written before).

    ``version`` is the answer's version the form was loaded with (0: no answer yet); if the
    answer changed since, ``StaleVersion`` is raised and nothing is written. After the deadline
    ``ConsultationClosed`` is raised, whatever is sent. Every save is a new version, kept in
    the answer's history and in its remarks' histories."""
    if not permissions.can_answer_for_zone(by, zone):
        raise PermissionDenied
    if verdict not in V.values:
        raise ConsultationError(_("Choose the zone's opinion."))
    text = (text or "").strip()
    if not text:
        raise ConsultationError(_("Write the text of the zone's opinion."))
    given = {axis_pk: (remark or "").strip() for axis_pk, remark in remarks.items()}
    given = {axis_pk: remark for axis_pk, remark in given.items() if remark}
    if verdict == V.FAVOURABLE_WITH_REMARKS and not given:
        raise ConsultationError(
            _("A favourable opinion with remarks needs at least one remark on an axis.")
        )
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        now = timezone.now()
        if not locked.is_open(now):
            raise ConsultationClosed(closed_message(locked))
        axes = set(locked.axes.values_list("pk", flat=True))
        if set(given) - axes:
            raise ConsultationError(_("Remarks are written on the axes the revision touches."))
        opinion = ZoneOpinion.objects.filter(consultation=locked, zone=zone).first()
        if opinion is None:
            if version != 0:
                raise StaleVersion
            opinion = ZoneOpinion(consultation=locked, zone=zone, answered_at=now, version=1)
        else:
            updated = ZoneOpinion.objects.filter(pk=opinion.pk, version=version).update(
                version=F("version") + 1
            )
            if not updated:
                raise StaleVersion
            opinion.version = version + 1
        opinion.verdict = verdict
        opinion.text = text
        opinion.answered_by = by
        opinion.updated_at = now
        opinion._history_user = by
        try:
            with transaction.atomic():
                opinion.save()
        except IntegrityError as race:  # another deputy's first answer, just committed
            raise StaleVersion from race
        _save_remarks(opinion, given, by)
    return opinion


def _save_remarks(opinion: ZoneOpinion, given: dict[int, str], by) -> None:
    existing = {remark.axis_id: remark for remark in opinion.remarks.all()}
    for axis_pk in sorted(set(existing) | set(given)):
        remark = existing.get(axis_pk)
        new = given.get(axis_pk, "")
        if remark is None:
            remark = AxisRemark(opinion=opinion, axis_id=axis_pk, text=new)
        elif remark.text == new:
            continue
        remark._history_user = by
        if new:
            remark.text = new
            remark.save()
        else:
            remark.delete()


def remind_zones(*, consultation: Consultation, by) -> tuple[list, list]:
    """Remind the zones that have not answered (each user once per deadline). Returns the
    notices written and the zones still without an answer."""
    if not permissions.can_manage_consultations(by):
        raise PermissionDenied
    if not consultation.is_open():
        raise ConsultationClosed(closed_message(consultation))
    with transaction.atomic():
        zones = list(notifications.zones_without_answer(consultation))
        notices = notifications.remind(consultation)
    return notices, zones
