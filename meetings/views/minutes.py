"""Meeting pages: the minutes, their editing, workflow, comments and history.

Minutes exist once a meeting has started; their row is created on the first save. Who sees
them depends on their status: a draft only staff; circulated minutes every logged-in user;
approved ones every logged-in user, and visitors too when the meeting is public. One rule for
whoever may not see them: a visitor is sent to log in, a logged-in user gets a 404.

The rules of saving and of the workflow live in ``meetings.services`` (``save_minutes`` refuses
a save over a newer version, ``move_minutes`` applies the table of allowed steps); these views
parse the forms, check the permissions and show what happened.
"""

from __future__ import annotations

import difflib

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zones.permissions import is_staff_member, zones_of

from .. import permissions, services
from ..forms_minutes import MinutesCommentForm, MinutesForm, MinutesMoveForm
from ..models import Meeting, Minutes, MinutesComment
from ..permissions import is_participant

MS = Minutes.Status
TEMPLATES = "meetings/minutes/"
#: Lines of unchanged text shown around each change in a version's differences.
DIFF_CONTEXT = 3


# --- who sees what ----------------------------------------------------------------------------


def minutes_can_exist(meeting: Meeting, now=None) -> bool:
    """Minutes are written once a meeting has started (a cancelled meeting has none)."""
    return meeting.status != Meeting.Status.CANCELLED and meeting.starts_at <= (
        now or timezone.now()
    )


def can_see_minutes(user, minutes: Minutes) -> bool:
    if is_staff_member(user):
        return True
    if minutes.status == MS.DRAFT:
        return False
    if is_participant(user):
        return True
    return minutes.status == MS.APPROVED and minutes.meeting.is_public


def can_see_history(user, minutes: Minutes) -> bool:
    """Drafts' versions are the staff's work; once approved, spokespersons in office see them."""
    return is_staff_member(user) or (minutes.is_frozen and is_participant(user))


def _hidden(request):
    """The one answer to minutes a user may not see: log in first, or "not found"."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404


def _minutes_of(number: int) -> Minutes | None:
    return (
        Minutes.objects.select_related("meeting", "approved_at_meeting")
        .filter(meeting__number=number)
        .first()
    )


def _staff_only(request):
    """Anonymous → log in; logged in without the staff role → 403; staff → ``None``."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied
    return None


# --- the minutes page -------------------------------------------------------------------------


def _workflow(request, minutes: Minutes, move_form: MinutesMoveForm | None = None) -> dict:
    """What the staff's workflow buttons need: the approval form once circulated."""
    if not permissions.can_manage_meetings(request.user) or minutes is None:
        return {"can_manage": False}
    context = {"can_manage": True, "approve_form": None}
    if minutes.status == MS.CIRCULATED:
        failed = move_form if move_form and move_form.data.get("to_status") == MS.APPROVED else None
        context["approve_form"] = failed or MinutesMoveForm(meeting=minutes.meeting)
        context["can_approve"] = bool(context["approve_form"].candidates)
    return context


def _minutes_page(request, minutes: Minutes, *, move_form=None, comment_form=None, status=200):
    can_comment = permissions.can_comment_minutes(request.user, minutes)
    if can_comment and comment_form is None:
        comment_form = MinutesCommentForm(zones=zones_of(request.user))
    context = {
        "section": "meetings",
        "meeting": minutes.meeting,
        "minutes": minutes,
        "comments": minutes.comments.select_related("author", "zone"),
        "comment_form": comment_form if can_comment else None,
        "show_history": can_see_history(request.user, minutes),
        "workflow": _workflow(request, minutes, move_form),
    }
    return render(request, f"{TEMPLATES}minutes_page.html", context, status=status)


@require_GET
def minutes_page(request, number: int):
    minutes = _minutes_of(number)
    if minutes is None or not can_see_minutes(request.user, minutes):
        return _hidden(request)
    return _minutes_page(request, minutes)


# --- editing ----------------------------------------------------------------------------------


def _edit_page(request, meeting, minutes, form, *, status=200, partial="", **extra):
    """The edit page, or one of its named partials (``partial``) for an htmx request."""
    context = {"section": "meetings", "meeting": meeting, "minutes": minutes, "form": form}
    template = f"{TEMPLATES}minutes_edit.html" + (f"#{partial}" if partial else "")
    return render(request, template, {**context, **extra}, status=status)


def _frozen_page(request, meeting, minutes):
    """Approved minutes are read-only: no form; text the user had typed is shown to copy."""
    kept = request.POST.get("body", "") if request.method == "POST" else ""
    return _edit_page(request, meeting, minutes, None, frozen=True, kept=kept, status=403)


