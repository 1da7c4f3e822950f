"""Forms of the plans app.

Consultations: staff's form to open or change one (``ConsultationForm``), and a zone's answer
(``OpinionForm``: the verdict, its text, one optional remark per axis the consultation touches,
and the version the answer was loaded at). Plain forms: ``plans.services`` check the rules
again and own every side effect; these parse the input and say clearly what is missing.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import documents
from .models import Axis, Consultation, ZoneOpinion

# --- Consultations ----------------------------------------------------------------------------

#: The years a deadline may be typed in: a time outside them is a typing mistake, and one at the
#: edge of the calendar (year 1 or 9999) cannot even be converted from Italian time to UTC.
PLAUSIBLE_YEARS = range(2000, 2100)
#: The highest version number a form may carry (a larger one is not a version, and overflows
#: the database's integer).
MAX_VERSION = 2**31 - 1


class DateTimeLocalInput(forms.DateTimeInput):
    """A native date-and-time picker; its value is ISO (yyyy-mm-ddThh:mm) in every language."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DeadlineField(forms.DateTimeField):
    def clean(self, value):
        moment = super().clean(value)
        if moment is not None and moment.year not in PLAUSIBLE_YEARS:
            raise forms.ValidationError(
                _("Give a date between the years %(first)d and %(last)d."),
                code="implausible_year",
                params={"first": PLAUSIBLE_YEARS[0], "last": PLAUSIBLE_YEARS[-1]},
            )
        return moment


class AxisChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, axis: Axis) -> str:
        return str(axis)


class ConsultationForm(forms.Form):
    """Open a consultation on ``plan`` (fixed by the page), or change ``consultation``."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example: “Opinion of the zones on the 2027 update of the plan”."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What the zones are asked, and what changes in the revision. Markdown: "
            "- for lists, **bold**, [text](address) for links."
        ),
    )
    document = forms.FileField(
        label=_("Document"),
        widget=forms.ClearableFileInput(attrs={"accept": documents.ACCEPT}),
        error_messages={
            "required": _("Attach the document of the revision."),
            "empty": _("The file is empty."),
            "invalid": _("No file was received: choose the file again."),
        },
    )
    deadline = DeadlineField(
        label=_("Deadline"),
        widget=DateTimeLocalInput,
        help_text=_(
            "Date and time, Italian time. The zones may answer and revise their answer until "
            "then; after it the answers are frozen."
        ),
    )
    axes = AxisChoiceField(
        label=_("Axes the revision touches"),
        queryset=Axis.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The zones may write a remark on each of them."),
        error_messages={"required": _("Choose at least one axis that the revision touches.")},
    )

    def __init__(self, *args, plan, consultation: Consultation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.consultation = consultation
        self.checked: documents.CheckedDocument | None = None
        self.fields["axes"].queryset = Axis.objects.filter(plan=plan).order_by("number")
        document = self.fields["document"]
        document.help_text = _("%(types)s; at most %(size)s.") % {
            "types": documents.ALLOWED_LABEL,
            "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
        }
        if consultation is not None:
            document.required = False
            document.widget = forms.FileInput(attrs={"accept": documents.ACCEPT})
            document.help_text = _(
                "Leave it empty to keep “%(name)s”. To replace it: %(types)s; at most %(size)s."
            ) % {
                "name": consultation.document_name,
                "types": documents.ALLOWED_LABEL,
                "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            }
            self.fields["deadline"].help_text = _(
                "Date and time, Italian time. It can be extended, not brought forward."
            )
            if not self.is_bound:
                self.initial.update(
                    {
                        "title": consultation.title,
                        "description": consultation.description,
                        "deadline": timezone.localtime(consultation.deadline),
                        "axes": list(consultation.axes.all()),
                    }
                )

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            self.checked = documents.check_document(upload)
        return upload

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        stored = self.consultation.deadline if self.consultation is not None else None
        if stored is not None and deadline == stored.replace(second=0, microsecond=0):
            # Shown to the minute: typed back unchanged, it keeps its stored seconds.
            return stored
        if deadline <= timezone.now():
            raise forms.ValidationError(_("The deadline must be in the future."))
        if stored is not None and deadline < stored:
            raise forms.ValidationError(
                _("The deadline can be extended, not brought forward: the zones count on it.")
            )
        return deadline

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            "title": data["title"],
            "description": data["description"],
            "deadline": data["deadline"],
            "axes": data["axes"],
        }
        if data.get("document"):
            fields.update(upload=data["document"], checked=self.checked)
        return fields


class OpinionForm(forms.Form):
    """A zone's answer; one optional remark per axis the consultation touches (``remark_<n>``
    for axis number n)."""

    verdict = forms.ChoiceField(
        label=_("The zone's opinion"),
        choices=ZoneOpinion.Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the zone's opinion.")},
    )
    text = forms.CharField(
        label=_("Text of the opinion"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The zone's opinion in full, as the assembly of its mayors agreed it."),
        error_messages={"required": _("Write the text of the zone's opinion.")},
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=MAX_VERSION, initial=0
    )

    def __init__(self, *args, axes, opinion: ZoneOpinion | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.axes = list(axes)
        remarks = {}
        if opinion is not None:
            remarks = {remark.axis_id: remark.text for remark in opinion.remarks.all()}
            if not self.is_bound:
                self.initial.update(
                    {"verdict": opinion.verdict, "text": opinion.text, "version": opinion.version}
                )
        for axis in self.axes:
            name = self.remark_name(axis)
            self.fields[name] = forms.CharField(
                label=_("Remark on axis %(axis)s") % {"axis": axis},
                required=False,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            if not self.is_bound and axis.pk in remarks:
                self.initial[name] = remarks[axis.pk]

    @staticmethod
    def remark_name(axis: Axis) -> str:
        return f"remark_{axis.number}"

    def remark_fields(self):
        return [self[self.remark_name(axis)] for axis in self.axes]

    def clean(self):
        cleaned = super().clean()
        remarked = any(cleaned.get(self.remark_name(axis)) for axis in self.axes)
        if cleaned.get("verdict") == ZoneOpinion.Verdict.FAVOURABLE_WITH_REMARKS and not remarked:
            self.add_error(
                "verdict",
                _("A favourable opinion with remarks needs at least one remark on an axis."),
            )
        return cleaned

    def remarks(self) -> dict[int, str]:
        return {axis.pk: self.cleaned_data.get(self.remark_name(axis), "") for axis in self.axes}
