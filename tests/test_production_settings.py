"""The production settings, as an operator sets them: ``DJANGO_DEBUG=0`` and the documented
variables. Each check runs in a fresh process, since the settings are read from the
environment when the process starts."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECRET = "x9!fQ2-very-long-production-secret-key-for-the-tests-only-0123456789abcdef"
HOST = "tavolo.example.org"


def production_env(tmp_path, **extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "ROUNDTABLE_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        DJANGO_TASKS="immediate",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
    )
    env.update(extra)
    return env


def run(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_check_deploy_reports_nothing(tmp_path):
    result = run(production_env(tmp_path), "manage.py", "check", "--deploy", "--fail-level", "INFO")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_check_deploy_with_preload_asked_reports_nothing_silenced(tmp_path):
    env = production_env(tmp_path, DJANGO_HSTS_PRELOAD="1")
    result = run(env, "manage.py", "check", "--deploy", "--fail-level", "INFO")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = run(env, "manage.py", "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


# Fetches pages of every kind in a production process and prints their headers and cookies.
FETCH = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
from django.test import Client
secure = Client(HTTP_HOST="{host}")
plain = Client(HTTP_HOST="{host}")
out = {{}}
for path in {paths!r}:
    response = secure.get(path, secure=True)
    out[path] = {{
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": {{name: dict(morsel) for name, morsel in response.cookies.items()}},
    }}
http = plain.get("/")
out["http"] = {{"status": http.status_code, "location": http.headers.get("Location")}}
proxied = Client(HTTP_HOST="{host}", HTTP_X_FORWARDED_PROTO="https").get("/")
out["proxied"] = {{"status": proxied.status_code}}
print(json.dumps(out))
"""
PATHS = [
    "/",
    "/pratiche/",
    "/zone/",
    "/riunioni/",
    "/piano-strategico/",
    "/account/login/",
    "/admin/",
    "/dati-aperti/",
    "/dati-aperti/api/v1/pratiche/",
    "/pratiche/scheda.schema.json",
    "/healthz",
    "/pagina-che-non-esiste/",
]


def fetch(env) -> dict:
    script = FETCH.format(host=HOST, paths=PATHS)
    env = {**env, "DJANGO_SETTINGS_MODULE": "roundtable.settings"}
    result = run(env, "-c", script)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return fetch(production_env(tmp_path_factory.mktemp("prod")))


@pytest.mark.parametrize("path", PATHS)
def test_every_page_kind_carries_the_security_headers(pages, path):
    page = pages[path]
    assert page["status"] in (200, 302, 404), page["status"]
    headers = {name.lower(): value for name, value in page["headers"].items()}
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert "camera=()" in headers["permissions-policy"]
    assert "geolocation=()" in headers["permissions-policy"]
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe" not in headers["content-security-policy"]


def test_cookies_are_secure_and_host_prefixed(pages):
    cookie = pages["/account/login/"]["cookies"]["__Host-csrftoken"]
    assert cookie["secure"] is True and cookie["path"] == "/" and not cookie["domain"]
    assert "csrftoken" not in pages["/account/login/"]["cookies"]


def test_plain_http_is_redirected_and_the_proxy_header_is_not_trusted_by_default(pages):
    assert pages["http"] == {"status": 301, "location": f"https://{HOST}/"}
    # Without DJANGO_TRUST_X_FORWARDED_PROTO, a client cannot claim HTTPS with the header.
    assert pages["proxied"]["status"] == 301


def test_behind_a_trusted_proxy_the_forwarded_protocol_counts(tmp_path):
    pages = fetch(production_env(tmp_path, DJANGO_TRUST_X_FORWARDED_PROTO="1"))
    assert pages["proxied"]["status"] == 200
