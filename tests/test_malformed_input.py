"""Malformed input on every URL of the portal's apps, sent by a user allowed to use it.

Every URL pattern of zones, practices, meetings and roundtable has a row in ``CASES`` (a test
checks the table against ``get_resolver()``, so a new URL cannot be forgotten). For each row:

- GET with every query parameter the portal reads set to NUL bytes, 100k characters, negative,
  non-numeric and overflowing numbers, impossible and far dates, unknown choices, and all of them
  duplicated, also as htmx asks; path parameters replaced by 0, an overflowing id, over-long
  slugs, NUL bytes (a negative or non-numeric id does not match ``<int:>``: a plain 404);
- for a form (found in the HTML of the page that shows it, so the data is what a browser sends):
  POST with NUL bytes in every field (also by htmx) and in each field alone, overflowing,
  negative and unknown ids or choices and impossible dates in each non-text field, a
  ``text/plain`` body, duplicated fields, a stale version number where the form carries one;
  then the form as shown, which must be saved (so each variant differs from a valid submission
  by its bad value only); last far dates and 100k characters, which may be accepted.

Always: no 5xx. For the POSTs that must be refused: a visible error (form error, alert, or a
warning message after a redirect) and no change to any row of the portal's tables (and of
the users). The 50 MB upload is in ``test_malformed_input_upload.py``; the building blocks
(values, world, form parser, snapshot, checks) in ``malformed.py``.
"""

import dataclasses
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from meetings.models import Invitation, Meeting

from .malformed import (
    DATE_VALUES,
    FAR_DATES,
    HUGE,
    NUL,
    QUERY_PARAMETERS,
    QUERY_VALUES,
    World,
    assert_refused,
    assert_survived,
    find_form,
    snapshot,
    world_fixture,  # noqa: F401  (the world fixture)
)

OUR_MODULES = ("zones.", "plans.", "practices.", "meetings.", "roundtable.")
# Patterns outside the sweep, and why.
EXCLUDED_PREFIXES = {
    "admin/": "Django's admin: its own forms and validation, staff only",
    "account/": "allauth: its own forms, rate limits and tests",
    "i18n/": "Django's set_language: the language code is checked against LANGUAGES",
}


@dataclasses.dataclass(frozen=True)
class Case:
    """How to reach a URL: its path parameters and who uses it; ``form_page`` is the page whose
    HTML holds the form posting to it ("" = the URL itself; None = no form)."""

    kwargs: Callable[[World], dict] = lambda w: {}
    user: str = "staff"
    form_page: Callable[[World], str] | str | None = None


def same(_world):
    return ""


