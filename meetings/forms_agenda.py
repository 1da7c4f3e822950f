"""Forms of the agenda: proposing or changing an item, and staff's review of a proposal.

The rules (who may propose for which zone, which answers a proposal may get) are
``meetings.services``'; these forms parse the input, offer only the sensible choices and say
clearly what is missing.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.models import Consultation
from practices.models import Practice
from zones.models import Zone

from .models import AgendaItem

#: The fields of an item that its proposer or staff type in.
ITEM_FIELDS = ("title", "description", "planned_minutes", "presenter", "practice")
AS = AgendaItem.Status


class PracticeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, practice: Practice) -> str:
        return f"{practice.title} ({practice.zone})"


class ConsultationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, consultation: Consultation) -> str:
        return f"{consultation.title} ({consultation.plan.code})"


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the zones should know beforehand, and what is to be decided."),
    )
    planned_minutes = forms.IntegerField(
        label=_("Planned duration (minutes)"),
        required=False,
        min_value=1,
        max_value=480,
    )
    presenter = forms.CharField(
        label=_("Presenter"),
        required=False,
        max_length=200,
        help_text=_("Name and role of who presents the item."),
    )
    practice = PracticeChoiceField(
        label=_("Linked practice"),
        required=False,
        queryset=Practice.objects.none(),
        empty_label=_("No practice"),
        help_text=_("A published practice of the catalogue the item is about, if any."),
    )
    consultation = ConsultationChoiceField(
        label=_("Consultation on the Strategic Plan"),
        required=False,
        queryset=Consultation.objects.none(),
        empty_label=_("No consultation"),
        help_text=_(
            "The zones' consultation on a revision of the plan that the item discusses, if any: "
            "the consultation's page shows the meeting and the decisions recorded on the item."
        ),
    )
    zone = forms.ModelChoiceField(label=_("For the zone"), queryset=Zone.objects.none())

    def __init__(self, *args, zones=None, zone_required=True, practice=None, staff=False, **kwargs):
        """``zones``: the zones the user may propose for (None: the item's zone is not asked,
        as when changing an item). A single zone that must be given is fixed, not asked.
        ``practice``: the item's current practice, kept on offer even if no longer published.
        ``staff``: only the staff link a consultation (the field is left out for the others)."""
        super().__init__(*args, **kwargs)
        published = Practice.objects.published()
        if practice is not None:
            published = published | Practice.objects.filter(pk=practice.pk)
        self.fields["practice"].queryset = published.select_related("zone").order_by(
            "zone__number", "title"
        )
        if staff:
            self.fields["consultation"].queryset = Consultation.objects.select_related(
                "plan"
            ).order_by("-deadline", "-pk")
        else:
            del self.fields["consultation"]
        self.fixed_zone = None
        zones = list(zones) if zones is not None else None
        if zones is None:
            del self.fields["zone"]
        elif zone_required and len(zones) == 1:
            self.fixed_zone = zones[0]
            del self.fields["zone"]
        else:
            field = self.fields["zone"]
            field.queryset = Zone.objects.filter(pk__in=[zone.pk for zone in zones])
            field.required = zone_required
            if zone_required:
                field.empty_label = _("Choose the zone")
                field.help_text = _("Only the zones you speak for are listed.")
            else:
                field.empty_label = _("No zone: the item goes on the agenda at once")
                field.help_text = _(
                    "An item proposed for a zone waits for review like a zone's proposal; "
                    "without a zone it is on the agenda at once."
                )

    def item_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in ITEM_FIELDS}
        fields["planned_minutes"] = fields["planned_minutes"] or None
        if "consultation" in self.fields:
            fields["consultation"] = self.cleaned_data["consultation"]
        return fields

    def chosen_zone(self):
        return self.fixed_zone or self.cleaned_data.get("zone")


#: The words of staff's buttons for each answer, in the order they are offered.
REVIEW_LABELS = {
    AS.ACCEPTED: _("Accept"),
    AS.DEFERRED: _("Defer"),
    AS.DECLINED: _("Decline"),
}


class ReviewForm(forms.Form):
    """Staff's answer to a proposal: the answer comes from the button pressed."""

    to_status = forms.ChoiceField(
        label=_("Answer"),
        choices=[(status, label) for status, label in REVIEW_LABELS.items()],
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose an answer: accept, defer or decline.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to decline; the proposing zone reads it on the meeting's page."),
    )

    def __init__(self, *args, item: AgendaItem, moves, **kwargs):
        kwargs.setdefault("prefix", f"review-{item.pk}")
        super().__init__(*args, **kwargs)
        self.item = item
        self.moves = [(status, label) for status, label in REVIEW_LABELS.items() if status in moves]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to_status") == AS.DECLINED and not cleaned.get("reason"):
            self.add_error("reason", _("Say why the item is declined: the zone is told."))
        return cleaned
