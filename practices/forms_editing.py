"""Forms for writing practices and moving them through their lifecycle.

``PracticeForm`` validates a practice (dates, themes, municipalities of the owning zone, a title
unique within the zone) and carries the version it was loaded with, so that
``services.save_practice`` can refuse a stale save. ``TransitionForm`` parses a lifecycle step;
whether the step is legal and allowed is for ``services.apply_transition`` to say.

Municipalities: the choices offered are those of the zones the user may choose, grouped by zone,
and ``clean`` checks that every chosen one belongs to the zone chosen in the same form. Limiting
the choices to a single zone would need the zone to be known before the form is drawn, which a
spokesperson of two zones (or staff) changing the zone cannot give without JavaScript.
"""

from __future__ import annotations

from django import forms
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from plans.tagging import PlanTagsFormMixin, save_plan_tags
from zones.fields import IdsField
from zones.models import Municipality, Zone
from zones.permissions import is_staff_member, zones_of

from .models import Practice, Theme, Transfer


class DateInput(forms.DateInput):
    """A native date picker; its value is always ISO (yyyy-mm-dd), whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PracticeForm(PlanTagsFormMixin, forms.ModelForm):
    # The version the form was loaded with (optimistic concurrency, see services.save_practice).
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
        error_messages={
            "required": _(
                "The form lost the version it was loaded with: copy your text, reload the page "
                "and save again."
            ),
            "invalid": _(
                "The form lost the version it was loaded with: copy your text, reload the page "
                "and save again."
            ),
        },
    )

    class Meta:
        model = Practice
        fields = [
            "title",
            "kind",
            "summary",
            "description",
            "zone",
            "municipalities",
            "themes",
            "main_institution",
            "contact_person",
            "start_date",
            "end_date",
            "resources_needed",
            "evidence_of_success",
            "difficulties",
            "potential_for_transfer",
            "recheck_by",
        ]
        field_classes = {"municipalities": IdsField, "themes": IdsField}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 12}),
            "municipalities": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "start_date": DateInput,
            "end_date": DateInput,
            "recheck_by": DateInput,
            "resources_needed": forms.Textarea(attrs={"rows": 4}),
            "evidence_of_success": forms.Textarea(attrs={"rows": 4}),
            "difficulties": forms.Textarea(attrs={"rows": 4}),
            "potential_for_transfer": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "title": _("Unique within the zone; at most 200 characters."),
            "summary": _(
                "Two or three sentences shown in the catalogue; at most 1,000 characters."
            ),
            "description": _(
                "Markdown: a blank line starts a new paragraph; **bold**, *italic*; lists with "
                "“- ” at the start of a line; headings with “## ”; links as "
                "[text](https://example.org). HTML is removed."
            ),
            "municipalities": _(
                "The municipalities of the owning zone that take part. Leave all unticked if "
                "the whole zone takes part."
            ),
            "main_institution": _("The body that leads the practice, e.g. a municipality."),
            "contact_person": _("Name and role of who can tell other zones more."),
            "resources_needed": _("People, money, tools, time."),
            "evidence_of_success": _("What shows that it works: figures, feedback, results."),
            "difficulties": _(
                "What was hard or did not work, and how it was overcome: other zones learn "
                "from it too."
            ),
            "potential_for_transfer": _(
                "What another zone needs to take it up, and what it would have to adapt."
            ),
        }
        error_messages = {
            "themes": {"required": _("Choose at least one theme.")},
            "municipalities": {
                "invalid_choice": _(
                    "One of the chosen municipalities does not exist: choose again from the list."
                ),
                "invalid_pk_value": _("“%(pk)s” is not a municipality of the list."),
            },
            "zone": {
                "invalid_choice": _("Choose the owning zone from the list."),
                "required": _("Choose the owning zone."),
            },
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Every zone is accepted by validation (the view asks permissions.can_create_practice
        # about the chosen one, so another zone is a 403); only the user's zones are offered.
        self.choosable_zones = list(
            Zone.objects.order_by("number") if is_staff_member(user) else zones_of(user)
        )
        zone = self.fields["zone"]
        zone.queryset = Zone.objects.all()
        offered = [(z.pk, str(z)) for z in self.choosable_zones]
        if len(self.choosable_zones) == 1:
            zone.choices = offered
            if not self.instance.pk:
                self.initial.setdefault("zone", self.choosable_zones[0].pk)
        else:
            zone.choices = [("", _("Choose the zone")), *offered]
        if not is_staff_member(user):
            zone.help_text = _("Only the zones you speak for are listed.")

        self.fields["themes"].queryset = Theme.objects.all()
        self.fields["municipalities"].queryset = Municipality.objects.all()
        self.fields["version"].required = self.instance.pk is not None
        if self.instance.pk is not None:
            self.initial.setdefault("version", self.instance.version)
        # The axes (strategies, actions) of the Strategic Plan in force (plans.tagging).
        self.add_plan_tags(tagged=self.instance)

    # --- validation ---------------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("zone")
        title = cleaned.get("title")
        start, end = cleaned.get("start_date"), cleaned.get("end_date")

        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))

        if zone and title and self._title_taken(zone, title):
            self.add_error(
                "title",
                _("Zone %(zone)s already has a practice called “%(title)s”: choose another title.")
                % {"zone": zone, "title": title},
            )

        municipalities = cleaned.get("municipalities")
        if zone and municipalities:
            strangers = [m.name for m in municipalities if m.zone_id != zone.pk]
            if strangers:
                self.add_error(
                    "municipalities",
                    ngettext(
                        "%(names)s is not in zone %(zone)s: choose municipalities of the "
                        "owning zone.",
                        "%(names)s are not in zone %(zone)s: choose municipalities of the "
                        "owning zone.",
                        len(strangers),
                    )
                    % {"names": ", ".join(sorted(strangers)), "zone": zone},
                )

        moved = zone and self.instance.pk and zone.pk != self.instance.zone_id
        if moved and Transfer.objects.filter(practice=self.instance, zone=zone).exists():
            self.add_error(
                "zone",
                _("Zone %(zone)s has taken up this practice: it cannot become its owner.")
                % {"zone": zone},
            )
        self.complete_plan_tags(cleaned)
        return cleaned

    def _save_m2m(self):
        super()._save_m2m()
        if self.plan_tags is not None:
            save_plan_tags(self.instance, self.plan_tags)

    def _title_taken(self, zone, title: str) -> bool:
        """The same test as the database's constraint (Lower(title) unique per zone)."""
        others = Practice.objects.filter(zone=zone).alias(lower_title=Lower("title"))
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        return others.filter(lower_title=Lower(Value(title))).exists()

    # --- display ------------------------------------------------------------------------------

    @cached_property
    def municipality_groups(self) -> list[dict]:
        """The municipalities offered, by zone; the chosen zone's group (and any group with a
        ticked box) is open, the others folded."""
        chosen = {str(pk) for pk in (self["municipalities"].value() or [])}
        current_zone = str(self["zone"].value() or "")
        rows = (
            Municipality.objects.filter(zone__in=[z.pk for z in self.choosable_zones])
            .order_by("name")
            .values_list("pk", "name", "zone_id")
        )
        by_zone: dict[int, list[dict]] = {z.pk: [] for z in self.choosable_zones}
        for pk, name, zone_id in rows:
            by_zone[zone_id].append({"pk": pk, "name": name, "checked": str(pk) in chosen})
        groups = []
        for zone in self.choosable_zones:
            options = by_zone[zone.pk]
            ticked = sum(1 for option in options if option["checked"])
            groups.append(
                {
                    "zone": zone,
                    "options": options,
                    "ticked": ticked,
                    "open": len(self.choosable_zones) == 1
                    or str(zone.pk) == current_zone
                    or ticked > 0,
                }
            )
        return groups

    def differences(self, current: Practice) -> list[dict]:
        """The fields where the saved ``current`` practice differs from this (valid) form's
        text: what to compare after a stale save was refused."""
        found = []
        for name in self.Meta.fields:
            field = self.fields[name]
            yours = self.cleaned_data.get(name)
            saved = getattr(current, name)
            if isinstance(field, forms.ModelMultipleChoiceField):
                saved_items = list(saved.all())
                if {item.pk for item in saved_items} == {item.pk for item in yours or []}:
                    continue
                shown = ", ".join(str(item) for item in saved_items)
            else:
                if (saved or None) == (yours or None):
                    continue
                shown = getattr(current, f"get_{name}_display")() if name == "kind" else saved
            found.append({"name": name, "label": field.label, "current": shown})
        if self.plan is not None:
            saved_axes = [axis for axis in current.axes.all() if axis.plan_id == self.plan.pk]
            yours = self.cleaned_data.get("axes") or []
            if {axis.pk for axis in saved_axes} != {axis.pk for axis in yours}:
                found.append(
                    {
                        "name": "axes",
                        "label": self.fields["axes"].label,
                        "current": ", ".join(str(axis) for axis in saved_axes),
                    }
                )
        return found


class TransitionForm(forms.Form):
    """One lifecycle step: the status asked for (from the button pressed) and a note."""

    to_status = forms.ChoiceField(choices=Practice.Status.choices, widget=forms.HiddenInput)
    # The version of the practice the decider saw: a decision on content that changed since
    # is refused (services.apply_transition).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        note = self.fields["note"]
        if moves and all(move.note_required for _to, move in moves):
            note.label = _("Note for the author")
            note.help_text = _(
                "Required: the author and the zone's spokespersons read it with the decision."
            )
            note.widget.attrs["required"] = True
        else:
            note.label = _("Note (optional)")
            note.help_text = _("Kept in the moderation history, for the staff to read.")

    def error_text(self) -> str:
        return " ".join(str(error) for errors in self.errors.values() for error in errors)


class ZoneChoiceForm(forms.Form):
    """Pick one of the zones on "my zone's work" (?zone=<number>)."""

    zone = forms.ModelChoiceField(
        label=_("Zone"),
        queryset=Zone.objects.none(),
        to_field_name="number",
        required=False,
        error_messages={"invalid_choice": _("That zone is not one of yours: showing all of them.")},
    )

    def __init__(self, *args, zones, all_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones
        self.fields["zone"].empty_label = all_label
