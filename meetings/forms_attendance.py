"""The attendance sheet: one small form per invited zone, saved together.

The service (``services.record_attendance``) checks the rules again; these forms only make
sure each row is complete before anything is saved.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Invitation


class AttendanceForm(forms.Form):
    """A zone's row of the sheet: present, absent, excused or represented by a substitute."""

    attendance = forms.ChoiceField(
        label=_("Attendance"),
        choices=Invitation.Attendance.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    attended_by = forms.CharField(
        label=_("Who attended"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, invitation: Invitation, **kwargs):
        kwargs.setdefault("prefix", f"zone-{invitation.zone.number}")
        kwargs.setdefault(
            "initial",
            {
                "attendance": invitation.attendance,
                # The name the zone announced, ready for the day it actually comes.
                "attended_by": invitation.attended_by or invitation.substitute,
            },
        )
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("attendance") == Invitation.Attendance.SUBSTITUTE
            and not cleaned.get("attended_by", "").strip()
        ):
            self.add_error("attended_by", _("Name the substitute who came for the zone."))
        return cleaned


def attendance_forms(invitations, data=None) -> list[AttendanceForm]:
    """One form per invitation, bound to ``data`` when the sheet was sent."""
    return [AttendanceForm(data, invitation=invitation) for invitation in invitations]
