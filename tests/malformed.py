"""Building blocks of the malformed-input sweep: the bad values, a small world with one object
of each kind, the form found in a page's HTML, a snapshot of the portal's rows, the checks."""

import dataclasses
import datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.contrib.messages.constants import WARNING
from django.core.files.base import ContentFile

from meetings import services
from meetings.models import CalendarFeed, Invitation
from practices.models import Attachment, Comment, ExpertOpinion
from roundtable.models import AccountDeletionRequest
from roundtable.roles import experts_group
from zones.models import Notification

from .factories import (
    CommentFactory,
    MembershipFactory,
    MunicipalityFactory,
    PracticeFactory,
    TransferFactory,
    UserFactory,
    ZoneFactory,
)
from .meetings.helpers import action, held, item, schedule

NUL = "\x00"
HUGE = "99999999999999999999"  # past a 64-bit integer
# Impossible dates (refused) and far ones (valid dates: refused or accepted, never a 5xx; a
# far date-time used to overflow when converted from local time to UTC).
DATE_VALUES = ("2026-02-30", "31/31/2026", "2026-13-01T25:61")
FAR_DATES = ("9999-12-31", "0001-01-01", "9999-12-31T23:59", "0001-01-01T00:00")
QUERY_VALUES = (
    NUL,
    "a\x00b",
    "x" * 100_000,
    "-1",
    HUGE,
    "abc",
    "zz-unknown",
    *DATE_VALUES,
    *FAR_DATES,
    "<script>",
)
# Every query parameter a view of the portal reads (forms, pagination, CSV separator, map).
QUERY_PARAMETERS = (
    "q",
    "zone",
    "adopted",
    "theme",
    "kind",
    "municipality",
    "axis",
    "active_from",
    "active_to",
    "status",
    "sort",
    "page",
    "page_size",
    "from",
    "to",
    "figure",
    "sep",
    "next",
    "format",
    "piano",
)
SERVER_ERROR_MARKS = ("Server Error", "Traceback", "Errore del server")
ERROR_MARKS = ("invalid-feedback", "alert-danger", 'role="alert"', "errorlist")
OUR_APPS = ("zones", "plans", "practices", "meetings", "roundtable")


@dataclasses.dataclass
class World:
    staff: object
    speaker5: object
    speaker3: object
    speaker7: object
    zone5: object
    zone3: object
    practice: object
    attachment: object
    comment: object
    reported_comment: object
    transfer: object
    meeting: object
    past: object
    held: object
    item: object
    proposal: object
    held_item: object
    action: object
    invitation5: object
    notification: object
    deletion: object
    feed: object
    expert: object
    expert_opinion: object
    plan: object  # the plan in force: the practice and the action carry its axis
    consultation: object  # open, on the plan in force; no zone has answered


