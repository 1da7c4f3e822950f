"""Demo history of the Round Table for trying the portal: ``seed_demo`` calls ``seed_meetings()``
after the demo practices.

Eight past sessions, roughly every seven weeks back from today, and two to come, so the demo
always looks current. The past is written straight into the models, dated back (the services
refuse to answer an invitation or record attendance in the past, and would notify the zones of
every old step); the two meetings to come go through ``meetings.services`` like a staff member
would schedule them, so the open actions are carried over onto their agendas by the real rule.
The content is fictional and says so in every set of minutes.

Idempotent: the demo meetings are one connected history (follow-ups, approvals), so they are
created all together or not at all; if any demo title exists, nothing is added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
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
from roundtable.demo_practices import STAFF_EMAIL, DemoDataError, spokesperson_email
from zones.models import Notification, Zone

from .demo_meetings_content import (
    PAST,
    SUBSTITUTES,
    UPCOMING,
    DemoAction,
    DemoDecision,
    DemoItem,
    DemoMeeting,
)

MINUTES_NOTICE = (
    "*Verbale dimostrativo: contenuto di esempio creato per provare il portale, "
    "non il resoconto di una seduta reale.*"
)
WEEKDAYS = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"]
MONTHS = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
]
A = ActionItem.Status
INV = Invitation
# The minutes are in Italian whatever language the command runs in.
KINDS = {
    "decision": "Decisione",
    "recommendation": "Raccomandazione",
    "information": "Presa d'atto",
}
ACTION_STATES = {"open": "aperta", "in_progress": "in corso", "done": "completata"}
ITEM_STATES = {"deferred": "rinviato", "declined": "non accolto"}


def seed_meetings() -> dict[str, int]:
    """Create the demo meetings if none of them exists yet; return the counts created. Mail the
    services send goes nowhere (an in-memory backend), as for the demo practices."""
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        transaction.atomic(),
    ):
        return _Seeder().run()


def demo_titles() -> list[str]:
    return [spec.title for spec in (*PAST, *UPCOMING)]


def italian_date(day: date, weekday: bool = True) -> str:
    """``giovedì 12 marzo 2026`` (or without the weekday), whatever the active language."""
    text = f"{'1°' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def votes_text(decision: Decision) -> str:
    counts = [
        (decision.votes_for, "favorevole", "favorevoli"),
        (decision.votes_against, "contrario", "contrari"),
        (decision.abstentions, "astenuto", "astenuti"),
    ]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts)


def _at(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def check(instance) -> None:
    """Validate choices, lengths and links' formats without a query per row: the database
    enforces the relations and the models' constraints when the row is saved."""
    relations = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    instance.clean_fields(exclude=relations)


def meeting_day(today: date, days: int, weekday: int) -> date:
    """``days`` from today, moved to the meeting's weekday: back for a past meeting (so it
    stays in the past), forward for one to come."""
    day = today + timedelta(days=days)
    if days < 0:
        return day - timedelta(days=(day.weekday() - weekday) % 7)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@dataclass
class _Held:
    """A past meeting being built, and what its minutes will tell."""

    meeting: Meeting
    spec: DemoMeeting
    day: date
    present: int
    quorum: bool
    discussed: int = 0  # items discussed so far, numbered in the minutes
    lines: list[str] = field(default_factory=list)  # the "items discussed" part
    actions: list[ActionItem] = field(default_factory=list)


