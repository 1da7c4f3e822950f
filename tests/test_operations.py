"""Settings, health check, error pages and the demo data command."""

import os
import socket
import subprocess
import sys
import uuid
from io import StringIO
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.test import Client, override_settings

from zones.models import Membership, Zone


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


SETUP = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'roundtable.settings'; "
    "django.setup()"
)


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_python(SETUP, DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_starts_with_debug_off_when_the_secret_key_is_set():
    result = run_python(
        SETUP + "; from django.conf import settings; print(settings.DEBUG, settings.TIME_ZONE)",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="tavolo.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False Europe/Rome"


def test_database_url_selects_postgresql():
    result = run_python(
        SETUP + "; from django.db import connection; print(connection.vendor)",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/anything",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "postgresql"


@pytest.mark.django_db
def test_healthz_is_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(client):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.django_db
def test_custom_error_pages_use_the_portal_layout(client):
    response = client.get("/does-not-exist/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'id="main-content"' in response.content.decode()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.urls_failing")
def test_server_error_page_has_no_stack_trace():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "Traceback" not in page and "RuntimeError" not in page


@pytest.mark.django_db
def test_every_page_sends_the_csrf_token_with_htmx_requests(client):
    page = client.get("/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    assert "/static/django_htmx/htmx-2.min.js" in page  # htmx 2 from our own static files
    assert "cdn" not in page.lower()


@pytest.mark.django_db
def test_seed_demo_refuses_with_debug_off(territory):
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="only with"):
        call_command("seed_demo", stdout=StringIO())
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_seed_demo_creates_staff_and_a_spokesperson_per_zone_once(territory):
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=out)
        call_command("seed_demo", stdout=StringIO())  # a second run adds nothing
    assert "staff@example.org" in out.getvalue()
    assert "tavolo-demo-2026" in out.getvalue()
    staff = get_user_model().objects.get(email="staff@example.org")
    assert staff.has_perm("zones.act_as_staff") and not staff.is_superuser
    assert Membership.objects.current().count() == Zone.objects.count() == 11
    # admin, staff, the expert and one spokesperson per zone
    assert get_user_model().objects.count() == 14
    client = Client()
    assert client.login(username="portavoce.zona5@example.org", password="tavolo-demo-2026")


@pytest.mark.django_db
def test_language_switch_keeps_the_visitor_on_the_same_page(client, territory):
    page = "/zone/pinerolese/?q=pin"
    response = client.post("/i18n/setlang/", {"language": "en", "next": page})
    assert response.status_code == 302
    assert response["Location"] == page
    english = client.get(page).content.decode()
    assert '<html lang="en">' in english
    client.post("/i18n/setlang/", {"language": "it", "next": page})
    assert '<html lang="it">' in client.get(page).content.decode()


@pytest.mark.django_db
def test_italian_is_the_default_language(client):
    assert '<html lang="it">' in client.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/zones/zone/?q=torino",
        "/admin/zones/municipality/?q=001272&assigned=yes",
        "/admin/zones/municipality/?assigned=no",
        "/admin/zones/membership/?q=example",
        "/admin/auth/user/?q=staff",
    ],
)
def test_staff_use_the_admin_for_the_territory_and_accounts(staff_client, territory, url):
    response = staff_client.get(url)
    assert response.status_code == 200


@pytest.mark.django_db
def test_admin_municipality_search_finds_by_istat_code(staff_client, territory):
    response = staff_client.get("/admin/zones/municipality/?q=001272")
    assert list(response.context["cl"].result_list) == [
        Zone.objects.get(number=1).municipalities.get()
    ]


@pytest.mark.django_db
def test_healthz_checks_a_shared_cache_and_names_it_when_it_fails(client, settings):
    settings.HEALTHZ_CHECKS_CACHE = True
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "unavailable"}


@pytest.mark.django_db
def test_deactivating_a_user_ends_their_sessions_at_once(client, django_user_model):
    from .factories import UserFactory

    user = UserFactory(email="uscente@example.org")
    other = UserFactory(email="resta@example.org")
    client.force_login(user)
    other_client = type(client)()
    other_client.force_login(other)
    from django.contrib.sessions.models import Session

    assert Session.objects.count() == 2
    user.is_active = False
    user.save()
    assert Session.objects.count() == 1  # the other user's session stays
    user.is_active = True
    user.save()  # reactivating does not log anyone in again
    assert client.get("/profilo/").status_code == 302
    assert other_client.get("/profilo/").status_code == 200


@pytest.mark.django_db
def test_every_request_is_logged_in_one_line_without_personal_data(client, caplog):
    import json as json_module

    from .factories import UserFactory

    user = UserFactory(email="registro@example.org", first_name="Rita")
    client.force_login(user)
    with caplog.at_level("INFO", logger="roundtable.requests"):
        client.get("/pratiche/?q=segreto")
        client.get("/non-esiste/")
    lines = [r.getMessage() for r in caplog.records if r.name == "roundtable.requests"]
    assert len(lines) == 2
    first, second = (json_module.loads(line) for line in lines)
    assert first["method"] == "GET" and first["path"] == "/pratiche/"
    assert first["status"] == 200 and first["user"] == user.pk
    assert isinstance(first["ms"], float)
    assert second["status"] == 404
    text = " ".join(lines)
    assert "segreto" not in text and "registro@example.org" not in text and "Rita" not in text


@pytest.mark.django_db
def test_the_health_check_log_line_reads_no_session(client, caplog, django_assert_num_queries):
    with (
        caplog.at_level("INFO", logger="roundtable.requests"),
        django_assert_num_queries(1),  # SELECT 1, and no session or user
    ):
        client.get("/healthz")
    [line] = [r.getMessage() for r in caplog.records if r.name == "roundtable.requests"]
    assert '"user": null' in line


REDIS_TEST_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/9",
        "KEY_PREFIX": f"tests-{uuid.uuid4().hex}",
        "OPTIONS": {"socket_connect_timeout": 2},
    }
}


def _redis_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return os.environ.get("CI") == "true"  # under CI a missing Redis is a failure
    return True


@pytest.mark.skipif(not _redis_available(), reason="no Redis on 127.0.0.1:6379")
@pytest.mark.django_db
def test_with_redis_sessions_live_in_the_cache_and_deactivating_still_ends_them(settings, client):
    from django.contrib.sessions.models import Session

    from .factories import UserFactory

    settings.CACHES = REDIS_TEST_CACHE
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    user = UserFactory(email="redis-uscente@example.org")
    other = UserFactory(email="redis-resta@example.org")
    client.force_login(user)
    second_browser = type(client)()
    second_browser.force_login(user)
    other_client = type(client)()
    other_client.force_login(other)
    assert client.get("/profilo/").status_code == 200
    assert Session.objects.count() == 0  # nothing written to the database
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()  # reactivated: the old sessions must not come back
    assert client.get("/profilo/").status_code == 302
    assert second_browser.get("/profilo/").status_code == 302
    assert other_client.get("/profilo/").status_code == 200


def test_redis_url_puts_the_cache_and_the_sessions_in_redis():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND']); print(settings.SESSION_ENGINE)"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    base["DJANGO_SETTINGS_MODULE"] = "roundtable.settings"
    with_redis = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "REDIS_URL": "redis://127.0.0.1:6379/0"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert with_redis == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cache",
    ]
    without = subprocess.run(
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, check=True
    ).stdout.split()
    assert without == [
        "django.core.cache.backends.db.DatabaseCache",
        "django.contrib.sessions.backends.db",
    ]
