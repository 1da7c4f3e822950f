"""The agenda: zones propose items, staff add, review, change and order them; who sees what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem
from zones.models import Zone

from ..factories import MembershipFactory, PracticeFactory
from . import test_manage
from .helpers import action, held, item, schedule
from .test_manage import EN, STAFF_ONLY

#: The clients of every role (a fixture of test_manage, shared).
as_role = test_manage.as_role


def propose_url(meeting) -> str:
    return reverse("meetings:agenda-propose", kwargs={"number": meeting.number})


def item_url(name: str, agenda_item: AgendaItem) -> str:
    return reverse(f"meetings:{name}", kwargs={"pk": agenda_item.pk})


def proposal(meeting, zone_number: int = 5, title: str = "Trasporto scolastico") -> AgendaItem:
    """A zone's proposal, as its spokesperson would send it."""
    zone = Zone.objects.get(number=zone_number)
    speaker = MembershipFactory(zone=zone).user
    return services.propose_agenda_item(meeting=meeting, by=speaker, zone=zone, title=title)


def review(agenda_item, to_status: str, reason: str = "") -> dict:
    prefix = f"review-{agenda_item.pk}"
    return {f"{prefix}-to_status": to_status, f"{prefix}-reason": reason}


def agenda_titles(meeting) -> list[str]:
    accepted = meeting.agenda_items.filter(status="accepted").order_by("position", "pk")
    return list(accepted.values_list("title", flat=True))


# --- Permissions ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_who_may_propose_or_add_an_item(as_role, staff_user):
    meeting = schedule(staff_user, 10)
    expected = {"anonymous": 302, "no_zone": 403, "spokesperson": 200, "other_zone": 200}
    expected["staff"] = 200
    for role, status in expected.items():
        client = as_role(role)
        assert client.get(propose_url(meeting)).status_code == status, role
        response = client.post(propose_url(meeting), {"title": f"Proposta {role}"})
        assert response.status_code == (302 if status == 200 else status), role
    assert sorted(
        meeting.agenda_items.values_list("title", "proposing_zone__number", "status")
    ) == [
        ("Proposta other_zone", 3, "proposed"),
        ("Proposta spokesperson", 5, "proposed"),
        ("Proposta staff", None, "accepted"),
    ]
    missing = reverse("meetings:agenda-propose", kwargs={"number": 999})
    assert as_role("spokesperson").get(missing).status_code == 404


@pytest.mark.django_db
def test_who_may_change_an_item(as_role, staff_user):
    meeting = schedule(staff_user, 10)
    proposed = proposal(meeting, 5, "Proposta della zona 5")
    accepted = item(staff_user, meeting, "Punto accettato")
    # A proposal is seen by staff and its zone only: for anybody else it does not exist.
    expected_proposed = {"anonymous": 302, "no_zone": 404, "other_zone": 404}
    expected_accepted = {"anonymous": 302, "no_zone": 403, "other_zone": 403, "spokesperson": 403}
    for agenda_item, expected in ((proposed, expected_proposed), (accepted, expected_accepted)):
        for role, status in expected.items():
            client = as_role(role)
            edit = item_url("agenda-item-edit", agenda_item)
            assert client.get(edit).status_code == status, (agenda_item, role)
            assert client.post(edit, {"title": "Cambiato"}).status_code == status, role
            agenda_item.refresh_from_db()
            assert agenda_item.title != "Cambiato"

    spokesperson = as_role("spokesperson")
    assert spokesperson.get(item_url("agenda-item-edit", proposed)).status_code == 200
    response = spokesperson.post(item_url("agenda-item-edit", proposed), {"title": "Cambiato 5"})
    assert response.status_code == 302
    staff = as_role("staff")
    for agenda_item in (proposed, accepted):
        assert staff.get(item_url("agenda-item-edit", agenda_item)).status_code == 200
        response = staff.post(item_url("agenda-item-edit", agenda_item), {"title": "Da staff"})
        assert response.status_code == 302
    assert set(meeting.agenda_items.values_list("title", flat=True)) == {"Da staff"}


