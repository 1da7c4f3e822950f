"""Meeting pages: the agenda. Spokespersons propose items for their zones, staff add items,
review proposals (accept, defer, decline with a reason), change items and put them in order.

The agenda on the meeting's page is ``templates/meetings/detail/_agenda.html``; its list is the
``agenda-list`` partial, which "Move up" / "Move down" redraw in place with htmx (without
JavaScript the same buttons post a form and come back to the page). The rules live in
``meetings.services``; changing an item's wording has no service yet, so ``_save_item`` below
does it under the same permission rules.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from plans.tagging import prefetch_plan_tags
from zones.models import Zone
from zones.permissions import is_spokesperson, is_staff_member, zones_of

from .. import permissions, services
from ..forms_agenda import ITEM_FIELDS, AgendaItemForm, ReviewForm
from ..models import AgendaItem, Decision, Meeting
from . import decisions

AS = AgendaItem.Status
SCHEDULED = Meeting.Status.SCHEDULED
AGENDA_TEMPLATE = "meetings/detail/_agenda.html"
#: The order in which proposals are listed: those waiting for an answer first.
PROPOSAL_ORDER = {AS.PROPOSED: 0, AS.DEFERRED: 1, AS.DECLINED: 2}


# --- Reading ----------------------------------------------------------------------------------


def accepted_items(meeting: Meeting):
    """The meeting's agenda in order, with what each item shows (no query per item)."""
    return (
        meeting.agenda_items.filter(status=AS.ACCEPTED)
        .select_related(
            "practice", "action__decision__agenda_item__meeting", "proposing_zone", "consultation"
        )
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.prefetch_related("actions__zones", *prefetch_plan_tags()),
            )
        )
        .order_by("position", "pk")
    )


def _items_visible_to(user):
    """Accepted items of the meetings the user may see; proposals only to staff and to the
    proposing zone's spokespersons (anything else is a 404, not a refusal)."""
    items = AgendaItem.objects.filter(meeting__in=Meeting.objects.visible_to(user))
    if is_staff_member(user):
        return items
    return items.filter(Q(status=AS.ACCEPTED) | Q(proposing_zone__in=zones_of(user)))


def _review_moves(item: AgendaItem) -> set[str]:
    return {to for (start, to) in services.AGENDA_MOVES if start == item.status}


def _proposals(meeting: Meeting, *, staff: bool, zones: list) -> list[AgendaItem]:
    """Staff see every proposal with the answers they may give; a spokesperson their own
    zones' proposals, with the staff's answer and reason; anybody else none."""
    if not (staff or zones):
        return []
    proposals = meeting.agenda_items.exclude(status=AS.ACCEPTED).select_related(
        "proposing_zone", "practice"
    )
    if not staff:
        proposals = proposals.filter(proposing_zone__in=zones)
    scheduled = meeting.status == SCHEDULED
    listed = sorted(proposals, key=lambda item: (PROPOSAL_ORDER[item.status], item.pk))
    for item in listed:
        moves = _review_moves(item) if staff and scheduled else set()
        item.review_form = ReviewForm(item=item, moves=moves) if moves else None
        item.can_edit = scheduled and (staff or item.status == AS.PROPOSED)
    return listed


def detail_context(request, meeting) -> dict:
    """The agenda (for logged-in users, or anybody once the meeting is held), its total
    planned time, the proposals the user may see and the controls they may use."""
    user = request.user
    staff = is_staff_member(user)
    # The user's zones, read once: they decide both the proposals shown and whether the user
    # may propose (the rule of permissions.can_propose_agenda_item, without a second query).
    zones = [] if staff else list(zones_of(user))
    scheduled = meeting.status == SCHEDULED
    participant = staff or bool(zones)
    shown = participant or meeting.status == Meeting.Status.HELD
    items = list(accepted_items(meeting)) if shown else []
    if not participant:
        # A follow-up repeats an action's title: not for visitors when that action was decided
        # at a meeting that is not public.
        items = [
            item
            for item in items
            if item.action_id is None or item.action.decision.agenda_item.meeting.is_public
        ]
    total = sum(item.planned_minutes or 0 for item in items)
    length = int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)
    return {
        "items": items,
        "agenda_total_minutes": total,
        "agenda_meeting_minutes": length,
        "agenda_over_time": total > length,
        "agenda_is_staff": staff,
        "agenda_can_arrange": staff and scheduled,
        "agenda_can_propose": scheduled and (staff or bool(zones)),
        "proposals": _proposals(meeting, staff=staff, zones=zones),
        # The live status line is empty on the page; a move fills it (see item_move).
        "agenda_status": "",
    }


