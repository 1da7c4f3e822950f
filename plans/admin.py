"""Admin for the plans app.

Consultations and the zones' answers: the admin lists and searches them and shows their history
of changes, but cannot bypass the rules kept in ``plans.services``. A consultation is opened on
the portal's page (its document's content is checked there, and every zone is told); here only
its wording can be corrected, never its plan, deadline, axes or document. A zone's answer is the
zone's: read-only here, with its remarks and their history.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Action, Axis, AxisRemark, Consultation, Plan, Strategy, ZoneOpinion

# --- Consultations ----------------------------------------------------------------------------


class ReadOnlyHistoryMixin:
    """The history of changes is for reading: no revert from an old version."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ZoneOpinionInline(admin.TabularInline):
    model = ZoneOpinion
    extra = 0
    can_delete = False
    fields = ["zone", "verdict", "answered_by", "answered_at", "updated_at", "version"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    list_display = ["title", "plan", "deadline", "opened_at", "answers"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["title", "description", "plan__title", "plan__code"]
    date_hierarchy = "deadline"
    fields = [
        "plan",
        "title",
        "description",
        "deadline",
        "axes",
        "document_name",
        "document_content_type",
        "document_size",
        "opened_by",
        "opened_at",
    ]
    readonly_fields = [
        "plan",
        "deadline",
        "axes",
        "document_name",
        "document_content_type",
        "document_size",
        "opened_by",
        "opened_at",
    ]
    inlines = [ZoneOpinionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(answer_count=Count("opinions"))

    @admin.display(description=_("answers"), ordering="answer_count")
    def answers(self, obj) -> int:
        return obj.answer_count

    def has_add_permission(self, request):
        # Opening checks the document's content and tells every zone: it is done on the
        # portal's "Open a consultation" page, through the service.
        return False

    def has_delete_permission(self, request, obj=None):
        # The zones' answers go with it: the record of their opinion is kept.
        return False


class AxisRemarkInline(admin.TabularInline):
    model = AxisRemark
    extra = 0
    can_delete = False
    fields = ["axis", "text"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ZoneOpinion)
class ZoneOpinionAdmin(ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    """The zones' answers, read-only: they are written on the portal by the zones, and frozen
    after the deadline."""

    list_display = ["consultation", "zone", "verdict", "updated_at", "version"]
    list_filter = ["verdict", "zone", "consultation"]
    list_select_related = ["consultation", "zone"]
    search_fields = ["text", "consultation__title", "zone__name"]
    fields = [
        "consultation",
        "zone",
        "verdict",
        "text",
        "answered_by",
        "answered_at",
        "updated_at",
        "version",
    ]
    readonly_fields = fields
    inlines = [AxisRemarkInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AxisRemark)
class AxisRemarkAdmin(ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    """The remarks and their history (a remark removed by a later version is in it)."""

    list_display = ["opinion", "axis"]
    list_select_related = ["opinion__zone", "opinion__consultation", "axis"]
    list_filter = ["opinion__consultation"]
    search_fields = ["text", "opinion__zone__name"]
    readonly_fields = ["opinion", "axis", "text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- The plans: axes, strategies, actions -----------------------------------------------------
# Usually loaded from a file (``manage.py load_plan``); here names can be corrected and a plan's
# status changed (the database allows one plan in force at a time).


# A source without a scheme is a web address over https.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class AxisInline(admin.TabularInline):
    model = Axis
    extra = 0
    fields = ["number", "name_it", "name_en", "source"]
    show_change_link = True
    formfield_overrides = URL_FIELDS


class StrategyInline(admin.TabularInline):
    model = Strategy
    extra = 0
    fields = ["code", "name_it", "name_en"]
    show_change_link = True


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ["code", "name_it", "name_en"]


@admin.register(Plan)
class PlanAdmin(ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    list_display = ["code", "title", "period", "status", "axis_count"]
    list_filter = ["status"]
    search_fields = ["code", "title", "period"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [AxisInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(axis_count=Count("axes"))

    @admin.display(description=_("axes"), ordering="axis_count")
    def axis_count(self, obj):
        return obj.axis_count


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "number", "name_it", "name_en"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["name_it", "name_en", "plan__code"]
    ordering = ["plan", "number"]
    inlines = [StrategyInline]
    formfield_overrides = URL_FIELDS


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_it", "name_en", "axis"]
    list_filter = ["axis__plan", "axis__number"]
    list_select_related = ["axis__plan"]
    search_fields = ["code", "name_it", "name_en"]
    autocomplete_fields = ["axis"]
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_it", "name_en", "strategy"]
    list_filter = ["strategy__axis__plan", "strategy__axis__number"]
    list_select_related = ["strategy__axis__plan"]
    search_fields = ["code", "name_it", "name_en", "strategy__code"]
    autocomplete_fields = ["strategy"]
