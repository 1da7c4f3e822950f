"""The zones-by-themes matrix and its CSV download (/cruscotto/matrice/)."""

import csv
import io
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from practices.models import Theme
from zones.models import Zone

from .factories import MembershipFactory, PracticeFactory, TransferFactory, UserFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PAGE = reverse("dashboard-matrix")
CSV = reverse("dashboard-matrix-csv")


def zone(number: int) -> Zone:
    return Zone.objects.get(number=number)


def theme(slug: str) -> Theme:
    return Theme.objects.get(slug=slug)


def published(number: int, *slugs: str, **fields):
    return PracticeFactory(
        zone=zone(number), status="published", themes=[theme(s) for s in slugs], **fields
    )


MOBILITY = "trasporto-pubblico-e-mobilita"
SCHOOLS = "scuola-e-istruzione"
HEALTH = "salute-e-sicurezza"


@pytest.fixture
def practices(territory):
    """Zone 5 owns two mobility practices (one also about schools), zone 3 adopted one of them;
    and what does not count: a draft, an archived practice, a transfer dropped, one under way."""
    shared = published(5, MOBILITY, SCHOOLS)
    published(5, MOBILITY)
    TransferFactory(practice=shared, zone=zone(3), stage="adopted")
    PracticeFactory(zone=zone(5), status="draft", themes=[theme(HEALTH)])
    PracticeFactory(zone=zone(5), status="archived", themes=[theme(HEALTH)])
    TransferFactory(
        practice=published(2, HEALTH), zone=zone(7), stage="dropped", drop_reason="Costi"
    )
    TransferFactory(practice=published(2, SCHOOLS), zone=zone(8), stage="piloting")


def page(client) -> str:
    response = client.get(PAGE, **EN)
    assert response.status_code == 200
    return response.content.decode()


def element(content: str, element_id: str) -> str:
    """The HTML of the element with ``element_id`` (none of those looked up nests its own tag)."""
    match = re.search(rf'<(\w+)\b[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', content, re.DOTALL)
    assert match, f"no #{element_id} on the page"
    return match[0]


def text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def shown(content: str, number: int, slug: str) -> str:
    """What a cell shows to the eye (the count, or "none")."""
    cell = element(content, f"cell-{number}-{slug}")
    return text(re.search(r'<span aria-hidden="true">(.*?)</span>', cell)[1])


def label(content: str, number: int, slug: str) -> str:
    """What a cell's link says to a screen reader."""
    cell = element(content, f"cell-{number}-{slug}")
    return text(re.search(r'<span class="visually-hidden">(.*?)</span>', cell, re.DOTALL)[1])


def link(content: str, number: int, slug: str) -> str:
    cell = element(content, f"cell-{number}-{slug}")
    return unescape(re.search(r'<a href="([^"]+)"', cell)[1])


# -- What the matrix counts ------------------------------------------------------------------


@pytest.mark.django_db
def test_cells_count_owned_and_adopted_published_practices(staff_client, practices):
    content = page(staff_client)
    assert shown(content, 5, MOBILITY) == "2"
    assert shown(content, 5, SCHOOLS) == "1"
    # Adopted by zone 3: it counts there too.
    assert shown(content, 3, MOBILITY) == "1"
    assert shown(content, 3, SCHOOLS) == "1"
    assert shown(content, 2, HEALTH) == "1"
    assert shown(content, 2, SCHOOLS) == "1"
    # Draft and archived practices, a dropped transfer and one still piloting do not count.
    for number, slug in [(5, HEALTH), (7, HEALTH), (8, SCHOOLS)]:
        assert shown(content, number, slug) == "none"
        assert "matrix-empty" in element(content, f"cell-{number}-{slug}").split(">")[0]


@pytest.mark.django_db
def test_empty_cells_are_said_in_words_and_counted(staff_client, practices):
    content = page(staff_client)
    empty = 11 * Theme.objects.count() - 6  # six cells have a practice
    assert content.count("matrix-empty") == empty
    assert shown(content, 7, HEALTH) == "none"
    assert label(content, 7, HEALTH) == (
        f"Zone 7 {zone(7).name}, theme Health and safety: none (0 practices)"
    )
    assert f"{empty} empty cells" in text(element(content, "matrix-summary"))


@pytest.mark.django_db
def test_a_cell_says_zone_theme_and_count_and_links_to_the_filtered_catalogue(
    staff_client, practices
):
    content = page(staff_client)
    assert label(content, 5, MOBILITY) == (
        "Zone 5 Pinerolese, theme Local public transport and mobility: 2 practices"
    )
    assert label(content, 3, SCHOOLS) == (
        f"Zone 3 {zone(3).name}, theme Schools and education: 1 practice"
    )
    url = urlsplit(link(content, 5, MOBILITY))
    assert url.path == reverse("practices:practice-list")
    assert parse_qs(url.query) == {"zone": ["5"], "adopted": ["on"], "theme": [MOBILITY]}
    assert parse_qs(urlsplit(link(content, 7, HEALTH)).query) == {
        "zone": ["7"],
        "adopted": ["on"],
        "theme": [HEALTH],
    }
    # The catalogue at that link lists zone 5's two mobility practices.
    listed = staff_client.get(link(content, 5, MOBILITY), **EN).content.decode()
    assert len(re.findall(r"<article\b", listed)) == 2
    # Zone 3's cell counts the schools practice it adopted: the catalogue lists it too, as
    # many practices as the cell says.
    listed = staff_client.get(link(content, 3, SCHOOLS), **EN).content.decode()
    assert len(re.findall(r"<article\b", listed)) == 1
    assert "those it adopted" in text(element(content, "matrix-notes"))


