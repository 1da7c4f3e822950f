"""Every page of the portal, checked with axe-core in Chromium.

Every page is checked in Italian, the portal's language; a sample of them in English too (the
pages differ only in their words, and each check costs about a second). A violation of impact
"serious" or "critical" fails the test, with the rule, its help and the elements at fault;
lesser ones are reported as warnings. No axe rule is disabled.
"""

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

FAILING_IMPACTS = {"serious", "critical"}
LOCALES = {"it": "it-IT", "en": "en-GB"}

axe = Axe()


def fail_log_in(page: Page) -> None:
    """Submit the log-in form with a wrong password, so the page shows its errors."""
    form = page.locator("main form")
    form.locator("#id_login").fill("portavoce5@example.org")
    form.locator("#id_password").fill("not-the-right-password")
    form.locator("button[type=submit]").click()
    # The form's own error (base.html also holds a hidden alert for failed htmx requests).
    expect(form.locator(".alert-danger")).to_be_visible()


def ask_password_reset(page: Page) -> None:
    page.locator("main form input[type=email]").fill("portavoce5@example.org")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account/password/reset/done/$"))


def filter_in_place(page: Page) -> None:
    """Type in the municipality filter and let htmx swap the list in."""
    page.locator("#id_q").fill("pin")
    expect(page).to_have_url(re.compile(r"\?q=pin$"))
    expect(page.locator("#municipality-results tbody tr")).to_have_count(5)


def search_in_place(page: Page) -> None:
    """Type an inflected word in the catalogue's search and let htmx swap the list in."""
    page.locator("#id_q").fill("scuola")
    expect(page).to_have_url(re.compile(r"[?&]q=scuola(&|$)"))
    expect(page.locator("#practice-results article")).to_have_count(1)


def open_every_details(page: Page) -> None:
    """Unfold every <details> (next-stage, hide and report forms, history), so axe checks the
    forms inside: it leaves out what is folded away."""
    page.locator("details").evaluate_all("all => all.forEach(details => { details.open = true })")


def submit_practice_with_errors(page: Page) -> None:
    """Send the new-practice form without a theme and with its dates the wrong way round (what
    the browser itself lets through), so the server answers with its errors."""
    page.locator("#id_title").fill("Pratica senza temi")
    page.locator("#id_summary").fill("Manca il tema, e la fine viene prima dell'inizio.")
    page.locator("#id_start_date").fill("2024-05-01")
    page.locator("#id_end_date").fill("2024-04-01")
    page.locator("main form[action='/pratiche/nuova/'] button[type=submit]").click()
    # The summary at the top links to each field at fault, which says what is wrong.
    expect(page.locator("main [role=alert] a[href='#id_end_date']")).to_be_visible()
    expect(page.locator("#id_themes_error")).to_be_visible()
    expect(page.locator("#id_end_date_error")).to_be_visible()


def save_after_someone_else(page: Page) -> None:
    """Save the edit form after another person saved the practice: the refusal page (409)."""
    from practices.models import Practice

    match = re.search(r"/pratiche/(\d+)/modifica/", page.url)
    assert match
    practice = Practice.objects.get(pk=match[1])
    practice.summary = "Riassunto cambiato da un'altra persona nel frattempo."
    practice.version += 1  # what practices.services.save_practice does on every save
    practice.save()
    page.locator("#id_summary").fill("Il mio riassunto, scritto nel frattempo.")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.locator(
            f"main form[action='/pratiche/{match[1]}/modifica/'] button[type=submit]"
        ).click()
    assert answer.value.status == 409
    expect(page.locator("#differences-heading")).to_be_visible()


def request_changes_in_place(page: Page) -> None:
    """Request changes from the moderation queue: htmx swaps the row for what it became."""
    row = page.locator("li[id^=queue-practice-]").first
    row.locator("textarea[name=note]").fill("Aggiungete una foto del servizio.")
    row.locator("button[value=changes_requested]").click()
    expect(row.get_by_role("status")).to_be_visible()


