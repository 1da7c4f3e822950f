"""Account deletion requests: the user asks, staff decide, the account's personal data go.

The allowed moves, and who makes them (a request no longer pending refuses every move):

- pending → withdrawn: the user who asked;
- pending → declined: staff other than the user who asked, with a reason the user reads;
- pending → done: staff other than the user who asked, and the account is erased at once
  (``roundtable.anonymise``).

Staff hear of a new request through a notice in the portal (``zones.notifications.notify``) that
names nobody: it outlives the erasure, so it says only that a request waits, and links the list.
The user hears of the decision by e-mail, at the address they had (captured before the erasure,
sent once the transaction commits), in the portal's language.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zones.notifications import notify
from zones.permissions import is_staff_member

from .anonymise import anonymise_user
from .models import AccountDeletionRequest

logger = logging.getLogger(__name__)

Status = AccountDeletionRequest.Status


class DeletionRefused(Exception):
    """A move the rules do not allow; the message says why, for the person who tried."""


def staff_users(*, excluding=None) -> list:
    """The active users who act as metropolitan staff (superusers included)."""
    permission = Permission.objects.filter(
        content_type__app_label="zones", codename="act_as_staff"
    ).first()
    staff = Q(is_superuser=True)
    if permission is not None:
        staff |= Q(user_permissions=permission) | Q(groups__permissions=permission)
    users = get_user_model().objects.filter(staff, is_active=True).distinct().order_by("pk")
    if excluding is not None:
        users = users.exclude(pk=excluding.pk)
    return list(users)


def pending_request_of(user) -> AccountDeletionRequest | None:
    if not (user and user.is_authenticated):
        return None
    return AccountDeletionRequest.objects.pending().filter(user=user).first()


def request_deletion(*, user, reason: str) -> AccountDeletionRequest:
    """Record ``user``'s request and tell staff; refused while one is already pending."""
    try:
        with transaction.atomic():
            deletion_request = AccountDeletionRequest.objects.create(
                user=user, reason=(reason or "").strip()
            )
            notify(
                staff_users(excluding=user),
                kind="deletion_requested",
                template="roundtable/notifications/deletion_requested",
                context={},
                url=reverse("deletion-requests"),
                key=f"deletion-request-{deletion_request.pk}",
            )
    except IntegrityError as error:
        raise DeletionRefused(
            _("You have already asked for your account to be deleted: staff will decide soon.")
        ) from error
    return deletion_request


def _pending(pk: int) -> AccountDeletionRequest:
    """The request, locked for the decision; refused if someone decided it meanwhile."""
    deletion_request = (
        AccountDeletionRequest.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=pk)
    )
    if deletion_request.status != Status.PENDING:
        raise DeletionRefused(_("This request was already decided or withdrawn."))
    return deletion_request


def _close(deletion_request: AccountDeletionRequest, status: str, by) -> None:
    deletion_request.status = status
    deletion_request.decided_at = timezone.now()
    deletion_request.decided_by = by if status != Status.WITHDRAWN else None
    deletion_request.save()


def withdraw_request(*, user) -> AccountDeletionRequest:
    """The user changes their mind while the request is pending."""
    with transaction.atomic():
        pending = pending_request_of(user)
        if pending is None:
            raise DeletionRefused(_("You have no pending request to withdraw."))
        deletion_request = _pending(pending.pk)
        _close(deletion_request, Status.WITHDRAWN, by=None)
    return deletion_request


def decline_request(*, pk: int, by, reason: str) -> AccountDeletionRequest:
    """Staff keep the account, saying why; the user is told by e-mail."""
    reason = (reason or "").strip()
    if not is_staff_member(by):
        raise DeletionRefused(_("Only metropolitan staff decide on deletion requests."))
    if not reason:
        raise DeletionRefused(_("Say why the request is declined: the user will read it."))
    with transaction.atomic():
        deletion_request = _pending(pk)
        if deletion_request.user_id == by.pk:
            raise DeletionRefused(
                _("You cannot decline your own request: withdraw it from your account page.")
            )
        deletion_request.decline_reason = reason
        _close(deletion_request, Status.DECLINED, by=by)
        _mail_on_commit("declined", deletion_request.user, {"reason": reason})
    return deletion_request


def confirm_request(*, pk: int, by) -> AccountDeletionRequest:
    """Staff erase the account now; the user is told at the address they had."""
    if not is_staff_member(by):
        raise DeletionRefused(_("Only metropolitan staff decide on deletion requests."))
    with transaction.atomic():
        deletion_request = _pending(pk)
        user = deletion_request.user
        if user is None or user.pk == by.pk:
            raise DeletionRefused(
                _("You cannot confirm your own request: another member of staff must.")
            )
        _mail_on_commit("done", user, {})
        _close(deletion_request, Status.DONE, by=by)
        anonymise_user(user, by=by)
    return deletion_request


def _mail_on_commit(outcome: str, user, context: dict) -> None:
    """Write the e-mail now, while the name and address still exist; send it after commit."""
    if not user.email:
        return
    template = f"roundtable/email/deletion_{outcome}"
    context = {
        "name": user.get_full_name(),
        "portal": settings.ORGANISATION,
        "privacy_url": f"{settings.SITE_URL}{reverse('privacy')}",
        **context,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_message.txt", context).strip()
    address = user.email
    transaction.on_commit(lambda: _send(subject, body, address), robust=True)


def _send(subject: str, body: str, address: str) -> None:
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    try:
        send_mail(f"{prefix}{subject}", body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:
        logger.exception("Could not send the e-mail about an account deletion request")
