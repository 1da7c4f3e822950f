"""Admin for the practices app: themes, practices, their lifecycle, comments, transfers and
expert opinions.

The admin asks ``practices.permissions`` like the views do, and it cannot bypass the rules
kept in ``practices.services``: a practice's status and a transfer's stage are read-only here
(they change only through ``apply_transition`` and ``move_transfer`` on the portal's pages),
transitions and transfer stages are a read-only record, and the history of changes can be
read but not reverted (a revert would restore an old status behind the state machine's back).
Attachments are uploaded on the practice page, where their content is checked.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Attachment,
    Comment,
    ExpertOpinion,
    Practice,
    Theme,
    Transfer,
    TransferStep,
    Transition,
)
from .permissions import (
    can_edit_expert_opinion,
    can_edit_practice,
    can_hide_comment,
    can_update_transfer,
)


class ReadOnlyHistoryMixin:
    """The history of changes is for reading: no revert from an old version."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyInline(admin.TabularInline):
    """An inline that shows records without letting anyone add, change or delete them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record kept by the services: listed and opened, never written through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Themes -------------------------------------------------------------------------------------


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name_it", "name_en", "slug", "practice_count"]
    search_fields = ["name_it", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_it"]}
    ordering = ["name_it"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(practice_count=Count("practices"))

    @admin.display(description=_("practices"), ordering="practice_count")
    def practice_count(self, obj):
        return obj.practice_count


# --- Practices ----------------------------------------------------------------------------------


class TransitionInline(ReadOnlyInline):
    model = Transition
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    verbose_name_plural = _("lifecycle (changed only on the practice page)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("practice", "by")


class AttachmentInline(admin.TabularInline):
    """Titles may be corrected and files removed; new files are uploaded on the practice page,
    where their type and size are checked from the content."""

    model = Attachment
    extra = 0
    fields = ["title", "download", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["download", "content_type", "size", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)


class CommentInline(ReadOnlyInline):
    """Comments are moderated from their own admin page (the link on each row)."""

    model = Comment
    fields = ["created_at", "author", "body", "reported_at", "hidden_at", "hidden_reason"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class RecheckFilter(admin.SimpleListFilter):
    title = _("re-check")
    parameter_name = "recheck"

    def lookups(self, request, model_admin):
        return [("due", _("Due")), ("planned", _("Planned")), ("none", _("No date"))]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.recheck_due()
        if self.value() == "planned":
            return queryset.filter(recheck_by__gt=timezone.localdate())
        if self.value() == "none":
            return queryset.filter(recheck_by__isnull=True)
        return queryset


class PracticeAdminForm(forms.ModelForm):
    """Carries the version the page was loaded with: a save over someone else's newer save
    (on the portal or here) is refused with a message, the typed text kept in the form."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Practice
        fields = "__all__"  # noqa: DJ007 - the admin chooses the fields (PracticeAdmin.fieldsets)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = (
                Practice.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if cleaned.get("loaded_version") != current:
                raise forms.ValidationError(
                    _(
                        "Someone else saved this practice while you were editing it. Your "
                        "text is still in the form: reload the page in another tab to see "
                        "their version, then save again here."
                    ),
                    code="stale",
                )
        return cleaned


