from django import forms
from django.utils.translation import gettext_lazy as _


class MunicipalityFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Filter municipalities by name"),
        required=False,
        max_length=100,
        strip=True,
    )

    def clean_q(self):
        # NUL bytes cannot be stored or searched on PostgreSQL: drop them rather than fail.
        return self.cleaned_data["q"].replace("\x00", "")
