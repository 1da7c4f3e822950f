"""The dashboard's home: the zone scorecard over a period, and the lists behind its figures.

Staff see every zone, the all-zones row and the average per zone; a spokesperson in office sees
their own zones and the average per zone. Each figure of a zone links to the list it counts;
a spokesperson may open the lists of their own zones only, staff every list (zone 0 = all
zones). Every table also downloads as CSV.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_safe

from plans.models import Plan
from zones.csv_export import SEMICOLON, csv_response
from zones.models import Zone
from zones.people import display_name
from zones.permissions import is_staff_member, zones_of

from .dashboard_views import _refusal
from .scorecard import FIGURES, Figure, Period, Scorecard, default_period, rows_for, scorecard

PER_PAGE = 50
SCORECARD_BASENAME = "scheda-zone"
EARLIEST = datetime.date(2000, 1, 1)  # a period starting earlier is surely a typing error
LATEST_YEARS_AHEAD = 10  # nor one ending more than ten years from now


class PeriodForm(forms.Form):
    """The period of the scorecard, as ``?from=YYYY-MM-DD&to=YYYY-MM-DD``. Either date missing
    takes the default's; a date that does not validate is reported and the default used."""

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        # Named from/to in the URL ("from" is a Python keyword, hence not declared above).
        for name, label in (
            ("from", pgettext_lazy("period", "From")),
            ("to", pgettext_lazy("period", "To")),
        ):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        if not self.is_bound:
            default = default_period()
            self.initial = {"from": default.start, "to": default.end}

    def clean(self):
        cleaned = super().clean()
        latest = timezone.localdate().replace(month=12, day=31)
        latest = latest.replace(year=latest.year + LATEST_YEARS_AHEAD)
        for name in ("from", "to"):
            day = cleaned.get(name)
            if day and not EARLIEST <= day <= latest:
                self.add_error(
                    name,
                    _("Choose a date between %(first)s and %(last)s.")
                    % {"first": EARLIEST.year, "last": latest.year},
                )
        # A date left empty takes the default's: the period must still run forwards.
        default = default_period()
        start = cleaned.get("from") or default.start
        end = cleaned.get("to") or default.end
        if not self.errors and end < start:
            self.add_error("to", _("The end of the period cannot be before its start."))
        return cleaned

    def period(self) -> Period:
        default = default_period()
        if not self.is_bound or not self.is_valid():
            return default
        return Period(
            self.cleaned_data.get("from") or default.start,
            self.cleaned_data.get("to") or default.end,
        )


def _visible_zones(user) -> tuple[list[Zone], bool]:
    """The zones whose rows the user sees, and whether they see all of them (staff)."""
    if is_staff_member(user):
        return list(Zone.objects.order_by("number")), True
    return list(zones_of(user).order_by("number")), False


def _period_form(request) -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.GET if ("from" in request.GET or "to" in request.GET) else None)
    return form, form.period()


@require_safe
def scorecard_page(request):
    if refusal := _refusal(request):
        return refusal
    form, period = _period_form(request)
    zones, staff = _visible_zones(request.user)
    card = scorecard(period, zones, with_total=staff)
    return render(
        request,
        "roundtable/scorecard.html",
        {
            "section": "dashboard",
            "dashboard_page": "scorecard",
            "form": form,
            "card": card,
            "staff_view": staff,
            # Staff's way to the dossier for the Strategic Plan's revision (plan_report_views).
            "plan_in_force": Plan.objects.in_force().first() if staff else None,
            "figures": FIGURES,
            "csv_query": f"from={period.start.isoformat()}&to={period.end.isoformat()}",
            "semicolon": SEMICOLON,
        },
    )


def _percent(value) -> str:
    return "" if value.percent is None else str(value.percent)


