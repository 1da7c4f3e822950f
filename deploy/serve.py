"""Run the portal for real: ``make serve`` (or ``python deploy/serve.py``).

Checks the production variables, prepares the database and the static files, then runs the
web server (gunicorn, deploy/gunicorn.conf.py) and the background worker (``manage.py
db_worker``, which sends the e-mails) side by side. Ctrl-C or SIGTERM stops both; if either
stops on its own, the other is stopped too and the exit status says so, so that a supervisor
(systemd, a container runtime) restarts the pair.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]
STOP_GRACE_SECONDS = 30


def fail(message: str) -> None:
    print(f"serve: {message}", file=sys.stderr)
    sys.exit(2)


def production_environment() -> dict[str, str]:
    """The environment of every child, or a clear refusal when something essential is missing."""
    env = dict(os.environ)
    missing = [name for name in ("DATABASE_URL", "DJANGO_SECRET_KEY") if not env.get(name)]
    if missing:
        fail(
            f"{' and '.join(missing)} must be set: production runs on PostgreSQL "
            "(DATABASE_URL=postgres://user:password@host:5432/name) with a long random "
            "DJANGO_SECRET_KEY. See deploy/env.example and the README, 'Running in production'."
        )
    if not env["DATABASE_URL"].startswith(("postgres://", "postgresql://", "pgsql://")):
        fail("DATABASE_URL must point to PostgreSQL (postgres://...): SQLite is for development.")
    if not env.get("REDIS_URL"):
        print(
            "serve: warning: REDIS_URL is not set; the cache, the sessions and the login rate "
            "limits fall back to the database. Redis is recommended in production.",
            file=sys.stderr,
        )
    if env.get("DJANGO_DEBUG", "0").strip().lower() in {"1", "true", "yes", "on"}:
        fail("DJANGO_DEBUG is on: unset it (or set it to 0) to serve the portal for real.")
    env["DJANGO_DEBUG"] = "0"
    env["DJANGO_TASKS"] = "db"  # e-mails are queued by the web and sent by the worker
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def prepare(env: dict[str, str]) -> None:
    # The cache table first: without Redis the cache lives in it, and saving data during the
    # migrations already touches the cache (roundtable.page_cache's invalidation).
    for command in (
        ["createcachetable"],
        ["migrate", "--noinput"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
    ):
        print(f"serve: manage.py {' '.join(command)}", flush=True)
        # Fixed argument lists: nothing from outside reaches a command line.
        done = subprocess.run([*MANAGE, *command], cwd=ROOT, env=env, check=False)  # noqa: S603
        if done.returncode:
            fail(f"manage.py {command[0]} failed: nothing was started.")


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"serve: {name} did not stop in time: killed", file=sys.stderr)
            process.kill()
            process.wait()


def supervise(processes: dict[str, subprocess.Popen]) -> int:
    """Wait until a signal asks to stop (0) or a process stops on its own (its status, or 1):
    either way, every process is stopped before returning."""
    stopping: list[int] = []

    def on_signal(signum, _frame):
        stopping.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopping:
            ended = {name: p.returncode for name, p in processes.items() if p.poll() is not None}
            if ended:
                for name, code in ended.items():
                    print(f"serve: the {name} stopped (exit status {code})", file=sys.stderr)
                return next(iter(ended.values())) or 1
            time.sleep(0.2)
        return 0
    finally:
        stop(processes)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main() -> int:
    env = production_environment()
    prepare(env)
    processes = {
        "web server": subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
            cwd=ROOT,
            env=env,
        ),
        "task worker": subprocess.Popen(  # noqa: S603
            [*MANAGE, "db_worker", "--no-reload"], cwd=ROOT, env=env
        ),
    }
    print("serve: web server and task worker started (Ctrl-C to stop both)", flush=True)
    status = supervise(processes)
    print("serve: stopped", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
