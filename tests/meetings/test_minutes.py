"""The minutes: who sees and does what, the workflow to approval and the freeze, the refusal of
a stale save (nothing lost), sanitising, notifications, history with differences, and query
counts that do not grow with the comments."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.models import Minutes, MinutesComment
from zones.models import Notification, Zone

from ..factories import MembershipFactory, UserFactory
from .helpers import held, schedule

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ROLES = ["anonymous", "no_zone", "spokesperson", "other_zone", "staff"]


def url(name: str, meeting, **kwargs) -> str:
    return reverse(f"meetings:{name}", kwargs={"number": meeting.number, **kwargs})


@pytest.fixture
def clients(territory, staff_user, spokesperson):
    """A client per role: a visitor, a user with no zone, the spokesperson of zone 5, the
    spokesperson of zone 3, and staff."""
    users = {
        "no_zone": UserFactory(email="nessuna-zona@example.org"),
        "spokesperson": spokesperson,
        "other_zone": MembershipFactory(
            user=UserFactory(email="portavoce3@example.org"), zone=Zone.objects.get(number=3)
        ).user,
        "staff": staff_user,
    }
    result = {"anonymous": Client()}
    for role, user in users.items():
        result[role] = Client()
        result[role].force_login(user)
    return result


def minutes_in(staff, status: str, *, public: bool = True, body: str = "Presenti 8 zone."):
    """Minutes of a meeting held 40 days ago, moved to ``status`` (approved at a meeting held
    10 days ago)."""
    meeting = held(staff, 40, is_public=public, title="Tavolo di marzo")
    minutes = Minutes.objects.create(meeting=meeting, body=body)
    if status in ("circulated", "approved"):
        services.move_minutes(minutes=minutes, to_status="circulated", by=staff)
    if status == "approved":
        later = held(staff, 10, title="Tavolo di aprile")
        services.move_minutes(minutes=minutes, to_status="approved", by=staff, at_meeting=later)
    return minutes


def status_of(response) -> int:
    """The status, with a redirect to the log-in page told apart from any other redirect."""
    if response.status_code == 302 and "/account/login/" in response["Location"]:
        return "login"
    return response.status_code


# --- permission matrix ------------------------------------------------------------------------

PAGE_MATRIX = {
    # status, public: anonymous, no zone, spokesperson, other zone, staff
    # (a user with no zone is no participant: they see what a visitor sees)
    ("draft", True): ["login", 404, 404, 404, 200],
    ("circulated", True): ["login", 404, 200, 200, 200],
    ("approved", True): [200, 200, 200, 200, 200],
    ("approved", False): ["login", 404, 200, 200, 200],
}


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "public"), PAGE_MATRIX)
def test_who_sees_the_minutes_page(clients, staff_user, status, public):
    minutes = minutes_in(staff_user, status, public=public)
    for role, expected in zip(ROLES, PAGE_MATRIX[(status, public)], strict=True):
        response = clients[role].get(url("minutes", minutes.meeting), **EN)
        assert status_of(response) == expected, role
        if expected == 200:
            assert "Presenti 8 zone." in response.content.decode()
        assert clients[role].post(url("minutes", minutes.meeting)).status_code == 405


HISTORY_MATRIX = {
    # anonymous, no zone, spokesperson, other zone, staff
    "draft": ["login", 404, 404, 404, 200],
    "circulated": ["login", 404, 403, 403, 200],  # no zone: circulated minutes are hidden
    "approved": ["login", 403, 200, 200, 200],  # the versions are for participants
}


@pytest.mark.django_db
@pytest.mark.parametrize("status", HISTORY_MATRIX)
def test_who_sees_the_versions(clients, staff_user, status):
    minutes = minutes_in(staff_user, status)
    for role, expected in zip(ROLES, HISTORY_MATRIX[status], strict=True):
        for page in (
            url("minutes-history", minutes.meeting),
            url("minutes-version", minutes.meeting, version=1),
        ):
            assert status_of(clients[role].get(page)) == expected, (role, page)
            assert clients[role].post(page).status_code == 405


@pytest.mark.django_db
def test_only_staff_edit_and_move_the_minutes(clients, staff_user):
    minutes = minutes_in(staff_user, "draft")
    edit, move = url("minutes-edit", minutes.meeting), url("minutes-move", minutes.meeting)
    expected = {"anonymous": "login", "no_zone": 403, "spokesperson": 403, "other_zone": 403}
    for role, code in expected.items():
        client = clients[role]
        assert status_of(client.get(edit)) == code, role
        assert status_of(client.post(edit, {"body": "Riscritto", "version": 1})) == code, role
        assert status_of(client.post(move, {"to_status": "circulated"})) == code, role
    minutes.refresh_from_db()
    assert (minutes.body, minutes.version, minutes.status) == ("Presenti 8 zone.", 1, "draft")

    staff = clients["staff"]
    assert staff.get(edit).status_code == 200
    assert staff.get(move).status_code == 405
    assert staff.post(edit, {"body": "Presenti 9 zone.", "version": 1}).status_code == 302
    assert staff.post(move, {"to_status": "circulated"}).status_code == 302
    minutes.refresh_from_db()
    assert (minutes.body, minutes.version, minutes.status) == ("Presenti 9 zone.", 2, "circulated")


COMMENT_MATRIX = {
    # anonymous, no zone, spokesperson, other zone, staff
    "draft": ["login", 404, 404, 404, 403],
    "circulated": ["login", 404, 302, 302, 302],  # no zone: circulated minutes are hidden
    "approved": ["login", 403, 403, 403, 403],
}


@pytest.mark.django_db
@pytest.mark.parametrize("status", COMMENT_MATRIX)
def test_who_comments_on_the_minutes(clients, staff_user, status):
    minutes = minutes_in(staff_user, status)
    comment = url("minutes-comment", minutes.meeting)
    for role, expected in zip(ROLES, COMMENT_MATRIX[status], strict=True):
        response = clients[role].post(comment, {"body": f"Osservazione di {role}"})
        assert status_of(response) == expected, role
        assert clients[role].get(comment).status_code == 405
    written = set(MinutesComment.objects.values_list("body", flat=True))
    allowed = {
        f"Osservazione di {role}"
        for role, code in zip(ROLES, COMMENT_MATRIX[status], strict=True)
        if code == 302
    }
    assert written == allowed


@pytest.mark.django_db
def test_a_spokesperson_of_several_zones_chooses_one_of_theirs(clients, staff_user, spokesperson):
    MembershipFactory(user=spokesperson, zone=Zone.objects.get(number=7))
    minutes = minutes_in(staff_user, "circulated")
    speaker, comment = clients["spokesperson"], url("minutes-comment", minutes.meeting)
    page = speaker.get(url("minutes", minutes.meeting), **EN).content.decode()
    assert "On behalf of the zone" in page
    other = Zone.objects.get(number=3)
    response = speaker.post(comment, {"body": "Nota", "zone": other.pk}, **EN)
    assert response.status_code == 400 and "Nota" in response.content.decode()
    assert not MinutesComment.objects.exists()
    seven = Zone.objects.get(number=7)
    assert speaker.post(comment, {"body": "Nota", "zone": seven.pk}).status_code == 302
    assert MinutesComment.objects.get().zone == seven


# --- the workflow -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_whole_workflow_from_draft_to_frozen(clients, staff_user, spokesperson):
    meeting = held(staff_user, 40, title="Tavolo di marzo")
    later = held(staff_user, 10, title="Tavolo di aprile")
    staff, speaker = clients["staff"], clients["spokesperson"]

    # No minutes row before the first save, not even after opening the form.
    assert staff.get(url("minutes-edit", meeting), **EN).status_code == 200
    assert not Minutes.objects.filter(meeting=meeting).exists()
    assert speaker.get(url("minutes", meeting)).status_code == 404
    staff.post(
        url("minutes-edit", meeting), {"body": "# Verbale\n\nPresenti 8 zone.", "version": 1}
    )
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.status == "draft"
    assert speaker.get(url("minutes", meeting)).status_code == 404  # drafts are the staff's

    staff.post(url("minutes-move", meeting), {"to_status": "circulated"})
    page = speaker.get(url("minutes", meeting), **EN).content.decode()
    assert "Presenti 8 zone." in page and "Circulated" in page
    response = speaker.post(url("minutes-comment", meeting), {"body": "Manca la zona 5."})
    assert response.status_code == 302
    comment = MinutesComment.objects.get()
    assert (comment.zone.number, comment.author) == (5, spokesperson)
    page = speaker.get(url("minutes", meeting), **EN).content.decode()
    assert "Manca la zona 5." in page and "Pinerolese" in page
    assert spokesperson.get_full_name() in page

    response = staff.post(
        url("minutes-move", meeting), {"to_status": "approved", "at_meeting": later.pk}
    )
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.status == "approved" and minutes.approved_at_meeting == later
    page = speaker.get(url("minutes", meeting), **EN).content.decode()
    assert f"meeting {later.number}" in page and "comments are closed" in page
    assert url("minutes-comment", meeting) not in page

    # Frozen: the edit page refuses, a save and a comment too; the text stays as approved.
    response = staff.get(url("minutes-edit", meeting), **EN)
    assert response.status_code == 403
    assert "frozen" in response.content.decode() and 'name="body"' not in response.content.decode()
    response = staff.post(url("minutes-edit", meeting), {"body": "Ritocco", "version": 2}, **EN)
    assert response.status_code == 403
    assert "Ritocco" in response.content.decode()  # shown back to copy, not saved
    assert speaker.post(url("minutes-comment", meeting), {"body": "Tardi"}).status_code == 403
    response = staff.post(url("minutes-move", meeting), {"to_status": "draft"}, **EN)
    assert response.status_code == 400
    minutes.refresh_from_db()
    assert (minutes.body, minutes.status) == ("# Verbale\n\nPresenti 8 zone.", "approved")
    assert MinutesComment.objects.count() == 1


@pytest.mark.django_db
def test_approval_is_refused_at_an_earlier_or_a_future_meeting(clients, staff_user):
    earlier = held(staff_user, 70, title="Tavolo di febbraio")
    minutes = minutes_in(staff_user, "circulated")
    future = schedule(staff_user, 20, title="Tavolo futuro")
    staff = clients["staff"]
    for meeting in (earlier, minutes.meeting, future):
        response = staff.post(
            url("minutes-move", minutes.meeting),
            {"to_status": "approved", "at_meeting": meeting.pk},
            **EN,
        )
        assert response.status_code == 400
        assert "Choose a later meeting that has already started" in response.content.decode()
    minutes.refresh_from_db()
    assert minutes.status == "circulated" and minutes.approved_at_meeting is None
    # Without a later meeting that has started, there is nothing to approve at.
    page = staff.get(url("minutes", minutes.meeting), **EN).content.decode()
    assert "none has started yet" in page


@pytest.mark.django_db
def test_the_approval_form_offers_later_started_meetings_the_next_first(clients, staff_user):
    minutes = minutes_in(staff_user, "circulated")
    held(staff_user, 5, title="Tavolo di aprile tardo")
    next_one = held(staff_user, 10, title="Tavolo di aprile")
    schedule(staff_user, 20, title="Tavolo futuro")
    page = clients["staff"].get(url("minutes", minutes.meeting), **EN).content.decode()
    select = page.split('name="at_meeting"')[1].split("</select>")[0]
    assert select.index("Tavolo di aprile (") < select.index("Tavolo di aprile tardo")
    assert "Tavolo futuro" not in select and "Tavolo di marzo" not in select
    assert f'value="{next_one.pk}"' in select


@pytest.mark.django_db
def test_minutes_are_written_only_once_the_meeting_has_started(clients, staff_user):
    upcoming = schedule(staff_user, 3)
    response = clients["staff"].post(
        url("minutes-edit", upcoming), {"body": "Presto", "version": 1}
    )
    assert response.status_code == 302 and response["Location"] == upcoming.get_absolute_url()
    assert not Minutes.objects.exists()


# --- two editors --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_save_is_refused_with_the_text_kept_then_goes_through_deliberately(
    clients, staff_user
):
    meeting = held(staff_user, 40)
    first = clients["staff"]
    second = Client()
    colleague = UserFactory(email="staff2@example.org", is_staff=True)
    colleague.groups.add(*staff_user.groups.all())
    second.force_login(colleague)
    edit = url("minutes-edit", meeting)
    Minutes.objects.create(meeting=meeting, body="Bozza iniziale.")
    for client in (first, second):
        assert 'name="version" value="1"' in client.get(edit).content.decode()

    assert first.post(edit, {"body": "Testo della prima.", "version": 1}).status_code == 302
    response = second.post(edit, {"body": "Testo della *seconda*.", "version": 1}, **EN)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved the minutes while you were editing" in page
    assert "Testo della *seconda*." in page  # the user's own text, in the textarea
    assert "Testo della prima." in page  # the saved text, shown beside it
    assert 'name="version" value="2"' in page
    minutes = Minutes.objects.get(meeting=meeting)
    assert (minutes.body, minutes.version) == ("Testo della prima.", 2)

    assert second.post(edit, {"body": "Testo della *seconda*.", "version": 2}).status_code == 302
    minutes.refresh_from_db()
    assert (minutes.body, minutes.version) == ("Testo della *seconda*.", 3)


@pytest.mark.django_db
def test_the_first_save_of_two_editors_creates_the_minutes_and_the_second_is_stale(
    clients, staff_user
):
    meeting = held(staff_user, 40)
    edit = url("minutes-edit", meeting)
    staff = clients["staff"]
    assert staff.post(edit, {"body": "Uno", "version": 1}).status_code == 302
    response = staff.post(edit, {"body": "Due", "version": 1})
    assert response.status_code == 409
    assert Minutes.objects.get(meeting=meeting).body == "Uno"


@pytest.mark.django_db
def test_preview_shows_the_text_rendered_without_saving(clients, staff_user):
    minutes = minutes_in(staff_user, "draft")
    edit = url("minutes-edit", minutes.meeting)
    data = {"body": "## Punto 1\n\n**Approvato**", "version": 1, "preview": "1"}
    page = clients["staff"].post(edit, data, **EN).content.decode()
    assert "Preview (not saved)" in page and "<strong>Approvato</strong>" in page
    fragment = clients["staff"].post(edit, data, HTTP_HX_REQUEST="true", **EN).content.decode()
    assert fragment.lstrip().startswith('<section id="minutes-preview"')
    assert "<strong>Approvato</strong>" in fragment and "<html" not in fragment
    minutes.refresh_from_db()
    assert (minutes.body, minutes.version) == ("Presenti 8 zone.", 1)


# --- safety and notifications -----------------------------------------------------------------


@pytest.mark.django_db
def test_markdown_is_sanitised(clients, staff_user):
    body = "Testo <script>alert('x')</script>\n\n[link](javascript:alert(1)) <img src=x onerror=y>"
    minutes = minutes_in(staff_user, "approved", body=body)
    page = clients["anonymous"].get(url("minutes", minutes.meeting)).content.decode()
    assert "<script>alert" not in page
    assert "javascript:alert" not in page
    assert "<img src=x" not in page and "onerror=y>" not in page
    assert "Testo" in page


@pytest.mark.django_db
def test_circulating_notifies_the_invited_zones_spokespersons(
    clients, staff_user, spokesperson, django_capture_on_commit_callbacks
):
    minutes = minutes_in(staff_user, "draft")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["staff"].post(
            url("minutes-move", minutes.meeting), {"to_status": "circulated"}
        )
    assert response.status_code == 302
    notified = set(
        Notification.objects.filter(kind="minutes_circulated").values_list("user__email", flat=True)
    )
    assert notified == {"portavoce5@example.org", "portavoce3@example.org"}
    assert {address for message in mail.outbox for address in message.to} == notified


# --- history ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_history_lists_every_version_and_the_differences(clients, staff_user):
    meeting = held(staff_user, 40)
    staff = clients["staff"]
    edit = url("minutes-edit", meeting)
    staff.post(edit, {"body": "Riga uno\nRiga due\nRiga tre", "version": 1})
    staff.post(edit, {"body": "Riga uno\nRiga nuova\nRiga tre", "version": 2})
    page = staff.get(url("minutes-history", meeting), **EN).content.decode()
    for version in (1, 2, 3):
        assert url("minutes-version", meeting, version=version) in page
    assert staff_user.get_full_name() in page

    page = staff.get(url("minutes-version", meeting, version=3), **EN).content.decode()
    assert "What changed since version 2" in page
    removed = page.split('class="diff-removed"')[1].split("</li>")[0]
    added = page.split('class="diff-added"')[1].split("</li>")[0]
    assert "removed" in removed and "Riga due" in removed
    assert "added" in added and "Riga nuova" in added
    assert staff.get(url("minutes-version", meeting, version=9)).status_code == 404


@pytest.mark.django_db
def test_the_approved_version_is_marked_and_kept(clients, staff_user):
    minutes = minutes_in(staff_user, "approved")
    speaker = clients["spokesperson"]
    page = speaker.get(url("minutes-history", minutes.meeting), **EN).content.decode()
    marker = '<span class="badge bg-success">approved version</span>'
    assert page.count(marker) == 1
    page = speaker.get(url("minutes-version", minutes.meeting, version=1), **EN).content.decode()
    assert marker in page and "Presenti 8 zone." in page


# --- the meeting page and query counts --------------------------------------------------------


@pytest.mark.django_db
def test_the_meeting_page_shows_the_minutes_part_by_role(clients, staff_user):
    minutes = minutes_in(staff_user, "draft")
    meeting_url = minutes.meeting.get_absolute_url()
    page = clients["staff"].get(meeting_url, **EN).content.decode()
    assert 'id="minutes"' in page and url("minutes-edit", minutes.meeting) in page
    assert "Circulate to the zones" in page
    for role in ("anonymous", "spokesperson"):
        assert (
            url("minutes", minutes.meeting) not in clients[role].get(meeting_url).content.decode()
        )

    services.move_minutes(minutes=minutes, to_status="circulated", by=staff_user)
    page = clients["spokesperson"].get(meeting_url, **EN).content.decode()
    assert (
        url("minutes", minutes.meeting) in page and url("minutes-edit", minutes.meeting) not in page
    )
    assert (
        url("minutes", minutes.meeting)
        not in clients["anonymous"].get(meeting_url).content.decode()
    )

    later = held(staff_user, 10)
    services.move_minutes(minutes=minutes, to_status="approved", by=staff_user, at_meeting=later)
    page = clients["anonymous"].get(meeting_url, **EN).content.decode()
    assert url("minutes", minutes.meeting) in page and "Approved at" in page


@pytest.mark.django_db
def test_staff_see_a_link_to_write_minutes_once_the_meeting_has_started(clients, staff_user):
    started, upcoming = held(staff_user, 5), schedule(staff_user, 5)
    page = clients["staff"].get(started.get_absolute_url(), **EN).content.decode()
    assert "Write the minutes" in page
    assert (
        "Write the minutes"
        not in clients["staff"].get(upcoming.get_absolute_url(), **EN).content.decode()
    )


def count_queries(client, page_url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(page_url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["spokesperson", "staff"])
def test_queries_do_not_grow_with_the_comments(
    clients, staff_user, role, django_assert_max_num_queries
):
    minutes = minutes_in(staff_user, "circulated")
    held(staff_user, 10)
    zones = list(Zone.objects.order_by("number"))

    def comment(n):
        for index in range(n):
            author = UserFactory()
            MinutesComment.objects.create(
                minutes=minutes, author=author, zone=zones[index % 11], body=f"Nota {index}"
            )

    comment(1)
    pages = (url("minutes", minutes.meeting), minutes.meeting.get_absolute_url())
    small = [count_queries(clients[role], page) for page in pages]
    comment(10)
    assert [count_queries(clients[role], page) for page in pages] == small
    with django_assert_max_num_queries(10):
        clients[role].get(pages[0])
