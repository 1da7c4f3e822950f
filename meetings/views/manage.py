"""Meeting pages: staff schedule a meeting, change or cancel it while it is to be held, and mark
it held once it has started.

The rules and the side effects (invitations, follow-ups of open actions, notices to the zones)
are ``meetings.services``'; these views parse the input, check the user is staff and say what
happened. A meeting already held or cancelled shows why it can no longer change, with no form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from zones.models import Zone

from .. import permissions, services
from ..forms_manage import CancelForm, MeetingForm
from ..models import AgendaItem, Meeting

S = Meeting.Status


def _staff_only(request):
    """A log-in redirect for a visitor, 403 for a user who is not staff, else None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied
    return None


def _not_scheduled_message(meeting: Meeting) -> str:
    return _("This meeting is “%(status)s”: it can no longer be changed.") % {
        "status": meeting.get_status_display()
    }


def _add_service_error(form, error: Exception) -> None:
    """A refusal of the service (a rule, or the model's own validation) as a form error."""
    if isinstance(error, ValidationError):
        for message in error.messages:
            form.add_error(None, message)
    else:
        form.add_error(None, str(error))


# --- Scheduling and changing ------------------------------------------------------------------


def _form_page(request, form, *, meeting=None, status=200, refused=""):
    context = {"section": "meetings", "form": form, "meeting": meeting, "refused": refused}
    if meeting is None:
        last = Meeting.objects.aggregate(n=Max("number"))["n"] or 0
        context.update(next_number=last + 1, zone_count=Zone.objects.count())
    return render(request, "meetings/manage/meeting_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def meeting_create(request):
    """Staff schedule a meeting; the service numbers it, invites every zone and carries the
    open actions of earlier meetings onto its agenda."""
    if (refusal := _staff_only(request)) is not None:
        return refusal
    if request.method == "GET":
        return _form_page(request, MeetingForm())
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.schedule_meeting(by=request.user, **form.meeting_fields())
        except (services.MeetingError, ValidationError) as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _scheduled_message(meeting))
            return redirect(meeting)
    return _form_page(request, form, status=400)


def _scheduled_message(meeting: Meeting) -> str:
    follow_ups = meeting.agenda_items.filter(kind=AgendaItem.Kind.FOLLOW_UP).count()
    invited = meeting.invitations.count()
    text = _(
        "Meeting %(number)d is scheduled: the %(zones)d zones are invited and told by e-mail."
    ) % {"number": meeting.number, "zones": invited}
    if follow_ups:
        text += " " + ngettext(
            "%(count)d open action of earlier meetings is on its agenda as a follow-up.",
            "%(count)d open actions of earlier meetings are on its agenda as follow-ups.",
            follow_ups,
        ) % {"count": follow_ups}
    return text


@require_http_methods(["GET", "POST"])
def meeting_edit(request, number: int):
    """Staff change a scheduled meeting; the zones hear of a new time, place or link."""
    if (refusal := _staff_only(request)) is not None:
        return refusal
    meeting = get_object_or_404(Meeting, number=number)
    if meeting.status != S.SCHEDULED:
        status = 400 if request.method == "POST" else 200
        return _form_page(
            request, None, meeting=meeting, status=status, refused=_not_scheduled_message(meeting)
        )
    if request.method == "GET":
        return _form_page(request, MeetingForm.for_meeting(meeting), meeting=meeting)
    form = MeetingForm.for_meeting(meeting, request.POST)
    if form.is_valid():
        fields = form.meeting_fields(meeting)
        told = any(getattr(meeting, name) != fields[name] for name in services.NOTIFIED_FIELDS)
        try:
            services.update_meeting(meeting=meeting, by=request.user, **fields)
        except (services.MeetingError, ValidationError) as error:
            _add_service_error(form, error)
        else:
            if told:
                messages.success(
                    request, _("The changes were saved; the invited zones are told by e-mail.")
                )
            else:
                messages.success(request, _("The changes were saved."))
            return redirect(meeting)
    return _form_page(request, form, meeting=meeting, status=400)


# --- Cancelling and marking held --------------------------------------------------------------


def _cancel_page(request, meeting, form, *, status=200, refused=""):
    context = {"section": "meetings", "meeting": meeting, "form": form, "refused": refused}
    return render(request, "meetings/manage/meeting_cancel.html", context, status=status)


@require_http_methods(["GET", "POST"])
def meeting_cancel(request, number: int):
    """A confirmation page: cancelling needs a reason, which the zones are told."""
    if (refusal := _staff_only(request)) is not None:
        return refusal
    meeting = get_object_or_404(Meeting, number=number)
    if meeting.status != S.SCHEDULED:
        status = 400 if request.method == "POST" else 200
        return _cancel_page(
            request, meeting, None, status=status, refused=_not_scheduled_message(meeting)
        )
    if request.method == "GET":
        return _cancel_page(request, meeting, CancelForm())
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.change_meeting_status(
                meeting=meeting,
                to_status=S.CANCELLED,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Meeting %(number)d is cancelled; the invited zones are told by e-mail.")
                % {"number": meeting.number},
            )
            return redirect(meeting)
    return _cancel_page(request, meeting, form, status=400)


@require_POST
def meeting_held(request, number: int):
    """Staff mark a meeting held, once it has started (the service checks the move itself)."""
    if (refusal := _staff_only(request)) is not None:
        return refusal
    meeting = get_object_or_404(Meeting, number=number)
    if meeting.starts_at > timezone.now():
        return _refused_on_page(
            request,
            meeting,
            _("The meeting has not started yet: mark it held once it has started."),
        )
    try:
        services.change_meeting_status(meeting=meeting, to_status=S.HELD, by=request.user)
    except services.MeetingError as error:
        return _refused_on_page(request, meeting, str(error))
    messages.success(
        request,
        _("Meeting %(number)d is marked as held: record the attendance and the decisions.")
        % {"number": meeting.number},
    )
    return redirect(meeting)


def _refused_on_page(request, meeting: Meeting, message: str):
    """The meeting's page again (status 400) with the reason at the top: the button that was
    pressed has no form of its own to show an error in."""
    from .meetings import meeting_detail  # the page module imports this one

    messages.error(request, message)
    return meeting_detail(request, meeting.number, status=400)


urlpatterns = [
    path("nuova/", meeting_create, name="meeting-create"),
    path("<int:number>/modifica/", meeting_edit, name="meeting-edit"),
    path("<int:number>/annulla/", meeting_cancel, name="meeting-cancel"),
    path("<int:number>/tenuta/", meeting_held, name="meeting-held"),
]


def detail_context(request, meeting) -> dict:
    """Which of staff's buttons the meeting's page shows (none for everybody else)."""
    if not permissions.can_manage_meetings(request.user):
        return {"manage": None}
    scheduled = meeting.status == S.SCHEDULED
    started = meeting.starts_at <= timezone.now()
    return {
        "manage": {
            "edit": scheduled,
            "cancel": scheduled,
            "mark_held": scheduled and started,
            "held_later": scheduled and not started,
        }
    }
