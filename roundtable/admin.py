"""The user admin: memberships inline, and an action that invites new users by e-mail; the
account deletion requests, read-only (staff decide them on the portal's page)."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from zones.models import Membership

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
