"""The practices' journeys in a real browser: a zone shares a practice, the staff review it,
a visitor finds it, another zone takes it home.

Elements are found by id, name, role and URL, not by wording: the Italian catalogue is being
written and may reword any of it. The one sentence checked word for word is checked in English,
the language the portal's strings are written in.
"""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, Request, expect

from tests.factories import PracticeFactory

pytestmark = pytest.mark.browser

TITLE = "Pedibus per le scuole di Pinerolo"
SUMMARY = "Gli alunni vanno a scuola a piedi, accompagnati da genitori e nonni volontari."
DESCRIPTION = "## Come funziona\n\nTre linee, ogni mattina, con **volontari** formati."
THEMES = ["Scuola e istruzione", "Trasporto pubblico locale e mobilità"]
MUNICIPALITIES = ["Pinerolo", "Pinasca"]
CHANGES_NOTE = "Aggiungete i risultati ottenuti nel primo anno."
EVIDENCE = "Il traffico davanti alle scuole è calato di un terzo in un anno."
PUBLISH_NOTE = "Completa e chiara: pubblicata nel catalogo."
# A published practice of another zone, which the searches must leave out.
OTHER_TITLE = "Trasporto a chiamata nelle frazioni"
OTHER_SUMMARY = "Un minibus prenotabile per telefono collega le frazioni ai servizi."
ADOPTING_MUNICIPALITIES = ["Moncalieri", "Nichelino"]
STAGES = ["in_contact", "adapting", "piloting", "adopted"]
# The adoption headline in any language: "1" zone "of 11", "2" municipalities, in this order.
ADOPTION_FIGURES = re.compile(r"^\D*(?<!\d)1\D+11\D+2\D*$")
RESULTS = "#practice-results article"


def logged_in_page(new_context, log_in, user) -> Page:
    context: BrowserContext = new_context()
    log_in(context, user)
    return context.new_page()


def click_label(scope, text: str) -> None:
    """Tick a checkbox as a person does: Bootstrap Italia hides the box and draws the label."""
    scope.get_by_text(text, exact=True).click()
    expect(scope.get_by_label(text, exact=True)).to_be_checked()


def mark_document(page: Page) -> None:
    """A marker on window, which survives only if the page is never reloaded."""
    page.evaluate("window.__noFullNavigation = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__noFullNavigation") is True


def practice_status(pk: int) -> str:
    from practices.models import Practice

    return Practice.objects.get(pk=pk).status


def decide_in_queue(page: Page, pk: int, to_status: str, note: str) -> None:
    """From the moderation queue, in place: the row becomes what the practice has become."""
    page.goto("/pratiche/moderazione/")
    row = page.locator(f"#queue-practice-{pk}")
    expect(row.get_by_role("link", name=TITLE)).to_be_visible()
    mark_document(page)
    row.locator("textarea[name=note]").fill(note)
    row.locator(f"button[value={to_status}]").click()
    expect(row.get_by_role("status")).to_be_visible()
    expect(row.locator("form")).to_have_count(0)
    assert_not_reloaded(page)
    assert practice_status(pk) == to_status


def submit_for_review(page: Page, pk: int) -> None:
    """The owning zone's button on the practice page; the page reloads with the new status."""
    page.locator("#practice-actions button[value=submitted]").click()
    expect(page.locator("#practice-actions button")).to_have_count(0)
    expect(page.locator("main .messages .alert-success")).to_be_visible()
    # No longer editable by the zone while the staff review it.
    expect(page.locator(f"#practice-actions a[href='/pratiche/{pk}/modifica/']")).to_have_count(0)
    assert practice_status(pk) == "submitted"