# --- Helpers ----------------------------------------------------------------------------------


def _login_first(request):
    """Send a visitor to the log-in page (with htmx, the whole browser goes there)."""
    next_url = request.get_full_path()
    if request.htmx and request.htmx.current_url_abs_path:
        next_url = request.htmx.current_url_abs_path
    response = redirect_to_login(next_url)
    return HttpResponseClientRedirect(response.url) if request.htmx else response


def _staff_only(request):
    if not request.user.is_authenticated:
        return _login_first(request)
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied
    return None


def _add_service_error(form, error: Exception) -> None:
    messages_ = error.messages if isinstance(error, ValidationError) else [str(error)]
    for message in messages_:
        form.add_error(None, message)


def _form_page(request, *, meeting, form=None, item=None, status=200, refused=""):
    context = {
        "section": "meetings",
        "meeting": meeting,
        "form": form,
        "item": item,
        "refused": refused,
        "is_staff": is_staff_member(request.user),
    }
    return render(request, "meetings/agenda/item_form.html", context, status=status)


def _anchor(item: AgendaItem) -> str:
    """Where the item is on the meeting's page: on the agenda, or among the proposals."""
    return f"item-{item.pk}" if item.status == AS.ACCEPTED else f"proposal-{item.pk}"


def _not_scheduled(meeting: Meeting) -> str:
    return _("This meeting is “%(status)s”: its agenda can no longer change.") % {
        "status": meeting.get_status_display()
    }


# --- Proposing and changing -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def item_propose(request, number: int):
    """A spokesperson proposes an item for one of their zones; staff add an item (without a
    zone it is on the agenda at once)."""
    if not request.user.is_authenticated:
        return _login_first(request)
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), number=number)
    staff = is_staff_member(request.user)
    zones = list(Zone.objects.all() if staff else zones_of(request.user))
    if not (staff or zones):
        raise PermissionDenied
    if meeting.status != SCHEDULED:
        status = 400 if request.method == "POST" else 200
        return _form_page(request, meeting=meeting, status=status, refused=_not_scheduled(meeting))
    data = request.POST if request.method == "POST" else None
    form = AgendaItemForm(data, zones=zones, zone_required=not staff, staff=staff)
    if form.is_valid():
        try:
            item = services.propose_agenda_item(
                meeting=meeting, by=request.user, zone=form.chosen_zone(), **form.item_fields()
            )
        except (services.MeetingError, ValidationError) as error:
            _add_service_error(form, error)
        else:
            if item.status == AS.ACCEPTED:
                messages.success(request, _reviewed_message(item))
            else:
                messages.success(
                    request,
                    _("“%(title)s” is proposed for zone %(zone)s: the staff will review it.")
                    % {"title": item.title, "zone": item.proposing_zone},
                )
            return redirect(f"{meeting.get_absolute_url()}#{_anchor(item)}")
    return _form_page(request, meeting=meeting, form=form, status=400 if data else 200)


def _may_change(user, item: AgendaItem) -> bool:
    """Staff change any item; a spokesperson of the proposing zone their zone's proposal."""
    if is_staff_member(user):
        return True
    return item.proposing_zone is not None and is_spokesperson(user, item.proposing_zone)


def _change_refused(user, item: AgendaItem) -> str:
    """Why the item cannot be changed now ("" when it can)."""
    if item.meeting.status != SCHEDULED:
        return _not_scheduled(item.meeting)
    if not is_staff_member(user) and item.status != AS.PROPOSED:
        return _("This item was already reviewed: only the staff can change it now.")
    return ""


def _save_item(*, item: AgendaItem, by, **fields) -> AgendaItem:
    """Change an item's wording, duration, presenter or practice (not its status or place),
    checking again who may and when, in one transaction."""
    if not _may_change(by, item):
        raise PermissionDenied
    with transaction.atomic():
        locked = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
        if refusal := _change_refused(by, locked):
            raise services.MeetingError(refusal)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save(update_fields=list(fields))
    return locked


