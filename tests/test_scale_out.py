"""Scale-out: two instances of the portal and one task worker, for real, sharing PostgreSQL and
Redis as a production deployment behind a load balancer does.

The test builds its own PostgreSQL database, starts two gunicorn servers (deploy/gunicorn.conf.py)
on two free ports and one ``manage.py db_worker``, and talks to them over HTTP like a browser,
moving between the instances as a load balancer would. It proves that nothing a user relies on
lives inside one process: the session, the login rate limit, queued e-mails, saved practices
and the stale-save refusal.

Runs when DATABASE_URL is PostgreSQL (the PostgreSQL pass of .ci/run); Redis is
SCALEOUT_REDIS_URL (default redis://127.0.0.1:6379/12). Under CI=true a missing Redis or
gunicorn fails the test instead of skipping it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from html import unescape
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

pytestmark = pytest.mark.scaleout

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/12")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ON_POSTGRESQL = DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://"))
SECRET = "scale-out-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-not-for-production"
PASSWORD = "Scale-out-2026-password!"
START_TIMEOUT = 40

if not ON_POSTGRESQL:
    pytest.skip(
        "the scale-out test needs PostgreSQL: set DATABASE_URL=postgres://... (SQLite cannot be "
        "shared by several servers)",
        allow_module_level=True,
    )


def unavailable(reason: str):
    """Under CI a missing service is a failure: the PostgreSQL pass must run this test."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the scale-out test may not be skipped)")
    pytest.skip(reason)


# --- A tiny browser -----------------------------------------------------------------------------


class Page:
    def __init__(self, status: int, headers, body: str):
        self.status, self.headers, self.text = status, headers, unescape(body)
        self.html = body

    def form_with(self, field: str, action: str = "") -> dict:
        parser = FormParser()
        parser.feed(self.html)
        for form in parser.forms:
            named = any(name == field for name, _value in form["fields"])
            if named and action in form["action"]:
                return form
        raise AssertionError(f"no form with a {field!r} field on the page (status {self.status})")


