"""The dashboard's map of the zones and its table as CSV (/cruscotto/mappa/).

Who may see them is the dashboard's rule (``dashboard_views._refusal``): staff and
spokespersons in office; a visitor is sent to log in, any other account gets 403. A
spokesperson sees the attendance rate of their own zones only (and the whole territory's).
The figure is picked with ``?figure=``; an unknown one is said on the page, which shows the
default.
"""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from zones.csv_export import SEMICOLON, csv_response, delimiter_for
from zones.permissions import is_staff_member, zones_of

from .dashboard_views import _refusal
from .map import DEFAULT_FIGURE, FIGURES, FIGURES_BY_KEY, ZoneMap, zone_map

MAP_BASENAME = "mappa-zone"


def _own_zones(user) -> set[int] | None:
    """None for staff (every zone's figures); a spokesperson's own zone ids otherwise."""
    if is_staff_member(user):
        return None
    return set(zones_of(user).values_list("pk", flat=True))


@require_safe
def map_page(request):
    if refusal := _refusal(request):
        return refusal
    asked = request.GET.get("figure", "")
    figure = FIGURES_BY_KEY.get(asked, DEFAULT_FIGURE)
    return render(
        request,
        "roundtable/map.html",
        {
            "section": "dashboard",
            "dashboard_page": "map",
            "map": zone_map(figure, own_zones=_own_zones(request.user)),
            "restricted": not is_staff_member(request.user),
            "figures": FIGURES,
            "unknown_figure": asked if asked and asked not in FIGURES_BY_KEY else "",
            "semicolon": SEMICOLON,
        },
    )


def _cell(value, decimal_comma: bool):
    """A figure as a spreadsheet reads it: empty for no data, a decimal comma for ``;`` files
    (Excel in an Italian locale reads "87.5" as text)."""
    if value is None:
        return ""
    if isinstance(value, Decimal) and decimal_comma:
        return str(value).replace(".", ",")
    return value


def _map_rows(table: ZoneMap, decimal_comma: bool) -> list[list]:
    def figures(values: dict) -> list:
        return [_cell(values[figure.key], decimal_comma) for figure in FIGURES]

    rows = [[row.zone.number, row.zone.name, *figures(row.values)] for row in table.rows]
    rows.append(["", _("Whole territory"), *figures(table.totals)])
    return rows


@require_safe
def map_csv(request):
    if refusal := _refusal(request):
        return refusal
    header = [_("Zone number"), _("Zone"), *(figure.column for figure in FIGURES)]
    rows = _map_rows(
        zone_map(own_zones=_own_zones(request.user)), decimal_comma=delimiter_for(request) == ";"
    )
    return csv_response(rows, header, MAP_BASENAME, request)
