"""Operations on practices that have rules or side effects.

The lifecycle is one table (``TRANSITIONS``) and one function (``apply_transition``); transfer
stages likewise (``TRANSFER_MOVES``, ``move_transfer``). Views never set a status themselves.
Every function runs in one transaction and returns what it recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from zones.permissions import is_spokesperson, is_staff_member

from . import notifications
from .models import Practice, Transfer, TransferStep, Transition

S = Practice.Status


class TransitionError(Exception):
    """An illegal or unauthorised transition, with a message for the user."""


class StaleVersion(Exception):
    """Someone else saved the practice since this form was loaded."""


@dataclass(frozen=True)
class Move:
    """An allowed transition: who may make it, and whether it needs a note."""

    by_staff: bool  # True: staff only; False: spokespersons of the owning zone (and staff)
    note_required: bool
    label: str


TRANSITIONS: dict[tuple[str, str], Move] = {
    (S.DRAFT, S.SUBMITTED): Move(False, False, _("Submit for review")),
    (S.CHANGES_REQUESTED, S.SUBMITTED): Move(False, False, _("Submit again")),
    (S.SUBMITTED, S.CHANGES_REQUESTED): Move(True, True, _("Request changes")),
    (S.SUBMITTED, S.PUBLISHED): Move(True, True, _("Publish")),
    (S.SUBMITTED, S.REJECTED): Move(True, True, _("Reject")),
    (S.PUBLISHED, S.ARCHIVED): Move(True, True, _("Archive")),
}

EDITABLE_STATUSES = {S.DRAFT, S.CHANGES_REQUESTED}


def may_move(user, practice: Practice, to_status: str) -> bool:
    move = TRANSITIONS.get((practice.status, to_status))
    if move is None or not (user and user.is_authenticated and user.is_active):
        return False
    if is_staff_member(user):
        return True
    return not move.by_staff and is_spokesperson(user, practice.zone)


def allowed_moves(user, practice: Practice) -> list[tuple[str, Move]]:
    """The transitions ``user`` may make now, for the buttons on the practice page."""
    return [
        (to_status, move)
        for (from_status, to_status), move in TRANSITIONS.items()
        if from_status == practice.status and may_move(user, practice, to_status)
    ]


def apply_transition(
    *, practice: Practice, to_status: str, by, note: str = "", seen_version: int | None = None
) -> Transition:
    """Move ``practice`` to ``to_status``, record it and tell the author; refuse anything else.

    ``seen_version``, when given, is the version of the practice the decider was looking at: if
    the practice changed since, the decision is refused (it would be about unseen content)."""
    note = (note or "").strip()
    with transaction.atomic():
        locked = Practice.objects.select_for_update().get(pk=practice.pk)
        move = TRANSITIONS.get((locked.status, to_status))
        if move is None:
            raise TransitionError(
                _("A practice that is “%(from)s” cannot become “%(to)s”.")
                % {
                    "from": S(locked.status).label,
                    "to": S(to_status).label if to_status in S.values else to_status,
                }
            )
        if not may_move(by, locked, to_status):
            raise PermissionDenied
        if seen_version is not None and seen_version != locked.version:
            raise TransitionError(
                _(
                    "The practice changed since you opened this page (someone edited it or "
                    "took a step). Reload it, check it, and decide again."
                )
            )
        if move.note_required and not note:
            raise TransitionError(_("Write a note for the author: it is required for this step."))
        from_status = locked.status
        locked.status = to_status
        if to_status == S.PUBLISHED:
            locked.published_at = timezone.now()
        locked.version += 1  # the row is locked: no concurrent save can interleave
        locked.save(update_fields=["status", "published_at", "version", "updated_at"])
        record = Transition.objects.create(
            practice=locked, from_status=from_status, to_status=to_status, by=by, note=note
        )
        if move.by_staff:
            notifications.practice_reviewed(transition=record)
    practice.refresh_from_db()
    return record


def save_practice(*, form, by, version: int | None) -> Practice:
    """Save a valid practice form, refusing it if the practice changed since ``version`` was read
    (``version`` is ignored for a new practice)."""
    practice = form.save(commit=False)  # no write yet: the instance, and form.save_m2m
    with transaction.atomic():
        if practice.pk is None:
            practice.created_by = by
            practice.version = 1
            practice.save()
            form.save_m2m()
            return practice
        updated = Practice.objects.filter(pk=practice.pk, version=version).update(
            version=F("version") + 1
        )
        if not updated:
            raise StaleVersion
        practice.version = version + 1
        practice.save()
        form.save_m2m()
        practice.refresh_search_text()
    return practice


# --- Transfers --------------------------------------------------------------------------------

T = Transfer.Stage

# Forward, one step at a time (or straight to a later step), and "dropped" from any open stage.
TRANSFER_ORDER = [T.INTERESTED, T.IN_CONTACT, T.ADAPTING, T.PILOTING, T.ADOPTED]
TRANSFER_MOVES: dict[str, set[str]] = {
    stage: {*TRANSFER_ORDER[index + 1 :], T.DROPPED}
    for index, stage in enumerate(TRANSFER_ORDER[:-1])
}
TRANSFER_MOVES[T.ADOPTED] = set()
TRANSFER_MOVES[T.DROPPED] = set()


class TransferError(Exception):
    """A transfer step that is not allowed, with a message for the user."""


def declare_interest(
    *, practice: Practice, zone, by, municipalities=(), note: str = ""
) -> Transfer:
    """``zone`` declares its interest in another zone's published practice."""
    if practice.status != S.PUBLISHED:
        raise TransferError(_("Only a published practice can be taken up by another zone."))
    if zone == practice.zone:
        raise TransferError(_("A zone cannot take up its own practice."))
    if not (is_staff_member(by) or is_spokesperson(by, zone)):
        raise PermissionDenied
    municipalities = list(municipalities)
    if any(m.zone_id != zone.pk for m in municipalities):
        raise TransferError(_("The municipalities named must belong to the adopting zone."))
    note = (note or "").strip()
    with transaction.atomic():
        # Lock the practice so two simultaneous declarations of one zone cannot both pass.
        Practice.objects.select_for_update().get(pk=practice.pk)
        if Transfer.objects.filter(practice=practice, zone=zone).exists():
            raise TransferError(_("This zone has already declared its interest in this practice."))
        transfer = Transfer.objects.create(practice=practice, zone=zone, created_by=by, notes=note)
        transfer.municipalities.set(municipalities)
        TransferStep.objects.create(transfer=transfer, stage=T.INTERESTED, note=note, by=by)
        practice.refresh_search_text()
        notifications.interest_declared(transfer=transfer)
    return transfer


