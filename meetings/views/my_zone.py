"""The meetings' part of "My zone's work" (a page of the practices app, extended through
``practices.extensions``): invitations to answer, open actions and overdue ones."""


def section(request, zones) -> dict | None:
    """Being built."""
    return None
