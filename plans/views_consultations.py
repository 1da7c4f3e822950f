"""The zones' consultations on a revision of the Strategic Plan: the list, a consultation's page
with its document, the zones' answers and their history, staff's forms to open and change a
consultation and to remind the zones. A zone's answer form and the consolidated opinion are in
``plans.views_opinions``.

Who may do what is asked of ``plans.permissions`` (its docstring states the rules); the rules of
saving live in ``plans.services``. Pages read a constant number of queries whatever the number
of zones, answers and versions. The meetings where a consultation is on the agenda, and the
decisions recorded there, are read through the reverse relations (``agenda_items``,
``decisions``): plans does not import meetings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zones.models import Notification, Zone
from zones.people import display_name
from zones.permissions import is_participant, is_staff_member, zones_of

from . import documents, notifications, permissions, services
from .forms import ConsultationForm
from .models import Axis, AxisRemark, Consultation, Plan, ZoneOpinion

V = ZoneOpinion.Verdict
SECTION = "plans"
#: Agenda items on a meeting's agenda (the meetings app's ``AgendaItem.Status.ACCEPTED``).
ON_THE_AGENDA = "accepted"
#: The order in which a new consultation's page offers the plans: draft revisions first.
PLAN_ORDER = {Plan.Status.DRAFT: 0, Plan.Status.IN_FORCE: 1, Plan.Status.SUPERSEDED: 2}


# --- Helpers ----------------------------------------------------------------------------------


def _login_first(request):
    return redirect_to_login(request.get_full_path())


def _consultations():
    return Consultation.objects.select_related("plan", "opened_by").prefetch_related(
        Prefetch("axes", queryset=Axis.objects.order_by("number"))
    )


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _opinions(consultation: Consultation) -> dict[int, ZoneOpinion]:
    """The answers by zone, with their remarks in the axes' order."""
    remarks = AxisRemark.objects.select_related("axis").order_by("axis__number")
    opinions = consultation.opinions.select_related("answered_by").prefetch_related(
        Prefetch("remarks", queryset=remarks)
    )
    return {opinion.zone_id: opinion for opinion in opinions}


# --- The list ---------------------------------------------------------------------------------


@require_safe
def consultation_list(request):
    """Open consultations first (the nearest deadline first), then the closed ones (the most
    recent first), each with how many zones have answered."""
    if not request.user.is_authenticated:
        return _login_first(request)
    if not permissions.can_view_consultations(request.user):
        raise PermissionDenied
    now = timezone.now()
    listed = Consultation.objects.select_related("plan").annotate(answered=Count("opinions"))
    context = {
        "section": SECTION,
        "open_consultations": list(listed.open(now).order_by("deadline", "pk")),
        "closed_consultations": list(listed.closed(now).order_by("-deadline", "-pk")),
        "zone_count": Zone.objects.count(),
        "may_open": permissions.can_manage_consultations(request.user),
    }
    return render(request, "plans/consultations/list.html", context)


# --- A consultation's page --------------------------------------------------------------------


@dataclass
class Version:
    """One saved version of a zone's answer, or one change of a remark."""

    when: object
    who: str
    verdict: str = ""
    text: str = ""
    version: int | None = None
    axis: str = ""
    change: str = ""
    removed: bool = False


@dataclass
class ZoneRow:
    zone: Zone
    opinion: ZoneOpinion | None
    shown: bool = False  # the user may read the answer
    mine: bool = False  # the user speaks for the zone
    may_answer: bool = False
    versions: list[Version] = field(default_factory=list)
    remark_changes: list[Version] = field(default_factory=list)


REMARK_CHANGES = {"+": "written", "~": "changed", "-": "removed"}


