"""The dashboard's trends per quarter (/cruscotto/andamento/), its CSV, and the chart helper."""

import csv
import datetime
import io
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from meetings import services as meeting_services
from meetings.models import Invitation
from practices.models import Transfer, TransferStep, Transition
from roundtable import charts
from roundtable.trends import Quarter, quarters_between
from zones.models import Zone

from .factories import MembershipFactory, PracticeFactory, TransferFactory, UserFactory
from .meetings.helpers import schedule

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PAGE = reverse("dashboard-trends")
CSV = reverse("dashboard-trends-csv")
ROME = ZoneInfo("Europe/Rome")
UTC = datetime.UTC


def zone(number: int) -> Zone:
    return Zone.objects.get(number=number)


def at(*args, tz=ROME) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=tz)


def held_on(staff, when: datetime.datetime, attendance: dict[int, str]):
    """A meeting held at ``when``, with ``attendance`` recorded by zone number."""
    meeting = schedule(staff, 0, starts_at=when, ends_at=when + timedelta(hours=2))
    for invitation in Invitation.objects.filter(meeting=meeting, zone__number__in=attendance):
        meeting_services.record_attendance(
            invitation=invitation,
            by=staff,
            attendance=attendance[invitation.zone.number],
            attended_by="Vice sindaco"
            if attendance[invitation.zone.number] == "substitute"
            else "",
        )
    return meeting_services.change_meeting_status(meeting=meeting, to_status="held", by=staff)


@pytest.fixture
def history(territory, staff_user):
    """Two years of the Round Table's work, dated by hand.

    2024 Q1: zone 5's practice A first published (archived since).
    2024 Q2: zone 5's practice B first published at 01:30 on 1 April in Rome (still 31 March in
             UTC), archived, published again in Q3; a meeting held: 9 zones recorded, 7 present
             (one through a substitute), zone 5 present.
    2024 Q3: zone 3's practice C published (imported: no transition, only ``published_at``);
             zone 5 declares its interest in C; a meeting scheduled but never marked held.
    2024 Q4: nothing but a cancelled meeting: zeros, and no attendance data.
    2025 Q1: zone 5 adopts C; zone 7 declares interest in A (later dropped); a meeting held
             with 3 zones recorded, 2 present, zone 5 absent.
    A draft practice counts nowhere.
    """
    a = PracticeFactory(zone=zone(5), status="archived", published_at=at(2024, 2, 10, 12))
    Transition.objects.create(
        practice=a, from_status="submitted", to_status="published", at=at(2024, 2, 10, 12)
    )
    Transition.objects.create(
        practice=a, from_status="published", to_status="archived", at=at(2024, 11, 5, 9)
    )
    b = PracticeFactory(zone=zone(5), status="published", published_at=at(2024, 8, 1, 10))
    for to_status, moment in [
        ("published", datetime.datetime(2024, 3, 31, 23, 30, tzinfo=UTC)),
        ("archived", at(2024, 5, 20, 10)),
        ("published", at(2024, 8, 1, 10)),
    ]:
        Transition.objects.create(
            practice=b, from_status="submitted", to_status=to_status, at=moment
        )
    c = PracticeFactory(zone=zone(3), status="published", published_at=at(2024, 8, 20, 10))
    PracticeFactory(zone=zone(5), status="draft")

    into5 = TransferFactory(practice=c, zone=zone(5), stage="adopted", created_at=at(2024, 9, 10))
    TransferStep.objects.create(transfer=into5, stage="interested", on=datetime.date(2024, 9, 10))
    TransferStep.objects.create(transfer=into5, stage="adopted", on=datetime.date(2025, 1, 20))
    into7 = TransferFactory(
        practice=a, zone=zone(7), stage="dropped", drop_reason="Costi", created_at=at(2025, 2, 1)
    )
    TransferStep.objects.create(transfer=into7, stage="dropped", on=datetime.date(2025, 3, 3))

    held_on(
        staff_user,
        at(2024, 5, 10, 10),
        {1: "present", 2: "present", 3: "present", 4: "present", 5: "present", 6: "present"}
        | {7: "substitute", 8: "absent", 9: "excused"},
    )
    schedule(staff_user, 0, starts_at=at(2024, 8, 5, 10), ends_at=at(2024, 8, 5, 12))
    cancelled = schedule(staff_user, 0, starts_at=at(2024, 11, 5, 10), ends_at=at(2024, 11, 5, 12))
    meeting_services.change_meeting_status(
        meeting=cancelled, to_status="cancelled", by=staff_user, reason="Allerta meteo"
    )
    held_on(staff_user, at(2025, 3, 1, 10), {1: "present", 2: "present", 5: "absent"})


