"""The practice page, its attachments and its comments.

One template (``practices/practice_detail.html``); htmx swaps two of its named partials,
``attachments`` and ``comments``. Every action also works as a plain form: a success redirects
back to the page, a form with errors redraws the whole page (status 400) with what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from plans.tagging import prefetch_plan_tags
from zones.models import Municipality, Zone

from .. import extensions, permissions, similar
from ..forms import AttachmentForm, CommentForm, CommentHideForm, CommentReportForm
from ..models import Attachment, Comment, Practice, Transfer
from . import editing, opinions, plan_tags, transfers
from .redirects import back_to

TEMPLATE = "practices/practice_detail.html"
S = Practice.Status
# Bookkeeping fields a reader of the change history does not need to see.
UNSHOWN_FIELDS = {"id", "version", "updated_at", "search_text", "search_folded", "practice"}


# --- Helpers ----------------------------------------------------------------------------------


def _login_first(request):
    """Send an anonymous user to the log-in page (with htmx, the whole browser goes there)."""
    next_url = request.get_full_path()
    if request.htmx and request.htmx.current_url_abs_path:
        next_url = request.htmx.current_url_abs_path
    response = redirect_to_login(next_url)
    return HttpResponseClientRedirect(response.url) if request.htmx else response


def _visible_practice(request, pk: int) -> Practice:
    return get_object_or_404(
        Practice.objects.visible_to(request.user).select_related("zone"), pk=pk
    )


def _detail_queryset(user):
    return (
        Practice.objects.visible_to(user)
        .select_related("zone", "created_by")
        .prefetch_related(
            "themes",
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name")),
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
            *prefetch_plan_tags(),
        )
    )


def _anchor(practice: Practice, anchor: str) -> str:
    return f"{practice.get_absolute_url()}#{anchor}"


def _attachments_context(request, practice: Practice, *, form=None, notice: str = "") -> dict:
    may_manage = permissions.can_manage_attachments(request.user, practice)
    return {
        "practice": practice,
        "attachments": list(practice.attachments.all()),
        "may_manage_attachments": may_manage,
        "attachment_form": (form or AttachmentForm()) if may_manage else None,
        "attachments_notice": notice,
    }


def _comments_context(
    request, practice: Practice, *, form=None, failed: tuple | None = None, notice: str = ""
) -> dict:
    """The comments with what the user may do to each; ``failed`` is (comment pk, form) of a
    hide or report form to show again with its errors."""
    user = request.user
    comments = list(practice.comments.select_related("author", "hidden_by", "reported_by"))
    for comment in comments:
        comment.may_hide = not comment.is_hidden and permissions.can_hide_comment(user, comment)
        comment.may_report = comment.reported_at is None and permissions.can_report_comment(
            user, comment
        )
        comment.hide_form = comment.report_form = None
        if comment.may_hide:
            comment.hide_form = CommentHideForm(prefix=f"hide-{comment.pk}")
        if comment.may_report:
            comment.report_form = CommentReportForm(prefix=f"report-{comment.pk}")
        if failed and failed[0] == comment.pk:
            bound = failed[1]
            if isinstance(bound, CommentHideForm):
                comment.hide_form = bound
            else:
                comment.report_form = bound
    may_comment = permissions.can_comment(user, practice)
    return {
        "practice": practice,
        "comments": comments,
        "may_comment": may_comment,
        "log_in_to_comment": not user.is_authenticated and practice.status == S.PUBLISHED,
        "may_moderate_comments": permissions.can_hide_comment(user),
        "comment_form": (form or CommentForm()) if may_comment else None,
        "comments_notice": notice,
    }


# --- Change history ---------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    """One saved version of a practice or transfer, with what changed since the one before."""

    record: object
    subject: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def _shown(model_field, value, zones: dict) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        if model_field.related_model is Zone and value in zones:
            return str(zones[value])
        return f"#{value}"
    if isinstance(value, datetime):
        return formats.localize(timezone.localtime(value))
    if isinstance(value, date | Decimal | float | int):
        return formats.localize(value)
    return str(value)


def _diffs(records, model, zones: dict, subject=lambda record: "") -> list[HistoryEntry]:
    """Entries for ``records`` (ordered by object, then oldest first), each with the fields that
    differ from the object's previous record; saves that changed nothing visible are left out."""
    fields = [f for f in model._meta.concrete_fields if f.name not in UNSHOWN_FIELDS]
    entries, previous = [], None
    for record in records:
        if previous is not None and previous.id != record.id:
            previous = None
        entry = HistoryEntry(record, subject(record))
        if previous is not None and record.history_type == "~":
            for f in fields:
                old, new = getattr(previous, f.attname), getattr(record, f.attname)
                if old != new:
                    entry.changes.append(
                        (str(f.verbose_name), _shown(f, old, zones), _shown(f, new, zones))
                    )
        if previous is None or record.history_type != "~" or entry.changes:
            entries.append(entry)
        previous = record
    entries.sort(key=lambda e: (e.record.history_date, e.record.history_id), reverse=True)
    return entries


