"""Template helpers for practices: ``{{ text|markdown }}``, the status badge's colour, the
name of an attachment's type and of a person."""

from django import template

from practices import markdown as markdown_module
from practices.attachments import label_for
from practices.models import Practice
from zones.people import display_name

register = template.Library()

S = Practice.Status
STATUS_BADGE = {
    S.DRAFT: "bg-secondary",
    S.SUBMITTED: "bg-primary",
    S.CHANGES_REQUESTED: "bg-warning text-dark",
    S.PUBLISHED: "bg-success",
    S.ARCHIVED: "bg-dark",
    S.REJECTED: "bg-danger",
}


@register.filter(is_safe=True)
def markdown(text, top_heading=2):
    """Markdown rendered and sanitised: ``{{ practice.description|markdown:3 }}`` starts its
    headings at ``<h3>``."""
    try:
        top_heading = int(top_heading)
    except (TypeError, ValueError):
        top_heading = 2
    return markdown_module.render(text, top_heading=top_heading)


@register.filter
def status_badge_class(status) -> str:
    """Bootstrap Italia badge classes for a practice's status."""
    return STATUS_BADGE.get(status, "bg-secondary")


@register.filter
def attachment_type(content_type) -> str:
    """A reader's name for an attachment's stored content type ("PDF", "PNG image")."""
    return label_for(content_type or "")


@register.filter
def person(user) -> str:
    """How a user is named on public pages: their name, never their e-mail address; "Former
    user" once their personal data are erased (``zones.people.display_name``)."""
    return display_name(user)
