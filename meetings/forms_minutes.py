"""Forms of the minutes pages: the text (with the version it was loaded at), a workflow step,
and a comment while the minutes are circulated. The services check every rule again."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from zones.models import Zone

from .models import Meeting, Minutes

MS = Minutes.Status


class MinutesForm(forms.Form):
    """The minutes' Markdown text; ``version`` is the one the editor started from, so that a
    save over someone else's newer text is refused instead of overwriting it."""

    body = forms.CharField(
        label=_("Minutes"),
        required=False,
        strip=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 24, "class": "minutes-editor"}),
        help_text=_(
            "Markdown: # for headings, - for lists, **bold**, *italics*, [text](address) for links."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def approval_meetings(meeting: Meeting, now=None):
    """The meetings at which ``meeting``'s minutes may be approved: later ones that have
    started (scheduled or held), the next one first."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(starts_at__gt=meeting.starts_at, starts_at__lte=now)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")
    )


class MinutesMoveForm(forms.Form):
    """One step of the minutes' workflow; approving names the meeting that approved them."""

    to_status = forms.ChoiceField(
        choices=[(MS.CIRCULATED, MS.CIRCULATED), (MS.DRAFT, MS.DRAFT), (MS.APPROVED, MS.APPROVED)],
        widget=forms.HiddenInput,
    )
    at_meeting = forms.TypedChoiceField(
        label=_("Approved at the meeting"),
        coerce=int,
        required=False,
        error_messages={
            "invalid_choice": _(
                "Choose a later meeting that has already started: minutes are approved there."
            )
        },
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        # Its own ids: the meeting's page holds other parts' forms too.
        kwargs.setdefault("auto_id", "id_minutes_%s")
        super().__init__(*args, **kwargs)
        # Read once: the choices, the check of the answer and ``candidates`` share one query.
        self.candidates = {option.pk: option for option in approval_meetings(meeting)}
        self.fields["at_meeting"].choices = [
            (pk, f"{option} ({_day(option)})") for pk, option in self.candidates.items()
        ]
        self.fields["to_status"].initial = MS.APPROVED

    def clean_at_meeting(self) -> Meeting | None:
        return self.candidates.get(self.cleaned_data.get("at_meeting"))

    def clean(self):
        cleaned = super().clean()
        missing = not cleaned.get("at_meeting") and "at_meeting" not in self.errors
        if cleaned.get("to_status") == MS.APPROVED and missing:
            self.add_error(
                "at_meeting", _("Choose the meeting at which the minutes were approved.")
            )
        return cleaned


def _day(meeting: Meeting) -> str:
    return date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")


class MinutesCommentForm(forms.Form):
    """A comment on circulated minutes, for one of the user's zones (asked only when the user
    speaks for several; staff without a zone comment as staff)."""

    body = forms.CharField(
        label=_("Your comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    zone = forms.ModelChoiceField(label=_("On behalf of the zone"), queryset=None)

    def __init__(self, *args, zones, **kwargs):
        kwargs.setdefault("auto_id", "id_comment_%s")
        super().__init__(*args, **kwargs)
        zones = list(zones)
        if len(zones) > 1:
            self.fields["zone"].queryset = Zone.objects.filter(
                pk__in=[zone.pk for zone in zones]
            ).order_by("number")
        else:
            del self.fields["zone"]
        self.only_zone = zones[0] if len(zones) == 1 else None

    def chosen_zone(self):
        """The zone the comment is written for (``None``: staff without a zone)."""
        return self.cleaned_data.get("zone", self.only_zone)
