"""Meeting pages: decisions and action items (being built)."""

from django.http import Http404
from django.urls import path


def action_detail(request, pk: int):
    raise Http404


urlpatterns = [path("azioni/<int:pk>/", action_detail, name="action-detail")]


def detail_context(request, meeting) -> dict:
    """What the meeting's page needs from this part (none yet)."""
    return {}