CASES = {
    # roundtable
    "home": Case(),
    "privacy": Case(),
    "accessibility": Case(),
    "healthz": Case(),
    "notifications": Case(),
    "notification-open": Case(lambda w: {"pk": w.notification.pk}, user="speaker5"),
    "notifications-mark-all-read": Case(
        user="speaker5", form_page=lambda w: reverse("notifications")
    ),
    "notification-preferences": Case(user="speaker5", form_page=lambda w: reverse("notifications")),
    "dashboard": Case(),
    "dashboard-scorecard-csv": Case(),
    "dashboard-scorecard-list": Case(lambda w: {"zone": 5, "figure": "practices"}),
    "dashboard-scorecard-list-csv": Case(lambda w: {"zone": 5, "figure": "practices"}),
    "dashboard-matrix": Case(),
    "dashboard-matrix-csv": Case(),
    "dashboard-map": Case(),
    "dashboard-map-csv": Case(),
    "dashboard-trends": Case(),
    "dashboard-trends-csv": Case(),
    "plan-report": Case(lambda w: {"code": w.plan.code}),
    "plan-report-print": Case(lambda w: {"code": w.plan.code}),
    "plan-report-csv": Case(lambda w: {"code": w.plan.code}),
    "opendata": Case(),
    "opendata-catalogue": Case(),
    "opendata-schema": Case(lambda w: {"name": "api-page"}),
    "opendata-api-index": Case(),
    "opendata-api-list": Case(lambda w: {"slug": "zone"}),
    "opendata-api-detail": Case(lambda w: {"slug": "zone", "key": "5"}),
    "opendata-file": Case(lambda w: {"slug": "zone", "format": "csv"}),
    "account-profile": Case(user="speaker5"),
    "account-data": Case(user="speaker5"),
    "account-deletion-request": Case(
        user="speaker5", form_page=lambda w: reverse("account-profile")
    ),
    "account-deletion-withdraw": Case(
        user="speaker3", form_page=lambda w: reverse("account-profile")
    ),
    "deletion-requests": Case(),
    "deletion-request-confirm": Case(
        lambda w: {"pk": w.deletion.pk}, form_page=lambda w: reverse("deletion-requests")
    ),
    "deletion-request-decline": Case(
        lambda w: {"pk": w.deletion.pk}, form_page=lambda w: reverse("deletion-requests")
    ),
    # zones
    "zones:zone-list": Case(),
    "zones:unassigned-list": Case(),
    "zones:zone-detail": Case(lambda w: {"slug": w.zone5.slug}),
    # practices
    "practices:practice-list": Case(),
    "practices:practice-create": Case(user="speaker5", form_page=same),
    "practices:moderation-queue": Case(),
    "practices:my-zone": Case(user="speaker5"),
    "practices:practice-detail": Case(lambda w: {"pk": w.practice.pk}),
    "practices:practice-edit": Case(lambda w: {"pk": w.practice.pk}, form_page=same),
    "practices:practice-transition": Case(
        lambda w: {"pk": w.practice.pk}, form_page=lambda w: w.practice.get_absolute_url()
    ),
    "practices:attachment-create": Case(
        lambda w: {"pk": w.practice.pk}, form_page=lambda w: w.practice.get_absolute_url()
    ),
    "practices:attachment-download": Case(lambda w: {"pk": w.attachment.pk}),
    "practices:attachment-delete": Case(
        lambda w: {"pk": w.attachment.pk}, form_page=lambda w: w.practice.get_absolute_url()
    ),
    "practices:comment-create": Case(
        lambda w: {"pk": w.practice.pk}, form_page=lambda w: w.practice.get_absolute_url()
    ),
    "practices:comment-hide": Case(
        lambda w: {"pk": w.comment.pk}, form_page=lambda w: w.practice.get_absolute_url()
    ),
    "practices:comment-report": Case(
        lambda w: {"pk": w.comment.pk},
        user="speaker3",
        form_page=lambda w: w.practice.get_absolute_url(),
    ),
    "practices:comment-dismiss-report": Case(
        lambda w: {"pk": w.reported_comment.pk},
        form_page=lambda w: reverse("practices:moderation-queue"),
    ),
    "practices:transfer-create": Case(
        lambda w: {"pk": w.practice.pk},
        user="speaker7",
        form_page=lambda w: w.practice.get_absolute_url(),
    ),
    "practices:transfer-update": Case(
        lambda w: {"pk": w.transfer.pk},
        user="speaker3",
        form_page=lambda w: w.practice.get_absolute_url(),
    ),
    "practices:practice-record": Case(lambda w: {"pk": w.practice.pk}),
    "practices:practice-record-json": Case(lambda w: {"pk": w.practice.pk}),
    "practices:record-schema": Case(),
    "practices:expert-opinion-create": Case(
        lambda w: {"pk": w.practice.pk}, user="expert", form_page=same
    ),
    "practices:expert-opinion-edit": Case(lambda w: {"pk": w.expert_opinion.pk}, form_page=same),
    # meetings
    "meetings:meeting-list": Case(),
    "meetings:meeting-detail": Case(lambda w: {"number": w.meeting.number}),
    "meetings:invitation-answer": Case(
        lambda w: {"pk": w.invitation5.pk},
        user="speaker5",
        form_page=lambda w: w.meeting.get_absolute_url(),
    ),
    "meetings:meeting-create": Case(form_page=same),
    "meetings:meeting-edit": Case(lambda w: {"number": w.meeting.number}, form_page=same),
    "meetings:meeting-cancel": Case(lambda w: {"number": w.meeting.number}, form_page=same),
    "meetings:meeting-held": Case(
        lambda w: {"number": w.past.number}, form_page=lambda w: w.past.get_absolute_url()
    ),
    "meetings:agenda-propose": Case(
        lambda w: {"number": w.meeting.number}, user="speaker5", form_page=same
    ),
    "meetings:agenda-item-edit": Case(lambda w: {"pk": w.item.pk}, form_page=same),
    "meetings:agenda-review": Case(
        lambda w: {"pk": w.proposal.pk}, form_page=lambda w: w.meeting.get_absolute_url()
    ),
    "meetings:agenda-move": Case(
        lambda w: {"pk": w.item.pk}, form_page=lambda w: w.meeting.get_absolute_url()
    ),
    "meetings:attendance": Case(lambda w: {"number": w.held.number}, form_page=same),
    "meetings:attendance-register": Case(lambda w: {"number": w.held.number}),
    "meetings:decision-create": Case(lambda w: {"pk": w.held_item.pk}, form_page=same),
    "meetings:decision-edit": Case(lambda w: {"pk": w.action.decision.pk}, form_page=same),
    "meetings:action-create": Case(lambda w: {"pk": w.action.decision.pk}, form_page=same),
    "meetings:action-list": Case(),
    "meetings:action-detail": Case(lambda w: {"pk": w.action.pk}),
    "meetings:action-update": Case(
        lambda w: {"pk": w.action.pk},
        user="speaker5",
        form_page=lambda w: reverse("meetings:action-detail", args=[w.action.pk]),
    ),
    "meetings:minutes": Case(lambda w: {"number": w.held.number}),
    "meetings:minutes-edit": Case(lambda w: {"number": w.held.number}, form_page=same),
    "meetings:minutes-move": Case(
        lambda w: {"number": w.held.number},
        form_page=lambda w: reverse("meetings:minutes", args=[w.held.number]),
    ),
    "meetings:minutes-comment": Case(
        lambda w: {"number": w.held.number},
        user="speaker5",
        form_page=lambda w: reverse("meetings:minutes", args=[w.held.number]),
    ),
    "meetings:minutes-history": Case(lambda w: {"number": w.held.number}),
    "meetings:minutes-version": Case(lambda w: {"number": w.held.number, "version": 1}),
    "meetings:meeting-ics": Case(lambda w: {"number": w.meeting.number}),
    "meetings:calendar-feed": Case(),
    "meetings:calendar-feed-regenerate": Case(
        form_page=lambda w: reverse("meetings:calendar-feed")
    ),
    "meetings:calendar-feed-ics": Case(lambda w: {"token": w.feed.token}),
    "meetings:meeting-pack": Case(lambda w: {"number": w.meeting.number}),
    # plans: the plans, and tagging practices and action items with their axes
    "plans:plan-list": Case(),
    "plans:plan-detail": Case(lambda w: {"code": w.plan.code}),
    "practices:practice-plan-tags": Case(
        lambda w: {"pk": w.practice.pk}, form_page=lambda w: w.practice.get_absolute_url()
    ),
    "meetings:action-plan-tags": Case(
        lambda w: {"pk": w.action.pk},
        form_page=lambda w: reverse("meetings:action-detail", args=[w.action.pk]),
    ),
    # plans: the zones' consultations
    "plans:consultation-list": Case(),
    "plans:consultation-create": Case(form_page=same),
    "plans:consultation-detail": Case(lambda w: {"pk": w.consultation.pk}),
    "plans:consultation-edit": Case(lambda w: {"pk": w.consultation.pk}, form_page=same),
    "plans:consultation-document": Case(lambda w: {"pk": w.consultation.pk}),
    "plans:consultation-remind": Case(
        lambda w: {"pk": w.consultation.pk}, form_page=lambda w: w.consultation.get_absolute_url()
    ),
    "plans:opinion-answer": Case(
        lambda w: {"pk": w.consultation.pk, "zone": 5}, user="speaker5", form_page=same
    ),
    "plans:consultation-consolidated": Case(lambda w: {"pk": w.consultation.pk}),
    "plans:consultation-consolidated-csv": Case(lambda w: {"pk": w.consultation.pk}),
}