def submit_opinion_dated_tomorrow(page: Page) -> None:
    """Send the expert opinion's form dated in the future (what the browser itself lets
    through), so the server answers with its error."""
    from datetime import date, timedelta

    page.locator("#id_assessment").fill("Una valutazione.")
    page.locator("#id_given_on").fill((date.today() + timedelta(days=2)).isoformat())
    page.locator("main form.expert-opinion-form button[type=submit]").click()
    expect(page.locator("main [role=alert] a[href='#id_given_on']")).to_be_visible()
    expect(page.locator("#id_given_on_error")).to_be_visible()


def submit_empty_meeting(page: Page) -> None:
    """Send the new-meeting form empty: the server answers with an error on every field."""
    page.locator("main form[action='/riunioni/nuova/'] button[type=submit]").click()
    expect(page.locator("#id_title_error")).to_be_visible()
    expect(page.locator("#id_place_error")).to_be_visible()


def move_first_item_down(page: Page) -> None:
    """Move the agenda's first item down: htmx redraws the list and says where it went."""
    page.locator("#agenda-list button[id^=move-down-]").first.click()
    expect(page.locator("#agenda-status")).not_to_be_empty()


def show_meetings_on_my_zone(page: Page) -> None:
    """The meetings' part of "my zone's work": the invitation to answer, the overdue action."""
    expect(page.locator("#my-zone-meetings li")).to_have_count(1)
    expect(page.locator(".action-overdue-row")).to_have_count(1)


def show_round_table_on_practice(page: Page) -> None:
    """The practice's page links the agenda item and the action that link the practice."""
    expect(page.locator("#round-table-agenda a")).to_have_count(1)
    expect(page.locator("#round-table-actions a")).to_have_count(1)


def show_progress_form(page: Page) -> None:
    """An assigned zone's spokesperson has the form to report progress."""
    expect(page.locator("#report form")).to_have_count(1)


def show_comment_form(page: Page) -> None:
    """Circulated minutes: the zone's spokesperson has the form to comment."""
    expect(page.locator("#comment-form")).to_have_count(1)


def show_differences(page: Page) -> None:
    """A later version of the minutes: lines added and removed since the one before."""
    expect(page.locator(".diff-added").first).to_be_visible()
    expect(page.locator(".diff-removed").first).to_be_visible()


def show_read_and_unread(page: Page) -> None:
    expect(page.locator(".notification-unread").first).to_be_visible()
    expect(page.locator(".notification-item:not(.notification-unread)")).to_have_count(1)


def show_proposals_to_review(page: Page) -> None:
    """The staff's answers to the zones' proposals, and the agenda's move buttons."""
    expect(page.locator("#proposals form.agenda-review")).to_have_count(2)
    expect(page.locator("#agenda-list button[id^=move-]")).to_have_count(2)


def confirm_password(page: Page) -> None:
    """allauth asks for the password again before two-step verification is changed."""
    from tests.factories import PASSWORD

    expect(page).to_have_url(re.compile(r"/account/reauthenticate/"))
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/account/reauthenticate/"))


def log_in_to_the_code(page: Page) -> None:
    """Log in as staff with the password: the second step asks for the app's code."""
    from tests.factories import PASSWORD

    page.locator("#id_login").fill("staff@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account/2fa/authenticate/$"))


def enter_a_wrong_code(page: Page) -> None:
    log_in_to_the_code(page)
    page.locator("#id_code").fill("000000")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#id_code_error")).to_be_visible()


def submit_consultation_with_errors(page: Page) -> None:
    """Send the new-consultation form empty: the server answers with its errors."""
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page.locator("#id_title_error")).to_be_visible()
    expect(page.locator("#id_document_error")).to_be_visible()


def submit_answer_without_a_remark(page: Page) -> None:
    """A favourable opinion "with remarks" without a remark: the server says what is missing."""
    page.locator("label[for=id_verdict_1]").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_verdict_error")).to_be_visible()


