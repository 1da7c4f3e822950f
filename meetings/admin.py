"""Admin for the meetings: statuses are read-only here (they change through the services)."""

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActionItem,
    ActionUpdate,
    AgendaItem,
    CalendarFeed,
    Decision,
    Invitation,
    Meeting,
    Minutes,
    MinutesComment,
)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "kind", "title", "presenter", "planned_minutes", "practice", "status"]
    readonly_fields = ["status"]
    autocomplete_fields = ["practice"]


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    fields = ["zone", "answer", "attendees", "substitute", "attendance", "attended_by"]
    readonly_fields = ["zone"]

    def has_add_permission(self, request, obj=None):
        return False  # every zone is invited when the meeting is scheduled

    def has_delete_permission(self, request, obj=None):
        return False


# The Strategic Plan's tags are chosen on the portal, where plans.tagging keeps them to the plan
# in force and consistent (a strategy brings its axis): shown here, not edited.
PLAN_TAGS = ["axes", "plan_strategies", "plan_actions"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["number", "title", "starts_at", "status", "is_public"]
    list_filter = ["status", "is_public"]
    search_fields = ["title", "place"]
    date_hierarchy = "starts_at"
    readonly_fields = ["status", "cancel_reason", "created_by", "created_at", "updated_at"]
    inlines = [AgendaItemInline, InvitationInline]

    def has_add_permission(self, request):
        # Scheduling invites every zone, carries open actions over and tells the zones: it is
        # done on the portal's "Schedule a meeting" page, through the service.
        return False


@admin.register(Minutes)
class MinutesAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "status", "approved_at", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["meeting"]
    search_fields = ["meeting__title", "body"]
    readonly_fields = ["status", "version", "approved_at", "approved_at_meeting"]

    def get_readonly_fields(self, request, obj=None):
        # Approved minutes are frozen here too.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "body"] if obj is not None and obj.is_frozen else fields

    def save_model(self, request, obj, form, change):
        # A change in the admin is a new version: a portal editor holding the old one is told.
        if change and "body" in form.changed_data:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(MinutesComment)
class MinutesCommentAdmin(admin.ModelAdmin):
    list_display = ["minutes", "author", "zone", "created_at"]
    list_select_related = ["minutes__meeting", "author", "zone"]
    search_fields = ["body"]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "agenda_item", "kind", "method", "created_at"]
    list_filter = ["kind", "method"]
    list_select_related = ["agenda_item__meeting"]
    search_fields = ["text", "agenda_item__title"]
    raw_id_fields = ["agenda_item"]
    # The counts are checked against the zones present when the decision is recorded.
    readonly_fields = ["method", "votes_for", "votes_against", "abstentions", *PLAN_TAGS]

    def has_add_permission(self, request):
        return False


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0
    fields = ["on", "zone", "author", "from_status", "to_status", "text"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "due_date", "status", "decision"]
    list_filter = ["status", "zones"]
    list_select_related = ["decision"]
    search_fields = ["title", "description"]
    filter_horizontal = ["zones"]
    raw_id_fields = ["decision"]
    autocomplete_fields = ["practice"]
    readonly_fields = ["status", "drop_reason", "completed_at", *PLAN_TAGS]
    inlines = [ActionUpdateInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "position", "kind", "status"]
    list_filter = ["status", "kind"]
    list_select_related = ["meeting"]
    search_fields = ["title", "description", "meeting__title"]
    readonly_fields = ["status"]
    raw_id_fields = ["meeting", "action"]
    autocomplete_fields = ["practice"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["meeting", "zone", "answer", "attendance"]
    list_filter = ["answer", "attendance", "zone"]
    list_select_related = ["meeting", "zone"]
    search_fields = ["meeting__title", "zone__name", "attendees", "substitute"]
    readonly_fields = ["meeting", "zone", "answered_by", "answered_at"]

    def has_add_permission(self, request):
        return False  # every zone is invited when the meeting is scheduled


@admin.register(ActionUpdate)
class ActionUpdateAdmin(admin.ModelAdmin):
    list_display = ["action", "zone", "on", "from_status", "to_status"]
    list_filter = ["to_status", "zone"]
    list_select_related = ["action", "zone"]
    search_fields = ["text", "action__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Who has a personal calendar feed; the token itself stays secret (users regenerate it)."""

    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    exclude = ["token"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False
