"""Forms of the transfer ledger: a zone declares its interest in a practice, then records each
stage of its take-up.

The forms only parse and check the input; the rules (who may, which stage may follow which) are
applied by ``practices.services.declare_interest`` and ``move_transfer``.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from zones.fields import IdsField
from zones.models import Municipality, Zone

from .models import Transfer
from .services import TRANSFER_MOVES, TRANSFER_ORDER

T = Transfer.Stage
NOTE_MAX_LENGTH = 5000
STAGE_ORDER = [*TRANSFER_ORDER, T.DROPPED]


def normalise_amount(text: str) -> str:
    """Write an amount typed in the current language the way ``Decimal`` reads it.

    Italian "1.234,50" and English "1,234.50" both become "1234.50"; "€" and spaces are dropped.
    Without the language's decimal separator, a single thousands separator not followed by
    exactly three digits is taken as a decimal point ("12.5" in Italian is 12.5, "1.234" is
    1234), as Django itself guesses in ``formats.sanitize_separators``.
    """
    for noise in ("€", " ", "\u00a0", "\u202f", "'"):
        text = text.replace(noise, "")
    if not text:
        return text
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    thousand = formats.get_format("THOUSAND_SEPARATOR")
    if decimal in text:
        whole, _separator, fraction = text.rpartition(decimal)
        return f"{whole.replace(thousand, '')}.{fraction}"
    if text.count(thousand) == 1 and len(text.rsplit(thousand, 1)[1]) != 3:
        return text.replace(thousand, ".")
    return text.replace(thousand, "")


class EuroAmountField(forms.DecimalField):
    """A non-negative amount in euro, typed as people write it in the current language."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        super().__init__(**kwargs)
        # Shown back in the current language ("1234,50" in Italian) without localize=True,
        # whose parser cannot read thousands separators unless USE_THOUSAND_SEPARATOR is on.
        self.widget.is_localized = True
        self.error_messages["min_value"] = _("The cost cannot be negative.")
        self.error_messages["invalid"] = _("Write the cost as a number of euro, e.g. 1,234.50.")

    def to_python(self, value):
        if isinstance(value, str):
            value = normalise_amount(value.strip())
        return super().to_python(value)

    def widget_attrs(self, widget):
        # DecimalField would add a "step" meant for <input type="number">: not for a text input.
        return forms.Field.widget_attrs(self, widget)


