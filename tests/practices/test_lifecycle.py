"""The lifecycle as one state machine: every legal step and every illegal one, through
``services.apply_transition`` and through the view; the notes staff must write; the e-mail the
author gets after the commit, and a mail server that fails without breaking anything."""

import logging
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from practices import services
from practices.models import Practice, Transition
from practices.views.editing import detail_context
from zones.models import Notification, Zone

from ..factories import PracticeFactory
from .test_editing import snapshot


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the portal's messages in English (the source language)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "practice-actions"}
STATUSES = ["draft", "submitted", "changes_requested", "published", "archived", "rejected"]
# The lifecycle of PRODUCT.md, written out here rather than read from the code under test.
LEGAL = [
    ("draft", "submitted"),
    ("changes_requested", "submitted"),
    ("submitted", "changes_requested"),
    ("submitted", "published"),
    ("submitted", "rejected"),
    ("published", "archived"),
]
ILLEGAL = [(a, b) for a in STATUSES for b in STATUSES if (a, b) not in LEGAL]
STAFF_MOVES = [(a, b) for a, b in LEGAL if b != "submitted"]
NOTE = "Aggiungete i costi sostenuti nel 2021, per favore."


def transition_url(practice) -> str:
    return reverse("practices:practice-transition", kwargs={"pk": practice.pk})


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def zone5(territory):
    return Zone.objects.get(number=5)


def actor_for(to_status, *, staff_user, spokesperson):
    """Submitting is the owning zone's step; every other step is staff's."""
    return spokesperson if to_status == "submitted" else staff_user


def test_the_table_is_the_lifecycle_of_the_specification():
    assert set(services.TRANSITIONS) == set(LEGAL)
    assert {b for a, b in LEGAL} | {"draft"} == set(Practice.Status.values)
    assert len(ILLEGAL) == 30
    for (_from, to_status), move in services.TRANSITIONS.items():
        assert move.by_staff == (to_status != "submitted")
        assert move.note_required == move.by_staff


# --- through the service ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), LEGAL)
def test_every_legal_step_is_made_and_recorded(
    zone5, staff_user, spokesperson, from_status, to_status
):
    practice = PracticeFactory(zone=zone5, status=from_status, created_by=spokesperson)
    actor = actor_for(to_status, staff_user=staff_user, spokesperson=spokesperson)
    record = services.apply_transition(practice=practice, to_status=to_status, by=actor, note=NOTE)

    assert Transition.objects.get() == record
    assert (record.practice, record.by, record.from_status, record.to_status, record.note) == (
        practice,
        actor,
        from_status,
        to_status,
        NOTE,
    )
    assert record.at is not None
    practice.refresh_from_db()
    assert practice.status == to_status
    assert practice.version == 2
    assert (practice.published_at is not None) == (to_status == "published")


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_every_illegal_step_is_refused_and_changes_nothing(
    zone5, staff_user, spokesperson, from_status, to_status
):
    practice = PracticeFactory(zone=zone5, status=from_status)
    before = snapshot(practice)
    for actor in (staff_user, spokesperson):
        with pytest.raises(services.TransitionError, match="cannot become"):
            services.apply_transition(practice=practice, to_status=to_status, by=actor, note=NOTE)
    assert snapshot(practice) == before
    assert not Transition.objects.exists()


@pytest.mark.django_db
def test_an_unknown_status_is_refused_with_a_message(zone5, staff_user):
    practice = PracticeFactory(zone=zone5, status="submitted")
    with pytest.raises(services.TransitionError, match="cannot become “forgotten”"):
        services.apply_transition(practice=practice, to_status="forgotten", by=staff_user)
    assert Practice.objects.get().status == "submitted"


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), STAFF_MOVES)
@pytest.mark.parametrize("note", ["", "   \n "])
def test_staff_steps_need_a_note_for_the_author(zone5, staff_user, from_status, to_status, note):
    practice = PracticeFactory(zone=zone5, status=from_status)
    before = snapshot(practice)
    with pytest.raises(services.TransitionError, match="Write a note for the author"):
        services.apply_transition(practice=practice, to_status=to_status, by=staff_user, note=note)
    assert snapshot(practice) == before


@pytest.mark.django_db
@pytest.mark.parametrize("from_status", ["draft", "changes_requested"])
def test_submitting_needs_no_note(zone5, spokesperson, from_status):
    practice = PracticeFactory(zone=zone5, status=from_status)
    record = services.apply_transition(practice=practice, to_status="submitted", by=spokesperson)
    assert record.note == ""


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), STAFF_MOVES)
def test_a_spokesperson_cannot_make_staff_steps(zone5, spokesperson, from_status, to_status):
    practice = PracticeFactory(zone=zone5, status=from_status)
    before = snapshot(practice)
    with pytest.raises(PermissionDenied):
        services.apply_transition(
            practice=practice, to_status=to_status, by=spokesperson, note=NOTE
        )
    assert snapshot(practice) == before