def move_transfer(
    *,
    transfer: Transfer,
    to_stage: str,
    by,
    on=None,
    note: str = "",
    cost=None,
    result: str = "",
    drop_reason: str = "",
    seen_stage: str | None = None,
) -> TransferStep:
    """Record the next stage of a transfer, with its date and notes. ``seen_stage``, when
    given, is the stage the user saw: if someone recorded another step since, it is refused."""
    if not (is_staff_member(by) or is_spokesperson(by, transfer.zone)):
        raise PermissionDenied
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if seen_stage is not None and seen_stage != locked.stage:
            raise TransferError(
                _(
                    "Someone recorded another stage of this transfer since you opened the page: "
                    "check the ledger and record yours again."
                )
            )
        if to_stage not in TRANSFER_MOVES.get(locked.stage, set()):
            raise TransferError(
                _("A transfer that is “%(from)s” cannot move to “%(to)s”.")
                % {
                    "from": T(locked.stage).label,
                    "to": T(to_stage).label if to_stage in T.values else to_stage,
                }
            )
        drop_reason = (drop_reason or "").strip()
        note = (note or "").strip()
        if to_stage == T.DROPPED and not drop_reason:
            raise TransferError(_("Say why the transfer was dropped: the reason is kept."))
        if drop_reason and to_stage != T.DROPPED:
            raise TransferError(_("A reason for dropping goes only with the “Dropped” stage."))
        if cost is not None and cost < 0:
            raise TransferError(_("The cost cannot be negative."))
        on = on or timezone.localdate()
        if on > timezone.localdate():
            raise TransferError(_("A stage cannot be dated in the future."))
        last = locked.steps.order_by("-on", "-recorded_at").first()
        if last and on < last.on:
            raise TransferError(
                _("A stage cannot be dated before the previous one (%(date)s).")
                % {"date": date_format(last.on, "SHORT_DATE_FORMAT")}
            )
        locked.stage = to_stage
        if note:
            locked.notes = "\n\n".join(p for p in [locked.notes, note] if p)
        if cost is not None:
            locked.cost = cost
        if result:
            locked.result = result.strip()
        if drop_reason:
            locked.drop_reason = drop_reason
        locked.save()
        step = TransferStep.objects.create(transfer=locked, stage=to_stage, on=on, note=note, by=by)
        locked.practice.refresh_search_text()
    transfer.refresh_from_db()
    return step