@pytest.mark.django_db
def test_totals_count_each_practice_once(staff_client, practices):
    content = page(staff_client)

    def total(element_id: str) -> str:
        return text(element(content, element_id))

    # Zone 5 has two practices (the one with two themes counts once), zone 3 one.
    assert total("total-zone-5") == "2"
    assert total("total-zone-3") == "1"
    assert total("total-zone-7") == "0"
    # The practice of zone 5 adopted by zone 3 is one mobility practice, not two.
    assert total(f"total-theme-{MOBILITY}") == "2"
    assert total(f"total-theme-{SCHOOLS}") == "2"
    assert total(f"total-theme-{HEALTH}") == "1"
    assert total("total-theme-turismo-e-cultura") == "0"
    assert total("total-all") == "4"  # the four published practices


@pytest.mark.django_db
def test_the_table_has_a_caption_and_header_scopes(staff_client, practices):
    table = element(page(staff_client), "zone-theme-matrix")
    assert re.search(r"<caption[^>]*>\s*\w", table)
    assert table.count('<th scope="col"') == Theme.objects.count() + 2
    assert table.count('<th scope="row"') == 11 + 1  # the zones and the totals


# -- Who may see it --------------------------------------------------------------------------


@pytest.fixture
def clients(territory, staff_user):
    """A client per role: anonymous, an account with no zone, a spokesperson, staff."""
    made = {"anonymous": Client(), "no zone": Client(), "spokesperson": Client()}
    made["no zone"].force_login(UserFactory(email="nessuna-zona@example.org"))
    made["spokesperson"].force_login(MembershipFactory(zone=zone(5)).user)
    made["staff"] = Client()
    made["staff"].force_login(staff_user)
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("url", [PAGE, CSV])
@pytest.mark.parametrize(
    ("role", "method", "status"),
    [
        ("anonymous", "get", 302),
        ("no zone", "get", 403),
        ("spokesperson", "get", 200),
        ("staff", "get", 200),
        ("anonymous", "post", 405),
        ("no zone", "post", 405),
        ("spokesperson", "post", 405),
        ("staff", "post", 405),
    ],
)
def test_permissions(clients, url, role, method, status):
    response = getattr(clients[role], method)(url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_a_former_spokesperson_is_refused(territory):
    today = timezone.localdate()
    membership = MembershipFactory(
        zone=zone(5), since=today - timedelta(days=400), until=today - timedelta(days=1)
    )
    client = Client()
    client.force_login(membership.user)
    assert client.get(PAGE).status_code == 403
    assert client.get(CSV).status_code == 403


# -- CSV -------------------------------------------------------------------------------------


def read_csv(response, delimiter: str) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=delimiter))


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "delimiter"), [("", ","), ("?sep=semicolon", ";")])
def test_the_csv_holds_the_matrix(staff_client, practices, query, delimiter):
    response = staff_client.get(CSV + query, **EN)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="matrice-zone-temi-{today}.csv"'
    )
    rows = read_csv(response, delimiter)
    header, zones, totals = rows[0], rows[1:-1], rows[-1]
    assert header[:2] == ["Zone number", "Zone"] and header[-1] == "Total"
    assert len(header) == Theme.objects.count() + 3
    assert "Local public transport and mobility" in header
    assert [row[0] for row in zones] == [str(n) for n in range(1, 12)]
    by_zone = {row[0]: dict(zip(header, row, strict=True)) for row in zones}
    assert by_zone["5"]["Zone"] == "Pinerolese"
    assert by_zone["5"]["Local public transport and mobility"] == "2"
    assert by_zone["5"]["Schools and education"] == "1"
    assert by_zone["5"]["Health and safety"] == "0"
    assert by_zone["5"]["Total"] == "2"
    assert by_zone["3"]["Local public transport and mobility"] == "1"
    assert totals[1] == "All zones" and totals[-1] == "4"


@pytest.mark.django_db
def test_the_csv_is_in_the_users_language(staff_client, practices):
    header = read_csv(staff_client.get(CSV), ",")[0]
    assert "Salute e sicurezza" in header
    assert "Health and safety" not in header


@pytest.mark.django_db
def test_the_page_links_both_csv_variants(staff_client, practices):
    links = re.findall(r'<a [^>]*href="([^"]+)" download>', page(staff_client))
    assert links == [CSV, CSV + "?sep=semicolon"]


def test_csv_cells_that_look_like_formulas_are_kept_as_text(rf):
    from zones.csv_export import csv_response

    response = csv_response([["=HYPERLINK(1)", -3, "ok"]], ["@a", "b", "c"], "x", rf.get("/"))
    rows = list(csv.reader(io.StringIO(response.content.decode().removeprefix("\ufeff"))))
    assert rows == [["'@a", "b", "c"], ["'=HYPERLINK(1)", "-3", "ok"]]


# -- Queries ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_data(staff_client, territory, django_assert_max_num_queries):
    def counts() -> tuple[int, int]:
        result = []
        for url in (PAGE, CSV):
            with CaptureQueriesContext(connection) as context:
                assert staff_client.get(url).status_code == 200
            result.append(len(context))
        return tuple(result)

    published(5, MOBILITY)
    small = counts()
    themes = list(Theme.objects.all())
    for number in range(1, 12):
        for index in range(3):
            practice = PracticeFactory(
                zone=zone(number), status="published", themes=themes[index : index + 3]
            )
            TransferFactory(practice=practice, zone=zone(number % 11 + 1), stage="adopted")
    assert counts() == small
    with django_assert_max_num_queries(10):
        staff_client.get(PAGE)
