"""Open data pages and files, for anyone (no log-in): the page that describes each dataset, its
CSV and JSON files, the DCAT catalogue (JSON-LD), the JSON schemas and the read-only JSON API.

Everything here answers GET and HEAD only (any other method: 405, in JSON for the API) and
carries ``Access-Control-Allow-Origin: *``, so that other sites may read the data from a
browser. The views hold no session state and change nothing, so they are exempt from the CSRF
check, which would otherwise answer a POST with 403 before it could be refused with 405.

The API pages with ``?page=N&page_size=M`` (50 by default, at most 200): a bad value is a 400
with a message in JSON, never an HTML page.
"""

from __future__ import annotations

import json
from functools import wraps
from math import ceil

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from zones.csv_export import SEMICOLON, csv_response

from . import opendata, opendata_catalogue

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
SAFE_METHODS = ("GET", "HEAD")
#: The schemas committed under static/opendata/schemas/, besides one per dataset.
ENVELOPE_SCHEMAS = ("file", "api-page", "catalogue")
JSON_PARAMS = {"ensure_ascii": False}


def _json(data, status: int = 200, **kwargs) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params=JSON_PARAMS, safe=False, **kwargs)


def _error(status: int, message: str) -> JsonResponse:
    return _json({"status": status, "error": message}, status=status)


def open_data(*, api: bool = False):
    """GET and HEAD only (405 otherwise, in JSON for the API), readable from any origin."""

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in SAFE_METHODS:
                if api:
                    response = _error(405, _("This API only reads: use GET."))
                else:
                    response = HttpResponse(status=405)
                response["Allow"] = ", ".join(SAFE_METHODS)
            else:
                response = view(request, *args, **kwargs)
            response["Access-Control-Allow-Origin"] = "*"
            return response

        return wrapped

    return decorator


def _dataset(slug: str) -> opendata.Dataset:
    try:
        return opendata.DATASETS[slug]
    except KeyError:
        raise Http404 from None


# --- The page, the files and the catalogue ----------------------------------------------------


@open_data()
def page(request):
    absolute = request.build_absolute_uri
    datasets = [
        {
            "dataset": dataset,
            "modified": dataset.modified(),
            "links": opendata_catalogue.links(dataset, absolute),
        }
        for dataset in opendata.DATASETS.values()
    ]
    return render(
        request,
        "roundtable/opendata.html",
        {
            "section": "opendata",
            "datasets": datasets,
            "publisher": opendata.publisher(),
            "licence": opendata.licence(),
            "semicolon": SEMICOLON,
            "today": timezone.localdate(),
            "schemas": {
                name.replace("-", "_"): absolute(reverse("opendata-schema", args=[name]))
                for name in ENVELOPE_SCHEMAS
            },
        },
    )


@open_data()
def data_file(request, slug: str, format: str):
    dataset = _dataset(slug)
    if format not in opendata_catalogue.FORMATS:
        raise Http404
    if format == "csv":
        rows = (
            [opendata.csv_cell(row[name]) for name in dataset.field_names]
            for row in dataset.rows(absolute=request.build_absolute_uri)
        )
        # Published data is written as it is: no quote added before a leading "-" or "=" (the
        # dashboard's exports add one; a data user's program would read it as part of the value).
        return csv_response(rows, dataset.field_names, dataset.slug, request, formula_guard=False)
    document = {
        "dataset": opendata_catalogue.metadata(dataset, request.build_absolute_uri),
        "rows": dataset.rows(absolute=request.build_absolute_uri),
    }
    filename = f"{dataset.slug}-{timezone.localdate():%Y-%m-%d}.json"
    return _json(document, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@open_data()
def catalogue(request):
    document = opendata_catalogue.catalogue(request.build_absolute_uri)
    return HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/ld+json; charset=utf-8",
    )


@open_data()
def schema(request, name: str):
    """A committed JSON schema (draft 2020-12): one per dataset's row, and the envelopes."""
    if name not in opendata.DATASETS and name not in ENVELOPE_SCHEMAS:
        raise Http404
    path = finders.find(f"opendata/schemas/{name}.json")
    if path is None:
        raise Http404
    with open(path, encoding="utf-8") as file:
        return HttpResponse(file.read(), content_type="application/schema+json")


# --- The API ----------------------------------------------------------------------------------


@open_data(api=True)
def api_index(request):
    absolute = request.build_absolute_uri
    return _json(
        {
            "catalogue": absolute(reverse("opendata-catalogue")),
            "documentation": absolute(reverse("opendata")),
            "licence": opendata.licence(),
            "publisher": opendata.publisher(),
            "endpoints": [
                {
                    "dataset": dataset.slug,
                    "title": str(dataset.title),
                    "list": absolute(reverse("opendata-api-list", args=[dataset.slug])),
                    "detail": absolute(reverse("opendata-api-list", args=[dataset.slug]))
                    + f"{{{dataset.key_field}}}/",
                    "schema": absolute(reverse("opendata-schema", args=[dataset.slug])),
                }
                for dataset in opendata.DATASETS.values()
            ],
            "page_schema": absolute(reverse("opendata-schema", args=["api-page"])),
        }
    )


def _positive(request, name: str, default: int, maximum: int | None = None) -> int:
    """The whole number ``name`` of the query string; ValueError with the message to show."""
    text = request.GET.get(name, "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ValueError(
            _("“%(name)s” must be a whole number from 1 up; “%(value)s” is not.")
            % {"name": name, "value": text}
        )
    value = int(text)
    if maximum is not None and value > maximum:
        raise ValueError(
            _("“%(name)s” can be at most %(maximum)d.") % {"name": name, "maximum": maximum}
        )
    return value


def _page_url(request, page: int, size: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    query["page_size"] = str(size)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@open_data(api=True)
def api_list(request, slug: str):
    dataset = opendata.DATASETS.get(slug)
    if dataset is None:
        return _error(404, _("There is no dataset “%(slug)s”.") % {"slug": slug})
    try:
        page = _positive(request, "page", 1)
        size = _positive(request, "page_size", PAGE_SIZE, MAX_PAGE_SIZE)
    except ValueError as error:
        return _error(400, str(error))
    queryset = dataset.queryset()
    count = queryset.count()
    pages = max(1, ceil(count / size))
    if page > pages:
        return _error(
            400,
            _("Page %(page)d does not exist: there are %(pages)d.")
            % {"page": page, "pages": pages},
        )
    records = queryset[(page - 1) * size : page * size]
    return _json(
        {
            "count": count,
            "page": page,
            "pages": pages,
            "page_size": size,
            "next": _page_url(request, page + 1, size) if page < pages else None,
            "previous": _page_url(request, page - 1, size) if page > 1 else None,
            "results": dataset.rows(records, absolute=request.build_absolute_uri),
        }
    )


@open_data(api=True)
def api_detail(request, slug: str, key: str):
    dataset = opendata.DATASETS.get(slug)
    row = dataset.find(key, absolute=request.build_absolute_uri) if dataset else None
    if row is None:
        return _error(
            404, _("No public record “%(key)s” in “%(slug)s”.") % {"key": key, "slug": slug}
        )
    return _json(row)
