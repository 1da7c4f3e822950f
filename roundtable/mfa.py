"""Two-step verification (allauth.mfa: an authenticator app, with recovery codes) is required
for everyone who can change what others see: the metropolitan staff, users who reach the admin
(``is_staff``) and administrators (superusers).

``MFARequiredMiddleware`` sends such a user without an authenticator app to set one up, and
lets them do nothing else until they have: every page, the admin and htmx requests (answered
with ``HX-Redirect``, so the browser leaves the fragment for the whole page). The pages needed
to set it up, to leave, and the public legal pages stay open. ``MFAAdapter`` refuses to
deactivate the authenticator app of such a user: they would lock themselves out at once. An
administrator can still delete a lost phone's authenticator in the admin; the user then sets up
a new one at their next request.

Spokespersons are not required to (they may still turn it on from their account page).
``settings.MFA_REQUIRED_FOR_STAFF`` switches the requirement on.
"""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

# The pages a user who must set up two-step verification may still open.
ALLOWED_URL_NAMES = {
    "mfa_index",
    "mfa_activate_totp",
    "mfa_reauthenticate",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "account_reauthenticate",
    "account_logout",
    "set_language",
    "healthz",
    "privacy",
    "accessibility",
}


def mfa_required(user) -> bool:
    """Staff, admin users and administrators must use two-step verification."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if not getattr(settings, "MFA_REQUIRED_FOR_STAFF", False):
        return False
    return user.is_staff or user.is_superuser or user.has_perm("zones.act_as_staff")


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def _allowed(request) -> bool:
    path = request.path_info
    for prefix in (settings.STATIC_URL, settings.MEDIA_URL):
        if prefix and path.startswith("/" + prefix.lstrip("/")):
            return True
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.url_name in ALLOWED_URL_NAMES


# In the session: the id of its user, once known to have an authenticator app, so that a page
# costs no query to check it. Set at log-in (the code was asked then) or at the first request
# that finds the app; an app deleted later (an administrator resetting a lost phone) ends the
# user's sessions, so no session outlives the app it was opened with.
SESSION_KEY = "roundtable.mfa.totp_user"


def remember_totp_at_log_in(sender, request, user, **kwargs):
    """user_logged_in receiver."""
    if request is not None and hasattr(request, "session") and has_totp(user):
        request.session[SESSION_KEY] = user.pk


def end_sessions_when_required_app_deleted(sender, instance, **kwargs):
    """post_delete receiver for allauth's Authenticator."""
    if instance.type == instance.Type.TOTP and mfa_required(instance.user):
        from .anonymise import end_sessions

        end_sessions(instance.user)


def connect() -> None:
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.signals import user_logged_in
    from django.db.models.signals import post_delete

    user_logged_in.connect(remember_totp_at_log_in, dispatch_uid="roundtable.mfa.log_in")
    post_delete.connect(
        end_sessions_when_required_app_deleted,
        sender=Authenticator,
        dispatch_uid="roundtable.mfa.app_deleted",
    )


def _session_has_totp(request, user) -> bool:
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) == user.pk:
        return True
    if not has_totp(user):
        return False
    if session is not None:
        session[SESSION_KEY] = user.pk
    return True


class MFARequiredMiddleware:
    """After allauth's AccountMiddleware: ``request.user`` is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.mfa_setup_required = False
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        # A session known to belong to a user with the app costs no query (nor a permission
        # lookup); otherwise the role is checked (permissions are then cached for the request).
        known = (
            session is not None
            and user is not None
            and user.is_authenticated
            and session.get(SESSION_KEY) == user.pk
        )
        if not known and mfa_required(user) and not _session_has_totp(request, user):
            # Read by the set-up pages, which explain why they are shown.
            request.mfa_setup_required = True
            if not _allowed(request):
                return self._to_setup(request)
        return self.get_response(request)

    def _to_setup(self, request):
        url = reverse("mfa_activate_totp")
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Two-step verification is required for the metropolitan staff and administrators: "
            "it cannot be deactivated. If you lost your phone, ask an administrator."
        ),
    }

    def can_delete_authenticator(self, authenticator) -> bool:
        if authenticator.type == authenticator.Type.TOTP and mfa_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