def scorecard_rows(card: Scorecard) -> list[list]:
    rows = []
    for row in [*card.rows, *([card.total] if card.total else []), card.average]:
        line = [row.zone.number if row.zone else "", row.label]
        for key, _label, _numerator, _denominator in card.rate_columns:
            value = row.values[key]
            line += [_number(value.count), _number(value.of), _percent(value)]
        line += [_number(row.values[figure.key].count) for figure in card.count_columns]
        rows.append(line)
    return rows


def _number(value) -> str:
    """Counts as integers; averages with one decimal, in the file's plain dot notation."""
    if isinstance(value, float):
        return f"{value:.1f}"
    return "" if value is None else str(value)


@require_safe
def scorecard_csv(request):
    if refusal := _refusal(request):
        return refusal
    _form, period = _period_form(request)
    zones, staff = _visible_zones(request.user)
    card = scorecard(period, zones, with_total=staff)
    header = [_("Zone number"), _("Zone")]
    for _key, label, numerator, denominator in card.rate_columns:
        header += [str(FIGURES[numerator].label), str(FIGURES[denominator].label), f"{label} (%)"]
    header += [_figure_heading(figure) for figure in card.count_columns]
    basename = f"{SCORECARD_BASENAME}-{period.start.isoformat()}-{period.end.isoformat()}"
    return csv_response(scorecard_rows(card), header, basename, request)


def _figure_heading(figure: Figure) -> str:
    if figure.key.startswith("practices-"):
        return _("Practices: %(status)s") % {"status": figure.label}
    if figure.key.startswith("actions-"):
        return _("Actions: %(status)s") % {"status": figure.label}
    return str(figure.label)


# The lists behind the figures: what each kind of row shows, as (heading, cell) columns, where
# a cell is (text, link or None). The HTML table and the CSV file are built from the same.


@dataclass(frozen=True)
class Listing:
    related: tuple[str, ...]
    prefetch: tuple[str, ...]
    order: tuple[str, ...]
    columns: list[tuple[str, Callable]]


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _local_date(value) -> str:
    return _date(timezone.localdate(value)) if value else ""


LISTINGS: dict[str, Listing] = {
    "invitations": Listing(
        related=("meeting", "zone"),
        prefetch=(),
        order=("-meeting__starts_at", "zone__number"),
        columns=[
            (gettext_lazy("Meeting"), lambda i: (str(i.meeting), i.meeting.get_absolute_url())),
            (gettext_lazy("Date"), lambda i: (_local_date(i.meeting.starts_at), None)),
            (gettext_lazy("Zone"), lambda i: (str(i.zone), None)),
            (gettext_lazy("Answer"), lambda i: (i.get_answer_display(), None)),
            (gettext_lazy("Attendance"), lambda i: (i.get_attendance_display(), None)),
        ],
    ),
    "practices": Listing(
        related=("zone",),
        prefetch=(),
        order=("-created_at", "-pk"),
        columns=[
            (gettext_lazy("Practice"), lambda p: (p.title, p.get_absolute_url())),
            (gettext_lazy("Zone"), lambda p: (str(p.zone), None)),
            (gettext_lazy("Status"), lambda p: (p.get_status_display(), None)),
            (gettext_lazy("Created"), lambda p: (_local_date(p.created_at), None)),
        ],
    ),
    "transfers": Listing(
        related=("practice__zone", "zone"),
        prefetch=("steps",),
        order=("-updated_at", "-pk"),
        columns=[
            (gettext_lazy("Practice"), lambda t: (t.practice.title, t.get_absolute_url())),
            (gettext_lazy("Owning zone"), lambda t: (str(t.practice.zone), None)),
            (gettext_lazy("Adopting zone"), lambda t: (str(t.zone), None)),
            (gettext_lazy("Adopted on"), lambda t: (_date(_adopted_on(t)), None)),
        ],
    ),
    "actions": Listing(
        related=("decision__agenda_item__meeting",),
        prefetch=("zones",),
        order=("due_date", "pk"),
        columns=[
            (gettext_lazy("Action"), lambda a: (a.title, a.get_absolute_url())),
            (
                gettext_lazy("Meeting"),
                lambda a: (
                    str(a.decision.agenda_item.meeting),
                    a.decision.agenda_item.meeting.get_absolute_url(),
                ),
            ),
            (
                gettext_lazy("Zones"),
                lambda a: (", ".join(str(z.number) for z in a.zones.all()), None),
            ),
            (gettext_lazy("Due"), lambda a: (_date(a.due_date), None)),
            (gettext_lazy("Status"), lambda a: (a.get_status_display(), None)),
            (gettext_lazy("Completed"), lambda a: (_local_date(a.completed_at), None)),
        ],
    ),
    "comments": Listing(
        related=("practice", "author"),
        prefetch=(),
        order=("-created_at", "-pk"),
        columns=[
            (
                gettext_lazy("Practice"),
                lambda c: (c.practice.title, f"{c.practice.get_absolute_url()}#comment-{c.pk}"),
            ),
            (gettext_lazy("Author"), lambda c: (display_name(c.author), None)),
            (gettext_lazy("Written"), lambda c: (_local_date(c.created_at), None)),
        ],
    ),
}


