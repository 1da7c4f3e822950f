"""The user admin: memberships inline, and an action that invites new users by e-mail."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from zones.models import Membership

from .invitations import send_invitation

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