@admin.register(Practice)
class PracticeAdmin(ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    form = PracticeAdminForm
    list_display = ["title", "zone", "kind", "status", "published_at", "recheck_by"]
    list_filter = ["status", "kind", RecheckFilter, "zone", "themes"]
    list_select_related = ["zone"]
    search_fields = ["title", "summary", "main_institution"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["zone", "municipalities"]
    filter_horizontal = ["themes"]
    readonly_fields = [
        "status_on_the_portal",
        "published_at",
        "created_by",
        "created_at",
        "updated_at",
        "version",
    ]
    fieldsets = [
        (None, {"fields": ["title", "kind", "zone", "summary", "description", "loaded_version"]}),
        (_("Lifecycle"), {"fields": ["status_on_the_portal", "published_at", "recheck_by"]}),
        (
            _("Where and when"),
            {"fields": ["main_institution", "municipalities", "themes", "start_date", "end_date"]},
        ),
        (
            _("Record"),
            {
                "fields": [
                    "resources_needed",
                    "evidence_of_success",
                    "difficulties",
                    "potential_for_transfer",
                    "contact_person",
                ]
            },
        ),
        (
            _("Changes"),
            {"fields": ["created_by", "created_at", "updated_at", "version"]},
        ),
    ]
    inlines = [TransitionInline, AttachmentInline, CommentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_practice(request.user, obj))

    @admin.display(description=_("status"))
    def status_on_the_portal(self, obj):
        if obj.pk is None:
            return Practice.Status.DRAFT.label
        return format_html(
            '{} — <a href="{}">{}</a>',
            obj.get_status_display(),
            obj.get_absolute_url(),
            _("the status changes on the practice page, with a note for the author"),
        )

    def save_model(self, request, obj, form, change):
        if change:
            # The lifecycle fields are whatever the state machine last wrote, even if a
            # transition happened while this form was open; the version moves on so a
            # form opened on the portal before this save is refused as stale.
            current = Practice.objects.select_for_update().get(pk=obj.pk)
            obj.status = current.status
            obj.published_at = current.published_at
            obj.version = current.version + 1
        else:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


# --- Lifecycle records and comments -------------------------------------------------------------


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ["practice", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status", "from_status", "practice__zone"]
    list_select_related = ["practice", "by"]
    search_fields = ["practice__title", "note"]
    date_hierarchy = "at"
    fields = ["practice", "from_status", "to_status", "by", "at", "note"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["title", "practice", "content_type", "size", "uploaded_at"]
    list_filter = ["content_type", "practice__zone"]
    list_select_related = ["practice"]
    search_fields = ["title", "original_name", "practice__title"]
    fields = [
        "title",
        "practice",
        "download",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]
    readonly_fields = [
        "practice",
        "download",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)


class HiddenFilter(admin.SimpleListFilter):
    title = _("hidden")
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(hidden_at__isnull=self.value() == "no")
        return queryset


class ReportedFilter(admin.SimpleListFilter):
    title = _("reported")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(reported_at__isnull=self.value() == "no")
        return queryset


class CommentModerationForm(forms.ModelForm):
    """Staff hide a comment (with the reason, which is kept) or show it again; the words of
    the author are not edited."""

    hidden = forms.BooleanField(label=_("Hidden"), required=False)

    class Meta:
        model = Comment
        fields = ["hidden", "hidden_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hidden"].initial = self.instance.is_hidden

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hidden") and not (cleaned.get("hidden_reason") or "").strip():
            self.add_error("hidden_reason", _("Say why the comment is hidden: the reason is kept."))
        return cleaned


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CommentModerationForm
    list_display = ["short_body", "author", "practice", "created_at", "hidden", "reported"]
    list_filter = [HiddenFilter, ReportedFilter, "practice__zone"]
    list_select_related = ["author", "practice"]
    search_fields = ["body", "author__email", "author__last_name", "practice__title"]
    date_hierarchy = "created_at"
    fields = [
        "practice",
        "author",
        "created_at",
        "body",
        "reported_by",
        "reported_at",
        "report_reason",
        "hidden",
        "hidden_reason",
        "hidden_by",
        "hidden_at",
    ]
    readonly_fields = [
        "practice",
        "author",
        "created_at",
        "body",
        "reported_by",
        "reported_at",
        "report_reason",
        "hidden_by",
        "hidden_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_hide_comment(request.user, obj)

    @admin.display(description=_("comment"))
    def short_body(self, obj):
        return obj.body if len(obj.body) <= 60 else f"{obj.body[:60]}…"

    @admin.display(description=_("hidden"), boolean=True, ordering="hidden_at")
    def hidden(self, obj):
        return obj.is_hidden

    @admin.display(description=_("reported"), boolean=True, ordering="reported_at")
    def reported(self, obj):
        return obj.reported_at is not None

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("hidden"):
            if obj.hidden_at is None:
                obj.hidden_at = timezone.now()
                obj.hidden_by = request.user
        else:
            obj.hidden_at = None
            obj.hidden_by = None
        super().save_model(request, obj, form, change)


# --- Transfers ----------------------------------------------------------------------------------


class TransferStepInline(ReadOnlyInline):
    model = TransferStep
    fields = ["on", "stage", "note", "by"]
    readonly_fields = fields
    verbose_name_plural = _("stages (recorded only on the practice page)")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("transfer__practice", "transfer__zone", "by")
        )


class TransferForm(forms.ModelForm):
    class Meta:
        model = Transfer
        fields = ["municipalities", "notes", "cost", "result", "drop_reason"]

    def clean(self):
        cleaned = super().clean()
        dropped = self.instance.stage == Transfer.Stage.DROPPED
        reason = (cleaned.get("drop_reason") or "").strip()
        if dropped and not reason:
            self.add_error(
                "drop_reason", _("Say why the transfer was dropped: the reason is kept.")
            )
        if reason and not dropped:
            self.add_error(
                "drop_reason", _("A reason for dropping goes only with the “Dropped” stage.")
            )
        outside = [
            m.name
            for m in cleaned.get("municipalities") or []
            if m.zone_id != self.instance.zone_id
        ]
        if outside:
            self.add_error(
                "municipalities",
                _("Only municipalities of the adopting zone: %(names)s is not in it.")
                % {"names": ", ".join(sorted(outside))},
            )
        return cleaned


@admin.register(Transfer)
class TransferAdmin(ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    form = TransferForm
    list_display = ["practice", "owning_zone", "zone", "stage", "updated_at"]
    list_filter = ["stage", "zone", "practice__zone"]
    list_select_related = ["practice__zone", "zone"]
    search_fields = ["practice__title", "notes", "result", "drop_reason"]
    autocomplete_fields = ["municipalities"]
    fields = [
        "practice",
        "zone",
        "stage",
        "municipalities",
        "notes",
        "cost",
        "result",
        "drop_reason",
        "created_by",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ["practice", "zone", "stage", "created_by", "created_at", "updated_at"]
    inlines = [TransferStepInline]

    def has_add_permission(self, request):
        # Interest is declared on the practice page (declare_interest): the first stage is
        # recorded and the owning zone is told.
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_update_transfer(request.user, obj))

    @admin.display(description=_("owning zone"), ordering="practice__zone__number")
    def owning_zone(self, obj):
        return obj.practice.zone

    def save_model(self, request, obj, form, change):
        obj.stage = (
            Transfer.objects.select_for_update().values_list("stage", flat=True).get(pk=obj.pk)
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.practice.refresh_search_text()  # notes, result and reason are searched


@admin.register(TransferStep)
class TransferStepAdmin(ReadOnlyAdmin):
    list_display = ["transfer", "stage", "on", "by"]
    list_filter = ["stage", "transfer__zone"]
    list_select_related = ["transfer__practice", "transfer__zone", "by"]
    search_fields = ["transfer__practice__title", "note"]
    date_hierarchy = "on"
    fields = ["transfer", "stage", "on", "note", "by", "recorded_at"]


# --- Expert opinions ----------------------------------------------------------------------------


@admin.register(ExpertOpinion)
class ExpertOpinionAdmin(ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    """Opinions are written on the practice's page, by staff or an expert (who is named as the
    author); here they are read, with every version, and corrected by staff while the practice
    is published (``can_edit_expert_opinion``)."""

    list_display = ["practice", "author", "given_on", "updated_at"]
    list_filter = ["given_on", "practice__zone"]
    list_select_related = ["practice", "author"]
    search_fields = [
        "practice__title",
        "assessment",
        "strengths",
        "conditions_for_transfer",
        "author__email",
        "author__last_name",
    ]
    date_hierarchy = "given_on"
    fields = [
        "practice",
        "author",
        "given_on",
        "assessment",
        "strengths",
        "conditions_for_transfer",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ["practice", "author", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_expert_opinion(request.user, obj))