def _adopted_on(transfer) -> datetime.date | None:
    """The latest "adopted" step (prefetched, so no query per row)."""
    days = [step.on for step in transfer.steps.all() if step.stage == "adopted"]
    return max(days) if days else None


def _list_scope(request, zone_number: int, figure_key: str) -> tuple[Figure, Zone | None]:
    """The figure and zone asked for, once the user may see that list: 404 for an unknown
    figure or zone, 403 for a zone that is not the user's own (zone 0, all zones: staff)."""
    figure = FIGURES.get(figure_key)
    if figure is None:
        raise Http404
    zone = None if zone_number == 0 else get_object_or_404(Zone, number=zone_number)
    if is_staff_member(request.user):
        return figure, zone
    if zone is None or not zones_of(request.user).filter(pk=zone.pk).exists():
        raise PermissionDenied
    return figure, zone


def _listing_rows(figure: Figure, period: Period, zone: Zone | None):
    listing = LISTINGS[figure.listing]
    return (
        rows_for(figure, period, zone)
        .select_related(*listing.related)
        .prefetch_related(*listing.prefetch)
        .order_by(*listing.order)
    )


@require_safe
def scorecard_list(request, zone: int, figure: str):
    if refusal := _refusal(request):
        return refusal
    figure_obj, zone_obj = _list_scope(request, zone, figure)
    form, period = _period_form(request)
    listing = LISTINGS[figure_obj.listing]
    page = Paginator(_listing_rows(figure_obj, period, zone_obj), PER_PAGE).get_page(
        request.GET.get("page")
    )
    table = [[cell(item) for _heading, cell in listing.columns] for item in page.object_list]
    back = f"{reverse('dashboard')}?from={period.start.isoformat()}&to={period.end.isoformat()}"
    return render(
        request,
        "roundtable/scorecard_list.html",
        {
            "section": "dashboard",
            "dashboard_page": "scorecard",
            "figure": figure_obj,
            "zone": zone_obj,
            "period": period,
            "page": page,
            "headings": [heading for heading, _cell in listing.columns],
            "table": table,
            "back": back,
            "csv_query": f"from={period.start.isoformat()}&to={period.end.isoformat()}",
            "semicolon": SEMICOLON,
            "zone_number": zone,
            "form": form,
        },
    )


@require_safe
def scorecard_list_csv(request, zone: int, figure: str):
    if refusal := _refusal(request):
        return refusal
    figure_obj, zone_obj = _list_scope(request, zone, figure)
    _form, period = _period_form(request)
    listing = LISTINGS[figure_obj.listing]
    rows = [
        [cell(item)[0] for _heading, cell in listing.columns]
        for item in _listing_rows(figure_obj, period, zone_obj)
    ]
    basename = f"scheda-zona-{zone}-{figure}-{period.start.isoformat()}-{period.end.isoformat()}"
    return csv_response(
        rows, [str(heading) for heading, _cell in listing.columns], basename, request
    )
