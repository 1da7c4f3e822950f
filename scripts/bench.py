"""``make bench``: the portal's benchmark (not part of the tests).

Builds a large data set in a PostgreSQL database of its own (dropped and created again on each
run), serves the portal under gunicorn as in production (DJANGO_DEBUG=0, Redis when
available) and measures the key pages for a visitor and a logged-in spokesperson against a
bare Django view that renders a template without the database. Then grows the practices to
100,000 and times the Italian search. Prints a Markdown table and writes it to
bench-results.md.

Environment (all optional): BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/roundtable_bench), BENCH_REDIS_URL (default
redis://127.0.0.1:6379/14; "none" for the database cache), BENCH_SECONDS per page and user
(default 5), BENCH_WARMUP (default 1), BENCH_CLIENTS (default 10), BENCH_SCALE (1 = the full
data set of the issue; 0.1 for a quick try), BENCH_SEARCH_PRACTICES (default 100000).
"""

from __future__ import annotations

import io
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT)]

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/roundtable_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "1"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "10"))
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
SEARCH_PRACTICES = int(os.environ.get("BENCH_SEARCH_PRACTICES", "100000"))
FULL = {"practices": 10_000, "meetings": 1_000, "comments": 50_000}
SEARCH_WORD = "scolastiche"  # stems like "scolastica", "scolastico" in the data set
HOST = "127.0.0.1"
TARGET_RATIO, TARGET_P95_MS = 0.5, 60.0


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), 1):
            return True
    except OSError:
        return False


def _environment(static_root: str) -> None:
    os.environ.update(
        DATABASE_URL=DATABASE_URL,
        DJANGO_SETTINGS_MODULE="bench_settings",
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_STATIC_ROOT=static_root,
        DJANGO_CONN_MAX_AGE=os.environ.get("DJANGO_CONN_MAX_AGE", "60"),
        DJANGO_TASKS="immediate",
        BENCH_CACHE_PREFIX=f"bench-{os.getpid()}-{int(time.time())}",
        PYTHONPATH=os.pathsep.join([str(ROOT / "scripts"), str(ROOT)]),
    )
    os.environ.pop("REDIS_URL", None)
    if REDIS_URL != "none" and _reachable(REDIS_URL, 6379):
        os.environ["REDIS_URL"] = REDIS_URL


def _recreate_database() -> None:
    import psycopg

    parsed = urlparse(DATABASE_URL)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _start_server(port: int, log) -> subprocess.Popen:
    """gunicorn as ``make serve`` runs it: its config file when there is one (same worker
    formula), else 2 x cores + 1 sync workers. Only the address differs."""
    command = [str(Path(sys.executable).parent / "gunicorn"), "roundtable.wsgi"]
    config = ROOT / "deploy" / "gunicorn.conf.py"
    if config.exists():
        command += ["-c", str(config)]
    else:
        command += ["--workers", str(2 * (os.cpu_count() or 1) + 1)]
    command += ["--bind", f"{HOST}:{port}", "--chdir", str(ROOT)]
    server = subprocess.Popen(command, stdout=log, stderr=log, cwd=ROOT)  # noqa: S603
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped: see the server log")
        if _reachable(f"http://{HOST}:{port}", port):
            return server
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within a minute")


def _pages() -> list[tuple[str, str]]:
    from meetings.models import Meeting
    from practices.models import Practice, Theme
    from zones.models import Zone

    zone = Zone.objects.order_by("number")[4]
    theme = Theme.objects.order_by("slug").first()
    practice = (
        Practice.objects.published().filter(zone=zone).order_by("pk").first()
    )  # a published practice of the zone, with comments and maybe a transfer
    meeting = Meeting.objects.filter(status=Meeting.Status.HELD, is_public=True).last()
    return [
        ("bare view (reference)", "/bench/bare/"),
        ("home", "/"),
        ("catalogue", "/pratiche/"),
        ("catalogue by zone and theme", f"/pratiche/?zone={zone.number}&theme={theme.slug}"),
        (f"search “{SEARCH_WORD}”", f"/pratiche/?q={SEARCH_WORD}"),
        ("practice", f"/pratiche/{practice.pk}/"),
        ("zone", f"/zone/{zone.slug}/"),
        ("meeting", f"/riunioni/{meeting.number}/"),
        ("dashboard (logged in only)", "/cruscotto/"),
        ("open data JSON", "/dati-aperti/api/v1/pratiche/"),
    ]


