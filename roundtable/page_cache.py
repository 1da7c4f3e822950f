"""A cache of the public pages as a visitor sees them (the benchmark's fix for visitors).

What is cached: the response to a visitor's GET of one of ``CACHED_VIEWS`` (home, catalogue,
practice, zone, meeting, open data), when the request carries no session cookie (so nobody
logged in, and nothing in the session can change the page), no pending message and is not an
htmx request (partial pages vary on htmx headers). The key is the language and the full
address (scheme, host, path and query string); only 200 responses with no cookie of their own
are kept.

The CSRF token: every page holds one (the language switch is a POST form). It is replaced in
the stored copy by a placeholder, and the current visitor's own token is put back when the copy
is served, so no visitor ever receives another's token. A page holding a second, different
token (rendered from another context) is not cached.

Invalidation: every key carries a *generation*; anything that may change a public page starts
a new one, which orphans every stored page at once (they expire on their own):

- any request that is not a read (POST, PUT, PATCH, DELETE), whoever makes it, since the
  portal's pages and the admin change data only through such requests (some changes use
  ``QuerySet.update``, which sends no signal);
- any model saved or deleted, or a many-to-many changed, outside a request too (management
  commands, the task worker, a shell), except the ones no public page shows (sessions, logs).

Pages also show things that change with time alone ("in 3 days", upcoming meetings): each copy
lives ``settings.PAGE_CACHE_SECONDS`` at most (0 turns the cache off; it is off by default in
development and tests, 60 seconds in production).
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

logger = logging.getLogger(__name__)
GENERATION_KEY = "roundtable:page-cache:generation"
PLACEHOLDER = b"\x00roundtable-csrf-token\x00"
CACHED_VIEWS = {
    "home",
    "privacy",
    "accessibility",
    "practices:practice-list",
    "practices:practice-detail",
    "zones:zone-list",
    "zones:zone-detail",
    "meetings:meeting-list",
    "meetings:meeting-detail",
    "opendata",
    "opendata-catalogue",
    "opendata-schema",
    "opendata-api-index",
    "opendata-api-list",
    "opendata-api-detail",
}
# Changes to these models show on no public page.
IGNORED_APPS = {
    "migrations",
    "sessions",
    "admin",
    "contenttypes",
    "django_tasks_database",
    "django_tasks_db",
}
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_ANY_TOKEN = re.compile(rb'csrfmiddlewaretoken" value="|X-CSRFToken": "')
_SKIPPED_HEADERS = {"set-cookie", "content-length"}


def seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 0)


def invalidate() -> None:
    """Start a new generation: no page stored so far is served again.

    A cache that cannot be written (no cache table yet while ``migrate`` runs, Redis down) is
    logged, never raised: the change itself must not fail, and pages are not served from a
    cache that cannot be reached either."""
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # the cache backends raise their own errors (database, Redis)
        logger.warning("page cache: could not start a new generation", exc_info=True)


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        # add(): two processes starting a generation at once agree on the first one.
        if not cache.add(GENERATION_KEY, generation, None):
            generation = cache.get(GENERATION_KEY, generation)
    return generation


def _key(request) -> str:
    # Scheme and host too: the open data's links are absolute.
    path = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"roundtable:page:{_generation()}:{translation.get_language()}:{path}"


def _cacheable_request(request) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_HX_REQUEST" not in request.META
    )


def _strip_token(content: bytes) -> bytes | None:
    """The page with its CSRF token replaced by the placeholder; None when it holds a token
    that cannot be replaced safely."""
    found = _TOKEN.search(content)
    if found:
        content = content.replace(found.group(1), PLACEHOLDER)
    if len(_ANY_TOKEN.findall(content)) != content.count(PLACEHOLDER):
        return None
    return content


class AnonymousPageCacheMiddleware:
    """Last in ``MIDDLEWARE``: serves and stores the visitor's pages (see the module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            invalidate()
        elif getattr(request, "_page_cache_key", None):
            self._store(request._page_cache_key, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not seconds() or not _cacheable_request(request):
            return None
        match = request.resolver_match
        if match is None or match.view_name not in CACHED_VIEWS:
            return None
        key = _key(request)
        stored = cache.get(key)
        if stored is None:
            request._page_cache_key = key
            return None
        status, headers, content = stored
        if PLACEHOLDER in content:
            content = content.replace(PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response.headers[name] = value
        return response

    def _store(self, key, response) -> None:
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or "private" in response.get("Cache-Control", "")
            or "no-store" in response.get("Cache-Control", "")
        ):
            return
        content = _strip_token(response.content)
        if content is None:
            return
        headers = [(k, v) for k, v in response.headers.items() if k.lower() not in _SKIPPED_HEADERS]
        cache.set(key, (response.status_code, headers, content), seconds())


def data_changed(sender, **kwargs) -> None:
    """Signal receiver: a model changed outside the request cycle too (see the module doc)."""
    if sender._meta.app_label not in IGNORED_APPS and seconds():
        invalidate()


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    uid = "roundtable.page_cache.data_changed"
    post_save.connect(data_changed, dispatch_uid=f"{uid}.save")
    post_delete.connect(data_changed, dispatch_uid=f"{uid}.delete")
    m2m_changed.connect(data_changed, dispatch_uid=f"{uid}.m2m")
