"""A zone's answer to a consultation on the Strategic Plan (the form, revisable until the
deadline, refused when stale or frozen, nothing typed lost), and the consolidated opinion of
the zones (a printable page and a CSV file). The consultation pages themselves are in
``plans.views_consultations``, whose helpers these views share.

Who may do what is asked of ``plans.permissions``; the rules of saving live in
``plans.services``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from zones.csv_export import csv_response
from zones.models import Zone

from . import permissions, services
from .forms import OpinionForm
from .models import Axis, ZoneOpinion
from .views_consultations import SECTION, V, _consultations, _login_first, _opinions, _when

# --- A zone's answer --------------------------------------------------------------------------


def _answer_page(request, consultation, zone, opinion, form, *, status=200, **extra):
    context = {
        "section": SECTION,
        "consultation": consultation,
        "zone": zone,
        "opinion": opinion,
        "form": form,
        "frozen": "",
        "stale": False,
        "unsaved": [],
        **extra,
    }
    return render(request, "plans/consultations/answer.html", context, status=status)


def _unsaved(form: OpinionForm) -> list[tuple[str, str]]:
    """What the user sent, to show it back when it cannot be saved (nothing is lost)."""
    shown = []
    verdict = form.data.get("verdict", "")
    if verdict in V.values:
        shown.append((_("The zone's opinion"), str(V(verdict).label)))
    for name in ("text", *(OpinionForm.remark_name(axis) for axis in form.axes)):
        value = form.data.get(name, "")
        if value.strip():
            shown.append((str(form.fields[name].label), value))
    return shown


@require_http_methods(["GET", "HEAD", "POST"])
def opinion_answer(request, pk: int, zone: int):
    """A zone's spokesperson or deputy answers for the zone, and revises the answer until the
    deadline. A save over a newer answer is refused (409) with the user's text kept; after the
    deadline every save is refused (400) with what was typed shown back."""
    if not request.user.is_authenticated:
        return _login_first(request)
    consultation = get_object_or_404(_consultations(), pk=pk)
    zone = get_object_or_404(Zone, number=zone)
    if not permissions.can_answer_for_zone(request.user, zone):
        raise PermissionDenied
    opinion = _opinions(consultation).get(zone.pk)
    axes = list(consultation.axes.all())
    if request.method != "POST":
        form = OpinionForm(axes=axes, opinion=opinion)
        frozen = "" if consultation.is_open() else services.closed_message(consultation)
        return _answer_page(request, consultation, zone, opinion, form, frozen=frozen)
    form = OpinionForm(request.POST, axes=axes, opinion=opinion)
    if not consultation.is_open():
        frozen = services.closed_message(consultation)
        return _answer_page(
            request,
            consultation,
            zone,
            opinion,
            None,
            frozen=frozen,
            unsaved=_unsaved(form),
            status=400,
        )
    if not form.is_valid():
        return _answer_page(request, consultation, zone, opinion, form, status=400)
    try:
        services.save_opinion(
            consultation=consultation,
            zone=zone,
            by=request.user,
            verdict=form.cleaned_data["verdict"],
            text=form.cleaned_data["text"],
            remarks=form.remarks(),
            version=form.cleaned_data["version"],
        )
    except services.StaleVersion:
        return _stale_page(request, consultation, zone, form)
    except services.ConsultationClosed as closed:
        return _answer_page(
            request,
            consultation,
            zone,
            opinion,
            None,
            frozen=str(closed),
            unsaved=_unsaved(form),
            status=400,
        )
    except services.ConsultationError as error:
        form.add_error(None, str(error))
        return _answer_page(request, consultation, zone, opinion, form, status=400)
    messages.success(
        request,
        _(
            "The answer of zone %(zone)s is saved. It can be revised until %(when)s; then it "
            "is frozen."
        )
        % {"zone": zone, "when": _when(consultation.deadline)},
    )
    return redirect(f"{consultation.get_absolute_url()}#zone-{zone.number}")


def _stale_page(request, consultation, zone, form: OpinionForm):
    """Someone saved the zone's answer after this form was loaded: nothing was written. The
    saved answer is shown, the user's text stays in the form, which now carries the saved
    version, so that saving again (after comparing) goes through."""
    current = _opinions(consultation).get(zone.pk)
    data = request.POST.copy()
    data["version"] = str(current.version if current else 0)
    fresh = OpinionForm(data, axes=form.axes, opinion=current)
    fresh.is_valid()  # the user's own errors, if any, show again
    return _answer_page(request, consultation, zone, current, fresh, stale=True, status=409)


# --- The consolidated opinion ---------------------------------------------------------------


@dataclass
class ConsolidatedRow:
    zone: Zone
    opinion: ZoneOpinion | None
    remarks: list[tuple[Axis, str]]


def _consolidated(request, pk: int):
    """The consultation and the rows of the consolidated opinion, or a refusal."""
    if not request.user.is_authenticated:
        return None, _login_first(request)
    consultation = get_object_or_404(_consultations(), pk=pk)
    if not permissions.can_see_all_answers(request.user, consultation):
        raise PermissionDenied
    axes = list(consultation.axes.all())
    opinions = _opinions(consultation)
    rows = []
    for zone in Zone.objects.order_by("number"):
        opinion = opinions.get(zone.pk)
        written = (
            {remark.axis_id: remark.text for remark in opinion.remarks.all()} if opinion else {}
        )
        rows.append(
            ConsolidatedRow(
                zone=zone,
                opinion=opinion,
                remarks=[(axis, written.get(axis.pk, "")) for axis in axes],
            )
        )
    return (consultation, axes, rows), None


def _counts(rows: list[ConsolidatedRow]) -> list[tuple[str, int]]:
    counts = {verdict: 0 for verdict in V.values}
    for row in rows:
        if row.opinion is not None:
            counts[row.opinion.verdict] = counts.get(row.opinion.verdict, 0) + 1
    missing = sum(1 for row in rows if row.opinion is None)
    return [(str(V(verdict).label), counts[verdict]) for verdict in V.values] + [
        (_("No answer"), missing)
    ]


@require_safe
def consultation_consolidated(request, pk: int):
    """The consolidated opinion of the zones, a printable page: provisional until the deadline
    (staff only), frozen after it."""
    found, refusal = _consolidated(request, pk)
    if refusal is not None:
        return refusal
    consultation, axes, rows = found
    context = {
        "section": SECTION,
        "consultation": consultation,
        "axes": axes,
        "rows": rows,
        "counts": _counts(rows),
        "answered": sum(1 for row in rows if row.opinion is not None),
        "is_open": consultation.is_open(),
        "printed_at": timezone.localtime(),
    }
    return render(request, "plans/consultations/consolidated.html", context)


@require_safe
def consultation_consolidated_csv(request, pk: int):
    """The consolidated opinion as CSV: one row per zone, a column per axis' remark."""
    found, refusal = _consolidated(request, pk)
    if refusal is not None:
        return refusal
    consultation, axes, rows = found
    status = _("provisional") if consultation.is_open() else _("frozen")
    header = [
        _("Zone number"),
        _("Zone"),
        _("Answered"),
        _("Opinion"),
        _("Text of the opinion"),
        _("First answered"),
        _("Last revised"),
        _("Version"),
        _("Status of the answers"),
        *(_("Remark on axis %(axis)s") % {"axis": axis} for axis in axes),
    ]

    def when(moment) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")

    lines = []
    for row in rows:
        opinion = row.opinion
        if opinion is None:
            lines.append(
                [row.zone.number, row.zone.name, _("no"), "", "", "", "", "", status]
                + ["" for _axis in axes]
            )
            continue
        lines.append(
            [
                row.zone.number,
                row.zone.name,
                _("yes"),
                opinion.get_verdict_display(),
                opinion.text,
                when(opinion.answered_at),
                when(opinion.updated_at),
                opinion.version,
                status,
                *(text for _axis, text in row.remarks),
            ]
        )
    return csv_response(lines, header, f"parere-consolidato-{consultation.pk}", request)
