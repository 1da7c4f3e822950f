"""Writing practices and moving them through their lifecycle; the moderation queue; "my zone's
work".

Who may do what is asked of ``practices.permissions``; the rules of the lifecycle and of saving
live in ``practices.services`` (``apply_transition``, ``allowed_moves``, ``save_practice``).
A lifecycle step is one POST to ``practice_transition``, from the practice page or the
moderation queue: with htmx it answers the fragment it came from, without it a redirect. A
refused step keeps the note the user wrote (in the fragment, or in the session until the page
it goes back to shows it again).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from zones.models import Zone
from zones.permissions import is_staff_member, zones_of

from .. import extensions, permissions, services
from ..forms import CommentHideForm
from ..forms_editing import PracticeForm, TransitionForm, ZoneChoiceForm
from ..models import Comment, Practice, Transfer, Transition
from .redirects import safe_next

S = Practice.Status

# A refused lifecycle step, kept for the page the browser is sent back to (no JavaScript).
DRAFT_KEY = "practices:transition-draft"
# Field ids of the lifecycle form on the practice page (other forms share that page).
ACTIONS_AUTO_ID = "id_lifecycle_%s"
# The longest refused note kept in the session (a note may be at most 5,000 characters).
DRAFT_NOTE_KEPT = 20_000
# How many recently hidden comments the moderation queue lists.
HIDDEN_COMMENTS_SHOWN = 20
# The order of the groups on "my zone's work".
STATUS_ORDER = [
    S.DRAFT,
    S.CHANGES_REQUESTED,
    S.SUBMITTED,
    S.PUBLISHED,
    S.ARCHIVED,
    S.REJECTED,
]


def _done_message(to_status: str) -> str:
    return {
        S.SUBMITTED: _("The practice was submitted for review: the staff will look at it."),
        S.CHANGES_REQUESTED: _(
            "Changes were requested: the author and the zone's spokespersons are told by e-mail."
        ),
        S.PUBLISHED: _(
            "The practice is published in the catalogue: the author and the zone's spokespersons "
            "are told by e-mail."
        ),
        S.REJECTED: _(
            "The practice was rejected: the author and the zone's spokespersons are told by e-mail."
        ),
        S.ARCHIVED: _(
            "The practice was archived: logged-in users can still read it, with the reason."
        ),
    }.get(to_status, _("The status of the practice was changed."))


# --- creating and editing ---------------------------------------------------------------------


def _save(request, form: PracticeForm, version: int | None) -> Practice | None:
    """Save through the service; a title taken meanwhile (a race the form's check cannot see)
    becomes a message on the title, never a 500. ``StaleVersion`` is the caller's."""
    try:
        return services.save_practice(form=form, by=request.user, version=version)
    except IntegrityError:
        form.add_error(
            "title",
            _("This zone already has a practice with this title: choose another title."),
        )
        return None


def _form_page(request, form: PracticeForm, *, practice=None, status=200, **extra):
    context = {"section": "practices", "form": form, "practice": practice, **extra}
    return render(request, "practices/practice_form.html", context, status=status)


def practice_create(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_create_practice(request.user):
        raise PermissionDenied
    if request.method == "GET":
        initial = {}
        zone_number = request.GET.get("zone", "")
        if zone_number.isdecimal() and len(zone_number) < 4:
            initial["zone"] = (
                Zone.objects.filter(number=int(zone_number)).values_list("pk", flat=True).first()
            )
        return _form_page(request, PracticeForm(user=request.user, initial=initial))
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])

    form = PracticeForm(request.POST, user=request.user)
    valid = form.is_valid()
    zone = form.cleaned_data.get("zone")
    if zone is not None and not permissions.can_create_practice(request.user, zone):
        raise PermissionDenied
    if valid:
        practice = _save(request, form, version=None)
        if practice is not None:
            messages.success(
                request,
                _(
                    "The practice was saved as a draft. Add attachments if you wish, then "
                    "submit it for review."
                ),
            )
            return redirect(practice)
    return _form_page(request, form)


def practice_edit(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    practice = get_object_or_404(
        Practice.objects.visible_to(request.user).select_related("zone"), pk=pk
    )
    if not permissions.can_edit_practice(request.user, practice):
        if request.method == "POST":
            # Refused, but the text the user wrote is theirs: show it back, save nothing.
            form = PracticeForm(request.POST, instance=practice, user=request.user)
            return _form_page(request, form, practice=practice, refused=True, status=403)
        raise PermissionDenied
    if request.method == "GET":
        return _form_page(
            request, PracticeForm(instance=practice, user=request.user), practice=practice
        )
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])

    owning_zone_id = practice.zone_id
    form = PracticeForm(request.POST, instance=practice, user=request.user)
    valid = form.is_valid()
    zone = form.cleaned_data.get("zone")
    if (
        zone is not None
        and zone.pk != owning_zone_id
        and not permissions.can_create_practice(request.user, zone)
    ):
        raise PermissionDenied
    if valid:
        try:
            saved = _save(request, form, version=form.cleaned_data["version"])
        except services.StaleVersion:
            return _stale_page(request, form, pk)
        if saved is not None:
            messages.success(request, _("Your changes were saved."))
            return redirect(saved)
    return _form_page(request, form, practice=practice)