def our_patterns():
    """(name, route, converters) of every URL pattern whose view is in our apps."""
    found = []

    def walk(resolver, prefix, namespace):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry, route, entry.namespace or namespace)
            elif isinstance(entry, URLPattern):
                if any(route.startswith(p) for p in EXCLUDED_PREFIXES):
                    continue
                assert entry.callback.__module__.startswith(OUR_MODULES), route
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                found.append((name, route, dict(entry.pattern.converters)))

    walk(get_resolver(), "", None)
    return found


def test_the_table_covers_every_url_of_our_apps():
    names = {name for name, _route, _converters in our_patterns()}
    assert names - CASES.keys() == set(), "add a Case for each new URL"
    assert CASES.keys() - names == set(), "remove the Case of a URL that is gone"


def client_for(world, case) -> Client:
    browser = Client()
    browser.force_login(getattr(world, case.user))
    return browser


PATTERNS = {name: converters for name, _route, converters in our_patterns()}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_query_strings_and_path_parameters(world, name):
    case = CASES[name]
    browser = client_for(world, case)
    kwargs = case.kwargs(world)
    url = reverse(name, kwargs=kwargs)
    for value in QUERY_VALUES:
        assert_survived(browser.get(url, dict.fromkeys(QUERY_PARAMETERS, value)), url, value)
    doubled = {key: ["1", NUL, "zz"] for key in QUERY_PARAMETERS}
    assert_survived(browser.get(url, doubled), url, "duplicated parameters")
    htmx = {"HTTP_HX_REQUEST": "true"}
    assert_survived(browser.get(url, dict.fromkeys(QUERY_PARAMETERS, NUL), **htmx), url, "htmx")
    for key, converter in PATTERNS[name].items():
        integer = type(converter).__name__ == "IntConverter"
        sentinel = 987654321 if integer else "sentinel-value"
        template = reverse(name, kwargs={**kwargs, key: sentinel})
        bad = [0, HUGE] if integer else ["x" * 300, "---", "%00", "a%00b", "%C3%28"]
        for value in bad:
            path = template.replace(str(sentinel), str(value))
            assert_survived(browser.get(path), path, value)


