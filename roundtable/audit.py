"""The security audit log: who logged in (or failed to), changed a password, set up two-step
verification, or changed someone's role, when and from which address.

``AuditEvent`` rows are written by the signal receivers below (connected in
``RoundtableConfig.ready``), never by views: whatever path makes the change (the portal, the
admin, a script) leaves the same trace. The actor of a change made through the admin is the
user of the request being served (django-simple-history's ``HistoryRequestMiddleware`` keeps
it); outside a request (a script, a management command) the actor is empty.

Nothing secret is ever written: no password, no code, no TOTP secret. Events are kept for
``settings.AUDIT_LOG_RETENTION_DAYS`` days (``manage.py prune_audit_log``); erasing an account
keeps its events, tied to the emptied account (``roundtable.anonymise``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", _("log-in")
        LOGIN_FAILED = "login_failed", _("log-in failed")
        LOGOUT = "logout", _("log-out")
        MFA_ACTIVATED = "mfa_activated", _("two-step verification activated")
        MFA_DEACTIVATED = "mfa_deactivated", _("two-step verification deactivated")
        MFA_FAILED = "mfa_failed", _("wrong two-step verification code")
        RECOVERY_CODES_GENERATED = "recovery_codes_generated", _("recovery codes generated")
        RECOVERY_CODE_USED = "recovery_code_used", _("recovery code used")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("password reset requested")
        PASSWORD_RESET_DONE = "password_reset_done", _("password reset done")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        GROUPS_ADDED = "groups_added", _("groups added")
        GROUPS_REMOVED = "groups_removed", _("groups removed")
        FLAGS_CHANGED = "flags_changed", _("staff, administrator or active flag changed")
        MEMBERSHIP_STARTED = "membership_started", _("zone role started")
        MEMBERSHIP_ENDED = "membership_ended", _("zone role ended")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user concerned"),
        related_name="audit_events",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    identifier = models.CharField(_("identifier attempted"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.at:%Y-%m-%d %H:%M}"


# --- Writing events ----------------------------------------------------------------------------


def current_request():
    """The request being served, if any (kept by simple_history's middleware)."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def _client_ip(request) -> str | None:
    if request is None:
        return None
    from allauth.core.internal.httpkit import get_client_ip

    try:
        return get_client_ip(request)
    except Exception:  # a misconfigured proxy count must not stop a log-in
        return request.META.get("REMOTE_ADDR") or None


def _actor(request):
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def record(kind, *, user=None, request=None, actor=None, identifier="", **detail) -> AuditEvent:
    """Write one event. ``request`` defaults to the one being served; the actor to its user."""
    request = request if request is not None else current_request()
    if actor is None:
        actor = _actor(request)
    return AuditEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        actor=actor,
        identifier=identifier[:254],
        ip_address=_client_ip(request),
        detail=detail,
    )


# --- Receivers ---------------------------------------------------------------------------------
# Connected in RoundtableConfig.ready(); each one names the event it writes.

Kind = AuditEvent.Kind


def on_logged_in(sender, request, user, **kwargs):
    record(Kind.LOGIN, user=user, request=request, actor=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    """Django hands the credentials with the password masked; the identifier is kept so that
    an operator can see an address being tried, and whether it belongs to an account."""
    from django.contrib.auth import get_user_model

    identifier = str(credentials.get("email") or credentials.get("username") or "")
    user = None
    if identifier:
        user = get_user_model()._default_manager.filter(email__iexact=identifier).first()
    record(Kind.LOGIN_FAILED, user=user, request=request, actor=None, identifier=identifier)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.LOGOUT, user=user, request=request, actor=user)


def on_password_changed(sender, request, user, **kwargs):
    record(Kind.PASSWORD_CHANGED, user=user, request=request, actor=user)


def on_password_set(sender, request, user, **kwargs):
    record(Kind.PASSWORD_CHANGED, user=user, request=request, actor=user, first_password=True)


def on_password_reset(sender, request, user, **kwargs):
    # The user followed the link from the e-mail: nobody is logged in, yet it was them.
    record(Kind.PASSWORD_RESET_DONE, user=user, request=request, actor=user)


def password_reset_requested(request, user) -> None:
    """Called by the account adapter when it sends a reset link (allauth has no signal)."""
    record(Kind.PASSWORD_RESET_REQUESTED, user=user, request=request, actor=None)


def _is_recovery_codes(authenticator) -> bool:
    return authenticator.type == "recovery_codes"


def on_authenticator_added(sender, request, user, authenticator, **kwargs):
    # Setting up the app makes the first recovery codes too: two events, each by its name.
    if _is_recovery_codes(authenticator):
        record(Kind.RECOVERY_CODES_GENERATED, user=user, request=request)
    else:
        record(Kind.MFA_ACTIVATED, user=user, request=request, type=authenticator.type)


def on_authenticator_deleted(sender, instance, **kwargs):
    """post_delete, not allauth's authenticator_removed: an administrator deleting a lost
    phone's app in the admin sends no allauth signal, and must be in the log all the same.
    The recovery codes go with the app: the app's event says it."""
    if not _is_recovery_codes(instance):
        record(Kind.MFA_DEACTIVATED, user=instance.user, type=instance.type)


