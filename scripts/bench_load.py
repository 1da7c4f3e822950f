"""The benchmark's load generator: a few threads with persistent HTTP connections.

Light on purpose, since it shares the cores with the server it measures: each client is a
thread with its own ``http.client`` connection (it reconnects when a sync gunicorn worker
closes it), sending GET requests back to back for a fixed time after a warm-up.
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode


@dataclass
class Result:
    requests: int
    seconds: float
    latencies: list[float]
    queries: list[int] = field(default_factory=list)
    errors: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Latency in milliseconds at percentile ``p`` (nearest rank)."""
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000

    @property
    def max_queries(self) -> int | None:
        return max(self.queries) if self.queries else None


class Client:
    def __init__(self, host: str, port: int, cookies: dict[str, str] | None = None):
        self.host, self.port = host, port
        self.cookies = dict(cookies or {})
        self.connection = http.client.HTTPConnection(host, port, timeout=30)

    def _headers(self, extra=None):
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "it"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def request(self, method: str, path: str, body=None, headers=None):
        try:
            self.connection.request(method, path, body=body, headers=self._headers(headers))
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()
            self.connection.request(method, path, body=body, headers=self._headers(headers))
            response = self.connection.getresponse()
        data = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.will_close:
            self.connection.close()
        return response, data

    def get(self, path: str):
        return self.request("GET", path)


def log_in(host: str, port: int, email: str, password: str) -> dict[str, str]:
    """Log in through the real login form; the cookies of the logged-in session."""
    client = Client(host, port)
    response, body = client.get("/account/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if response.status != 200 or not token:
        raise RuntimeError(f"login page: HTTP {response.status}")
    form = urlencode(
        {"login": email, "password": password, "csrfmiddlewaretoken": token.group(1).decode()}
    )
    response, _ = client.request(
        "POST",
        "/account/login/",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    if response.status != 302 or "sessionid" not in client.cookies:
        raise RuntimeError(f"login failed: HTTP {response.status}")
    return client.cookies


def run(
    host, port, path, cookies, clients: int, seconds: float, warmup: float
) -> tuple[Result, int]:
    """Load ``path`` with ``clients`` concurrent clients for ``seconds`` after ``warmup``;
    the result and the HTTP status of the last response."""
    start_barrier = threading.Barrier(clients + 1)
    lock = threading.Lock()
    latencies: list[float] = []
    queries: list[int] = []
    counters = {"requests": 0, "errors": 0, "status": 0}
    window = {}

    def worker():
        client = Client(host, port, cookies)
        mine, my_queries, errors, status = [], [], 0, 0
        start_barrier.wait()
        measure_from, stop_at = window["from"], window["to"]
        while True:
            began = time.perf_counter()
            if began >= stop_at:
                break
            response, _ = client.get(path)
            ended = time.perf_counter()
            status = response.status
            header = response.getheader("X-Bench-Queries")
            if header is not None:  # warm-up included: it holds the misses of a cache
                my_queries.append(int(header))
            if began >= measure_from:
                mine.append(ended - began)
                if status != 200:
                    errors += 1
        with lock:
            latencies.extend(mine)
            queries.extend(my_queries)
            counters["requests"] += len(mine)
            counters["errors"] += errors
            counters["status"] = status

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window["from"], window["to"] = now + warmup, now + warmup + seconds
    start_barrier.wait()
    for thread in threads:
        thread.join()
    result = Result(counters["requests"], seconds, latencies, queries, counters["errors"])
    return result, counters["status"]


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000
