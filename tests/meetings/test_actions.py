"""Action items: made from a decision for one or more zones (who are told), reported on by the
assigned zones, overdue ones standing out, the chain followed both ways, queries constant."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import ActionItem, ActionUpdate
from zones.models import Notification, Zone

from ..factories import MembershipFactory, PracticeFactory, UserFactory
from .helpers import action, held, item, schedule
from .test_attendance import role_clients

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LIST = reverse("meetings:action-list")


def update_url(action_item) -> str:
    return reverse("meetings:action-update", kwargs={"pk": action_item.pk})


def report(text="Fatto il primo incontro.", status="", reason="", zone=None) -> dict:
    data = {"text": text, "to_status": status, "drop_reason": reason}
    if zone is not None:
        data["zone"] = zone.pk
    return data


def published_practice():
    return PracticeFactory(status="published", zone=Zone.objects.get(number=5))


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_an_action_for_two_zones_tells_their_spokespersons(
    staff_client, territory, staff_user, django_capture_on_commit_callbacks
):
    speakers = [MembershipFactory(zone=Zone.objects.get(number=number)).user for number in (5, 7)]
    bystander = MembershipFactory(zone=Zone.objects.get(number=2)).user
    meeting = held(staff_user)
    decision = services.record_decision(
        agenda_item=item(staff_user, meeting), by=staff_user, text="Ok"
    )
    practice = published_practice()
    data = {
        "title": "Mappare i servizi",
        "description": "Entro l'estate.",
        "zones": [Zone.objects.get(number=n).pk for n in (5, 7)],
        "due_date": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "practice": practice.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("meetings:action-create", kwargs={"pk": decision.pk}), data
        )
    assert response.status_code == 302
    created = ActionItem.objects.get()
    assert response.url == created.get_absolute_url()
    assert sorted(created.zones.values_list("number", flat=True)) == [5, 7]
    assert created.practice == practice
    notified = set(
        Notification.objects.filter(kind="action_assigned").values_list("user", flat=True)
    )
    assert notified == {user.pk for user in speakers}
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        user.email for user in speakers
    )
    assert bystander.email not in [address for message in mail.outbox for address in message.to]


@pytest.mark.django_db
def test_an_action_needs_a_zone(staff_client, territory, staff_user):
    decision = services.record_decision(
        agenda_item=item(staff_user, held(staff_user)), by=staff_user, text="Ok"
    )
    data = {"title": "Senza zona", "due_date": "2031-01-31"}
    url = reverse("meetings:action-create", kwargs={"pk": decision.pk})
    response = staff_client.post(url, data, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Assign the action to at least one zone." in page
    assert 'value="Senza zona"' in page
    assert not ActionItem.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "get", "post"),
    [
        ("anonymous", 200, 302),
        ("user", 200, 403),
        ("zone3", 200, 403),
        ("zone5", 200, 302),
        ("staff", 200, 302),
    ],
)
def test_who_reports_on_an_action(territory, staff_user, role, get, post):
    open_action = action(staff_user, held(staff_user), zones=(5, 7))
    client = role_clients(staff_user)[role]
    page = client.get(open_action.get_absolute_url(), **EN)
    assert page.status_code == get
    assert (update_url(open_action) in page.content.decode()) == (
        post == 302 and role != "anonymous"
    )
    data = report(zone=Zone.objects.get(number=5))
    assert client.post(update_url(open_action), data).status_code == post
    assert ActionUpdate.objects.count() == (1 if role in ("zone5", "staff") else 0)
    assert client.get(update_url(open_action)).status_code == 405


@pytest.mark.django_db
def test_visitors_see_only_the_actions_of_public_meetings_held(client, territory, staff_user):
    public = action(staff_user, held(staff_user), title="Pubblica")
    private = action(staff_user, held(staff_user, is_public=False), title="Riservata")
    started = action(staff_user, schedule(staff_user, -0.01), title="Non ancora tenuta")
    assert client.get(public.get_absolute_url()).status_code == 200
    assert client.get(private.get_absolute_url()).status_code == 404
    assert client.get(started.get_absolute_url()).status_code == 404
    response = client.get(LIST)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_a_spokesperson_reports_progress_and_marks_it_done(
    spokesperson_client, territory, staff_user
):
    open_action = action(staff_user, held(staff_user), zones=(5, 7), title="Censire")
    response = spokesperson_client.post(
        update_url(open_action), report("Avviato il censimento.", "in_progress")
    )
    assert response.status_code == 302
    open_action.refresh_from_db()
    assert open_action.status == "in_progress"
    page = spokesperson_client.get(open_action.get_absolute_url(), **EN).content.decode()
    assert "Avviato il censimento." in page and "Status: Open → In progress" in page
    assert 'value="open"' not in page  # no move back
    response = spokesperson_client.post(update_url(open_action), report("Concluso.", "done"))
    assert response.status_code == 302
    open_action.refresh_from_db()
    assert open_action.status == "done" and open_action.completed_at is not None
    update = open_action.updates.last()
    assert (update.zone.number, update.from_status, update.to_status) == (5, "in_progress", "done")
    page = spokesperson_client.get(open_action.get_absolute_url(), **EN).content.decode()
    assert "This action is closed: no more updates." in page
    assert update_url(open_action) not in page
    response = spokesperson_client.post(update_url(open_action), report("Ancora.", ""), **EN)
    assert response.status_code == 400
    assert open_action.updates.count() == 2


@pytest.mark.django_db
def test_dropping_needs_a_reason(spokesperson_client, territory, staff_user):
    open_action = action(staff_user, held(staff_user), zones=(5,))
    response = spokesperson_client.post(update_url(open_action), report(status="dropped"), **EN)
    assert response.status_code == 400
    assert "Say why the action is dropped" in response.content.decode()
    open_action.refresh_from_db()
    assert open_action.status == "open" and not open_action.updates.exists()
    data = report(status="dropped", reason="Superata dalla legge regionale.")
    assert spokesperson_client.post(update_url(open_action), data).status_code == 302
    open_action.refresh_from_db()
    assert (open_action.status, open_action.drop_reason) == (
        "dropped",
        "Superata dalla legge regionale.",
    )


@pytest.mark.django_db
def test_a_report_needs_text_and_an_allowed_move(spokesperson_client, territory, staff_user):
    open_action = action(staff_user, held(staff_user), zones=(5,))
    assert spokesperson_client.post(update_url(open_action), report(text="")).status_code == 400
    bad = report(status="open")  # not a move from "open"
    assert spokesperson_client.post(update_url(open_action), bad).status_code == 400
    assert not open_action.updates.exists()


@pytest.mark.django_db
def test_staff_choose_the_zone_they_report_for(staff_client, territory, staff_user):
    open_action = action(staff_user, held(staff_user), zones=(5, 7))
    page = staff_client.get(open_action.get_absolute_url(), **EN).content.decode()
    assert 'name="zone"' in page and "<select" in page
    other = Zone.objects.get(number=2)
    assert staff_client.post(update_url(open_action), report(zone=other)).status_code == 400
    seven = Zone.objects.get(number=7)
    assert staff_client.post(update_url(open_action), report(zone=seven)).status_code == 302
    assert open_action.updates.get().zone == seven


@pytest.mark.django_db
def test_overdue_actions_stand_out_on_the_action_page_and_list(staff_client, territory, staff_user):
    meeting = held(staff_user)
    late = action(staff_user, meeting, zones=(5,), due_in_days=-2, title="In ritardo")
    on_time = action(staff_user, meeting, zones=(5,), due_in_days=20, title="In tempo")
    page = staff_client.get(late.get_absolute_url(), **EN).content.decode()
    assert "This action was due on" in page and "(overdue)" in page
    assert (
        "This action was due on"
        not in staff_client.get(on_time.get_absolute_url()).content.decode()
    )
    listing = staff_client.get(LIST, **EN).content.decode()
    assert listing.index("In ritardo") < listing.index("In tempo")
    assert "action-overdue-row" in listing and "Overdue" in listing


@pytest.mark.django_db
def test_the_list_filters_by_zone_and_status(staff_client, territory, staff_user):
    meeting = held(staff_user)
    late = action(staff_user, meeting, zones=(5,), due_in_days=-2, title="Ritardo cinque")
    action(staff_user, meeting, zones=(3,), title="Aperta tre")
    done = action(staff_user, meeting, zones=(5,), title="Chiusa cinque")
    services.update_action(
        action=done, zone=Zone.objects.get(number=5), by=staff_user, text="Ok", to_status="done"
    )

    def titles(**query):
        page = staff_client.get(LIST, query).content.decode()
        return {t for t in ("Ritardo cinque", "Aperta tre", "Chiusa cinque") if t in page}

    assert titles() == {"Ritardo cinque", "Aperta tre", "Chiusa cinque"}
    assert titles(zone=5) == {"Ritardo cinque", "Chiusa cinque"}
    assert titles(status="open") == {"Ritardo cinque", "Aperta tre"}
    assert titles(status="overdue") == {late.title}
    assert titles(status="done") == {"Chiusa cinque"}
    assert titles(zone=5, status="open") == {"Ritardo cinque"}
    assert titles(zone=99, status="bogus") == titles()  # invalid filters are left out


@pytest.mark.django_db
def test_the_list_is_paginated_with_constant_queries(territory, staff_user):
    client = Client()
    client.force_login(UserFactory())
    meeting = held(staff_user)
    for index in range(3):
        action(staff_user, meeting, zones=(5, 7), title=f"Azione {index}")
    small = count_queries(client, LIST)
    for index in range(30):
        action(staff_user, meeting, zones=(1, 2, 3), title=f"Altra {index}", due_in_days=-index)
    assert count_queries(client, LIST) == small
    page_two = client.get(LIST, {"page": 2}, **EN).content.decode()
    assert "Page 2 of 2" in page_two


@pytest.mark.django_db
def test_the_chain_is_followed_both_ways(client, territory, staff_user):
    practice = published_practice()
    meeting = held(staff_user, days_ago=40)
    agenda_item = item(staff_user, meeting, "Buone pratiche scolastiche", practice=practice)
    decision = services.record_decision(agenda_item=agenda_item, by=staff_user, text="Si estende")
    chained = services.create_action(
        decision=decision,
        by=staff_user,
        zones=Zone.objects.filter(number__in=(5, 7)),
        title="Estendere la pratica",
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        practice=practice,
    )
    later = schedule(staff_user, 10, title="Tavolo successivo")  # carries the open action over
    follow_up = later.agenda_items.get(action=chained)

    # a participant: the agenda of the meeting not yet held is a working paper
    client.force_login(MembershipFactory(zone=Zone.objects.get(number=3)).user)
    page = client.get(chained.get_absolute_url(), **EN).content.decode()
    assert meeting.get_absolute_url() in page
    assert f"{meeting.get_absolute_url()}#item-{agenda_item.pk}" in page
    assert f"{meeting.get_absolute_url()}#decision-{decision.pk}" in page
    assert practice.get_absolute_url() in page
    assert f"{later.get_absolute_url()}#item-{follow_up.pk}" in page  # followed up there

    meeting_page = client.get(meeting.get_absolute_url()).content.decode()
    assert chained.get_absolute_url() in meeting_page
    later_page = client.get(later.get_absolute_url()).content.decode()
    assert chained.get_absolute_url() in later_page

    practice_page = client.get(practice.get_absolute_url(), **EN).content.decode()
    assert "On the Round Table&#x27;s agenda" in practice_page or (
        "On the Round Table's agenda" in practice_page
    )
    assert f"{meeting.get_absolute_url()}#item-{agenda_item.pk}" in practice_page
    assert chained.get_absolute_url() in practice_page


@pytest.mark.django_db
def test_a_visitor_sees_on_a_practice_only_public_meetings_held(client, territory, staff_user):
    practice = published_practice()
    shown = item(staff_user, held(staff_user), "Punto pubblico", practice=practice)
    hidden = item(
        staff_user, held(staff_user, is_public=False), "Punto riservato", practice=practice
    )
    coming = item(staff_user, schedule(staff_user, 5), "Punto futuro", practice=practice)
    page = client.get(practice.get_absolute_url(), **EN).content.decode()
    assert shown.title in page
    assert hidden.title not in page and coming.title not in page
    client.force_login(UserFactory())  # logged in but no participant: what a visitor sees
    page = client.get(practice.get_absolute_url(), **EN).content.decode()
    assert shown.title in page
    assert hidden.title not in page and coming.title not in page
    client.force_login(MembershipFactory(zone=Zone.objects.get(number=3)).user)
    page = client.get(practice.get_absolute_url(), **EN).content.decode()
    assert all(title in page for title in (shown.title, hidden.title, coming.title))


@pytest.mark.django_db
def test_a_practice_without_round_table_links_shows_no_section(client, territory):
    practice = published_practice()
    page = client.get(practice.get_absolute_url(), **EN).content.decode()
    assert "round-table-agenda" not in page and "round-table-actions" not in page


@pytest.mark.django_db
def test_action_and_practice_pages_queries_do_not_grow(territory, staff_user):
    client = Client()
    client.force_login(MembershipFactory(zone=Zone.objects.get(number=5)).user)
    practice = published_practice()
    meeting = held(staff_user, days_ago=200)
    watched = action(staff_user, meeting, zones=(5, 7), practice=practice)
    item(staff_user, meeting, "Punto", practice=practice)
    small = (
        count_queries(client, watched.get_absolute_url()),
        count_queries(client, practice.get_absolute_url()),
    )
    five = Zone.objects.get(number=5)
    for index in range(5):
        services.update_action(action=watched, zone=five, by=staff_user, text=f"Passo {index}")
        later = schedule(staff_user, -150 + index * 10)
        item(staff_user, later, f"Punto {index}", practice=practice)
        action(staff_user, later, zones=(1, 2, 3), practice=practice)
    assert watched.follow_ups.count() == 5
    assert (
        count_queries(client, watched.get_absolute_url()),
        count_queries(client, practice.get_absolute_url()),
    ) == small


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "get", "post", "sees_private"),
    [
        ("anonymous", 302, 302, False),
        ("user", 200, 405, False),  # not a participant: the public meetings' actions only
        ("zone5", 200, 405, True),
        ("zone3", 200, 405, True),
        ("staff", 200, 405, True),
    ],
)
def test_logged_in_users_see_the_action_list(territory, staff_user, role, get, post, sees_private):
    listed = action(staff_user, held(staff_user, is_public=False), title="Riservata")
    public = action(staff_user, held(staff_user), title="Pubblica")
    client = role_clients(staff_user)[role]
    response = client.get(LIST)
    assert response.status_code == get
    page = response.content.decode()
    assert (listed.get_absolute_url() in page) == sees_private
    assert (public.get_absolute_url() in page) == (get == 200)
    assert client.post(LIST).status_code == post
