"""The form of an expert opinion on a published practice.

Plain text (paragraphs kept), like the practice's other record fields: an opinion is read
beside the practice, not laid out. The form carries the moment the opinion was last saved
(``loaded_at``): if someone else (the author, or staff) saved it in between, the save is
refused and the typed text shown again with the current version (``views.opinions``).
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms_editing import DateInput
from .models import ExpertOpinion

EARLIEST_YEAR = 2000


class ExpertOpinionForm(forms.ModelForm):
    loaded_at = forms.DateTimeField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={
            "invalid": _(
                "The form lost the moment it was loaded: copy your text, reload the page and "
                "save again."
            ),
        },
    )

    class Meta:
        model = ExpertOpinion
        fields = ["assessment", "strengths", "conditions_for_transfer", "given_on"]
        widgets = {
            "assessment": forms.Textarea(attrs={"rows": 10}),
            "strengths": forms.Textarea(attrs={"rows": 5}),
            "conditions_for_transfer": forms.Textarea(attrs={"rows": 5}),
            "given_on": DateInput,
        }
        help_texts = {
            "assessment": _(
                "Your assessment of the practice: what it achieves, how solid the evidence is, "
                "what is new in it. A blank line starts a new paragraph."
            ),
            "strengths": _("What works particularly well."),
            "conditions_for_transfer": _(
                "What another zone or territory needs to take it up successfully, and the risks."
            ),
            "given_on": _("The date of the opinion; today or earlier."),
        }
        error_messages = {
            "assessment": {"required": _("Write the assessment: it is the opinion itself.")},
            "given_on": {"required": _("Give the date of the opinion.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's default is a callable (today): drawn as a plain value, without the hidden
        # "initial-" copy Django adds for such defaults.
        self.fields["given_on"].show_hidden_initial = False
        if self.instance.pk is not None:
            self.fields["loaded_at"].required = True
            self.fields["loaded_at"].error_messages["required"] = self.fields[
                "loaded_at"
            ].error_messages["invalid"]
            self.initial.setdefault("loaded_at", self.instance.updated_at.isoformat())

    def clean_given_on(self):
        day = self.cleaned_data["given_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("The opinion cannot be dated in the future."), code="future"
            )
        if day.year < EARLIEST_YEAR:
            raise forms.ValidationError(
                _("Give a date from the year %(year)d on."),
                code="implausible_year",
                params={"year": EARLIEST_YEAR},
            )
        return day

    def is_stale(self) -> bool:
        """Whether the opinion was saved by someone else after this form was loaded (ask
        inside the transaction that saves, with the row locked)."""
        if self.instance.pk is None:
            return False
        current = (
            ExpertOpinion.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        return current != self.cleaned_data.get("loaded_at")
