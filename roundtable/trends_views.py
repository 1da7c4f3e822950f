"""The dashboard's trends per quarter (/cruscotto/andamento/) and their CSV download.

Who may see them is the same as for the rest of the dashboard (``dashboard_views._refusal``).
The filters (``?zone=<number>&from=YYYY-MM-DD&to=YYYY-MM-DD``) are a form: a value that is not
valid is said next to its field and left out, never a server error. The charts are SVG drawn
from ``roundtable.charts``; each is followed by a table with the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_safe

from zones.csv_export import SEMICOLON, csv_response, delimiter_for
from zones.models import Zone
from zones.permissions import is_staff_member, zones_of

from . import charts
from .dashboard_views import _refusal
from .trends import Period, QuarterFigures, quarterly_trends

CSV_BASENAME = "andamento-trimestrale"
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TrendsFilterForm(forms.Form):
    """The zone and the period. ``from`` and ``to`` are Python keywords: the fields are named
    ``from`` and ``to`` in the URL and added under those names in ``__init__``."""

    zone = forms.ChoiceField(label=gettext_lazy("Zone"), required=False)

    def __init__(self, data=None, *, user=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["from"] = forms.DateField(
            label=pgettext_lazy("period", "From"),
            required=False,
            help_text=gettext_lazy("Day first included, e.g. 2025-01-01."),
            widget=DATE_INPUT,
        )
        self.fields["to"] = forms.DateField(
            label=pgettext_lazy("period", "To"),
            required=False,
            help_text=gettext_lazy("Day last included."),
            widget=DATE_INPUT,
        )
        # The zones in one query, whatever is shown; the one chosen is taken from them. A
        # zone's attendance is the scorecard's rule: staff may pick any zone, a spokesperson
        # their own (another zone is an invalid choice, reported and left out).
        zones = Zone.objects.order_by("number")
        if not is_staff_member(user):
            zones = zones.filter(pk__in=zones_of(user).values("pk"))
        self.zones = {str(zone.number): zone for zone in zones}
        self.fields["zone"].choices = [("", _("All zones"))] + [
            (number, str(zone)) for number, zone in self.zones.items()
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            self.add_error("to", _("The end of the period cannot be before its start."))
        return cleaned

    def filters(self) -> tuple[Zone | None, Period]:
        """The valid filters: a field with an error is left out, the others still apply."""
        self.is_valid()
        data = self.cleaned_data
        return self.zones.get(data.get("zone", "")), Period(data.get("from"), data.get("to"))

    def query(self) -> str:
        """The valid filters as a query string (for the CSV links), "" when there are none."""
        self.is_valid()
        values = {
            name: value.isoformat() if hasattr(value, "isoformat") else value
            for name, value in self.cleaned_data.items()
            if value
        }
        return urlencode(values)


@dataclass(frozen=True)
class TrendChart:
    """A chart with its heading, its one-sentence summary and an id for its elements."""

    key: str
    heading: str
    summary: str
    chart: charts.Chart


def _count(value: int) -> str:
    return number_format(value)


def _span(figures: list[QuarterFigures]) -> dict[str, str]:
    return {"first": figures[0].quarter.label, "last": figures[-1].quarter.label}


def _highest(figures: list[QuarterFigures], value) -> tuple[int, str]:
    """The highest value and the first quarter that reached it."""
    best = max(figures, key=value)
    return value(best), best.quarter.label


def _published_chart(figures: list[QuarterFigures], labels: list[str]) -> TrendChart:
    heading = _("Practices published")
    top, when = _highest(figures, lambda row: row.published)
    summary = _(
        "Practices published per quarter, from %(first)s to %(last)s; highest %(top)s in %(when)s."
    ) % {**_span(figures), "top": _count(top), "when": when}
    series = charts.Series(heading, [row.published for row in figures])
    return TrendChart("published", heading, summary, charts.bar_chart(labels, [series]))


def _transfers_chart(figures: list[QuarterFigures], labels: list[str]) -> TrendChart:
    declared, when_declared = _highest(figures, lambda row: row.declared)
    adopted, when_adopted = _highest(figures, lambda row: row.adopted)
    summary = _(
        "Transfers declared and adopted per quarter, from %(first)s to %(last)s; "
        "most declared: %(declared)s in %(when_declared)s; "
        "most adopted: %(adopted)s in %(when_adopted)s."
    ) % {
        **_span(figures),
        "declared": _count(declared),
        "when_declared": when_declared,
        "adopted": _count(adopted),
        "when_adopted": when_adopted,
    }
    series = [
        charts.Series(_("Declared"), [row.declared for row in figures], "chart-series-1"),
        charts.Series(_("Adopted"), [row.adopted for row in figures], "chart-series-2", True),
    ]
    return TrendChart("transfers", _("Transfers"), summary, charts.bar_chart(labels, series))


def _attendance_summary(figures: list[QuarterFigures]) -> str:
    """The rate's span, its highest and lowest, and how many quarters have no data."""
    known = [row for row in figures if row.attendance.rate is not None]
    gaps = len(figures) - len(known)
    if len(known) == 1:
        summary = _(
            "Attendance rate at the meetings held, per quarter, from %(first)s to %(last)s; "
            "%(rate)s in %(when)s, the only quarter with data."
        ) % {
            **_span(figures),
            "rate": charts.format_percent(known[0].attendance.rate),
            "when": known[0].quarter.label,
        }
    elif known:
        best = max(known, key=lambda row: row.attendance.rate)
        worst = min(known, key=lambda row: row.attendance.rate)
        summary = _(
            "Attendance rate at the meetings held, per quarter, from %(first)s to %(last)s; "
            "highest %(high)s in %(when_high)s, lowest %(low)s in %(when_low)s."
        ) % {
            **_span(figures),
            "high": charts.format_percent(best.attendance.rate),
            "when_high": best.quarter.label,
            "low": charts.format_percent(worst.attendance.rate),
            "when_low": worst.quarter.label,
        }
    else:
        summary = _(
            "Attendance rate at the meetings held, per quarter, from %(first)s to %(last)s: "
            "no attendance recorded."
        ) % _span(figures)
    if gaps:
        summary += " " + _(
            "Quarters without data (no meeting held or attendance recorded): %(gaps)s."
        ) % {"gaps": _count(gaps)}
    return summary