def test_a_practice_from_a_zone_draft_to_adoption_in_another_zone(
    new_context,
    log_in,
    live_themes,
    live_spokesperson,
    live_spokesperson_3,
    live_staff,
    mailoutbox,
):
    from practices.models import Practice, Transfer
    from zones.models import Zone

    PracticeFactory(
        zone=Zone.objects.get(number=2),
        status="published",
        published_at=timezone.now(),
        title=OTHER_TITLE,
        summary=OTHER_SUMMARY,
    )

    # --- The spokesperson of zone 5 writes the practice, from the catalogue's button. --------
    spokesperson = logged_in_page(new_context, log_in, live_spokesperson)
    spokesperson.goto("/pratiche/")
    spokesperson.locator("main a[href='/pratiche/nuova/']").click()
    expect(spokesperson).to_have_url(re.compile(r"/pratiche/nuova/$"))

    form = spokesperson.locator("main form[action='/pratiche/nuova/']")
    # Their one zone is chosen already.
    expect(form.locator("#id_zone")).to_have_value(str(Zone.objects.get(number=5).pk))
    form.locator("#id_title").fill(TITLE)
    form.locator("#id_summary").fill(SUMMARY)
    form.locator("#id_description").fill(DESCRIPTION)
    for theme in THEMES:
        click_label(form.locator("#id_themes"), theme)
    for name in MUNICIPALITIES:
        click_label(form.locator("#id_municipalities"), name)
    form.locator("button[type=submit]").click()

    expect(spokesperson).to_have_url(re.compile(r"/pratiche/\d+/$"))
    pk = int(re.search(r"/pratiche/(\d+)/$", spokesperson.url)[1])
    expect(spokesperson.locator("main .messages .alert-success")).to_be_visible()
    expect(spokesperson.locator("h1")).to_have_text(TITLE)
    # The Markdown is rendered: the heading and the emphasis, not their marks.
    description = spokesperson.locator("section[aria-labelledby=description-heading]")
    expect(description.get_by_role("heading", name="Come funziona")).to_be_visible()
    expect(description.locator("strong")).to_have_text("volontari")
    facts = spokesperson.locator("section[aria-labelledby=facts-heading]")
    for text in [*THEMES, *MUNICIPALITIES]:
        expect(facts).to_contain_text(text)

    practice = Practice.objects.get(pk=pk)
    assert (practice.status, practice.zone.number, practice.created_by) == (
        "draft",
        5,
        live_spokesperson,
    )
    assert sorted(practice.themes.values_list("name_it", flat=True)) == sorted(THEMES)
    assert sorted(practice.municipalities.values_list("name", flat=True)) == sorted(MUNICIPALITIES)

    submit_for_review(spokesperson, pk)

    # --- The staff ask for changes, from the moderation queue, in place. --------------------
    staff = logged_in_page(new_context, log_in, live_staff)
    decide_in_queue(staff, pk, "changes_requested", CHANGES_NOTE)

    # --- The spokesperson reads the note on "my zone's work" and on the practice page. ------
    spokesperson.goto("/pratiche/mia-zona/")
    row = spokesperson.locator("main tr", has=spokesperson.get_by_role("link", name=TITLE))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(CHANGES_NOTE)
    expect(spokesperson.locator("#status-changes_requested")).to_contain_text("(1)")
    row.get_by_role("link", name=TITLE).click()
    expect(spokesperson).to_have_url(re.compile(rf"/pratiche/{pk}/$"))
    expect(spokesperson.locator("#practice-actions .callout")).to_contain_text(CHANGES_NOTE)

    # ... edits the practice as asked ...
    spokesperson.locator(f"#practice-actions a[href='/pratiche/{pk}/modifica/']").click()
    expect(spokesperson).to_have_url(re.compile(rf"/pratiche/{pk}/modifica/$"))
    form = spokesperson.locator(f"main form[action='/pratiche/{pk}/modifica/']")
    expect(form.locator("#id_title")).to_have_value(TITLE)
    expect(form.get_by_label(THEMES[0], exact=True)).to_be_checked()
    form.locator("#id_evidence_of_success").fill(EVIDENCE)
    form.locator("button[type=submit]").click()
    expect(spokesperson).to_have_url(re.compile(rf"/pratiche/{pk}/$"))
    expect(spokesperson.locator("section[aria-labelledby=evidence-heading]")).to_contain_text(
        EVIDENCE
    )

    # ... and submits it again.
    submit_for_review(spokesperson, pk)
    practice.refresh_from_db()
    assert practice.evidence_of_success == EVIDENCE
    assert list(practice.themes.order_by("name_it").values_list("name_it", flat=True)) == sorted(
        THEMES
    )

    # --- The staff publish it, with a note; the queue marks it as coming back. --------------
    staff.goto("/pratiche/moderazione/")
    expect(staff.locator(f"#queue-practice-{pk} .badge")).to_have_count(1)  # "submitted again"
    decide_in_queue(staff, pk, "published", PUBLISH_NOTE)
    staff.goto(f"/pratiche/{pk}/")
    history = staff.locator("section[aria-labelledby=moderation-heading] tbody tr")
    expect(history).to_have_count(4)  # submitted, changes requested, submitted, published
    expect(history.nth(1)).to_contain_text(CHANGES_NOTE)
    expect(history.nth(3)).to_contain_text(PUBLISH_NOTE)

    # The zone's spokesperson was told by e-mail, with the staff's notes.
    to_zone = [m.body for m in mailoutbox if live_spokesperson.email in m.to]
    assert any(CHANGES_NOTE in body for body in to_zone)
    assert any(PUBLISH_NOTE in body for body in to_zone)

    # --- A visitor finds it by searching the singular of a word its title has plural. -------
    visitor = new_context().new_page()
    visitor.goto("/pratiche/")
    expect(visitor.locator(RESULTS)).to_have_count(2)
    mark_document(visitor)
    requests: list[Request] = []
    visitor.on("request", lambda request: requests.append(request))
    visitor.locator("#id_q").fill("scuola")  # the title says "scuole"

    expect(visitor).to_have_url(re.compile(r"/pratiche/\?(.*&)?q=scuola(&|$)"))
    expect(visitor.locator(RESULTS)).to_have_count(1)
    expect(visitor.locator(RESULTS).get_by_role("heading")).to_have_text(TITLE)
    expect(visitor.locator("#practice-count")).to_contain_text("1")
    assert_not_reloaded(visitor)
    assert [r for r in requests if r.resource_type == "document"] == []
    assert any(r.headers.get("hx-request") == "true" for r in requests)

    visitor.locator(RESULTS).get_by_role("link", name=TITLE).click()
    expect(visitor).to_have_url(re.compile(rf"/pratiche/{pk}/$"))
    expect(visitor.locator("h1")).to_have_text(TITLE)
    # Only the published practice: no actions, no moderation history for a visitor.
    expect(visitor.locator("#practice-actions > *")).to_have_count(0)
    expect(visitor.locator("#moderation-heading")).to_have_count(0)
    expect(visitor.locator("#transfer-interest")).to_have_count(0)

    # --- The spokesperson of zone 3 declares the zone's interest ... ------------------------
    adopter = logged_in_page(new_context, log_in, live_spokesperson_3)
    adopter.goto(f"/pratiche/{pk}/")
    mark_document(adopter)
    interest = adopter.locator("#transfer-interest")
    for name in ADOPTING_MUNICIPALITIES:
        click_label(interest, name)
    interest.locator("textarea[name=interest-note]").fill("Ci interessa per Moncalieri.")
    interest.locator("button[type=submit]").click()

    ledger = adopter.locator("#transfer-ledger")
    expect(ledger.locator(":scope > [role=status]")).to_be_visible()
    cards = ledger.locator("article[id^=transfer-]")
    expect(cards).to_have_count(1)
    # Declared once, the zone cannot declare again.
    expect(adopter.locator("#transfer-interest")).to_have_count(0)
    transfer = Transfer.objects.get(practice_id=pk)
    assert transfer.zone.number == 3 and transfer.stage == "interested"
    card = adopter.locator(f"#transfer-{transfer.pk}")
    expect(card).to_contain_text("Moncalieri")

    # ... and records each stage of the take-up, dated today, up to the adoption.
    today = timezone.localdate().isoformat()
    field = f"#id_transfer-{transfer.pk}-"
    for steps, stage in enumerate(STAGES, start=2):
        card.locator("details > summary").click()
        card.locator(f"{field}to_stage").select_option(stage)
        card.locator(f"{field}on").fill(today)
        card.locator(f"{field}note").fill(f"Nota della fase {steps}.")
        if stage == "adopted":
            card.locator(f"{field}cost").fill("1.234,50")  # written the Italian way
            card.locator(f"{field}result").fill("Duecento alunni a piedi ogni mattina.")
        card.locator("form button[type=submit]").click()
        # The card is redrawn in place, one stage longer.
        expect(card.locator("table tbody tr")).to_have_count(steps)
        expect(card.get_by_role("status")).to_be_visible()
    assert_not_reloaded(adopter)

    expect(card.locator(f"tbody th time[datetime='{today}']")).to_have_count(len(STAGES) + 1)
    expect(card.locator("details")).to_have_count(0)  # adopted: the ledger is closed
    expect(card).to_contain_text("1.234,50")
    transfer.refresh_from_db()
    assert transfer.stage == "adopted"
    assert transfer.cost == Decimal("1234.50")
    assert list(transfer.steps.values_list("stage", flat=True)) == ["interested", *STAGES]
    assert {step.on.isoformat() for step in transfer.steps.all()} == {today}

    # The headline, updated with the card: adopted in 1 of the 11 zones, by 2 municipalities.
    headline = adopter.locator("#transfer-headline")
    expect(headline.locator("p.lead")).to_have_text(ADOPTION_FIGURES)
    expect(headline.locator(f"a[href='#transfer-{transfer.pk}']")).to_have_count(1)
    # ... and so it stays for everyone: the visitor reloads the page.
    visitor.reload()
    expect(visitor.locator("#transfer-headline p.lead")).to_have_text(ADOPTION_FIGURES)
    # The sentence itself, in the language the strings are written in.
    english = new_context(locale="en-GB").new_page()
    english.goto(f"/pratiche/{pk}/")
    expect(english.locator("#transfer-headline p.lead")).to_have_text(
        "Adopted in 1 of 11 zones, 2 municipalities."
    )


