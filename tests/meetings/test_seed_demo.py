"""``seed_demo``'s history of the Round Table: eight held meetings and two to come, with
attendance, minutes, decisions and actions in every status; idempotent; no mail leaves.

The seeding takes seconds, so it runs once for this module inside a transaction that is rolled
back at the end; each test runs in a savepoint inside it."""

import datetime
import tempfile
from collections import Counter
from io import StringIO
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from meetings import services
from meetings.models import (
    ActionItem,
    ActionUpdate,
    AgendaItem,
    Decision,
    Invitation,
    Meeting,
    Minutes,
    MinutesComment,
)
from practices.models import Practice
from roundtable import demo_meetings_content as content
from roundtable import demo_practices
from tests.factories import give_totp
from zones.models import Membership, Notification
from zones.territory import load_directory

A = ActionItem.Status
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# The demo consultations' documents go to a folder of the tests, not to the media folder.
SEED_MEDIA = Path(tempfile.gettempdir()) / "tavolo-seed-demo-media"


def seed() -> str:
    out = StringIO()
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(DEBUG=True, PASSWORD_HASHERS=hashers, MEDIA_ROOT=SEED_MEDIA):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The territory and the demo content, once for the module, rolled back after it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        load_directory(settings.TERRITORY_DIR)
        output = seed()
    yield output
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def past_meetings() -> list[Meeting]:
    return list(Meeting.objects.past().order_by("starts_at"))


def spokesperson_zones(user) -> set[int]:
    return set(
        Membership.objects.filter(user=user, role="spokesperson").values_list(
            "zone__number", flat=True
        )
    )


@pytest.mark.django_db
def test_eight_held_meetings_every_six_to_eight_weeks_and_two_to_come(seeded):
    now = timezone.now()
    past = past_meetings()
    assert len(past) == 8
    assert all(m.status == Meeting.Status.HELD and m.ends_at < now for m in past)
    assert [m.number for m in past] == sorted(m.number for m in past)  # numbered in order
    gaps = [(b.starts_at - a.starts_at).days for a, b in pairwise(past)]
    assert all(40 <= gap <= 60 for gap in gaps), gaps
    assert (now - past[-1].starts_at).days <= 30  # the demo looks current
    upcoming = list(Meeting.objects.upcoming())
    assert [m.status for m in upcoming] == [Meeting.Status.SCHEDULED] * 2
    assert 10 <= (upcoming[0].starts_at - now).days <= 21
    assert 35 <= (upcoming[1].starts_at - now).days <= 49
    for meeting in past + upcoming:
        start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        assert str(start.tzinfo) == "Europe/Rome"
        assert start.weekday() < 5 and 9 <= start.hour <= 15
        assert end - start <= datetime.timedelta(hours=3)
    assert any("Palazzo Cisterna" in m.place for m in past)
    assert any(not m.place and m.video_url for m in past)  # some by video call only


@pytest.mark.django_db
def test_every_zone_was_invited_and_its_attendance_recorded(seeded):
    attendances = Counter()
    quorum_missed = 0
    for meeting in past_meetings():
        invitations = list(meeting.invitations.all())
        assert len(invitations) == 11
        assert all(i.attendance for i in invitations)
        attendances.update(i.attendance for i in invitations)
        for invitation in invitations:
            if invitation.attendance == Invitation.Attendance.SUBSTITUTE:
                assert invitation.attended_by and invitation.answer == Invitation.Answer.SUBSTITUTE
            if invitation.answered_at:
                assert invitation.answered_at < meeting.starts_at
                assert invitation.zone.number in spokesperson_zones(invitation.answered_by)
        quorum_missed += not services.quorum(meeting).reached
    assert quorum_missed <= 1
    assert attendances["present"] > 60  # mostly present
    assert attendances["absent"] and attendances["excused"] and attendances["substitute"]


