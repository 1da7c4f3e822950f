"""Forms shared by the whole portal: the renderer (Bootstrap Italia markup) and the log-in form."""

from allauth.account import forms as allauth_forms
from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


class LoginForm(allauth_forms.LoginForm):
    """allauth's log-in form, without the reset link in the password's help text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""
