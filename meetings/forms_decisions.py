"""Forms for decisions, their action items and the zones' progress updates.

They check that the input is complete; the rules (vote counts against the zones present, the
allowed moves of an action, who reports for which zone) stay in ``meetings.services``.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.tagging import PlanTagsFormMixin
from zones.models import Zone

from .models import ActionItem, Decision

VOTE_FIELDS = ("votes_for", "votes_against", "abstentions")


class DateInput(forms.DateInput):
    """A native date picker; its value is ISO (yyyy-mm-dd) in every language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _count(label):
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=999)


class DecisionEditForm(PlanTagsFormMixin, forms.Form):
    """What can be corrected after the fact: the wording, the kind (not how it was taken) and
    the axes of the Strategic Plan in force (``plans.tagging``)."""

    text = forms.CharField(
        label=_("Text of the decision"), widget=forms.Textarea(attrs={"rows": 5})
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Decision.Kind.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, tagged=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_plan_tags(tagged=tagged)

    def clean(self):
        cleaned = super().clean()
        self.complete_plan_tags(cleaned)
        return cleaned


class DecisionForm(DecisionEditForm):
    method = forms.ChoiceField(
        label=_("How it was taken"),
        choices=Decision.Method.choices,
        initial=Decision.Method.CONSENSUS,
        widget=forms.RadioSelect,
    )
    votes_for = _count(_("In favour"))
    votes_against = _count(_("Against"))
    abstentions = _count(_("Abstaining"))

    field_order = ["text", "kind", "method", *VOTE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = Decision.Kind.DECISION

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("method") == Decision.Method.VOTE:
            for name in VOTE_FIELDS:
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, _("A vote records this count (0 if none)."))
        else:
            for name in VOTE_FIELDS:
                cleaned[name] = None
        return cleaned


class ActionForm(PlanTagsFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    zones = forms.ModelMultipleChoiceField(
        label=_("Assigned zones"),
        queryset=Zone.objects.order_by("number"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Assign the action to at least one zone.")},
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput)
    practice = forms.ModelChoiceField(
        label=_("Linked practice"),
        required=False,
        queryset=None,
        empty_label=_("None"),
        help_text=_("A practice of the catalogue the action builds on or produces, if any."),
    )

    def __init__(self, *args, practices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practice"].queryset = practices
        self.add_plan_tags()

    def clean(self):
        cleaned = super().clean()
        self.complete_plan_tags(cleaned)
        return cleaned


NO_CHANGE = ""


class ActionUpdateForm(forms.Form):
    """A zone's progress report; the status may move on only as ``services.ACTION_MOVES``
    allows from where the action is now."""

    zone = forms.ModelChoiceField(
        label=_("For the zone"), queryset=Zone.objects.none(), empty_label=_("Choose the zone")
    )
    text = forms.CharField(
        label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    to_status = forms.ChoiceField(label=_("New status"), required=False, widget=forms.RadioSelect)
    drop_reason = forms.CharField(
        label=_("Why it is dropped"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the action is dropped: the reason is kept."),
    )

    def __init__(self, *args, zones, moves, **kwargs):
        super().__init__(*args, **kwargs)
        zones = list(zones)
        self.fields["zone"].queryset = Zone.objects.filter(pk__in=[zone.pk for zone in zones])
        # One zone to report for: nothing to choose.
        self.only_zone = zones[0] if len(zones) == 1 else None
        if self.only_zone:
            self.fields["zone"].initial = self.only_zone.pk
            self.fields["zone"].required = False
            self.fields["zone"].widget = forms.HiddenInput()
        labels = dict(ActionItem.Status.choices)
        self.fields["to_status"].choices = [
            (NO_CHANGE, _("No change")),
            *[(status, labels[status]) for status in ActionItem.Status.values if status in moves],
        ]
        self.fields["to_status"].initial = NO_CHANGE

    def clean_zone(self):
        return self.cleaned_data["zone"] or self.only_zone

    def clean(self):
        cleaned = super().clean()
        dropping = cleaned.get("to_status") == ActionItem.Status.DROPPED
        if dropping and not cleaned.get("drop_reason", "").strip():
            self.add_error("drop_reason", _("Say why the action is dropped: the reason is kept."))
        return cleaned


class ActionFilterForm(forms.Form):
    """The action list's filters, as plain GET parameters: ``?zone=5&status=overdue``. A value
    that does not validate is not applied."""

    OPEN, OVERDUE = "open", "overdue"
    STATUS_CHOICES = [
        ("", _("Any status")),
        (OPEN, _("Open (including in progress)")),
        (OVERDUE, _("Overdue")),
        (ActionItem.Status.DONE, _("Done")),
        (ActionItem.Status.DROPPED, _("Dropped")),
    ]

    zone = forms.ModelChoiceField(
        label=_("Zone"),
        required=False,
        queryset=Zone.objects.order_by("number"),
        to_field_name="number",
        empty_label=_("All zones"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def filter_queryset(self, actions):
        self.is_valid()  # the valid filters are in cleaned_data, the others are left out
        zone, status = self.cleaned_data.get("zone"), self.cleaned_data.get("status")
        if zone:
            actions = actions.filter(zones=zone)
        if status == self.OPEN:
            actions = actions.open()
        elif status == self.OVERDUE:
            actions = actions.overdue()
        elif status:
            actions = actions.filter(status=status)
        return actions