def _attendance_chart(figures: list[QuarterFigures], labels: list[str]) -> TrendChart:
    heading = _("Attendance rate")
    series = charts.Series(heading, [row.attendance.rate for row in figures])
    summary = _attendance_summary(figures)
    return TrendChart("attendance", heading, summary, charts.rate_chart(labels, series))


def _charts(figures: list[QuarterFigures]) -> list[TrendChart]:
    if not figures:
        return []
    labels = [row.quarter.label for row in figures]
    return [
        _published_chart(figures, labels),
        _transfers_chart(figures, labels),
        _attendance_chart(figures, labels),
    ]


@require_safe
def trends(request):
    if refusal := _refusal(request):
        return refusal
    form = TrendsFilterForm(request.GET or None, user=request.user)
    zone, period = form.filters() if form.is_bound else (None, Period())
    figures = quarterly_trends(zone=zone, period=period)
    query = form.query() if form.is_bound else ""
    return render(
        request,
        "roundtable/trends.html",
        {
            "section": "dashboard",
            "dashboard_page": "trends",
            "form": form,
            "zone": zone,
            "figures": figures,
            "charts": {chart.key: chart for chart in _charts(figures)},
            "csv_query": query,
            "semicolon": SEMICOLON,
        },
    )


def _rate_cell(rate: float | None, decimal: str) -> str:
    """A percentage with one decimal for the CSV, with the decimal mark the separator calls
    for (a comma beside semicolons, as Excel in Italian reads it); empty without data."""
    if rate is None:
        return ""
    return f"{rate * 100:.1f}".replace(".", decimal)


@require_safe
def trends_csv(request):
    if refusal := _refusal(request):
        return refusal
    form = TrendsFilterForm(request.GET or None, user=request.user)
    zone, period = form.filters() if form.is_bound else (None, Period())
    decimal = "," if delimiter_for(request) == ";" else "."
    header = [
        _("Quarter"),
        _("Practices published"),
        _("Transfers declared"),
        _("Transfers adopted"),
        _("Meetings held"),
        _("Attendance recorded"),
        _("Present or substituted"),
        _("Attendance rate (%)"),
    ]
    rows = [
        [
            row.quarter.label,
            row.published,
            row.declared,
            row.adopted,
            row.attendance.meetings,
            row.attendance.recorded,
            row.attendance.present,
            _rate_cell(row.attendance.rate, decimal),
        ]
        for row in quarterly_trends(zone=zone, period=period)
    ]
    return csv_response(rows, header, CSV_BASENAME, request)
