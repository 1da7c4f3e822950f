"""The meeting pack: the pre-meeting dossier on one printable page, for participants (staff and
spokespersons in office)."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import ActionItem, Minutes
from zones.models import Zone

from ..factories import MembershipFactory, PracticeFactory, UserFactory
from .helpers import action, held, item, schedule

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def pack_url(meeting) -> str:
    return reverse("meetings:meeting-pack", kwargs={"number": meeting.number})


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def published(title: str, days_ago: float, zone_number: int = 5, status="published"):
    return PracticeFactory(
        title=title,
        zone=Zone.objects.get(number=zone_number),
        status=status,
        published_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def zone_section(page: str, number: int) -> str:
    """The part of the pack about zone ``number`` (up to the next zone's heading)."""
    start = page.index(f'id="pack-zone-{number}"')
    end = page.find('id="pack-zone-', start + 1)
    return page[start : end if end != -1 else page.index('id="pack-practices-heading"')]


@pytest.fixture
def roles(territory, staff_user, spokesperson):
    other = MembershipFactory(user=UserFactory(), zone=Zone.objects.get(number=3)).user
    return {
        "anonymous": Client(),
        "no_zone": logged_in(UserFactory()),
        "spokesperson": logged_in(spokesperson),
        "other_spokesperson": logged_in(other),
        "staff": logged_in(staff_user),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("no_zone", 403),  # no participant: the pack is a working paper
        ("spokesperson", 200),
        ("other_spokesperson", 200),
        ("staff", 200),
    ],
)
@pytest.mark.parametrize("public", [True, False])
def test_pack_permissions(roles, staff_user, role, status, public):
    meeting = schedule(staff_user, 5, is_public=public)
    response = roles[role].get(pack_url(meeting))
    assert response.status_code == status
    if role == "anonymous":
        assert "/account/login/" in response["Location"]
    assert roles[role].post(pack_url(meeting)).status_code == 405


@pytest.mark.django_db
def test_an_unknown_meeting_has_no_pack(roles):
    unknown = reverse("meetings:meeting-pack", args=[999])
    assert roles["spokesperson"].get(unknown).status_code == 404
    assert roles["no_zone"].get(unknown).status_code == 403  # refused before any look-up


@pytest.fixture
def history(territory, staff_user):
    """A held meeting 40 days ago with approved minutes and actions, a cancelled one after it,
    and the coming meeting whose pack is read."""
    earlier = held(staff_user, days_ago=80, title="Tavolo di inverno")
    previous = held(staff_user, days_ago=40, title="Tavolo di primavera")
    Minutes.objects.create(
        meeting=previous,
        body="## Presenti\n\nIl tavolo **approva** il piano.",
        status=Minutes.Status.APPROVED,
    )
    late = action(staff_user, previous, zones=(5, 3), due_in_days=-3, title="Censire le scuole")
    ongoing = action(staff_user, previous, zones=(7,), due_in_days=20, title="Mappare i bus")
    ActionItem.objects.filter(pk=ongoing.pk).update(status=ActionItem.Status.IN_PROGRESS)
    finished = action(staff_user, earlier, zones=(5,), due_in_days=-30, title="Azione chiusa")
    ActionItem.objects.filter(pk=finished.pk).update(status=ActionItem.Status.DONE)
    cancelled = schedule(staff_user, -10, title="Tavolo annullato")
    services.change_meeting_status(
        meeting=cancelled, to_status="cancelled", by=staff_user, reason="Sciopero"
    )
    coming = schedule(staff_user, 5, title="Tavolo di giugno")
    item(
        staff_user,
        coming,
        "Trasporto scolastico",
        planned_minutes=30,
        presenter="Ing. Rossi",
        practice=published("Scuolabus condiviso", days_ago=20),
    )
    item(staff_user, coming, "Bilancio partecipato", planned_minutes=15)
    published("Sportello unico", days_ago=15, zone_number=3)
    published("Vecchia pratica", days_ago=60)
    published("Pratica in bozza", days_ago=5, status="draft")
    return {"previous": previous, "coming": coming, "late": late, "ongoing": ongoing}


