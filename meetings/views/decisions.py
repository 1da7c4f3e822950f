"""Meeting pages: decisions (being built)."""

urlpatterns = []


def detail_context(request, meeting) -> dict:
    """What the meeting's page needs from this part (none yet)."""
    return {}