def _save(meeting: Meeting, form: MinutesForm, by) -> Minutes:
    """Create the minutes' row on their first save, then save through the service."""
    with transaction.atomic():
        minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
        return services.save_minutes(
            minutes=minutes,
            body=form.cleaned_data["body"],
            by=by,
            version=form.cleaned_data["version"],
        )


def _stale_page(request, meeting: Meeting, form: MinutesForm):
    """Someone saved after this form was loaded: nothing was written. The user's text comes
    back in the form, the saved one beside it, and the form now carries the saved version, so
    that saving again (after comparing) goes through."""
    current = Minutes.objects.filter(meeting=meeting).first()
    data = request.POST.copy()
    data["version"] = str(current.version if current else 1)
    data.pop("preview", None)
    return _edit_page(request, meeting, current, MinutesForm(data), stale=True, status=409)


def minutes_edit(request, number: int):
    """Staff write the minutes (Markdown); "Preview" shows the text rendered without saving."""
    refused = _staff_only(request)
    if refused:
        return refused
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    meeting = get_object_or_404(Meeting, number=number)
    if not minutes_can_exist(meeting):
        messages.error(request, _("Minutes are written once the meeting has started."))
        return redirect(meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None and minutes.is_frozen:
        return _frozen_page(request, meeting, minutes)
    if request.method == "GET":
        initial = {"body": minutes.body, "version": minutes.version} if minutes else {"version": 1}
        return _edit_page(request, meeting, minutes, MinutesForm(initial=initial))

    form = MinutesForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, meeting, minutes, form, status=400)
    if "preview" in request.POST:
        partial = "preview" if request.htmx else ""
        preview = form.cleaned_data["body"]
        return _edit_page(request, meeting, minutes, form, partial=partial, preview=preview)
    try:
        saved = _save(meeting, form, request.user)
    except services.StaleVersion:
        return _stale_page(request, meeting, form)
    except services.MeetingError:
        return _frozen_page(request, meeting, Minutes.objects.get(meeting=meeting))
    messages.success(
        request, _("The minutes were saved (version %(version)d).") % {"version": saved.version}
    )
    return redirect("meetings:minutes", number=meeting.number)


# --- workflow and comments --------------------------------------------------------------------


def _moved_message(to_status: str) -> str:
    return {
        MS.CIRCULATED: _(
            "The minutes are circulated: the spokespersons of the invited zones are told and may "
            "comment."
        ),
        MS.DRAFT: _("The minutes are back to draft: only the staff see them."),
        MS.APPROVED: _("The minutes are approved: they are now frozen."),
    }[to_status]


@require_POST
def minutes_move(request, number: int):
    """Staff circulate the minutes, take them back to draft, or approve them at a meeting."""
    refused = _staff_only(request)
    if refused:
        return refused
    minutes = _minutes_of(number)
    if minutes is None:
        raise Http404
    form = MinutesMoveForm(request.POST, meeting=minutes.meeting)
    if form.is_valid():
        to_status = form.cleaned_data["to_status"]
        at_meeting = form.cleaned_data["at_meeting"] if to_status == MS.APPROVED else None
        try:
            services.move_minutes(
                minutes=minutes, to_status=to_status, by=request.user, at_meeting=at_meeting
            )
        except services.MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _moved_message(to_status))
            return redirect("meetings:minutes", number=number)
    errors = [str(error) for errors in form.errors.values() for error in errors]
    messages.error(request, " ".join(errors))
    return _minutes_page(request, minutes, move_form=form, status=400)


def _record_comment(minutes: Minutes, form: MinutesCommentForm, by) -> MinutesComment:
    """Write the comment while the minutes are still circulated (checked under a lock, so a
    comment never lands on minutes approved meanwhile)."""
    with transaction.atomic():
        locked = Minutes.objects.select_for_update().get(pk=minutes.pk)
        if not permissions.can_comment_minutes(by, locked):
            raise PermissionDenied
        return MinutesComment.objects.create(
            minutes=locked, author=by, zone=form.chosen_zone(), body=form.cleaned_data["body"]
        )


