"""CSV downloads of the plans app, in the portal's one form (``roundtable.csv_export``, which
plans may not import: it sits above plans in the apps' order).

UTF-8 with a byte-order mark, so Excel reads accented names right; a comma between fields, or
a semicolon with ``?sep=semicolon``; a cell that a spreadsheet would take for a formula is
written as text (a leading '). The file is named after the table and today's local date.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone

BOM = "\ufeff"
SEMICOLON = "semicolon"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(
    rows: Iterable[Sequence], header: Sequence, basename: str, request
) -> HttpResponse:
    """An attachment ``<basename>-YYYY-MM-DD.csv`` holding ``header`` and then ``rows``."""
    delimiter = ";" if request.GET.get("sep") == SEMICOLON else ","
    filename = f"{basename}-{timezone.localdate():%Y-%m-%d}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    response.write(BOM)
    writer = csv.writer(response, delimiter=delimiter)
    writer.writerow([_safe(str(value)) for value in header])
    for row in rows:
        writer.writerow([_safe(value) for value in row])
    return response
