"""The meetings' rules: scheduling invites every zone and carries open actions over, quorum,
answers, decisions' counts, action updates, and the minutes' workflow with its freeze."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from meetings import services
from meetings.models import ActionItem, AgendaItem, Decision, Invitation, Meeting, Minutes
from zones.models import Zone

from ..factories import MembershipFactory, UserFactory

NOW = timezone.now()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def schedule(staff, days: int, **fields) -> Meeting:
    start = NOW + datetime.timedelta(days=days)
    return services.schedule_meeting(
        by=staff,
        title=fields.pop("title", f"Tavolo del giorno {days}"),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="Palazzo Cisterna, Torino",
        **fields,
    )


def decide_with_action(staff, meeting, zones, due_in_days=10) -> ActionItem:
    item = AgendaItem.objects.create(
        meeting=meeting, title="Trasporto scolastico", position=1, status="accepted"
    )
    decision = services.record_decision(agenda_item=item, by=staff, text="Si procede.")
    action = ActionItem.objects.create(
        decision=decision,
        title="Mappare le linee",
        due_date=timezone.localdate() + datetime.timedelta(days=due_in_days),
    )
    action.zones.set(zones)
    return action


@pytest.mark.django_db
def test_scheduling_invites_every_zone_and_numbers_the_meeting(territory, staff_user):
    first = schedule(staff_user, 5)
    second = schedule(staff_user, 40)
    assert (first.number, second.number) == (1, 2)
    assert first.invitations.count() == Zone.objects.count() == 11
    assert set(first.invitations.values_list("answer", flat=True)) == {"pending"}


@pytest.mark.django_db
def test_only_staff_schedule(territory, spokesperson):
    with pytest.raises(PermissionDenied):
        schedule(spokesperson, 5)
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_meeting_needs_a_place_or_a_link_and_ends_after_it_starts(territory, staff_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.schedule_meeting(
            by=staff_user, title="Senza luogo", starts_at=NOW, ends_at=NOW + datetime.timedelta(1)
        )
    with pytest.raises(ValidationError):
        services.schedule_meeting(
            by=staff_user, title="Al contrario", starts_at=NOW, ends_at=NOW, place="Torino"
        )
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_open_actions_of_earlier_meetings_are_carried_over_once(territory, staff_user):
    past = schedule(staff_user, -30)
    zones = Zone.objects.filter(number__in=[3, 5])
    open_action = decide_with_action(staff_user, past, zones)
    done = decide_with_action(staff_user, past, zones)
    ActionItem.objects.filter(pk=done.pk).update(status="done")

    following = schedule(staff_user, 10)

    follow_ups = following.agenda_items.filter(kind=AgendaItem.Kind.FOLLOW_UP)
    assert [item.action for item in follow_ups] == [open_action]
    assert follow_ups.get().status == AgendaItem.Status.ACCEPTED
    assert services.carry_over_open_actions(meeting=following) == []  # not twice


@pytest.mark.django_db
def test_meeting_status_moves_and_cancelling_needs_a_reason(territory, staff_user):
    meeting = schedule(staff_user, 5)
    with pytest.raises(services.MeetingError, match="Say why"):
        services.change_meeting_status(meeting=meeting, to_status="cancelled", by=staff_user)
    services.change_meeting_status(
        meeting=meeting, to_status="cancelled", by=staff_user, reason="Sciopero dei trasporti"
    )
    assert meeting.status == "cancelled" and meeting.cancel_reason == "Sciopero dei trasporti"
    with pytest.raises(services.MeetingError, match="cannot become"):
        services.change_meeting_status(meeting=meeting, to_status="held", by=staff_user)


@pytest.mark.django_db
def test_quorum_is_a_majority_of_the_zones_present(territory, staff_user, settings):
    meeting = schedule(staff_user, -1)
    invitations = list(meeting.invitations.order_by("zone__number"))
    for invitation in invitations[:5]:
        invitation.attendance = Invitation.Attendance.PRESENT
        invitation.save()
    assert services.quorum(meeting).present == 5
    assert not services.quorum(meeting).reached
    invitations[5].attendance = Invitation.Attendance.SUBSTITUTE
    invitations[5].save()
    invitations[6].attendance = Invitation.Attendance.EXCUSED
    invitations[6].save()
    result = services.quorum(meeting)
    assert (result.present, result.needed, result.reached) == (6, 6, True)
    settings.ROUNDTABLE_QUORUM = "8"
    assert not services.quorum(meeting).reached


@pytest.mark.django_db
def test_a_spokesperson_answers_for_their_zone_only(territory, staff_user, spokesperson):
    meeting = schedule(staff_user, 5)
    own = meeting.invitations.get(zone__number=5)
    other = meeting.invitations.get(zone__number=3)
    services.answer_invitation(
        invitation=own, by=spokesperson, answer="substitute", substitute="Ass. Rossi"
    )
    own.refresh_from_db()
    assert (own.answer, own.substitute, own.answered_by) == (
        "substitute",
        "Ass. Rossi",
        spokesperson,
    )
    with pytest.raises(PermissionDenied):
        services.answer_invitation(invitation=other, by=spokesperson, answer="attending")
    with pytest.raises(services.MeetingError, match="Name the substitute"):
        services.answer_invitation(invitation=own, by=spokesperson, answer="substitute")


@pytest.mark.django_db
def test_past_meetings_take_no_answers(territory, staff_user, spokesperson):
    meeting = schedule(staff_user, -2)
    invitation = meeting.invitations.get(zone__number=5)
    with pytest.raises(services.MeetingError, match="still to come"):
        services.answer_invitation(invitation=invitation, by=spokesperson, answer="attending")


@pytest.mark.django_db
def test_vote_counts_cannot_exceed_the_zones_present(territory, staff_user):
    meeting = schedule(staff_user, -1)
    for invitation in meeting.invitations.all()[:7]:
        invitation.attendance = Invitation.Attendance.PRESENT
        invitation.save()
    item = AgendaItem.objects.create(
        meeting=meeting, title="Bilancio", position=1, status="accepted"
    )
    vote = {"method": "vote", "votes_for": 5, "votes_against": 2, "abstentions": 1}
    with pytest.raises(services.MeetingError, match="more than the zones present"):
        services.record_decision(agenda_item=item, by=staff_user, text="Approvato", **vote)
    vote["abstentions"] = 0
    decision = services.record_decision(agenda_item=item, by=staff_user, text="Approvato", **vote)
    assert (decision.votes_for, decision.votes_against, decision.abstentions) == (5, 2, 0)
    consensus = services.record_decision(
        agenda_item=item, by=staff_user, text="Per consenso", votes_for=3
    )
    assert consensus.votes_for is None  # a consensus records no counts
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(agenda_item=item, text="x", method="vote")


@pytest.mark.django_db
def test_assigned_zones_update_actions_through_the_allowed_moves(territory, staff_user):
    meeting = schedule(staff_user, -5)
    action = decide_with_action(staff_user, meeting, Zone.objects.filter(number__in=[3, 5]))
    speaker5 = MembershipFactory(zone=Zone.objects.get(number=5)).user
    speaker7 = MembershipFactory(zone=Zone.objects.get(number=7)).user
    zone5, zone7 = Zone.objects.get(number=5), Zone.objects.get(number=7)

    services.update_action(
        action=action, zone=zone5, by=speaker5, text="Raccolti i dati", to_status="in_progress"
    )
    assert action.status == "in_progress"
    with pytest.raises(services.MeetingError, match="assigned to"):
        services.update_action(action=action, zone=zone7, by=speaker7, text="Noi?")
    with pytest.raises(PermissionDenied):
        services.update_action(action=action, zone=zone5, by=speaker7, text="Per conto loro")
    with pytest.raises(services.MeetingError, match="Say why"):
        services.update_action(
            action=action, zone=zone5, by=speaker5, text="x", to_status="dropped"
        )
    services.update_action(action=action, zone=zone5, by=speaker5, text="Fatto", to_status="done")
    assert action.status == "done" and action.completed_at is not None
    with pytest.raises(services.MeetingError, match="closed"):
        services.update_action(action=action, zone=zone5, by=speaker5, text="Ancora")
    assert list(action.updates.values_list("from_status", "to_status")) == [
        ("open", "in_progress"),
        ("in_progress", "done"),
    ]


@pytest.mark.django_db
def test_overdue_actions(territory, staff_user):
    meeting = schedule(staff_user, -40)
    late = decide_with_action(staff_user, meeting, Zone.objects.filter(number=5), due_in_days=-3)
    decide_with_action(staff_user, meeting, Zone.objects.filter(number=5), due_in_days=3)
    assert list(ActionItem.objects.overdue()) == [late]
    assert late.is_overdue


@pytest.mark.django_db
def test_minutes_workflow_stale_saves_and_freezing(territory, staff_user):
    meeting = schedule(staff_user, -10)
    later = schedule(staff_user, -1)
    minutes = Minutes.objects.create(meeting=meeting, body="Presenti 7 zone.")
    services.save_minutes(minutes=minutes, body="Presenti 8 zone.", by=staff_user, version=1)
    with pytest.raises(services.StaleVersion):
        services.save_minutes(minutes=minutes, body="Vecchio testo", by=staff_user, version=1)
    assert minutes.body == "Presenti 8 zone."

    with pytest.raises(services.MeetingError, match="cannot become"):
        services.move_minutes(
            minutes=minutes, to_status="approved", by=staff_user, at_meeting=later
        )
    services.move_minutes(minutes=minutes, to_status="circulated", by=staff_user)
    with pytest.raises(services.MeetingError, match="later meeting"):
        services.move_minutes(
            minutes=minutes, to_status="approved", by=staff_user, at_meeting=meeting
        )
    services.move_minutes(minutes=minutes, to_status="approved", by=staff_user, at_meeting=later)
    assert minutes.is_frozen and minutes.approved_at_meeting == later
    with pytest.raises(services.MeetingError, match="frozen"):
        services.save_minutes(
            minutes=minutes, body="Ritocco", by=staff_user, version=minutes.version
        )
    assert minutes.history.count() >= 3  # every version is kept


@pytest.mark.django_db
def test_minutes_are_approved_only_once_the_next_meeting_has_begun(territory, staff_user):
    meeting = schedule(staff_user, -10)
    upcoming = schedule(staff_user, 10)
    minutes = Minutes.objects.create(meeting=meeting, body="Testo")
    services.move_minutes(minutes=minutes, to_status="circulated", by=staff_user)
    with pytest.raises(services.MeetingError, match="at or after the next meeting"):
        services.move_minutes(
            minutes=minutes, to_status="approved", by=staff_user, at_meeting=upcoming
        )


@pytest.mark.django_db
def test_visitors_see_public_meetings_only(territory, staff_user):
    public = schedule(staff_user, 5)
    private = schedule(staff_user, 6, is_public=False)
    from django.contrib.auth.models import AnonymousUser

    zone = Zone.objects.get(number=5)
    today = timezone.localdate()
    in_office = MembershipFactory(zone=zone).user
    former = MembershipFactory(
        zone=zone,
        since=today - datetime.timedelta(days=400),
        until=today - datetime.timedelta(days=1),
    ).user
    assert list(Meeting.objects.visible_to(AnonymousUser())) == [public]
    assert list(Meeting.objects.visible_to(UserFactory())) == [public]  # no zone: a visitor
    assert list(Meeting.objects.visible_to(former)) == [public]  # no longer in office
    assert set(Meeting.objects.visible_to(in_office)) == {public, private}
    assert set(Meeting.objects.visible_to(staff_user)) == {public, private}
    assert list(Meeting.objects.upcoming()) == [public, private]


@pytest.mark.django_db
def test_decisions_wait_for_the_meeting_and_an_accepted_item(territory, staff_user):
    upcoming = schedule(staff_user, 3)
    accepted = AgendaItem.objects.create(
        meeting=upcoming, title="Bilancio", position=1, status="accepted"
    )
    with pytest.raises(services.MeetingError, match="once the meeting has started"):
        services.record_decision(agenda_item=accepted, by=staff_user, text="Troppo presto")
    started = schedule(staff_user, -1)
    proposed = AgendaItem.objects.create(meeting=started, title="Proposta", position=1)
    with pytest.raises(services.MeetingError, match="items accepted on the agenda"):
        services.record_decision(agenda_item=proposed, by=staff_user, text="Non in agenda")
    assert not Decision.objects.exists()