def problems(page: Page) -> str:
    """What a page says went wrong (form errors, alerts), for assertion messages."""
    found = re.findall(
        r'class="[^"]*(?:invalid-feedback|alert)[^"]*"[^>]*>(.*?)</', page.html, flags=re.S
    )
    lines = [" ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in found]
    return f"status {page.status}: " + " | ".join(line for line in lines if line)


class Browser:
    """Cookies kept per host like a real browser's, whatever the port: instances A and B on
    127.0.0.1 see the same cookies, as two servers behind one address would."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, data=None, follow=True) -> Page:
        for _hop in range(5):
            headers = {"Host": "127.0.0.1", "Accept-Language": "en"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = None
            if data is not None:
                body = urlencode(data, doseq=True)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                text = response.read().decode("utf-8", "replace")
            finally:
                connection.close()
            self._store(response.headers.get_all("Set-Cookie") or [])
            location = response.headers.get("Location")
            if follow and response.status in (301, 302, 303) and location:
                method, data = "GET", None
                path = urlsplit(location).path + (
                    f"?{urlsplit(location).query}" if urlsplit(location).query else ""
                )
                continue
            return Page(response.status, response.headers, text)
        raise AssertionError(f"too many redirects from {path}")

    def _store(self, values: list[str]) -> None:
        for value in values:
            for name, morsel in SimpleCookie(value).items():
                if morsel["max-age"] == "0" or (not morsel.value and morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def submit(self, port: int, path: str, form: dict, **changes) -> Page:
        fields = [(name, value) for name, value in form["fields"] if name not in changes]
        fields += list(changes.items())
        action = form["action"] or path
        return self.request(port, "POST", action, data=fields)

    def log_in(self, port: int, email: str, password: str) -> Page:
        form = self.request(port, "GET", "/account/login/").form_with("password")
        return self.submit(port, "/account/login/", form, login=email, password=password)


class FormParser(HTMLParser):
    """The forms of a page with the values a browser would send (no submit buttons)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "fields": []}
            self.forms.append(self._form)
        elif self._form is None or ("name" not in attrs and tag != "option"):
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self._form["fields"].append((attrs["name"], attrs.get("value") or default))
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
        elif tag == "select":
            self._select = {"name": attrs["name"], "multiple": "multiple" in attrs, "all": []}
        elif tag == "option" and self._select is not None:
            self._select["all"].append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            # The HTML parser keeps the newline that follows <textarea>; browsers drop it.
            self._form["fields"].append((name, value.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._select["all"] if selected]
            if not chosen and not self._select["multiple"] and self._select["all"]:
                chosen = [self._select["all"][0][0]]
            self._form["fields"] += [(self._select["name"], value) for value in chosen]
            self._select = None


# --- The deployment -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_connection():
    import psycopg

    base = DATABASE_URL.rsplit("/", 1)[0]
    last_error = None
    for name in ("postgres", "test", DATABASE_URL.rsplit("/", 1)[1].split("?")[0]):
        try:
            return psycopg.connect(f"{base}/{name}", autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as error:
            last_error = error
    unavailable(f"PostgreSQL at {base} does not answer: {last_error}")


def redis_answers() -> str | None:
    """None when Redis answers (after forgetting the failed logins that earlier runs counted
    against 127.0.0.1, allauth's per-address limit); what went wrong otherwise."""
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_timeout=3)
        for key in client.scan_iter(match="*allauth:rl:*:ip:127.0.0.1"):
            client.delete(key)
    except redis.RedisError as error:
        return str(error)
    return None


SETUP = textwrap.dedent(
    """
    import json, os
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from practices.models import Practice, Theme
    from zones.models import Membership, Zone

    emails = os.environ["SCALEOUT_EMAILS"].split(",")
    password = os.environ["SCALEOUT_PASSWORD"]
    zones = list(Zone.objects.order_by("number")[:2])
    users = []
    for email, zone in zip(emails, zones):
        user = get_user_model().objects.create_user(
            username=email, email=email, password=password, first_name="Prova", last_name="Zona"
        )
        Membership.objects.create(user=user, zone=zone, role=Membership.Role.SPOKESPERSON)
        users.append(user)
    theme = Theme.objects.order_by("pk").first()
    draft = Practice.objects.create(
        title="Sportello unico condiviso", kind="good_practice", status="draft",
        summary="Uno sportello per tutti i comuni della zona.", zone=zones[0],
        main_institution="Comune capofila", created_by=users[0],
    )
    published = Practice.objects.create(
        title="Trasporto a chiamata", kind="good_practice", status="published",
        published_at=timezone.now(), summary="Bus su prenotazione nelle valli.", zone=zones[1],
        main_institution="Unione montana", created_by=users[1],
    )
    for practice in (draft, published):
        practice.themes.set([theme])
        practice.refresh_search_text()
    print(json.dumps({"draft": draft.pk, "published": published.pk,
                      "zones": [zone.pk for zone in zones]}))
    """
)


class Deployment:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.database = f"scaleout_{uuid.uuid4().hex[:12]}"
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []
        self.web_mail = tmp / "mail-web"
        self.worker_mail = tmp / "mail-worker"
        self.web_mail.mkdir()
        self.worker_mail.mkdir()
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "ROUNDTABLE_", "DATABASE_URL", "REDIS_URL"))
        }
        self.env.update(
            DATABASE_URL=f"{DATABASE_URL.rsplit('/', 1)[0]}/{self.database}",
            REDIS_URL=REDIS_URL,
            DJANGO_DEBUG="0",
            DJANGO_HTTPS="0",
            DJANGO_SECRET_KEY=SECRET,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_TASKS="db",
            DJANGO_STATIC_ROOT=str(tmp / "static"),
            DJANGO_MEDIA_ROOT=str(tmp / "media"),
            DJANGO_EMAIL_FILE_PATH=str(self.web_mail),
            DJANGO_REQUEST_LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )

    def manage(self, *args, **extra) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **extra},
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, f"manage.py {args[0]}: {result.stdout}{result.stderr}"
        return result.stdout

    def start(self, name: str, command: list[str], **extra) -> None:
        log = self.tmp / f"{name}.log"
        with log.open("w") as handle:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**self.env, **extra},
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: stopped with all its workers
            )
        self.processes.append((name, process, log))

    def start_web(self, name: str, workers: int) -> int:
        port = free_port()
        self.start(
            name,
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS=str(workers),
        )
        return port

    def wait_healthy(self, port: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        last = "no answer"
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                page = Browser().request(port, "GET", "/healthz", follow=False)
            except OSError as error:
                last = str(error)
            else:
                if page.status == 200 and json.loads(page.text)["status"] == "ok":
                    return
                last = f"{page.status} {page.text[:200]}"
            time.sleep(0.3)
        raise AssertionError(
            f"port {port} not healthy after {START_TIMEOUT} s: {last}\n{self.logs()}"
        )

    def check_alive(self) -> None:
        for name, process, _log in self.processes:
            if process.poll() is not None:
                raise AssertionError(f"{name} stopped ({process.returncode}):\n{self.logs()}")

    def logs(self) -> str:
        return "\n".join(
            f"--- {name}\n{log.read_text()[-3000:]}" for name, _p, log in self.processes
        )

    def stop(self) -> None:
        for _name, process, _log in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, 15)
        for _name, process, _log in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        unavailable("gunicorn is not installed in this environment")
    problem = redis_answers()
    if problem:
        unavailable(f"Redis at {REDIS_URL} does not answer ({problem}): set SCALEOUT_REDIS_URL")
    admin = admin_connection()
    deployment = Deployment(tmp_path_factory.mktemp("scaleout"))
    admin.execute(f'CREATE DATABASE "{deployment.database}"')
    try:
        deployment.manage("createcachetable")
        deployment.manage("migrate", "--noinput", "-v0")
        deployment.manage("collectstatic", "--noinput", "-v0")
        deployment.manage("load_territory")
        run = uuid.uuid4().hex[:8]
        deployment.emails = [f"zona1-{run}@example.org", f"zona2-{run}@example.org"]
        out = deployment.manage(
            "shell",
            "-c",
            SETUP,
            SCALEOUT_EMAILS=",".join(deployment.emails),
            SCALEOUT_PASSWORD=PASSWORD,
        )
        deployment.ids = json.loads(out.strip().splitlines()[-1])
        deployment.a = deployment.start_web("instance A", workers=2)
        deployment.b = deployment.start_web("instance B", workers=1)
        # The worker alone may send mail: it writes to its own folder, the web servers to another.
        deployment.start(
            "worker",
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
            DJANGO_EMAIL_FILE_PATH=str(deployment.worker_mail),
        )
        deployment.wait_healthy(deployment.a)
        deployment.wait_healthy(deployment.b)
        yield deployment
    finally:
        deployment.stop()
        admin.execute(f'DROP DATABASE IF EXISTS "{deployment.database}" WITH (FORCE)')
        admin.close()


