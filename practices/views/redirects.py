"""Where to go back after an action."""

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request) -> str | None:
    """The ``next`` field of a POST when it is a path on this site, else None."""
    target = request.POST.get("next", "")
    if (
        target.startswith("/")
        and not target.startswith("//")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return None


def back_to(request, default: str) -> HttpResponseRedirect:
    """Redirect to a safe ``next``, or to ``default``; never resolves a URL name."""
    return HttpResponseRedirect(safe_next(request) or default)
