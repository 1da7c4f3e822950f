"""The good-practice record of a published practice: a printable page, a JSON file and the
JSON schema of that file (``practices.record`` builds the record for both).

Anyone may read them, as the practice itself; a practice that is not published has no record,
for staff too (404): the record is a publication. The JSON and its schema may be read by
programs of other sites (``Access-Control-Allow-Origin: *``), like the open data.
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import record
from ..models import Practice

JSON_TYPE = "application/json; charset=utf-8"


def _record_of(request, pk: int) -> tuple[Practice, dict]:
    practice = get_object_or_404(record.record_queryset(), pk=pk)
    return practice, record.good_practice_record(practice, absolute=request.build_absolute_uri)


@require_safe
def record_page(request, pk: int):
    practice, data = _record_of(request, pk)
    return render(
        request,
        "practices/record.html",
        {"section": "practices", "practice": practice, "record": data},
    )


@require_safe
def record_json(request, pk: int):
    practice, data = _record_of(request, pk)
    filename = f"scheda-pratica-{practice.pk}-{timezone.localdate():%Y-%m-%d}.json"
    response = HttpResponse(
        json.dumps(record.as_json(data), ensure_ascii=False, indent=2), content_type=JSON_TYPE
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def record_schema(request):
    response = HttpResponse(
        record.SCHEMA_PATH.read_text(encoding="utf-8"),
        content_type="application/schema+json; charset=utf-8",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