def _note_field(label, help_text=""):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TransferInterestForm(forms.Form):
    """One of the user's zones declares its interest, optionally naming its municipalities.

    ``zones`` are the zones the user may declare for (``permissions.
    zones_that_may_declare_interest``): only those are offered. Any zone is accepted as input, so
    that a zone the user does not speak for reaches the service and is refused there (403), not
    dismissed as a typing mistake.
    """

    zone = forms.ModelChoiceField(
        label=_("Zone"),
        queryset=Zone.objects.all(),
        empty_label=_("Choose the zone"),
        error_messages={"invalid_choice": _("Choose one of the zones offered.")},
    )
    municipalities = IdsField(
        label=_("Municipalities taking it up (optional)"),
        queryset=Municipality.objects.filter(zone__isnull=False).select_related("zone"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave them all unticked if the whole zone takes it up."),
        error_messages={"invalid_choice": _("Choose municipalities from the list.")},
    )
    note = _note_field(_("Note"), _("What interests your zone, and who to contact (optional)."))

    def __init__(self, *args, zones, **kwargs):
        kwargs.setdefault("prefix", "interest")
        super().__init__(*args, **kwargs)
        self.zones = list(zones)
        zone_field = self.fields["zone"]
        zone_field.widget.choices = [(zone.pk, str(zone)) for zone in self.zones]
        if len(self.zones) == 1:
            zone_field.widget = forms.HiddenInput()
            zone_field.initial = self.zones[0].pk
        else:
            zone_field.widget.choices.insert(0, ("", zone_field.empty_label))
        by_zone = {zone.pk: [] for zone in self.zones}
        for municipality in Municipality.objects.filter(zone__in=self.zones).order_by("name"):
            by_zone[municipality.zone_id].append((municipality.pk, municipality.name))
        self._groups = [(zone, by_zone[zone.pk]) for zone in self.zones if by_zone[zone.pk]]
        self.fields["municipalities"].widget.choices = [
            (str(zone), options) for zone, options in self._groups
        ]

    @property
    def only_zone(self):
        """The user's one zone, when there is nothing to choose."""
        return self.zones[0] if len(self.zones) == 1 else None

    def municipality_groups(self):
        """(zone, checkboxes, whether any is ticked) for each offered zone, in drawing order."""
        checkboxes = iter(self["municipalities"].subwidgets)
        groups = []
        for zone, options in self._groups:
            boxes = [next(checkboxes) for _ in options]
            groups.append((zone, boxes, any(box.data["selected"] for box in boxes)))
        return groups

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("zone")
        municipalities = cleaned.get("municipalities")
        if zone and municipalities:
            outside = [m.name for m in municipalities if m.zone_id != zone.pk]
            if outside:
                self.add_error(
                    "municipalities",
                    ngettext(
                        "Choose municipalities of zone %(zone)s only: %(names)s is not in it.",
                        "Choose municipalities of zone %(zone)s only: %(names)s are not in it.",
                        len(outside),
                    )
                    % {"zone": zone, "names": ", ".join(sorted(outside))},
                )
        return cleaned


class TransferStepForm(forms.Form):
    """The next dated stage of a transfer, with what was learnt on the way.

    Only the stages ``services.TRANSFER_MOVES`` allows from the transfer's current stage are
    offered. ``from_stage`` carries the stage the form was drawn for: if someone else recorded a
    stage meanwhile, the form is refused rather than applied to a ledger its author has not seen.
    """

    to_stage = forms.ChoiceField(
        label=_("Next stage"),
        error_messages={"invalid_choice": _("This stage cannot follow the current one.")},
    )
    on = forms.DateField(
        label=_("Date of this stage"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = _note_field(
        _("Adaptation notes"), _("What was changed to fit your zone, what you learnt.")
    )
    cost = EuroAmountField(
        label=_("Cost so far (€)"),
        required=False,
        help_text=_("In euro, e.g. 1,234.50. Leave empty to keep the cost recorded so far."),
    )
    result = _note_field(_("Result"), _("Leave empty to keep the result recorded so far."))
    drop_reason = _note_field(
        _("Why it is dropped"),
        _("Required when the transfer is dropped: what did not work is kept for other zones."),
    )
    from_stage = forms.CharField(widget=forms.HiddenInput, max_length=20)

    def __init__(self, *args, transfer: Transfer, **kwargs):
        kwargs.setdefault("prefix", f"transfer-{transfer.pk}")
        super().__init__(*args, **kwargs)
        self.transfer = transfer
        allowed = TRANSFER_MOVES.get(transfer.stage, set())
        self.fields["to_stage"].choices = [
            (stage.value, stage.label) for stage in STAGE_ORDER if stage in allowed
        ]
        self.fields["from_stage"].initial = transfer.stage
        self.last_step_on = max((step.on for step in transfer.steps.all()), default=None)
        date_attrs = self.fields["on"].widget.attrs
        date_attrs["max"] = timezone.localdate().isoformat()
        if self.last_step_on:
            date_attrs["min"] = self.last_step_on.isoformat()

    @property
    def is_closed(self) -> bool:
        return not TRANSFER_MOVES.get(self.transfer.stage)

    def clean_on(self):
        on = self.cleaned_data["on"]
        today = timezone.localdate()
        if on > today:
            raise forms.ValidationError(
                _("The date cannot be in the future: record a stage once it has happened.")
            )
        if self.last_step_on and on < self.last_step_on:
            raise forms.ValidationError(
                _("The date cannot be before the previous stage (%(date)s).")
                % {"date": formats.date_format(self.last_step_on)}
            )
        return on

    def clean(self):
        cleaned = super().clean()
        stage = self.transfer.get_stage_display()
        if self.is_closed:
            raise forms.ValidationError(
                _("This transfer is “%(stage)s”: its ledger is closed and kept as it is.")
                % {"stage": stage},
                code="closed",
            )
        if cleaned.get("from_stage") and cleaned["from_stage"] != self.transfer.stage:
            raise forms.ValidationError(
                _(
                    "Someone else recorded a stage meanwhile: the transfer is now “%(stage)s”. "
                    "Check its history and try again."
                )
                % {"stage": stage},
                code="stale",
            )
        to_stage = cleaned.get("to_stage")
        reason = (cleaned.get("drop_reason") or "").strip()
        if to_stage == T.DROPPED and not reason:
            self.add_error("drop_reason", _("Say why the transfer is dropped: the reason is kept."))
        elif to_stage and to_stage != T.DROPPED and reason:
            self.add_error(
                "drop_reason",
                _(
                    "A reason is kept only when the transfer is dropped: choose “Dropped” "
                    "or empty this field."
                ),
            )
        return cleaned