@pytest.mark.django_db
def test_agendas_cover_real_subjects_link_practices_and_zone_proposals(seeded):
    regular = AgendaItem.objects.filter(kind=AgendaItem.Kind.REGULAR)
    for meeting in past_meetings():
        assert 3 <= regular.filter(meeting=meeting).count() <= 6, meeting
    held = regular.filter(meeting__status=Meeting.Status.HELD)
    assert held.filter(practice__isnull=False).count() >= 8
    assert held.filter(proposing_zone__isnull=False).count() >= 8
    declined = held.get(status=AgendaItem.Status.DECLINED)
    assert declined.status_reason and declined.proposing_zone
    assert held.filter(status=AgendaItem.Status.DEFERRED).exists()
    # A zone's item is proposed by that zone's spokesperson.
    for item in held.filter(proposing_zone__isnull=False).select_related("proposing_zone"):
        assert item.proposing_zone.number in spokesperson_zones(item.proposed_by)


@pytest.mark.django_db
def test_minutes_are_approved_at_a_later_meeting_but_the_last_are_circulated(seeded):
    *earlier, last = past_meetings()
    for meeting in earlier:
        minutes = meeting.minutes
        assert minutes.status == Minutes.Status.APPROVED
        approving = minutes.approved_at_meeting
        assert approving.starts_at > meeting.starts_at and services.quorum(approving).reached
        assert approving.starts_at <= minutes.approved_at <= timezone.now()
        assert minutes.history.count() >= 3  # drafted, completed, circulated, approved
    for minutes in Minutes.objects.select_related("meeting"):
        assert "Zone presenti" in minutes.body and "Punti discussi" in minutes.body
        assert "Verbale dimostrativo" in minutes.body  # says it is demo content
    assert last.minutes.status == Minutes.Status.CIRCULATED
    comments = list(MinutesComment.objects.select_related("zone", "author"))
    # Two spokespersons commented on the circulated minutes, and only on those.
    assert len(comments) == 2 and all(c.minutes == last.minutes for c in comments)
    for comment in comments:
        assert comment.zone.number in spokesperson_zones(comment.author)
        assert comment.created_at <= timezone.now()


@pytest.mark.django_db
def test_decisions_of_every_kind_and_votes_within_the_zones_present(seeded):
    for meeting in past_meetings():
        assert Decision.objects.filter(agenda_item__meeting=meeting).exists(), meeting
    decisions = Decision.objects.select_related("agenda_item__meeting")
    assert {d.kind for d in decisions} == set(Decision.Kind.values)
    votes = [d for d in decisions if d.method == Decision.Method.VOTE]
    assert len(votes) >= 5 and decisions.filter(method=Decision.Method.CONSENSUS).exists()
    for decision in votes:
        present = services.quorum(decision.agenda_item.meeting).present
        assert decision.votes_for + decision.votes_against + decision.abstentions <= present
    # Without a quorum the Table only takes note.
    for meeting in past_meetings():
        if not services.quorum(meeting).reached:
            kinds = set(decisions.filter(agenda_item__meeting=meeting).values_list("kind", flat=1))
            assert kinds == {Decision.Kind.INFORMATION}


@pytest.mark.django_db
def test_actions_in_every_status_with_dated_updates_by_the_assigned_zones(seeded):
    today = timezone.localdate()
    actions = list(ActionItem.objects.prefetch_related("zones", "updates__zone"))
    assert {a.status for a in actions} == set(A.values)
    assert ActionItem.objects.overdue().filter(status=A.OPEN).exists()
    assert ActionItem.objects.overdue().filter(status=A.IN_PROGRESS).exists()
    done = [a for a in actions if a.status == A.DONE]
    assert any(timezone.localdate(a.completed_at) <= a.due_date for a in done)  # on time
    assert any(timezone.localdate(a.completed_at) > a.due_date for a in done)  # late
    demo_zones = {
        spec.title: set(spec.zones)
        for meeting in (*content.PAST, *content.UPCOMING)
        for item in meeting.items
        for decision in item.decisions
        for spec in decision.actions
    }
    for action in actions:
        assigned = {zone.number for zone in action.zones.all()}
        assert assigned == demo_zones[action.title], action  # the zones the demo data names
        if action.status == A.DROPPED:
            assert action.drop_reason
        updates = list(action.updates.all())
        status = A.OPEN
        for update in updates:
            assert update.zone.number in assigned
            assert update.zone.number in spokesperson_zones(update.author)
            assert action.created_at.date() <= update.on <= today
            assert update.from_status == status  # an unbroken chain
            status = update.to_status
        assert status == action.status, action
    assert ActionUpdate.objects.count() >= 15