@pytest.mark.django_db
def test_only_staff_review_or_move_items(as_role, staff_user):
    meeting = schedule(staff_user, 10)
    first = item(staff_user, meeting, "Primo")
    second = item(staff_user, meeting, "Secondo")
    proposed = proposal(meeting)
    for role, status in STAFF_ONLY.items():
        client = as_role(role)
        assert client.get(item_url("agenda-review", proposed)).status_code == status, role
        response = client.post(item_url("agenda-review", proposed), review(proposed, "accepted"))
        assert response.status_code == status, role
        response = client.post(item_url("agenda-move", first), {"direction": "down"})
        assert response.status_code == status, role
        assert client.get(item_url("agenda-move", first)).status_code == 405, role
    proposed.refresh_from_db()
    assert proposed.status == "proposed"
    assert agenda_titles(meeting) == ["Primo", "Secondo"]

    staff = as_role("staff")
    assert staff.get(item_url("agenda-review", proposed)).status_code == 200
    response = staff.post(item_url("agenda-review", proposed), review(proposed, "accepted"))
    assert response.status_code == 302
    assert staff.post(item_url("agenda-move", second), {"direction": "up"}).status_code == 302
    assert agenda_titles(meeting) == ["Secondo", "Primo", "Trasporto scolastico"]
    assert staff.get(item_url("agenda-move", first)).status_code == 405


# --- Proposing and reviewing ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_proposal_is_accepted_onto_the_agenda(as_role, staff_user):
    meeting = schedule(staff_user, 10)
    practice = PracticeFactory(zone=Zone.objects.get(number=5), status="published")
    spokesperson = as_role("spokesperson")
    form = spokesperson.get(propose_url(meeting), **EN).content.decode()
    assert "5. " in form and 'name="zone"' not in form  # one zone: fixed, not asked
    assert practice.title in form
    response = spokesperson.post(
        propose_url(meeting),
        {
            "title": "Scuolabus condivisi",
            "description": "Proposta di servizio intercomunale.",
            "planned_minutes": "20",
            "presenter": "Sindaco di Pinerolo",
            "practice": practice.pk,
        },
        **EN,
    )
    proposed = AgendaItem.objects.get(title="Scuolabus condivisi")
    assert response.status_code == 302 and response.url.endswith(f"#proposal-{proposed.pk}")
    assert (proposed.status, proposed.proposing_zone.number) == ("proposed", 5)
    assert (proposed.planned_minutes, proposed.practice) == (20, practice)

    page = spokesperson.get(meeting.get_absolute_url(), **EN).content.decode()
    agenda, proposals = page.split('id="agenda"')[1].split('id="proposals"')
    assert "Scuolabus condivisi" not in agenda and "Scuolabus condivisi" in proposals
    assert item_url("agenda-item-edit", proposed) in proposals  # may still change it
    assert item_url("agenda-review", proposed) not in proposals
    for role in ("other_zone", "no_zone", "anonymous"):
        page = as_role(role).get(meeting.get_absolute_url(), **EN).content.decode()
        assert "Scuolabus condivisi" not in page, role

    staff = as_role("staff")
    page = staff.get(meeting.get_absolute_url(), **EN).content.decode()
    assert item_url("agenda-review", proposed) in page
    response = staff.post(item_url("agenda-review", proposed), review(proposed, "accepted"))
    assert response.status_code == 302 and response.url.endswith(f"#item-{proposed.pk}")
    page = as_role("other_zone").get(meeting.get_absolute_url(), **EN).content.decode()
    agenda = page.split('id="agenda"')[1]
    assert "Scuolabus condivisi" in agenda
    assert "20 minutes" in agenda and "presented by Sindaco di Pinerolo" in agenda
    assert "proposed by zone 5." in agenda and practice.get_absolute_url() in agenda
    # Accepted, it is no longer the zone's to change.
    response = as_role("spokesperson").get(item_url("agenda-item-edit", proposed), **EN)
    assert "already reviewed" in response.content.decode()
    assert (
        as_role("spokesperson")
        .post(item_url("agenda-item-edit", proposed), {"title": "X"})
        .status_code
        == 400
    )


