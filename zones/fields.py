"""Form fields shared by the apps' forms (here, at the bottom of the apps' order, so that every
app may use them, as with ``zones.uploads``)."""

from django import forms
from django.core.exceptions import ValidationError

# The largest id a database integer column holds; SQLite raises OverflowError past it.
MAX_ID = 2**63 - 1


class IdsField(forms.ModelMultipleChoiceField):
    """A multiple choice of objects by id that refuses, with the field's own message, ids that
    are not whole numbers a database can hold (instead of a server error on SQLite)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if "\x00" in text:
                continue  # the field's own validation says "Null characters are not allowed."
            # isascii: "²" and other digits Unicode knows pass isdigit() but not int().
            if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text[:20]},
                )
        return super()._check_values(value)
