"""Forms shared by the whole portal: the renderer (Bootstrap Italia markup), the log-in form,
and the forms of account deletion (the user's request, staff's confirmation or refusal)."""

from allauth.account import forms as allauth_forms
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


class LoginForm(allauth_forms.LoginForm):
    """allauth's log-in form, without the reset link in the password's help text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""


class DeletionRequestForm(forms.Form):
    """The user's request to delete their account: an optional reason, and an explicit yes."""

    reason = forms.CharField(
        label=_("Why you want your account deleted (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the metropolitan staff read it; it is erased with your account."),
    )
    understood = forms.BooleanField(
        label=_(
            "I understand that my personal data will be erased and that I will no longer be "
            "able to log in."
        ),
        error_messages={"required": _("Tick the box to confirm that you want this.")},
    )


class DeletionConfirmForm(forms.Form):
    """Staff confirm the erasure: it cannot be undone, so they tick a box first."""

    erase = forms.BooleanField(
        label=_("Erase this account's personal data now (this cannot be undone)"),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )


class DeletionDeclineForm(forms.Form):
    decline_reason = forms.CharField(
        label=_("Why the request is declined"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The user reads it in the e-mail that tells them."),
        error_messages={"required": _("Say why the request is declined: the user will read it.")},
    )
