"""Practices and the Strategic Plan: tagging a practice with the axes of the plan in force, and
the figure the plan's page shows per axis (the published practices tagged with it).

The rules of tagging (the plan in force only, a strategy or action implies its axis, tags of
other plans kept) are ``plans.tagging``'s. Here: who may tag (``permissions``), and that a
tag saved by the staff is a change of the practice: its version moves on, so that a practice
form opened before is refused as stale (with the difference shown) instead of undoing it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from plans.extensions import AxisFigure
from plans.models import Plan
from plans.tagging import PlanTags, save_plan_tags

from . import permissions
from .models import Practice


def tag_practice(*, practice: Practice, tags: PlanTags, by) -> bool:
    """Staff set ``practice``'s tags of the plan in force, whatever its status. Whether
    anything changed (then the practice's version moves on)."""
    if not permissions.can_tag_practice(by, practice):
        raise PermissionDenied
    with transaction.atomic():
        Practice.objects.select_for_update().filter(pk=practice.pk).first()
        changed = save_plan_tags(practice, tags)
        if changed:
            Practice.objects.filter(pk=practice.pk).update(
                version=F("version") + 1, updated_at=timezone.now()
            )
    practice.refresh_from_db(fields=["version", "updated_at"])
    return changed


def _published_practices(count: int) -> str:
    if count == 0:
        return gettext("No published practice")
    return ngettext("%(count)d published practice", "%(count)d published practices", count) % {
        "count": count
    }


def axis_figure(request, plan: Plan) -> AxisFigure:
    """The published practices tagged with each axis of ``plan`` (one query); for the plan in
    force, a link to the catalogue filtered by the axis."""
    rows = list(
        Practice.axes.through.objects.filter(
            axis__plan=plan, practice__status=Practice.Status.PUBLISHED
        )
        .values("axis", "axis__number")
        .annotate(n=Count("practice", distinct=True))
        .values_list("axis", "axis__number", "n")
    )
    figure = AxisFigure(
        key="practices",
        describe=_published_practices,
        counts={axis: n for axis, _number, n in rows},
    )
    if plan.status == Plan.Status.IN_FORCE:
        catalogue = reverse("practices:practice-list")
        figure.links = {axis: f"{catalogue}?axis={number}" for axis, number, _n in rows}
    return figure