def answer_after_someone_else(page: Page) -> None:
    """Save the zone's answer after another person saved it: the refusal page (409)."""
    from plans.models import ZoneOpinion

    ZoneOpinion.objects.filter(zone__number=5).update(version=99, text="Salvato da un altro.")
    page.locator("#id_text").fill("Il mio testo, scritto nel frattempo.")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.locator("main form button[type=submit]").click()
    assert answer.value.status == 409
    expect(page.locator("#saved-heading")).to_be_visible()


@dataclass(frozen=True)
class Visit:
    path: str
    status: int | None = 200
    user: str | None = None  # the fixture giving the logged-in user, if any
    # Fixtures to set up; those returning a dict fill the {placeholders} of ``path``.
    fixtures: tuple[str, ...] = ()
    then: Callable[[Page], None] | None = None
    context: dict = field(default_factory=dict)


PAGES = {
    "home": Visit("/"),
    "home-mobile": Visit("/", context={"viewport": {"width": 375, "height": 740}}),
    "zones": Visit("/zone/"),
    "zone": Visit("/zone/torino/"),
    "zone-filtered": Visit("/zone/pinerolese/?q=pin"),
    "zone-filtered-htmx": Visit("/zone/pinerolese/", then=filter_in_place),
    "zone-no-match": Visit("/zone/pinerolese/?q=nessun-comune"),
    "zone-spokesperson": Visit("/zone/pinerolese/", user="live_spokesperson"),
    "zones-staff": Visit("/zone/", user="live_staff", fixtures=("unassigned_municipality",)),
    "zone-staff": Visit("/zone/torino/", user="live_staff"),
    # Zone 9 has a note on its evidence, and municipalities of every strength in their colours.
    "zone-evidence-staff": Visit("/zone/eporediese/", user="live_staff"),
    "unassigned-staff": Visit(
        "/zone/non-assegnati/", user="live_staff", fixtures=("unassigned_municipality",)
    ),
    "privacy": Visit("/privacy/"),
    "accessibility": Visit("/accessibilita/"),
    # Practices: the catalogue (empty, then listed, searched, filtered, paged), a practice as
    # each role sees it, its forms, the moderation queue and "my zone's work".
    "practices": Visit("/pratiche/"),
    "practices-listed": Visit("/pratiche/", fixtures=("live_practices",)),
    "practices-search": Visit("/pratiche/?q=scuola", fixtures=("live_practices",)),
    "practices-search-htmx": Visit(
        "/pratiche/", fixtures=("live_practices",), then=search_in_place
    ),
    "practices-no-match": Visit("/pratiche/?q=nessuna&zone=5", fixtures=("live_practices",)),
    "practices-page-2": Visit("/pratiche/?page=2", fixtures=("many_published_practices",)),
    "practices-staff": Visit(
        "/pratiche/?status=all&sort=zone", user="live_staff", fixtures=("live_practices",)
    ),
    "practice": Visit("/pratiche/{published}/", fixtures=("live_practices",)),
    "practice-draft-spokesperson": Visit(
        "/pratiche/{draft}/", user="live_spokesperson", fixtures=("live_practices",)
    ),
    "practice-changes-requested-spokesperson": Visit(
        "/pratiche/{changes_requested}/", user="live_spokesperson", fixtures=("live_practices",)
    ),
    # Another zone's spokesperson: the declare-interest form and its municipalities.
    "practice-other-zone": Visit(
        "/pratiche/{other_published}/", user="live_spokesperson_3", fixtures=("live_practices",)
    ),
    # The staff: histories, actions, every form of the transfer ledger and of the comments.
    "practice-staff": Visit(
        "/pratiche/{published}/",
        user="live_staff",
        fixtures=("live_practices",),
        then=open_every_details,
    ),
    # On a phone the wide tables scroll: every one of them must be reachable by keyboard.
    "practice-staff-mobile": Visit(
        "/pratiche/{published}/",
        user="live_staff",
        fixtures=("live_practices",),
        then=open_every_details,
        context={"viewport": {"width": 375, "height": 740}},
    ),
    "practice-submitted-staff": Visit(
        "/pratiche/{submitted}/", user="live_staff", fixtures=("live_practices",)
    ),
    "practice-create": Visit(
        "/pratiche/nuova/", user="live_spokesperson", fixtures=("live_themes",)
    ),
    "practice-create-errors": Visit(
        "/pratiche/nuova/",
        user="live_spokesperson",
        fixtures=("live_themes",),
        then=submit_practice_with_errors,
    ),
    "practice-edit": Visit(
        "/pratiche/{draft}/modifica/", user="live_spokesperson", fixtures=("live_practices",)
    ),
    "practice-edit-stale": Visit(
        "/pratiche/{draft}/modifica/",
        user="live_spokesperson",
        fixtures=("live_practices",),
        then=save_after_someone_else,
    ),
    # The good-practice record (printable) and the expert opinions: as a visitor sees that one
    # exists, as a logged-in user reads it, and their forms.
    "practice-record": Visit("/pratiche/{published}/scheda/", fixtures=("live_expert_opinion",)),
    "practice-expert-opinion-visitor": Visit(
        "/pratiche/{published}/", fixtures=("live_expert_opinion",)
    ),
    "practice-expert-opinion-expert": Visit(
        "/pratiche/{published}/", user="live_expert", fixtures=("live_expert_opinion",)
    ),
    "expert-opinion-create": Visit(
        "/pratiche/{published}/parere-esperto/",
        user="live_staff",
        fixtures=("live_expert_opinion",),
    ),
    "expert-opinion-create-errors": Visit(
        "/pratiche/{published}/parere-esperto/",
        user="live_staff",
        fixtures=("live_expert_opinion",),
        then=submit_opinion_dated_tomorrow,
    ),
    "expert-opinion-edit": Visit(
        "/pratiche/pareri-esperti/{opinion}/", user="live_expert", fixtures=("live_expert_opinion",)
    ),
    "moderation": Visit("/pratiche/moderazione/", user="live_staff", fixtures=("live_practices",)),
    "moderation-decided": Visit(
        "/pratiche/moderazione/",
        user="live_staff",
        fixtures=("live_practices",),
        then=request_changes_in_place,
    ),
    "my-zone": Visit("/pratiche/mia-zona/", user="live_spokesperson", fixtures=("live_practices",)),
    "my-zone-staff": Visit("/pratiche/mia-zona/", user="live_staff", fixtures=("live_practices",)),
    # The dashboard's zones-by-themes matrix: a wide table of links, empty cells tinted.
    "dashboard-matrix": Visit(
        "/cruscotto/matrice/", user="live_staff", fixtures=("live_practices",)
    ),
    # The user's account page: details, zones table, links to settings and the data download.
    "account": Visit("/profilo/", user="live_spokesperson"),
    # The dashboard's zone scorecard (staff: every zone; a spokesperson: own zone and averages)
    # and a list behind one of its figures.
    "dashboard": Visit(
        "/cruscotto/", user="live_staff", fixtures=("live_practices", "live_meetings")
    ),
    "dashboard-spokesperson": Visit(
        "/cruscotto/?from=2020-01-01&to=2019-01-01",
        user="live_spokesperson",
        fixtures=("live_meetings",),
    ),
    "dashboard-list": Visit(
        "/cruscotto/schede/5/actions/?from=2020-01-01",
        user="live_staff",
        fixtures=("live_meetings",),
    ),
    # The dashboard's map: inline SVG of the zones, legend, table; "no data" zones; unknown figure.
    "dashboard-map": Visit("/cruscotto/mappa/", user="live_staff", fixtures=("live_practices",)),
    "dashboard-map-attendance": Visit(
        "/cruscotto/mappa/?figure=attendance",
        user="live_spokesperson",
        fixtures=("live_meetings",),
    ),
    "dashboard-map-unknown-figure": Visit("/cruscotto/mappa/?figure=nessuna", user="live_staff"),
    "dashboard-trends": Visit(
        "/cruscotto/andamento/", user="live_staff", fixtures=("live_practices", "live_meetings")
    ),
    # The Strategic Plan's contribution report: wide tables, rows marked "no contribution";
    # with a period that is not valid; the printable dossier.
    # The Strategic Plan: the plans (none, then some), a plan with what is tagged with each axis,
    # the catalogue filtered by axis, and the tags' forms (the staff's on a practice and an
    # action, the trees of checkboxes in the practice and decision forms), every fold opened.
    "plans-empty": Visit("/piano-strategico/"),
    "plans": Visit("/piano-strategico/", fixtures=("live_plan_report",)),
    "plan": Visit(
        "/piano-strategico/{plan}/", fixtures=("live_plan_report",), then=open_every_details
    ),
    "plan-staff": Visit(
        "/piano-strategico/{plan}/", user="live_staff", fixtures=("live_plan_report",)
    ),
    "practices-by-axis": Visit("/pratiche/?axis=1", fixtures=("live_plan_report",)),
    "practice-plan-tags-staff": Visit(
        "/pratiche/{published}/",
        user="live_staff",
        fixtures=("live_plan_report",),
        then=open_every_details,
    ),
    "practice-edit-plan-tags": Visit(
        "/pratiche/{draft}/modifica/",
        user="live_spokesperson",
        fixtures=("live_plan_report",),
        then=open_every_details,
    ),
    "decision-edit-plan-tags": Visit(
        "/riunioni/decisioni/{decision}/modifica/",
        user="live_staff",
        fixtures=("live_plan_report",),
        then=open_every_details,
    ),
    "action-plan-tags-staff": Visit(
        "/riunioni/azioni/{action}/",
        user="live_staff",
        fixtures=("live_plan_report",),
        then=open_every_details,
    ),
    "plan-report": Visit(
        "/piano-strategico/{plan}/contributi/", user="live_staff", fixtures=("live_plan_report",)
    ),
    "plan-report-bad-period": Visit(
        "/piano-strategico/{plan}/contributi/?from=2025-02-30&to=2024-01-01",
        user="live_staff",
        fixtures=("live_plan_report",),
    ),
    "plan-report-print": Visit(
        "/piano-strategico/{plan}/contributi/stampa/",
        user="live_staff",
        fixtures=("live_plan_report",),
    ),
    "opendata": Visit("/dati-aperti/", fixtures=("live_meetings_with_practice",)),
    "deletion-requests": Visit(
        "/profilo/richieste-cancellazione/", user="live_staff", fixtures=("live_deletion_request",)
    ),
    "account-deletion-pending": Visit(
        "/profilo/", user="live_spokesperson", fixtures=("live_deletion_request",)
    ),
    "meetings": Visit("/riunioni/"),
    "meetings-listed": Visit("/riunioni/", fixtures=("live_meetings",)),
    "meeting": Visit("/riunioni/{meeting}/", fixtures=("live_meetings",)),
    "meeting-logged-in": Visit(
        "/riunioni/{meeting}/", user="live_spokesperson", fixtures=("live_meetings",)
    ),
    "meeting-answer": Visit(
        "/riunioni/{upcoming}/", user="live_spokesperson", fixtures=("live_meetings",)
    ),
    # Meetings: staff's forms, the agenda's proposals and order, attendance, decisions and
    # actions, the minutes and their versions, the pack, the calendar, the notifications.
    "meeting-create": Visit("/riunioni/nuova/", user="live_staff"),
    "meeting-create-errors": Visit(
        "/riunioni/nuova/", user="live_staff", then=submit_empty_meeting
    ),
    "meeting-edit": Visit(
        "/riunioni/{upcoming}/modifica/", user="live_staff", fixtures=("live_meetings",)
    ),
    "meeting-cancel": Visit(
        "/riunioni/{upcoming}/annulla/", user="live_staff", fixtures=("live_meetings",)
    ),
    "agenda-propose-spokesperson": Visit(
        "/riunioni/{upcoming}/proposte/nuova/",
        user="live_spokesperson",
        fixtures=("live_meetings",),
    ),
    "agenda-propose-staff": Visit(
        "/riunioni/{upcoming}/proposte/nuova/", user="live_staff", fixtures=("live_meetings",)
    ),
    "agenda-item-edit": Visit(
        "/riunioni/voci/{proposal}/modifica/", user="live_staff", fixtures=("live_meetings",)
    ),
    "agenda-review": Visit(
        "/riunioni/voci/{proposal}/esito/", user="live_staff", fixtures=("live_meetings",)
    ),
    # Move buttons on the follow-ups, proposals with the staff's answers.
    "meeting-upcoming-staff": Visit(
        "/riunioni/{upcoming}/",
        user="live_staff",
        fixtures=("live_meetings",),
        then=show_proposals_to_review,
    ),
    "meeting-upcoming-staff-moved": Visit(
        "/riunioni/{upcoming}/",
        user="live_staff",
        fixtures=("live_meetings",),
        then=move_first_item_down,
    ),
    # Decisions with their actions and the staff's links, the minutes' workflow.
    "meeting-held-staff": Visit(
        "/riunioni/{meeting}/", user="live_staff", fixtures=("live_meetings",)
    ),
    "attendance": Visit(
        "/riunioni/{meeting}/presenze/", user="live_staff", fixtures=("live_meetings",)
    ),
    "attendance-register": Visit(
        "/riunioni/{meeting}/registro/", user="live_spokesperson", fixtures=("live_meetings",)
    ),
    "decision-create": Visit(
        "/riunioni/voci/{item}/decisioni/nuova/", user="live_staff", fixtures=("live_meetings",)
    ),
    "decision-edit": Visit(
        "/riunioni/decisioni/{decision}/modifica/", user="live_staff", fixtures=("live_meetings",)
    ),
    "action-create": Visit(
        "/riunioni/decisioni/{decision}/azioni/nuova/",
        user="live_staff",
        fixtures=("live_meetings",),
    ),
    "action": Visit("/riunioni/azioni/{action}/", fixtures=("live_meetings",)),
    # Zone 5 is assigned: the progress form.
    "action-spokesperson": Visit(
        "/riunioni/azioni/{action}/",
        user="live_spokesperson",
        fixtures=("live_meetings",),
        then=show_progress_form,
    ),
    "action-overdue-spokesperson": Visit(
        "/riunioni/azioni/{late_action}/", user="live_spokesperson", fixtures=("live_meetings",)
    ),
    "action-staff": Visit(
        "/riunioni/azioni/{action}/", user="live_staff", fixtures=("live_meetings",)
    ),
    "actions": Visit("/riunioni/azioni/", user="live_spokesperson", fixtures=("live_meetings",)),
    "actions-overdue": Visit(
        "/riunioni/azioni/?status=overdue&zone=5",
        user="live_spokesperson",
        fixtures=("live_meetings",),
    ),
    # Circulated: the spokesperson's comment form; the staff's workflow and approval.
    "minutes-spokesperson": Visit(
        "/riunioni/{meeting}/verbale/",
        user="live_spokesperson",
        fixtures=("live_meetings",),
        then=show_comment_form,
    ),
    "minutes-staff": Visit(
        "/riunioni/{meeting}/verbale/", user="live_staff", fixtures=("live_meetings",)
    ),
    "minutes-edit": Visit(
        "/riunioni/{meeting}/verbale/modifica/", user="live_staff", fixtures=("live_meetings",)
    ),
    "minutes-history": Visit(
        "/riunioni/{meeting}/verbale/versioni/", user="live_staff", fixtures=("live_meetings",)
    ),
    "minutes-version": Visit(
        "/riunioni/{meeting}/verbale/versioni/{minutes_version}/",
        user="live_staff",
        fixtures=("live_meetings",),
        then=show_differences,
    ),
    "meeting-pack": Visit(
        "/riunioni/{meeting}/dossier/", user="live_spokesperson", fixtures=("live_meetings",)
    ),
    # The next meeting's pack: the open actions per zone and the previous minutes.
    "meeting-pack-upcoming": Visit(
        "/riunioni/{upcoming}/dossier/", user="live_spokesperson", fixtures=("live_meetings",)
    ),
    "calendar-feed": Visit(
        "/riunioni/calendario/", user="live_spokesperson", fixtures=("live_meetings",)
    ),
    "notifications": Visit(
        "/notifiche/",
        user="live_spokesperson",
        fixtures=("live_meetings",),
        then=show_read_and_unread,
    ),
    "my-zone-meetings": Visit(
        "/pratiche/mia-zona/",
        user="live_spokesperson",
        fixtures=("live_meetings",),
        then=show_meetings_on_my_zone,
    ),
    "practice-on-the-agenda": Visit(
        "/pratiche/{published}/",
        fixtures=("live_meetings_with_practice",),
        then=show_round_table_on_practice,
    ),
    "login": Visit("/account/login/"),
    "login-failed": Visit("/account/login/", fixtures=("live_spokesperson",), then=fail_log_in),
    "password-reset": Visit("/account/password/reset/"),
    "password-reset-sent": Visit("/account/password/reset/", then=ask_password_reset),
    "signup-closed": Visit("/account/signup/"),
    # Two-step verification (allauth.mfa in the portal's templates): required of staff.
    "mfa-index": Visit("/account/2fa/", user="live_staff", fixtures=("live_recovery_codes",)),
    "mfa-required": Visit("/account/2fa/", user="live_staff_without_mfa"),
    "mfa-reauthenticate-password": Visit("/account/2fa/totp/activate/", user="live_spokesperson"),
    "mfa-activate": Visit(
        "/account/2fa/totp/activate/", user="live_spokesperson", then=confirm_password
    ),
    "mfa-activate-required": Visit(
        "/account/2fa/totp/activate/", user="live_staff_without_mfa", then=confirm_password
    ),
    "mfa-deactivate-refused": Visit(
        "/account/2fa/totp/deactivate/", user="live_staff", then=confirm_password
    ),
    "mfa-recovery-codes": Visit(
        "/account/2fa/recovery-codes/", user="live_staff", fixtures=("live_recovery_codes",)
    ),
    "mfa-recovery-codes-generate": Visit(
        "/account/2fa/recovery-codes/generate/",
        user="live_staff",
        fixtures=("live_recovery_codes",),
        then=confirm_password,
    ),
    "mfa-log-in-code": Visit("/account/login/", fixtures=("live_staff",), then=log_in_to_the_code),
    "mfa-log-in-wrong-code": Visit(
        "/account/login/", fixtures=("live_staff",), then=enter_a_wrong_code
    ),
    "mfa-reauthenticate": Visit("/account/2fa/reauthenticate/", user="live_staff"),
    # The zones' consultations on the Strategic Plan: the list, a consultation as each role sees
    # it (open: own answer; staff: every answer, the reminder, the history), its forms, the
    # refusals (a remark missing, a stale save, the deadline passed), the consolidated opinion.
    "consultations": Visit(
        "/piano-strategico/consultazioni/",
        user="live_spokesperson",
        fixtures=("live_consultations",),
    ),
    "consultation-spokesperson": Visit(
        "/piano-strategico/consultazioni/{consultation}/",
        user="live_spokesperson",
        fixtures=("live_consultations",),
        then=open_every_details,
    ),
    "consultation-staff": Visit(
        "/piano-strategico/consultazioni/{consultation}/",
        user="live_staff",
        fixtures=("live_consultations",),
        then=open_every_details,
    ),
    "consultation-closed": Visit(
        "/piano-strategico/consultazioni/{closed_consultation}/",
        user="live_spokesperson_3",
        fixtures=("live_consultations",),
        then=open_every_details,
    ),
    "consultation-create": Visit(
        "/piano-strategico/consultazioni/nuova/",
        user="live_staff",
        fixtures=("live_consultations",),
    ),
    "consultation-create-errors": Visit(
        "/piano-strategico/consultazioni/nuova/",
        user="live_staff",
        fixtures=("live_consultations",),
        then=submit_consultation_with_errors,
    ),
    "consultation-edit": Visit(
        "/piano-strategico/consultazioni/{consultation}/modifica/",
        user="live_staff",
        fixtures=("live_consultations",),
    ),
    "consultation-answer": Visit(
        "/piano-strategico/consultazioni/{consultation}/parere/5/",
        user="live_spokesperson",
        fixtures=("live_consultations",),
    ),
    "consultation-answer-errors": Visit(
        "/piano-strategico/consultazioni/{consultation}/parere/3/",
        user="live_spokesperson_3",
        fixtures=("live_consultations",),
        then=submit_answer_without_a_remark,
    ),
    "consultation-answer-stale": Visit(
        "/piano-strategico/consultazioni/{consultation}/parere/5/",
        user="live_spokesperson",
        fixtures=("live_consultations",),
        then=answer_after_someone_else,
    ),
    "consultation-answer-frozen": Visit(
        "/piano-strategico/consultazioni/{closed_consultation}/parere/5/",
        user="live_spokesperson",
        fixtures=("live_consultations",),
    ),
    "consultation-consolidated": Visit(
        "/piano-strategico/consultazioni/{consultation}/parere-consolidato/",
        user="live_staff",
        fixtures=("live_consultations",),
    ),
    "consultation-consolidated-closed": Visit(
        "/piano-strategico/consultazioni/{closed_consultation}/parere-consolidato/",
        user="live_spokesperson_3",
        fixtures=("live_consultations",),
    ),
    "agenda-item-consultation": Visit(
        "/riunioni/voci/{consultation_item}/modifica/",
        user="live_staff",
        fixtures=("live_consultations",),
    ),
    "404": Visit("/pagina-che-non-esiste/", status=404),
    "403": Visit("/zone/non-assegnati/", status=403, user="live_spokesperson"),
}


