"""Exit 0 when the portal's /healthz answers 200 (database, and Redis when set), 1 otherwise.

Used by the container's HEALTHCHECK. It asks as the proxy would: with the portal's own host
name (DJANGO_ALLOWED_HOSTS) and X-Forwarded-Proto: https, so that neither the host check nor
the HTTPS redirect answers in place of the health check. A redirect counts as unhealthy.
"""

import http.client
import os
import sys

port = int(os.environ.get("HEALTHCHECK_PORT", "8000"))
host = (os.environ.get("DJANGO_ALLOWED_HOSTS") or "localhost").split(",")[0].strip()
host = host.lstrip(".") or "localhost"  # ".example.org" allows subdomains: ask for the domain
try:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"})
    response = connection.getresponse()
    body = response.read(500).decode("utf-8", "replace")
except OSError as error:
    sys.exit(f"healthz: no answer on port {port}: {error}")
if response.status != 200:
    sys.exit(f"healthz: {response.status} {body}")
