"""Template tags of the Strategic Plan: the tags of a practice, decision or action item."""

from django import template

from plans.tagging import tag_tree

register = template.Library()


@register.simple_tag
def plan_tags_of(obj) -> list[dict]:
    """``obj``'s axes, each with its strategies and their actions (prefetch them first with
    ``plans.tagging.prefetch_plan_tags``: then this runs no query)."""
    return tag_tree(obj)