def _stale_page(request, form: PracticeForm, pk: int):
    """Someone saved the practice after this form was loaded: nothing was written. Show the
    user's text again, what differs in the saved version, and carry the current version so
    that saving again (after comparing) succeeds."""
    current = get_object_or_404(Practice.objects.select_related("zone"), pk=pk)
    differences = form.differences(current)
    data = request.POST.copy()
    data["version"] = str(current.version)
    fresh = PracticeForm(data, instance=current, user=request.user)
    return _form_page(
        request,
        fresh,
        practice=current,
        stale=True,
        differences=differences,
        status=409,
    )


# --- lifecycle --------------------------------------------------------------------------------


def _pop_draft(request, practice_pk: int) -> dict | None:
    draft = request.session.get(DRAFT_KEY)
    if not draft or draft.get("practice") != practice_pk:
        return None
    del request.session[DRAFT_KEY]
    return draft


def practice_transition(request, pk):
    """POST to_status (the button pressed) and note: one step of the lifecycle."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("practices:practice-detail", kwargs={"pk": pk}))
    practice = get_object_or_404(
        Practice.objects.visible_to(request.user).select_related("zone"), pk=pk
    )
    # Anyone who does not take part in the practice's review is refused whatever step they ask.
    if not permissions.can_take_part_in_review(request.user, practice):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])

    form = TransitionForm(request.POST)
    error = None
    if form.is_valid():
        to_status = form.cleaned_data["to_status"]
        try:
            services.apply_transition(
                practice=practice,
                to_status=to_status,
                by=request.user,
                note=form.cleaned_data["note"],
                seen_version=form.cleaned_data["version"],
            )
        except services.TransitionError as exc:
            error = str(exc)
    else:
        to_status = None
        error = form.error_text()
    done = None if error else _done_message(to_status)

    if request.htmx and request.htmx.target == f"queue-practice-{pk}":
        if error:  # the row again, with its waiting time (or the status it has reached)
            practice = _submitted_practices().filter(pk=pk).first() or practice
        item = _queue_item(request, practice, form=form if error else None, error=error, done=done)
        return render(
            request,
            "practices/moderation_queue.html#queue-practice",
            {"item": item, "queue_url": reverse("practices:moderation-queue")},
        )
    if request.htmx:
        if not error:
            messages.success(request, done)
            return HttpResponseClientRedirect(practice.get_absolute_url())
        context = detail_context(request, practice, form=form, error=error)
        return render(request, "practices/detail/_actions.html", {"practice": practice, **context})

    target = safe_next(request) or practice.get_absolute_url()
    if error:
        messages.error(request, error)
        request.session[DRAFT_KEY] = {
            "practice": practice.pk,
            "to_status": request.POST.get("to_status", "")[:40],
            "note": request.POST.get("note", "").replace("\x00", "")[:DRAFT_NOTE_KEPT],
            "error": error,
        }
    else:
        messages.success(request, done)
    return HttpResponseRedirect(target)


def detail_context(request, practice, *, form=None, error=None) -> dict:
    """Context for the lifecycle actions on the practice page (``_actions.html``): the edit
    link, the steps the user may take (one form, a button per step), and what the staff asked
    for (or why they rejected it) for those who take part in the review. The page itself shows
    the status and the moderation history."""
    user = request.user
    moves = services.allowed_moves(user, practice)
    draft = _pop_draft(request, practice.pk)
    if form is None and draft:
        form = TransitionForm(
            {"to_status": draft["to_status"], "note": draft["note"]},
            moves=moves,
            auto_id=ACTIONS_AUTO_ID,
        )
        error = draft["error"]
    elif form is not None:
        form = TransitionForm(form.data, moves=moves, auto_id=ACTIONS_AUTO_ID)
    else:
        form = TransitionForm(moves=moves, auto_id=ACTIONS_AUTO_ID)

    review = None
    # The staff's last word: for the people in the review while changes are requested or after
    # a rejection; for every reader of an archived practice (it stays readable, with the reason).
    if practice.status == S.ARCHIVED or (
        practice.status in (S.CHANGES_REQUESTED, S.REJECTED)
        and permissions.can_see_moderation_history(user, practice)
    ):
        review = (
            practice.transitions.filter(to_status=practice.status)
            .select_related("by")
            .order_by("at", "pk")
            .last()
        )
    return {
        "lifecycle": {
            "practice": practice,
            "can_edit": permissions.can_edit_practice(user, practice),
            "edit_url": reverse("practices:practice-edit", kwargs={"pk": practice.pk}),
            "moves": moves,
            "form": form,
            "error": error,
            "review": review,
        }
    }


# --- moderation queue -------------------------------------------------------------------------


def _submitted_practices():
    """Submitted practices, oldest submission first, with the time of their latest submission
    and whether they come back after a request for changes."""
    latest_submission = (
        Transition.objects.filter(practice=OuterRef("pk"), to_status=S.SUBMITTED)
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    return (
        Practice.objects.filter(status=S.SUBMITTED)
        .select_related("zone", "created_by")
        .annotate(
            waiting_since=Coalesce(Subquery(latest_submission), F("created_at")),
            resubmitted=Exists(
                Transition.objects.filter(practice=OuterRef("pk"), to_status=S.CHANGES_REQUESTED)
            ),
        )
        .order_by("waiting_since", "pk")
    )


def _queue_item(request, practice, *, form=None, error=None, done=None) -> dict:
    """A row of the queue: its decisions while the practice waits (once decided, even by
    another moderator, the row only says what it has become)."""
    moves = services.allowed_moves(request.user, practice) if practice.status == S.SUBMITTED else []
    auto_id = f"id_p{practice.pk}_%s"
    if form is not None:
        form = TransitionForm(form.data, moves=moves, auto_id=auto_id)
    else:
        form = TransitionForm(moves=moves, auto_id=auto_id)
    return {
        "practice": practice,
        "moves": moves,
        "form": form,
        "error": error,
        "done": done,
    }


def moderation_queue(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_moderate(request.user):
        raise PermissionDenied
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    items = []
    draft = request.session.get(DRAFT_KEY)
    for practice in _submitted_practices():
        item = _queue_item(request, practice)
        if draft and draft.get("practice") == practice.pk:
            _pop_draft(request, practice.pk)
            item["form"] = TransitionForm(
                {"to_status": draft["to_status"], "note": draft["note"]},
                moves=item["moves"],
                auto_id=f"id_p{practice.pk}_%s",
            )
            item["error"] = draft["error"]
        items.append(item)
    comments = Comment.objects.select_related("practice__zone", "author", "reported_by")
    reported = comments.filter(reported_at__isnull=False, hidden_at__isnull=True).order_by(
        "reported_at", "pk"
    )
    reported = list(reported)
    for comment in reported:
        # The comments' own form (and field names), posted to their hide view.
        comment.hide_form = CommentHideForm(prefix=f"hide-{comment.pk}")
    hidden = comments.filter(hidden_at__isnull=False).select_related("hidden_by")
    hidden = hidden.order_by("-hidden_at", "-pk")[:HIDDEN_COMMENTS_SHOWN]
    return render(
        request,
        "practices/moderation_queue.html",
        {
            "section": "practices",
            "items": items,
            "reported": reported,
            "hidden": list(hidden),
            "queue_url": reverse("practices:moderation-queue"),
        },
    )


# --- my zone's work ---------------------------------------------------------------------------


def my_zone(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    staff = is_staff_member(request.user)
    mine = Zone.objects.order_by("number") if staff else zones_of(request.user)
    zones = list(mine)
    if not zones:
        raise PermissionDenied
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])

    picker = ZoneChoiceForm(
        request.GET or None,
        zones=mine,
        all_label=_("All zones") if staff else _("All my zones"),
    )
    chosen = picker.cleaned_data["zone"] if picker.is_bound and picker.is_valid() else None
    shown = [chosen] if chosen else zones

    staff_note = Transition.objects.filter(
        practice=OuterRef("pk"), to_status=OuterRef("status")
    ).order_by("-at", "-pk")
    practices = (
        Practice.objects.filter(zone__in=shown)
        .select_related("zone")
        .annotate(
            status_since=Subquery(staff_note.values("at")[:1]),
            status_note=Subquery(staff_note.values("note")[:1]),
        )
        .order_by("zone__number", "-updated_at", "pk")
    )
    by_status = {status: [] for status in STATUS_ORDER}
    for practice in practices:
        by_status[practice.status].append(practice)
    groups = [
        {"status": status, "label": S(status).label, "practices": by_status[status]}
        for status in STATUS_ORDER
    ]
    rechecks = (
        Practice.objects.recheck_due()
        .filter(zone__in=shown)
        .select_related("zone")
        .order_by("recheck_by", "pk")
    )
    transfers = Transfer.objects.select_related("practice__zone", "zone").order_by(
        "-updated_at", "pk"
    )
    return render(
        request,
        "practices/my_zone.html",
        {
            "section": "practices",
            "zones": shown,
            "several_zones": len(shown) > 1,
            "picker": picker if len(zones) > 1 else None,
            "groups": groups,
            "total": sum(len(group["practices"]) for group in groups),
            "rechecks": list(rechecks),
            "transfers_in": list(transfers.filter(zone__in=shown)),
            "transfers_out": list(transfers.filter(practice__zone__in=shown)),
            "extra_sections": [
                section
                for section in (add(request, shown) for add in extensions.my_zone_sections)
                if section
            ],
            "can_create": permissions.can_create_practice(request.user),
        },
    )
