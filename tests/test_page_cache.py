"""The cache of visitors' public pages (roundtable.page_cache): served from the cache, never
stale after a change, never someone else's CSRF token, never to a logged-in user."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from practices.models import Practice
from practices.views.catalogue import RESULTS_TARGET

from .factories import CommentFactory, PracticeFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """On, as in production, with a cache of its own for each test."""
    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pc"}
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def practice(territory):
    from zones.models import Zone

    return PracticeFactory(
        title="Mensa scolastica a km zero",
        status=Practice.Status.PUBLISHED,
        zone=Zone.objects.get(number=5),
    )


def test_a_visitors_second_visit_needs_no_query(practice, django_assert_num_queries):
    url = practice.get_absolute_url()
    assert "Mensa scolastica a km zero" in Client().get(url).content.decode()
    with django_assert_num_queries(0):
        response = Client().get(url)
    assert response.status_code == 200
    assert "Mensa scolastica a km zero" in response.content.decode()
    assert "Content-Security-Policy" in response.headers  # outer middleware still applies


def test_each_visitor_gets_a_token_that_works_with_their_own_cookie(practice):
    url = practice.get_absolute_url()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(url).content.decode()
    second_page = second.get(url).content.decode()  # from the cache
    assert "\x00" not in second_page
    token = TOKEN.search(second_page).group(1)
    assert token != TOKEN.search(first_page).group(1)
    assert f'"X-CSRFToken": "{token}"' in second_page  # the htmx header carries the same one
    response = second.post(
        reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302  # a stranger's token would be refused with 403


def test_a_change_saved_anywhere_shows_at_once(practice):
    url = practice.get_absolute_url()
    Client().get(url)
    practice.title = "Mensa scolastica biologica"
    practice.save()
    assert "Mensa scolastica biologica" in Client().get(url).content.decode()


def test_a_comment_hidden_by_staff_disappears_for_visitors(practice, staff_client):
    """Hiding uses QuerySet.update (no signal): the POST itself starts afresh."""
    comment = CommentFactory(practice=practice, body="Telefonate al 333 1234567")
    url = practice.get_absolute_url()
    assert "333 1234567" in Client().get(url).content.decode()
    hide = reverse("practices:comment-hide", kwargs={"pk": comment.pk})
    staff_client.post(hide, {f"hide-{comment.pk}-reason": "Contiene dati personali."})
    assert "333 1234567" not in Client().get(url).content.decode()


def test_a_logged_in_user_never_gets_the_visitors_copy(practice, spokesperson_client):
    url = practice.get_absolute_url()
    visitor_page = Client().get(url).content.decode()
    assert reverse("notifications") not in visitor_page
    page = spokesperson_client.get(url).content.decode()
    assert reverse("notifications") in page


def test_each_language_has_its_own_copy(practice):
    url = reverse("practices:practice-list")
    italian = Client().get(url, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    english = Client().get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="it">' in italian
    assert '<html lang="en">' in english


def test_the_query_string_is_part_of_the_key(practice):
    PracticeFactory(
        title="Sportello unico per le imprese",
        status=Practice.Status.PUBLISHED,
        zone=practice.zone,
    )
    url = reverse("practices:practice-list")
    assert "Sportello unico" in Client().get(url).content.decode()
    found = Client().get(url, {"q": "mense scolastiche"}).content.decode()
    assert "Mensa scolastica a km zero" in found
    assert "Sportello unico" not in found


def test_htmx_requests_are_not_served_from_the_cache(practice):
    url = reverse("practices:practice-list")
    full = Client().get(url).content.decode()
    partial = (
        Client().get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=RESULTS_TARGET).content.decode()
    )
    assert "<html" in full
    assert "<html" not in partial


def test_off_when_the_setting_is_zero(practice, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    url = practice.get_absolute_url()
    Client().get(url)
    Practice.objects.filter(pk=practice.pk).update(title="Titolo cambiato senza segnale")
    assert "Titolo cambiato senza segnale" in Client().get(url).content.decode()


def test_each_host_gets_its_own_absolute_links(practice, settings):
    settings.ALLOWED_HOSTS = ["tavolo.example.org", "tavolo.example.it"]
    PracticeFactory(
        title="Biblioteca diffusa", status=Practice.Status.PUBLISHED, zone=practice.zone
    )
    url = reverse("opendata-api-list", args=["pratiche"]) + "?page_size=1"
    first = Client().get(url, HTTP_HOST="tavolo.example.org").json()
    second = Client().get(url, HTTP_HOST="tavolo.example.it").json()
    assert first["next"].startswith("http://tavolo.example.org/")
    assert second["next"].startswith("http://tavolo.example.it/")
