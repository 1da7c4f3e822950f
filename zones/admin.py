"""Admin for the territory: zones, municipalities (with their evidence) and memberships."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Membership, Municipality, Zone


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
