"""The catalogue at /pratiche/: what each role sees, every filter, sorting, pagination, the
htmx fragment and its plain-GET twin, and a query count that does not grow with the data."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from practices.models import Practice, Theme, Transfer
from zones.models import Municipality, Zone

from ..factories import PracticeFactory, TransferFactory

URL = "/pratiche/"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
ITALIAN = {"HTTP_ACCEPT_LANGUAGE": "it"}
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "practice-results"}


def published(days_ago=0, **fields):
    """A published practice; ``days_ago`` sets when it was published."""
    fields.setdefault("zone", Zone.objects.get(number=1))
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return PracticeFactory(status="published", published_at=when, **fields)


def shown(response) -> list[str]:
    assert response.status_code == 200
    return [practice.title for practice in response.context["practices"]]


def titles_in(response) -> list[str]:
    """The titles listed in a page or fragment (a partial's response has no context)."""
    assert response.status_code == 200
    return re.findall(
        r'<h3 class="card-title h5"><a href="[^"]+">([^<]+)</a>', response.content.decode()
    )


def theme(slug_start: str) -> Theme:
    return Theme.objects.get(slug__startswith=slug_start)


def test_the_catalogue_has_a_stable_url():
    assert reverse("practices:practice-list") == URL


# Who sees what -------------------------------------------------------------------------------


@pytest.fixture
def every_status(territory):
    zone = Zone.objects.get(number=5)  # the spokesperson fixture's zone
    for status, _label in Practice.Status.choices:
        PracticeFactory(title=f"Pratica {status}", zone=zone, status=status)
    Practice.objects.filter(status="published").update(published_at=timezone.now())


@pytest.mark.django_db
def test_visitors_see_published_practices_only(client, every_status):
    response = client.get(URL, **ENGLISH)
    assert shown(response) == ["Pratica published"]
    page = response.content.decode()
    practice = Practice.objects.get(status="published")
    assert f'href="{practice.get_absolute_url()}"' in page
    assert 'name="status"' not in page  # no status filter
    assert "practice-status-" not in page  # no status badge
    assert reverse("practices:practice-create") not in page


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "archived", "all", "x\x00"])
def test_the_status_filter_is_ignored_for_visitors_and_spokespersons(
    client, spokesperson, every_status, status
):
    visitor = Client()
    assert shown(visitor.get(URL, {"status": status})) == ["Pratica published"]
    client.force_login(spokesperson)  # zone 5's own drafts stay on their "my zone" page
    response = client.get(URL, {"status": status})
    assert shown(response) == ["Pratica published"]
    assert 'name="status"' not in response.content.decode()


@pytest.mark.django_db
def test_staff_filter_by_status_and_see_it_on_each_practice(staff_client, every_status):
    response = staff_client.get(URL, **ENGLISH)
    assert shown(response) == ["Pratica published"]  # the catalogue shows published by default
    page = response.content.decode()
    # What a browser submits when staff change another filter: the first option, published.
    first_option = re.search(r'<select name="status"[^>]*>\s*<option value="([^"]*)"', page)
    assert first_option.group(1) == "published"
    response = staff_client.get(URL, {"status": "draft"}, **ENGLISH)
    assert shown(response) == ["Pratica draft"]
    assert '<span class="badge practice-status-draft ms-1">Draft</span>' in (
        response.content.decode()
    )
    assert len(shown(staff_client.get(URL, {"status": "all"}))) == len(Practice.Status.choices)
    response = staff_client.get(URL, {"status": "nonsense"}, **ENGLISH)
    assert shown(response) == ["Pratica published"]
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "sees_button"), [(None, False), ("spokesperson", True)])
def test_share_button_for_those_who_may_create(client, spokesperson, role, sees_button):
    if role:
        client.force_login(spokesperson)
    page = client.get(URL, **ENGLISH).content.decode()
    assert (reverse("practices:practice-create") in page) is sees_button
    assert ("Share a practice" in page) is sees_button


