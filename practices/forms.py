"""Forms of the practice page: attachments and comments.

(The practice's own create/edit form and the transition form live in ``forms_editing``.)
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import attachments
from .models import Attachment, Comment

REASON_MAX_LENGTH = 1000


class AttachmentForm(forms.Form):
    """A file for a practice: its type is checked from the content (``practices.attachments``)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave it empty to use the file's name."),
    )
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": attachments.ACCEPT}),
        error_messages={
            "required": _("Choose a file to attach."),
            "empty": _("The file is empty."),
            "invalid": _("No file was received: choose the file again."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "attachment_%s")  # unique ids on the practice page
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(types)s; at most %(size)s.") % {
            "types": attachments.ALLOWED_LABEL,
            "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
        }
        self.checked: attachments.CheckedFile | None = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.checked = attachments.check_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.checked and not cleaned.get("title") and "title" not in self.errors:
            cleaned["title"] = PurePosixPath(self.checked.original_name).stem[:200]
        return cleaned

    def save_for(self, *, practice, by) -> Attachment:
        """Store the file under a generated name, keeping what the uploader called it."""
        return Attachment.objects.create(
            practice=practice,
            title=self.cleaned_data["title"],
            file=self.cleaned_data["file"],
            original_name=self.checked.original_name,
            content_type=self.checked.content_type,
            size=self.checked.size,
            uploaded_by=by,
            uploaded_at=timezone.now(),
        )


class CommentForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "comment_%s")  # unique ids on the practice page
        super().__init__(*args, **kwargs)

    class Meta:
        model = Comment
        fields = ["body"]
        labels = {"body": _("Your comment")}
        help_texts = {"body": _("Plain text, at most 5,000 characters. Everyone can read it.")}
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "body": {
                "required": _("Write your comment before sending it."),
                "max_length": _(
                    "A comment has at most %(limit_value)d characters (this one has "
                    "%(show_value)d): shorten it."
                ),
            }
        }


class CommentHideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it hidden?"),
        help_text=_("The reason is kept with the comment and shown to the staff."),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for hiding the comment.")},
    )


class CommentReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this comment?"),
        help_text=_("Only the staff read your report."),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what is wrong with the comment.")},
    )
