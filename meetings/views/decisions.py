"""Decisions on the agenda items of a meeting under way (or held), and the action items staff
make of them. The action pages themselves (page, progress updates, list) are in ``actions``."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.tagging import save_plan_tags
from practices.models import Practice

from .. import permissions, services
from ..forms_decisions import ActionForm, DecisionEditForm, DecisionForm
from ..models import AgendaItem, Decision, Meeting
from . import actions

FORM_TEMPLATE = "meetings/actions/decision_form.html"


def meeting_refusal(meeting: Meeting) -> str:
    """Why no decision can be recorded at ``meeting`` now ("" when it can)."""
    if meeting.status == Meeting.Status.CANCELLED:
        return _("The meeting was cancelled: no decision can be recorded.")
    if meeting.status != Meeting.Status.HELD and meeting.starts_at > timezone.now():
        return _("Decisions are recorded once the meeting has started.")
    return ""


def item_refusal(item: AgendaItem) -> str:
    if item.status != AgendaItem.Status.ACCEPTED:
        return _("Decisions are recorded on the accepted items of the agenda.")
    return meeting_refusal(item.meeting)


def edit_decision(*, decision: Decision, by, text: str, kind: str, plan_tags=None) -> Decision:
    """Correct a decision's wording or kind (its history keeps the earlier text), and its axes
    of the Strategic Plan in force; how it was taken, and the votes, stay as recorded."""
    if not permissions.can_manage_meetings(by):
        raise PermissionDenied
    decision.text = (text or "").strip()
    decision.kind = kind
    with transaction.atomic():
        decision.full_clean()
        decision.save(update_fields=["text", "kind"])
        if plan_tags is not None:
            save_plan_tags(decision, plan_tags)
    return decision


def _staff_only(request):
    """None when the user is staff; else the answer to give (log in first, or 403)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    return None


def _form_page(request, form, *, item, title, status=200, refusal="", cancel_url=""):
    context = {
        "section": "meetings",
        "meeting": item.meeting,
        "item": item,
        "form": form,
        "page_title": title,
        "refusal": refusal,
        "cancel_url": cancel_url or f"{item.meeting.get_absolute_url()}#item-{item.pk}",
    }
    return render(request, FORM_TEMPLATE, context, status=status)


def _refused(request, form, error: str, **page):
    """Bad input or a refused step: the form again (status 400), with what was typed."""
    form.add_error(None, error)
    messages.error(request, error)
    return _form_page(request, form, status=400, **page)


def decision_create(request, pk: int):
    if answer := _staff_only(request):
        return answer
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    page = {"item": item, "title": _("Record a decision")}
    refusal = item_refusal(item)
    if request.method != "POST":
        form = None if refusal else DecisionForm()
        return _form_page(request, form, refusal=refusal, **page)
    form = DecisionForm(request.POST)
    if refusal:
        return _refused(request, form, refusal, **page)
    if not form.is_valid():
        return _form_page(request, form, status=400, **page)
    try:
        decision = services.record_decision(
            agenda_item=item,
            by=request.user,
            plan_tags=form.plan_tags,
            **form.cleaned_without_plan_tags(),
        )
    except (services.MeetingError, ValidationError) as error:
        return _refused(request, form, _message(error), **page)
    messages.success(request, _("The decision is recorded."))
    return redirect(f"{item.meeting.get_absolute_url()}#decision-{decision.pk}")


def decision_edit(request, pk: int):
    if answer := _staff_only(request):
        return answer
    decision = get_object_or_404(Decision.objects.select_related("agenda_item__meeting"), pk=pk)
    item = decision.agenda_item
    page = {"item": item, "title": _("Edit the decision")}
    if request.method != "POST":
        form = DecisionEditForm(
            initial={"text": decision.text, "kind": decision.kind}, tagged=decision
        )
        return _form_page(request, form, **page)
    form = DecisionEditForm(request.POST, tagged=decision)
    if not form.is_valid():
        return _form_page(request, form, status=400, **page)
    try:
        edit_decision(
            decision=decision,
            by=request.user,
            plan_tags=form.plan_tags,
            **form.cleaned_without_plan_tags(),
        )
    except ValidationError as error:
        return _refused(request, form, _message(error), **page)
    messages.success(request, _("The decision is saved."))
    return redirect(f"{item.meeting.get_absolute_url()}#decision-{decision.pk}")


def action_create(request, pk: int):
    if answer := _staff_only(request):
        return answer
    decision = get_object_or_404(Decision.objects.select_related("agenda_item__meeting"), pk=pk)
    practices = Practice.objects.visible_to(request.user).order_by("title")
    page = {
        "item": decision.agenda_item,
        "title": _("Add an action"),
        "cancel_url": f"{decision.agenda_item.meeting.get_absolute_url()}#decision-{decision.pk}",
    }
    if request.method != "POST":
        form = ActionForm(practices=practices)
        return _form_page(request, form, **page)
    form = ActionForm(request.POST, practices=practices)
    if not form.is_valid():
        return _form_page(request, form, status=400, **page)
    try:
        action = services.create_action(
            decision=decision,
            by=request.user,
            plan_tags=form.plan_tags,
            **form.cleaned_without_plan_tags(),
        )
    except (services.MeetingError, ValidationError) as error:
        return _refused(request, form, _message(error), **page)
    messages.success(request, _("The action is created and the assigned zones are told."))
    return redirect(action.get_absolute_url())


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


urlpatterns = [
    path("voci/<int:pk>/decisioni/nuova/", decision_create, name="decision-create"),
    path("decisioni/<int:pk>/modifica/", decision_edit, name="decision-edit"),
    path("decisioni/<int:pk>/azioni/nuova/", action_create, name="action-create"),
    *actions.urlpatterns,
]


def detail_context(request, meeting) -> dict:
    """Staff see "Record a decision" once the meeting has started, and the links to edit a
    decision and add an action to it."""
    staff = permissions.can_manage_meetings(request.user)
    return {
        "can_record_decisions": staff and not meeting_refusal(meeting),
        "can_manage_decisions": staff,
    }