# -- Reading the page ------------------------------------------------------------------------


def page(client, query: str = "", **headers) -> str:
    response = client.get(PAGE + query, **(headers or EN))
    assert response.status_code == 200
    return response.content.decode()


def element(content: str, element_id: str) -> str:
    """The HTML of the element with ``element_id`` (none looked up nests its own tag)."""
    match = re.search(rf'<(\w+)\b[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', content, re.DOTALL)
    assert match, f"no #{element_id} on the page"
    return match[0]


def text(fragment: str) -> str:
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", fragment).split()))


def table(content: str, table_id: str) -> dict[str, list[str]]:
    """A table's body as {quarter: [cells]}."""
    body = element(content, table_id).split("<tbody>")[1]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL):
        quarter = text(re.search(r'<th scope="row">(.*?)</th>', row)[1])
        rows[quarter] = [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    return rows


def titles(svg: str, tag: str) -> list[str]:
    return [text(t) for t in re.findall(rf"<{tag}\b[^>]*><title>(.*?)</title>", svg)]


def quarters_to_now(first: Quarter) -> list[str]:
    return [q.label for q in quarters_between(first, Quarter.of(timezone.localdate()))]


# -- What the figures count ------------------------------------------------------------------


@pytest.mark.django_db
def test_each_quarter_from_the_first_to_now_with_the_empty_ones_at_zero(staff_client, history):
    content = page(staff_client)
    published = table(content, "published-table")
    assert list(published) == quarters_to_now(Quarter(2024, 1))
    # A: first published in Q1 and archived since; B at 01:30 on 1 April in Rome, once, though
    # published again in Q3; C (no transition) by its published_at; the draft nowhere.
    assert published["2024 Q1"] == ["1"]
    assert published["2024 Q2"] == ["1"]
    assert published["2024 Q3"] == ["1"]
    assert published["2024 Q4"] == ["0"]
    assert sum(int(cells[0]) for cells in published.values()) == 3

    transfers = table(content, "transfers-table")
    assert transfers["2024 Q3"] == ["1", "0"]
    assert transfers["2024 Q4"] == ["0", "0"]
    assert transfers["2025 Q1"] == ["1", "1"]  # zone 7 declared; zone 5 adopted
    assert sum(int(cells[1]) for cells in transfers.values()) == 1  # the dropped one is not

    attendance = table(content, "attendance-table")
    assert attendance["2024 Q2"] == ["1", "9", "7", "77.8%"]
    assert attendance["2024 Q3"] == ["0", "0", "0", "no data"]  # scheduled, never held
    assert attendance["2024 Q4"] == ["0", "0", "0", "no data"]  # cancelled
    assert attendance["2025 Q1"] == ["1", "3", "2", "66.7%"]


@pytest.mark.django_db
def test_numbers_are_in_the_users_language(staff_client, history):
    attendance = table(page(staff_client, HTTP_ACCEPT_LANGUAGE="it"), "attendance-table")
    rows = list(attendance.values())
    assert ["1", "9", "7", "77,8%"] in rows


@pytest.mark.django_db
def test_a_zone_keeps_its_practices_its_transfers_in_and_its_attendance(staff_client, history):
    content = page(staff_client, "?zone=5")
    assert "Zone 5 Pinerolese" in text(element(content, "trends-scope"))
    published = table(content, "published-table")
    assert published["2024 Q1"] == ["1"] and published["2024 Q2"] == ["1"]
    assert published["2024 Q3"] == ["0"]  # C belongs to zone 3
    transfers = table(content, "transfers-table")
    assert transfers["2024 Q3"] == ["1", "0"]
    assert transfers["2025 Q1"] == ["0", "1"]  # zone 7's declaration is not zone 5's
    attendance = table(content, "attendance-table")
    assert attendance["2024 Q2"] == ["1", "1", "1", "100%"]
    assert attendance["2025 Q1"] == ["1", "1", "0", "0%"]

    zone3 = table(page(staff_client, "?zone=3"), "published-table")
    # Zone 3's first figure is the meeting of 2024 Q2 it attended.
    assert next(iter(zone3)) == "2024 Q2"
    assert zone3["2024 Q2"] == ["0"] and zone3["2024 Q3"] == ["1"]


@pytest.mark.django_db
def test_a_period_keeps_the_quarters_and_the_figures_dated_in_it(staff_client, history):
    content = page(staff_client, "?from=2024-04-01&to=2024-09-30")
    published = table(content, "published-table")
    assert published == {"2024 Q2": ["1"], "2024 Q3": ["1"]}
    assert "from 2024 Q2 to 2024 Q3" in text(element(content, "published-summary"))
    assert text(element(content, "attendance-summary")).endswith(
        "77.8% in 2024 Q2, the only quarter with data. "
        "Quarters without data (no meeting held or attendance recorded): 1."
    )
    # Within a quarter, only the days asked for.
    content = page(staff_client, "?from=2024-04-02&to=2024-09-30")
    assert table(content, "published-table")["2024 Q2"] == ["0"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field", "first"),
    [
        ("?from=2024-13-45", "id_from", "2024 Q1"),
        ("?from=yesterday&to=2024-06-30", "id_from", "2024 Q1"),
        ("?from=2025-01-01&to=2024-06-30", "id_to", "2025 Q1"),  # "to" dropped, "from" kept
        ("?zone=99", "id_zone", "2024 Q1"),
    ],
)
def test_a_bad_filter_is_said_and_left_out(staff_client, history, query, field, first):
    content = page(staff_client, query)
    assert "Some filters are not valid" in content
    assert re.search(rf'id="{field}_error"[^>]*>\s*\S', content)
    assert next(iter(table(content, "published-table"))) == first
    links = re.findall(r'<a [^>]*href="([^"]+)" download>', content)
    assert all(field.removeprefix("id_") + "=" not in unescape(link) for link in links)


@pytest.mark.django_db
def test_with_nothing_recorded_the_page_says_so(staff_client, territory):
    content = page(staff_client)
    assert "Nothing to show for these filters" in text(element(content, "trends-empty"))
    assert 'role="img"' not in content and "download>" not in content


# -- The charts and their tables --------------------------------------------------------------


@pytest.mark.django_db
def test_each_chart_has_a_bar_or_point_per_quarter_with_its_title(staff_client, history):
    content = page(staff_client)
    quarters = quarters_to_now(Quarter(2024, 1))

    published = element(content, "chart-published")
    assert titles(published, "rect") == [
        f"Practices published, {quarter}: {cells[0]}"
        for quarter, cells in table(content, "published-table").items()
    ]
    assert len(titles(published, "rect")) == len(quarters)

    transfers = element(content, "chart-transfers")
    bars = titles(transfers, "rect")
    assert len(bars) == 2 * len(quarters)
    assert "Declared, 2025 Q1: 1" in bars and "Adopted, 2025 Q1: 1" in bars
    assert transfers.count('fill="url(#transfers-hatch)"') == len(quarters)  # adopted: hatched

    attendance = element(content, "chart-attendance")
    # A point for each quarter with data; a gap for the others.
    assert titles(attendance, "circle") == [
        "Attendance rate, 2024 Q2: 77.8%",
        "Attendance rate, 2025 Q1: 66.7%",
    ]


@pytest.mark.django_db
def test_the_charts_are_images_named_by_their_heading_and_summary(staff_client, history):
    content = page(staff_client)
    for key in ("published", "transfers", "attendance"):
        svg = element(content, f"chart-{key}")
        opening = svg.split(">")[0]
        assert 'role="img"' in opening and "style=" not in svg
        labelled = re.search(r'aria-labelledby="([^"]+)"', opening)[1].split()
        assert labelled == [f"{key}-heading", f"{key}-summary"]
        assert re.search(rf'<h2 id="{key}-heading">\s*\w', content)
        table_html = element(content, f"{key}-table")
        assert re.search(r"<caption[^>]*>\s*\w", table_html)
        assert '<th scope="row">' in table_html and '<th scope="col"' in table_html
    summary = text(element(content, "published-summary"))
    last = Quarter.of(timezone.localdate()).label
    assert summary == (
        f"Practices published per quarter, from 2024 Q1 to {last}; highest 1 in 2024 Q1."
    )
    attendance = text(element(content, "attendance-summary"))
    assert "highest 77.8% in 2024 Q2, lowest 66.7% in 2025 Q1" in attendance


# -- CSV ---------------------------------------------------------------------------------------


def read_csv(response, delimiter: str) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=delimiter))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "delimiter", "rates"),
    [("", ",", ("77.8", "66.7")), ("?sep=semicolon", ";", ("77,8", "66,7"))],
)
def test_the_csv_has_a_row_per_quarter_and_a_column_per_series(
    staff_client, history, query, delimiter, rates
):
    response = staff_client.get(CSV + query, **EN)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="andamento-trimestrale-{today}.csv"'
    )
    header, *rows = read_csv(response, delimiter)
    assert header == [
        "Quarter",
        "Practices published",
        "Transfers declared",
        "Transfers adopted",
        "Meetings held",
        "Attendance recorded",
        "Present or substituted",
        "Attendance rate (%)",
    ]
    by_quarter = {row[0]: row[1:] for row in rows}
    assert list(by_quarter) == quarters_to_now(Quarter(2024, 1))
    assert by_quarter["2024 Q2"] == ["1", "0", "0", "1", "9", "7", rates[0]]
    assert by_quarter["2024 Q4"] == ["0", "0", "0", "0", "0", "0", ""]
    assert by_quarter["2025 Q1"] == ["0", "1", "1", "1", "3", "2", rates[1]]