@require_POST
def minutes_comment(request, number: int):
    """Spokespersons (and staff) comment on circulated minutes, for their zone."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    minutes = _minutes_of(number)
    if minutes is None or not can_see_minutes(request.user, minutes):
        raise Http404
    if not permissions.can_comment_minutes(request.user, minutes):
        raise PermissionDenied
    form = MinutesCommentForm(request.POST, zones=zones_of(request.user))
    if form.is_valid():
        comment = _record_comment(minutes, form, request.user)
        messages.success(request, _("Your comment is recorded."))
        url = reverse("meetings:minutes", kwargs={"number": number})
        return redirect(f"{url}#comment-{comment.pk}")
    return _minutes_page(request, minutes, comment_form=form, status=400)


# --- history ----------------------------------------------------------------------------------


def _history_minutes(request, number: int) -> tuple[Minutes | None, object]:
    """The minutes whose history the user may read, or the response refusing it."""
    minutes = _minutes_of(number)
    if minutes is None or not can_see_minutes(request.user, minutes):
        return None, _hidden(request)
    if not can_see_history(request.user, minutes):
        if not request.user.is_authenticated:
            return None, redirect_to_login(request.get_full_path())
        raise PermissionDenied
    return minutes, None


def _history_rows(records: list) -> list[dict]:
    """Each saved record with what it changed (the text, the status, or both), newest first."""
    rows, previous = [], None
    for record in records:
        rows.append(
            {
                "record": record,
                "text_changed": previous is None or record.body != previous.body,
                "status_changed": previous is not None and record.status != previous.status,
                "is_approval": record.status == MS.APPROVED
                and (previous is None or previous.status != MS.APPROVED),
            }
        )
        previous = record
    return rows[::-1]


@require_GET
def minutes_history(request, number: int):
    minutes, refused = _history_minutes(request, number)
    if refused:
        return refused
    records = list(
        minutes.history.select_related("history_user").order_by("history_date", "history_id")
    )
    context = {
        "section": "meetings",
        "meeting": minutes.meeting,
        "minutes": minutes,
        "rows": _history_rows(records),
    }
    return render(request, f"{TEMPLATES}minutes_history.html", context)


def diff_lines(old: str, new: str, context: int = DIFF_CONTEXT) -> list[list[tuple[str, str]]]:
    """Groups of ``(kind, line)``, kind "added", "removed" or "same": the changed lines of
    ``new`` against ``old`` with a few unchanged lines around each change."""
    before, after = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    groups = []
    for opcodes in matcher.get_grouped_opcodes(context):
        lines: list[tuple[str, str]] = []
        for tag, i1, i2, j1, j2 in opcodes:
            if tag == "equal":
                lines += [("same", line) for line in before[i1:i2]]
                continue
            lines += [("removed", line) for line in before[i1:i2]]
            lines += [("added", line) for line in after[j1:j2]]
        groups.append(lines)
    return groups


@require_GET
def minutes_version(request, number: int, version: int):
    """One version's text, and what changed since the version before it."""
    minutes, refused = _history_minutes(request, number)
    if refused:
        return refused
    record = (
        minutes.history.filter(version=version)
        .select_related("history_user")
        .order_by("history_date", "history_id")
        .first()
    )
    if record is None:
        raise Http404
    previous = (
        minutes.history.filter(version__lt=version).order_by("-version", "-history_date").first()
    )
    context = {
        "section": "meetings",
        "meeting": minutes.meeting,
        "minutes": minutes,
        "record": record,
        "previous": previous,
        "diff": diff_lines(previous.body if previous else "", record.body),
        "is_approved_version": minutes.is_frozen and version == minutes.version,
    }
    return render(request, f"{TEMPLATES}minutes_version.html", context)


# --- the meeting's page -----------------------------------------------------------------------


def detail_context(request, meeting) -> dict:
    """The minutes' part of the meeting's page: one query for the minutes (with their count of
    comments); staff also get the workflow buttons."""
    minutes = (
        Minutes.objects.filter(meeting=meeting)
        .select_related("approved_at_meeting")
        .annotate(comment_count=Count("comments"))
        .first()
    )
    if minutes is not None:
        minutes.meeting = meeting
    visible = minutes is not None and can_see_minutes(request.user, minutes)
    return {
        "minutes_part": {
            "minutes": minutes if visible else None,
            "can_manage": permissions.can_manage_meetings(request.user),
            "can_start": minutes is None and minutes_can_exist(meeting),
            "workflow": _workflow(request, minutes) if visible else {"can_manage": False},
        }
    }


urlpatterns = [
    path("<int:number>/verbale/", minutes_page, name="minutes"),
    path("<int:number>/verbale/modifica/", minutes_edit, name="minutes-edit"),
    path("<int:number>/verbale/stato/", minutes_move, name="minutes-move"),
    path("<int:number>/verbale/commenti/", minutes_comment, name="minutes-comment"),
    path("<int:number>/verbale/versioni/", minutes_history, name="minutes-history"),
    path("<int:number>/verbale/versioni/<int:version>/", minutes_version, name="minutes-version"),
]
