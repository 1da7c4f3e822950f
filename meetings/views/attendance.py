"""Attendance: staff record on one sheet which zones came to a meeting (once it has started);
every logged-in user can open the attendance register, a printable document for the record."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, services
from ..forms_attendance import attendance_forms
from ..models import Meeting


def _meeting(request, number: int) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(request.user), number=number)


def _invitations(meeting: Meeting) -> list:
    return list(meeting.invitations.select_related("zone", "meeting").order_by("zone__number"))


def not_recordable_yet(meeting: Meeting) -> str:
    """Why the attendance of ``meeting`` cannot be recorded now ("" when it can): the sheet
    shows it instead of the form, and the service refuses the same cases."""
    if meeting.status == Meeting.Status.CANCELLED:
        return _("The meeting was cancelled: there is no attendance to record.")
    if meeting.starts_at > timezone.now():
        return _("Attendance is recorded once the meeting has started.")
    return ""


def _save(forms, by) -> None:
    """Every row or none: a refusal of the service leaves the sheet as it was."""
    with transaction.atomic():
        for form in forms:
            services.record_attendance(invitation=form.invitation, by=by, **form.cleaned_data)


def attendance_sheet(request, number: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    meeting = _meeting(request, number)
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    invitations = _invitations(meeting)
    status, error = 200, ""
    if request.method == "POST":
        forms = attendance_forms(invitations, request.POST)
        # A row missing from the data (a truncated post, a body that is not a form) would be
        # saved as "not recorded", erasing what the sheet held: refuse the sheet instead.
        if any(form.add_prefix("attendance") not in request.POST for form in forms):
            error = _("The sheet arrived incomplete: nothing was recorded. Reload the page.")
            forms = attendance_forms(invitations)
        elif all([form.is_valid() for form in forms]):
            try:
                _save(forms, request.user)
            except services.MeetingError as refusal:
                error = str(refusal)
                messages.error(request, error)
            else:
                messages.success(request, _("The attendance is recorded."))
                return redirect(f"{meeting.get_absolute_url()}#participation")
        else:
            error = _("Some rows are not complete: see the messages in the table.")
        status = 400
    else:
        forms = attendance_forms(invitations)
    context = {
        "section": "meetings",
        "meeting": meeting,
        "forms": forms,
        "error": error,
        "not_yet": not_recordable_yet(meeting),
        "quorum": services.quorum(meeting),
    }
    return render(request, "meetings/attendance/attendance_sheet.html", context, status=status)


def attendance_register(request, number: int):
    """The register for the record: the zones' answers and attendance, the quorum, a place for
    the secretary's signature."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if not permissions.is_participant(request.user):
        raise PermissionDenied
    meeting = _meeting(request, number)
    context = {
        "section": "meetings",
        "meeting": meeting,
        "invitations": _invitations(meeting),
        "quorum": services.quorum(meeting),
        "printed_at": timezone.localtime(),
    }
    return render(request, "meetings/attendance/register.html", context)


urlpatterns = [
    path("<int:number>/presenze/", attendance_sheet, name="attendance"),
    path("<int:number>/registro/", attendance_register, name="attendance-register"),
]


def detail_context(request, meeting) -> dict:
    """The meeting page links the sheet for staff once the meeting has started, and the
    register for logged-in users."""
    return {
        "can_record_attendance": permissions.can_manage_meetings(request.user)
        and not not_recordable_yet(meeting)
    }