@pytest.mark.django_db
def test_the_csv_keeps_the_filters_and_the_page_links_to_it(staff_client, history):
    content = page(staff_client, "?zone=5&from=2024-04-01")
    links = [unescape(link) for link in re.findall(r'<a [^>]*href="([^"]+)" download>', content)]
    assert len(links) == 2
    queries = [parse_qs(urlsplit(link).query) for link in links]
    assert queries[0] == {"zone": ["5"], "from": ["2024-04-01"]}
    assert queries[1] == {"zone": ["5"], "from": ["2024-04-01"], "sep": ["semicolon"]}
    _header, *rows = read_csv(staff_client.get(links[1], **EN), ";")
    by_quarter = {row[0]: row[1:] for row in rows}
    assert next(iter(by_quarter)) == "2024 Q2"
    assert by_quarter["2025 Q1"][:3] == ["0", "0", "1"]  # only zone 5's adoption


# -- Who may see it --------------------------------------------------------------------------


@pytest.fixture
def clients(territory, staff_user):
    """A client per role: anonymous, an account with no zone, a spokesperson, staff, and a
    former spokesperson whose term ended yesterday."""
    today = timezone.localdate()
    made = {role: Client() for role in ("anonymous", "no zone", "spokesperson", "former")}
    made["no zone"].force_login(UserFactory(email="nessuna-zona@example.org"))
    made["spokesperson"].force_login(MembershipFactory(zone=zone(5)).user)
    former = MembershipFactory(
        zone=zone(5), since=today - timedelta(days=400), until=today - timedelta(days=1)
    )
    made["former"].force_login(former.user)
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
        ("former", "get", 403),
        ("spokesperson", "get", 200),
        ("staff", "get", 200),
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
def test_the_page_is_in_the_dashboard_section(staff_client, history):
    response = staff_client.get(PAGE, **EN)
    assert response.context["section"] == "dashboard"