@pytest.mark.django_db
def test_staff_see_the_share_button(staff_client, territory):
    page = staff_client.get(URL, **ENGLISH).content.decode()
    assert f'href="{reverse("practices:practice-create")}"' in page


# What a practice shows -----------------------------------------------------------------------


@pytest.mark.django_db
def test_each_practice_shows_kind_zone_themes_summary_dates_and_adoptions(client, territory):
    practice = published(
        title="Orti nelle scuole",
        kind="project",
        summary="Gli alunni coltivano un orto.",
        zone=Zone.objects.get(number=5),
        start_date=datetime.date(2021, 3, 1),
        end_date=datetime.date(2022, 6, 30),
        themes=[theme("scuola"), theme("ambiente")],
    )
    practice.municipalities.set(Municipality.objects.filter(name__in=["Pinerolo", "Airasca"]))
    for number in (2, 3):
        TransferFactory(practice=practice, zone=Zone.objects.get(number=number), stage="adopted")
    TransferFactory(practice=practice, zone=Zone.objects.get(number=4), stage="interested")
    ongoing = published(title="Sportello sempre aperto", start_date=datetime.date(2020, 5, 4))
    response = client.get(URL, **ENGLISH)
    page = response.content.decode()
    assert "Project" in page
    assert "Zone 5 Pinerolese" in page
    assert "Schools and education" in page and "Environment and green spaces" in page
    assert "Gli alunni coltivano un orto." in page
    assert "From March 1, 2021 to June 30, 2022" in page
    assert "Since May 4, 2020, ongoing" in page
    assert "2 other zones" in page  # adopted; the interested zone is not counted
    items = {p.title: p for p in response.context["practices"]}
    assert items[practice.title].municipality_count == 2
    assert items[ongoing.title].adoption_count == 0
    page = client.get(URL, **ITALIAN).content.decode()
    assert "Scuola e istruzione" in page  # theme names follow the language
    assert "01 Marzo 2021" in page  # Django's Italian date format


# Filters -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_filter_by_zone(client, territory):
    published(title="Uno", zone=Zone.objects.get(number=1))
    published(title="Cinque", zone=Zone.objects.get(number=5))
    assert shown(client.get(URL, {"zone": "5"})) == ["Cinque"]
    response = client.get(URL, {"zone": "99"}, **ENGLISH)
    assert sorted(shown(response)) == ["Cinque", "Uno"]  # not applied, and said so
    assert "Some filters could not be applied" in response.content.decode()


@pytest.mark.django_db
def test_filter_by_theme_with_names_in_the_active_language(client, territory):
    published(title="Scuola", themes=[theme("scuola"), theme("salute")])
    published(title="Turismo", themes=[theme("turismo")])
    assert shown(client.get(URL, {"theme": theme("scuola").slug})) == ["Scuola"]
    assert shown(client.get(URL, {"theme": theme("salute").slug})) == ["Scuola"]
    english = client.get(URL, **ENGLISH).content.decode()
    italian = client.get(URL, **ITALIAN).content.decode()
    option = '<option value="{}">{}</option>'
    assert option.format(theme("turismo").slug, "Tourism and culture") in english
    assert option.format(theme("turismo").slug, "Turismo e cultura") in italian


@pytest.mark.django_db
def test_filter_by_kind(client, territory):
    published(title="Progetto", kind="project")
    published(title="Soluzione", kind="solution")
    assert shown(client.get(URL, {"kind": "solution"})) == ["Soluzione"]


@pytest.mark.django_db
def test_filter_by_municipality_involved(client, territory):
    pinerolo = Municipality.objects.get(name="Pinerolo")
    with_pinerolo = published(title="Con Pinerolo", zone=pinerolo.zone)
    with_pinerolo.municipalities.set([pinerolo, Municipality.objects.get(name="Airasca")])
    published(title="Senza").municipalities.set([Municipality.objects.get(name="Torino")])
    response = client.get(URL, {"municipality": pinerolo.istat_code}, **ENGLISH)
    assert shown(response) == ["Con Pinerolo"]
    page = response.content.decode()
    # A select of every municipality, grouped by zone, the chosen one kept.
    assert page.count("<optgroup") == 11
    assert '<optgroup label="5. Pinerolese">' in page
    assert f'<option value="{pinerolo.istat_code}" selected>Pinerolo</option>' in page