FORM_CASES = sorted(name for name, case in CASES.items() if case.form_page is not None)
# The form as the page shows it (blanks filled in) is saved, so each malformed variant differs
# from a valid submission by its bad value only; except these, and why.
NOT_SAVED_AS_SHOWN = {
    "practices:attachment-create": "needs a file: see test_malformed_input_upload.py",
    "practices:transfer-update": "the first stage offered needs a date and a result",
    "meetings:action-plan-tags": (
        "the form as shown is the action's tags as they are: saving it changes nothing "
        "(tests/plans/test_tagging.py saves changed tags)"
    ),
    "plans:consultation-create": "needs the document, a file",
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORM_CASES)
def test_malformed_posts_are_refused_and_change_nothing(world, name):
    case = CASES[name]
    browser = client_for(world, case)
    url = reverse(name, kwargs=case.kwargs(world))
    page = case.form_page(world) or url
    fields = find_form(browser, page, url)
    before = snapshot()

    def refused(data, what, **extra):
        response = browser.post(url, data, **extra)
        assert_refused(response, url, what)
        assert snapshot() == before, f"{url}: {what} changed the database"

    def with_(changes):
        return {**fields.data, **changes}

    ignored = {"csrfmiddlewaretoken", "next"}
    if name == "practices:practice-create":
        ignored.add("version")  # a new practice has no version yet: the form ignores it
    editable = [key for key in fields.data if key not in ignored]
    # A ticked checkbox is ticked whatever its value: NUL goes in the other fields.
    typed = [key for key in editable if key not in fields.checkboxes]
    if typed:
        refused(with_(dict.fromkeys(typed, NUL)), "NUL in every field")
        nul_htmx = "NUL in every field, by htmx"
        refused(with_(dict.fromkeys(typed, NUL)), nul_htmx, HTTP_HX_REQUEST="true")
    for key in editable:
        if key not in fields.checkboxes:
            refused(with_({key: f"a{NUL}b"}), f"NUL in {key}")
        if key in fields.choices or key in fields.numbers:
            refused(with_({key: HUGE}), f"overflowing {key}")
            refused(with_({key: "-1"}), f"negative {key}")
            refused(with_({key: "zz"}), f"unknown {key}")
            # A digit to isdigit() but not to int(): was a server error in the id fields.
            refused(with_({key: "²"}), f"a superscript digit in {key}")
        if key in fields.dates:
            for value in DATE_VALUES:
                refused(with_({key: value}), f"{value} in {key}")
    if "version" in editable:
        refused(with_({"version": int(fields.data["version"]) - 1}), "a stale version")
        refused(with_({"version": HUGE}), "an overflowing version")
    if editable:
        text = "&".join(f"{key}=x" for key in editable)
        refused(text, "a text/plain body", content_type="text/plain")
    if typed:
        doubled = {
            key: [fields.data[key], NUL] if key in typed else fields.data[key]
            for key in fields.data
        }
        refused(doubled, "duplicated fields")
    if name not in NOT_SAVED_AS_SHOWN:
        control = browser.post(url, fields.data)
        assert control.status_code in (302, 303), f"{url}: the valid submission was refused"
        assert snapshot() != before, f"{url}: the valid submission saved nothing"
        before = snapshot()
    # Last, as they may be accepted: far dates and over-long text, never a server error.
    lenient = [({key: "x" * 100_000 for key in editable if key in fields.texts}, "100k chars")]
    lenient += [({key: day}, f"{day} in {key}") for key in fields.dates for day in FAR_DATES]
    for changes, what in lenient:
        if changes:
            assert_survived(browser.post(url, with_(changes)), url, what)


# --- The fixes the sweep led to, each stated once more on its own ------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_meeting_at_the_edge_of_the_calendar_is_a_message(world, moment):
    # 0001-01-01 00:00 in Italian time is in year 0 in UTC: Django overflowed (a 500).
    browser = client_for(world, Case())
    meetings = Meeting.objects.count()
    data = {"title": "Tavolo", "starts_at": moment, "ends_at": "2030-01-15T12:00", "place": "Qui"}
    response = browser.post(reverse("meetings:meeting-create"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (200, 400)
    assert "Give a date between the years 2000 and 2099." in response.content.decode()
    assert Meeting.objects.count() == meetings


@pytest.mark.django_db
def test_an_attendance_sheet_that_arrives_empty_erases_nothing(world):
    # Every row missing was read as "not recorded": the sheet was emptied, and called saved.
    recorded = Invitation.objects.get(meeting=world.held, zone=world.zone5).attendance
    assert recorded == "present"
    url = reverse("meetings:attendance", args=[world.held.number])
    browser = client_for(world, Case())
    response = browser.post(url, "", content_type="text/plain", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "The sheet arrived incomplete: nothing was recorded." in response.content.decode()
    assert Invitation.objects.get(meeting=world.held, zone=world.zone5).attendance == recorded