class _Seeder:
    def __init__(self):
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.zones = {zone.number: zone for zone in Zone.objects.all()}
        emails = [STAFF_EMAIL] + [spokesperson_email(number) for number in self.zones]
        users = {u.email: u for u in get_user_model().objects.filter(email__in=emails)}
        if STAFF_EMAIL not in users:
            raise DemoDataError("Create the demo accounts first (seed_demo).")
        self.staff = users[STAFF_EMAIL]
        self.spokespersons = {}
        for number in self.zones:
            if spokesperson_email(number) not in users:
                raise DemoDataError(f"No demo spokesperson for zone {number}: run seed_demo.")
            self.spokespersons[number] = users[spokesperson_email(number)]
        self.practices = {
            p.title: p for p in Practice.objects.filter(status=Practice.Status.PUBLISHED)
        }
        # Every action so far: the action, the day it was closed (or None), its updates as
        # (day, text, status after).
        self.history: list[tuple[ActionItem, date | None, list[tuple[date, str, str]]]] = []
        self.created = {"meetings": 0, "agenda_items": 0, "decisions": 0, "actions": 0}

    def run(self) -> dict[str, int]:
        if Meeting.objects.filter(title__in=demo_titles()).exists():
            return self.created
        if len(self.zones) < 11 or any(n not in self.zones for n in range(1, 12)):
            raise DemoDataError("The demo meetings need the 11 zones: load the territory first.")
        self.number = (Meeting.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        unapproved: list[_Held] = []
        for spec in PAST:
            held = self._held(spec, unapproved)
            unapproved = [] if held.quorum else unapproved
            unapproved.append(held)
        for held in unapproved:
            self._comments(held)
        for spec in UPCOMING:
            self._upcoming(spec, last=unapproved[-1].meeting)
        return self.created

    # -- helpers ---------------------------------------------------------------------------------

    def _moment(self, day: date, at: time = time(17, 0)) -> datetime:
        """A moment on ``day``, never in the future."""
        return min(_at(day, at), self.now)

    def _person(self, zone: int) -> str:
        return f"{self.spokespersons[zone].get_full_name()} (Zona {zone})"

    def _presenter(self, spec: DemoItem) -> str:
        """A zone's item is presented by its spokesperson, a staff item by staff."""
        zone = spec.zone or spec.presented_by
        if zone:
            return self._person(zone)
        return f"{self.staff.get_full_name()}, Città metropolitana di Torino"

    def _zone_names(self, numbers) -> str:
        return ", ".join(f"Zona {n} {self.zones[n].name}" for n in numbers)

    def _save(self, instance, moment: datetime, user) -> None:
        """Save with its history record dated ``moment`` and signed by ``user``."""
        instance._history_date = moment
        instance._history_user = user
        check(instance)
        instance.save()

    # -- a past meeting --------------------------------------------------------------------------

    def _held(self, spec: DemoMeeting, unapproved: list[_Held]) -> _Held:
        day = meeting_day(self.today, spec.days, spec.weekday)
        meeting = Meeting(
            number=self.number,
            title=spec.title,
            starts_at=_at(day, spec.hours[0]),
            ends_at=_at(day, spec.hours[1]),
            place=spec.place,
            video_url=spec.video_url,
            is_public=spec.public,
            created_by=self.staff,
        )
        self.number += 1
        self._save(meeting, meeting.starts_at - timedelta(days=30), self.staff)
        meeting.status = Meeting.Status.HELD
        self._save(meeting, meeting.ends_at, self.staff)
        Meeting.objects.filter(pk=meeting.pk).update(
            created_at=meeting.starts_at - timedelta(days=30), updated_at=meeting.ends_at
        )
        self._invitations(meeting, spec)
        quorum = services.quorum(meeting)
        held = _Held(meeting, spec, day, quorum.present, quorum.reached)
        self.created["meetings"] += 1
        position = self._approval(held, unapproved)
        for item_spec in spec.items:
            position = self._item(held, item_spec, position + 1)
        self._follow_ups(held, position)
        self._minutes(held)
        return held

    def _invitations(self, meeting: Meeting, spec: DemoMeeting) -> None:
        if len(spec.attendance) != len(self.zones):
            raise DemoDataError(f"“{spec.title}”: one attendance letter per zone.")
        answered = self._moment(meeting.starts_at.date() - timedelta(days=5), time(11, 0))
        invitations = []
        for number, letter in zip(sorted(self.zones), spec.attendance, strict=True):
            who = self.spokespersons[number]
            invitation = Invitation(meeting=meeting, zone=self.zones[number])
            if letter in "PS":
                invitation.attendance = "present" if letter == "P" else "substitute"
            else:
                invitation.attendance = "excused" if letter == "E" else "absent"
            if letter == "P":
                invitation.answer = INV.Answer.ATTENDING
                invitation.attendees = who.get_full_name()
            elif letter == "S":
                invitation.answer = INV.Answer.SUBSTITUTE
                invitation.substitute = invitation.attended_by = SUBSTITUTES[number]
            elif letter == "E":
                invitation.answer = INV.Answer.NOT_ATTENDING
            if letter != "A":  # an absent zone had not answered
                invitation.answered_by, invitation.answered_at = who, answered
            check(invitation)
            invitations.append(invitation)
        Invitation.objects.bulk_create(invitations)

    def _approval(self, held: _Held, unapproved: list[_Held]) -> int:
        """The first item: approving the minutes still waiting (deferred without a quorum)."""
        if not unapproved:
            return 0
        numbers = " e ".join(str(earlier.meeting.number) for earlier in unapproved)
        if len(unapproved) > 1:
            article, minutes = "dei", f"i verbali delle sedute n. {numbers}"
        else:
            article, minutes = "del", f"il verbale della seduta n. {numbers}"
        title = f"Approvazione {article} {minutes.split(' ', 1)[1]}"
        if not held.quorum:
            reason = "Numero legale non raggiunto: l'approvazione passa alla seduta successiva."
            item = DemoItem(title, minutes=10, status=AgendaItem.Status.DEFERRED, reason=reason)
            self._item(held, item, 1)
            return 1
        text = f"Il Tavolo approva all'unanimità {minutes}."
        item = DemoItem(
            title,
            description="Il verbale è stato inviato alle zone, che hanno potuto commentarlo.",
            minutes=10,
            note="Nessuna osservazione oltre a quelle già accolte nel testo.",
            decisions=(DemoDecision(text),),
        )
        self._item(held, item, 1)
        approved_at = held.meeting.starts_at + timedelta(minutes=15)
        for earlier in unapproved:
            minutes = earlier.meeting.minutes
            minutes.status = Minutes.Status.APPROVED
            minutes.approved_at = approved_at
            minutes.approved_at_meeting = held.meeting
            self._save(minutes, approved_at, self.staff)
            Minutes.objects.filter(pk=minutes.pk).update(updated_at=approved_at)
        return 1

    def _agenda_item(self, held: _Held, spec: DemoItem, position: int) -> AgendaItem:
        zone = self.zones[spec.zone] if spec.zone else None
        practice = self.practices.get(spec.practice) if spec.practice else None
        item = AgendaItem(
            meeting=held.meeting,
            position=position,
            title=spec.title,
            description=spec.description,
            planned_minutes=spec.minutes,
            presenter=self._presenter(spec),
            practice=practice,
            status=spec.status,
            status_reason=spec.reason,
            proposed_by=self.spokespersons[spec.zone] if zone else self.staff,
            proposing_zone=zone,
            created_at=held.meeting.starts_at - timedelta(days=14 if zone else 21),
        )
        check(item)
        item.save()
        self.created["agenda_items"] += 1
        return item

    def _item(self, held: _Held, spec: DemoItem, position: int) -> int:
        item = self._agenda_item(held, spec, position)
        if spec.status != AgendaItem.Status.ACCEPTED:
            held.lines.append(
                f"### {item.title}\n\nPunto {ITEM_STATES[spec.status]}. {spec.reason}"
            )
            return position
        held.discussed += 1
        text = [f"### {held.discussed}. {item.title}", spec.note]
        for decision_spec in spec.decisions:
            decision = self._decision(held, item, decision_spec)
            if decision.method == Decision.Method.VOTE:
                how = f"votazione: {votes_text(decision)}"
            else:
                how = "per consenso"
            text.append(f"**{KINDS[decision.kind]}** ({how}): {decision.text}")
            for action_spec in decision_spec.actions:
                self._action(held, decision, action_spec)
        held.lines.append("\n\n".join(part for part in text if part))
        return position

    def _decision(self, held: _Held, item: AgendaItem, spec: DemoDecision) -> Decision:
        votes, kind, text = spec.votes, spec.kind, spec.text
        if votes and sum(votes) > held.present:
            raise DemoDataError(f"“{text}”: more votes than zones present.")
        if not held.quorum and kind != Decision.Kind.INFORMATION:
            raise DemoDataError(f"“{text}”: without a quorum the Table only takes note.")
        moment = held.meeting.starts_at + timedelta(minutes=20 * item.position)
        decision = Decision(
            agenda_item=item,
            text=text,
            kind=kind,
            method=Decision.Method.VOTE if votes else Decision.Method.CONSENSUS,
            recorded_by=self.staff,
            created_at=moment,
        )
        if votes:
            decision.votes_for, decision.votes_against, decision.abstentions = votes
        self._save(decision, moment, self.staff)
        self.created["decisions"] += 1
        return decision

    def _action(self, held: _Held, decision: Decision, spec: DemoAction) -> None:
        created = held.meeting.ends_at
        action = ActionItem(
            decision=decision,
            title=spec.title,
            description=spec.description,
            due_date=held.day + timedelta(days=spec.due),
            practice=self.practices.get(spec.practice) if spec.practice else None,
            created_at=created,
        )
        self._save(action, created, self.staff)
        action.zones.set([self.zones[n] for n in spec.zones])
        closed, updates = None, []
        for update in spec.updates:
            if update.zone not in spec.zones:
                raise DemoDataError(f"“{spec.title}”: zone {update.zone} is not assigned.")
            on = min(held.day + timedelta(days=update.days), self.today)
            author = self.spokespersons[update.zone]
            moment = self._moment(on)
            before, after = action.status, update.status or action.status
            if after != before:
                if after not in services.ACTION_MOVES[before]:
                    raise DemoDataError(f"“{spec.title}”: {before} cannot become {after}.")
                action.status = after
                action.drop_reason = spec.drop_reason if after == A.DROPPED else ""
                action.completed_at = moment if after == A.DONE else None
                self._save(action, moment, author)
                closed = on if after in (A.DONE, A.DROPPED) else None
            ActionUpdate.objects.create(
                action=action,
                zone=self.zones[update.zone],
                author=author,
                on=on,
                text=update.text,
                from_status=before,
                to_status=after,
                recorded_at=moment,
            )
            updates.append((on, update.text, after))
        held.actions.append(action)
        self.history.append((action, closed, updates))
        self.created["actions"] += 1

    def _follow_ups(self, held: _Held, position: int) -> None:
        """The actions of earlier meetings still open on the day, as staff's carry-over did."""
        lines = []
        for action, closed, updates in self.history:
            if action.created_at >= held.meeting.starts_at:
                continue
            if closed is not None and closed < held.day:
                continue
            position += 1
            AgendaItem.objects.create(
                meeting=held.meeting,
                position=position,
                kind=AgendaItem.Kind.FOLLOW_UP,
                title=action.title,
                action=action,
                status=AgendaItem.Status.ACCEPTED,
                created_at=held.meeting.starts_at - timedelta(days=21),
            )
            self.created["agenda_items"] += 1
            known = [(on, text, status) for on, text, status in updates if on < held.day]
            zones = ", ".join(f"Zona {z.number}" for z in action.zones.all())
            if known:
                on, text, status = known[-1]
                news = f"{ACTION_STATES[status]}; ultimo aggiornamento ({on:%d/%m/%Y}): {text}"
            else:
                news = "nessun aggiornamento ancora."
            lines.append(
                f"- «{action.title}» ({zones}, entro il {action.due_date:%d/%m/%Y}): {news}"
            )
        if lines:
            held.lines.append("### Verifica delle azioni aperte\n\n" + "\n".join(lines))

    # -- minutes ---------------------------------------------------------------------------------

    def _minutes(self, held: _Held) -> None:
        """Draft a few days after the meeting, completed and circulated a week later; approved
        at the next meeting with a quorum (see ``_approval``)."""
        full = self._minutes_text(held)
        draft = full.split("\n\n## Prossimi passi")[0] + f"\n\n{MINUTES_NOTICE}"
        written = self._moment(held.day + timedelta(days=4), time(16, 0))
        minutes = Minutes(meeting=held.meeting, body=draft)
        self._save(minutes, written, self.staff)
        minutes.body, minutes.version = full, 2
        self._save(minutes, self._moment(held.day + timedelta(days=8), time(12, 0)), self.staff)
        circulated = self._moment(held.day + timedelta(days=9), time(10, 0))
        minutes.status = Minutes.Status.CIRCULATED
        self._save(minutes, circulated, self.staff)
        Minutes.objects.filter(pk=minutes.pk).update(updated_at=circulated)

    def _minutes_text(self, held: _Held) -> str:
        meeting, spec = held.meeting, held.spec
        local = timezone.localtime
        where = meeting.place or "in videoconferenza"
        if meeting.place and meeting.video_url:
            where += ", e in videoconferenza"
        head = (
            f"**Seduta n. {meeting.number} del Tavolo metropolitano delle zone omogenee**, "
            f"{italian_date(held.day)}, dalle {local(meeting.starts_at):%H:%M} alle "
            f"{local(meeting.ends_at):%H:%M}, {where}.\n\n"
            f"Presiede {self.staff.get_full_name()} per la Città metropolitana di Torino. "
            f"{spec.intro}"
        )
        parts = [head, "## Presenze", self._presence_text(held), "## Punti discussi", *held.lines]
        steps = [
            f"- «{a.title}»: {', '.join(f'Zona {z.number}' for z in a.zones.all())}, "
            f"entro il {italian_date(a.due_date, weekday=False)}."
            for a in held.actions
        ]
        parts += ["## Prossimi passi", "\n".join(steps) or spec.next_steps, MINUTES_NOTICE]
        return "\n\n".join(parts)

    def _presence_text(self, held: _Held) -> str:
        invitations = list(held.meeting.invitations.select_related("zone"))
        present = [
            f"Zona {i.zone.number} {i.zone.name} ("
            + (i.attended_by + ", in sostituzione" if i.attended_by else i.attendees)
            + ")"
            for i in invitations
            if i.counts_as_present
        ]
        lines = [f"Zone presenti ({len(present)} su {len(invitations)}): {'; '.join(present)}."]
        for attendance, label in (("excused", "Assenti giustificate"), ("absent", "Assenti")):
            numbers = [i.zone.number for i in invitations if i.attendance == attendance]
            if numbers:
                lines.append(f"{label}: {self._zone_names(numbers)}.")
        needed = services.quorum(held.meeting).needed
        if held.quorum:
            lines.append(f"Il numero legale ({needed} zone) è raggiunto.")
        else:
            lines.append(
                f"Il numero legale ({needed} zone) non è raggiunto: la seduta prosegue in forma "
                "informativa, senza deliberazioni."
            )
        return "\n\n".join(lines)

    def _comments(self, held: _Held) -> None:
        """Spokespersons' comments on the minutes still circulating."""
        minutes = held.meeting.minutes
        for zone, days, body in held.spec.minutes_comments:
            MinutesComment.objects.create(
                minutes=minutes,
                author=self.spokespersons[zone],
                zone=self.zones[zone],
                body=body,
                created_at=self._moment(held.day + timedelta(days=days), time(15, 30)),
            )

    # -- a meeting to come -----------------------------------------------------------------------

    def _upcoming(self, spec: DemoMeeting, last: Meeting) -> None:
        """Scheduled through the services: the zones are invited and the open actions carried
        over by the real rule; a zone's proposal waits for review; some zones have answered."""
        day = meeting_day(self.today, spec.days, spec.weekday)
        meeting = services.schedule_meeting(
            by=self.staff,
            title=spec.title,
            starts_at=_at(day, spec.hours[0]),
            ends_at=_at(day, spec.hours[1]),
            place=spec.place,
            video_url=spec.video_url,
            is_public=spec.public,
        )
        self.created["meetings"] += 1
        follow_ups = list(meeting.agenda_items.all())
        items = []
        for item in spec.items:
            zone = self.zones[item.zone] if item.zone else None
            title = item.title.format(last=last.number)
            items.append(
                services.propose_agenda_item(
                    meeting=meeting,
                    by=self.spokespersons[item.zone] if zone else self.staff,
                    zone=zone,
                    title=title,
                    description=item.description,
                    planned_minutes=item.minutes,
                    presenter=self._presenter(item),
                    practice=self.practices.get(item.practice) if item.practice else None,
                )
            )
        self.created["agenda_items"] += len(follow_ups) + len(items)
        accepted = [i for i in items if i.status == AgendaItem.Status.ACCEPTED]
        proposed = [i for i in items if i.status != AgendaItem.Status.ACCEPTED]
        ordered = accepted + follow_ups + proposed  # staff put the follow-ups after the new items
        for position, item in enumerate(ordered, start=1):
            item.position = position
        AgendaItem.objects.bulk_update(ordered, ["position"])
        for number, answer, detail in spec.answers:
            invitation = meeting.invitations.get(zone=self.zones[number])
            who = self.spokespersons[number]
            detail = detail.format(name=who.get_full_name())
            services.answer_invitation(
                invitation=invitation,
                by=who,
                answer=answer,
                attendees=detail if answer == INV.Answer.ATTENDING else "",
                substitute=detail if answer == INV.Answer.SUBSTITUTE else "",
            )
        # The zones see the notices in the portal, but no e-mail (at once or in a digest) may
        # leave for demo data, whatever the task backend: mark them as already handled.
        Notification.objects.filter(url=meeting.get_absolute_url(), emailed_at__isnull=True).update(
            emailed_at=self.now
        )
