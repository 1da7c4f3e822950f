"""Template context shared by every page."""

from django.conf import settings


def organisation(request):
    return {"organisation": settings.ORGANISATION}