@pytest.mark.django_db
def test_the_next_meeting_follows_up_every_open_action_and_awaits_a_proposal(seeded):
    next_meeting = Meeting.objects.upcoming().first()
    followed = set(
        next_meeting.agenda_items.filter(kind=AgendaItem.Kind.FOLLOW_UP).values_list(
            "action", flat=True
        )
    )
    open_actions = set(ActionItem.objects.open().values_list("pk", flat=True))
    assert open_actions and followed == open_actions
    proposal = next_meeting.agenda_items.get(status=AgendaItem.Status.PROPOSED)
    assert proposal.proposing_zone and proposal.practice
    answers = Counter(next_meeting.invitations.values_list("answer", flat=True))
    assert answers[Invitation.Answer.PENDING] and answers[Invitation.Answer.ATTENDING]
    assert answers[Invitation.Answer.SUBSTITUTE] and answers[Invitation.Answer.NOT_ATTENDING]
    # The past agendas followed up what was still open on their day.
    assert AgendaItem.objects.filter(
        kind=AgendaItem.Kind.FOLLOW_UP, meeting__status=Meeting.Status.HELD
    ).exists()


@pytest.mark.django_db
def test_only_the_meetings_to_come_notified_the_zones_and_no_mail_is_waiting(seeded):
    upcoming = {m.get_absolute_url() for m in Meeting.objects.upcoming()}
    notices = Notification.objects.filter(kind__startswith="meeting")
    assert notices.exists() and set(notices.values_list("url", flat=True)) <= upcoming
    assert not notices.filter(emailed_at__isnull=True).exists()  # none will be e-mailed
    assert not Notification.objects.filter(kind__in=["action_assigned", "minutes_circulated"])


@pytest.mark.django_db
def test_the_seeded_meetings_show_in_the_portal(seeded, client):
    staff = get_user_model().objects.get(email="staff@example.org")
    give_totp(staff)  # the demo staff set up two-step verification at their first log-in
    client.force_login(staff)
    last = past_meetings()[-1]
    page = client.get(last.get_absolute_url(), **EN)
    assert page.status_code == 200
    assert last.title in page.content.decode()
    listing = client.get("/", **EN)
    assert listing.status_code == 200


def counts() -> dict:
    models = [Meeting, AgendaItem, Invitation, Decision, ActionItem, ActionUpdate, Minutes]
    totals = {model.__name__: model.objects.count() for model in [*models, Notification]}
    totals["history"] = Meeting.history.count() + Minutes.history.count()
    return totals


@pytest.mark.django_db
def test_a_second_run_adds_nothing(seeded):
    assert "(10 meetings and" in seeded
    before = counts()
    out = seed()
    assert counts() == before
    assert "(0 meetings and 0 action items added now)" in out
    assert "0 practices, 0 decisions and 0 action items tagged now." in out


def test_the_demo_history_is_consistent():
    """Votes never outnumber the zones present, updates are never in the future, and every
    linked practice is a published demo practice."""
    published = {p.title for p in demo_practices.PRACTICES if p.status == Practice.Status.PUBLISHED}
    assert len(content.PAST) == 8 and len(content.UPCOMING) == 2
    for meeting in content.PAST:
        assert len(meeting.attendance) == 11
        present = sum(letter in "PS" for letter in meeting.attendance)
        for item in meeting.items:
            assert not item.practice or item.practice in published, item.practice
            for decision in item.decisions:
                assert decision.votes is None or sum(decision.votes) <= present
                for action in decision.actions:
                    assert not action.practice or action.practice in published
                    assert all(update.days < -meeting.days for update in action.updates)
                    assert all(update.zone in action.zones for update in action.updates)
    for meeting in content.UPCOMING:
        assert all(not i.practice or i.practice in published for i in meeting.items)


# --- Expert opinions and difficulties (roundtable.demo_expert_opinions) --------------------------


