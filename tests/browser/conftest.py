"""Fixtures for the end-to-end tests: one headless Chromium per session, a fresh context per test.

The tests drive Debian's Chromium through Playwright's sync API (not pytest-playwright) against
pytest-django's ``live_server``, which runs with DEBUG off, so the portal's own error pages are
the ones shown. Without ``/usr/bin/chromium`` the tests are skipped, except under ``CI=true``,
where a missing browser fails them: CI must not go green without having run them.
"""

import importlib
import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from roundtable.roles import staff_group
from tests.factories import (
    CommentFactory,
    MembershipFactory,
    MunicipalityFactory,
    PracticeFactory,
    UserFactory,
)
from zones.territory import load_directory

# Playwright's sync API keeps an event loop in the test thread, and Django refuses ORM calls
# when it sees one. Set here (tests/conftest.py sets it too) before any fixture or test touches
# the database; Django reads it at every call, so setting it at import time is early enough.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = f"Chromium not found at {CHROMIUM}: apt-get install chromium"

# Generous for a loaded CI machine, short enough that a broken page fails in seconds.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"{MISSING_CHROMIUM}. The browser tests are required when CI=true.",
                pytrace=False,
            )
        pytest.skip(MISSING_CHROMIUM)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser, live_server) -> Iterator[Callable[..., BrowserContext]]:
    """Make a browser context on the live server, Italian unless told otherwise.

    Keyword arguments go to ``Browser.new_context`` (``locale``, ``java_script_enabled``...);
    relative URLs resolve against the live server; every context is closed after the test.
    """
    contexts: list[BrowserContext] = []
    # The portal runs under a strict Content Security Policy (settings.CONTENT_SECURITY_POLICY):
    # anything it refuses (an inline style or script, another origin) is a defect of the page.
    refused: list[str] = []

    def note_refusal(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            refused.append(f"{message.location.get('url', '')}: {message.text}")

    def make(**options) -> BrowserContext:
        context = browser.new_context(**{"base_url": live_server.url, "locale": "it-IT", **options})
        context.set_default_timeout(TIMEOUT_MS)
        context.on("console", note_refusal)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not refused, "The Content Security Policy refused:\n" + "\n".join(refused)


@pytest.fixture
def page(new_context) -> Page:
    """A page in a fresh Italian context (Accept-Language: it-IT)."""
    return new_context().new_page()


@pytest.fixture
def live_territory(transactional_db) -> None:
    """The shipped territory (11 zones, 312 municipalities), committed so the live server sees it.

    ``tests/conftest.py``'s ``territory`` would work too (``live_server`` makes ``db``
    transactional), but asking for ``transactional_db`` here says what the browser tests need.
    """
    load_directory(settings.TERRITORY_DIR)


@pytest.fixture
def live_spokesperson(live_territory):
    """The spokesperson of zone 5 (Pinerolese), with a name to look for in the header."""
    from zones.models import Zone

    user = UserFactory(email="portavoce5@example.org", first_name="Giovanna", last_name="Ferrero")
    MembershipFactory(user=user, zone=Zone.objects.get(number=5))
    return user


@pytest.fixture
def live_staff(transactional_db):
    """A member of the metropolitan staff."""
    user = UserFactory(
        email="staff@example.org", first_name="Marta", last_name="Bianchi", is_staff=True
    )
    user.groups.add(staff_group())
    return user


@pytest.fixture
def live_staff_without_mfa(transactional_db):
    """A member of the staff who has not set up two-step verification yet (every other staff
    user of the tests has: tests/conftest.py gives them an authenticator app)."""
    from allauth.mfa.models import Authenticator

    user = UserFactory(email="nuovo.staff@example.org", first_name="Nadia", last_name="Nuova")
    user.groups.add(staff_group())
    Authenticator.objects.filter(user=user).delete()
    return user


@pytest.fixture
def live_recovery_codes(live_staff) -> None:
    """The staff member's recovery codes, made as setting up the authenticator app makes them."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(live_staff)


@pytest.fixture
def unassigned_municipality(live_territory):
    """A municipality with no zone, so the pages that list them have something to show."""
    return MunicipalityFactory(name="Comune senza zona", zone=None, zone_evidence="")


@pytest.fixture
def log_in(live_server) -> Callable[[BrowserContext, object], None]:
    """Log ``user`` in by handing the context a session cookie.

    The log-in form has its own journey test; the other tests skip it to stay fast.
    """

    def log_in(context: BrowserContext, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return log_in


# --- Practices --------------------------------------------------------------------------------


@pytest.fixture
def live_themes(transactional_db) -> None:
    """The ten themes, seeded again as their data migration does.

    A transactional test empties every table when it ends, rows seeded by migrations included:
    without this only the first browser test of a run would find the themes.
    """
    importlib.import_module("practices.migrations.0002_seed_themes").seed(apps, None)


@pytest.fixture
def live_spokesperson_3(live_territory):
    """The spokesperson of zone 3 (AMT Sud): another zone, to take up zone 5's practices."""
    from zones.models import Zone

    user = UserFactory(email="portavoce3@example.org", first_name="Paolo", last_name="Rostagno")
    MembershipFactory(user=user, zone=Zone.objects.get(number=3))
    return user


def _theme(slug: str):
    from practices.models import Theme

    return Theme.objects.get(slug=slug)


def _municipalities(*names: str) -> list:
    from zones.models import Municipality

    found = list(Municipality.objects.filter(name__in=names))
    assert len(found) == len(names), f"not all of {names} are in the territory"
    return found


@pytest.fixture
def live_practices(
    live_themes, live_spokesperson, live_spokesperson_3, live_staff
) -> dict[str, int]:
    """Practices in every status, with the history, transfers and comments the pages show.

    Built through ``practices.services``, as the portal would have built them. Returns the
    primary keys by role: ``published`` (zone 5, with a moderation history, transfers at every
    stage, comments of every kind, an attachment and a re-check due), ``draft``,
    ``changes_requested``, ``submitted``, ``rejected`` (all zone 5), ``resubmitted`` (zone 7,
    back in the queue after changes) and ``other_published`` (zone 2, taken up by zone 5).
    """
    from practices import services
    from practices.models import Attachment
    from zones.models import Zone

    zones = {zone.number: zone for zone in Zone.objects.all()}
    staff, spokesperson5 = live_staff, live_spokesperson
    today = timezone.localdate()

    def practice(zone: int, themes: tuple[str, ...], **fields):
        created_by = spokesperson5 if zone == 5 else staff
        return PracticeFactory(
            zone=zones[zone],
            created_by=created_by,
            themes=[_theme(slug) for slug in themes],
            **fields,
        )

    def move(practice, *steps: tuple[str, str]) -> None:
        """Lifecycle steps: submitted by the practice's author, decided by the staff."""
        for to_status, note in steps:
            by = practice.created_by if to_status == "submitted" else staff
            services.apply_transition(practice=practice, to_status=to_status, by=by, note=note)

    published = practice(
        5,
        ("scuola-e-istruzione", "trasporto-pubblico-e-mobilita"),
        title="Pedibus per le scuole di Pinerolo",
        summary="Gli alunni delle scuole primarie vanno a scuola a piedi, accompagnati da "
        "genitori e nonni volontari lungo percorsi sicuri.",
        description="## Come funziona\n\nOgni mattina tre linee:\n\n- linea verde\n"
        "- linea blu\n- linea rossa\n\nIl [regolamento](https://example.org/pedibus) "
        "spiega i turni dei **volontari**.",
        main_institution="Comune di Pinerolo",
        contact_person="Ufficio istruzione, tel. 0121 000000",
        start_date=today - timedelta(days=800),
        resources_needed="Pettorine, un'assicurazione, venti volontari.",
        evidence_of_success="Il traffico davanti alle scuole è calato di un terzo.",
        potential_for_transfer="Serve un comune con scuole vicine ai centri abitati.",
    )
    published.municipalities.set(_municipalities("Pinerolo", "Pinasca"))
    move(published, ("submitted", ""), ("published", "Chiara e completa: pubblicata."))
    published.recheck_by = today - timedelta(days=3)
    published.save()
    Attachment.objects.create(
        practice=published,
        title="Regolamento del pedibus",
        file="practices/regolamento-di-prova.pdf",  # listed only: the page never reads it
        original_name="regolamento pedibus.pdf",
        content_type="application/pdf",
        size=123_456,
        uploaded_by=spokesperson5,
    )

    # Its transfers: adopted (with municipalities, cost and result), open ones, a dropped one.
    adopted = services.declare_interest(
        practice=published,
        zone=zones[3],
        by=live_spokesperson_3,
        municipalities=_municipalities("Moncalieri", "Nichelino"),
        note="Ci interessa per le scuole di Moncalieri.",
    )
    for stage in ("in_contact", "adapting", "piloting"):
        services.move_transfer(transfer=adopted, to_stage=stage, by=live_spokesperson_3)
    services.move_transfer(
        transfer=adopted,
        to_stage="adopted",
        by=live_spokesperson_3,
        note="Due linee al posto di tre.",
        cost=Decimal("1234.50"),
        result="Duecento alunni a piedi ogni giorno.",
    )
    services.declare_interest(practice=published, zone=zones[6], by=staff)
    in_contact = services.declare_interest(practice=published, zone=zones[2], by=staff)
    services.move_transfer(transfer=in_contact, to_stage="in_contact", by=staff, note="Sentiti.")
    dropped = services.declare_interest(practice=published, zone=zones[9], by=staff)
    services.move_transfer(
        transfer=dropped,
        to_stage="dropped",
        by=staff,
        drop_reason="Le scuole sono troppo lontane dai centri abitati.",
    )

    # Comments: one plain, one reported, one hidden by the staff.
    CommentFactory(practice=published, author=live_spokesperson_3, body="Ottima idea, grazie.")
    CommentFactory(
        practice=published,
        author=UserFactory(first_name="Mario", last_name="Rossi"),
        body="Un commento fuori tema.",
        reported_by=live_spokesperson_3,
        reported_at=timezone.now(),
        report_reason="Non parla della pratica.",
    )
    CommentFactory(
        practice=published,
        author=UserFactory(first_name="Luca", last_name="Verdi"),
        body="Pubblicità di un negozio.",
        hidden_by=staff,
        hidden_at=timezone.now(),
        hidden_reason="Pubblicità.",
    )

    other_published = practice(
        2,
        ("trasporto-pubblico-e-mobilita",),
        title="Trasporto a chiamata nelle frazioni",
        summary="Un minibus prenotabile per telefono collega le frazioni ai servizi.",
    )
    move(other_published, ("submitted", ""), ("published", "Pubblicata."))
    services.declare_interest(practice=other_published, zone=zones[5], by=spokesperson5)

    draft = practice(
        5,
        ("ambiente-e-verde",),
        title="Orti urbani nelle scuole medie",
        summary="Un orto in ogni cortile scolastico, curato dalle classi.",
    )
    draft.municipalities.set(_municipalities("Pinerolo"))
    changes_requested = practice(
        5,
        ("servizi-digitali-e-lavoro-agile",),
        title="Sportello digitale per gli anziani",
        summary="Volontari aiutano gli anziani con lo SPID e i servizi online.",
    )
    move(changes_requested, ("submitted", ""), ("changes_requested", "Aggiungete i risultati."))
    submitted = practice(
        5,
        ("turismo-e-cultura",),
        title="Biblioteca diffusa",
        summary="I libri della biblioteca nei bar e nei negozi dei paesi.",
    )
    move(submitted, ("submitted", ""))
    rejected = practice(
        5,
        ("salute-e-sicurezza",),
        title="Corso di primo soccorso",
        summary="Un corso per i commercianti.",
    )
    move(rejected, ("submitted", ""), ("rejected", "È un corso, non una pratica da condividere."))
    resubmitted = practice(
        7,
        ("protezione-civile-e-volontariato",),
        title="Squadre di volontari antincendio",
        summary="Volontari formati per il primo intervento nei boschi.",
    )
    move(
        resubmitted,
        ("submitted", ""),
        ("changes_requested", "Indicate i comuni."),
        ("submitted", ""),
    )
    return {
        "published": published.pk,
        "other_published": other_published.pk,
        "draft": draft.pk,
        "changes_requested": changes_requested.pk,
        "submitted": submitted.pk,
        "rejected": rejected.pk,
        "resubmitted": resubmitted.pk,
    }


@pytest.fixture
def many_published_practices(live_themes, live_territory) -> None:
    """Enough published practices for the catalogue to have a second page."""
    from zones.models import Zone

    zones = list(Zone.objects.order_by("number"))
    for number in range(25):
        PracticeFactory(
            zone=zones[number % len(zones)],
            status="published",
            published_at=timezone.now(),
            title=f"Pratica condivisa numero {number + 1}",
        )


# --- Meetings ---------------------------------------------------------------------------------


@pytest.fixture
def live_meetings(live_territory, live_staff, live_spokesperson) -> dict:
    """A held public meeting and an upcoming one, with something on every meetings page.

    The held meeting (``meeting``) has eight zones present, an accepted item (``item``) with a
    vote (``decision``), an action for zones 5 and 3 due today (``action``) and an overdue one
    for zone 5 (``late_action``), and circulated minutes saved twice more, so that a version
    (``minutes_version``) has differences to show. The upcoming meeting (``upcoming``) has the
    two open actions as follow-ups (two accepted items, so they can be moved), a proposal of
    zone 1 (``proposal``) and one of zone 5. The spokesperson of zone 5 exists before anything
    is scheduled, so they have notifications, one of them read; their zone has not answered the
    upcoming meeting's invitation yet.
    """
    import datetime

    from meetings import services
    from meetings.models import ActionItem, AgendaItem, Invitation, Minutes
    from zones.models import Notification, Zone

    zones = {zone.number: zone for zone in Zone.objects.all()}

    def schedule(days, title):
        start = timezone.now() + datetime.timedelta(days=days)
        return services.schedule_meeting(
            by=live_staff,
            title=title,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            place="Palazzo Cisterna, Torino",
            video_url="https://meet.example.org/tavolo",
        )

    held = schedule(-14, "Tavolo di ottobre")
    Invitation.objects.filter(meeting=held, zone__number__lte=8).update(attendance="present")
    item = AgendaItem.objects.create(
        meeting=held, title="Trasporto scolastico", position=1, status="accepted"
    )
    decision = services.record_decision(
        agenda_item=item,
        by=live_staff,
        text="Si avvia la mappatura delle linee.",
        method="vote",
        votes_for=6,
        votes_against=1,
        abstentions=1,
    )
    action = ActionItem.objects.create(
        decision=decision, title="Mappare le linee", due_date=timezone.localdate()
    )
    action.zones.set([zones[5], zones[3]])
    services.change_meeting_status(meeting=held, to_status="held", by=live_staff)
    late = ActionItem.objects.create(
        decision=decision,
        title="Raccogliere gli orari",
        due_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    late.zones.set([zones[5]])
    minutes = Minutes.objects.create(
        meeting=held, body="## Presenti\n\nOtto zone su undici.\n\n## Decisioni\n\nMappatura."
    )
    services.move_minutes(minutes=minutes, to_status="circulated", by=live_staff)
    for body in (
        minutes.body + "\n\n## Azioni\n\nMappare le linee entro oggi.",
        minutes.body.replace("Otto zone", "Le zone presenti erano otto")
        + "\n\n## Azioni\n\nMappare le linee entro oggi; raccogliere gli orari.",
    ):
        minutes = services.save_minutes(
            minutes=minutes, body=body, by=live_staff, version=minutes.version
        )
    upcoming = schedule(14, "Tavolo di dicembre")
    proposal = AgendaItem.objects.create(
        meeting=upcoming,
        title="Sportello unico per le imprese",
        position=9,
        proposing_zone=zones[1],
    )
    AgendaItem.objects.create(
        meeting=upcoming,
        title="Orari dei treni per Pinerolo",
        position=10,
        proposing_zone=zones[5],
        proposed_by=live_spokesperson,
        planned_minutes=20,
    )
    read = Notification.objects.filter(user=live_spokesperson).order_by("created_at", "pk").first()
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    return {
        "meeting": held.number,
        "upcoming": upcoming.number,
        "item": item.pk,
        "decision": decision.pk,
        "action": action.pk,
        "late_action": late.pk,
        "proposal": proposal.pk,
        "minutes_version": minutes.version,
    }


@pytest.fixture
def live_meetings_with_practice(live_meetings, live_practices) -> dict:
    """``live_meetings`` with its agenda item and its action linked to the published practice,
    so the practice's page shows the Round Table's section."""
    from meetings.models import ActionItem, AgendaItem

    AgendaItem.objects.filter(pk=live_meetings["item"]).update(
        practice_id=live_practices["published"]
    )
    ActionItem.objects.filter(pk=live_meetings["action"]).update(
        practice_id=live_practices["published"]
    )
    return {**live_meetings, **live_practices}


@pytest.fixture
def live_expert(transactional_db):
    """An expert (the experts' group): writes opinions on published practices."""
    from roundtable.roles import experts_group

    user = UserFactory(email="esperta@example.org", first_name="Ernesta", last_name="Esperti")
    user.groups.add(experts_group())
    return user


@pytest.fixture
def live_expert_opinion(live_practices, live_expert) -> dict:
    """The published practice with the expert's opinion on it, and a difficulties text."""
    import datetime

    from practices.models import ExpertOpinion, Practice

    Practice.objects.filter(pk=live_practices["published"]).update(
        difficulties="Trovare i volontari per la linea del mattino presto."
    )
    opinion = ExpertOpinion.objects.create(
        practice_id=live_practices["published"],
        author=live_expert,
        assessment="Una pratica semplice e ben documentata.\n\nI dati sul traffico sono solidi.",
        strengths="Costi bassi, volontari motivati.",
        conditions_for_transfer="Scuole vicine ai centri abitati.",
        given_on=datetime.date(2025, 3, 14),
    )
    return {**live_practices, "opinion": opinion.pk}


@pytest.fixture
def live_deletion_request(live_spokesperson, live_staff):
    """Zone 5's spokesperson asked for their account to be deleted; an earlier request of theirs
    was declined."""
    from django.utils import timezone

    from roundtable.models import AccountDeletionRequest

    AccountDeletionRequest.objects.create(
        user=live_spokesperson,
        status="declined",
        decided_by=live_staff,
        decided_at=timezone.now(),
        decline_reason="Serve prima un sostituto.",
    )
    return AccountDeletionRequest.objects.create(user=live_spokesperson, reason="Cambio ente.")


@pytest.fixture
def live_plan_report(live_meetings_with_practice) -> dict:
    """A plan in force whose contribution report has something in each kind of row: axis 1
    (with two strategies) carries the published practice, which zone 5 owns and other zones
    adopted, and the meeting's decision; axis 2 the actions, one of them overdue; axis 3 has
    nothing, nor have most zones."""
    from meetings.models import ActionItem, Decision
    from plans.models import Axis, Plan, Strategy
    from practices.models import Practice

    data = live_meetings_with_practice
    plan = Plan.objects.create(
        code="PSM-2024-2026",
        title="Torino metro(poli)montana",
        period="2024-2026",
        status="in_force",
    )
    axes = [
        Axis.objects.create(plan=plan, number=number, name_it=name)
        for number, name in enumerate(
            ("Torino metropoli digitale", "Torino metropoli verde", "Torino metropoli sana"), 1
        )
    ]
    first = Strategy.objects.create(axis=axes[0], code="1.1", name_it="Servizi digitali")
    Strategy.objects.create(axis=axes[0], code="1.2", name_it="Reti e connessioni")
    practice = Practice.objects.get(pk=data["published"])
    practice.axes.add(axes[0])
    practice.plan_strategies.add(first)
    Decision.objects.get(pk=data["decision"]).axes.add(axes[0])
    for action in ActionItem.objects.filter(pk__in=[data["action"], data["late_action"]]):
        action.axes.add(axes[1])
    return {**data, "plan": plan.code}


# --- Consultations on the Strategic Plan --------------------------------------------------------


@pytest.fixture
def live_consultations(
    live_territory, live_staff, live_spokesperson, live_spokesperson_3, settings, tmp_path
) -> dict:
    """Two consultations on a draft revision with three axes: ``consultation`` open, answered by
    zone 5 twice (its remarks written, changed and removed) and not yet by zone 3;
    ``closed_consultation`` past its deadline, answered by zones 5 and 3, on the agenda of a
    held meeting with a decision recorded. ``consultation_item`` is an agenda item of an
    upcoming meeting that could link one."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetings import services as meeting_services
    from meetings.models import AgendaItem, Invitation
    from plans import services
    from plans.documents import PDF, CheckedDocument
    from plans.models import Axis, Consultation, Plan
    from zones.models import Zone

    settings.MEDIA_ROOT = tmp_path / "media"
    zones = {zone.number: zone for zone in Zone.objects.all()}
    plan = Plan.objects.create(
        code="PSM-2027-2029", title="Aggiornamento del piano", period="2027-2029"
    )
    axes = [
        Axis.objects.create(plan=plan, number=number, name_it=name, name_en=english)
        for number, name, english in (
            (1, "Torino metropoli digitale", "A digital metropolis"),
            (2, "Torino metropoli verde", "A green metropolis"),
            (3, "Torino metropoli sana", "A healthy metropolis"),
        )
    ]
    content = b"%PDF-1.4\n%%EOF\n"

    def consult(title: str) -> Consultation:
        return services.open_consultation(
            by=live_staff,
            plan=plan,
            title=title,
            description="Le zone danno il loro **parere** sulla revisione.",
            deadline=timezone.now() + timedelta(days=10),
            axes=axes,
            upload=SimpleUploadedFile("bozza.pdf", content),
            checked=CheckedDocument("bozza.pdf", PDF, len(content)),
        )

    def answer(consultation, zone, user, verdict, text, remarks):
        current = consultation.opinions.filter(zone=zones[zone]).first()
        services.save_opinion(
            consultation=consultation,
            zone=zones[zone],
            by=user,
            verdict=verdict,
            text=text,
            remarks={axes[number - 1].pk: remark for number, remark in remarks.items()},
            version=current.version if current else 0,
        )

    open_one = consult("Parere delle zone sull'aggiornamento 2027")
    answer(
        open_one,
        5,
        live_spokesperson,
        "favourable_with_remarks",
        "Favorevoli.",
        {1: "Fibra.", 2: "Verde."},
    )
    answer(
        open_one,
        5,
        live_spokesperson,
        "favourable_with_remarks",
        "Favorevoli, con due note.",
        {1: "Fibra nelle valli."},
    )
    closed = consult("Parere sulla bozza di marzo")
    answer(closed, 5, live_spokesperson, "favourable", "Favorevoli senza riserve.", {})
    answer(
        closed,
        3,
        live_spokesperson_3,
        "unfavourable",
        "Contrari: manca la collina.",
        {3: "Collina."},
    )
    Consultation.objects.filter(pk=closed.pk).update(
        deadline=timezone.now() - datetime.timedelta(days=1)
    )
    start = timezone.now() - datetime.timedelta(hours=3)
    meeting = meeting_services.schedule_meeting(
        by=live_staff,
        title="Tavolo sul piano",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="Palazzo Cisterna, Torino",
    )
    Invitation.objects.filter(meeting=meeting).update(attendance="present")
    item = AgendaItem.objects.create(
        meeting=meeting,
        title="Esito della consultazione",
        position=1,
        status="accepted",
        consultation=closed,
    )
    meeting_services.record_decision(
        agenda_item=item, by=live_staff, text="Il Tavolo trasmette il parere consolidato."
    )
    later = timezone.now() + datetime.timedelta(days=7)
    upcoming = meeting_services.schedule_meeting(
        by=live_staff,
        title="Tavolo di gennaio",
        starts_at=later,
        ends_at=later + datetime.timedelta(hours=2),
        place="Palazzo Cisterna, Torino",
    )
    upcoming_item = AgendaItem.objects.create(
        meeting=upcoming, title="Parere sul piano", position=1, status="accepted"
    )
    return {
        "consultation": open_one.pk,
        "closed_consultation": closed.pk,
        "consultation_item": upcoming_item.pk,
        "consultation_plan": plan.code,
    }
