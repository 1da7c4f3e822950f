"""Full-text search of practices: Italian stemming and ranking on PostgreSQL, the accent- and
case-insensitive fallback on SQLite, and input that must never break either."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from practices.models import Practice
from practices.search import MAX_QUERY_LENGTH, search, stem
from zones.models import Zone

from ..factories import PracticeFactory, TransferFactory, ZoneFactory

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text search (run with DATABASE_URL=postgres://…)")


@pytest.fixture
def on_sqlite(db):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite fallback")


def published(**fields):
    fields.setdefault("summary", "Una iniziativa delle zone.")
    fields.setdefault("description", "")
    fields.setdefault("main_institution", "")
    return PracticeFactory(status="published", published_at=timezone.now(), **fields)


def titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def found(text) -> set[str]:
    return titles(search(Practice.objects.all(), text))


@pytest.fixture
def library(db):
    zone = ZoneFactory()
    return {
        "school": published(title="Scuole aperte d'estate", zone=zone),
        "transport": published(
            title="Navetta del mercato",
            summary="Un trasporto a chiamata per gli anziani.",
            zone=zone,
        ),
        "city": published(
            title="Sportello unico", summary="Servizi della Città per le imprese.", zone=zone
        ),
        "parks": published(title="Cura dei parchi urbani", zone=zone),
        "participation": published(title="Bilancio partecipativo", zone=zone),
    }


# Both databases ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("scuola", {"Scuole aperte d'estate"}),
        ("trasporti", {"Navetta del mercato"}),
        ("SCUOLE", {"Scuole aperte d'estate"}),
        ("scuole estate", {"Scuole aperte d'estate"}),  # every word must match
        ("scuola mercato", set()),
        ("parco", {"Cura dei parchi urbani"}),
    ],
)
def test_italian_inflections_are_found_on_every_database(library, query, expected):
    assert found(query) == expected


@pytest.mark.parametrize("query", ["", "   ", None, "!!! ???", "\x00\x00"])
def test_an_empty_query_leaves_the_queryset_unchanged(library, query):
    queryset = Practice.objects.order_by("pk")
    result = search(queryset, query)
    assert list(result) == list(queryset)
    assert "search_rank" not in result.query.annotations


def test_nul_bytes_and_huge_input_do_not_break_the_search(library):
    assert found("scu\x00ola") == {"Scuole aperte d'estate"}  # the NUL is dropped
    assert found("scuola\x00") == {"Scuole aperte d'estate"}
    huge = "scuola " * 10_000
    assert found(huge) == {"Scuole aperte d'estate"}  # cut to MAX_QUERY_LENGTH, still searched
    assert found("estate " * 28 + "mercato") == {"Scuole aperte d'estate"}  # "mer…" is dropped
    assert found("x" * 100_000) == set()
    assert found("'\"); DROP TABLE practices_practice; --") == set()
    assert Practice.objects.count() == 5


def test_the_search_covers_the_description_institution_evidence_and_transfers(db):
    zone = ZoneFactory()
    described = published(title="Uno", description="Orti **condivisi** nelle scuole.", zone=zone)
    led = published(title="Due", main_institution="Unione montana Pinerolese", zone=zone)
    evidenced = published(title="Tre", evidence_of_success="Duecento volontari formati.", zone=zone)
    travelled = published(title="Quattro", zone=zone)
    TransferFactory(practice=travelled, zone=ZoneFactory(), notes="Adattata ai rifugi alpini.")
    travelled.refresh_search_text()
    assert found("orti condivisi") == {described.title}
    assert found("unione montana") == {led.title}
    assert found("volontari") == {evidenced.title}
    assert found("rifugi") == {travelled.title}


def test_the_search_also_works_inside_a_subquery(library):
    matching = search(Practice.objects.all(), "scuola").values("pk")
    assert titles(Practice.objects.filter(pk__in=matching)) == {"Scuole aperte d'estate"}


# PostgreSQL ----------------------------------------------------------------------------------


def test_postgresql_stems_italian_words(on_postgresql, library):
    assert found("scuola") == {"Scuole aperte d'estate"}
    assert found("trasporti") == {"Navetta del mercato"}
    assert found("chiamate") == {"Navetta del mercato"}
    assert found("città") == {"Sportello unico"}
    assert found("citta") == {"Sportello unico"}  # the stemmer drops the accented final vowel


def test_postgresql_understands_web_search_syntax(on_postgresql, library):
    assert found("scuola or mercato") == {"Scuole aperte d'estate", "Navetta del mercato"}
    assert found("servizi -imprese") == set()
    assert found('"trasporto a chiamata"') == {"Navetta del mercato"}
    assert found("della il") == set()  # only stop words: nothing to look for


def test_postgresql_ranks_title_above_summary_above_description(on_postgresql):
    zone = ZoneFactory()
    in_description = published(title="Tre", description="Progetto sulle biblioteche.", zone=zone)
    in_summary = published(title="Due", summary="Rete delle biblioteche civiche.", zone=zone)
    in_title = published(title="Biblioteche di quartiere", zone=zone)
    ranked = search(Practice.objects.all(), "biblioteca").order_by("-search_rank")
    assert list(ranked) == [in_title, in_summary, in_description]


def test_postgresql_catalogue_finds_an_inflected_word_by_relevance(on_postgresql, client):
    zone = ZoneFactory()
    published(title="Nuovi orari", description="Più corse per i trasporti scolastici.", zone=zone)
    published(title="Trasporto scolastico gratuito", zone=zone)
    response = client.get(reverse("practices:practice-list"), {"q": "trasporti"})
    assert [p.title for p in response.context["practices"]] == [
        "Trasporto scolastico gratuito",  # title match first, though older
        "Nuovi orari",
    ]


# SQLite --------------------------------------------------------------------------------------


def test_fallback_ignores_case_and_accents(on_sqlite, library):
    assert found("citta") == {"Sportello unico"}
    assert found("CITTÀ") == {"Sportello unico"}
    assert found("Città") == {"Sportello unico"}


def test_fallback_forgives_plurals_but_matches_word_starts_only(on_sqlite, library):
    assert found("scuola") == {"Scuole aperte d'estate"}
    assert found("trasporti") == {"Navetta del mercato"}
    assert found("parco") == {"Cura dei parchi urbani"}
    assert found("partecip") == {"Bilancio partecipativo"}  # a word's start
    assert found("arte") == set()  # not inside "partecipativo"
    assert found("aperta") == {"Scuole aperte d'estate"}


def test_fallback_ranks_title_matches_first(on_sqlite):
    zone = ZoneFactory()
    in_description = published(title="Tre", description="Progetto sulle biblioteche.", zone=zone)
    in_title = published(title="Biblioteche di quartiere", zone=zone)
    ranked = search(Practice.objects.all(), "biblioteca").order_by("-search_rank", "pk")
    assert list(ranked) == [in_title, in_description]
    assert ranked[0].search_rank > ranked[1].search_rank


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("scuola", "scuol"),
        ("scuole", "scuol"),
        ("trasporti", "trasport"),
        ("parchi", "parc"),
        ("luoghi", "luog"),
        ("bus", "bus"),
        ("asilo", "asil"),
        ("covid", "covid"),
        ("casa", "casa"),
    ],
)
def test_fallback_stems_are_documented(word, expected):
    assert stem(word) == expected


# Through the catalogue -----------------------------------------------------------------------


def test_over_long_or_nul_query_in_the_catalogue_gets_a_message_not_an_error(client, db):
    published(title="Scuole aperte", zone=ZoneFactory())
    url = reverse("practices:practice-list")
    response = client.get(url, {"q": "x" * 5000}, **ENGLISH)
    assert response.status_code == 200
    assert f"at most {MAX_QUERY_LENGTH} characters" in response.content.decode()
    response = client.get(url, {"q": "scuo\x00la"}, **ENGLISH)
    assert response.status_code == 200
    response = client.get(url, {"q": "scuole\x00"}, **ENGLISH)
    assert [p.title for p in response.context["practices"]] == ["Scuole aperte"]


def test_search_in_the_catalogue_shows_only_published_practices(client, territory):
    zone = Zone.objects.get(number=5)
    published(title="Scuole aperte", zone=zone)
    PracticeFactory(title="Scuole in bozza", zone=zone, status="draft")
    PracticeFactory(title="Scuole archiviate", zone=zone, status="archived")
    response = client.get(reverse("practices:practice-list"), {"q": "scuola", "status": "all"})
    assert [p.title for p in response.context["practices"]] == ["Scuole aperte"]