@pytest.mark.django_db
def test_the_demo_expert_is_listed_and_may_write_opinions_without_two_step_verification(seeded):
    from roundtable.demo_expert_opinions import EXPERT_EMAIL
    from roundtable.mfa import mfa_required

    assert EXPERT_EMAIL in seeded and "expert (writes expert opinions on practices)" in seeded
    expert = get_user_model().objects.get(email=EXPERT_EMAIL)
    assert expert.has_perm("practices.give_expert_opinion")
    assert not expert.has_perm("zones.act_as_staff") and not mfa_required(expert)
    assert not Membership.objects.filter(user=expert).exists()


@pytest.mark.django_db
def test_a_few_published_practices_carry_demo_expert_opinions_dated_after_publication(seeded):
    from practices.models import ExpertOpinion
    from roundtable.demo_expert_opinions import EXPERT_EMAIL, OPINION_NOTICE

    opinions = list(ExpertOpinion.objects.select_related("practice", "author"))
    assert 4 <= len({o.practice_id for o in opinions}) <= 8
    assert {o.author.email for o in opinions} == {EXPERT_EMAIL, "staff@example.org"}
    assert max(Counter(o.practice_id for o in opinions).values()) == 2  # one has two
    for opinion in opinions:
        assert opinion.practice.status == Practice.Status.PUBLISHED
        published = timezone.localdate(opinion.practice.published_at)
        assert published <= opinion.given_on <= timezone.localdate()
        assert opinion.assessment.endswith(OPINION_NOTICE)  # says it is demo content
        assert opinion.strengths and opinion.conditions_for_transfer
        assert opinion.history.get().history_user == opinion.author


@pytest.mark.django_db
def test_every_demo_practice_past_the_draft_states_its_difficulties(seeded):
    practices = Practice.objects.all()
    for practice in practices.exclude(status=Practice.Status.DRAFT):
        assert practice.difficulties, practice
        assert practice.difficulties in practice.search_text  # found by the catalogue
    assert not practices.filter(status=Practice.Status.DRAFT).exclude(difficulties="").exists()


@pytest.mark.django_db
def test_a_second_run_adds_no_opinion_and_changes_no_difficulties(seeded):
    from practices.models import ExpertOpinion

    def state():
        return (
            list(ExpertOpinion.objects.order_by("pk").values_list()),
            ExpertOpinion.history.count(),
            Practice.history.count(),
            dict(Practice.objects.values_list("pk", "difficulties")),
        )

    before = state()
    out = seed()
    assert state() == before
    assert "(0 added now); difficulties encountered added to 0 practices now." in out


def test_the_demo_opinions_and_difficulties_name_demo_practices():
    from roundtable.demo_expert_opinions import DIFFICULTIES, OPINIONS

    statuses = {p.title: p.status for p in demo_practices.PRACTICES}
    assert set(DIFFICULTIES) <= set(statuses)
    assert {t for t, s in statuses.items() if s != Practice.Status.DRAFT} == set(DIFFICULTIES)
    for opinion in OPINIONS:
        assert statuses[opinion.practice] == Practice.Status.PUBLISHED, opinion.practice


# --- The Strategic Plan ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_plan_is_loaded_in_force_and_the_demo_is_tagged_with_its_axes(seeded, client):
    from plans.models import Plan

    assert "Strategic Plan: Torino metro(poli)montana (2024-2026) in force (loaded now)" in seeded
    statuses = dict(Plan.objects.values_list("code", "status"))
    assert statuses == {"PSM-2021-2023": "superseded", "PSM-2024-2026": "in_force"}
    plan = Plan.objects.get(code="PSM-2024-2026")
    demo = Practice.objects.filter(title__in=[p.title for p in demo_practices.PRACTICES])
    assert not demo.exclude(axes__plan=plan).exists()  # every demo practice has an axis
    # By its themes: mobility is axis 3, the environment axis 2.
    cycle = demo.get(title="Corsie ciclabili di emergenza sugli assi di ingresso")
    assert set(cycle.axes.values_list("number", flat=True)) == {2, 3}
    decisions = Decision.objects.all()
    tagged = decisions.filter(axes__plan=plan).distinct()
    assert tagged.count() >= decisions.count() * 2 // 3
    # The Round Table's own business (approving the minutes) is not tagged.
    assert not tagged.filter(agenda_item__title__startswith="Approvazione del verbale").exists()
    actions = ActionItem.objects.all()
    assert actions.filter(axes__plan=plan).distinct().count() >= actions.count() - 2
    # The plan's page counts them, with the catalogue's links.
    page = client.get(plan.get_absolute_url(), **EN).content.decode()
    assert "published practices</a>" in page and "?axis=3" in page
    assert "decisions of the Round Table" in page


