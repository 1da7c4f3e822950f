"""The contribution report of a Strategic Plan (/piano-strategico/<code>/contributi/): the page,
its printable dossier and its CSV download. The figures are ``roundtable.plan_report``'s.

Staff only (``can_see_plan_report``): the report is the staff's dossier for the plan's yearly
revision. A visitor is sent to log in; any other account, spokespersons included, gets 403.
The optional period (``?from=YYYY-MM-DD&to=YYYY-MM-DD``) is a form: a value that is not valid
is said next to its field and left out, never a server error.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_safe

from plans.models import Plan
from zones.csv_export import SEMICOLON, csv_response
from zones.permissions import is_staff_member

from .plan_report import PlanReport, contribution_report
from .trends import Period

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def can_see_plan_report(user) -> bool:
    """The contribution report is the staff's dossier (as the plan's page asks, to link it)."""
    return is_staff_member(user)


def _refusal(request):
    """A login redirect for a visitor; 403 for an account that is not staff; else None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_see_plan_report(request.user):
        raise PermissionDenied
    return None


class ReportPeriodForm(forms.Form):
    """The period of the report. ``from`` and ``to`` are Python keywords: the fields are added
    under those names in ``__init__``. Both empty: the whole record."""

    def __init__(self, data=None, **kwargs):
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

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            self.add_error("to", _("The end of the period cannot be before its start."))
        return cleaned

    def period(self) -> Period:
        """The valid dates: a field with an error is left out, the other still applies."""
        if not self.is_bound:
            return Period()
        self.is_valid()
        return Period(self.cleaned_data.get("from"), self.cleaned_data.get("to"))

    def query(self) -> str:
        """The valid dates as a query string (for the CSV and print links), "" without any."""
        period = self.period()
        values = {"from": period.start, "to": period.end}
        return urlencode({name: day.isoformat() for name, day in values.items() if day})


def _report(request, code) -> tuple[ReportPeriodForm, PlanReport]:
    plan = get_object_or_404(Plan, code=code)
    form = ReportPeriodForm(request.GET if {"from", "to"} & request.GET.keys() else None)
    return form, contribution_report(plan, period=form.period())


def _context(form: ReportPeriodForm, report: PlanReport) -> dict:
    return {
        "section": "plans",
        "form": form,
        "report": report,
        "plan": report.plan,
        "query": form.query(),
        "semicolon": SEMICOLON,
        "generated_at": timezone.now(),
    }


@require_safe
def plan_report(request, code):
    if refusal := _refusal(request):
        return refusal
    form, report = _report(request, code)
    return render(request, "roundtable/plan_report.html", _context(form, report))


@require_safe
def plan_report_print(request, code):
    if refusal := _refusal(request):
        return refusal
    form, report = _report(request, code)
    return render(request, "roundtable/plan_report_print.html", _context(form, report))


def figure_headings() -> list[str]:
    """The names of the figures, in the order of ``Figures.values()``."""
    return [
        _("Published practices"),
        _("Adoptions by other zones"),
        _("Decisions"),
        _("Action items"),
        _("Open"),
        _("In progress"),
        _("Done"),
        _("Dropped"),
        _("Overdue"),
    ]


def report_rows(report: PlanReport) -> list[list]:
    """One row per axis (then per strategy of it) and zone, each followed by its all-zones
    total; last the whole plan per zone and in total."""
    rows = []

    def scope(axis_number, strategy_code, name, breakdown):
        first = [axis_number, strategy_code, name]
        for row in breakdown.zones:
            rows.append([*first, row.zone.number, row.zone.name, *row.figures.values()])
        rows.append([*first, "", _("All zones"), *breakdown.total.values()])

    for section in report.axes:
        scope(section.axis.number, "", section.axis.name, section.breakdown)
        for strategy in section.strategies:
            scope(
                section.axis.number,
                strategy.strategy.code,
                strategy.strategy.name,
                strategy.breakdown,
            )
    scope("", "", _("All axes"), report.overall)
    return rows


@require_safe
def plan_report_csv(request, code):
    if refusal := _refusal(request):
        return refusal
    _form, report = _report(request, code)
    header = [
        _("Axis"),
        _("Strategy"),
        _("Axis or strategy"),
        _("Zone number"),
        _("Zone"),
        *figure_headings(),
    ]
    basename = f"contributi-{report.plan.code}"
    return csv_response(report_rows(report), header, basename, request)