@pytest.mark.django_db
def test_filter_by_period_of_activity(client, territory):
    day = datetime.date
    published(title="2020", start_date=day(2020, 3, 1), end_date=day(2020, 12, 31))
    published(title="2021-2022", start_date=day(2021, 6, 1), end_date=day(2022, 6, 1))
    published(title="Dal 2022", start_date=day(2022, 1, 1))  # ongoing
    published(title="Senza date")

    def active(**period):
        return sorted(shown(client.get(URL, period)))

    assert active(active_from="2022-03-01") == ["2021-2022", "Dal 2022"]
    assert active(active_to="2020-12-31") == ["2020"]
    assert active(active_from="2021-01-01", active_to="2021-12-31") == ["2021-2022"]
    assert active(active_from="2030-01-01") == ["Dal 2022"]
    assert len(active()) == 4


@pytest.mark.django_db
def test_a_period_ending_before_it_starts_is_refused_with_a_message(client, territory):
    published(title="Dal 2022", start_date=datetime.date(2022, 1, 1))
    response = client.get(URL, {"active_from": "2023-01-01", "active_to": "2022-01-01"}, **ENGLISH)
    assert response.status_code == 200
    assert "The end of the period cannot be before its start." in response.content.decode()
    response = client.get(URL, {"active_from": "31/02/2022"}, **ENGLISH)
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


@pytest.mark.django_db
def test_filters_combine(client, territory):
    zone = Zone.objects.get(number=3)
    published(title="Giusta", zone=zone, kind="project", themes=[theme("turismo")])
    published(title="Altra zona", kind="project", themes=[theme("turismo")])
    published(title="Altro tipo", zone=zone, kind="solution", themes=[theme("turismo")])
    published(title="Altro tema", zone=zone, kind="project", themes=[theme("salute")])
    query = {"zone": "3", "kind": "project", "theme": theme("turismo").slug}
    assert shown(client.get(URL, query)) == ["Giusta"]


@pytest.mark.django_db
def test_unknown_and_hostile_parameters_never_break_the_page(client, territory):
    published(title="Una")
    for params in [
        {"zone": "\x00"},
        {"theme": "x" * 10_000},
        {"municipality": "'; --"},
        {"kind": ["project", "solution"]},
        {"sort": "-pk"},
        {"active_to": "99999-01-01"},
        {"page": "\x00"},
        {"unknown": "1"},
    ]:
        assert client.get(URL, params).status_code == 200, params
        assert client.get(URL, params, **HTMX).status_code == 200, params


# Sorting -------------------------------------------------------------------------------------


@pytest.fixture
def three(territory):
    published(title="beta", days_ago=1, zone=Zone.objects.get(number=7))
    published(title="Alfa", days_ago=2, zone=Zone.objects.get(number=9))
    published(title="Gamma", days_ago=0, zone=Zone.objects.get(number=2))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, ["Gamma", "beta", "Alfa"]),  # newest first
        ("newest", ["Gamma", "beta", "Alfa"]),
        ("title", ["Alfa", "beta", "Gamma"]),  # ignoring case
        ("zone", ["Gamma", "beta", "Alfa"]),  # zones 2, 7, 9
        ("relevance", ["Gamma", "beta", "Alfa"]),  # without a search: newest
    ],
)
def test_sorting(client, three, sort, expected):
    params = {"sort": sort} if sort else {}
    response = client.get(URL, params, **ENGLISH)
    assert shown(response) == expected
    assert "Some filters could not be applied" not in response.content.decode()