def _change_history(practice: Practice, zones: dict) -> dict:
    practice_records = practice.history.select_related("history_user").order_by(
        "history_date", "history_id"
    )
    transfer_records = (
        Transfer.history.filter(practice_id=practice.pk)
        .select_related("history_user", "zone")
        .order_by("id", "history_date", "history_id")
    )
    return {
        "practice_history": _diffs(practice_records, Practice, zones),
        "transfer_history": _diffs(
            transfer_records, Transfer, zones, subject=lambda record: str(record.zone)
        ),
    }


# --- The page ---------------------------------------------------------------------------------


def _page_context(request, practice: Practice, **forms) -> dict:
    user = request.user
    zones = list(Zone.objects.with_figures())
    today = timezone.localdate()
    context = {
        **editing.detail_context(request, practice),
        **transfers.detail_context(request, practice),
        **plan_tags.detail_context(request, practice),
        **opinions.detail_context(request, practice),
    }
    context.update(
        {
            "section": "practices",
            "practice": practice,
            "themes": list(practice.themes.all()),
            "municipalities": list(practice.municipalities.all()),
            "recheck_due": bool(
                practice.recheck_by
                and practice.recheck_by <= today
                and practice.status not in (S.ARCHIVED, S.REJECTED)
            ),
            "zones_like_this": similar.zones_like(practice, zones=zones),
            # The good-practice record (practices.record) is a publication: published only.
            "has_record": practice.status == S.PUBLISHED,
            "show_moderation_history": permissions.can_see_moderation_history(user, practice),
            "show_change_history": permissions.can_see_change_history(user),
            "extra_sections": [
                section
                for section in (add(request, practice) for add in extensions.practice_sections)
                if section
            ],
        }
    )
    context.update(_attachments_context(request, practice, form=forms.get("attachment_form")))
    context.update(
        _comments_context(
            request, practice, form=forms.get("comment_form"), failed=forms.get("failed")
        )
    )
    if context["show_moderation_history"]:
        context["moderation_history"] = list(practice.transitions.select_related("by"))
    if context["show_change_history"]:
        context.update(_change_history(practice, {zone.pk: zone for zone in zones}))
    return context


@require_safe
def practice_detail(request, pk: int):
    practice = get_object_or_404(_detail_queryset(request.user), pk=pk)
    return render(request, TEMPLATE, _page_context(request, practice))


def _invalid(request, practice: Practice, partial: str, partial_context: dict, **forms):
    """A form with errors: the section again (htmx) or the whole page, with what was typed."""
    if request.htmx:
        return render(request, f"{TEMPLATE}#{partial}", partial_context)
    full = get_object_or_404(_detail_queryset(request.user), pk=practice.pk)
    return render(request, TEMPLATE, _page_context(request, full, **forms), status=400)


# --- Attachments ------------------------------------------------------------------------------


def attachment_create(request, pk: int):
    if not request.user.is_authenticated:
        return _login_first(request)
    practice = _visible_practice(request, pk)
    if not permissions.can_manage_attachments(request.user, practice):
        raise PermissionDenied
    if request.method != "POST":
        return redirect(_anchor(practice, "attachments"))
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _attachments_context(request, practice, form=form)
        return _invalid(request, practice, "attachments", context, attachment_form=form)
    attachment = form.save_for(practice=practice, by=request.user)
    notice = _("“%(title)s” is attached.") % {"title": attachment.title}
    if request.htmx:
        return render(
            request,
            f"{TEMPLATE}#attachments",
            _attachments_context(request, practice, notice=notice),
        )
    messages.success(request, notice)
    return redirect(_anchor(practice, "attachments"))


@require_safe
def attachment_download(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.select_related("practice"), pk=pk)
    if not permissions.can_view_practice(request.user, attachment.practice):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=0"
    return response


def attachment_delete(request, pk: int):
    if not request.user.is_authenticated:
        return _login_first(request)
    attachment = get_object_or_404(
        Attachment.objects.select_related("practice", "practice__zone"),
        pk=pk,
        practice__in=Practice.objects.visible_to(request.user),
    )
    practice = attachment.practice
    if not permissions.can_manage_attachments(request.user, practice):
        raise PermissionDenied
    if request.method != "POST":
        return redirect(_anchor(practice, "attachments"))
    stored, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    notice = _("“%(title)s” is no longer attached.") % {"title": attachment.title}
    if request.htmx:
        return render(
            request,
            f"{TEMPLATE}#attachments",
            _attachments_context(request, practice, notice=notice),
        )
    messages.success(request, notice)
    return redirect(_anchor(practice, "attachments"))


