"""The Strategic Plan's pages: the list of plans and a plan with its axes, strategies, actions
and what the Round Table's work tagged with each axis; public, in the user's language, in a
constant number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from plans.models import Axis, Plan
from plans.tagging import PlanTags, save_plan_tags
from tests.factories import (
    AxisFactory,
    PlanFactory,
    PracticeFactory,
    ZoneFactory,
    build_plan,
)
from tests.meetings.helpers import action, held

LIST = reverse("plans:plan-list")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
IT = {"HTTP_ACCEPT_LANGUAGE": "it"}


def text(response) -> str:
    """The page's main content, tags stripped and spaces collapsed."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def tag(obj, *axes):
    save_plan_tags(obj, PlanTags(plan=axes[0].plan, axes=list(axes)))


@pytest.mark.django_db
def test_the_list_shows_every_plan_with_period_and_status_the_one_in_force_first(client):
    PlanFactory(
        code="PSM-2018-2020", title="Piano vecchio", period="2018-2020", status="superseded"
    )
    build_plan("PSM-2024-2026")
    PlanFactory(code="PSM-2027-2029", title="Revisione", period="2027-2029", status="draft")
    response = client.get(LIST, **EN)
    assert response.status_code == 200
    page = text(response)
    titles = [m for m in ("Piano PSM-2024-2026", "Revisione", "Piano vecchio") if m in page]
    assert titles == ["Piano PSM-2024-2026", "Revisione", "Piano vecchio"]
    assert [page.index(t) for t in titles] == sorted(page.index(t) for t in titles)
    assert "Period 2024-2026 · code PSM-2024-2026 · 3 axes, 3 strategies" in page
    assert "In force" in page and "Draft" in page and "Superseded" in page
    assert 'href="/piano-strategico/PSM-2024-2026/"' in response.content.decode()


@pytest.mark.django_db
def test_without_plans_the_list_says_so(client):
    assert "No Strategic Plan has been loaded yet." in text(client.get(LIST, **EN))


@pytest.mark.django_db
def test_the_navigation_leads_to_the_plan(client):
    html = client.get("/", **EN).content.decode()
    assert f'href="{LIST}"><span>Strategic Plan</span>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers, axis_name, strategy, action_name",
    [
        (EN, ": Axis 1 ", "1.1 Strategy 1.1", "1.1.2 Action 1.1.2"),
        (IT, ": Asse 1 ", "1.1 Strategia 1.1", "1.1.2 Azione 1.1.2"),
    ],
)
def test_the_plan_shows_its_axes_strategies_and_actions_in_the_users_language(
    client, plan_in_force, headers, axis_name, strategy, action_name
):
    response = client.get(plan_in_force.get_absolute_url(), **headers)
    assert response.status_code == 200
    page = text(response)
    assert axis_name in page and strategy in page and action_name in page
    assert page.index(strategy) < page.index(strategy.replace("1.1", "1.2"))
    html = response.content.decode()
    assert 'id="axis-1"' in html and 'id="axis-3"' in html


@pytest.mark.django_db
def test_an_unknown_plan_is_404(client):
    assert client.get(reverse("plans:plan-detail", args=["PSM-1900"])).status_code == 404


@pytest.mark.django_db
def test_each_axis_counts_what_is_tagged_and_links_the_filtered_catalogue(
    client, plan_in_force, staff_user
):
    one, two = Axis.objects.filter(plan=plan_in_force).order_by("number")[:2]
    zone = ZoneFactory(number=5)
    for _ in range(2):
        tag(PracticeFactory(zone=zone, status="published"), one)
    tag(PracticeFactory(zone=zone, status="draft"), one)  # not counted: not published
    tag(PracticeFactory(zone=zone, status="published"), two)
    meeting = held(staff_user, 10, present=(5,))
    item = action(staff_user, meeting, zones=(5,))
    tag(item, one)
    tag(item.decision, one, two)
    hidden = held(staff_user, 20, is_public=False)
    tag(action(staff_user, hidden, zones=(5,)).decision, one)
    response = client.get(plan_in_force.get_absolute_url(), **EN)
    html = response.content.decode()
    axis1 = html[html.index('id="axis-1"') : html.index('id="axis-2"')]
    assert '<a href="/pratiche/?axis=1">2 published practices</a>' in axis1
    # A visitor does not count the decision of a meeting that is not public.
    assert "1 decision of the Round Table" in axis1
    assert "1 action item" in axis1
    axis3 = html[html.index('id="axis-3"') :]
    assert "No published practice" in axis3 and "No action item" in axis3
    assert "/pratiche/?axis=3" not in axis3  # nothing to list

    client.force_login(staff_user)
    axis1 = client.get(plan_in_force.get_absolute_url(), **EN).content.decode()
    assert "2 decisions of the Round Table" in axis1


@pytest.mark.django_db
def test_a_plan_not_in_force_says_so_and_points_to_the_plan_in_force(client, plan_in_force):
    old = PlanFactory(code="PSM-2021-2023", title="Vecchio", status="superseded")
    axis = AxisFactory(plan=old, number=1)
    practice = PracticeFactory(status="published")
    practice.axes.add(axis)  # tagged in its day
    page = text(client.get(old.get_absolute_url(), **EN))
    assert "No longer in force" in page
    assert "The plan in force: Piano PSM-2024-2026 (2024-2026)" in page
    assert "1 published practice" in page
    html = client.get(old.get_absolute_url(), **EN).content.decode()
    assert "?axis=" not in html  # the catalogue filters by the plan in force only
    draft = PlanFactory(code="PSM-2027-2029", status="draft")
    assert "A draft" in text(client.get(draft.get_absolute_url(), **EN))


@pytest.mark.django_db
def test_the_contribution_report_is_linked_for_staff_only(client, plan_in_force, staff_user):
    try:
        report = reverse("plan-report", kwargs={"code": plan_in_force.code})
    except NoReverseMatch:
        pytest.skip("the contribution report is not built yet")
    assert report not in client.get(plan_in_force.get_absolute_url()).content.decode()
    client.force_login(staff_user)
    assert report in client.get(plan_in_force.get_absolute_url()).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["visitor", "staff"])
def test_the_pages_take_the_same_number_of_queries_whatever_the_data(
    client, staff_user, role, django_assert_max_num_queries
):
    if role == "staff":
        client.force_login(staff_user)
    plan = build_plan()
    axes = list(Axis.objects.filter(plan=plan))
    zone = ZoneFactory(number=5)
    meeting = held(staff_user, 10, present=(5,))

    def grow(n):
        for index in range(n):
            practice = PracticeFactory(zone=zone, status="published")
            tag(practice, axes[index % 3])
            item = action(staff_user, meeting, zones=(5,), title=f"Azione {index}")
            tag(item, axes[index % 3])
            tag(item.decision, axes[(index + 1) % 3])
        Plan.objects.create(code=f"PSM-{n}", title="Altro", period=f"20{n:02d}")

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    grow(1)
    small = (count(LIST), count(plan.get_absolute_url()))
    grow(8)
    build_plan("PSM-ALTRO", status="draft", axes=6)
    assert (count(LIST), count(plan.get_absolute_url())) == small
    # The plan, its axes, strategies and actions, one query per figure (practices, decisions,
    # action items); for staff also the session, the user, their roles and notifications.
    with django_assert_max_num_queries(13):
        client.get(plan.get_absolute_url())