@pytest.fixture(name="world")
def world_fixture(staff_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    zone5 = ZoneFactory(number=5, slug="pinerolese")
    zone3 = ZoneFactory(number=3, slug="zona-3")
    MunicipalityFactory(zone=zone5)
    MunicipalityFactory(zone=zone3)
    speaker5 = MembershipFactory(zone=zone5).user
    speaker3 = MembershipFactory(zone=zone3).user
    speaker7 = MembershipFactory(zone=ZoneFactory(number=7, slug="zona-7")).user
    practice = PracticeFactory(zone=zone5, status="published")
    attachment = Attachment(
        practice=practice,
        title="Relazione",
        original_name="relazione.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=staff_user,
    )
    attachment.file.save("relazione.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    reported = CommentFactory(practice=practice, author=speaker5)
    Comment.objects.filter(pk=reported.pk).update(
        reported_by=speaker3, reported_at=datetime.datetime.now(datetime.UTC), report_reason="No"
    )
    meeting = schedule(staff_user, 10)
    past = schedule(staff_user, -2)
    held_meeting = held(staff_user, 20, present=(5,))
    planned = action(staff_user, held_meeting, zones=(5,))
    minutes = services.Minutes.objects.get_or_create(meeting=held_meeting)[0]
    services.save_minutes(minutes=minutes, body="Verbale.", by=staff_user, version=minutes.version)
    services.move_minutes(minutes=minutes, to_status="circulated", by=staff_user)
    deletion = AccountDeletionRequest.objects.create(user=speaker3, reason="Basta così.")
    expert = UserFactory(email="esperta@example.org")
    expert.groups.add(experts_group())
    notification = Notification.objects.create(
        user=speaker5, kind="test", texts={"it": {"subject": "Ciao", "body": "Testo"}}, url="/"
    )
    return World(
        staff=staff_user,
        speaker5=speaker5,
        speaker3=speaker3,
        speaker7=speaker7,
        zone5=zone5,
        zone3=zone3,
        practice=practice,
        attachment=attachment,
        comment=CommentFactory(practice=practice, author=speaker5),
        reported_comment=reported,
        transfer=TransferFactory(practice=practice, zone=zone3),
        meeting=meeting,
        past=past,
        held=held_meeting,
        item=item(staff_user, meeting),
        proposal=services.propose_agenda_item(
            meeting=meeting, by=speaker5, zone=zone5, title="Proposta della zona"
        ),
        held_item=item(staff_user, held_meeting, "Punto tenuto"),
        action=planned,
        invitation5=Invitation.objects.get(meeting=meeting, zone=zone5),
        notification=notification,
        deletion=deletion,
        feed=CalendarFeed.objects.create(user=staff_user),
        expert=expert,
        # Staff's opinion: staff edit it; the expert has none yet, so they may write one.
        expert_opinion=ExpertOpinion.objects.create(
            practice=practice, author=staff_user, assessment="Una pratica solida."
        ),
        plan=_plan_in_force(practice, planned),
        consultation=_consultation(staff_user),
    )


def _plan_in_force(practice, action_item):
    """A plan in force with one axis and one strategy, carried by the practice and the action."""
    from plans.models import Axis, Plan, Strategy

    plan = Plan.objects.create(
        code="PSM-2024-2026", title="Piano di prova", period="2024-2026", status="in_force"
    )
    axis = Axis.objects.create(plan=plan, number=1, name_it="Asse uno")
    strategy = Strategy.objects.create(axis=axis, code="1.1", name_it="Strategia uno")
    practice.axes.add(axis)
    action_item.plan_strategies.add(strategy)
    action_item.axes.add(axis)
    return plan


def _consultation(staff):
    """An open consultation on the plan in force (its one axis), with its document."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plans.documents import PDF, CheckedDocument
    from plans.models import Plan
    from plans.services import open_consultation

    plan = Plan.objects.get(code="PSM-2024-2026")
    content = b"%PDF-1.4\n%%EOF\n"
    return open_consultation(
        by=staff,
        plan=plan,
        title="Parere sulla revisione",
        description="",
        deadline=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=10),
        axes=plan.axes.all(),
        upload=SimpleUploadedFile("bozza.pdf", content),
        checked=CheckedDocument("bozza.pdf", PDF, len(content)),
    )


@dataclasses.dataclass
class FormFields:
    """A form as a browser would submit it, and which of its fields are of which kind."""

    data: dict = dataclasses.field(default_factory=dict)
    choices: set = dataclasses.field(default_factory=set)
    numbers: set = dataclasses.field(default_factory=set)
    dates: set = dataclasses.field(default_factory=set)
    texts: set = dataclasses.field(default_factory=set)
    checkboxes: set = dataclasses.field(default_factory=set)
    date_times: set = dataclasses.field(default_factory=set)
    first_values: dict = dataclasses.field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, targets):
        super().__init__(convert_charrefs=True)
        self.targets = targets
        self.found = None
        self.current = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urlsplit(attrs.get("action") or "").path
            if action in self.targets and self.found is None:
                self.current = FormFields()
            return
        form = self.current
        if form is None or ("name" not in attrs and tag != "option"):
            return
        name = attrs.get("name")
        if tag == "button" and attrs.get("type", "submit") == "submit" and name != "preview":
            # The first of the named submit buttons, as if the user had pressed it.
            form.choices.add(name)
            form.data.setdefault(name, attrs.get("value", ""))
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "reset"):
                return
            if kind in ("checkbox", "radio"):
                (form.checkboxes if kind == "checkbox" else form.choices).add(name)
                form.first_values.setdefault(name, attrs.get("value", "on"))
                if "checked" in attrs:
                    form.data.setdefault(name, attrs.get("value", "on"))
                elif kind == "radio":
                    form.data.setdefault(name, attrs.get("value", ""))
                return
            if kind == "datetime-local":
                form.date_times.add(name)
            {"number": form.numbers, "date": form.dates, "datetime-local": form.dates}.get(
                kind, form.texts if kind in ("text", "search", "url", "email") else set()
            ).add(name)
            if kind == "hidden" and name in ("version", "zone", "to_status", "to_stage"):
                form.choices.add(name)
            form.data[name] = attrs.get("value", "")
        elif tag == "select":
            self.select = name
            form.choices.add(name)
            form.data.setdefault(name, "")
        elif tag == "option" and self.select:
            if "selected" in attrs or not form.data.get(self.select):
                form.data[self.select] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = name
            form.texts.add(name)
            form.data[name] = ""

    def handle_data(self, data):
        if self.current is not None and self.textarea:
            self.current.data[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.current is not None:
            self.found, self.current = self.current, None


def find_form(browser, page: str, target: str) -> FormFields:
    """The form of ``page`` that posts to ``target``, filled in as the page shows it."""
    response = browser.get(page)
    assert response.status_code == 200, f"{page}: {response.status_code}"
    targets = {urlsplit(target).path}
    if urlsplit(page).path in targets:
        targets.add("")  # a form without an action posts to its own page
    parser = _FormParser(targets)
    parser.feed(response.content.decode())
    assert parser.found is not None, f"no form posting to {target} on {page}"
    return _filled_in(parser.found)


def _filled_in(form: FormFields) -> FormFields:
    """What a user would type in the blank fields, so that the unchanged data is a valid
    submission and each malformed variant differs from it by the bad value only."""
    # A required group (themes) needs one ticked; municipalities are optional and the first
    # one listed may belong to another zone.
    for name in form.checkboxes - form.data.keys() - {"municipalities"}:
        form.data[name] = form.first_values[name]
    for name, value in list(form.data.items()):
        if value.strip():
            continue
        if name in form.texts:
            form.data[name] = "https://example.org/x" if "url" in name else "Testo di prova."
        elif name in form.numbers:
            form.data[name] = "1"
        elif name in form.dates:
            later = "end" in name or "to" in name
            form.data[name] = "2030-01-16" if later else "2030-01-15"
            if name in form.date_times:
                form.data[name] += "T12:00" if later else "T10:00"
    return form


def snapshot() -> dict:
    """Every row of the portal's tables and of the users, to compare before and after."""
    models = [m for app in OUR_APPS for m in apps.get_app_config(app).get_models()]
    models.append(get_user_model())
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in models
        if model._meta.label != "roundtable.AuditEvent"
    }


def assert_survived(response, url, what):
    status = response.status_code
    assert status < 500, f"{url} with {what!r}: {status}"
    body = response.content[:20000].decode(errors="replace") if status >= 400 else ""
    assert not any(mark in body for mark in SERVER_ERROR_MARKS), f"{url} with {what!r}"


def assert_refused(response, url, what):
    """No server error, not accepted: a form error on the page, an error status with its
    message, or a redirect carrying a warning or error message."""
    assert_survived(response, url, what)
    status = response.status_code
    assert status not in (401, 403, 404, 405), f"{url} with {what!r}: {status}, wrong case?"
    if status in (301, 302, 303):
        levels = [message.level for message in get_messages(response.wsgi_request)]
        assert any(level >= WARNING for level in levels), f"{url} accepted {what!r}"
        return
    page = response.content.decode(errors="replace")
    assert any(mark in page for mark in ERROR_MARKS) or (status >= 400 and page.strip()), (
        f"{url} with {what!r}: {status} without a visible message"
    )
