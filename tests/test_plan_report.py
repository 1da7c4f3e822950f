"""The contribution report of a Strategic Plan (/piano-strategico/<code>/contributi/), its
printable dossier and its CSV download: the figures against a hand-built plan, who may see it,
the period, and the number of queries as the data grows."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import ActionItem
from plans.models import Action, Axis, Plan, Strategy
from practices.models import TransferStep
from roundtable.plan_report import Figures, contribution_report
from roundtable.trends import Period
from zones.models import Zone

from .factories import PracticeFactory, TransferFactory, UserFactory, ZoneFactory
from .meetings.helpers import action, held, item

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
CODE = "PSM-PROVA"


def zone(number: int) -> Zone:
    return Zone.objects.get(number=number)


def page_url(name: str = "plan-report", code: str = CODE) -> str:
    return reverse(name, kwargs={"code": code})


@pytest.fixture
def plan(territory):
    """Three axes: 1 with strategies 1.1 (and its action 1.1.1) and 1.2, 2 with strategy 2.1,
    3 with none. Another plan, superseded, has an axis of its own."""
    plan = Plan.objects.create(
        code=CODE, title="Piano di prova", period="2024-2026", status="in_force"
    )
    axes = {
        number: Axis.objects.create(plan=plan, number=number, name_it=f"Asse {number}")
        for number in (1, 2, 3)
    }
    strategies = {
        code: Strategy.objects.create(
            axis=axes[int(code[0])], code=code, name_it=f"Strategia {code}"
        )
        for code in ("1.1", "1.2", "2.1")
    }
    old = Plan.objects.create(code="PSM-VECCHIO", title="Vecchio", period="2021-2023")
    return {
        "plan": plan,
        "axes": axes,
        "strategies": strategies,
        "action": Action.objects.create(
            strategy=strategies["1.1"], code="1.1.1", name_it="Azione 1.1.1"
        ),
        "old_axis": Axis.objects.create(plan=old, number=1, name_it="Asse vecchio"),
    }


def published(number: int, **fields):
    return PracticeFactory(
        zone=zone(number), status="published", published_at=timezone.now(), **fields
    )


def tag(obj, *, axes=(), strategies=(), actions=()):
    obj.axes.add(*axes)
    obj.plan_strategies.add(*strategies)
    obj.plan_actions.add(*actions)
    return obj


def set_status(action_item, status, **fields):
    ActionItem.objects.filter(pk=action_item.pk).update(status=status, **fields)


@pytest.fixture
def work(plan, staff_user):
    """What counts and what does not, tagged with the plan by hand.

    Axis 1: zone 5's P1 (axis and strategy 1.1) and P3 (axis 1 and 2, and action 1.1.1 of
    strategy 1.1), zone 3's P2 (tagged with strategy 1.2 only); P1 adopted by zone 3, P3 by
    zone 4; decision D2 (axis 1 and strategy 1.1) on an item no zone proposed.
    Axis 2: P3 and its adoption by zone 4; decision D1 on zone 5's proposal; four action items:
    open and overdue for zones 5 and 6, in progress for zone 5, done for zone 6 (tagged with
    strategy 2.1 only), dropped for zone 10.
    Axis 3: nothing. Zones 1, 2, 7, 8, 9 and 11: nothing that counts."""
    axes, strategies = plan["axes"], plan["strategies"]
    p1 = tag(published(5), axes=[axes[1]], strategies=[strategies["1.1"]])
    tag(published(3), strategies=[strategies["1.2"]])
    p3 = tag(published(5), axes=[axes[1], axes[2]], actions=[plan["action"]])
    # Not counted: a draft and an archived practice, one tagged with the old plan only.
    draft = tag(PracticeFactory(zone=zone(7), status="draft"), axes=[axes[1]])
    tag(PracticeFactory(zone=zone(7), status="archived"), axes=[axes[2]])
    tag(published(8), axes=[plan["old_axis"]])
    TransferFactory(practice=p1, zone=zone(3), stage="adopted")
    TransferFactory(practice=p3, zone=zone(4), stage="adopted")
    # Not counted: the owner adopting its own practice, a transfer still piloting, the
    # adoption of a draft.
    TransferFactory(practice=p1, zone=zone(5), stage="adopted")
    TransferFactory(practice=p3, zone=zone(2), stage="piloting")
    TransferFactory(practice=draft, zone=zone(9), stage="adopted")

    meeting = held(staff_user, 10)
    d1 = meeting_services.record_decision(
        agenda_item=item(staff_user, meeting, "Proposta", proposing_zone=zone(5)),
        by=staff_user,
        text="Decisione 1",
    )
    tag(d1, axes=[axes[2]])
    d2 = meeting_services.record_decision(
        agenda_item=item(staff_user, meeting, "Punto"), by=staff_user, text="Decisione 2"
    )
    tag(d2, axes=[axes[1]], strategies=[strategies["1.1"]])
    tag(action(staff_user, meeting, zones=(5, 6), due_in_days=-3), axes=[axes[2]])
    going = tag(action(staff_user, meeting, zones=(5,), title="In corso"), axes=[axes[2]])
    set_status(going, "in_progress")
    done = tag(
        action(staff_user, meeting, zones=(6,), title="Fatta"), strategies=[strategies["2.1"]]
    )
    set_status(done, "done")
    dropped = tag(action(staff_user, meeting, zones=(10,), title="Lasciata"), axes=[axes[2]])
    set_status(dropped, "dropped", drop_reason="Superata")
    # Not counted: an action tagged with the old plan only.
    tag(action(staff_user, meeting, zones=(11,), title="Vecchia"), axes=[plan["old_axis"]])


def report():
    return contribution_report(Plan.objects.get(code=CODE))


def section(result, number):
    return next(s for s in result.axes if s.axis.number == number)


def zone_figures(breakdown, number) -> Figures:
    return next(row.figures for row in breakdown.zones if row.zone.number == number)


def strategy_total(result, code) -> Figures:
    for axis_section in result.axes:
        for strategy in axis_section.strategies:
            if strategy.strategy.code == code:
                return strategy.breakdown.total
    raise AssertionError(code)


# --- The figures ------------------------------------------------------------------------------


def test_axis_figures_per_zone_and_in_total(work):
    first = section(report(), 1).breakdown
    assert zone_figures(first, 5) == Figures(practices=2)  # P1 and P3, P3 once
    assert zone_figures(first, 3) == Figures(practices=1, adoptions=1)  # P2 (strategy only)
    assert zone_figures(first, 4) == Figures(adoptions=1)
    assert first.total == Figures(practices=3, adoptions=2, decisions=1)


def test_actions_by_status_each_zone_assigned_and_once_in_the_total(work):
    second = section(report(), 2).breakdown
    assert zone_figures(second, 5) == Figures(
        practices=1, decisions=1, open=1, in_progress=1, overdue=1
    )
    # The done action is tagged with strategy 2.1 only: it counts for axis 2 too.
    assert zone_figures(second, 6) == Figures(open=1, done=1, overdue=1)
    assert zone_figures(second, 10) == Figures(dropped=1)
    assert zone_figures(second, 4) == Figures(adoptions=1)
    # The late action of zones 5 and 6 is one action in the total.
    assert second.total == Figures(
        practices=1, adoptions=1, decisions=1, open=1, in_progress=1, done=1, dropped=1, overdue=1
    )
    assert second.total.actions == 4


def test_a_decision_counts_for_the_proposing_zone_and_in_the_total_only_otherwise(work):
    first, second = section(report(), 1).breakdown, section(report(), 2).breakdown
    assert zone_figures(second, 5).decisions == 1
    assert second.total.decisions == 1
    assert all(row.figures.decisions == 0 for row in first.zones)
    assert first.total.decisions == 1


def test_what_does_not_count(work):
    result = report()
    # Drafts, archived practices, own-zone adoptions, transfers under way, adoptions of a
    # draft, items tagged with another plan: zones 2, 7, 8, 9 and 11 have nothing.
    assert [z.number for z in result.silent_zones] == [1, 2, 7, 8, 9, 11]
    assert result.overall.total == Figures(
        practices=3, adoptions=2, decisions=2, open=1, in_progress=1, done=1, dropped=1, overdue=1
    )


def test_an_axis_with_no_contribution(work):
    result = report()
    assert [s.axis.number for s in result.empty_axes] == [3]
    assert section(result, 3).breakdown.total.is_empty
    assert section(result, 3).strategies == []


def test_strategies_count_their_own_and_their_actions_tags(work):
    result = report()
    assert [s.strategy.code for s in section(result, 1).strategies] == ["1.1", "1.2"]
    # P1 directly, P3 through action 1.1.1; their adoptions; decision D2.
    assert strategy_total(result, "1.1") == Figures(practices=2, adoptions=2, decisions=1)
    assert strategy_total(result, "1.2") == Figures(practices=1)
    assert strategy_total(result, "2.1") == Figures(done=1)


def test_a_strategy_only_tag_counts_once_for_its_axis(plan):
    axes, strategies = plan["axes"], plan["strategies"]
    tag(published(5), strategies=[strategies["1.1"], strategies["1.2"]], actions=[plan["action"]])
    tag(published(5), axes=[axes[1]], strategies=[strategies["1.1"]], actions=[plan["action"]])
    assert section(report(), 1).breakdown.total == Figures(practices=2)
    assert strategy_total(report(), "1.1") == Figures(practices=2)


def test_the_period_keeps_what_is_dated_in_it(plan, staff_user):
    axes = plan["axes"]
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=400)
    old = tag(published(5), axes=[axes[1]])
    old.__class__.objects.filter(pk=old.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=400)
    )
    recent = tag(published(3), axes=[axes[1]])
    early = TransferFactory(practice=recent, zone=zone(6), stage="adopted")
    TransferStep.objects.create(transfer=early, stage="adopted", on=long_ago)
    late = TransferFactory(practice=old, zone=zone(4), stage="adopted")
    TransferStep.objects.create(transfer=late, stage="adopted", on=today)
    TransferFactory(practice=old, zone=zone(2), stage="adopted")  # no dated step
    tag(action(staff_user, held(staff_user, 400), zones=(7,)), axes=[axes[1]])
    tag(action(staff_user, held(staff_user, 5), zones=(8,)), axes=[axes[1]])

    last_year = Period(today - datetime.timedelta(days=30), today)
    figures = contribution_report(plan["plan"], period=last_year).axes[0].breakdown
    assert figures.total == Figures(practices=1, adoptions=1, open=1)
    assert [z.number for z in figures.contributing_zones] == [3, 4, 8]
    whole = contribution_report(plan["plan"]).axes[0].breakdown.total
    assert whole == Figures(practices=2, adoptions=3, open=2)


# --- Who may see it ---------------------------------------------------------------------------


@pytest.fixture
def other_user(territory):
    return UserFactory(email="nessuno@example.org")


ROLES = {"visitor": None, "account": "other_user", "spokesperson": "spokesperson"}
VIEWS = ("plan-report", "plan-report-print", "plan-report-csv")


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(
    ("role", "method", "status"),
    [
        ("visitor", "get", 302),
        ("account", "get", 403),
        ("spokesperson", "get", 403),
        ("staff", "get", 200),
        ("visitor", "post", 405),
        ("spokesperson", "post", 405),
        ("staff", "post", 405),
    ],
)
def test_who_may_see_the_report(client, request, work, staff_user, view, role, method, status):
    if role == "staff":
        client.force_login(staff_user)
    elif ROLES[role]:
        client.force_login(request.getfixturevalue(ROLES[role]))
    before = (Plan.objects.count(), ActionItem.objects.count())
    response = getattr(client, method)(page_url(view))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("account_login"))
    if status != 200:
        assert "Asse 1" not in response.content.decode()
    assert (Plan.objects.count(), ActionItem.objects.count()) == before


@pytest.mark.parametrize("view", VIEWS)
def test_an_unknown_plan_is_not_found(staff_client, plan, view):
    assert staff_client.get(page_url(view, "PSM-NESSUNO")).status_code == 404


# --- The page, the dossier, the CSV -----------------------------------------------------------


def element(content: str, element_id: str) -> str:
    match = re.search(rf'<(\w+)\b[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', content, re.DOTALL)
    assert match, f"no #{element_id} on the page"
    return match[0]


def text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_the_page_marks_empty_axes_and_silent_zones_in_words(staff_client, work):
    content = staff_client.get(page_url(), **EN).content.decode()
    empty_axes = element(content, "report-empty-axes")
    assert text(empty_axes).startswith("1 axis with no contribution: 3. Asse 3")
    assert '<a href="#axis-3">' in empty_axes
    silent = text(element(content, "report-silent-zones"))
    assert silent.startswith("6 zones with no contribution to any axis:")
    assert "2. " in silent and "5. " not in silent
    assert "No contribution" in text(element(content, "axes-row-3"))
    assert "No contribution" not in text(element(content, "axes-row-1"))
    assert "No contribution" in text(element(content, "zones-row-11"))
    assert "No contribution" not in text(element(content, "zones-row-5"))
    assert "Nothing published, adopted, decided or assigned" in text(
        element(content, "axis-3-none")
    )
    # Axis 2 by zone: zone 5's figures, in the order of the columns.
    assert text(element(content, "axis-2-zone-5")).endswith("1 0 1 2 1 1 0 0 1")
    assert "No contribution" in text(element(content, "axis-2-zone-1"))
    assert text(element(content, "strategy-" + str(Strategy.objects.get(code="1.2").pk)))
    assert "Decisions are the Round Table's, not a zone's" in content
    assert 'href="/static/css/plan_report.css"' in content


def test_the_page_with_a_period_links_the_same_period(staff_client, work):
    content = staff_client.get(page_url(), {"from": "2025-01-01", "to": "2025-12-31"}, **EN)
    content = content.content.decode()
    assert "From 1 January 2025 to 31 December 2025" in text(element(content, "report-period"))
    assert f"{page_url('plan-report-print')}?from=2025-01-01&amp;to=2025-12-31" in content
    assert f"{page_url('plan-report-csv')}?from=2025-01-01&amp;to=2025-12-31" in content


def test_an_invalid_period_is_said_and_left_out(staff_client, work):
    response = staff_client.get(page_url(), {"from": "2025-02-30", "to": "2025-01-01"}, **EN)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Some filters are not valid" in content
    assert "Up to 1 January 2025" in text(element(content, "report-period"))


def test_the_printable_dossier(staff_client, work):
    response = staff_client.get(page_url("plan-report-print"), {"from": "2025-01-01"}, **EN)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Contribution of the Round Table to the Strategic Plan</h1>" in content
    assert "Dossier for the yearly revision of the plan" in content
    facts = text(element(content, "dossier-facts"))
    assert "Piano di prova (PSM-PROVA)" in facts
    assert "2024-2026" in facts
    assert "From 1 January 2025 onwards" in facts
    assert f"Date of the report {timezone.localdate():%-d %B %Y}" in facts
    assert 'class="print-document plan-report plan-report-dossier"' in content
    assert "js/print.js" in content
    assert "report-filters" not in content
    assert "No contribution" in text(element(content, "axes-row-3"))


def csv_rows(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_csv_has_a_row_per_axis_or_strategy_and_zone_with_totals(staff_client, work):
    response = staff_client.get(page_url("plan-report-csv"), **EN)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="contributi-{CODE}-' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header == [
        "Axis",
        "Strategy",
        "Axis or strategy",
        "Zone number",
        "Zone",
        "Published practices",
        "Adoptions by other zones",
        "Decisions",
        "Action items",
        "Open",
        "In progress",
        "Done",
        "Dropped",
        "Overdue",
    ]
    # 3 axes and 3 strategies, and the whole plan: 11 zones and the total each.
    assert len(rows) == 7 * 12
    by_key = {(row[0], row[1], row[3]): row[5:] for row in rows}
    assert by_key["2", "", "5"] == ["1", "0", "1", "2", "1", "1", "0", "0", "1"]
    assert by_key["2", "", ""] == ["1", "1", "1", "4", "1", "1", "1", "1", "1"]
    assert by_key["1", "1.1", "4"] == ["0", "1", "0", "0", "0", "0", "0", "0", "0"]
    assert by_key["3", "", ""] == ["0"] * 9
    assert by_key["", "", ""] == ["3", "2", "2", "4", "1", "1", "1", "1", "1"]
    assert rows[-1][2:5] == ["All axes", "", "All zones"]


def test_the_csv_for_excel_in_italian(staff_client, work):
    response = staff_client.get(page_url("plan-report-csv"), {"sep": "semicolon"})
    assert response.content.decode("utf-8").splitlines()[0].count(";") == 13


# --- Links to the report ----------------------------------------------------------------------


def test_the_dashboard_links_staff_to_the_report_of_the_plan_in_force(
    staff_client, spokesperson, plan
):
    content = staff_client.get(reverse("dashboard"), **EN).content.decode()
    assert f'href="{page_url()}"' in content
    staff_client.force_login(spokesperson)
    assert page_url() not in staff_client.get(reverse("dashboard")).content.decode()


def test_the_plans_page_links_staff_only_to_the_report(client, staff_user, spokesperson, plan):
    plan_page = plan["plan"].get_absolute_url()
    assert page_url() not in client.get(plan_page).content.decode()
    client.force_login(spokesperson)
    assert page_url() not in client.get(plan_page).content.decode()
    client.force_login(staff_user)
    assert f'href="{page_url()}"' in client.get(plan_page).content.decode()


# --- Queries ----------------------------------------------------------------------------------


def grow(plan, staff_user, rounds: int) -> None:
    axes, strategies = plan["axes"], plan["strategies"]
    extra_zone = ZoneFactory(number=12 + rounds, slug=f"zona-extra-{rounds}")
    meeting = held(staff_user, 3 + rounds)
    for number in range(1, 12):
        practice = tag(
            published(number),
            axes=[axes[1]],
            strategies=[strategies["1.1"]],
            actions=[plan["action"]],
        )
        TransferFactory(practice=practice, zone=zone(number % 11 + 1), stage="adopted")
        TransferFactory(practice=practice, zone=extra_zone, stage="adopted")
        decision = meeting_services.record_decision(
            agenda_item=item(staff_user, meeting, f"Punto {number}", proposing_zone=zone(number)),
            by=staff_user,
            text=f"Decisione {number}",
        )
        tag(decision, axes=[axes[2]], strategies=[strategies["2.1"]])
        tag(
            action(staff_user, meeting, zones=(number, number % 11 + 1), title=f"Azione {number}"),
            axes=[axes[number % 3 + 1]],
            strategies=[strategies["1.2"]],
        )
    Strategy.objects.create(axis=axes[3], code=f"3.{rounds}", name_it="Nuova strategia")


@pytest.mark.parametrize("view", VIEWS)
def test_queries_do_not_grow_with_the_data(
    staff_client, work, plan, staff_user, view, django_assert_max_num_queries
):
    url = page_url(view)
    staff_client.get(url)
    with django_assert_max_num_queries(40) as small:
        assert staff_client.get(url).status_code == 200
    grow(plan, staff_user, 1)
    grow(plan, staff_user, 2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert staff_client.get(url).status_code == 200
