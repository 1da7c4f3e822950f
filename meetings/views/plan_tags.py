"""Decisions, action items and the Strategic Plan: the staff's "Strategic Plan axes" form on an
action item's page (a decision's axes are chosen in its own form, ``decisions``), and the
figures the plan's page shows per axis (the decisions and action items tagged with it, as the
user may see them: ``plans.extensions``).

The form on the action page works like the practice page's: htmx swaps the ``plan-tags``
partial back with its errors, a saved form reloads the page; without JavaScript a redirect, or
the whole page again (400) with the errors.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from plans.extensions import AxisFigure
from plans.tagging import PlanTagsForm, save_plan_tags

from .. import permissions
from ..models import ActionItem, Decision
from . import actions

TEMPLATE = "meetings/actions/action_detail.html"
AUTO_ID = actions.PLAN_TAGS_AUTO_ID


@require_POST
def action_plan_tags(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("meetings:action-detail", kwargs={"pk": pk}))
    action = actions._visible_action(request, pk)
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied
    form = PlanTagsForm(request.POST, tagged=action, auto_id=AUTO_ID)
    if not form.is_valid():
        if request.htmx:
            context = {"action": action, "plan_tag_form": form}
            return render(request, f"{TEMPLATE}#plan-tags", context)
        return actions._page(request, action, tag_form=form, status=400)
    if save_plan_tags(action, form.plan_tags):
        messages.success(request, _("The axes of the Strategic Plan are saved."))
    else:
        messages.info(request, _("The axes of the Strategic Plan were already these: no change."))
    target = f"{action.get_absolute_url()}#plan-tags"
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return redirect(target)


urlpatterns = [
    path("azioni/<int:pk>/piano/", action_plan_tags, name="action-plan-tags"),
]


# --- The plan's page: what the Round Table decided on each axis ---------------------------------


def _decisions(count: int) -> str:
    if count == 0:
        return _("No decision of the Round Table")
    return ngettext(
        "%(count)d decision of the Round Table", "%(count)d decisions of the Round Table", count
    ) % {"count": count}


def _action_items(count: int) -> str:
    if count == 0:
        return _("No action item")
    return ngettext("%(count)d action item", "%(count)d action items", count) % {"count": count}


def decision_figure(request, plan) -> AxisFigure:
    """Decisions tagged with each axis of ``plan``, of the meetings the user may see them in."""
    rows = (
        Decision.axes.through.objects.filter(
            axis__plan=plan,
            decision__agenda_item__meeting__in=actions.visible_meetings(request.user),
        )
        .values("axis")
        .annotate(n=Count("decision", distinct=True))
        .values_list("axis", "n")
    )
    return AxisFigure(key="decisions", describe=_decisions, counts=dict(rows))


def action_item_figure(request, plan) -> AxisFigure:
    """Action items tagged with each axis of ``plan``, as the user may see them."""
    rows = (
        ActionItem.axes.through.objects.filter(
            axis__plan=plan,
            actionitem__decision__agenda_item__meeting__in=actions.visible_meetings(request.user),
        )
        .values("axis")
        .annotate(n=Count("actionitem", distinct=True))
        .values_list("axis", "n")
    )
    return AxisFigure(key="action_items", describe=_action_items, counts=dict(rows))
