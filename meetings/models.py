"""The Round Table's sessions: meetings, agenda, invitations and attendance, minutes,
decisions and the action items that follow them up.

Statuses with rules (a meeting's, the minutes', an action's) change only through
``meetings.services``, each from one explicit table of allowed moves.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from practices.models import Practice
from zones.models import Zone


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff and spokespersons in office see every meeting; anyone else (visitors, former
        spokespersons) the public ones only."""
        from zones.permissions import is_participant

        if is_participant(user):
            return self.all()
        return self.filter(is_public=True)

    def upcoming(self, now=None):
        now = now or timezone.now()
        return (
            self.filter(ends_at__gte=now).exclude(status=Meeting.Status.HELD).order_by("starts_at")
        )

    def past(self, now=None):
        now = now or timezone.now()
        return self.filter(Q(ends_at__lt=now) | Q(status=Meeting.Status.HELD)).order_by(
            "-starts_at"
        )


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.PositiveIntegerField(_("sequence number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_url = models.URLField(_("video-call link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED, editable=False
    )
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True, editable=False)
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_(
            "Visitors see a public meeting's title and dates, and its published decisions."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_it_starts",
                violation_error_message=_("A meeting ends after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="meeting_cancelled_with_a_reason",
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_url=""),
                name="meeting_has_a_place_or_a_link",
                violation_error_message=_("Give a place, a video-call link, or both."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting-detail", kwargs={"number": self.number})


class AgendaItem(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DEFERRED = "deferred", _("Deferred")
        DECLINED = "declined", _("Declined")

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Item")
        FOLLOW_UP = "follow_up", _("Follow-up of an open action")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), related_name="agenda_items", on_delete=models.CASCADE
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REGULAR)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    planned_minutes = models.PositiveIntegerField(
        _("planned duration (minutes)"), null=True, blank=True
    )
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    practice = models.ForeignKey(
        Practice,
        verbose_name=_("linked practice"),
        related_name="agenda_items",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    action = models.ForeignKey(
        "ActionItem",
        verbose_name=_("action followed up"),
        related_name="follow_ups",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    consultation = models.ForeignKey(
        "plans.Consultation",
        verbose_name=_("consultation on the Strategic Plan"),
        related_name="agenda_items",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED, editable=False
    )
    status_reason = models.TextField(_("reason"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    proposing_zone = models.ForeignKey(
        Zone,
        verbose_name=_("proposed by zone"),
        related_name="agenda_proposals",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(status_reason=""),
                name="agenda_item_declined_with_a_reason",
            ),
            models.UniqueConstraint(
                fields=["meeting", "action"],
                condition=Q(action__isnull=False),
                name="agenda_follow_up_once_per_meeting",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    """A zone's invitation to a meeting: its answer before, and its attendance on the day."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("Not answered yet")
        ATTENDING = "attending", _("Attending")
        NOT_ATTENDING = "not_attending", _("Not attending")
        SUBSTITUTE = "substitute", _("Sending a substitute")

    class Attendance(models.TextChoices):
        UNRECORDED = "", _("Not recorded")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")
        SUBSTITUTE = "substitute", _("Represented by a substitute")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), related_name="invitations", on_delete=models.CASCADE
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), related_name="invitations", on_delete=models.PROTECT
    )
    answer = models.CharField(
        _("answer"), max_length=20, choices=Answer.choices, default=Answer.PENDING
    )
    attendees = models.CharField(_("who will come"), max_length=300, blank=True)
    substitute = models.CharField(_("substitute"), max_length=200, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, blank=True, default=""
    )
    attended_by = models.CharField(
        _("who attended"),
        max_length=300,
        blank=True,
        help_text=_("Name of the substitute, if any."),
    )

    class Meta:
        ordering = ["meeting", "zone__number"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "zone"], name="invitation_once_per_zone"),
            models.CheckConstraint(
                condition=~Q(answer="substitute") | ~Q(substitute=""),
                name="invitation_substitute_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.zone}"

    @property
    def counts_as_present(self) -> bool:
        return self.attendance in (self.Attendance.PRESENT, self.Attendance.SUBSTITUTE)


class Minutes(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CIRCULATED = "circulated", _("Circulated to the zones")
        APPROVED = "approved", _("Approved")

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), related_name="minutes", on_delete=models.CASCADE
    )
    body = models.TextField(_("minutes"), blank=True, help_text=_("Markdown."))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    approved_at_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("approved at the meeting"),
        related_name="approved_minutes",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.APPROVED


class MinutesComment(models.Model):
    minutes = models.ForeignKey(
        Minutes, verbose_name=_("minutes"), related_name="comments", on_delete=models.CASCADE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True
    )
    zone = models.ForeignKey(Zone, related_name="+", on_delete=models.SET_NULL, null=True)
    body = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment on the minutes")
        verbose_name_plural = _("comments on the minutes")

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class Decision(models.Model):
    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        RECOMMENDATION = "recommendation", _("Recommendation")
        INFORMATION = "information", _("Information")

    class Method(models.TextChoices):
        CONSENSUS = "consensus", _("Consensus")
        VOTE = "vote", _("Vote")

    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        related_name="decisions",
        on_delete=models.PROTECT,
    )
    text = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DECISION)
    method = models.CharField(
        _("method"), max_length=20, choices=Method.choices, default=Method.CONSENSUS
    )
    votes_for = models.PositiveIntegerField(_("in favour"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    abstentions = models.PositiveIntegerField(_("abstaining"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    # The Strategic Plan's axes (plans app), and a strategy or action where known.
    axes = models.ManyToManyField(
        "plans.Axis",
        verbose_name=_("axes of the Strategic Plan"),
        related_name="decisions",
        blank=True,
    )
    plan_strategies = models.ManyToManyField(
        "plans.Strategy", verbose_name=_("strategies"), related_name="decisions", blank=True
    )
    plan_actions = models.ManyToManyField(
        "plans.Action", verbose_name=_("actions of the plan"), related_name="decisions", blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item__meeting", "agenda_item__position", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    method="vote",
                    votes_for__isnull=False,
                    votes_against__isnull=False,
                    abstentions__isnull=False,
                )
                | Q(
                    method="consensus",
                    votes_for__isnull=True,
                    votes_against__isnull=True,
                    abstentions__isnull=True,
                ),
                name="decision_counts_only_for_a_vote",
                violation_error_message=_(
                    "A vote records the counts in favour, against and abstaining; a consensus "
                    "records none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS])

    def overdue(self, on=None):
        return self.open().filter(due_date__lt=on or timezone.localdate())

    def visible_to(self, user):
        """Action items of meetings the user may see."""
        return self.filter(decision__agenda_item__meeting__in=Meeting.objects.visible_to(user))


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), related_name="actions", on_delete=models.PROTECT
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    zones = models.ManyToManyField(Zone, verbose_name=_("assigned zones"), related_name="actions")
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, editable=False
    )
    drop_reason = models.TextField(_("why it was dropped"), blank=True, editable=False)
    practice = models.ForeignKey(
        Practice,
        verbose_name=_("linked practice"),
        related_name="actions",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The Strategic Plan's axes (plans app), and a strategy or action where known.
    axes = models.ManyToManyField(
        "plans.Axis",
        verbose_name=_("axes of the Strategic Plan"),
        related_name="action_items",
        blank=True,
    )
    plan_strategies = models.ManyToManyField(
        "plans.Strategy", verbose_name=_("strategies"), related_name="action_items", blank=True
    )
    plan_actions = models.ManyToManyField(
        "plans.Action",
        verbose_name=_("actions of the plan"),
        related_name="action_items",
        blank=True,
    )

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(drop_reason=""),
                name="action_dropped_with_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:action-detail", kwargs={"pk": self.pk})

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)
            and self.due_date < timezone.localdate()
        )


class ActionUpdate(models.Model):
    """A dated progress report of an assigned zone on an action item."""

    action = models.ForeignKey(
        ActionItem, verbose_name=_("action item"), related_name="updates", on_delete=models.CASCADE
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), related_name="+", on_delete=models.PROTECT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True
    )
    on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("progress"))
    from_status = models.CharField(max_length=20, choices=ActionItem.Status.choices)
    to_status = models.CharField(max_length=20, choices=ActionItem.Status.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "recorded_at", "pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.action}: {self.on}"


def new_calendar_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's personal iCalendar feed of the meetings, at a secret URL they can regenerate."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="calendar_feed", on_delete=models.CASCADE
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)

    def regenerate(self) -> None:
        self.token = new_calendar_token()
        self.created_at = timezone.now()
        self.save(update_fields=["token", "created_at"])