# --- The zones' consultations (roundtable.demo_consultations) ------------------------------------


@pytest.mark.django_db
def test_a_closed_consultation_answered_by_the_eleven_zones_and_an_open_one(seeded):
    from plans.models import AxisRemark, Consultation, ZoneOpinion
    from roundtable import demo_consultations as demo

    assert "Demo consultations of the zones: 2 (2 consultations and 15 zones' answers" in seeded
    closed = Consultation.objects.get(title=demo.CLOSED.title)
    open_one = Consultation.objects.get(title=demo.OPEN.title)
    assert not closed.is_open() and open_one.is_open()
    assert closed.plan.status == "in_force" and open_one.plan == closed.plan
    # Closed: every zone answered before the deadline, every kind of opinion, some remarks.
    answers = ZoneOpinion.objects.filter(consultation=closed)
    assert answers.count() == 11
    assert set(answers.values_list("verdict", flat=True)) == set(ZoneOpinion.Verdict.values)
    assert AxisRemark.objects.filter(opinion__consultation=closed).count() >= 6
    for opinion in answers.select_related("answered_by", "zone"):
        assert closed.opened_at < opinion.answered_at <= opinion.updated_at < closed.deadline
        assert opinion.zone.number in spokesperson_zones(opinion.answered_by)
        assert opinion.history.count() == opinion.version
    assert answers.filter(version=2).exists()  # one answer was revised
    # Open: some zones still to answer.
    assert 0 < ZoneOpinion.objects.filter(consultation=open_one).count() < 11
    # The remarks are on axes the consultation touches.
    for consultation in (closed, open_one):
        touched = set(consultation.axes.values_list("pk", flat=True))
        remarked = AxisRemark.objects.filter(opinion__consultation=consultation)
        assert set(remarked.values_list("axis", flat=True)) <= touched
    # Its document is a PDF, kept under a generated name.
    assert (SEED_MEDIA / closed.document.name).read_bytes()[:5] == b"%PDF-"
    # The closed one is on the next meeting's agenda, to record its outcome.
    next_meeting = Meeting.objects.upcoming().first()
    assert next_meeting.agenda_items.filter(consultation=closed, status="accepted").exists()
    # The zones were told of the open one, in the portal only: nothing waits to be e-mailed.
    told = Notification.objects.filter(kind="consultation_opened")
    assert told.count() == 11 and not told.filter(emailed_at__isnull=True).exists()
    assert not Notification.objects.filter(url=closed.get_absolute_url()).exists()


@pytest.mark.django_db
def test_the_demo_consultations_show_in_the_portal_and_a_second_run_adds_none(seeded, client):
    from plans.models import Consultation, ZoneOpinion
    from roundtable import demo_consultations as demo

    before = (
        Consultation.objects.count(),
        ZoneOpinion.objects.count(),
        ZoneOpinion.history.count(),
    )
    out = seed()
    assert "(0 consultations and 0 zones' answers added now)" in out
    assert (
        Consultation.objects.count(),
        ZoneOpinion.objects.count(),
        ZoneOpinion.history.count(),
    ) == before
    spokesperson = get_user_model().objects.get(email="portavoce.zona3@example.org")
    client.force_login(spokesperson)
    closed = Consultation.objects.get(title=demo.CLOSED.title)
    page = client.get(closed.get_absolute_url(), **EN).content.decode()
    assert "11 zones of 11 have answered." in page
    assert "History: 2 versions" in page  # after the deadline every zone's answer is shown
    consolidated = client.get(f"{closed.get_absolute_url()}parere-consolidato/", **EN)
    assert consolidated.status_code == 200
    assert "these answers are final" in consolidated.content.decode()