# -- Queries -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_data(
    staff_client, history, staff_user, django_assert_max_num_queries
):
    def counts() -> tuple[int, ...]:
        result = []
        for url in (PAGE, PAGE + "?zone=5&from=2024-01-01", CSV, CSV + "?zone=5"):
            with CaptureQueriesContext(connection) as context:
                assert staff_client.get(url).status_code == 200
            result.append(len(context))
        return tuple(result)

    few = counts()
    for index in range(12):
        moment = at(2023, 1 + index, 3, 10)
        practice = PracticeFactory(
            zone=zone(index % 11 + 1), status="published", published_at=moment
        )
        Transition.objects.create(
            practice=practice, from_status="submitted", to_status="published", at=moment
        )
        transfer = TransferFactory(
            practice=practice, zone=zone(5 if index % 11 else 6), stage="adopted", created_at=moment
        )
        TransferStep.objects.create(transfer=transfer, stage="adopted", on=moment.date())
    for month in (1, 4, 7, 10):
        held_on(staff_user, at(2023, month, 20, 10), {5: "present", 6: "absent", 7: "excused"})
    assert Transfer.objects.count() > 10
    assert counts() == few
    with django_assert_max_num_queries(11):
        staff_client.get(PAGE + "?zone=5")


# -- The chart helper --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (0, [0, 1, 2]),
        (1, [0, 1, 2]),
        (3, [0, 1, 2, 3]),
        (4, [0, 1, 2, 3, 4]),
        (5, [0, 2, 4, 6]),
        (7, [0, 2, 4, 6, 8]),
        (10, [0, 5, 10]),
        (23, [0, 10, 20, 30]),
        (100, [0, 50, 100]),
        (1234, [0, 500, 1000, 1500]),
    ],
)
def test_ticks_are_three_to_five_round_values_covering_the_data(maximum, ticks):
    assert charts.nice_ticks(maximum) == ticks