@pytest.mark.django_db
def test_declining_needs_a_reason_which_the_zone_reads(as_role, staff_user):
    meeting = schedule(staff_user, 10)
    proposed = proposal(meeting, 5, "Fuori tema")
    staff = as_role("staff")
    response = staff.post(item_url("agenda-review", proposed), review(proposed, "declined"), **EN)
    assert response.status_code == 400
    assert "Say why the item is declined" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == "proposed"

    data = review(proposed, "declined", "Se ne parla alla conferenza dei sindaci.")
    assert staff.post(item_url("agenda-review", proposed), data).status_code == 302
    page = as_role("spokesperson").get(meeting.get_absolute_url(), **EN).content.decode()
    proposals = page.split('id="proposals"')[1]
    assert "Fuori tema" in proposals and "Declined" in proposals
    assert "Se ne parla alla conferenza dei sindaci." in proposals
    assert item_url("agenda-item-edit", proposed) not in proposals
    assert (
        "Se ne parla" not in as_role("other_zone").get(meeting.get_absolute_url()).content.decode()
    )


@pytest.mark.django_db
def test_a_deferred_item_can_be_accepted_later(staff_client, staff_user, territory):
    meeting = schedule(staff_user, 10)
    proposed = proposal(meeting)
    staff_client.post(item_url("agenda-review", proposed), review(proposed, "deferred"))
    proposed.refresh_from_db()
    assert proposed.status == "deferred"
    page = staff_client.get(meeting.get_absolute_url(), **EN).content.decode()
    controls = page.split(f'id="proposal-{proposed.pk}"')[1].split("</li>")[0]
    assert 'value="accepted"' in controls and 'value="declined"' not in controls
    staff_client.post(item_url("agenda-review", proposed), review(proposed, "accepted"))
    assert agenda_titles(meeting) == ["Trasporto scolastico"]


@pytest.mark.django_db
def test_a_refused_answer_says_why(staff_client, staff_user, territory):
    meeting = schedule(staff_user, 10)
    proposed = proposal(meeting)
    staff_client.post(item_url("agenda-review", proposed), review(proposed, "declined", "No"))
    response = staff_client.post(
        item_url("agenda-review", proposed), review(proposed, "accepted"), **EN
    )
    assert response.status_code == 400
    assert "cannot become" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == "declined"


@pytest.mark.django_db
def test_staff_add_items_with_or_without_a_zone(staff_client, staff_user, territory):
    meeting = schedule(staff_user, 10)
    form = staff_client.get(propose_url(meeting), **EN).content.decode()
    assert 'name="zone"' in form and "No zone: the item goes on the agenda at once" in form
    staff_client.post(propose_url(meeting), {"title": "Comunicazioni"})
    zone = Zone.objects.get(number=7)
    staff_client.post(propose_url(meeting), {"title": "Per la zona 7", "zone": zone.pk})
    assert agenda_titles(meeting) == ["Comunicazioni"]
    assert meeting.agenda_items.get(title="Per la zona 7").status == "proposed"


@pytest.mark.django_db
def test_a_spokesperson_of_two_zones_chooses_only_among_them(client, staff_user, territory):
    meeting = schedule(staff_user, 10)
    speaker = MembershipFactory(zone=Zone.objects.get(number=1)).user
    MembershipFactory(user=speaker, zone=Zone.objects.get(number=2))
    client.force_login(speaker)
    form = client.get(propose_url(meeting), **EN).content.decode()
    assert 'name="zone"' in form
    other = Zone.objects.get(number=9)
    response = client.post(propose_url(meeting), {"title": "Furbo", "zone": other.pk}, **EN)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    response = client.post(propose_url(meeting), {"title": "Senza zona"}, **EN)
    assert response.status_code == 400
    assert not meeting.agenda_items.exists()
    zone = Zone.objects.get(number=2)
    assert (
        client.post(propose_url(meeting), {"title": "Giusto", "zone": zone.pk}).status_code == 302
    )
    assert meeting.agenda_items.get().proposing_zone == zone


