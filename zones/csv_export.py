"""CSV downloads of the portal's tables, in the form spreadsheet users open without fuss.

Here, in the app at the bottom of the apps' order, so that every app's downloads (the round
table's dashboards and open data, the plans' consultations) come in the one form.

UTF-8 with a byte-order mark, so Excel reads accented names right; a comma between fields, or
a semicolon with ``?sep=semicolon`` (Excel in an Italian locale expects ``;``, since the comma
is its decimal separator). The file is named after the table and today's local date.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone

BOM = "\ufeff"
SEMICOLON = "semicolon"
# A cell starting with one of these is read as a formula by spreadsheets: one written by a user
# (a zone's or a practice's name) could then run in whoever opens the file.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def delimiter_for(request) -> str:
    """The field separator the request asks for: ``;`` for ``?sep=semicolon``, else ``,``."""
    return ";" if request.GET.get("sep") == SEMICOLON else ","


def _safe(value) -> object:
    """Text that a spreadsheet would take for a formula, quoted as text with a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(
    rows: Iterable[Sequence], header: Sequence, basename: str, request, *, formula_guard=True
) -> HttpResponse:
    """An attachment ``<basename>-YYYY-MM-DD.csv`` holding ``header`` and then ``rows``.

    ``formula_guard=False`` writes the values untouched: for open data, where the file is read
    by programs and must hold what was published."""
    safe = _safe if formula_guard else (lambda value: value)
    filename = f"{basename}-{timezone.localdate():%Y-%m-%d}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    response.write(BOM)
    writer = csv.writer(response, delimiter=delimiter_for(request))
    writer.writerow([safe(str(value)) for value in header])
    for row in rows:
        writer.writerow([safe(value) for value in row])
    return response