@pytest.mark.django_db
def test_a_search_is_sorted_by_relevance_unless_asked_otherwise(client, territory):
    published(title="Nuova", days_ago=0, description="Parla anche di biblioteche.")
    published(title="Biblioteche di quartiere", days_ago=5)
    by_relevance = ["Biblioteche di quartiere", "Nuova"]
    assert shown(client.get(URL, {"q": "biblioteca"})) == by_relevance
    assert shown(client.get(URL, {"q": "biblioteca", "sort": "relevance"})) == by_relevance
    assert shown(client.get(URL, {"q": "biblioteca", "sort": ""})) == by_relevance
    assert shown(client.get(URL, {"q": "biblioteca", "sort": "newest"})) == by_relevance[::-1]


# Pagination ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pagination_keeps_the_filters(client, territory):
    zone = Zone.objects.get(number=4)
    PracticeFactory.create_batch(
        45, zone=zone, status="published", published_at=timezone.now(), kind="project"
    )
    published(title="Altro tipo", zone=zone, kind="solution")
    response = client.get(URL, {"kind": "project"}, **ENGLISH)
    assert len(shown(response)) == 20
    page = response.content.decode()
    assert "45 practices. Page 1 of 3." in page
    assert 'href="?kind=project&amp;page=2"' in page
    assert 'href="?kind=project&amp;page=3"' in page
    second = client.get(URL, {"kind": "project", "page": "2"})
    assert len(shown(second)) == 20
    assert not set(shown(second)) & set(shown(response))
    assert len(shown(client.get(URL, {"kind": "project", "page": "3"}))) == 5
    # Out of range: the last page; not a number: the first. Never an error.
    assert len(shown(client.get(URL, {"kind": "project", "page": "999999999999"}))) == 5
    assert shown(client.get(URL, {"kind": "project", "page": "abc"})) == shown(response)
    assert len(shown(client.get(URL, {"kind": "project", "page": "-1"}))) == 5


@pytest.mark.django_db
def test_pagination_links_work_through_htmx(client, territory):
    PracticeFactory.create_batch(
        25, zone=Zone.objects.get(number=4), status="published", published_at=timezone.now()
    )
    response = client.get(URL, {"zone": "4", "page": "2"}, **HTMX, **ENGLISH)
    fragment = response.content.decode()
    assert fragment.strip().startswith('<div id="practice-results">')
    assert len(titles_in(response)) == 5
    nav = re.search(r"<nav class=\"pagination-wrapper[^>]*>", fragment).group(0)
    assert 'hx-boost="true"' in nav and 'hx-target="#practice-results"' in nav
    assert 'href="?zone=4&amp;page=1"' in fragment


# htmx and the plain form ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_filter_form_is_a_plain_get_form_enhanced_by_htmx(client, territory):
    published(title="Scuole aperte", zone=Zone.objects.get(number=5))
    response = client.get(URL, {"q": "scuole", "zone": "5"}, **ITALIAN)
    page = response.content.decode()
    assert shown(response) == ["Scuole aperte"]
    assert '<html lang="it">' in page  # the whole page
    form = re.search(r"<form [^>]*id=\"catalogue-filters\"[^>]*>", page).group(0)
    assert 'method="get"' in form and f'action="{URL}"' in form
    assert f'hx-get="{URL}"' in form
    assert 'hx-target="#practice-results"' in form
    assert 'hx-push-url="true"' in form
    assert "delay:" in form
    assert 'value="scuole"' in page
    assert '<option value="5" selected>' in page
    assert '<button type="submit"' in page


@pytest.mark.django_db
def test_htmx_answers_the_results_fragment_with_the_count_out_of_band(client, territory):
    published(title="Scuole aperte")
    published(title="Mercato")
    response = client.get(URL, {"q": "scuola"}, **HTMX, **ENGLISH)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert fragment.strip().startswith('<div id="practice-results">')
    assert "<html" not in fragment and "it-header-wrapper" not in fragment
    assert "<form" not in fragment
    assert "Scuole aperte" in fragment and "Mercato" not in fragment
    assert '<p id="practice-count" hx-swap-oob="innerHTML">' in fragment
    assert "1 practice." in fragment
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HX_REQUEST": "true"},  # another target
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "main-content"},
        {**HTMX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"},  # back button, cache missed
    ],
)
def test_other_htmx_requests_get_the_whole_page(client, territory, headers):
    page = client.get(URL, **headers).content.decode()
    assert "<html" in page and 'id="catalogue-filters"' in page


