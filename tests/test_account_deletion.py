"""Account deletion: the user's request on the account page, staff's confirmation or refusal,
and the erasure itself (personal data gone, the Round Table's records kept as "Former user")."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, CalendarFeed, Decision, Meeting, Minutes
from practices.models import Practice, TransferStep
from roundtable.anonymise import RELATIONS
from roundtable.deletion import DeletionRefused, request_deletion
from roundtable.models import AccountDeletionRequest
from roundtable.roles import staff_group
from zones.models import Membership, Notification, NotificationPreference

from .factories import (
    CommentFactory,
    MembershipFactory,
    PracticeFactory,
    TransferFactory,
    UserFactory,
    ZoneFactory,
)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PROFILE = reverse("account-profile")
ASK = reverse("account-deletion-request")
WITHDRAW = reverse("account-deletion-withdraw")
LIST = reverse("deletion-requests")
Status = AccountDeletionRequest.Status


def confirm_url(pending) -> str:
    return reverse("deletion-request-confirm", kwargs={"pk": pending.pk})


def decline_url(pending) -> str:
    return reverse("deletion-request-decline", kwargs={"pk": pending.pk})


def confirm_data(pending) -> dict:
    return {f"confirm-{pending.pk}-erase": "on"}


def decline_data(pending, reason="Deve prima passare il ruolo al vice.") -> dict:
    return {f"decline-{pending.pk}-decline_reason": reason}


def logged_in(user) -> Client:
    client = Client(**EN)
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def zone(db):
    return ZoneFactory(name="Zona Prova")


@pytest.fixture
def requester(zone):
    """A spokesperson in office who will ask to be deleted."""
    user = UserFactory(email="mario.rossi@example.org", first_name="Mario", last_name="Rossi")
    MembershipFactory(user=user, zone=zone, since=timezone.localdate() - datetime.timedelta(400))
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def staff(db):
    user = UserFactory(email="staff@example.org", first_name="Stefania", last_name="Staff")
    user.groups.add(staff_group())
    return user


@pytest.fixture
def other_staff(db):
    user = UserFactory(email="staff2@example.org", first_name="Sergio", last_name="Secondo")
    user.groups.add(staff_group())
    return user


@pytest.fixture
def pending(requester):
    return AccountDeletionRequest.objects.create(user=requester, reason="Cambio lavoro.")


# --- The user's side ---------------------------------------------------------------------------


def test_the_account_page_explains_what_is_deleted_and_offers_the_form(requester):
    page = text(logged_in(requester).get(PROFILE))
    assert "Delete my account" in page
    for erased in ("name and e-mail address", "notifications", "calendar", "sessions"):
        assert erased in page
    for kept in ("practices", "comments", "minutes", "decisions", "attendance registers"):
        assert kept in page
    assert f'action="{ASK}"' in page
    assert 'name="understood"' in page


def test_a_request_is_recorded_pending_and_staff_are_notified_without_the_users_name(
    requester, staff, other_staff, django_capture_on_commit_callbacks
):
    client = logged_in(requester)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ASK, {"reason": "Cambio lavoro.", "understood": "on"})
    assert response.status_code == 302 and response.url == PROFILE

    deletion_request = AccountDeletionRequest.objects.get()
    assert deletion_request.user == requester and deletion_request.status == Status.PENDING
    assert deletion_request.reason == "Cambio lavoro."
    notices = Notification.objects.filter(kind="deletion_requested")
    assert {n.user for n in notices} == {staff, other_staff}
    for notice in notices:
        assert notice.url == LIST
        assert "Rossi" not in str(notice.texts)  # the notice outlives the erasure
    assert sorted(m.to[0] for m in mail.outbox) == ["staff2@example.org", "staff@example.org"]

    page = text(client.get(PROFILE))
    assert "Your request is sent" in page
    assert "Your request is pending since" in page
    assert f'action="{WITHDRAW}"' in page
    assert f'action="{ASK}"' not in page


def test_the_box_must_be_ticked(requester):
    response = logged_in(requester).post(ASK, {"reason": "Per favore."})
    assert response.status_code == 400
    assert "Tick the box to confirm that you want this." in text(response)
    assert "Per favore." in text(response)  # what was typed is not lost
    assert not AccountDeletionRequest.objects.exists()


def test_a_second_request_while_one_is_pending_is_refused_with_a_message(requester, pending):
    response = logged_in(requester).post(ASK, {"understood": "on"}, follow=True)
    assert "You have already asked for your account to be deleted" in text(response)
    assert AccountDeletionRequest.objects.count() == 1
    with pytest.raises(DeletionRefused):
        request_deletion(user=requester, reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountDeletionRequest.objects.create(user=requester)


def test_the_user_withdraws_and_may_ask_again(requester, pending):
    client = logged_in(requester)
    page = text(client.post(WITHDRAW, follow=True))
    assert "Your request is withdrawn" in page
    assert f'action="{ASK}"' in page
    pending.refresh_from_db()
    assert pending.status == Status.WITHDRAWN and pending.decided_by is None
    assert "You have no pending request to withdraw." in text(client.post(WITHDRAW, follow=True))
    client.post(ASK, {"understood": "on"})
    assert AccountDeletionRequest.objects.pending().filter(user=requester).count() == 1


# --- Staff: the list -------------------------------------------------------------------------


def test_staff_see_pending_requests_with_name_e_mail_zones_date_and_reason(staff, pending):
    page = text(logged_in(staff).get(LIST))
    assert "Request from Mario Rossi" in page
    assert "mario.rossi@example.org" in page
    assert "Zona Prova" in page
    assert "Cambio lavoro." in page
    assert f'action="{confirm_url(pending)}"' in page
    assert f'action="{decline_url(pending)}"' in page


def test_the_staff_account_page_links_the_list(staff, requester):
    """On the account page, not in the header (whose bar has no room left)."""
    assert f'href="{LIST}"' in text(logged_in(staff).get(PROFILE))
    assert f'href="{LIST}"' not in text(logged_in(staff).get(reverse("home")))
    assert f'href="{LIST}"' not in text(logged_in(requester).get(PROFILE))


def test_the_list_takes_the_same_number_of_queries_with_more_requests(
    staff, django_assert_max_num_queries
):
    def add_requests(count):
        for _ in range(count):
            user = UserFactory()
            MembershipFactory(user=user, zone=ZoneFactory())
            MembershipFactory(user=user, zone=ZoneFactory(), role="deputy")
            AccountDeletionRequest.objects.create(user=user, reason="Motivo")
            done = AccountDeletionRequest.objects.create(user=UserFactory(), status=Status.DONE)
            done.decided_by, done.decided_at = staff, timezone.now()
            done.save()

    client = logged_in(staff)
    add_requests(1)
    client.get(LIST)  # warm the caches (content types, permissions)
    with django_assert_max_num_queries(12) as few:
        assert client.get(LIST).status_code == 200
    add_requests(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert text(response).count("Request from") == 9


# --- Staff: confirming -----------------------------------------------------------------------


@pytest.fixture
def records(requester, zone):
    """What the requester contributed to the Round Table, and a logged-in browser of theirs."""
    practice = PracticeFactory(zone=zone, status="published", created_by=requester)
    comment = CommentFactory(practice=practice, author=requester, body="Ottima idea.")
    transfer = TransferFactory(practice=practice, zone=ZoneFactory())
    step = TransferStep.objects.create(transfer=transfer, stage="in_contact", by=requester)
    now = timezone.now()
    meeting = Meeting.objects.create(
        number=7,
        title="Riunione",
        starts_at=now,
        ends_at=now + datetime.timedelta(hours=2),
        place="Palazzo Cisterna",
    )
    item = AgendaItem.objects.create(meeting=meeting, title="Punto", proposed_by=requester)
    decision = Decision.objects.create(agenda_item=item, text="Si approva.", recorded_by=requester)
    minutes = Minutes.objects.create(meeting=meeting, body="Verbale della seduta.")
    Minutes.history.filter(id=minutes.pk).update(history_user=requester)
    Notification.objects.create(user=requester, kind="test", texts={})
    NotificationPreference.objects.create(user=requester, frequency="weekly")
    CalendarFeed.objects.create(user=requester)
    log = LogEntry.objects.create(
        user=requester,
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_id=str(requester.pk),
        object_repr=str(requester),
        action_flag=CHANGE,
    )
    return {
        "practice": practice,
        "comment": comment,
        "step": step,
        "decision": decision,
        "minutes": minutes,
        "log": log,
        "browser": logged_in(requester),
    }


def confirm(staff, pending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(staff).post(confirm_url(pending), confirm_data(pending), follow=True)
    assert response.status_code == 200
    return response


def test_confirming_erases_every_personal_field(
    staff, requester, pending, records, django_capture_on_commit_callbacks
):
    requester.groups.add(staff_group())
    requester.is_staff = True
    requester.save()
    browser = records["browser"]
    assert browser.get(PROFILE).status_code == 200
    page = text(confirm(staff, pending, django_capture_on_commit_callbacks))
    assert "personal data are erased" in page

    user = get_user_model().objects.get(pk=requester.pk)
    assert (user.first_name, user.last_name) == ("", "")
    assert user.email == f"former-user-{user.pk}@invalid"
    assert user.username == f"former-user-{user.pk}"
    assert not user.has_usable_password()
    assert not (user.is_active or user.is_staff or user.is_superuser)
    assert user.last_login is None
    assert not user.groups.exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(email="mario.rossi@example.org").exists()
    assert not Notification.objects.filter(user=user).exists()
    assert not NotificationPreference.objects.filter(user=user).exists()
    assert not CalendarFeed.objects.filter(user=user).exists()
    records["log"].refresh_from_db()
    assert records["log"].object_repr == f"former-user-{user.pk}"
    erased = LogEntry.objects.get(user=staff, object_id=str(user.pk))
    assert erased.change_message == "Personal data erased on the user's request."

    pending.refresh_from_db()
    assert pending.status == Status.DONE and pending.decided_by == staff
    assert pending.decided_at is not None
    assert pending.reason == ""  # the user's own words go with the account

    # The browser where they were logged in is logged out on its next request.
    response = browser.get(PROFILE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(user.pk) for s in Session.objects.all()
    )


def test_confirming_keeps_the_records_shown_as_former_user(
    staff, requester, pending, records, django_capture_on_commit_callbacks
):
    membership = requester.memberships.get()
    confirm(staff, pending, django_capture_on_commit_callbacks)

    practice = Practice.objects.get(pk=records["practice"].pk)
    assert practice.created_by_id == requester.pk
    records["comment"].refresh_from_db()
    assert records["comment"].author_id == requester.pk
    assert Decision.objects.get(pk=records["decision"].pk).recorded_by_id == requester.pk
    assert Minutes.objects.filter(pk=records["minutes"].pk).exists()
    assert Minutes.history.filter(id=records["minutes"].pk, history_user=requester).exists()
    membership = Membership.objects.get(pk=membership.pk)
    assert membership.until == timezone.localdate() and not membership.active

    for viewer in (Client(**EN), logged_in(staff)):
        page = text(viewer.get(practice.get_absolute_url()))
        assert "Ottima idea." in page
        assert "Former user" in page
        assert "Rossi" not in page and "former-user-" not in page

    decided = text(logged_in(staff).get(LIST))
    assert "Former user" in decided and "Rossi" not in decided


def test_the_user_is_told_at_their_old_address(
    staff, requester, pending, django_capture_on_commit_callbacks
):
    confirm(staff, pending, django_capture_on_commit_callbacks)
    [message] = [m for m in mail.outbox if "former-user" not in m.to[0]]
    assert message.to == ["mario.rossi@example.org"]
    assert message.subject.startswith("[Tavolo metropolitano] ")
    assert "Mario Rossi" in message.body
    assert len(mail.outbox) == 1  # nothing goes to the undeliverable address


def test_the_old_address_is_free_for_a_new_account(
    staff, requester, pending, django_capture_on_commit_callbacks
):
    confirm(staff, pending, django_capture_on_commit_callbacks)
    newcomer = UserFactory(email="mario.rossi@example.org")
    EmailAddress.objects.create(user=newcomer, email=newcomer.email, primary=True, verified=True)
    assert newcomer.pk != requester.pk


def test_staff_cannot_decide_their_own_request(staff, other_staff):
    own = AccountDeletionRequest.objects.create(user=staff)
    client = logged_in(staff)
    page = text(client.get(LIST))
    assert "This is your own request: another member of staff must confirm it." in page
    assert f'action="{confirm_url(own)}"' not in page
    assert f'action="{decline_url(own)}"' not in page
    page = text(client.post(confirm_url(own), confirm_data(own), follow=True))
    assert "You cannot confirm your own request" in page
    page = text(client.post(decline_url(own), decline_data(own), follow=True))
    assert "You cannot decline your own request" in page
    own.refresh_from_db()
    assert own.status == Status.PENDING
    assert get_user_model().objects.get(pk=staff.pk).email == "staff@example.org"
    assert f'action="{confirm_url(own)}"' in text(logged_in(other_staff).get(LIST))


def test_confirming_needs_the_box_ticked(staff, pending):
    response = logged_in(staff).post(confirm_url(pending), {})
    assert response.status_code == 400
    assert "Tick the box to confirm the erasure." in text(response)
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_a_decided_request_cannot_be_decided_again(
    staff, other_staff, pending, django_capture_on_commit_callbacks
):
    confirm(staff, pending, django_capture_on_commit_callbacks)
    page = text(
        logged_in(other_staff).post(decline_url(pending), decline_data(pending), follow=True)
    )
    assert "This request was already decided or withdrawn." in page
    pending.refresh_from_db()
    assert pending.status == Status.DONE and pending.decided_by == staff


# --- Staff: declining ------------------------------------------------------------------------


def test_declining_keeps_the_account_and_tells_the_user_why(
    staff, requester, pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(staff).post(decline_url(pending), decline_data(pending), follow=True)
    assert "The request is declined" in text(response)
    pending.refresh_from_db()
    assert pending.status == Status.DECLINED and pending.decided_by == staff
    assert pending.decline_reason == "Deve prima passare il ruolo al vice."
    requester.refresh_from_db()
    assert requester.is_active and requester.email == "mario.rossi@example.org"
    [message] = mail.outbox
    assert message.to == ["mario.rossi@example.org"]
    assert "Deve prima passare il ruolo al vice." in message.body
    assert "Mario Rossi" in message.body
    # The user may ask again.
    assert f'action="{ASK}"' in text(logged_in(requester).get(PROFILE))


def test_declining_needs_a_reason(staff, pending):
    response = logged_in(staff).post(decline_url(pending), decline_data(pending, reason="  "))
    assert response.status_code == 400
    assert "Say why the request is declined" in text(response)
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    assert not mail.outbox


# --- Who may do what -------------------------------------------------------------------------


@pytest.fixture
def users(staff):
    spokesperson = UserFactory(email="portavoce@example.org")
    MembershipFactory(user=spokesperson, zone=ZoneFactory())
    return {"anonymous": None, "plain": UserFactory(), "spokesperson": spokesperson, "staff": staff}


def client_of(users, role) -> Client:
    client = Client(**EN)
    if users[role] is not None:
        client.force_login(users[role])
    return client


STAFF_ONLY = {"anonymous": "login", "plain": 403, "spokesperson": 403}


@pytest.mark.parametrize("role", ["anonymous", "plain", "spokesperson", "staff"])
@pytest.mark.parametrize(
    ("view", "method", "expected"),
    [
        ("list", "get", {**STAFF_ONLY, "staff": 200}),
        ("list", "post", {"anonymous": 405, "plain": 405, "spokesperson": 405, "staff": 405}),
        ("confirm", "post", {**STAFF_ONLY, "staff": 302}),
        ("confirm", "get", {"anonymous": 405, "plain": 405, "spokesperson": 405, "staff": 405}),
        ("decline", "post", {**STAFF_ONLY, "staff": 302}),
        ("decline", "get", {"anonymous": 405, "plain": 405, "spokesperson": 405, "staff": 405}),
        ("ask", "post", {"anonymous": "login", "plain": 302, "spokesperson": 302, "staff": 302}),
        ("ask", "get", {"anonymous": 405, "plain": 405, "spokesperson": 405, "staff": 405}),
        (
            "withdraw",
            "post",
            {"anonymous": "login", "plain": 302, "spokesperson": 302, "staff": 302},
        ),
        ("withdraw", "get", {"anonymous": 405, "plain": 405, "spokesperson": 405, "staff": 405}),
    ],
)
def test_permissions(users, role, view, method, expected, requester):
    pending = AccountDeletionRequest.objects.create(user=requester)
    url, data = {
        "list": (LIST, {}),
        "confirm": (confirm_url(pending), confirm_data(pending)),
        "decline": (decline_url(pending), decline_data(pending)),
        "ask": (ASK, {"understood": "on"}),
        "withdraw": (WITHDRAW, {}),
    }[view]
    response = getattr(client_of(users, role), method)(url, data)
    wanted = expected[role]
    if wanted == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == wanted
    pending.refresh_from_db()
    decided = view in ("confirm", "decline") and wanted == 302
    assert (pending.status != Status.PENDING) is decided  # nothing changed when refused
    requester.refresh_from_db()
    assert requester.is_active is not (view == "confirm" and wanted == 302)
    asked = view == "ask" and wanted == 302
    assert AccountDeletionRequest.objects.exclude(user=requester).exists() is asked


def test_an_unknown_request_is_404_for_staff(staff):
    client = logged_in(staff)
    assert client.post(reverse("deletion-request-confirm", kwargs={"pk": 999})).status_code == 404
    assert client.post(reverse("deletion-request-decline", kwargs={"pk": 999})).status_code == 404


# --- Nothing forgotten -------------------------------------------------------------------------


def test_every_relation_to_the_user_model_is_handled_deliberately():
    """A new foreign key to the user must be listed in roundtable.anonymise (erased or kept)."""
    user_model = get_user_model()
    found = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation and field.related_model is user_model
    }
    assert found == RELATIONS


def test_confirming_scrubs_the_name_and_address_from_other_peoples_notices_and_the_admin_log(
    staff, pending, requester, django_capture_on_commit_callbacks
):
    """A notice to another zone named who declared an interest, with their address; the admin
    described a comment as "<author>: <text>". Neither keeps the old name or address."""
    other = UserFactory(email="collega@example.org")
    Notification.objects.create(
        user=other,
        kind="interest_declared",
        texts={
            "it": {
                "subject": "Interesse",
                "body": "Dichiarato da: Mario Rossi <mario.rossi@example.org>",
            },
            "en": {
                "subject": "Interest",
                "body": "Declared by: Mario Rossi <mario.rossi@example.org>",
            },
        },
    )
    untouched = Notification.objects.create(
        user=other, kind="other", texts={"it": {"subject": "Altro", "body": "Nulla di personale."}}
    )
    comment = CommentFactory(author=requester, body="Grazie per la procedura")
    entry = LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(comment),
        object_id=str(comment.pk),
        object_repr=f"{requester}: Grazie per la procedura",
        action_flag=CHANGE,
        change_message="Hidden the comment of mario.rossi@example.org",
    )
    confirm(staff, pending, django_capture_on_commit_callbacks)

    notice = Notification.objects.get(user=other, kind="interest_declared")
    assert notice.texts["it"]["body"] == "Dichiarato da: ex utente"
    assert notice.texts["en"]["body"] == "Declared by: former user"
    untouched.refresh_from_db()
    assert untouched.texts["it"]["body"] == "Nulla di personale."
    entry.refresh_from_db()
    assert entry.object_repr == "former user: Grazie per la procedura"
    assert "mario.rossi" not in entry.change_message
    for model in (Notification, LogEntry):
        for row in model.objects.all():
            assert "mario.rossi@example.org" not in str(row.__dict__)
            assert "Mario Rossi" not in str(row.__dict__)
