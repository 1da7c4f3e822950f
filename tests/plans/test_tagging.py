"""Tagging practices, decisions and action items with the axes of the Strategic Plan in force:
who may (a table: role x practice x method), the consistency kept (a strategy or action
implies its axis), another plan's ids refused, other plans' tags kept, the tags shown."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from meetings.models import ActionItem, Decision
from plans.models import Action, Axis, Strategy
from practices.models import Practice
from tests.factories import (
    AxisFactory,
    MembershipFactory,
    PlanFactory,
    PracticeFactory,
    UserFactory,
    build_plan,
)
from tests.meetings.helpers import action, held, item
from tests.practices.test_editing import edit_data, practice_data
from zones.models import Zone

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "plan-tags"}
# What the staff's form always carries besides the boxes ticked (plans.tagging.PlanTagsForm).
SENT = {"sent": "1"}


def tag_url(practice) -> str:
    return reverse("practices:practice-plan-tags", kwargs={"pk": practice.pk})


def axis(number: int, plan_code: str = "PSM-2024-2026") -> Axis:
    return Axis.objects.get(plan__code=plan_code, number=number)


def strategy(code: str) -> Strategy:
    return Strategy.objects.get(code=code, axis__plan__status="in_force")


def plan_action(code: str) -> Action:
    return Action.objects.get(code=code, strategy__axis__plan__status="in_force")


def tags(obj) -> tuple[set, set, set]:
    obj = type(obj).objects.get(pk=obj.pk)
    return (
        {f"{a.plan.code}:{a.number}" for a in obj.axes.select_related("plan")},
        set(obj.plan_strategies.values_list("code", flat=True)),
        set(obj.plan_actions.values_list("code", flat=True)),
    )


def state(practice) -> tuple:
    practice = Practice.objects.get(pk=practice.pk)
    return tags(practice), practice.version


@pytest.fixture
def zone5(territory):
    return Zone.objects.get(number=5)


@pytest.fixture
def users(spokesperson, staff_user, zone5):
    return {
        "visitor": None,
        "own spokesperson": spokesperson,
        "other spokesperson": MembershipFactory(zone=Zone.objects.get(number=3)).user,
        "staff": staff_user,
    }


def browser(users, role) -> Client:
    client = Client()
    if users[role]:
        client.force_login(users[role])
    return client


# --- Who may tag a practice with the staff's form ------------------------------------------------

STATUSES = ["draft", "submitted", "published"]
EXPECTED = {
    # role: {status: expected answer to a POST}
    "visitor": dict.fromkeys(STATUSES, "login"),
    "own spokesperson": dict.fromkeys(STATUSES, 403),
    # Another zone's drafts and submissions are not visible to them: 404.
    "other spokesperson": {"draft": 404, "submitted": 404, "published": 403},
    "staff": dict.fromkeys(STATUSES, "saved"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_who_may_tag_a_practice_with_the_staff_form(users, zone5, plan_in_force, role, status):
    practice = PracticeFactory(zone=zone5, status=status)
    before = state(practice)
    client = browser(users, role)
    response = client.post(tag_url(practice), {**SENT, "axes": [axis(2).pk]})
    expected = EXPECTED[role][status]
    if expected == "login":
        assert response.status_code == 302 and "/account/login/" in response["Location"]
    elif expected == "saved":
        assert response.status_code == 302
        assert response["Location"] == f"{practice.get_absolute_url()}#plan-tags"
        assert state(practice) == (({"PSM-2024-2026:2"}, set(), set()), before[1] + 1)
        return
    else:
        assert response.status_code == expected
    assert state(practice) == before  # nothing changed when refused


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_a_get_of_the_form_changes_nothing(users, zone5, plan_in_force, role):
    practice = PracticeFactory(zone=zone5, status="published")
    before = state(practice)
    response = browser(users, role).get(tag_url(practice), {"axes": [axis(1).pk]})
    assert response.status_code in (302, 403)
    assert state(practice) == before


@pytest.mark.django_db
def test_the_staff_form_is_on_the_practice_page_for_staff_only(users, zone5, plan_in_force):
    practice = PracticeFactory(zone=zone5, status="published")
    for role, shown in [("visitor", False), ("own spokesperson", False), ("staff", True)]:
        html = browser(users, role).get(practice.get_absolute_url(), **EN).content.decode()
        assert (f'action="{tag_url(practice)}"' in html) is shown, role
        assert "Not tagged with the Strategic Plan." in html


# --- What is saved ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_strategy_or_an_action_brings_its_axis_and_strategy(staff_client, zone5, plan_in_force):
    practice = PracticeFactory(zone=zone5, status="published")
    data = {
        **SENT,
        "plan_strategies": [strategy("1.2").pk],
        "plan_actions": [plan_action("2.1.1").pk],
    }
    assert staff_client.post(tag_url(practice), data).status_code == 302
    assert tags(practice) == ({"PSM-2024-2026:1", "PSM-2024-2026:2"}, {"1.2", "2.1"}, {"2.1.1"})
    # Unticking everything clears the plan's tags.
    assert staff_client.post(tag_url(practice), SENT).status_code == 302
    assert tags(practice) == (set(), set(), set())


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["axes", "plan_strategies", "plan_actions"])
def test_an_item_of_another_plan_is_refused_with_a_message(
    staff_client, zone5, plan_in_force, field
):
    other = build_plan("PSM-2021-2023", status="superseded")
    stranger = {
        "axes": lambda: other.axes.get(number=1),
        "plan_strategies": lambda: Strategy.objects.get(axis__plan=other, code="1.1"),
        "plan_actions": lambda: Action.objects.get(strategy__axis__plan=other, code="1.1.1"),
    }[field]()
    practice = PracticeFactory(zone=zone5, status="published")
    before = state(practice)
    response = staff_client.post(tag_url(practice), {**SENT, field: [stranger.pk]}, **EN)
    assert response.status_code == 400
    assert (
        f"Choose from the plan in force (Piano PSM-2024-2026 (2024-2026)): “{stranger.pk}” is "
        "not one of its items."
    ) in response.content.decode()
    assert state(practice) == before
    # By htmx: the section again, with the message.
    response = staff_client.post(tag_url(practice), {**SENT, field: [stranger.pk]}, **HTMX, **EN)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="plan-tags"')
    assert "is not one of its items" in response.content.decode()
    assert state(practice) == before


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "1\x00", "²"])
def test_a_malformed_id_is_a_message_not_an_error(staff_client, zone5, plan_in_force, value):
    practice = PracticeFactory(zone=zone5, status="published")
    response = staff_client.post(tag_url(practice), {**SENT, "axes": [value]}, **EN)
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert state(practice)[0] == (set(), set(), set())


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["", "axes=1"])
def test_a_post_that_is_not_the_form_clears_nothing(staff_client, zone5, plan_in_force, body):
    practice = PracticeFactory(zone=zone5, status="published")
    practice.axes.add(axis(2))
    before = state(practice)
    response = staff_client.post(tag_url(practice), body, content_type="text/plain", **EN)
    assert response.status_code == 400
    assert "The form arrived incomplete: nothing was changed." in response.content.decode()
    assert state(practice) == before


@pytest.mark.django_db
def test_tags_of_a_superseded_plan_are_kept(staff_client, zone5, plan_in_force):
    old = PlanFactory(code="PSM-2021-2023", status="superseded")
    practice = PracticeFactory(zone=zone5, status="published")
    practice.axes.add(AxisFactory(plan=old, number=3))
    staff_client.post(tag_url(practice), {**SENT, "axes": [axis(1).pk]})
    assert tags(practice)[0] == {"PSM-2021-2023:3", "PSM-2024-2026:1"}
    page = staff_client.get(practice.get_absolute_url(), **EN).content.decode()
    assert "(Piano di prova" in page  # the old plan's axis says which plan it is of


@pytest.mark.django_db
def test_with_htmx_a_saved_form_reloads_the_page(staff_client, zone5, plan_in_force):
    practice = PracticeFactory(zone=zone5, status="submitted")
    response = staff_client.post(tag_url(practice), {**SENT, "axes": [axis(3).pk]}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{practice.get_absolute_url()}#plan-tags"
    assert tags(practice)[0] == {"PSM-2024-2026:3"}


@pytest.mark.django_db
def test_the_practice_page_shows_the_tags_to_every_reader(client, zone5, plan_in_force):
    practice = PracticeFactory(zone=zone5, status="published")
    practice.axes.add(axis(1))
    practice.plan_strategies.add(strategy("1.1"))
    practice.plan_actions.add(plan_action("1.1.2"))
    html = client.get(practice.get_absolute_url(), **EN).content.decode()
    section = html[html.index('id="plan-tags"') :]
    section = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section[: section.index("</section>")]))
    assert ": Axis 1 " in section and "1.1 Strategy 1.1" in section
    assert "1.1.2 Action 1.1.2" in section
    assert 'href="/piano-strategico/PSM-2024-2026/#axis-1"' in html


# --- The spokesperson, in the practice's form ----------------------------------------------------


@pytest.mark.django_db
def test_a_spokesperson_tags_their_draft_in_its_form(spokesperson_client, zone5, plan_in_force):
    page = spokesperson_client.get(reverse("practices:practice-create"), **EN).content.decode()
    assert 'name="axes"' in page and 'name="plan_actions"' in page
    data = practice_data(zone5, axes=[axis(3).pk], plan_actions=[plan_action("1.1.1").pk])
    response = spokesperson_client.post(reverse("practices:practice-create"), data)
    assert response.status_code == 302
    practice = Practice.objects.get()
    assert tags(practice) == ({"PSM-2024-2026:1", "PSM-2024-2026:3"}, {"1.1"}, {"1.1.1"})
    edit = reverse("practices:practice-edit", kwargs={"pk": practice.pk})
    html = spokesperson_client.get(edit).content.decode()
    assert re.search(rf'name="axes" value="{axis(3).pk}"[^>]* checked', html)
    data = edit_data(practice, axes=[axis(2).pk])
    assert spokesperson_client.post(edit, data).status_code == 302
    assert tags(practice) == ({"PSM-2024-2026:2"}, set(), set())


# Who may choose the axes in the practice's own form: the zone's spokesperson while the
# practice may be edited, staff always.
FORM_EXPECTED = {
    "visitor": {"draft": "login", "published": "login"},
    "own spokesperson": {"draft": "saved", "published": 403},
    "other spokesperson": {"draft": 404, "published": 403},
    "staff": {"draft": "saved", "published": "saved"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "published"])
@pytest.mark.parametrize("role", sorted(FORM_EXPECTED))
def test_who_may_choose_the_axes_in_the_practice_form(users, zone5, plan_in_force, role, status):
    practice = PracticeFactory(zone=zone5, status=status)
    before = state(practice)
    edit = reverse("practices:practice-edit", kwargs={"pk": practice.pk})
    response = browser(users, role).post(edit, edit_data(practice, axes=[axis(1).pk]))
    expected = FORM_EXPECTED[role][status]
    if expected == "saved":
        assert response.status_code == 302
        assert tags(practice)[0] == {"PSM-2024-2026:1"}
        return
    if expected == "login":
        assert response.status_code == 302 and "/account/login/" in response["Location"]
    else:
        assert response.status_code == expected
    assert state(practice) == before


@pytest.mark.django_db
def test_a_spokesperson_cannot_retag_a_published_practice(
    spokesperson_client, zone5, plan_in_force
):
    practice = PracticeFactory(zone=zone5, status="published")
    before = state(practice)
    edit = reverse("practices:practice-edit", kwargs={"pk": practice.pk})
    response = spokesperson_client.post(edit, edit_data(practice, axes=[axis(1).pk]))
    assert response.status_code == 403
    assert state(practice) == before


@pytest.mark.django_db
def test_an_axis_of_another_plan_in_the_practice_form_is_refused(
    spokesperson_client, zone5, plan_in_force
):
    other = build_plan("PSM-2021-2023", status="superseded")
    data = practice_data(zone5, axes=[other.axes.get(number=1).pk])
    response = spokesperson_client.post(reverse("practices:practice-create"), data, **EN)
    assert response.status_code == 200
    assert "is not one of its items" in response.content.decode()
    assert not Practice.objects.exists()


@pytest.mark.django_db
def test_without_a_plan_in_force_the_form_has_no_axes(spokesperson_client, zone5):
    build_plan("PSM-2027-2029", status="draft")
    page = spokesperson_client.get(reverse("practices:practice-create")).content.decode()
    assert 'name="axes"' not in page
    assert spokesperson_client.post(reverse("practices:practice-create"), practice_data(zone5))
    assert Practice.objects.get().axes.count() == 0


@pytest.mark.django_db
def test_a_form_opened_before_staff_tagged_is_refused_as_stale_and_shows_the_axes(
    spokesperson_client, staff_user, zone5, plan_in_force
):
    practice = PracticeFactory(zone=zone5, status="draft")
    loaded = edit_data(practice)  # the spokesperson's form, loaded at this version
    staff = Client()
    staff.force_login(staff_user)
    staff.post(tag_url(practice), {**SENT, "axes": [axis(2).pk]})
    edit = reverse("practices:practice-edit", kwargs={"pk": practice.pk})
    response = spokesperson_client.post(edit, loaded, **EN)
    assert response.status_code == 409
    page = response.content.decode()
    differences = page[page.index('id="differences-heading"') :]
    assert "Axes of the Strategic Plan" in differences and "2. Axis 2" in differences
    assert tags(practice)[0] == {"PSM-2024-2026:2"}  # the staff's tag is not undone


# --- Decisions and action items ------------------------------------------------------------------


@pytest.fixture
def meeting(staff_user, territory):
    return held(staff_user, 5, present=(5, 3))


@pytest.mark.django_db
def test_staff_tag_a_decision_when_recording_and_editing_it(
    staff_client, staff_user, meeting, plan_in_force
):
    point = item(staff_user, meeting, "Trasporti")
    create = reverse("meetings:decision-create", kwargs={"pk": point.pk})
    assert 'name="plan_strategies"' in staff_client.get(create).content.decode()
    data = {"text": "Si fa.", "kind": "decision", "method": "consensus"}
    response = staff_client.post(create, {**data, "plan_strategies": [strategy("2.1").pk]})
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert tags(decision) == ({"PSM-2024-2026:2"}, {"2.1"}, set())
    edit = reverse("meetings:decision-edit", kwargs={"pk": decision.pk})
    html = staff_client.get(edit).content.decode()
    assert re.search(rf'name="plan_strategies" value="{strategy("2.1").pk}"[^>]* checked', html)
    response = staff_client.post(edit, {"text": "Si fa.", "kind": "decision", "axes": [axis(3).pk]})
    assert response.status_code == 302
    assert tags(decision) == ({"PSM-2024-2026:3"}, set(), set())
    page = staff_client.get(meeting.get_absolute_url(), **EN).content.decode()
    assert ": Axis 3" in re.sub(r"<[^>]+>", " ", page[page.index(f'id="decision-{decision.pk}"') :])


@pytest.mark.django_db
def test_staff_tag_an_action_item_when_creating_it_and_on_its_page(
    staff_client, staff_user, meeting, plan_in_force
):
    decision = action(staff_user, meeting, zones=(5,)).decision
    create = reverse("meetings:action-create", kwargs={"pk": decision.pk})
    data = {
        "title": "Mappare le fermate",
        "zones": [Zone.objects.get(number=5).pk],
        "due_date": "2031-01-31",
        "plan_actions": [plan_action("1.1.2").pk],
    }
    response = staff_client.post(create, data)
    assert response.status_code == 302
    created = ActionItem.objects.get(title="Mappare le fermate")
    assert tags(created) == ({"PSM-2024-2026:1"}, {"1.1"}, {"1.1.2"})
    page = staff_client.get(created.get_absolute_url(), **EN).content.decode()
    assert "1.1.2 Action 1.1.2" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    url = reverse("meetings:action-plan-tags", kwargs={"pk": created.pk})
    assert f'action="{url}"' in page
    response = staff_client.post(url, {**SENT, "axes": [axis(2).pk]})
    assert response.status_code == 302 and response["Location"].endswith("#plan-tags")
    assert tags(created) == ({"PSM-2024-2026:2"}, set(), set())


@pytest.mark.django_db
@pytest.mark.parametrize("role, expected", [("visitor", "login"), ("spokesperson", 403)])
def test_only_staff_tag_an_action_item(client, staff_user, meeting, plan_in_force, role, expected):
    planned = action(staff_user, meeting, zones=(5,))
    if role == "spokesperson":
        client.force_login(MembershipFactory(zone=Zone.objects.get(number=5)).user)
        assert "plan-tag-form" not in client.get(planned.get_absolute_url()).content.decode()
    url = reverse("meetings:action-plan-tags", kwargs={"pk": planned.pk})
    response = client.post(url, {**SENT, "axes": [axis(1).pk]})
    if expected == "login":
        assert response.status_code == 302 and "/account/login/" in response["Location"]
    else:
        assert response.status_code == expected
    assert tags(planned) == (set(), set(), set())


@pytest.mark.django_db
def test_a_spokesperson_cannot_tag_a_decision(client, staff_user, meeting, plan_in_force):
    decision = action(staff_user, meeting, zones=(5,)).decision
    client.force_login(MembershipFactory(zone=Zone.objects.get(number=5)).user)
    edit = reverse("meetings:decision-edit", kwargs={"pk": decision.pk})
    response = client.post(edit, {"text": "Altro", "kind": "decision", "axes": [axis(1).pk]})
    assert response.status_code == 403
    assert tags(decision) == (set(), set(), set())


@pytest.mark.django_db
def test_a_user_without_a_zone_is_refused_too(client, zone5, plan_in_force):
    client.force_login(UserFactory())
    practice = PracticeFactory(zone=zone5, status="published")
    assert client.post(tag_url(practice), {**SENT, "axes": [axis(1).pk]}).status_code == 403
    assert tags(practice) == (set(), set(), set())