def _combinations(pages, users):
    """Every page for every user, but the dashboard, which a visitor may not see."""
    for name, path in pages:
        for user, cookies in users:
            if user == "visitor" and path.startswith("/cruscotto/"):
                continue
            yield name, path, user, cookies


def _queries_once(port, path, cookies) -> int | None:
    from bench_load import Client

    response, _ = Client(HOST, port, cookies).get(path)
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}")
    header = response.getheader("X-Bench-Queries")
    return int(header) if header is not None else None


def _search_timing(port) -> tuple[float, float, int]:
    """Median time of the search query alone and of the search page, and the hits."""
    from bench_load import Client

    from practices.models import Practice
    from practices.search import RANK, search

    query_times = []
    for _ in range(7):
        started = time.perf_counter()
        found = search(Practice.objects.published(), SEARCH_WORD).order_by(f"-{RANK}", "-pk")
        hits = found.count()
        list(found[:20])
        query_times.append(time.perf_counter() - started)
    client, page_times = Client(HOST, port), []
    for _ in range(7):
        _clear_page_cache()  # the page as built, not a stored copy
        started = time.perf_counter()
        response, _ = client.get(f"/pratiche/?q={SEARCH_WORD}")
        page_times.append(time.perf_counter() - started)
        if response.status != 200:
            raise RuntimeError(f"search page: HTTP {response.status}")
    return statistics.median(query_times) * 1000, statistics.median(page_times) * 1000, hits


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def _load() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def _forget_cache_entries() -> None:
    """Remove this run's entries (sessions, pages) from Redis: they all share its prefix."""
    if "REDIS_URL" not in os.environ:
        return
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    for key in client.scan_iter(match=f"{os.environ['BENCH_CACHE_PREFIX']}:*", count=1000):
        client.delete(key)


