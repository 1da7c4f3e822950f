"""Erasing a user's personal data while the Round Table's institutional record stays whole.

``anonymise_user(user=..., by=...)`` runs in one transaction. The user row itself is kept (the
records below point to it) but emptied: no name, an undeliverable unique address
(``zones.people.former_user_email``) as e-mail and a matching username, an unusable password,
inactive, neither staff nor superuser, no groups or permissions, no last log-in. Pages then name
it "Former user" (``zones.people.display_name``, the ``person`` filter). The old address is free
again: a new account may be created with it.

Every relation to the user model, and what happens to it (``RELATIONS`` below lists them, and a
test checks the list against the models, so a new relation cannot be forgotten):

Erased (personal only, of no use to anyone else):

- ``account.EmailAddress.user``: allauth's copies of the address; deleted.
- ``zones.Notification.user``, ``zones.NotificationPreference.user``: the user's notices and
  their e-mail preference; deleted.
- ``meetings.CalendarFeed.user``: the secret address of their calendar; deleted.
- ``mfa.Authenticator.user``: their two-step verification (app secret, recovery codes);
  deleted.
- ``auth.User.groups``, ``auth.User.user_permissions``: cleared.
- Sessions (no foreign key: the user's id sits in each session's data): every session of the
  user is deleted, so a browser still logged in is logged out on its next request. With
  sessions in the cache (Redis), the keys remembered at each log-in (``roundtable.signals``)
  are deleted; the changed password and the inactive flag would end any other just as surely,
  since Django checks both on every request.

Kept, pointing to the emptied account (the zone's and the Round Table's record):

- ``zones.Membership.user``: who served which zone and when. Ended (``until`` today, or its
  start if that is later, and no longer active), never deleted.
- ``practices``: ``Practice.created_by``, ``Transition.by``, ``Attachment.uploaded_by``,
  ``Comment.author``, ``Comment.reported_by``, ``Comment.hidden_by``, ``Transfer.created_by``,
  ``TransferStep.by``, ``ExpertOpinion.author``: the practices, their review, the discussion,
  the transfers and the expert opinions (then signed "Former user").
- ``meetings``: ``Meeting.created_by``, ``AgendaItem.proposed_by``, ``Invitation.answered_by``,
  ``MinutesComment.author``, ``Decision.recorded_by``, ``ActionUpdate.author``: the sessions,
  their minutes, decisions and follow-up.
- ``plans``: ``Consultation.opened_by``, ``ZoneOpinion.answered_by``: the consultations on the
  Strategic Plan and the zones' formal opinions.
- django-simple-history: ``history_user`` of every history (practices, transfers, meetings,
  minutes, decisions, action items, expert opinions, plans, consultations, the zones' answers
  and their remarks) and the copies of the fields above in the
  historical rows.
  The user model has no history of its own, so no historical row holds the name or address.
- ``admin.LogEntry.user``: what the user did in the admin, kept as the audit trail. The entries
  *about* the user's account and memberships carried the old username in their description
  (``object_repr``): rewritten to the new one. Any other entry whose description or change
  message mentions the old name or address (a comment is described as "<author>: <text>") has
  the mention replaced by "former user".
- Other people's notices (``zones.Notification.texts``) that mention the old name or address
  (an interest declared names who declared it): the mention is replaced by "former user", in
  the notice's language.
- ``roundtable.AccountDeletionRequest.user`` / ``decided_by``: the record of the erasure and
  of the decisions the user took as staff. The reason the user gave is erased.
- ``roundtable.AuditEvent.user`` / ``actor``: the security audit log (log-ins, role changes),
  kept until its retention period ends; a failed log-in's attempted identifier that was the
  old address or username is emptied.

Free text that institutions wrote is kept as written: the attendance register's names
(``Invitation.attendees``, ``substitute``), a practice's contact person, the minutes. They are
the Round Table's record; the privacy notice says so.
"""

from __future__ import annotations

from importlib import import_module

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import CalendarFeed
from zones.models import Membership, Notification, NotificationPreference
from zones.people import former_user_email, former_username

from .audit import AuditEvent
from .models import AccountDeletionRequest

# Every relation to the user model, as "app_label.Model.field", and what anonymise_user does
# (the user's own groups and permissions, relations *from* it, are cleared too).
ERASED = {
    "account.EmailAddress.user",
    "zones.Notification.user",
    "zones.NotificationPreference.user",
    "meetings.CalendarFeed.user",
    "mfa.Authenticator.user",
}
ENDED = {"zones.Membership.user"}
KEPT = {
    "admin.LogEntry.user",
    "practices.Practice.created_by",
    "practices.Transition.by",
    "practices.Attachment.uploaded_by",
    "practices.Comment.author",
    "practices.Comment.reported_by",
    "practices.Comment.hidden_by",
    "practices.Transfer.created_by",
    "practices.TransferStep.by",
    "practices.ExpertOpinion.author",
    "meetings.Meeting.created_by",
    "meetings.AgendaItem.proposed_by",
    "meetings.Invitation.answered_by",
    "meetings.MinutesComment.author",
    "meetings.Decision.recorded_by",
    "meetings.ActionUpdate.author",
    "plans.Consultation.opened_by",
    "plans.ZoneOpinion.answered_by",
    "roundtable.AccountDeletionRequest.user",
    "roundtable.AccountDeletionRequest.decided_by",
    "roundtable.AuditEvent.user",
    "roundtable.AuditEvent.actor",
}
# django-simple-history's copies of the relations above, and who made each change: kept.
KEPT_IN_HISTORY = {
    "practices.HistoricalPractice.created_by",
    "practices.HistoricalPractice.history_user",
    "practices.HistoricalTransfer.created_by",
    "practices.HistoricalTransfer.history_user",
    "practices.HistoricalExpertOpinion.author",
    "practices.HistoricalExpertOpinion.history_user",
    "meetings.HistoricalMeeting.created_by",
    "meetings.HistoricalMeeting.history_user",
    "meetings.HistoricalMinutes.history_user",
    "meetings.HistoricalDecision.recorded_by",
    "meetings.HistoricalDecision.history_user",
    "meetings.HistoricalActionItem.history_user",
    "plans.HistoricalPlan.history_user",
    "plans.HistoricalConsultation.opened_by",
    "plans.HistoricalConsultation.history_user",
    "plans.HistoricalZoneOpinion.answered_by",
    "plans.HistoricalZoneOpinion.history_user",
    "plans.HistoricalAxisRemark.history_user",
}
RELATIONS = ERASED | ENDED | KEPT | KEPT_IN_HISTORY


