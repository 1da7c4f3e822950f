"""Settings of the benchmark's server (``make bench`` only, never production).

The portal's own settings, plus two things the benchmark needs and production must not have:
the bare reference view's URL (``bench_urls``) and a header telling how many database
queries a response took (``X-Bench-Queries``), counted with ``connection.execute_wrapper``.
"""

import os

from roundtable.settings import *  # noqa: F403
from roundtable.settings import CACHES, MIDDLEWARE

ROOT_URLCONF = "bench_urls"

# Outermost, so that it counts every query of the request, middleware included.
MIDDLEWARE = ["bench_middleware.QueryCountMiddleware", *MIDDLEWARE]

# The benchmark's cache entries (sessions, pages) are kept apart from anything else on the
# same Redis by a prefix unique to the run.
if os.environ.get("BENCH_CACHE_PREFIX"):
    for cache in CACHES.values():
        cache["KEY_PREFIX"] = os.environ["BENCH_CACHE_PREFIX"]
