"""The production launcher (deploy/serve.py, ``make serve``), the gunicorn settings, and the
settings an operator chooses from the environment for files and e-mail."""

import json
import os
import re
import runpy
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SECRET = "x9!fQ2-very-long-production-secret-key-for-the-deploy-tests-0123456789abcdef"


def clean_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "ROUNDTABLE_", "DATABASE_URL", "REDIS_URL", "AWS_"))
    }
    env.update(extra)
    return env


def serve(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(DEPLOY / "serve.py")],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- make serve refuses what is not a production setup -----------------------------------------


def test_serve_refuses_without_database_and_secret():
    result = serve()
    assert result.returncode == 2
    assert "DATABASE_URL and DJANGO_SECRET_KEY must be set" in result.stderr
    assert "deploy/env.example" in result.stderr


def test_serve_refuses_without_the_secret_key_alone():
    result = serve(DATABASE_URL="postgres://tavolo@127.0.0.1:5432/tavolo")
    assert result.returncode == 2
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert "DATABASE_URL and" not in result.stderr


def test_serve_refuses_sqlite():
    result = serve(DATABASE_URL="sqlite:////tmp/tavolo.sqlite3", DJANGO_SECRET_KEY=SECRET)
    assert result.returncode == 2
    assert "DATABASE_URL must point to PostgreSQL" in result.stderr


def test_serve_refuses_debug_on():
    result = serve(
        DATABASE_URL="postgres://tavolo@127.0.0.1:5432/tavolo",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_DEBUG="1",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 2
    assert "DJANGO_DEBUG is on" in result.stderr


def test_serve_warns_without_redis_before_refusing_debug():
    result = serve(
        DATABASE_URL="postgres://tavolo@127.0.0.1:5432/tavolo",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_DEBUG="1",
    )
    assert "warning: REDIS_URL is not set" in result.stderr


# --- The web server and the worker live and die together ---------------------------------------


@pytest.fixture
def launcher():
    return runpy.run_path(str(DEPLOY / "serve.py"))


def sleeper(seconds: float, status: int = 0) -> subprocess.Popen:
    code = f"import sys, time; time.sleep({seconds}); sys.exit({status})"
    return subprocess.Popen([sys.executable, "-c", code])


def test_when_one_process_dies_the_other_is_stopped_and_the_status_kept(launcher):
    web, worker = sleeper(60), sleeper(0.5, status=3)
    started = time.monotonic()
    status = launcher["supervise"]({"web server": web, "task worker": worker})
    assert status == 3
    assert web.poll() is not None, "the web server was left running"
    assert time.monotonic() - started < 20


def test_a_process_that_stops_cleanly_still_counts_as_a_failure(launcher):
    web, worker = sleeper(60), sleeper(0.3, status=0)
    assert launcher["supervise"]({"web server": web, "task worker": worker}) == 1
    assert web.poll() is not None


def test_sigterm_stops_both(launcher):
    web, worker = sleeper(60), sleeper(60)
    timer = threading.Timer(0.5, os.kill, args=(os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        assert launcher["supervise"]({"web server": web, "task worker": worker}) == 0
    finally:
        timer.cancel()
    assert web.poll() is not None and worker.poll() is not None


# --- gunicorn's settings ------------------------------------------------------------------------


def gunicorn_settings(monkeypatch, **env) -> dict:
    for name in ("GUNICORN_WORKERS", "GUNICORN_BIND", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_gunicorn_workers_follow_the_cores_unless_told(monkeypatch):
    assert gunicorn_settings(monkeypatch)["workers"] == 2 * os.cpu_count() + 1
    assert gunicorn_settings(monkeypatch, GUNICORN_WORKERS="3")["workers"] == 3


def test_gunicorn_listens_on_this_machine_on_port_or_where_told(monkeypatch):
    assert gunicorn_settings(monkeypatch)["bind"] == "127.0.0.1:8000"
    assert gunicorn_settings(monkeypatch, PORT="9000")["bind"] == "127.0.0.1:9000"
    told = gunicorn_settings(monkeypatch, PORT="9000", GUNICORN_BIND="0.0.0.0:8000")
    assert told["bind"] == "0.0.0.0:8000"


def test_gunicorn_leaves_the_forwarded_protocol_to_django(monkeypatch):
    # Otherwise gunicorn alone would turn X-Forwarded-Proto from 127.0.0.1 into HTTPS, even with
    # DJANGO_TRUST_X_FORWARDED_PROTO off.
    assert gunicorn_settings(monkeypatch)["secure_scheme_headers"] == {}


def test_gunicorn_writes_no_access_log(monkeypatch):
    # The request log middleware writes one JSON line per request; a second line would repeat it.
    settings = gunicorn_settings(monkeypatch)
    assert settings["accesslog"] is None
    assert settings["timeout"] >= 30


# --- Settings chosen from the environment -------------------------------------------------------


def settings_from(**env) -> subprocess.CompletedProcess:
    code = (
        "import json, roundtable.settings as s; "
        "print(json.dumps({'storage': s.STORAGES['default'], "
        "'bucket': getattr(s, 'AWS_STORAGE_BUCKET_NAME', None), "
        "'endpoint': getattr(s, 'AWS_S3_ENDPOINT_URL', None), "
        "'acl': getattr(s, 'AWS_DEFAULT_ACL', 'unset'), "
        "'email': s.EMAIL_BACKEND, 'email_path': getattr(s, 'EMAIL_FILE_PATH', None)}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_files_stay_on_disk_by_default():
    result = settings_from()
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout)
    assert read["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_s3_storage_is_chosen_with_its_variables():
    result = settings_from(
        DJANGO_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="tavolo-allegati",
        AWS_S3_ENDPOINT_URL="https://s3.example.org",
    )
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout)
    assert read["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert read["bucket"] == "tavolo-allegati"
    assert read["endpoint"] == "https://s3.example.org"
    assert read["acl"] is None  # never public-read: files are served by the checked view


def test_s3_storage_without_a_bucket_is_refused():
    result = settings_from(DJANGO_STORAGE="s3")
    assert result.returncode != 0
    assert "DJANGO_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_an_unknown_storage_is_refused():
    result = settings_from(DJANGO_STORAGE="ftp")
    assert result.returncode != 0
    assert "DJANGO_STORAGE is 'filesystem' (the default) or 's3'" in result.stderr


def test_email_can_be_written_to_files(tmp_path):
    read = json.loads(settings_from(DJANGO_EMAIL_FILE_PATH=str(tmp_path)).stdout)
    assert read["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert read["email_path"] == str(tmp_path)
    read = json.loads(settings_from().stdout)
    assert read["email"] == "django.core.mail.backends.console.EmailBackend"


def test_an_smtp_host_wins_over_the_file_path(tmp_path):
    env = {"DJANGO_EMAIL_FILE_PATH": str(tmp_path), "DJANGO_EMAIL_HOST": "smtp.example.org"}
    read = json.loads(settings_from(**env).stdout)
    assert read["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_every_variable_the_settings_read_is_in_the_example_environment():
    source = (ROOT / "roundtable" / "settings.py").read_text()
    pattern = r'(?:environ\.get\(|environ\[|env_bool\(|env_list\()\s*"([A-Z][A-Z0-9_]+)"'
    names = set(re.findall(pattern, source)) | {"DATABASE_URL"}
    example = (DEPLOY / "env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.M))
    assert len(names) > 30
    assert names <= listed, f"missing from deploy/env.example: {sorted(names - listed)}"