# Pages checked in English as well: one of each layout (cards, wide tables, evidence colours,
# a form with errors, an error page, a practice with everything on it).
ALSO_IN_ENGLISH = [
    "home",
    "zones-staff",
    "zone-evidence-staff",
    "login-failed",
    "mfa-activate-required",
    "403",
    "practice-staff",
    "plan-report",
    "plan",
]
CASES = [pytest.param(name, "it", id=f"{name}-it") for name in PAGES] + [
    pytest.param(name, "en", id=f"{name}-en") for name in ALSO_IN_ENGLISH
]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {node['html'][:200]}")
            if summary:
                lines.append(f"        {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize(("name", "language"), CASES)
def test_no_serious_accessibility_violations(
    name, language, request, new_context, log_in, live_territory
):
    visit = PAGES[name]
    values = {}
    for fixture in visit.fixtures:
        value = request.getfixturevalue(fixture)
        if isinstance(value, dict):
            values.update(value)
    context = new_context(locale=LOCALES[language], **visit.context)
    if visit.user:
        log_in(context, request.getfixturevalue(visit.user))
    page = context.new_page()

    path = visit.path.format(**values)
    response = page.goto(path)
    assert response is not None
    if visit.status is not None:
        assert response.status == visit.status, f"{path} answered {response.status}"
    if visit.then:
        visit.then(page)
    page.wait_for_load_state()
    # The page really is in the language under test, or the English case would check the
    # Italian page a second time.
    expect(page.locator("html")).to_have_attribute("lang", language)

    violations = axe.run(page).response["violations"]
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    lesser = [v for v in violations if v["impact"] not in FAILING_IMPACTS]
    if lesser:
        warnings.warn(
            f"axe on {page.url} ({language}), minor or moderate:\n{describe(lesser)}",
            stacklevel=1,
        )
    if failing:
        pytest.fail(
            f"axe found {len(failing)} serious or critical violation(s) on {page.url} "
            f"({language}):\n{describe(failing)}",
            pytrace=False,
        )