@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int):
    if not request.user.is_authenticated:
        return _login_first(request)
    item = get_object_or_404(
        _items_visible_to(request.user).select_related("meeting", "proposing_zone", "practice"),
        pk=pk,
    )
    if not _may_change(request.user, item):
        raise PermissionDenied
    meeting = item.meeting
    if refusal := _change_refused(request.user, item):
        status = 400 if request.method == "POST" else 200
        return _form_page(request, meeting=meeting, item=item, status=status, refused=refusal)
    initial = {name: getattr(item, name) for name in (*ITEM_FIELDS, "consultation")}
    data = request.POST if request.method == "POST" else None
    staff = is_staff_member(request.user)
    form = AgendaItemForm(data, initial=initial, practice=item.practice, staff=staff)
    if form.is_valid():
        try:
            _save_item(item=item, by=request.user, **form.item_fields())
        except (services.MeetingError, ValidationError) as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The changes to the item were saved."))
            return redirect(f"{meeting.get_absolute_url()}#{_anchor(item)}")
    return _form_page(request, meeting=meeting, form=form, item=item, status=400 if data else 200)


# --- Reviewing and ordering -------------------------------------------------------------------


def _reviewed_message(item: AgendaItem) -> str:
    return {
        AS.ACCEPTED: _("“%(title)s” is on the agenda."),
        AS.DEFERRED: _("“%(title)s” is deferred: accept it later to put it on the agenda."),
        AS.DECLINED: _("“%(title)s” is declined; the zone reads the reason on this page."),
    }[item.status] % {"title": item.title}


@require_http_methods(["GET", "POST"])
def item_review(request, pk: int):
    """Staff accept, defer or decline a proposal (declining needs a reason). The buttons are
    on the meeting's page; this page shows the form again when something is missing."""
    if (refusal := _staff_only(request)) is not None:
        return refusal
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting", "proposing_zone", "practice"), pk=pk
    )
    meeting = item.meeting
    if meeting.status != SCHEDULED:
        status = 400 if request.method == "POST" else 200
        return _review_page(request, item, None, status=status, refused=_not_scheduled(meeting))
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(data, item=item, moves=_review_moves(item))
    if form.is_valid():
        try:
            services.review_agenda_item(
                item=item,
                to_status=form.cleaned_data["to_status"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _reviewed_message(item))
            return redirect(f"{meeting.get_absolute_url()}#{_anchor(item)}")
    return _review_page(request, item, form, status=400 if data else 200)


def _review_page(request, item, form, *, status=200, refused=""):
    context = {
        "section": "meetings",
        "meeting": item.meeting,
        "item": item,
        "form": form,
        "refused": refused,
    }
    return render(request, "meetings/agenda/item_review.html", context, status=status)


@require_POST
def item_move(request, pk: int):
    """Staff move an accepted item one place up or down. With htmx the agenda's list is
    redrawn in place (and a status line says where the item is now); without, a redirect."""
    if (refusal := _staff_only(request)) is not None:
        return refusal
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    meeting = item.meeting
    try:
        if meeting.status != SCHEDULED:
            raise services.MeetingError(_not_scheduled(meeting))
        ordered = services.move_agenda_item(
            item=item, direction=request.POST.get("direction", ""), by=request.user
        )
    except services.MeetingError as error:
        if request.htmx:
            return HttpResponse(str(error), status=400, content_type="text/plain")
        messages.error(request, str(error))
        return _meeting_page(request, meeting, status=400)
    place = next(index for index, other in enumerate(ordered, start=1) if other.pk == item.pk)
    status = _("“%(title)s” is now number %(place)d of %(count)d on the agenda.") % {
        "title": item.title,
        "place": place,
        "count": len(ordered),
    }
    if request.htmx:
        context = {
            **decisions.detail_context(request, meeting),
            **detail_context(request, meeting),
            "meeting": meeting,
            "logged_in": True,
            "agenda_status": status,
            "agenda_status_oob": True,
        }
        return render(request, f"{AGENDA_TEMPLATE}#agenda-moved", context)
    messages.success(request, status)
    return redirect(f"{meeting.get_absolute_url()}#agenda")


def _meeting_page(request, meeting: Meeting, *, status: int):
    from .meetings import meeting_detail  # the page module imports this one

    return meeting_detail(request, meeting.number, status=status)


urlpatterns = [
    path("<int:number>/proposte/nuova/", item_propose, name="agenda-propose"),
    path("voci/<int:pk>/modifica/", item_edit, name="agenda-item-edit"),
    path("voci/<int:pk>/esito/", item_review, name="agenda-review"),
    path("voci/<int:pk>/sposta/", item_move, name="agenda-move"),
]
