"""Admin for the territory: zones, municipalities (with their evidence) and memberships."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Membership, Municipality, Notification, NotificationPreference, Zone


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "official_name", "municipality_count", "colour"]
    list_display_links = ["number", "name"]
    search_fields = ["name", "official_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["number"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(municipality_count=Count("municipalities"))

    @admin.display(description=_("municipalities"), ordering="municipality_count")
    def municipality_count(self, obj):
        return obj.municipality_count


class AssignedFilter(admin.SimpleListFilter):
    title = _("assignment")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("yes", _("Assigned to a zone")), ("no", _("Not yet assigned"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(zone__isnull=False)
        if self.value() == "no":
            return queryset.filter(zone__isnull=True)
        return queryset


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "istat_code", "zone", "population", "area_km2", "zone_evidence"]
    list_filter = [AssignedFilter, "zone", "zone_evidence"]
    search_fields = ["name", "istat_code", "cadastral_code"]
    list_select_related = ["zone"]
    autocomplete_fields = ["zone"]
    list_per_page = 100


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "user_email", "zone", "role", "since", "until", "active"]
    list_filter = ["active", "role", "zone"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "zone__name"]
    list_select_related = ["user", "zone"]
    autocomplete_fields = ["user", "zone"]
    date_hierarchy = "since"

    @admin.display(description=_("e-mail"), ordering="user__email")
    def user_email(self, obj):
        return obj.user.email


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "frequency", "last_digest_at"]
    list_filter = ["frequency"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["last_digest_at"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What each user was told, for support; written by the portal, so read-only here."""

    list_display = ["created_at", "user", "kind", "subject_line", "read_at", "emailed_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "kind", "key"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = ["user", "kind", "texts", "url", "key", "created_at", "read_at", "emailed_at"]

    @admin.display(description=_("subject"))
    def subject_line(self, obj):
        return obj.subject

    def has_add_permission(self, request):
        return False
