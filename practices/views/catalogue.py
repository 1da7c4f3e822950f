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


def page_links(page) -> list[int | None]:
    """The page numbers the pager shows, None for a gap ("…"): the first and last pages, two
    either side of the current one, and a gap where pages are left out. Worked out from those
    few candidates, so that the pager costs the same with 3 pages or 5,000 (looping over every
    page number in the template made the catalogue slower as it grew)."""
    current, last = page.number, page.paginator.num_pages
    candidates = {1, 2, last - 1, last, *range(current - 2, current + 3)}
    links: list[int | None] = []
    for number in sorted(n for n in candidates if 1 <= n <= last):
        if number in (1, last) or current - 2 <= number <= current + 2:
            links.append(number)
        elif number in (2, last - 1):
            links.append(None)
    return links


def _count(queryset):
    """A correlated count, so the list needs no GROUP BY and no query per practice."""
    subquery = queryset.order_by().values("practice").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))


def practice_list(request):
    show_status = permissions.can_filter_catalogue_by_status(request.user)
    form = CatalogueFilterForm(request.GET, show_status=show_status)
    # Without the status filter (everyone but staff) the form keeps the published practices
    # only, which every user may read: starting from visible_to would add nothing but its
    # "published OR own zone" condition and membership subquery, planned on every request and
    # able to keep PostgreSQL off the status index (a scan of every practice to count the page,
    # 3 times the visitor's count, until the table is vacuumed).
    visible = (
        Practice.objects.visible_to(request.user) if show_status else Practice.objects.published()
    )
    practices = (
        form.filter_queryset(visible)
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
        "page_links": page_links(page),
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
