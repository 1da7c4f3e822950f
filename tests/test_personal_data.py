"""The account page and the "download my data" file: the user's own data from every relation
to them, nothing of anyone else's, in a constant number of queries."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import (
    ActionItem,
    ActionUpdate,
    AgendaItem,
    CalendarFeed,
    Decision,
    Invitation,
    Meeting,
    Minutes,
    MinutesComment,
)
from practices.models import (
    Attachment,
    Comment,
    ExpertOpinion,
    Practice,
    Transfer,
    TransferStep,
    Transition,
)
from zones.models import Notification, NotificationPreference

from .factories import MembershipFactory, PracticeFactory, UserFactory, ZoneFactory

PROFILE = reverse("account-profile")
DATA = reverse("account-data")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
meeting_numbers = itertools.count(1)


def footprint(user, zone, word: str) -> dict:
    """One object of every kind the portal ties to ``user``, each text carrying ``word``."""
    now = timezone.now()
    practice = PracticeFactory(zone=zone, created_by=user, title=f"Pratica {word}")
    Practice.history.filter(id=practice.pk).update(history_user=user)
    Transition.objects.create(
        practice=practice,
        from_status="draft",
        to_status="submitted",
        by=user,
        note=f"Transizione {word}",
    )
    Attachment.objects.create(
        practice=practice,
        title=f"Allegato {word}",
        file="x.pdf",
        original_name=f"{word}.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=user,
    )
    comment = Comment.objects.create(
        practice=practice,
        author=user,
        body=f"Commento {word}",
        reported_by=user,
        reported_at=now,
        report_reason=f"Segnalazione {word}",
    )
    Comment.objects.filter(pk=comment.pk).update(
        hidden_by=user, hidden_at=now, hidden_reason=f"Nascosto {word}"
    )
    transfer = Transfer.objects.create(
        practice=practice, zone=zone, created_by=user, notes=f"Trasferimento {word}"
    )
    TransferStep.objects.create(
        transfer=transfer, stage="in_contact", by=user, note=f"Tappa {word}"
    )
    ExpertOpinion.objects.create(
        practice=practice, author=user, assessment=f"Parere {word}", strengths=f"Punti {word}"
    )
    meeting = Meeting.objects.create(
        number=next(meeting_numbers),
        title=f"Riunione {word}",
        starts_at=now,
        ends_at=now + datetime.timedelta(hours=2),
        place="Palazzo Cisterna",
        created_by=user,
    )
    Invitation.objects.create(
        meeting=meeting,
        zone=zone,
        answer="attending",
        answered_by=user,
        answered_at=now,
        attendees=f"Presenti {word}",
    )
    item = AgendaItem.objects.create(meeting=meeting, title=f"Punto {word}", proposed_by=user)
    minutes = Minutes.objects.create(meeting=meeting, body="Verbale")
    MinutesComment.objects.create(
        minutes=minutes, author=user, zone=zone, body=f"Osservazione {word}"
    )
    decision = Decision.objects.create(agenda_item=item, text=f"Decisione {word}", recorded_by=user)
    action = ActionItem.objects.create(
        decision=decision, title=f"Azione {word}", due_date=timezone.localdate()
    )
    ActionUpdate.objects.create(
        action=action,
        zone=zone,
        author=user,
        text=f"Progresso {word}",
        from_status="open",
        to_status="in_progress",
    )
    Notification.objects.create(
        user=user,
        kind="test",
        url=f"/avviso-{word}/",
        texts={"it": {"subject": f"Avviso {word}"}, "en": {"subject": f"Notice {word}"}},
    )
    NotificationPreference.objects.update_or_create(user=user, defaults={"frequency": "weekly"})
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return {"practice": practice, "meeting": meeting, "feed": feed}


@pytest.fixture
def me(db):
    user = UserFactory(email="io@example.org", first_name="Ilaria", last_name="Mia")
    MembershipFactory(user=user, zone=ZoneFactory(name="Zona Mia"), role="deputy")
    return user


@pytest.fixture
def someone_else(db):
    user = UserFactory(email="altra@example.org", first_name="Ottavia", last_name="Altrui")
    MembershipFactory(user=user, zone=ZoneFactory(name="Zona Altrui"))
    return user


def download(client, user, **extra):
    client.force_login(user)
    response = client.get(DATA, **extra)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("url", [PROFILE, DATA])
def test_anonymous_visitors_are_sent_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("url", [PROFILE, DATA])
def test_both_pages_refuse_post(client, me, url):
    client.force_login(me)
    assert client.post(url).status_code == 405


def test_the_file_is_a_dated_json_attachment(client, me):
    response = download(client, me)
    assert response["Content-Type"].startswith("application/json")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="miei-dati-{today}.json"'


def test_the_file_holds_the_users_data_from_every_relation(client, me):
    mine = footprint(me, me.memberships.get().zone, "MIO")
    data = download(client, me, **EN).json()

    assert data["account"]["email"] == "io@example.org"
    assert data["account"]["last_name"] == "Mia"
    datetime.datetime.fromisoformat(data["account"]["date_joined"])
    [membership] = data["memberships"]
    assert membership["zone"] == "Zona Mia" and membership["role"] == "deputy"
    assert membership["since"] == timezone.localdate().isoformat()
    notifications = data["notifications"]
    assert notifications["email_frequency"] == "weekly"
    [notice] = notifications["notices"]
    assert notice["subject"] == "Notice MIO" and notice["url"] == "/avviso-MIO/"
    assert data["calendar_feed"]["exists"] is True

    practices = data["practices"]
    [created] = practices["created"]
    assert created["title"] == "Pratica MIO"
    assert created["url"] == mine["practice"].get_absolute_url()
    assert practices["transitions"][0]["note"] == "Transizione MIO"
    assert practices["attachments_uploaded"][0]["title"] == "Allegato MIO"
    assert practices["comments"][0]["body"] == "Commento MIO"
    assert practices["comments_reported"][0]["report_reason"] == "Segnalazione MIO"
    assert practices["comments_hidden"][0]["hidden_reason"] == "Nascosto MIO"
    assert data["transfers"]["created"][0]["notes"] == "Trasferimento MIO"
    assert data["transfers"]["stages_recorded"][0]["note"] == "Tappa MIO"
    [opinion] = practices["expert_opinions"]
    assert opinion["assessment"] == "Parere MIO" and opinion["strengths"] == "Punti MIO"
    assert opinion["url"] == mine["practice"].get_absolute_url()

    meetings = data["meetings"]
    assert meetings["created"][0]["url"] == mine["meeting"].get_absolute_url()
    assert meetings["invitation_answers"][0]["attendees"] == "Presenti MIO"
    assert meetings["agenda_items_proposed"][0]["title"] == "Punto MIO"
    assert meetings["minutes_comments"][0]["body"] == "Osservazione MIO"
    assert meetings["decisions_recorded"][0]["text"] == "Decisione MIO"
    assert meetings["action_updates"][0]["text"] == "Progresso MIO"
    assert data["changes"]["practices"][0]["id"] == mine["practice"].pk


def test_notices_read_in_the_visitors_language(client, me):
    footprint(me, me.memberships.get().zone, "MIO")
    [notice] = download(client, me).json()["notifications"]["notices"]
    assert notice["subject"] == "Avviso MIO"


def test_the_file_holds_nothing_of_another_user(client, me, someone_else):
    footprint(me, me.memberships.get().zone, "MIO")
    theirs = footprint(someone_else, someone_else.memberships.get().zone, "ALTRUI")
    content = download(client, me, **EN).content.decode()
    for trace in ("ALTRUI", "altra@example.org", "Ottavia", "Zona Altrui"):
        assert trace not in content
    assert f'"id": {theirs["practice"].pk},' not in content


def test_the_calendar_token_stays_secret(client, me):
    feed = footprint(me, me.memberships.get().zone, "MIO")["feed"]
    content = download(client, me).content.decode()
    assert feed.token not in content
    assert "token" not in content


def test_a_user_without_data_gets_the_defaults(client, me):
    data = download(client, me).json()
    assert data["calendar_feed"] == {"exists": False, "created_at": None}
    assert data["notifications"]["email_frequency"] == "immediate"
    assert data["practices"]["created"] == []


def test_queries_stay_constant_as_the_data_grows(client, me, django_assert_max_num_queries):
    zone = me.memberships.get().zone
    client.force_login(me)
    footprint(me, zone, "UNO")
    with CaptureQueriesContext(connection) as small:
        client.get(DATA)
    for word in ("DUE", "TRE", "QUATTRO"):
        footprint(me, ZoneFactory(), word)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(DATA)
    assert len(response.json()["practices"]["created"]) == 4


def test_the_account_page_shows_the_user_and_their_links(client, me):
    client.force_login(me)
    response = client.get(PROFILE, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ilaria Mia" in page and "io@example.org" in page
    assert "Zona Mia" in page and "Deputy" in page
    for name in (
        "account_change_password",
        "notifications",
        "meetings:calendar-feed",
        "account-data",
    ):
        assert f'href="{reverse(name)}"' in page
    assert "Download my data (JSON)" in page


def test_the_user_menu_and_the_privacy_notice_lead_to_the_account_page(client, me):
    client.force_login(me)
    home = client.get(reverse("home"), **EN).content.decode()
    assert f'href="{PROFILE}"' in home and "My account" in home
    privacy = client.get(reverse("privacy"), **EN).content.decode()
    assert "What the portal keeps about you, and why" in privacy
    assert f'href="{PROFILE}"' in privacy


def test_the_file_holds_the_log_in_addresses_and_the_deletion_requests(client, me, someone_else):
    from allauth.account.models import EmailAddress

    from roundtable.models import AccountDeletionRequest

    EmailAddress.objects.create(user=me, email=me.email, primary=True, verified=True)
    EmailAddress.objects.create(user=someone_else, email=someone_else.email, primary=True)
    AccountDeletionRequest.objects.create(
        user=me,
        reason="Motivo MIO",
        status="declined",
        decided_by=someone_else,
        decided_at=timezone.now(),
        decline_reason="Rifiuto MIO",
    )
    AccountDeletionRequest.objects.create(user=someone_else, reason="Motivo ALTRUI")
    data = download(client, me)
    assert data.json()["e-mail_addresses"] == [
        {"email": "io@example.org", "primary": True, "verified": True}
    ]
    [request] = data.json()["deletion_requests"]
    assert request["reason"] == "Motivo MIO" and request["decline_reason"] == "Rifiuto MIO"
    assert request["status"] == "declined"
    text = data.content.decode()
    assert "ALTRUI" not in text and "altra@example.org" not in text and "Ottavia" not in text