def anonymise_user(user, *, by) -> None:
    """Erase ``user``'s personal data as described above. ``by``, the staff member who
    confirmed the request, is named in the admin's log of the account."""
    with transaction.atomic():
        old = _identifiers(user)
        _erase_account(user)
        _end_memberships(user)
        _delete_personal_rows(user)
        _rename_admin_log(user)
        _scrub_texts(old)
        AccountDeletionRequest.objects.filter(user=user).update(reason="")
        _scrub_audit_log(old)
        end_sessions(user)
        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=[user],
            action_flag=CHANGE,
            change_message="Personal data erased on the user's request.",
            single_object=True,
        )


def _erase_account(user) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).delete()
    user.first_name = ""
    user.last_name = ""
    user.email = former_user_email(user.pk)
    user.username = former_username(user.pk)
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def _end_memberships(user) -> None:
    """End the memberships still running today; the zone keeps the record of who served."""
    today = timezone.localdate()
    for membership in Membership.objects.filter(user=user).filter(
        Q(active=True) | Q(until__isnull=True) | Q(until__gt=today)
    ):
        ends = max(today, membership.since)
        if membership.until is None or membership.until > ends:
            membership.until = ends
        membership.active = False
        membership.save(update_fields=["until", "active"])


def _delete_personal_rows(user) -> None:
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()


def _scrub_audit_log(old: list[str]) -> None:
    """The audit log's failed log-ins keep the address that was tried: not the old one."""
    if old:
        AuditEvent.objects.filter(identifier__in=old).update(identifier="")


def _rename_admin_log(user) -> None:
    """The admin's log describes each object by its name at the time: no longer the old one."""
    user_type = ContentType.objects.get_for_model(user)
    LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).update(
        object_repr=str(user)[:200]
    )
    membership_type = ContentType.objects.get_for_model(Membership)
    for membership in Membership.objects.filter(user=user).select_related("zone", "user"):
        LogEntry.objects.filter(content_type=membership_type, object_id=str(membership.pk)).update(
            object_repr=str(membership)[:200]
        )


def _identifiers(user) -> list[str]:
    """What named the user before the erasure, longest first (the name with the address, as
    some notices write it, before either alone)."""
    name = user.get_full_name().strip()
    found = [f"{name} <{user.email}>"] if name and user.email else []
    found += [value for value in (user.email, user.username, name) if value]
    return sorted(set(found), key=len, reverse=True)


def _scrub(text: str, old: list[str], former: dict) -> str:
    for value in old:
        text = text.replace(value, former)
    return text


def _scrub_texts(old: list[str]) -> None:
    """Other people's notices (an interest declared names who declared it, with their address)
    and the admin's log (a comment is described as "<author>: <text>") keep the texts written
    at the time: every mention of the old name or address becomes "former user", in the
    notice's own language."""
    from django.utils import translation

    if not old:
        return
    mentions = Q()
    for value in old:
        mentions |= Q(texts__icontains=value)
    for notice in Notification.objects.filter(mentions):
        for language, parts in notice.texts.items():
            with translation.override(language):
                former = str(_("former user"))
            for part, text in parts.items():
                parts[part] = _scrub(text, old, former)
        notice.save(update_fields=["texts"])
    mentions = Q()
    for value in old:
        mentions |= Q(object_repr__contains=value) | Q(change_message__contains=value)
    for entry in LogEntry.objects.filter(mentions):
        former = "former user"
        entry.object_repr = _scrub(entry.object_repr, old, former)[:200]
        entry.change_message = _scrub(entry.change_message, old, former)
        entry.save(update_fields=["object_repr", "change_message"])


def end_sessions(user) -> int:
    """Delete every stored session of ``user``; returns how many. Nothing to search when the
    session engine keeps no table (see the module's docstring)."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store_class, "get_model_class"):
        # Sessions in the cache: the keys remembered at each log-in (roundtable.signals).
        from django.core.cache import cache

        from .signals import session_index_key

        ended = 0
        for key in cache.get(session_index_key(user.pk), []):
            if store_class().exists(key):
                store_class(session_key=key).delete()
                ended += 1
        cache.delete(session_index_key(user.pk))
        return ended
    ended = 0
    sessions = store_class.get_model_class().objects.filter(expire_date__gt=timezone.now())
    for session in sessions.iterator():
        data = store_class().decode(session.session_data)
        if str(data.get("_auth_user_id")) == str(user.pk):
            store_class(session_key=session.session_key).delete()
            ended += 1
    return ended
