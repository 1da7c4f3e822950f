"""``seed_demo``'s demo content: enough practices in every zone, theme and status, each one
moved through the real state machine; transfers and comments; idempotent; no mail escapes."""

import datetime
import logging
from collections import Counter
from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings

from practices.models import Comment, Practice, Theme, Transfer, TransferStep, Transition
from roundtable import demo_practices
from zones.models import Municipality, Zone

S = Practice.Status
T = Transfer.Stage
STAFF = "staff@example.org"


def seed(**kwargs) -> str:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


@pytest.fixture
def seeded(territory):
    return seed()


def spokesperson_zone(user) -> int:
    """The zone number of a demo spokesperson, from their e-mail address."""
    return int(user.email.removeprefix("portavoce.zona").removesuffix("@example.org"))


@pytest.mark.django_db
def test_demo_practices_cover_every_zone_theme_status_and_kind_and_are_complete(seeded):
    practices = Practice.objects.prefetch_related("themes", "municipalities")
    assert practices.count() >= 40
    per_zone = Counter(p.zone.number for p in practices.select_related("zone"))
    assert set(per_zone) == set(Zone.objects.values_list("number", flat=True))
    assert min(per_zone.values()) >= 2
    per_theme = Counter(theme.slug for p in practices for theme in p.themes.all())
    assert set(per_theme) == set(Theme.objects.values_list("slug", flat=True))
    assert min(per_theme.values()) >= 2
    per_status = Counter(p.status for p in practices)
    assert set(per_status) == set(S.values)
    assert per_status[S.PUBLISHED] > len(practices) / 2  # mostly published
    assert set(p.kind for p in practices) == set(Practice.Kind.values)
    # Each one complete, set in its own zone, and saying it is demo content.
    today = datetime.date.today()
    zone_names = {
        (m.zone_id, m.name) for m in Municipality.objects.filter(zone__isnull=False).only("zone")
    }
    specs = {(spec.zone, spec.title): spec for spec in demo_practices.PRACTICES}
    for practice in Practice.objects.select_related("zone").prefetch_related(
        "themes", "municipalities"
    ):
        assert practice.summary and practice.description and practice.contact_person
        assert "Scheda dimostrativa" in practice.description  # says it is demo content
        # Exactly the themes and municipalities its entry in the demo data names.
        spec = specs[(practice.zone.number, practice.title)]
        assert {theme.slug for theme in practice.themes.all()} == set(spec.themes), practice
        municipalities = list(practice.municipalities.all())
        assert sorted(m.name for m in municipalities) == sorted(spec.municipalities), practice
        assert all(m.zone_id == practice.zone_id for m in municipalities), practice
        if practice.main_institution.startswith("Comune di "):
            name = practice.main_institution.removeprefix("Comune di ")
            assert (practice.zone_id, name) in zone_names, practice.main_institution
        else:
            assert practice.main_institution.startswith("Unione Montana "), practice
        assert datetime.date(2020, 1, 1) <= practice.start_date <= datetime.date(2026, 12, 31)
        assert practice.end_date is None or practice.end_date >= practice.start_date
        if practice.status in (S.PUBLISHED, S.ARCHIVED):
            assert practice.resources_needed and practice.evidence_of_success
            assert practice.potential_for_transfer
            assert "Dati di esempio" in practice.evidence_of_success
            assert practice.published_at is not None
    assert Practice.objects.filter(end_date__isnull=True).exists()  # some ongoing
    assert Practice.objects.recheck_due(on=today).exists()  # some re-checks already due
    assert Practice.objects.filter(recheck_by__gt=today).exists()


@pytest.mark.django_db
def test_every_status_was_reached_through_the_state_machine(seeded):
    staff = get_user_model().objects.get(email=STAFF)
    for practice in Practice.objects.select_related("zone", "created_by"):
        transitions = list(practice.transitions.order_by("at", "pk").select_related("by"))
        assert spokesperson_zone(practice.created_by) == practice.zone.number
        if practice.status == S.DRAFT:
            assert transitions == []
            continue
        assert transitions[-1].to_status == practice.status, practice
        assert transitions[0].from_status == S.DRAFT
        for before, after in pairwise(transitions):
            assert after.from_status == before.to_status  # an unbroken chain
            assert after.at > before.at
        for record in transitions:
            if record.to_status == S.SUBMITTED:
                assert spokesperson_zone(record.by) == practice.zone.number
            else:  # a review: by staff, with a note for the author
                assert record.by == staff and record.note
        if practice.status == S.PUBLISHED:
            assert practice.published_at == transitions[-1].at


