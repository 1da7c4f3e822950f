"""Decisions on the agenda items of a meeting under way: only staff record them, a vote's counts
cannot exceed the zones present, the meeting page shows them with their actions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import ActionItem, AgendaItem, Decision
from zones.models import Zone

from .helpers import action, held, item, schedule
from .test_attendance import role_clients

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
CONSENSUS = {"text": "Si approva il piano.", "kind": "decision", "method": "consensus"}


def create_url(agenda_item) -> str:
    return reverse("meetings:decision-create", kwargs={"pk": agenda_item.pk})


def edit_url(decision) -> str:
    return reverse("meetings:decision-edit", kwargs={"pk": decision.pk})


def action_create_url(decision) -> str:
    return reverse("meetings:action-create", kwargs={"pk": decision.pk})


def vote(yes, no, abstaining) -> dict:
    return {
        "text": "Si approva a maggioranza.",
        "kind": "recommendation",
        "method": "vote",
        "votes_for": yes,
        "votes_against": no,
        "abstentions": abstaining,
    }


ROLES = [
    ("anonymous", 302, 302),
    ("user", 403, 403),
    ("zone5", 403, 403),
    ("zone3", 403, 403),
    ("staff", 200, 302),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "get", "post"), ROLES)
def test_only_staff_record_decisions(territory, staff_user, role, get, post):
    agenda_item = item(staff_user, held(staff_user, present=range(1, 8)))
    client = role_clients(staff_user)[role]
    assert client.get(create_url(agenda_item)).status_code == get
    assert client.post(create_url(agenda_item), CONSENSUS).status_code == post
    assert Decision.objects.count() == (1 if role == "staff" else 0)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "get", "post"), ROLES)
def test_only_staff_edit_decisions(territory, staff_user, role, get, post):
    decision = action(staff_user, held(staff_user)).decision
    client = role_clients(staff_user)[role]
    assert client.get(edit_url(decision)).status_code == get
    data = {"text": "Testo corretto.", "kind": "information"}
    assert client.post(edit_url(decision), data).status_code == post
    decision.refresh_from_db()
    expected = (
        ("Testo corretto.", "information") if role == "staff" else (decision.text, "decision")
    )
    assert (decision.text, decision.kind) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "get", "post"), ROLES)
def test_only_staff_add_actions(territory, staff_user, role, get, post):
    meeting = held(staff_user)
    decision = services.record_decision(
        agenda_item=item(staff_user, meeting), by=staff_user, text="Ok"
    )
    client = role_clients(staff_user)[role]
    assert client.get(action_create_url(decision)).status_code == get
    data = {"title": "Mappare i servizi", "zones": [Zone.objects.get(number=5).pk]}
    data["due_date"] = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    assert client.post(action_create_url(decision), data).status_code == post
    assert ActionItem.objects.count() == (1 if role == "staff" else 0)


@pytest.mark.django_db
def test_a_vote_over_the_zones_present_is_refused(staff_client, territory, staff_user):
    meeting = held(staff_user, present=range(1, 8))  # seven zones present
    agenda_item = item(staff_user, meeting)
    response = staff_client.post(create_url(agenda_item), vote(5, 2, 1), **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The votes (8) are more than the zones present (7)." in page
    assert "Si approva a maggioranza." in page  # the text typed is kept
    assert not Decision.objects.exists()

    response = staff_client.post(create_url(agenda_item), vote(4, 2, 1))
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.method, decision.votes_for, decision.votes_against, decision.abstentions) == (
        "vote",
        4,
        2,
        1,
    )
    assert response.url == f"{meeting.get_absolute_url()}#decision-{decision.pk}"
    page = staff_client.get(meeting.get_absolute_url(), **EN).content.decode()
    assert "Vote: 4 in favour, 2 against, 1 abstaining." in page


@pytest.mark.django_db
def test_a_vote_needs_its_three_counts(staff_client, territory, staff_user):
    agenda_item = item(staff_user, held(staff_user, present=range(1, 8)))
    data = vote(3, "", "")
    response = staff_client.post(create_url(agenda_item), data, **EN)
    assert response.status_code == 400
    assert response.content.decode().count("A vote records this count") == 2
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_a_consensus_keeps_no_counts(staff_client, territory, staff_user):
    agenda_item = item(staff_user, held(staff_user, present=range(1, 8)))
    data = {**vote(9, 9, 9), "method": "consensus"}
    assert staff_client.post(create_url(agenda_item), data).status_code == 302
    decision = Decision.objects.get()
    assert (decision.method, decision.votes_for) == ("consensus", None)


@pytest.mark.django_db
def test_decisions_wait_for_the_meeting_to_start(staff_client, territory, staff_user):
    meeting = schedule(staff_user, 3)
    agenda_item = item(staff_user, meeting)
    page = staff_client.get(create_url(agenda_item), **EN).content.decode()
    assert "Decisions are recorded once the meeting has started." in page
    assert 'name="text"' not in page
    response = staff_client.post(create_url(agenda_item), CONSENSUS, **EN)
    assert response.status_code == 400
    assert "Decisions are recorded once the meeting has started." in response.content.decode()
    assert not Decision.objects.exists()
    detail = staff_client.get(meeting.get_absolute_url(), **EN).content.decode()
    assert create_url(agenda_item) not in detail


@pytest.mark.django_db
def test_decisions_only_on_accepted_items(staff_client, territory, staff_user):
    meeting = schedule(staff_user, -0.01)
    proposed = AgendaItem.objects.create(meeting=meeting, title="Proposta", position=9)
    response = staff_client.post(create_url(proposed), CONSENSUS, **EN)
    assert response.status_code == 400
    assert "accepted items of the agenda" in response.content.decode()
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_the_meeting_page_shows_decisions_actions_and_staff_links(
    territory, staff_user, spokesperson_client
):
    meeting = held(staff_user, present=range(1, 8))
    late = action(staff_user, meeting, zones=(5, 7), due_in_days=-3, title="Censire le scuole")
    clients = role_clients(staff_user)
    staff_page = clients["staff"].get(meeting.get_absolute_url(), **EN).content.decode()
    assert late.get_absolute_url() in staff_page
    assert "Overdue" in staff_page and "action-overdue" in staff_page
    assert action_create_url(late.decision) in staff_page
    assert edit_url(late.decision) in staff_page
    assert create_url(late.decision.agenda_item) in staff_page
    page = spokesperson_client.get(meeting.get_absolute_url(), **EN).content.decode()
    assert late.get_absolute_url() in page and "Overdue" in page
    assert action_create_url(late.decision) not in page
    assert create_url(late.decision.agenda_item) not in page


@pytest.mark.django_db
def test_an_edit_keeps_how_the_decision_was_taken(staff_client, territory, staff_user):
    meeting = held(staff_user, present=range(1, 8))
    decision = services.record_decision(
        agenda_item=item(staff_user, meeting), by=staff_user, **{**vote(4, 1, 0), "text": "A"}
    )
    response = staff_client.post(edit_url(decision), {"text": "", "kind": "decision"}, **EN)
    assert response.status_code == 400
    response = staff_client.post(edit_url(decision), {"text": "B", "kind": "information"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.text, decision.kind, decision.method, decision.votes_for) == (
        "B",
        "information",
        "vote",
        4,
    )
    assert decision.history.count() == 2
