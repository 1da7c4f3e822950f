"""The two work lists: the staff's moderation queue (submitted practices with in-place decisions,
reported and hidden comments) and "my zone's work" (a zone's practices by status, re-checks due,
transfers in and out). Both keep a constant number of queries as the data grows."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from practices import services
from practices.models import Practice, Transition
from zones.models import Zone

from ..factories import (
    CommentFactory,
    MembershipFactory,
    PracticeFactory,
    TransferFactory,
    UserFactory,
)
from .test_editing import snapshot


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the portal's messages in English (the source language)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
QUEUE = reverse("practices:moderation-queue")
MY_ZONE = reverse("practices:my-zone")
NOTE = "Manca la stima dei costi."


def transition_url(practice) -> str:
    return reverse("practices:practice-transition", kwargs={"pk": practice.pk})


def submitted(zone, title, *, days_ago, **kwargs) -> Practice:
    """A practice submitted ``days_ago`` days (and an hour) ago."""
    practice = PracticeFactory(zone=zone, title=title, status="submitted", **kwargs)
    Transition.objects.create(
        practice=practice,
        from_status="draft",
        to_status="submitted",
        at=timezone.now() - datetime.timedelta(days=days_ago, hours=1),
    )
    return practice


@pytest.fixture
def zone5(territory):
    return Zone.objects.get(number=5)


@pytest.fixture
def zone3(territory):
    return Zone.objects.get(number=3)


# --- the moderation queue ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_queue_lists_submitted_practices_longest_waiting_first(staff_client, zone3, zone5):
    submitted(zone5, "Bus a chiamata", days_ago=1)
    submitted(zone3, "Sportello unico", days_ago=3)
    # Submitted long ago, sent back for changes, submitted again yesterday: it waits 1 day.
    again = submitted(zone5, "Orti urbani", days_ago=10)
    Transition.objects.create(
        practice=again,
        from_status="submitted",
        to_status="changes_requested",
        at=timezone.now() - datetime.timedelta(days=5),
    )
    Transition.objects.create(
        practice=again,
        from_status="changes_requested",
        to_status="submitted",
        at=timezone.now() - datetime.timedelta(days=1, hours=2),
    )
    # No recorded submission (e.g. imported): it has waited since it was created.
    imported = PracticeFactory(zone=zone3, title="Biblioteca diffusa", status="submitted")
    Practice.objects.filter(pk=imported.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=6, hours=1)
    )
    for status in ("draft", "changes_requested", "published", "rejected", "archived"):
        PracticeFactory(zone=zone5, status=status, title=f"Non in coda {status}")

    response = staff_client.get(QUEUE, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    titles = [item["practice"].title for item in response.context["items"]]
    assert titles == ["Biblioteca diffusa", "Sportello unico", "Orti urbani", "Bus a chiamata"]
    assert "Non in coda" not in html
    assert "4 practices waiting for review" in html
    assert "waiting 6\xa0days, 1\xa0hour" in html
    assert "waiting 3\xa0days" in html
    assert html.count("waiting 1\xa0day") == 2
    assert html.count("Submitted again after changes") == 1
    # Each with its decisions and the note field, posting to the lifecycle view.
    for practice in Practice.objects.filter(status="submitted"):
        row = re.search(
            rf'<li id="queue-practice-{practice.pk}".*?</li>', html, flags=re.DOTALL
        ).group(0)
        assert f'hx-post="{transition_url(practice)}"' in row
        assert f'hx-target="#queue-practice-{practice.pk}"' in row
        assert f'id="id_p{practice.pk}_note"' in row
        for label in ("Request changes", "Publish", "Reject"):
            assert f">{label}<span" in row


@pytest.mark.django_db
def test_an_empty_queue_says_so(staff_client, territory):
    html = staff_client.get(QUEUE, **EN).content.decode()
    assert "No practice is waiting for review." in html
    assert "No comment is waiting: nothing has been reported." in html


def queue_htmx(practice) -> dict:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": f"queue-practice-{practice.pk}"}


@pytest.mark.django_db
def test_a_decision_in_the_queue_is_made_in_place(staff_client, staff_user, zone5):
    practice = submitted(zone5, "Bus a chiamata", days_ago=2)
    response = staff_client.post(
        transition_url(practice),
        {"to_status": "changes_requested", "note": NOTE, "next": QUEUE},
        **queue_htmx(practice),
        **EN,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="queue-practice-{practice.pk}"')
    assert "Changes were requested" in html
    assert "<form" not in html
    record = Transition.objects.filter(practice=practice).latest("at")
    assert (record.by, record.to_status, record.note) == (staff_user, "changes_requested", NOTE)
    # No message is left for a later page: the answer itself said it.
    assert list(get_messages(response.wsgi_request)) == []


@pytest.mark.django_db
def test_a_refused_decision_in_the_queue_keeps_the_row_and_the_note(
    staff_client, staff_user, zone5
):
    practice = submitted(zone5, "Bus a chiamata", days_ago=2)
    before = snapshot(practice)
    response = staff_client.post(
        transition_url(practice),
        {"to_status": "published", "note": ""},
        **queue_htmx(practice),
        **EN,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Write a note for the author: it is required for this step." in html
    assert "waiting 2\xa0days" in html
    assert ">Publish<span" in html
    assert snapshot(practice) == before

    # Another moderator decided first: the row says what the practice has become.
    services.apply_transition(practice=practice, to_status="published", by=staff_user, note="Ok.")
    response = staff_client.post(
        transition_url(practice),
        {"to_status": "rejected", "note": NOTE},
        **queue_htmx(practice),
        **EN,
    )
    html = response.content.decode()
    assert "A practice that is “Published” cannot become “Rejected”." in html
    assert "Status: Published" in html
    assert "<form" not in html


@pytest.mark.django_db
def test_the_queue_works_without_javascript(staff_client, zone5):
    practice = submitted(zone5, "Bus a chiamata", days_ago=2)
    other = submitted(zone5, "Orti urbani", days_ago=1)
    response = staff_client.post(
        transition_url(practice), {"to_status": "rejected", "note": "", "next": QUEUE}
    )
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    # The refusal, and what was written, come back in the practice's row.
    response = staff_client.post(
        transition_url(practice),
        {"to_status": "archived", "note": "Nota scritta con cura.", "next": QUEUE},
    )
    html = staff_client.get(QUEUE, **EN).content.decode()
    row = re.search(rf'<li id="queue-practice-{practice.pk}".*?</li>', html, re.DOTALL).group(0)
    assert "cannot become “Archived”" in row
    assert "Nota scritta con cura.</textarea>" in row
    other_row = re.search(rf'<li id="queue-practice-{other.pk}".*?</li>', html, re.DOTALL)
    assert "alert" not in other_row.group(0)

    response = staff_client.post(
        transition_url(practice), {"to_status": "published", "note": NOTE, "next": QUEUE}
    )
    assert response["Location"] == QUEUE
    html = staff_client.get(QUEUE, **EN).content.decode()
    assert "The practice is published in the catalogue" in html
    assert f'id="queue-practice-{practice.pk}"' not in html


@pytest.mark.django_db
def test_reported_and_hidden_comments_are_listed_with_their_reasons(
    staff_client, staff_user, zone5
):
    practice = PracticeFactory(zone=zone5, status="published", title="Bus a chiamata")
    reporter = UserFactory(first_name="Rita", last_name="Segnalante")
    now = timezone.now()
    reported = CommentFactory(
        practice=practice,
        body="Questo commento è offensivo.",
        reported_by=reporter,
        reported_at=now,
        report_reason="Linguaggio offensivo",
    )
    CommentFactory(practice=practice, body="Un commento tranquillo.")
    CommentFactory(
        practice=practice,
        body="Pubblicità di un prodotto.",
        reported_by=reporter,
        reported_at=now - datetime.timedelta(days=1),
        hidden_by=staff_user,
        hidden_at=now,
        hidden_reason="Spam commerciale",
    )
    html = staff_client.get(QUEUE, **EN).content.decode()
    assert "1 reported comment" in html
    assert "Questo commento è offensivo." in html and "Linguaggio offensivo" in html
    assert "Rita Segnalante" in html
    assert "Un commento tranquillo." not in html
    assert "Pubblicità di un prodotto." in html and "Spam commerciale" in html
    # Hiding posts to the comments' own view, with a reason, and asks to come back here.
    hide = reverse("practices:comment-hide", kwargs={"pk": reported.pk})
    form = re.search(rf'<form method="post" action="{hide}">.*?</form>', html, re.DOTALL)
    assert form is not None
    form = form.group(0)
    assert f'name="next" value="{QUEUE}"' in form
    assert "csrfmiddlewaretoken" in form
    reason = re.search(r'<textarea name="([^"]+)"[^>]*required', form).group(1)
    staff_client.post(hide, {reason: "Offende un altro utente", "next": QUEUE})
    reported.refresh_from_db()
    assert reported.is_hidden and reported.hidden_reason == "Offende un altro utente"
    html = staff_client.get(QUEUE, **EN).content.decode()
    assert "No comment is waiting: nothing has been reported." in html
    assert "Offende un altro utente" in html


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_queue_keeps_its_query_count_as_it_grows(
    staff_client, zone3, zone5, django_assert_max_num_queries
):
    def grow(n):
        for i in range(n):
            zone = zone3 if i % 2 else zone5
            practice = submitted(zone, f"Pratica {zone.number}-{i}-{n}", days_ago=i)
            CommentFactory(practice=practice, reported_by=UserFactory(), reported_at=timezone.now())
            CommentFactory(
                practice=practice,
                hidden_by=UserFactory(),
                hidden_at=timezone.now(),
                hidden_reason="Fuori tema",
            )

    grow(2)
    small = count_queries(staff_client, QUEUE)
    grow(25)
    with django_assert_max_num_queries(small):
        response = staff_client.get(QUEUE)
    assert len(response.context["items"]) == 27
    assert len(response.context["reported"]) == 27
    print(f"moderation queue: {small} queries")


# --- my zone's work ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_zone_lists_the_zones_practices_by_status(
    spokesperson_client, staff_user, spokesperson, zone3, zone5
):
    for status in ("draft", "submitted", "published", "archived", "rejected"):
        PracticeFactory(zone=zone5, status=status, title=f"Zona 5 {status}")
    asked = PracticeFactory(zone=zone5, status="submitted", title="Zona 5 da rivedere")
    services.apply_transition(
        practice=asked, to_status="changes_requested", by=staff_user, note=NOTE
    )
    PracticeFactory(zone=zone3, status="draft", title="Zona 3 bozza")

    response = spokesperson_client.get(MY_ZONE, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    groups = {
        group["status"]: [p.title for p in group["practices"]]
        for group in response.context["groups"]
    }
    assert list(groups) == [
        "draft",
        "changes_requested",
        "submitted",
        "published",
        "archived",
        "rejected",
    ]
    assert groups["draft"] == ["Zona 5 draft"]
    assert groups["changes_requested"] == ["Zona 5 da rivedere"]
    assert groups["rejected"] == ["Zona 5 rejected"]
    assert "Zona 3" not in html
    assert NOTE in html  # what the staff asked, next to the practice
    assert "Changes requested (1)" in html
    assert f"{reverse('practices:practice-create')}?zone=5" in html


@pytest.mark.django_db
def test_my_zone_shows_rechecks_due_and_transfers_in_and_out(spokesperson_client, zone3, zone5):
    today = timezone.localdate()
    PracticeFactory(zone=zone5, status="published", title="Da ricontrollare", recheck_by=today)
    PracticeFactory(
        zone=zone5,
        status="published",
        title="Non ancora",
        recheck_by=today + datetime.timedelta(days=30),
    )
    PracticeFactory(
        zone=zone5, status="archived", title="Archiviata", recheck_by=today - datetime.timedelta(1)
    )
    PracticeFactory(zone=zone3, status="published", title="Altrui", recheck_by=today)
    ours = PracticeFactory(zone=zone5, status="published", title="Nostra ripresa altrove")
    theirs = PracticeFactory(zone=zone3, status="published", title="Loro presa da noi")
    TransferFactory(practice=ours, zone=zone3)
    TransferFactory(practice=theirs, zone=zone5)

    response = spokesperson_client.get(MY_ZONE, **EN)
    assert [p.title for p in response.context["rechecks"]] == ["Da ricontrollare"]
    assert [t.practice.title for t in response.context["transfers_in"]] == ["Loro presa da noi"]
    assert [t.practice.title for t in response.context["transfers_out"]] == [
        "Nostra ripresa altrove"
    ]
    html = response.content.decode()
    assert "Re-checks due" in html and "Interested" in html


@pytest.mark.django_db
def test_staff_see_every_zone_or_pick_one(staff_client, zone3, zone5):
    PracticeFactory(zone=zone5, title="Zona 5 bozza")
    PracticeFactory(zone=zone3, title="Zona 3 bozza")
    html = staff_client.get(MY_ZONE, **EN).content.decode()
    assert "Zona 5 bozza" in html and "Zona 3 bozza" in html
    assert "All zones" in html

    html = staff_client.get(f"{MY_ZONE}?zone=3", **EN).content.decode()
    assert "Zona 3 bozza" in html and "Zona 5 bozza" not in html

    response = staff_client.get(f"{MY_ZONE}?zone=99", **EN)
    assert response.status_code == 200
    assert "That zone is not one of yours: showing all of them." in response.content.decode()
    assert len(response.context["zones"]) == 11


@pytest.mark.django_db
def test_a_spokesperson_picks_only_among_their_zones(client, zone3, zone5):
    user = UserFactory()
    MembershipFactory(user=user, zone=zone3)
    MembershipFactory(user=user, zone=zone5)
    client.force_login(user)
    PracticeFactory(zone=zone5, title="Zona 5 bozza")
    PracticeFactory(zone=zone3, title="Zona 3 bozza")
    PracticeFactory(zone=Zone.objects.get(number=1), title="Zona 1 bozza")
    html = client.get(MY_ZONE, **EN).content.decode()
    assert "Zona 5 bozza" in html and "Zona 3 bozza" in html and "Zona 1 bozza" not in html
    assert "All my zones" in html
    html = client.get(f"{MY_ZONE}?zone=5", **EN).content.decode()
    assert "Zona 5 bozza" in html and "Zona 3 bozza" not in html
    # Another zone is not theirs to pick.
    html = client.get(f"{MY_ZONE}?zone=1", **EN).content.decode()
    assert "Zona 1 bozza" not in html


@pytest.mark.django_db
def test_my_zone_keeps_its_query_count_as_it_grows(
    spokesperson, staff_user, zone3, zone5, django_assert_max_num_queries
):
    client = Client()
    client.force_login(spokesperson)
    today = timezone.localdate()

    def grow(n, tag):
        for i in range(n):
            status = ["draft", "submitted", "published", "archived", "rejected"][i % 5]
            PracticeFactory(zone=zone5, status=status, title=f"{tag} {i}", recheck_by=today)
            mine = PracticeFactory(zone=zone5, status="published", title=f"{tag} esce {i}")
            other = PracticeFactory(zone=zone3, status="published", title=f"{tag} entra {i}")
            TransferFactory(practice=mine, zone=zone3)
            TransferFactory(practice=other, zone=zone5)

    grow(2, "A")
    small = count_queries(client, MY_ZONE)
    grow(20, "B")
    with django_assert_max_num_queries(small):
        response = client.get(MY_ZONE)
    assert response.context["total"] == 22 * 2
    assert len(response.context["transfers_in"]) == 22
    print(f"my zone's work: {small} queries")


@pytest.mark.django_db
def test_staff_dismiss_a_report_from_the_queue_and_the_comment_stays(staff_client, territory):
    comment = CommentFactory(
        practice__zone=Zone.objects.get(number=5),
        reported_at=timezone.now(),
        reported_by=UserFactory(),
        report_reason="Offensivo?",
    )
    queue = reverse("practices:moderation-queue")
    assert "Offensivo?" in staff_client.get(queue).content.decode()
    url = reverse("practices:comment-dismiss-report", kwargs={"pk": comment.pk})
    response = staff_client.post(url, {"next": queue})
    assert response.status_code == 302 and response["Location"] == queue
    comment.refresh_from_db()
    assert comment.reported_at is None and not comment.is_hidden
    assert "Offensivo?" not in staff_client.get(queue).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["visitor", "spokesperson", "reporter"])
def test_only_staff_dismiss_a_report(client, territory, who):
    reporter = UserFactory()
    comment = CommentFactory(
        practice__zone=Zone.objects.get(number=5),
        reported_at=timezone.now(),
        reported_by=reporter,
        report_reason="Offensivo?",
    )
    if who == "spokesperson":
        client.force_login(MembershipFactory(zone=Zone.objects.get(number=5)).user)
    elif who == "reporter":
        client.force_login(reporter)
    url = reverse("practices:comment-dismiss-report", kwargs={"pk": comment.pk})
    response = client.post(url)
    assert response.status_code in (302, 403)
    if who != "visitor":
        assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.reported_at is not None
    assert client.get(url).status_code in (302, 405)