@pytest.mark.django_db
def test_the_pack_has_the_agenda_in_order_with_follow_ups(roles, history):
    page = roles["other_spokesperson"].get(pack_url(history["coming"]), **EN).content.decode()
    agenda = page[page.index('id="pack-agenda-heading"') : page.index('id="pack-actions-heading"')]
    # The open actions were carried over as follow-ups, then the two items staff added.
    assert agenda.index("Censire le scuole") < agenda.index("Trasporto scolastico")
    assert agenda.index("Trasporto scolastico") < agenda.index("Bilancio partecipato")
    assert "follow-up of an open action" in agenda
    assert "30 minutes" in agenda and "Ing. Rossi" in agenda and "Scuolabus condiviso" in agenda
    assert "Planned time: 45 minutes." in agenda
    assert "Azione chiusa" not in agenda


@pytest.mark.django_db
def test_the_pack_lists_open_actions_per_zone_with_overdue_ones_marked(roles, history):
    page = roles["spokesperson"].get(pack_url(history["coming"]), **EN).content.decode()
    for number in (5, 3):
        section = zone_section(page, number)
        assert "Censire le scuole" in section and "overdue" in section
    zone_7 = zone_section(page, 7)
    assert "Mappare i bus" in zone_7 and "In progress" in zone_7 and "overdue" not in zone_7
    assert "No open actions." in zone_section(page, 1)
    assert "Azione chiusa" not in page


@pytest.mark.django_db
def test_the_pack_lists_practices_published_since_the_previous_meeting_only(roles, history):
    page = roles["other_spokesperson"].get(pack_url(history["coming"]), **EN).content.decode()
    practices = page[page.index('id="pack-practices-heading"') : page.index('id="pack-minutes')]
    assert "Scuolabus condiviso" in practices and "Sportello unico" in practices
    assert "Vecchia pratica" not in practices  # before the previous meeting
    assert "Pratica in bozza" not in practices  # not published


@pytest.mark.django_db
def test_the_pack_shows_the_previous_minutes_rendered(roles, history):
    page = roles["other_spokesperson"].get(pack_url(history["coming"]), **EN).content.decode()
    minutes = page[page.index('id="pack-minutes-heading"') :]
    assert "Tavolo di primavera" in minutes  # the previous meeting, not the cancelled one
    assert "<strong>approva</strong>" in minutes and "Approved" in minutes


@pytest.mark.django_db
def test_draft_minutes_are_for_the_staff_only_and_missing_ones_are_said(roles, history):
    minutes = history["previous"].minutes
    Minutes.objects.filter(pk=minutes.pk).update(status=Minutes.Status.DRAFT)
    url = pack_url(history["coming"])
    page = roles["other_spokesperson"].get(url, **EN).content.decode()
    assert "approva" not in page and "still being drafted" in page
    assert "<strong>approva</strong>" in roles["staff"].get(url, **EN).content.decode()
    minutes.delete()
    assert "No minutes yet." in roles["other_spokesperson"].get(url, **EN).content.decode()


@pytest.mark.django_db
def test_the_first_meetings_pack_says_there_is_no_previous_meeting(roles, staff_user):
    first = schedule(staff_user, 5)
    page = roles["other_spokesperson"].get(pack_url(first), **EN).content.decode()
    assert "There is no previous meeting." in page
    assert "The agenda is not set yet." in page


@pytest.mark.django_db
def test_the_pack_queries_do_not_grow_with_the_data(territory, staff_user):
    client = logged_in(MembershipFactory(zone=Zone.objects.get(number=3)).user)

    made = []

    def build(n: int):
        """``n`` more held meetings, each with an overdue action, minutes and a practice."""
        for _ in range(n):
            made.append(held(staff_user, days_ago=200 - len(made) * 10))
            action(staff_user, made[-1], zones=(5, 3), due_in_days=-1, title=f"Azione {len(made)}")
            Minutes.objects.create(meeting=made[-1], body="Testo", status="approved")
            published(f"Pratica {len(made)}", days_ago=len(made))

    def count(meeting) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(pack_url(meeting)).status_code == 200
        return len(queries)

    build(1)
    coming = schedule(staff_user, 5)
    small = count(coming)
    build(8)
    coming_later = schedule(staff_user, 6)
    item(staff_user, coming_later, "Altro punto", presenter="Dott.ssa Bianchi")
    assert count(coming_later) == small