def _histories(consultation: Consultation, rows: list[ZoneRow], axes: dict) -> None:
    """The versions of the answers the user may read, and the changes of their remarks: two
    queries for every zone together."""
    shown = {row.opinion.pk: row for row in rows if row.shown and row.opinion is not None}
    if not shown:
        return
    versions = (
        ZoneOpinion.history.filter(id__in=shown)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    for record in versions:
        who = record.history_user or None
        shown[record.id].versions.append(
            Version(
                when=record.history_date,
                who=display_name(who),
                verdict=str(V(record.verdict).label) if record.verdict in V.values else "",
                text=record.text,
                version=record.version,
            )
        )
    changes = (
        AxisRemark.history.filter(opinion_id__in=shown)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    labels = {
        "written": _("written"),
        "changed": _("changed"),
        "removed": _("removed"),
    }
    for record in changes:
        axis = axes.get(record.axis_id)
        shown[record.opinion_id].remark_changes.append(
            Version(
                when=record.history_date,
                who=display_name(record.history_user),
                text=record.text,
                axis=str(axis) if axis else f"#{record.axis_id}",
                change=labels[REMARK_CHANGES[record.history_type]],
                removed=record.history_type == "-",
            )
        )
    for row in shown.values():
        row.versions.reverse()  # the newest first
        row.remark_changes.reverse()


def _agenda(consultation: Consultation, user) -> list:
    """The agenda items that put the consultation on a meeting's agenda, with the decisions
    recorded on them (the outcome); the meetings the user may see only (visitors and other
    accounts: the public ones)."""
    items = (
        consultation.agenda_items.filter(status=ON_THE_AGENDA)
        .select_related("meeting")
        .prefetch_related("decisions")
        .order_by("meeting__starts_at", "position", "pk")
    )
    if not is_participant(user):
        items = items.filter(meeting__is_public=True)
    return list(items)


def _detail_context(request, consultation: Consultation, now=None) -> dict:
    user = request.user
    now = now or timezone.now()
    is_open = consultation.is_open(now)
    staff = is_staff_member(user)
    see_all = permissions.can_see_all_answers(user, consultation, now)
    mine = {zone.pk for zone in zones_of(user)}
    opinions = _opinions(consultation)
    rows = []
    for zone in Zone.objects.order_by("number"):
        row = ZoneRow(zone=zone, opinion=opinions.get(zone.pk))
        row.mine = zone.pk in mine
        row.shown = see_all or row.mine
        row.may_answer = row.mine and is_open
        rows.append(row)
    axes = list(consultation.axes.all())
    _histories(consultation, rows, {axis.pk: axis for axis in axes})
    answered = sum(1 for row in rows if row.opinion is not None)
    context = {
        "section": SECTION,
        "consultation": consultation,
        "axes": axes,
        "document_type": documents.label_for(consultation.document_content_type),
        "is_open": is_open,
        "rows": rows,
        "my_rows": [row for row in rows if row.mine],
        "answered": answered,
        "zone_count": len(rows),
        "see_all": see_all,
        "staff": staff,
        "may_manage": staff and is_open,
        "may_remind": staff and is_open and answered < len(rows),
        "last_reminder": None,
        "agenda_items": _agenda(consultation, user),
    }
    if context["may_remind"]:
        context["last_reminder"] = Notification.objects.filter(
            key=notifications.reminder_key(consultation)
        ).aggregate(last=Max("created_at"))["last"]
    return context


@require_safe
def consultation_detail(request, pk: int):
    if not request.user.is_authenticated:
        return _login_first(request)
    if not permissions.can_view_consultations(request.user):
        raise PermissionDenied
    consultation = get_object_or_404(_consultations(), pk=pk)
    return render(
        request, "plans/consultations/detail.html", _detail_context(request, consultation)
    )


@require_safe
def consultation_document(request, pk: int):
    """The revision's document, for logged-in users."""
    if not request.user.is_authenticated:
        return _login_first(request)
    if not permissions.can_view_consultations(request.user):
        raise PermissionDenied
    consultation = get_object_or_404(Consultation, pk=pk)
    try:
        handle = consultation.document.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=consultation.document_name,
        content_type=consultation.document_content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=0"
    return response


# --- Staff: opening, changing, reminding --------------------------------------------------------


def _staff_only(request):
    if not request.user.is_authenticated:
        return _login_first(request)
    if not permissions.can_manage_consultations(request.user):
        raise PermissionDenied
    return None


def _plans_on_offer() -> list[Plan]:
    plans = list(Plan.objects.all())
    return sorted(plans, key=lambda plan: (PLAN_ORDER.get(plan.status, 3), plan.code))


def _form_page(request, *, form=None, plan=None, plans=(), consultation=None, status=200, **extra):
    context = {
        "section": SECTION,
        "form": form,
        "plan": plan,
        "plans": plans,
        "consultation": consultation,
        "refused": "",
        **extra,
    }
    return render(request, "plans/consultations/form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def consultation_create(request):
    """Staff open a consultation on a plan: the one in ``?piano=<code>``, else the first draft
    revision (else the plan in force). Its axes are offered; the document is required."""
    if (refusal := _staff_only(request)) is not None:
        return refusal
    plans = _plans_on_offer()
    if not plans:
        return _form_page(request, status=400 if request.method == "POST" else 200)
    chosen = request.GET.get("piano", "")
    plan = next((p for p in plans if p.code == chosen), plans[0])
    if request.method != "POST":
        return _form_page(request, form=ConsultationForm(plan=plan), plan=plan, plans=plans)
    form = ConsultationForm(request.POST, request.FILES, plan=plan)
    if form.is_valid():
        try:
            consultation = services.open_consultation(
                by=request.user, plan=plan, **form.service_fields()
            )
        except services.ConsultationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "The consultation is open: the spokespersons of every zone are told by "
                    "e-mail and may answer until %(when)s."
                )
                % {"when": _when(consultation.deadline)},
            )
            return redirect(consultation)
    return _form_page(request, form=form, plan=plan, plans=plans, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def consultation_edit(request, pk: int):
    """Staff change an open consultation (never the answers); the deadline only extended."""
    if (refusal := _staff_only(request)) is not None:
        return refusal
    consultation = get_object_or_404(_consultations(), pk=pk)
    if not consultation.is_open():
        status = 400 if request.method == "POST" else 200
        return _form_page(
            request,
            consultation=consultation,
            plan=consultation.plan,
            refused=services.closed_message(consultation),
            status=status,
        )
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = ConsultationForm(*data, plan=consultation.plan, consultation=consultation)
    if data and form.is_valid():
        try:
            services.update_consultation(
                consultation=consultation, by=request.user, **form.service_fields()
            )
        except services.ConsultationClosed as closed:
            return _form_page(
                request,
                consultation=consultation,
                plan=consultation.plan,
                refused=str(closed),
                status=400,
            )
        except services.ConsultationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The changes to the consultation were saved."))
            return redirect(consultation)
    return _form_page(
        request,
        form=form,
        plan=consultation.plan,
        consultation=consultation,
        status=400 if data else 200,
    )


@require_POST
def consultation_remind(request, pk: int):
    """Staff remind the zones that have not answered; each of their users once per deadline."""
    if (refusal := _staff_only(request)) is not None:
        return refusal
    consultation = get_object_or_404(Consultation, pk=pk)
    try:
        notices, zones = services.remind_zones(consultation=consultation, by=request.user)
    except services.ConsultationClosed as closed:
        messages.error(request, str(closed))
        return redirect(consultation)
    if not zones:
        messages.info(request, _("Every zone has answered: there is nobody to remind."))
    elif notices:
        people = len(notices)
        messages.success(
            request,
            ngettext(
                "%(people)d person of the %(zones)d zones without an answer was reminded.",
                "%(people)d people of the %(zones)d zones without an answer were reminded.",
                people,
            )
            % {"people": people, "zones": len(zones)},
        )
    else:
        messages.warning(
            request,
            _(
                "The zones without an answer were already reminded for this deadline, or have "
                "nobody in office: nobody was reminded twice."
            ),
        )
    return redirect(f"{consultation.get_absolute_url()}#zones")