@pytest.mark.django_db
def test_bad_item_input_is_refused_and_kept(spokesperson_client, staff_user):
    meeting = schedule(staff_user, 10)
    draft = PracticeFactory(zone=Zone.objects.get(number=5), status="draft")
    data = {"title": "", "description": "Testo scritto", "planned_minutes": "0"}
    response = spokesperson_client.post(propose_url(meeting), data, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page and "Testo scritto" in page
    assert "Ensure this value is greater than or equal to 1." in page
    data = {"title": "Con pratica in bozza", "practice": draft.pk}
    response = spokesperson_client.post(propose_url(meeting), data, **EN)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not meeting.agenda_items.exists()


@pytest.mark.django_db
def test_nothing_is_proposed_or_changed_once_the_meeting_is_held(as_role, staff_user):
    meeting = held(staff_user, days_ago=3)
    accepted = item(staff_user, meeting, "Punto storico")
    for role in ("spokesperson", "staff"):
        client = as_role(role)
        response = client.get(propose_url(meeting), **EN)
        assert response.status_code == 200
        assert "its agenda can no longer change" in response.content.decode()
        assert client.post(propose_url(meeting), {"title": "Tardi"}).status_code == 400
    staff = as_role("staff")
    assert staff.post(item_url("agenda-item-edit", accepted), {"title": "X"}).status_code == 400
    assert staff.post(item_url("agenda-move", accepted), {"direction": "up"}).status_code == 400
    accepted.refresh_from_db()
    assert accepted.title == "Punto storico" and meeting.agenda_items.count() == 1
    page = staff.get(meeting.get_absolute_url(), **EN).content.decode()
    assert item_url("agenda-move", accepted) not in page
    assert propose_url(meeting) not in page


# --- Ordering ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_move_up_and_down_without_javascript(staff_client, staff_user, territory):
    meeting = schedule(staff_user, 10)
    first, second, third = (item(staff_user, meeting, title) for title in ("A", "B", "C"))
    page = staff_client.get(meeting.get_absolute_url(), **EN).content.decode()
    assert f'id="move-up-{first.pk}"' not in page and f'id="move-down-{first.pk}"' in page
    assert f'id="move-up-{second.pk}"' in page and f'id="move-down-{second.pk}"' in page
    assert f'id="move-up-{third.pk}"' in page and f'id="move-down-{third.pk}"' not in page
    assert "Move up: “B”" in page and "Move down: “B”" in page

    response = staff_client.post(item_url("agenda-move", first), {"direction": "down"}, **EN)
    assert response.status_code == 302
    assert response.url == f"{meeting.get_absolute_url()}#agenda"
    assert agenda_titles(meeting) == ["B", "A", "C"]
    page = staff_client.get(response.url, **EN).content.decode()
    assert "“A” is now number 2 of 3 on the agenda." in page

    # Past the ends nothing moves.
    staff_client.post(item_url("agenda-move", second), {"direction": "up"})
    staff_client.post(item_url("agenda-move", third), {"direction": "down"})
    assert agenda_titles(meeting) == ["B", "A", "C"]
    response = staff_client.post(item_url("agenda-move", third), {"direction": "sideways"})
    assert response.status_code == 400
    assert agenda_titles(meeting) == ["B", "A", "C"]


@pytest.mark.django_db
def test_move_with_htmx_redraws_the_list_in_place(staff_client, staff_user, territory):
    meeting = schedule(staff_user, 10)
    _first, second, third = (item(staff_user, meeting, title) for title in ("A", "B", "C"))
    response = staff_client.post(
        item_url("agenda-move", third), {"direction": "up"}, HTTP_HX_REQUEST="true", **EN
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="agenda-list"')
    assert fragment.index(">A<") < fragment.index(">C<") < fragment.index(">B<")
    assert f'id="move-down-{second.pk}"' not in fragment  # B is last now
    assert f'id="move-down-{third.pk}"' in fragment and f'id="move-up-{third.pk}"' in fragment
    assert 'id="agenda-status"' in fragment and 'hx-swap-oob="innerHTML"' in fragment
    assert "“C” is now number 2 of 3 on the agenda." in fragment
    assert agenda_titles(meeting) == ["A", "C", "B"]

    response = staff_client.post(
        item_url("agenda-move", third), {"direction": "up"}, HTTP_HX_REQUEST="true", **EN
    )
    fragment = response.content.decode()
    assert f'id="move-up-{third.pk}"' not in fragment  # first now: no "up"
    assert agenda_titles(meeting) == ["C", "A", "B"]


@pytest.mark.django_db
def test_an_anonymous_htmx_move_sends_the_browser_to_log_in(client, staff_user, territory):
    meeting = schedule(staff_user, 10)
    agenda_item = item(staff_user, meeting, "A")
    response = client.post(
        item_url("agenda-move", agenda_item), {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "login" in response["HX-Redirect"]


# --- The agenda on the meeting's page ---------------------------------------------------------


@pytest.mark.django_db
def test_the_agenda_shows_follow_ups_and_the_planned_time(as_role, staff_user):
    earlier = held(staff_user, days_ago=30)
    open_action = action(staff_user, earlier, zones=(5,), title="Censimento fermate")
    meeting = schedule(staff_user, 10)
    item(staff_user, meeting, "Bilancio", planned_minutes=45)
    item(staff_user, meeting, "Varie", planned_minutes=90)
    page = as_role("other_zone").get(meeting.get_absolute_url(), **EN).content.decode()
    agenda = page.split('id="agenda"')[1]
    assert "Censimento fermate" in agenda and "follow-up" in agenda
    assert open_action.get_absolute_url() in agenda
    assert "Planned time: 135 minutes of the meeting's 120." in agenda
    assert "Longer than the meeting." in agenda


@pytest.mark.django_db
def test_meeting_page_queries_do_not_grow_with_items_and_proposals(as_role, staff_user):
    # Started a few minutes ago, still "scheduled": decisions can be recorded, items moved.
    meeting = schedule(staff_user, -0.01)
    clients = {role: as_role(role) for role in ("staff", "spokesperson", "no_zone")}
    practice = PracticeFactory(zone=Zone.objects.get(number=5), status="published")

    def add(count: int) -> None:
        for index in range(count):
            agenda_item = item(staff_user, meeting, f"Punto {index}", practice=practice)
            agenda_item.proposing_zone = Zone.objects.get(number=5)
            agenda_item.save()
            decision = services.record_decision(agenda_item=agenda_item, by=staff_user, text="Ok")
            services.create_action(
                decision=decision,
                by=staff_user,
                zones=Zone.objects.filter(number__in=(5, 6)),
                title="Fare",
                due_date=meeting.starts_at.date(),
            )
            proposal(meeting, 5 if index % 2 else 3, f"Proposta {index}")

    def counts() -> dict:
        result = {}
        for role, client in clients.items():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(meeting.get_absolute_url()).status_code == 200
            result[role] = len(queries)
        return result

    add(1)
    small = counts()
    add(6)
    assert counts() == small


@pytest.mark.django_db
def test_staff_change_an_item_keeping_a_practice_no_longer_published(
    staff_client, staff_user, territory
):
    meeting = schedule(staff_user, 10)
    practice = PracticeFactory(zone=Zone.objects.get(number=5), status="archived")
    agenda_item = item(staff_user, meeting, "Vecchia pratica", practice=practice)
    page = staff_client.get(item_url("agenda-item-edit", agenda_item)).content.decode()
    assert f'value="{practice.pk}" selected' in page
    response = staff_client.post(
        item_url("agenda-item-edit", agenda_item),
        {"title": "Pratica archiviata", "planned_minutes": "15", "practice": practice.pk},
    )
    assert response.status_code == 302
    agenda_item.refresh_from_db()
    assert (agenda_item.title, agenda_item.planned_minutes, agenda_item.practice) == (
        "Pratica archiviata",
        15,
        practice,
    )
    assert agenda_item.status == "accepted"
