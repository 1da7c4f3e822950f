"""The user admin: memberships inline, and an action that invites new users by e-mail; the
account deletion requests, read-only (staff decide them on the portal's page)."""

from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from zones.models import Membership

from .audit import AuditEvent
from .invitations import send_invitation
from .models import AccountDeletionRequest

User = get_user_model()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["zone", "role", "since", "until", "active"]
    autocomplete_fields = ["zone"]


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "memberships__zone"]
    search_fields = ["email", "first_name", "last_name", "username"]
    actions = ["send_invitations"]
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "first_name",
                    "last_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    # Staff manage accounts (create, invite, deactivate, zones) but grant no rights: who is
    # staff, administrator, in which group or with which permission is an administrator's
    # decision, and an administrator's own account is out of staff's reach (its e-mail or
    # password changed would hand it over).
    ADMINISTRATOR_ONLY_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [name for name in self.ADMINISTRATOR_ONLY_FIELDS if name not in fields]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Send an invitation e-mail with a link to set the password"))
    def send_invitations(self, request, queryset):
        sent, skipped = 0, []
        for user in queryset:
            if not user.email or not user.is_active:
                skipped.append(str(user))
                continue
            send_invitation(request=request, user=user)
            sent += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "Invitation sent to %(count)d user.",
                    "Invitations sent to %(count)d users.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                _("Not sent (no e-mail address, or account inactive): %(users)s")
                % {"users": ", ".join(skipped)},
                messages.WARNING,
            )


@admin.register(AccountDeletionRequest)
class AccountDeletionRequestAdmin(admin.ModelAdmin):
    """Requests are decided on the portal's page (it erases the account and e-mails the user);
    the admin only shows them."""

    list_display = ["user", "status", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["user", "decided_by"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    date_hierarchy = "requested_at"
    fields = [
        "user",
        "reason",
        "requested_at",
        "status",
        "decided_by",
        "decided_at",
        "decline_reason",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The security audit log, for administrators only, read-only: events are written by
    roundtable.audit and deleted only by ``manage.py prune_audit_log``."""

    list_display = ["at", "kind", "user", "actor", "identifier", "ip_address"]
    list_filter = ["kind", "at"]
    list_select_related = ["user", "actor"]
    search_fields = ["user__email", "identifier", "actor__email"]
    date_hierarchy = "at"
    fields = ["at", "kind", "user", "actor", "identifier", "ip_address", "detail"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# allauth's own admin for authenticators shows their data, the TOTP secret and the recovery
# codes' seed included. Administrators need only see who has which method and delete one (a
# lost phone: the audit log records it); the secret never leaves the database.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
