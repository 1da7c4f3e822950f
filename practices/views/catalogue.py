"""The catalogue: published practices, filtered, searched, sorted and paginated.

One template, ``practices/practice_list.html``; the list is its ``results`` partial, which htmx
swaps in place (with the count beside it, out of band) when the filter form changes or a page
link is followed. Without JavaScript the same form and links load the whole page.
"""

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from .. import permissions
from ..filters import CatalogueFilterForm
from ..models import Practice, Transfer

PER_PAGE = 20
RESULTS_TARGET = "practice-results"
# Not shown in the list: left in the database (the template must not use them).
LONG_TEXT = [
    "description",
    "resources_needed",
    "evidence_of_success",
    "potential_for_transfer",
    "search_text",
    "search_folded",
]


def _count(queryset):
    """A correlated count, so the list needs no GROUP BY and no query per practice."""
    subquery = queryset.order_by().values("practice").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))


def practice_list(request):
    show_status = permissions.can_filter_catalogue_by_status(request.user)
    form = CatalogueFilterForm(request.GET, show_status=show_status)
    practices = (
        form.filter_queryset(Practice.objects.visible_to(request.user))
        .select_related("zone")
        .prefetch_related("themes")
        .defer(*LONG_TEXT)
        .annotate(
            adoption_count=_count(
                Transfer.objects.filter(practice=OuterRef("pk"), stage=Transfer.Stage.ADOPTED)
            ),
            municipality_count=_count(
                Practice.municipalities.through.objects.filter(practice=OuterRef("pk"))
            ),
        )
    )
    page = Paginator(practices, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "section": "practices",
        "form": form,
        "page_obj": page,
        "practices": page.object_list,
        "show_status": show_status,
        "can_create": permissions.can_create_practice(request.user),
        "results_target": RESULTS_TARGET,
    }
    htmx = request.htmx
    if htmx and not htmx.history_restore_request and htmx.target == RESULTS_TARGET:
        response = render(request, "practices/practice_list.html#results-update", context)
    else:
        response = render(request, "practices/practice_list.html", context)
    # The same URL answers a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
