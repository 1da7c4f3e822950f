"""The Strategic Plan's pages: the plans, and a plan with its axes, strategies and actions.

Both are public: the plan is a public document. Beside each axis the plan's page shows what
the Round Table's work tagged with it (``plans.extensions.axis_figures``: the published
practices, and the decisions and action items the user may see), counted in one query per
figure whatever the data. The consultations' views are in ``views_consultations``.
"""

from django.db.models import Case, Count, IntegerField, Prefetch, Value, When
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from zones.permissions import is_staff_member

from . import extensions
from .models import Action, Plan, Strategy


def _in_force_first(plans):
    first = Case(
        When(status=Plan.Status.IN_FORCE, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return plans.annotate(in_force_rank=first).order_by("in_force_rank", "-period", "code")


@require_safe
def plan_list(request):
    plans = _in_force_first(
        Plan.objects.annotate(
            axis_count=Count("axes", distinct=True),
            strategy_count=Count("axes__strategies", distinct=True),
        )
    )
    return render(request, "plans/plan_list.html", {"section": "plans", "plans": list(plans)})


@require_safe
def plan_detail(request, code: str):
    plan = get_object_or_404(Plan, code=code)
    axes = list(
        plan.axes.prefetch_related(
            Prefetch(
                "strategies",
                queryset=Strategy.objects.prefetch_related(
                    Prefetch("actions", queryset=Action.objects.order_by("position", "code"))
                ).order_by("position", "code"),
            )
        ).order_by("number")
    )
    figures = [
        figure for figure in (add(request, plan) for add in extensions.axis_figures) if figure
    ]
    for axis in axes:
        axis.figures = [
            {
                "key": figure.key,
                "count": figure.counts.get(axis.pk, 0),
                "text": figure.describe(figure.counts.get(axis.pk, 0)),
                "link": figure.links.get(axis.pk, "") if figure.counts.get(axis.pk) else "",
            }
            for figure in figures
        ]
    in_force = plan if plan.status == Plan.Status.IN_FORCE else Plan.objects.in_force().first()
    context = {
        "section": "plans",
        "plan": plan,
        "axes": axes,
        "strategy_count": sum(len(axis.strategies.all()) for axis in axes),
        "action_count": sum(len(s.actions.all()) for axis in axes for s in axis.strategies.all()),
        "plan_in_force": in_force,
        # The contribution report (roundtable) is the staff's dossier.
        "show_report": is_staff_member(request.user),
    }
    return render(request, "plans/plan_detail.html", context)
