"""The dashboard's pages: for the people who take part in the Round Table's work.

Staff and spokespersons in office see them (``zones.permissions.is_participant``); a visitor is
sent to log in, any other account gets 403. Each table downloads as CSV too.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from zones.csv_export import SEMICOLON, csv_response
from zones.permissions import is_participant

from .dashboard import Matrix, zone_theme_matrix

MATRIX_BASENAME = "matrice-zone-temi"


def _refusal(request):
    """A login redirect for a visitor; 403 for an account that takes no part; else None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_participant(request.user):
        raise PermissionDenied
    return None


@require_safe
def matrix(request):
    if refusal := _refusal(request):
        return refusal
    return render(
        request,
        "roundtable/matrix.html",
        {
            "section": "dashboard",
            "dashboard_page": "matrix",
            "matrix": zone_theme_matrix(),
            "semicolon": SEMICOLON,
        },
    )


def _matrix_rows(table: Matrix) -> list[list]:
    rows = [
        [row.zone.number, row.zone.name, *(cell.count for cell in row.cells), row.total]
        for row in table.rows
    ]
    rows.append(["", _("All zones"), *(total for _theme, total in table.theme_totals), table.total])
    return rows


@require_safe
def matrix_csv(request):
    if refusal := _refusal(request):
        return refusal
    table = zone_theme_matrix()
    header = [
        _("Zone number"),
        _("Zone"),
        *(theme.name for theme in table.themes),
        _("Total"),
    ]
    return csv_response(_matrix_rows(table), header, MATRIX_BASENAME, request)
