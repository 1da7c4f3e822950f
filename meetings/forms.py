"""Forms of the meetings pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Invitation


class InvitationAnswerForm(forms.Form):
    """A zone's answer to an invitation; the service checks the rules again."""

    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[c for c in Invitation.Answer.choices if c[0] != Invitation.Answer.PENDING],
        widget=forms.RadioSelect,
    )
    attendees = forms.CharField(label=_("Who will come"), required=False, max_length=300)
    substitute = forms.CharField(
        label=_("Substitute"),
        required=False,
        max_length=200,
        help_text=_("Name and role of the person coming for the zone, if you send a substitute."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") == Invitation.Answer.SUBSTITUTE and not cleaned.get("substitute"):
            self.add_error("substitute", _("Name the substitute who will come for the zone."))
        return cleaned
