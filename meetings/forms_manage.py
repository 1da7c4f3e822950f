"""Forms with which staff schedule, change and cancel a meeting.

Plain forms rather than model forms: ``services.schedule_meeting`` and
``services.update_meeting`` validate the meeting again and own every side effect (invitations,
follow-ups, notices); these forms only parse the input and say clearly what is missing.
Times are typed in the portal's time zone (Europe/Rome) and stored aware.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Meeting

#: The fields of a meeting that staff type in (the number and the status are not typed).
MEETING_FIELDS = ("title", "starts_at", "ends_at", "place", "video_url", "is_public")


class DateTimeLocalInput(forms.DateTimeInput):
    """A native date-and-time picker; its value is ISO (yyyy-mm-ddThh:mm) in every language."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


#: The years a meeting may be typed in: a time outside them is a typing mistake, and one at the
#: edge of the calendar (year 1 or 9999) cannot even be converted from Italian time to UTC.
PLAUSIBLE_YEARS = range(2000, 2100)


class MeetingTimeField(forms.DateTimeField):
    def clean(self, value):
        moment = super().clean(value)
        if moment is not None and moment.year not in PLAUSIBLE_YEARS:
            raise forms.ValidationError(
                _("Give a date between the years %(first)d and %(last)d."),
                code="implausible_year",
                params={"first": PLAUSIBLE_YEARS[0], "last": PLAUSIBLE_YEARS[-1]},
            )
        return moment


class MeetingForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example: “Round Table of spring — school transport”."),
    )
    starts_at = MeetingTimeField(
        label=_("Starts"),
        widget=DateTimeLocalInput,
        help_text=_("Date and time, Italian time."),
    )
    ends_at = MeetingTimeField(
        label=_("Ends"),
        widget=DateTimeLocalInput,
        help_text=_("Date and time, Italian time; after the start."),
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        required=False,
        help_text=_("Address and room. Give a place, a video-call link, or both."),
    )
    video_url = forms.URLField(
        label=_("Video-call link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Shown to logged-in users only, e.g. https://meet.example.org/tavolo."),
    )
    is_public = forms.BooleanField(
        label=_("Public meeting"),
        required=False,
        initial=True,
        help_text=_("Visitors see a public meeting's title and dates, and its decisions."),
    )

    @classmethod
    def for_meeting(cls, meeting: Meeting, data=None) -> MeetingForm:
        """The form filled with a meeting's current values (to change it)."""
        initial = {name: getattr(meeting, name) for name in MEETING_FIELDS}
        return cls(data, initial=initial)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        # A mistyped link has its own error already; only say this when both are really empty.
        link_given = bool(cleaned.get("video_url")) or "video_url" in self.errors
        if not cleaned.get("place") and not link_given:
            self.add_error("place", _("Give a place, a video-call link, or both."))
        return cleaned

    def meeting_fields(self, meeting: Meeting | None = None) -> dict:
        """The typed values; for a meeting being changed, a time typed as it was shown (to the
        minute) keeps its stored seconds, so that re-saving tells nobody of a "new" time."""
        fields = {name: self.cleaned_data[name] for name in MEETING_FIELDS}
        if meeting is not None:
            for name in ("starts_at", "ends_at"):
                stored = getattr(meeting, name)
                if fields[name] == stored.replace(second=0, microsecond=0):
                    fields[name] = stored
        return fields


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the meeting cancelled?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The invited zones are told by e-mail, with this reason."),
        error_messages={"required": _("Say why the meeting is cancelled: the zones are told.")},
    )