# --- through the view -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), LEGAL)
def test_every_legal_step_through_the_view(
    client, zone5, staff_user, spokesperson, from_status, to_status
):
    practice = PracticeFactory(zone=zone5, status=from_status)
    actor = actor_for(to_status, staff_user=staff_user, spokesperson=spokesperson)
    client.force_login(actor)
    response = client.post(transition_url(practice), {"to_status": to_status, "note": NOTE}, **EN)
    assert response.status_code == 302
    assert response["Location"] == practice.get_absolute_url()
    record = Transition.objects.get()
    assert (record.by, record.from_status, record.to_status, record.note) == (
        actor,
        from_status,
        to_status,
        NOTE,
    )
    assert Practice.objects.get().status == to_status
    assert len(messages_of(response)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
@pytest.mark.parametrize("role", ["staff", "owning spokesperson"])
def test_every_illegal_step_through_the_view_is_refused_with_a_message(
    client, zone5, staff_user, spokesperson, from_status, to_status, role
):
    practice = PracticeFactory(zone=zone5, status=from_status)
    before = snapshot(practice)
    client.force_login(staff_user if role == "staff" else spokesperson)
    response = client.post(transition_url(practice), {"to_status": to_status, "note": NOTE}, **EN)
    assert response.status_code == 302
    [message] = messages_of(response)
    assert "cannot become" in message
    assert snapshot(practice) == before


@pytest.mark.django_db
def test_a_refused_step_with_htmx_answers_the_actions_with_the_note_kept(staff_client, zone5):
    practice = PracticeFactory(zone=zone5, status="submitted")
    before = snapshot(practice)
    response = staff_client.post(
        transition_url(practice), {"to_status": "published", "note": "  "}, **HTMX, **EN
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="practice-actions">')
    assert "Write a note for the author: it is required for this step." in html
    assert 'role="alert"' in html
    assert snapshot(practice) == before

    response = staff_client.post(
        transition_url(practice), {"to_status": "archived", "note": NOTE}, **HTMX, **EN
    )
    html = response.content.decode()
    assert "A practice that is “Submitted” cannot become “Archived”." in html
    assert f"{NOTE}</textarea>" in html
    assert snapshot(practice) == before


@pytest.mark.django_db
def test_a_step_taken_with_htmx_reloads_the_page(staff_client, zone5):
    practice = PracticeFactory(zone=zone5, status="submitted")
    response = staff_client.post(
        transition_url(practice), {"to_status": "published", "note": NOTE}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == practice.get_absolute_url()
    assert Practice.objects.get().status == "published"


@pytest.mark.django_db
def test_a_refused_step_without_javascript_keeps_the_note_for_the_page(staff_client, zone5):
    practice = PracticeFactory(zone=zone5, status="submitted")
    response = staff_client.post(
        transition_url(practice), {"to_status": "archived", "note": NOTE}, **EN
    )
    assert response.status_code == 302
    request = response.wsgi_request  # its session holds the refused step
    context = detail_context(request, practice)["lifecycle"]
    assert context["error"] == "A practice that is “Submitted” cannot become “Archived”."
    assert context["form"]["note"].value() == NOTE
    # Shown once: the next page starts clean.
    assert detail_context(request, practice)["lifecycle"]["error"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"to_status": "published", "note": "x" * 5001}, "at most 5000 characters"),
        ({"to_status": "published", "note": "ok\x00"}, "Null characters are not allowed."),
        ({"to_status": "", "note": NOTE}, "This field is required."),
        ({"to_status": "x" * 10_000, "note": NOTE}, "Select a valid choice."),
    ],
)
def test_bad_step_input_is_a_message_not_a_500(staff_client, zone5, data, message):
    practice = PracticeFactory(zone=zone5, status="submitted")
    before = snapshot(practice)
    response = staff_client.post(transition_url(practice), data, **HTMX, **EN)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(practice) == before


@pytest.mark.django_db
def test_the_next_address_must_be_on_this_site(staff_client, zone5):
    practice = PracticeFactory(zone=zone5, status="submitted")
    queue = reverse("practices:moderation-queue")
    data = {"to_status": "published", "note": NOTE}
    response = staff_client.post(transition_url(practice), {**data, "next": queue})
    assert response["Location"] == queue
    for elsewhere in ("https://evil.example/", "//evil.example/", "/pratiche/\x00"):
        practice = PracticeFactory(zone=zone5, status="submitted")
        response = staff_client.post(transition_url(practice), {**data, "next": elsewhere})
        assert response["Location"] == practice.get_absolute_url()