@pytest.mark.django_db
def test_transfers_travel_through_their_stages_and_comments_come_from_other_zones(seeded):
    transfers = Transfer.objects.select_related("practice__zone", "zone")
    assert transfers.count() >= 10
    stages = Counter(t.stage for t in transfers)
    assert stages[T.ADOPTED] >= 2 and stages[T.DROPPED] >= 1
    assert len(stages) >= 5
    for transfer in transfers:
        assert transfer.zone != transfer.practice.zone
        assert transfer.practice.status in (S.PUBLISHED, S.ARCHIVED)
        steps = list(transfer.steps.all())
        assert steps[0].stage == T.INTERESTED and steps[-1].stage == transfer.stage
        assert [s.on for s in steps] == sorted(s.on for s in steps)
        assert steps[0].on >= transfer.practice.published_at.date()
        assert spokesperson_zone(transfer.created_by) == transfer.zone.number
        if transfer.stage == T.ADOPTED:
            assert transfer.municipalities.exists() and transfer.cost is not None
            assert transfer.result
        if transfer.stage == T.DROPPED:
            assert transfer.drop_reason
    # An archived practice keeps the transfers it had while it was published.
    assert transfers.filter(practice__status=S.ARCHIVED, stage=T.ADOPTED).exists()

    # Comments from other zones' spokespersons: one reported, one hidden by staff.
    comments = Comment.objects.select_related("author", "practice__zone", "hidden_by")
    assert comments.count() >= 15
    for comment in comments:
        assert comment.practice.status == S.PUBLISHED
        assert spokesperson_zone(comment.author) != comment.practice.zone.number
        assert comment.created_at >= comment.practice.published_at
    reported = comments.filter(reported_at__isnull=False, hidden_at__isnull=True)
    assert reported.count() == 1 and reported.get().report_reason
    hidden = comments.filter(hidden_at__isnull=False).get()
    assert hidden.hidden_reason and hidden.hidden_by.email == STAFF


def counts() -> dict:
    models = [Practice, Transition, Transfer, TransferStep, Comment, get_user_model()]
    totals = {model.__name__: model.objects.count() for model in models}
    totals["history"] = Practice.history.count() + Transfer.history.count()
    totals["links"] = Practice.municipalities.through.objects.count()
    return totals


@pytest.mark.django_db
def test_seed_demo_prints_the_logins_and_a_second_run_adds_nothing(
    territory, django_assert_max_num_queries
):
    out = seed()
    assert "portavoce.zona11@example.org" in out and "tavolo-demo-2026" in out
    assert f"{Practice.objects.count()} practices" in out
    before = counts()
    with django_assert_max_num_queries(250):
        out = seed()
    assert counts() == before
    assert "(0 practices, 0 transfers and 0 comments added now)" in out


@pytest.mark.django_db
def test_a_practice_added_by_hand_with_a_demo_title_is_left_alone(territory):
    seed()
    practice = Practice.objects.get(title="Trasporto a chiamata in Val Pellice")
    Transfer.objects.filter(practice=practice).delete()
    seed()  # the missing transfers come back, nothing else is duplicated
    assert Transfer.objects.filter(practice=practice).count() == 2
    assert Practice.objects.filter(title__iexact=practice.title).count() == 1


@pytest.mark.django_db
def test_mail_sent_while_seeding_stays_out_of_the_console(territory, settings, monkeypatch, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    # In a real run the services' mail goes out when the seeding commits; run it at once.
    monkeypatch.setattr(transaction, "on_commit", lambda func, *args, **kwargs: func())
    seed()
    assert "Subject:" not in capsys.readouterr().out
    assert mail.outbox  # the reviews and interests did send their mail, to nowhere


@pytest.mark.django_db
def test_seed_demo_refuses_with_debug_off_and_creates_nothing(territory):
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="only with"):
        call_command("seed_demo", stdout=StringIO())
    assert not Practice.objects.exists()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_the_demo_content_needs_the_demo_accounts(territory):
    with pytest.raises(demo_practices.DemoDataError, match="seed_demo"):
        demo_practices.seed_practices()
    assert not Practice.objects.exists()


def test_the_demo_content_refers_to_itself_consistently():
    """Every transfer and comment names a demo practice that is (or was) published, and
    titles are unique within a zone."""
    titles = Counter((p.zone, p.title.lower()) for p in demo_practices.PRACTICES)
    assert max(titles.values()) == 1
    by_title = {p.title: p for p in demo_practices.PRACTICES}
    for item in [*demo_practices.TRANSFERS, *demo_practices.COMMENTS]:
        practice = by_title[item.practice]
        assert practice.status in (S.PUBLISHED, S.ARCHIVED)
        assert item.zone != practice.zone
    for spec in demo_practices.PRACTICES:
        if spec.status == S.ARCHIVED:
            assert spec.archived_on and spec.archive_note
        if spec.status in (S.CHANGES_REQUESTED, S.REJECTED, S.PUBLISHED, S.ARCHIVED):
            assert spec.note


@pytest.mark.django_db
def test_seed_demo_does_not_log_a_line_per_background_task(
    territory, caplog, django_capture_on_commit_callbacks
):
    """With the immediate backend (development, tests) the tasks the seeding queues run at once;
    `make run` used to print two lines per task (over a hundred) before serving."""
    with override_settings(DEBUG=True), django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    task_lines = [r for r in caplog.records if r.name.startswith("django_tasks")]
    assert not [r.getMessage() for r in task_lines if r.levelno < logging.WARNING]
