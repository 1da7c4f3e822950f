"""The notifications pages: a user's own notices, opening one, marking all read, the e-mail
preference, and the unread count in the header."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zones.models import Notification, NotificationPreference, Zone

from .factories import MembershipFactory, UserFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LIST = reverse("notifications")
MARK_ALL = reverse("notifications-mark-all-read")
PREFERENCES = reverse("notification-preferences")


def notice(user, subject="Nuova riunione", url="/riunioni/1/", days_ago=0, read=False):
    created = timezone.now() - datetime.timedelta(days=days_ago)
    return Notification.objects.create(
        user=user,
        kind="meeting_scheduled",
        texts={
            "it": {"subject": f"{subject} (it)", "body": "Testo della notifica."},
            "en": {"subject": subject, "body": "The notice's text."},
        },
        url=url,
        created_at=created,
        read_at=created if read else None,
    )


def open_url(item) -> str:
    return reverse("notification-open", kwargs={"pk": item.pk})


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def users(territory, staff_user, spokesperson):
    return {
        "no_zone": UserFactory(),
        "spokesperson": spokesperson,
        "other_spokesperson": MembershipFactory(
            user=UserFactory(), zone=Zone.objects.get(number=3)
        ).user,
        "staff": staff_user,
    }


ROLES = ["no_zone", "spokesperson", "other_spokesperson", "staff"]


@pytest.mark.django_db
def test_visitors_are_sent_to_log_in_and_change_nothing(users):
    mine = notice(users["no_zone"])
    client = Client()
    for url in (LIST, open_url(mine)):
        assert "/account/login/" in client.get(url)["Location"]
    for url in (MARK_ALL, PREFERENCES):
        assert "/account/login/" in client.post(url, {"frequency": "none"})["Location"]
    assert client.post(LIST).status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None and not NotificationPreference.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_logged_in_role_uses_its_own_notifications(users, role):
    user = users[role]
    client = logged_in(user)
    mine = notice(user)
    theirs = notice(UserFactory(), subject="Di qualcun altro")
    assert client.get(LIST).status_code == 200
    assert client.post(LIST).status_code == 405
    assert client.get(open_url(theirs)).status_code == 404
    assert client.get(open_url(mine)).status_code == 302
    assert client.get(MARK_ALL).status_code == 405
    assert client.post(MARK_ALL).status_code == 302
    assert client.get(PREFERENCES).status_code == 405
    assert client.post(PREFERENCES, {"frequency": "daily"}).status_code == 302
    assert client.post(PREFERENCES, {"frequency": "hourly"}).status_code == 400
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_the_list_shows_only_own_notices_newest_first_with_unread_marked(territory):
    user = UserFactory()
    notice(user, "Riunione vecchia", days_ago=3, read=True)
    notice(user, "Azione assegnata", days_ago=1)
    notice(UserFactory(), "Notizia altrui")
    page = logged_in(user).get(LIST, **EN).content.decode()
    assert "Notizia altrui" not in page
    assert page.index("Azione assegnata") < page.index("Riunione vecchia")
    items = page.split('<li class="notification-item')[1:]
    [unread] = [text for text in items if "Azione assegnata" in text]
    [read] = [text for text in items if "Riunione vecchia" in text]
    assert ">new<" in unread and "notification-unread" in unread
    assert ">new<" not in read and "notification-unread" not in read
    assert "1 unread notification." in page


@pytest.mark.django_db
def test_the_list_is_in_the_visitors_language(territory):
    user = UserFactory()
    notice(user, "Meeting scheduled")
    client = logged_in(user)
    assert "Meeting scheduled (it)" in client.get(LIST, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Meeting scheduled (it)" not in client.get(LIST, **EN).content.decode()


@pytest.mark.django_db
def test_the_list_is_paginated_by_25(territory):
    user = UserFactory()
    for index in range(26):
        notice(user, f"Avviso numero {index:02d}", days_ago=index)
    client = logged_in(user)
    first = client.get(LIST, **EN).content.decode()
    assert "Avviso numero 00" in first and "Avviso numero 24" in first
    assert "Avviso numero 25" not in first
    second = client.get(LIST, {"page": 2}, **EN).content.decode()
    assert "Avviso numero 25" in second and "Avviso numero 00" not in second


@pytest.mark.django_db
def test_opening_a_notice_marks_it_read_and_follows_a_local_link(territory):
    user = UserFactory()
    item = notice(user, url="/riunioni/4/#minutes")
    response = logged_in(user).get(open_url(item))
    assert response.status_code == 302 and response["Location"] == "/riunioni/4/#minutes"
    item.refresh_from_db()
    assert item.read_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["https://evil.example.org/", "//evil.example.org/", "/\\evil.example.org", "", "x"]
)
def test_opening_a_notice_never_leaves_the_site(territory, url):
    user = UserFactory()
    item = notice(user, url=url)
    response = logged_in(user).get(open_url(item))
    assert response["Location"] == LIST
    item.refresh_from_db()
    assert item.read_at is not None


@pytest.mark.django_db
def test_mark_all_as_read_touches_only_own_unread_notices(territory):
    user, other = UserFactory(), UserFactory()
    earlier = notice(user, read=True, days_ago=2)
    first_read = earlier.read_at
    mine = [notice(user), notice(user)]
    theirs = notice(other)
    response = logged_in(user).post(MARK_ALL, follow=True, **EN)
    assert "All your notifications are marked as read." in response.content.decode()
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert Notification.objects.get(pk=earlier.pk).read_at == first_read


@pytest.mark.django_db
def test_the_preference_is_created_on_save_and_changed_later(territory):
    user = UserFactory()
    client = logged_in(user)
    page = client.get(LIST, **EN).content.decode()
    assert "A weekly digest" in page and "No e-mail" in page
    assert not NotificationPreference.objects.filter(user=user).exists()
    response = client.post(PREFERENCES, {"frequency": "weekly"}, follow=True, **EN)
    assert "Your choice for e-mails is saved." in response.content.decode()
    assert NotificationPreference.objects.get(user=user).frequency == "weekly"
    client.post(PREFERENCES, {"frequency": "none"})
    assert NotificationPreference.objects.get(user=user).frequency == "none"
    assert re.search(r'value="none"[^>]*checked', client.get(LIST).content.decode())


@pytest.mark.django_db
def test_an_invalid_preference_is_refused_with_the_page_shown_again(territory):
    user = UserFactory()
    NotificationPreference.objects.create(user=user, frequency="daily")
    response = logged_in(user).post(PREFERENCES, {"frequency": "hourly"}, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice" in page and "Choose one of the options" in page
    assert NotificationPreference.objects.get(user=user).frequency == "daily"


@pytest.mark.django_db
def test_the_header_shows_the_unread_count_to_logged_in_users(client, territory):
    user = UserFactory()
    for _ in range(3):
        notice(user)
    notice(user, read=True)
    page = logged_in(user).get(reverse("home"), **EN).content.decode()
    assert f'href="{LIST}"' in page and "(3 unread)" in page
    visitor = client.get(reverse("home"), **EN).content.decode()
    assert f'href="{LIST}"' not in visitor


@pytest.mark.django_db
def test_the_unread_count_costs_one_query_and_none_for_visitors(client, territory):
    user = UserFactory()
    notice(user)
    with CaptureQueriesContext(connection) as visitor:
        client.get(reverse("home"))
    assert not any('"zones_notification"' in q["sql"] for q in visitor.captured_queries)
    with CaptureQueriesContext(connection) as member:
        logged_in(user).get(LIST)
    counted = [q for q in member.captured_queries if '"zones_notification"' in q["sql"]]
    # One for the unread count (header and page share it), two for the page of notices.
    assert len(counted) == 3


@pytest.mark.django_db
def test_the_list_queries_do_not_grow_with_the_notices(territory):
    user = UserFactory()
    client = logged_in(user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    notice(user)
    small = count()
    for index in range(40):
        notice(user, f"Avviso {index}", read=index % 2 == 0)
    assert count() == small
