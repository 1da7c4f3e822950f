"""gunicorn settings for the portal (``gunicorn -c deploy/gunicorn.conf.py roundtable.wsgi``).

Every value can be changed from the environment, so that the same file serves ``make serve``,
the container image and the scale-out test.
"""

import multiprocessing
import os

wsgi_app = "roundtable.wsgi:application"

# Where to listen: GUNICORN_BIND wins; otherwise this machine only (the proxy runs beside us)
# on PORT, 8000 by default. The container image listens on every interface (GUNICORN_BIND).
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"

# Synchronous workers: the usual 2 x cores + 1, since a request mostly waits on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"

# A request that takes longer than this is stuck: its worker is replaced. Attachment uploads of
# 10 MB over a slow line stay well under a minute.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Behind the proxy, which keeps connections to us open for a while.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Replace each worker now and then, so that slow growth of memory never accumulates.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200

# No access log: roundtable.middleware.RequestLogMiddleware writes one JSON line per request
# (without query strings or personal data). Errors still go to standard error.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn would itself mark a request as HTTPS when a client at forwarded_allow_ips (127.0.0.1
# by default) sends X-Forwarded-Proto, whatever DJANGO_TRUST_X_FORWARDED_PROTO says. One place
# decides: Django's setting (see roundtable/settings.py), so gunicorn trusts no such header.
secure_scheme_headers = {}
forwarded_allow_ips = "127.0.0.1,::1"

# gunicorn's control socket (for gunicornc) sits at one fixed path in the home folder, which
# two instances on one machine would share, and which a read-only container home cannot hold.
# The portal is managed through signals and its supervisor instead.
control_socket_disable = True
