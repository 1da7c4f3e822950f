"""Account deletion pages: the user's request on their account page, and staff's decisions.

- The user (any logged-in account) asks, with an optional reason and a ticked box, or withdraws
  a pending request: two POST-only views that answer on the account page.
- Staff (``zones.permissions.is_staff_member``) list the pending requests, oldest first, with
  the recent decisions, and confirm (a ticked box; the account is erased at once) or decline (a
  reason the user reads). A visitor is sent to log in; any other account gets 403.

The rules themselves (one pending request, not one's own, one decision) are in
``roundtable.deletion``; these views parse the forms and say what happened.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zones.models import Membership
from zones.permissions import is_staff_member

from . import deletion
from .forms import DeletionConfirmForm, DeletionDeclineForm, DeletionRequestForm
from .models import AccountDeletionRequest

RECENT_DECISIONS = 20


def deletion_context(user, form: DeletionRequestForm | None = None) -> dict:
    """What the account page's "Delete my account" section needs."""
    return {
        "deletion_request": deletion.pending_request_of(user),
        "deletion_form": form or DeletionRequestForm(),
    }


@require_POST
def account_deletion_request(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = DeletionRequestForm(request.POST)
    if not form.is_valid():
        memberships = Membership.objects.filter(user=request.user).select_related("zone")
        context = {
            "section": "account",
            "memberships": memberships,
            **deletion_context(request.user, form),
        }
        return render(request, "roundtable/account.html", context, status=400)
    try:
        deletion.request_deletion(user=request.user, reason=form.cleaned_data["reason"])
    except deletion.DeletionRefused as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(
            request,
            _("Your request is sent. The metropolitan staff will confirm it, or tell you why not."),
        )
    return redirect("account-profile")


@require_POST
def account_deletion_withdraw(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        deletion.withdraw_request(user=request.user)
    except deletion.DeletionRefused as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(request, _("Your request is withdrawn: your account stays as it is."))
    return redirect("account-profile")


def _staff_refusal(request):
    """A login redirect for a visitor; 403 for anyone but staff; else None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_staff_member(request.user):
        raise PermissionDenied
    return None


def _pending_requests() -> list[AccountDeletionRequest]:
    current = Membership.objects.current().select_related("zone").order_by("zone__number")
    return list(
        AccountDeletionRequest.objects.pending()
        .select_related("user")
        .prefetch_related(Prefetch("user__memberships", queryset=current, to_attr="zones_now"))
        .order_by("requested_at", "pk")
    )


def _requests_page(request, bound: dict | None = None, status: int = 200):
    """The staff's list; ``bound`` holds the forms with errors of one request, by its pk."""
    bound = bound or {}
    rows = []
    for pending in _pending_requests():
        forms = bound.get(pending.pk, {})
        rows.append(
            {
                "request": pending,
                "own": pending.user_id == request.user.pk,
                "confirm_form": forms.get("confirm")
                or DeletionConfirmForm(prefix=f"confirm-{pending.pk}"),
                "decline_form": forms.get("decline")
                or DeletionDeclineForm(prefix=f"decline-{pending.pk}"),
            }
        )
    decided = (
        AccountDeletionRequest.objects.decided()
        .select_related("user", "decided_by")
        .order_by("-decided_at", "-pk")[:RECENT_DECISIONS]
    )
    return render(
        request,
        "roundtable/deletion_requests.html",
        {"section": "account", "rows": rows, "decided": decided},
        status=status,
    )


@require_safe
def deletion_requests(request):
    if refusal := _staff_refusal(request):
        return refusal
    return _requests_page(request)


@require_POST
def deletion_request_confirm(request, pk: int):
    if refusal := _staff_refusal(request):
        return refusal
    pending = get_object_or_404(AccountDeletionRequest, pk=pk)
    if pending.status != AccountDeletionRequest.Status.PENDING:
        messages.error(request, _("This request was already decided or withdrawn."))
        return redirect("deletion-requests")
    form = DeletionConfirmForm(request.POST, prefix=f"confirm-{pk}")
    if not form.is_valid():
        return _requests_page(request, {pk: {"confirm": form}}, status=400)
    try:
        deletion.confirm_request(pk=pending.pk, by=request.user)
    except deletion.DeletionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("The account's personal data are erased; the user was told by e-mail."),
        )
    return redirect("deletion-requests")


@require_POST
def deletion_request_decline(request, pk: int):
    if refusal := _staff_refusal(request):
        return refusal
    pending = get_object_or_404(AccountDeletionRequest, pk=pk)
    if pending.status != AccountDeletionRequest.Status.PENDING:
        messages.error(request, _("This request was already decided or withdrawn."))
        return redirect("deletion-requests")
    form = DeletionDeclineForm(request.POST, prefix=f"decline-{pk}")
    if not form.is_valid():
        return _requests_page(request, {pk: {"decline": form}}, status=400)
    try:
        deletion.decline_request(
            pk=pending.pk, by=request.user, reason=form.cleaned_data["decline_reason"]
        )
    except deletion.DeletionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The request is declined; the user was told by e-mail."))
    return redirect("deletion-requests")