def _analyze() -> None:
    """Fresh planner statistics after a bulk load, as autovacuum would soon give a real
    database: otherwise PostgreSQL plans for the empty tables it last looked at."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _clear_page_cache() -> None:
    """Bulk inserts send no signals: forget any cached page after growing the data."""
    try:
        from roundtable.page_cache import invalidate
    except ImportError:
        return
    invalidate()


def main() -> int:
    began = time.time()
    static_root = tempfile.mkdtemp(prefix="roundtable-bench-static-")
    _environment(static_root)
    import django

    print(f"Database {DATABASE_URL}; cache {os.environ.get('REDIS_URL', 'database')}")
    _recreate_database()
    django.setup()
    import bench_data
    from bench_load import log_in, run
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("load_territory", verbosity=0, stdout=io.StringIO())
    call_command("collectstatic", verbosity=0, interactive=False)
    full = {k: max(1, int(v * SCALE)) for k, v in FULL.items()}
    tenth = {k: max(1, v // 10) for k, v in full.items()}
    print("Building a tenth of the data set…", flush=True)
    shape_tenth = bench_data.grow(**tenth, total_meetings=full["meetings"])
    _analyze()
    print(f"  {shape_tenth} ({time.time() - began:.0f} s)", flush=True)

    port = _free_port()
    log_path = Path(tempfile.gettempdir()) / f"roundtable-bench-{os.getpid()}.log"
    with open(log_path, "w") as log:
        server = _start_server(port, log)
        try:
            spokesperson = log_in(HOST, port, bench_data.LOGIN_EMAIL, bench_data.LOGIN_PASSWORD)
            users = [("visitor", {}), ("spokesperson", spokesperson)]
            pages = _pages()
            _clear_page_cache()
            small = {
                (name, user): _queries_once(port, path, cookies)
                for name, path, user, cookies in _combinations(pages, users)
            }
            print("Building the full data set…", flush=True)
            shape = bench_data.grow(**full, total_meetings=full["meetings"])
            _analyze()
            _clear_page_cache()
            print(f"  {shape} ({time.time() - began:.0f} s)", flush=True)
            pages = _pages()
            load_before = _load()
            results = {}
            for name, path, user, cookies in _combinations(pages, users):
                result, status = run(HOST, port, path, cookies, CLIENTS, SECONDS, WARMUP)
                if status != 200 or result.errors:
                    raise RuntimeError(f"{path} as {user}: HTTP {status}")
                results[(name, user)] = result
                print(
                    f"  {name} / {user}: {result.rps:.0f} req/s, "
                    f"p95 {result.percentile(95):.1f} ms",
                    flush=True,
                )
            load_after = _load()
            print(f"Growing the practices to {SEARCH_PRACTICES}…", flush=True)
            bench_data.add_practices(SEARCH_PRACTICES - shape["practices"], seed=5)
            _analyze()
            _clear_page_cache()
            search_query_ms, search_page_ms, hits = _search_timing(port)
        finally:
            server.terminate()
            server.wait(30)
            _forget_cache_entries()
    report = _report(
        pages, users, results, small, shape_tenth, shape, (load_before, load_after)
    ) + (
        f"\nItalian search for “{SEARCH_WORD}” at {SEARCH_PRACTICES:,} practices "
        f"({hits:,} published matches): query (count + first page) {search_query_ms:.1f} ms, "
        f"whole page {search_page_ms:.1f} ms (median of 7, one client).\n"
        f"\nTook {time.time() - began:.0f} s. Server log: {log_path}\n"
    )
    print("\n" + report)
    (ROOT / "bench-results.md").write_text(report)
    return 0


def _report(pages, users, results, small, shape_tenth, shape, loads) -> str:
    from django.conf import settings

    bare = results[(pages[0][0], "visitor")]
    # One reference for every row: the bare view as a visitor gets it, without the database
    # (a logged-in user's request already costs the session and the user's queries).
    bare_rps = bare.rps
    lines = [
        f"Benchmark of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
        f"on {socket.gethostname()}: "
        f"{os.cpu_count()} cores ({_cpu()}), load average {loads[0]} before and "
        f"{loads[1]} after the runs; {CLIENTS} clients, {SECONDS:g} s per row after "
        f"{WARMUP:g} s of warm-up; "
        f"cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}.",
        f"Data: {shape['practices']:,} practices ({shape['published']:,} published), "
        f"{shape['transfers']:,} transfers, {shape['meetings']:,} meetings, "
        f"{shape['comments']:,} comments; queries also measured at a tenth "
        f"({shape_tenth['practices']:,} practices).",
        "",
        "| Page | Who | req/s | p50 ms | p95 ms | x bare | queries (1/10 data) "
        "| queries | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, _path, user, _cookies in _combinations(pages, users):
        result = results[(name, user)]
        ratio = result.rps / bare_rps if bare_rps else 0
        full_queries = result.max_queries
        ok = (
            ratio >= TARGET_RATIO
            and result.percentile(95) < TARGET_P95_MS
            and small[(name, user)] == full_queries
        )
        lines.append(
            f"| {name} | {user} | {result.rps:.0f} | {result.percentile(50):.1f} "
            f"| {result.percentile(95):.1f} | {ratio:.2f} | {small[(name, user)]} "
            f"| {full_queries} | {'met' if ok else 'MISSED'} |"
        )
    lines.append("")
    lines.append(
        f"Target: at least {TARGET_RATIO} times the bare view's requests per second, p95 under "
        f"{TARGET_P95_MS:g} ms, the same number of queries at a tenth and at full size. "
        f"“queries” is the most any response of the run needed (a page served from the "
        f"cache needs fewer). Bare view: {bare.rps:.0f} req/s."
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