def test_catalogue_search_forgives_plurals_without_javascript(
    new_context, live_territory, live_themes
):
    from zones.models import Zone

    for number, title, summary in [
        (5, TITLE, SUMMARY),
        (2, OTHER_TITLE, OTHER_SUMMARY),
        (9, "Orti urbani condivisi", "Orti comunali affidati alle associazioni."),
    ]:
        PracticeFactory(
            zone=Zone.objects.get(number=number),
            status="published",
            published_at=timezone.now(),
            title=title,
            summary=summary,
        )
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/pratiche/")
    expect(page.locator(RESULTS)).to_have_count(3)

    # "trasporti" finds "Trasporto a chiamata"; "scuola" finds "le scuole".
    for query, title in [("trasporti", OTHER_TITLE), ("scuola", TITLE)]:
        page.locator("#id_q").fill(query)
        page.locator("#id_q").press("Enter")
        expect(page).to_have_url(re.compile(rf"/pratiche/\?(.*&)?q={query}(&|$)"))
        expect(page.locator(RESULTS)).to_have_count(1)
        expect(page.locator(RESULTS).get_by_role("heading")).to_have_text(title)
        expect(page.locator("#id_q")).to_have_value(query)

    # No match: the page says so and offers the whole catalogue again.
    page.locator("#id_q").fill("biblioteche")
    page.locator("#id_q").press("Enter")
    expect(page.locator(RESULTS)).to_have_count(0)
    page.locator("#practice-results a[href='/pratiche/']").click()
    expect(page).to_have_url(re.compile(r"/pratiche/$"))
    expect(page.locator(RESULTS)).to_have_count(3)