# --- Comments ---------------------------------------------------------------------------------


def _comments_response(request, practice: Practice, notice: str, anchor: str = "comments"):
    if request.htmx:
        return render(
            request, f"{TEMPLATE}#comments", _comments_context(request, practice, notice=notice)
        )
    messages.success(request, notice)
    # Back where the action came from (the moderation queue, say), if it is on this site.
    return back_to(request, _anchor(practice, anchor))


def comment_create(request, pk: int):
    if not request.user.is_authenticated:
        return _login_first(request)
    practice = _visible_practice(request, pk)
    if not permissions.can_comment(request.user, practice):
        raise PermissionDenied
    if request.method != "POST":
        return redirect(_anchor(practice, "comments"))
    form = CommentForm(request.POST)
    if not form.is_valid():
        context = _comments_context(request, practice, form=form)
        return _invalid(request, practice, "comments", context, comment_form=form)
    comment = form.save(commit=False)
    comment.practice = practice
    comment.author = request.user
    comment.save()
    return _comments_response(
        request, practice, _("Your comment has been added."), f"comment-{comment.pk}"
    )


def _visible_comment(request, pk: int) -> Comment:
    return get_object_or_404(
        Comment.objects.select_related("practice", "practice__zone"),
        pk=pk,
        practice__in=Practice.objects.visible_to(request.user),
    )


def comment_hide(request, pk: int):
    if not request.user.is_authenticated:
        return _login_first(request)
    comment = _visible_comment(request, pk)
    practice = comment.practice
    if not permissions.can_hide_comment(request.user, comment):
        raise PermissionDenied
    if request.method != "POST":
        return redirect(_anchor(practice, f"comment-{comment.pk}"))
    if comment.is_hidden:
        return _comments_response(
            request, practice, _("The comment was already hidden."), f"comment-{comment.pk}"
        )
    form = CommentHideForm(request.POST, prefix=f"hide-{comment.pk}")
    if not form.is_valid():
        failed = (comment.pk, form)
        context = _comments_context(request, practice, failed=failed)
        return _invalid(request, practice, "comments", context, failed=failed)
    # Conditional: of two staff hiding it at once, the first reason is kept.
    Comment.objects.filter(pk=comment.pk, hidden_at__isnull=True).update(
        hidden_by=request.user, hidden_at=timezone.now(), hidden_reason=form.cleaned_data["reason"]
    )
    return _comments_response(
        request, practice, _("The comment is hidden."), f"comment-{comment.pk}"
    )


@require_POST
def comment_dismiss_report(request, pk: int):
    """Staff find a reported comment acceptable: the report is cleared, the comment stays."""
    if not request.user.is_authenticated:
        return _login_first(request)
    comment = _visible_comment(request, pk)
    if not permissions.can_hide_comment(request.user, comment):
        raise PermissionDenied
    Comment.objects.filter(pk=comment.pk).update(
        reported_at=None, reported_by=None, report_reason=""
    )
    messages.success(request, _("The report was dismissed: the comment stays visible."))
    return back_to(request, _anchor(comment.practice, f"comment-{comment.pk}"))


def comment_report(request, pk: int):
    if not request.user.is_authenticated:
        return _login_first(request)
    comment = _visible_comment(request, pk)
    practice = comment.practice
    if not permissions.can_report_comment(request.user, comment):
        raise PermissionDenied
    if request.method != "POST":
        return redirect(_anchor(practice, f"comment-{comment.pk}"))
    if comment.reported_at is not None:
        return _comments_response(
            request,
            practice,
            _("This comment has already been reported: the staff will look at it."),
            f"comment-{comment.pk}",
        )
    form = CommentReportForm(request.POST, prefix=f"report-{comment.pk}")
    if not form.is_valid():
        failed = (comment.pk, form)
        context = _comments_context(request, practice, failed=failed)
        return _invalid(request, practice, "comments", context, failed=failed)
    # Conditional: of two reports at once, the first is kept.
    Comment.objects.filter(pk=comment.pk, reported_at__isnull=True).update(
        reported_by=request.user,
        reported_at=timezone.now(),
        report_reason=form.cleaned_data["reason"],
    )
    return _comments_response(
        request,
        practice,
        _("Thank you: the staff will look at the comment you reported."),
        f"comment-{comment.pk}",
    )