def on_authenticator_reset(sender, request, user, authenticator, **kwargs):
    if _is_recovery_codes(authenticator):
        record(Kind.RECOVERY_CODES_GENERATED, user=user, request=request)


def on_authenticator_used(sender, request, user, authenticator, **kwargs):
    if _is_recovery_codes(authenticator):
        # At the log-in stage nobody is logged in yet: the user is the actor.
        record(
            Kind.RECOVERY_CODE_USED,
            user=user,
            request=request,
            actor=user,
            # The instance handed over predates the code being marked used: read it again.
            unused_left=len(
                type(authenticator).objects.get(pk=authenticator.pk).wrap().get_unused_codes()
            ),
        )


def on_mfa_failed(sender, request, user, **kwargs):
    record(
        Kind.MFA_FAILED,
        user=user,
        request=request,
        actor=user,
        reauthentication=bool(kwargs.get("reauthentication")),
    )


def on_groups_changed(sender, instance, action, pk_set, model, reverse, **kwargs):
    """``user.groups.add()`` (reverse=False) or ``group.user_set.add()`` (reverse=True); a
    ``clear()`` is recorded with the groups it is about to remove."""
    from django.contrib.auth.models import Group

    if action == "pre_clear":
        users = [instance] if not reverse else list(instance.user_set.all())
        for user in users:
            names = list(user.groups.values_list("name", flat=True))
            if names:
                record(Kind.GROUPS_REMOVED, user=user, groups=sorted(names))
        return
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    kind = Kind.GROUPS_ADDED if action == "post_add" else Kind.GROUPS_REMOVED
    if not reverse:
        names = sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        record(kind, user=instance, groups=names)
    else:
        for user in model._default_manager.filter(pk__in=pk_set):
            record(kind, user=user, groups=[instance.name])


USER_FLAGS = ("is_active", "is_staff", "is_superuser")


def remember_user_flags(sender, instance, **kwargs):
    """pre_save: keep the flags as stored, for on_user_saved to compare."""
    instance._audit_flags = None
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not set(update_fields) & set(USER_FLAGS):
        return  # e.g. the last log-in's date: no flag can have changed
    if instance.pk is not None:
        instance._audit_flags = (
            sender._default_manager.filter(pk=instance.pk).values(*USER_FLAGS).first()
        )


def on_user_saved(sender, instance, created, **kwargs):
    before = getattr(instance, "_audit_flags", None)
    if created:
        changed = {flag: [None, True] for flag in USER_FLAGS[1:] if getattr(instance, flag)}
    elif before is None:
        return
    else:
        changed = {
            flag: [before[flag], getattr(instance, flag)]
            for flag in USER_FLAGS
            if before[flag] != getattr(instance, flag)
        }
    if changed:
        record(Kind.FLAGS_CHANGED, user=instance, changes=changed)


def _membership_detail(membership) -> dict:
    return {
        "zone": membership.zone.number,
        "role": membership.role,
        "since": membership.since.isoformat() if membership.since else None,
        "until": membership.until.isoformat() if membership.until else None,
    }


def remember_membership(sender, instance, **kwargs):
    instance._audit_before = None
    if instance.pk is not None:
        instance._audit_before = (
            sender._default_manager.filter(pk=instance.pk).values("active", "until").first()
        )


def on_membership_saved(sender, instance, created, **kwargs):
    if created:
        record(Kind.MEMBERSHIP_STARTED, user=instance.user, **_membership_detail(instance))
        return
    before = getattr(instance, "_audit_before", None)
    if before is None:
        return
    ended = (before["active"] and not instance.active) or (
        before["until"] is None and instance.until is not None
    )
    if ended:
        record(Kind.MEMBERSHIP_ENDED, user=instance.user, **_membership_detail(instance))


def connect() -> None:
    """Connect every receiver (from RoundtableConfig.ready)."""
    from allauth.account import signals as account_signals
    from allauth.mfa import signals as mfa_signals
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model
    from django.contrib.auth import signals as auth_signals
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

    from zones.models import Membership

    user_model = get_user_model()
    pairs = [
        (auth_signals.user_logged_in, on_logged_in, None),
        (auth_signals.user_login_failed, on_login_failed, None),
        (auth_signals.user_logged_out, on_logged_out, None),
        (account_signals.password_changed, on_password_changed, None),
        (account_signals.password_set, on_password_set, None),
        (account_signals.password_reset, on_password_reset, None),
        (mfa_signals.authenticator_added, on_authenticator_added, None),
        (post_delete, on_authenticator_deleted, Authenticator),
        (mfa_signals.authenticator_reset, on_authenticator_reset, None),
        (mfa_signals.authenticator_used, on_authenticator_used, None),
        (mfa_signals.authentication_failed, on_mfa_failed, None),
        (m2m_changed, on_groups_changed, user_model.groups.through),
        (pre_save, remember_user_flags, user_model),
        (post_save, on_user_saved, user_model),
        (pre_save, remember_membership, Membership),
        (post_save, on_membership_saved, Membership),
    ]
    for signal, receiver, sender in pairs:
        uid = f"roundtable.audit.{receiver.__name__}"
        signal.connect(receiver, sender=sender, dispatch_uid=uid)
