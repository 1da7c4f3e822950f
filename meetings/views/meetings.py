"""Meeting pages: the list of upcoming and past meetings, a meeting's page, and a zone's answer.

A meeting's page is put together from parts: each module of this package (agenda, attendance,
decisions, minutes, calendar, manage) adds what its part needs through ``detail_context`` and
its own template under ``templates/meetings/detail/``."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zones.permissions import zones_of

from .. import permissions, services
from ..forms import InvitationAnswerForm
from ..models import AgendaItem, Invitation, Meeting
from . import agenda, attendance, calendar, decisions, manage, minutes


def meeting_list(request):
    meetings = Meeting.objects.visible_to(request.user).annotate(
        item_count=Count("agenda_items", filter=Q(agenda_items__status=AgendaItem.Status.ACCEPTED))
    )
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "section": "meetings",
            "upcoming": meetings.upcoming(),
            "past": meetings.past(),
            "logged_in": request.user.is_authenticated,
            "can_manage": permissions.can_manage_meetings(request.user),
        },
    )


def meeting_detail(request, number: int, *, failed=None, status: int = 200):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), number=number)
    # Staff and spokespersons in office read the working papers; other accounts what visitors do.
    logged_in = permissions.is_participant(request.user)
    held = meeting.status == Meeting.Status.HELD
    invitations = (
        list(meeting.invitations.select_related("zone").order_by("zone__number"))
        if logged_in
        else []
    )
    context = {
        "section": "meetings",
        "meeting": meeting,
        "logged_in": logged_in,
        # Visitors see a public meeting's title, dates and, once it is held, its decisions.
        "show_agenda": logged_in or held,
        "show_participation": logged_in,
        "meeting_started": meeting.starts_at <= timezone.now(),
        "invitations": invitations,
        "quorum": services.quorum(meeting, invitations) if logged_in else None,
        "answer_forms": _answer_forms(request, meeting, failed),
    }
    for part in (manage, agenda, attendance, decisions, minutes, calendar):
        context.update(part.detail_context(request, meeting))
    return render(request, "meetings/meeting_detail.html", context, status=status)


def _answer_forms(request, meeting, failed=None) -> list:
    """(invitation, form) for the user's zones while the meeting is still to come."""
    if not request.user.is_authenticated or meeting.status != Meeting.Status.SCHEDULED:
        return []
    if meeting.starts_at <= timezone.now():
        return []
    invitations = meeting.invitations.filter(zone__in=zones_of(request.user)).select_related("zone")
    forms = []
    for invitation in invitations:
        if failed and failed[0] == invitation.pk:
            form = failed[1]
        else:
            initial = {
                "answer": invitation.answer if invitation.answer != "pending" else None,
                "attendees": invitation.attendees,
                "substitute": invitation.substitute,
            }
            form = InvitationAnswerForm(initial=initial, prefix=f"invitation-{invitation.pk}")
        forms.append((invitation, form))
    return forms


@require_POST
def invitation_answer(request, pk: int):
    """A spokesperson answers their zone's invitation (attending, not, or a substitute)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    invitation = get_object_or_404(
        Invitation.objects.select_related("meeting", "zone").filter(
            meeting__in=Meeting.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    if not permissions.can_answer_invitation(request.user, invitation):
        raise PermissionDenied
    meeting = invitation.meeting
    form = InvitationAnswerForm(request.POST, prefix=f"invitation-{invitation.pk}")
    if form.is_valid():
        try:
            services.answer_invitation(invitation=invitation, by=request.user, **form.cleaned_data)
        except services.MeetingError as error:
            # Also as a message: the form itself is not shown once the meeting has begun.
            form.add_error(None, str(error))
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your zone's answer is recorded."))
            return redirect(f"{meeting.get_absolute_url()}#invitation-{invitation.pk}")
    return meeting_detail(request, meeting.number, failed=(invitation.pk, form), status=400)