# --- What two instances must share --------------------------------------------------------------

TOO_MANY = "Too many failed login attempts. Try again later."
WRONG = "The email address and/or password you specified are not correct."
STALE = "Someone else saved this practice while you were editing"


def login_failure_limit() -> int:
    """allauth's failed-login limit per account, as this project configures it."""
    from allauth.account import app_settings

    rule = app_settings.RATE_LIMITS["login_failed"]
    per_key = next(part for part in rule.split(",") if part.endswith("/key"))
    return int(per_key.split("/")[0])


def wait_for_mail(folder: Path, recipient: str, seconds: float) -> str:
    """The messages written in ``folder`` once one to ``recipient`` is complete, or ""."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = "\n".join(path.read_text() for path in sorted(folder.iterdir()))
        if f"To: {recipient}" in text:
            return text
        time.sleep(0.3)
    return ""


def test_two_instances_behave_as_one_portal(deployment):
    a, b = deployment.a, deployment.b
    spokesperson, other_zone = deployment.emails
    draft, published = deployment.ids["draft"], deployment.ids["published"]

    # a) Logged in on A, logged in on B with the same cookie (sessions live in Redis).
    user = Browser()
    assert user.request(b, "GET", "/profilo/", follow=False).status == 302
    page = user.log_in(a, spokesperson, PASSWORD)
    assert page.status == 200, problems(page)
    on_b = user.request(b, "GET", "/profilo/", follow=False)
    assert on_b.status == 200, "the session made on A is unknown to B"
    assert spokesperson in on_b.text

    # b) Failed logins on A and B count together towards one limit (the cache is shared):
    # alternating, each instance alone sees about half of them, below the limit.
    limit = login_failure_limit()
    attacker = Browser()
    for attempt in range(limit):
        port = a if attempt % 2 == 0 else b
        page = attacker.log_in(port, other_zone, "not-the-password")
        assert WRONG in page.text and TOO_MANY not in page.text, f"attempt {attempt + 1}"
    last = b if limit % 2 else a
    page = attacker.log_in(last, other_zone, PASSWORD)  # even the right password, now
    assert TOO_MANY in page.text, f"no limit after {limit} failures spread over A and B"
    assert "sessionid" not in attacker.cookies

    # c) An e-mail queued by a request on A is sent by the worker, not by the web process:
    # zone 1 declares interest in zone 2's practice; zone 2's spokesperson is told by e-mail.
    detail = user.request(a, "GET", f"/pratiche/{published}/")
    form = detail.form_with("interest-zone", action=f"/pratiche/{published}/interesse/")
    page = user.submit(a, f"/pratiche/{published}/interesse/", form)
    assert page.status == 200, problems(page)
    message = wait_for_mail(deployment.worker_mail, other_zone, seconds=20)
    assert message, f"the worker sent no e-mail to {other_zone}\n{deployment.logs()}"
    assert "Trasporto a chiamata" in message
    assert not list(deployment.web_mail.iterdir()), "a web process sent the e-mail itself"

    # d) A practice edited on A is seen on B.
    edit = f"/pratiche/{draft}/modifica/"
    form = user.request(a, "GET", edit).form_with("version")
    page = user.submit(a, edit, form, title="Sportello unico della zona")
    assert page.status == 200 and "Your changes were saved." in page.text, problems(page)
    assert "Sportello unico della zona" in user.request(b, "GET", f"/pratiche/{draft}/").text

    # e) Two editors, two instances: the second save is refused, the first's text kept.
    first_tab = user.request(a, "GET", edit).form_with("version")
    second_tab = user.request(b, "GET", edit).form_with("version")
    page = user.submit(a, edit, first_tab, title="Sportello unico: prima versione")
    assert "Your changes were saved." in page.text, problems(page)
    page = user.submit(b, edit, second_tab, title="Sportello unico: seconda versione")
    assert page.status == 409 and STALE in page.text, problems(page)
    assert "Sportello unico: seconda versione" in page.text  # the user's text, shown back
    for port in (a, b):
        shown = user.request(port, "GET", f"/pratiche/{draft}/").text
        assert "Sportello unico: prima versione" in shown
        assert "Sportello unico: seconda versione" not in shown
    deployment.check_alive()