def test_ticks_of_fractions_are_round_too():
    assert charts.nice_ticks(0.7, integer=False) == [0, 0.2, 0.4, 0.6, 0.8]


def test_bars_are_scaled_to_the_top_tick():
    with translation.override("en"):
        chart = charts.bar_chart(["A", "B", "C"], [charts.Series("Published", [8, 4, 0])])
    top, bottom = chart.top, chart.bottom
    assert [tick.value for tick in chart.ticks] == [0, 2, 4, 6, 8]
    tall, half, empty = chart.bars
    assert tall.y == top and tall.height == bottom - top
    assert half.height == pytest.approx((bottom - top) / 2, abs=0.1)
    assert empty.height == 0 and empty.y == bottom
    assert [bar.title for bar in chart.bars] == [
        "Published, A: 8",
        "Published, B: 4",
        "Published, C: 0",
    ]
    # Bars sit in their own slot, left to right, inside the plot.
    assert chart.left < tall.x < half.x < empty.x < chart.right - empty.width


def test_with_only_zeros_the_chart_still_has_an_axis_and_a_bar_per_category():
    chart = charts.bar_chart(["A", "B"], [charts.Series("x", [0, 0]), charts.Series("y", [0, 0])])
    assert [tick.value for tick in chart.ticks] == [0, 1, 2]
    assert len(chart.bars) == 4 and all(bar.height == 0 for bar in chart.bars)
    assert len(chart.x_labels) == 2


def test_labels_are_thinned_out_when_there_are_many_categories():
    labels = [Quarter(2015 + i // 4, i % 4 + 1).label for i in range(40)]
    shown = charts.x_labels(labels)
    assert 3 <= len(shown) <= 10
    assert shown[0].text == labels[0]
    assert [label.x for label in shown] == sorted(label.x for label in shown)


def test_a_rate_chart_breaks_its_line_where_data_is_missing():
    with translation.override("it"):
        chart = charts.rate_chart(
            ["A", "B", "C", "D", "E"], charts.Series("Presenze", [0.5, None, 1, 2 / 3, None])
        )
    assert [tick.label for tick in chart.ticks] == ["0%", "25%", "50%", "75%", "100%"]
    assert [point.title for point in chart.points] == [
        "Presenze, A: 50%",
        "Presenze, C: 100%",
        "Presenze, D: 66,7%",
    ]
    assert chart.points[1].y == chart.top and chart.points[0].y == (chart.top + chart.bottom) / 2
    assert chart.lines == [
        f"{chart.points[1].x},{chart.points[1].y} {chart.points[2].x},{chart.points[2].y}"
    ]


def test_a_spokesperson_may_pick_their_own_zone_only(client, history):
    """Another zone's attendance is for staff, as on the scorecard: a spokesperson's choice of
    another zone is refused on the form and in the CSV, and the metropolitan figures shown."""
    client.force_login(MembershipFactory(zone=zone(5)).user)
    content = client.get(PAGE, {"zone": "3"}, **EN).content.decode()
    assert re.search(r'id="id_zone_error"[^>]*>\s*\S', content)
    assert '<option value="3"' not in content and '<option value="5"' in content
    assert client.get(PAGE, {"zone": "5"}, **EN).context["zone"] == zone(5)
    rows = list(csv.reader(io.StringIO(client.get(CSV, {"zone": "3"}).content.decode()[1:])))
    everyone = list(csv.reader(io.StringIO(client.get(CSV).content.decode()[1:])))
    assert rows == everyone