# --- what the actions show --------------------------------------------------------------------


def render_actions(user, practice) -> str:
    request = RequestFactory().get(practice.get_absolute_url(), **EN)
    request.user = user
    request.session = SessionStore()
    context = {"practice": practice, **detail_context(request, practice)}
    return render_to_string("practices/detail/_actions.html", context, request=request)


@pytest.mark.django_db
def test_the_actions_offer_each_role_its_steps(zone5, staff_user, spokesperson):
    submitted = PracticeFactory(zone=zone5, status="submitted")
    html = render_actions(staff_user, submitted)
    for label in ("Request changes", "Publish", "Reject"):
        assert f">{label}</button>" in html
    assert re.search(r'<textarea name="note"[^>]* required', html)
    assert "Edit the practice" in html  # staff may always edit

    html = render_actions(spokesperson, submitted)
    assert "<button" not in html and "Edit the practice" not in html

    draft = PracticeFactory(zone=zone5, status="draft")
    html = render_actions(spokesperson, draft)
    assert ">Submit for review</button>" in html
    assert "Edit the practice" in html
    assert " required" not in html

    published = PracticeFactory(zone=zone5, status="published")
    html = render_actions(AnonymousUser(), published)
    assert " ".join(html.split()) == '<div id="practice-actions"> </div>'


@pytest.mark.django_db
def test_the_author_reads_what_the_staff_asked(zone5, staff_user, spokesperson):
    practice = PracticeFactory(zone=zone5, status="submitted", created_by=spokesperson)
    services.apply_transition(
        practice=practice, to_status="changes_requested", by=staff_user, note=NOTE
    )
    html = render_actions(spokesperson, practice)
    assert "What the staff asked" in html
    assert NOTE in html
    assert ">Submit again</button>" in html

    services.apply_transition(practice=practice, to_status="submitted", by=spokesperson)
    services.apply_transition(
        practice=practice, to_status="rejected", by=staff_user, note="Fuori tema."
    )
    html = render_actions(spokesperson, practice)
    assert "Why the staff rejected it" in html and "Fuori tema." in html
    # Only to those who take part in the review.
    assert "Fuori tema." not in render_actions(AnonymousUser(), practice)


# --- e-mail -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_author_gets_the_review_by_email_after_the_commit(
    staff_client, zone5, spokesperson, django_capture_on_commit_callbacks
):
    practice = PracticeFactory(zone=zone5, status="submitted", created_by=spokesperson)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(
            transition_url(practice), {"to_status": "changes_requested", "note": NOTE}
        )
    assert response.status_code == 302
    assert mail.outbox == []  # nothing is sent before the transaction commits
    assert len(callbacks) == 1
    callbacks[0]()
    [message] = mail.outbox
    assert spokesperson.email in message.to
    assert NOTE in message.body
    assert practice.title in message.subject


@pytest.mark.django_db
def test_submitting_sends_no_review_email(
    spokesperson_client, zone5, spokesperson, django_capture_on_commit_callbacks
):
    practice = PracticeFactory(zone=zone5, status="draft", created_by=spokesperson)
    with django_capture_on_commit_callbacks(execute=True):
        spokesperson_client.post(transition_url(practice), {"to_status": "submitted"})
    assert Practice.objects.get().status == "submitted"
    assert mail.outbox == []


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.mark.django_db
def test_a_failing_mail_server_does_not_break_the_step(
    staff_client, zone5, spokesperson, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMailServer"
    practice = PracticeFactory(zone=zone5, status="submitted", created_by=spokesperson)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            transition_url(practice), {"to_status": "published", "note": NOTE}
        )
    assert response.status_code == 302
    assert Practice.objects.get().status == "published"
    assert Transition.objects.get().note == NOTE
    assert "Could not send the practice_reviewed e-mail" in caplog.text
    # The notice stays in the portal, not marked as e-mailed.
    notice = Notification.objects.get(user=spokesperson, kind="practice_reviewed")
    assert notice.emailed_at is None


@pytest.mark.django_db
def test_a_raising_send_mail_does_not_break_the_step(
    staff_client, zone5, spokesperson, monkeypatch, django_capture_on_commit_callbacks
):
    def explode(*args, **kwargs):
        raise OSError("no route to the mail server")

    monkeypatch.setattr("zones.notifications.send_mail", explode)
    practice = PracticeFactory(zone=zone5, status="submitted", created_by=spokesperson)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            transition_url(practice), {"to_status": "rejected", "note": NOTE}, **HTMX
        )
    assert response.status_code == 200
    assert response["HX-Redirect"] == practice.get_absolute_url()
    assert Practice.objects.get().status == "rejected"
