"""Action items: an action's page (the chain meeting → agenda item → decision → action →
practice, its progress updates, the meetings that followed it up), the assigned zones'
progress reports, the list of all actions, and the Round Table's section of a practice page.

What a visitor sees: the actions of public meetings that have been held (as on the meeting
page, where decisions show once a meeting is held), and so does any account that is neither staff
nor a spokesperson in office; staff and spokespersons in office see every action.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from plans.tagging import PlanTagsForm, prefetch_plan_tags
from practices.models import Practice
from zones.models import Zone
from zones.permissions import zones_of

from .. import permissions, services
from ..forms_decisions import ActionFilterForm, ActionUpdateForm
from ..models import ActionItem, AgendaItem, Meeting

PER_PAGE = 25
# Field ids of the staff's Strategic Plan form on the action page (views.plan_tags).
PLAN_TAGS_AUTO_ID = "id_plan_tags_%s"
A = ActionItem.Status
OPEN = [A.OPEN, A.IN_PROGRESS]


def visible_meetings(user):
    """Meetings whose decisions and actions ``user`` may read."""
    meetings = Meeting.objects.visible_to(user)
    if not permissions.is_participant(user):
        meetings = meetings.filter(status=Meeting.Status.HELD)
    return meetings


def _actions(user):
    return (
        ActionItem.objects.filter(decision__agenda_item__meeting__in=visible_meetings(user))
        .select_related("decision__agenda_item__meeting")
        .prefetch_related(Prefetch("zones", queryset=Zone.objects.order_by("number")))
    )


def overdue_first(actions):
    """Overdue actions first, then by due date: the late ones are what needs attention."""
    late = Case(
        When(status__in=OPEN, due_date__lt=timezone.localdate(), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return actions.annotate(late_rank=late).order_by("late_rank", "due_date", "pk")


# --- The action's page and its progress updates ------------------------------------------------


def _reporting_zones(user, action: ActionItem) -> list[Zone]:
    """The assigned zones ``user`` may report for (all of them for staff)."""
    assigned = list(action.zones.all())
    if permissions.can_manage_meetings(user):
        return assigned
    mine = set(zones_of(user).values_list("pk", flat=True))
    return [zone for zone in assigned if zone.pk in mine]


def _update_form(action: ActionItem, zones, data=None):
    if not zones or action.status not in OPEN:
        return None
    return ActionUpdateForm(data, zones=zones, moves=services.ACTION_MOVES[action.status])


def _page(request, action: ActionItem, *, form=None, tag_form=None, status: int = 200):
    user = request.user
    if tag_form is None and permissions.can_manage_meetings(user):
        tag_form = PlanTagsForm(tagged=action, auto_id=PLAN_TAGS_AUTO_ID)
    meetings = visible_meetings(user)
    practice = action.practice
    if practice and not Practice.objects.visible_to(user).filter(pk=practice.pk).exists():
        practice = None
    zones = _reporting_zones(user, action)
    context = {
        "section": "meetings",
        "action": action,
        "decision": action.decision,
        "item": action.decision.agenda_item,
        "meeting": action.decision.agenda_item.meeting,
        "practice": practice,
        "zones": list(action.zones.all()),
        "updates": list(action.updates.select_related("zone", "author")),
        "follow_ups": list(
            action.follow_ups.filter(meeting__in=meetings)
            .select_related("meeting")
            .order_by("meeting__starts_at")
        ),
        "logged_in": permissions.is_participant(user),
        "form": form or _update_form(action, zones),
        "plan_tag_form": tag_form,
    }
    return render(request, "meetings/actions/action_detail.html", context, status=status)


def _visible_action(request, pk: int) -> ActionItem:
    return get_object_or_404(
        _actions(request.user).select_related("practice").prefetch_related(*prefetch_plan_tags()),
        pk=pk,
    )


@require_safe
def action_detail(request, pk: int):
    return _page(request, _visible_action(request, pk))


@require_POST
def action_update(request, pk: int):
    """An assigned zone's spokesperson (or staff) reports progress and may move the action on."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("meetings:action-detail", kwargs={"pk": pk}))
    action = _visible_action(request, pk)
    if not permissions.can_update_action(request.user, action):
        raise PermissionDenied
    zones = _reporting_zones(request.user, action)
    moves = services.ACTION_MOVES.get(action.status, set())
    form = ActionUpdateForm(request.POST, zones=zones, moves=moves)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_action(
                action=action,
                zone=data["zone"],
                by=request.user,
                text=data["text"],
                to_status=data["to_status"] or None,
                drop_reason=data["drop_reason"],
            )
        except services.MeetingError as error:
            form.add_error(None, str(error))
            messages.error(request, str(error))
        else:
            messages.success(request, _("The progress update is recorded."))
            return redirect(f"{action.get_absolute_url()}#updates")
    return _page(request, action, form=form, status=400)


# --- The list of actions ------------------------------------------------------------------------


def action_list(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    form = ActionFilterForm(request.GET)
    actions = overdue_first(form.filter_queryset(_actions(request.user)))
    page = Paginator(actions, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "section": "meetings",
        "form": form,
        "page_obj": page,
        "actions": page.object_list,
    }
    return render(request, "meetings/actions/action_list.html", context)


urlpatterns = [
    path("azioni/", action_list, name="action-list"),
    path("azioni/<int:pk>/", action_detail, name="action-detail"),
    path("azioni/<int:pk>/aggiornamenti/", action_update, name="action-update"),
]


# --- The Round Table on a practice's page ---------------------------------------------------


def practice_section(request, practice) -> dict | None:
    """The agenda items and actions that link ``practice``, as the user may see them; nothing
    when there are none. Registered in ``practices.extensions.practice_sections``."""
    meetings = visible_meetings(request.user)
    items = list(
        AgendaItem.objects.filter(
            practice=practice, status=AgendaItem.Status.ACCEPTED, meeting__in=meetings
        )
        .select_related("meeting")
        .order_by("-meeting__starts_at", "position")
    )
    actions = list(_actions(request.user).filter(practice=practice).order_by("due_date", "pk"))
    if not items and not actions:
        return None
    return {
        "template": "meetings/actions/practice_section.html",
        "agenda_items": items,
        "actions": actions,
    }