@pytest.mark.django_db
def test_the_fragment_checks_the_same_rules_as_the_page(client, spokesperson, every_status):
    client.force_login(spokesperson)
    response = client.get(URL, {"status": "draft"}, **HTMX)
    assert titles_in(response) == ["Pratica published"]
    assert "Pratica draft" not in response.content.decode()


# Empty results -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_results_says_so_and_offers_to_clear_the_filters(client, territory):
    published(title="Scuole aperte")
    for response in [
        client.get(URL, {"q": "zzzz"}, **ENGLISH),
        client.get(URL, {"q": "zzzz"}, **HTMX, **ENGLISH),
    ]:
        page = response.content.decode()
        assert titles_in(response) == []
        assert "No practice matches this search and these filters." in page
        assert f'<a href="{URL}">Clear the filters and show all the practices</a>' in page
    assert "0 practices." in client.get(URL, {"q": "zzzz"}, **ENGLISH).content.decode()


@pytest.mark.django_db
def test_an_empty_catalogue_says_nothing_is_published_yet(client, territory):
    PracticeFactory(zone=Zone.objects.get(number=1), status="draft")
    page = client.get(URL, **ENGLISH).content.decode()
    assert "No practice has been published yet." in page
    assert "Clear the filters and show" not in page


# Queries -------------------------------------------------------------------------------------


def _build(count: int, zones, municipalities, themes) -> None:
    """``count`` published practices over a few zones, each with two themes, two
    municipalities and an adoption."""
    for index in range(count):
        zone = zones[index % len(zones)]
        practice = PracticeFactory(
            zone=zone,
            status="published",
            published_at=timezone.now(),
            themes=themes[index % 3 : index % 3 + 2],
        )
        practice.municipalities.set(municipalities[index % 4 : index % 4 + 2])
    # A few drafts too, which staff may list with ?status=all.
    PracticeFactory.create_batch(count // 10, zone=zones[0], status="draft")
    adopted = Practice.objects.filter(status="published").exclude(zone=zones[1])[: count // 2]
    Transfer.objects.bulk_create(
        Transfer(practice=practice, zone=zones[1], stage="adopted") for practice in adopted
    )


# 12 for the catalogue itself, plus one for the unread-notifications count that the header
# shows every logged-in user (a single COUNT, whatever the data).
MAX_QUERIES = 13


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["visitor", "spokesperson", "staff"])
def test_catalogue_queries_do_not_grow_with_the_data(
    client, spokesperson, staff_user, django_assert_max_num_queries, role
):
    if role == "staff":
        client.force_login(staff_user)
    elif role == "spokesperson":
        client.force_login(spokesperson)
    zones = list(Zone.objects.order_by("number")[:4])
    municipalities = list(Municipality.objects.order_by("istat_code")[:6])
    themes = list(Theme.objects.all())
    requests = [
        {},
        {"q": "pratica", "sort": "title"},
        {"theme": themes[1].slug, "zone": str(zones[0].number), "page": "2"},
        {"municipality": municipalities[2].istat_code, "status": "all"},
    ]

    def counts() -> list[int]:
        result = []
        for params in requests:
            for headers in ({}, HTMX):
                with CaptureQueriesContext(connection) as context:
                    response = client.get(URL, params, **headers)
                assert response.status_code == 200
                result.append(len(context.captured_queries))
        return result

    _build(10, zones, municipalities, themes)
    small = counts()
    _build(190, zones, municipalities, themes)
    assert Practice.objects.filter(status="published").count() == 200
    large = counts()
    assert large == small
    print(f"catalogue queries as {role}: {sorted(set(large))}")  # shown with pytest -s
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL, {"q": "pratica"})
    assert len(shown(response)) == 20
