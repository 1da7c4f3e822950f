"""Meeting pages: the list of upcoming and past meetings, and a meeting's page."""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render

from . import permissions, services
from .models import AgendaItem, Decision, Invitation, Meeting


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


def meeting_detail(request, number: int):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), number=number)
    logged_in = request.user.is_authenticated
    held = meeting.status == Meeting.Status.HELD
    items = (
        meeting.agenda_items.filter(status=AgendaItem.Status.ACCEPTED)
        .select_related("practice", "action")
        .prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.prefetch_related("actions__zones"))
        )
    )
    invitations = meeting.invitations.select_related("zone").order_by("zone__number")
    context = {
        "section": "meetings",
        "meeting": meeting,
        "logged_in": logged_in,
        # Visitors see a public meeting's title, dates and, once it is held, its decisions.
        "show_agenda": logged_in or held,
        "items": items,
        "show_participation": logged_in,
        "invitations": invitations if logged_in else Invitation.objects.none(),
        "quorum": services.quorum(meeting) if logged_in else None,
    }
    return render(request, "meetings/meeting_detail.html", context)
