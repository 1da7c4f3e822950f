"""(being written)"""

from django.http import Http404


def practice_create(request, *args, **kwargs):
    raise Http404


def practice_edit(request, *args, **kwargs):
    raise Http404


def practice_transition(request, *args, **kwargs):
    raise Http404


def moderation_queue(request, *args, **kwargs):
    raise Http404


def my_zone(request, *args, **kwargs):
    raise Http404

def detail_context(request, practice) -> dict:
    """Context for the lifecycle actions (edit link, transition forms, moderation history) on the practice page."""
    return {}
