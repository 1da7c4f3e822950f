"""The zones' consultation on a revision of the Strategic Plan, in a real browser: the staff open
it with its document, two zones answer, one revises its answer, the deadline passes, and the
staff print the consolidated opinion.

The pages are read in English, the language the portal's strings are written in; fields are
found by their labels and buttons by their names, as a person finds them.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ENGLISH = "en-GB"
TITLE = "Opinion of the zones on the 2027 update"
SUCCESS = "main .messages .alert-success"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def english_page(new_context, log_in, user) -> Page:
    context = new_context(locale=ENGLISH)
    log_in(context, user)
    return context.new_page()


def choose(scope, label: str) -> None:
    """Pick a radio button or tick a checkbox by its label, as a person does."""
    scope.locator("label").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).click()
    expect(scope.get_by_label(label, exact=True)).to_be_checked()


@pytest.fixture
def draft_plan(transactional_db, settings, tmp_path):
    from plans.models import Axis, Plan

    settings.MEDIA_ROOT = tmp_path / "media"
    plan = Plan.objects.create(code="PSM-2027-2029", title="Plan update", period="2027-2029")
    for number, name in ((1, "A digital metropolis"), (2, "A green metropolis"), (3, "Health")):
        Axis.objects.create(plan=plan, number=number, name_it=name, name_en=name)
    return plan


def test_a_consultation_from_its_opening_to_the_printed_consolidated_opinion(
    new_context,
    log_in,
    live_staff,
    live_spokesperson,
    live_spokesperson_3,
    draft_plan,
    tmp_path,
    mailoutbox,
):
    from plans.models import Consultation, ZoneOpinion

    staff = english_page(new_context, log_in, live_staff)
    zone5 = english_page(new_context, log_in, live_spokesperson)
    zone3 = english_page(new_context, log_in, live_spokesperson_3)

    # --- The staff open the consultation on the draft revision. ------------------------------
    staff.goto("/piano-strategico/consultazioni/")
    staff.get_by_role("link", name="Open a consultation").click()
    expect(staff.locator("main")).to_contain_text("Plan revision: Plan update (2027-2029) · Draft")
    form = staff.locator("main form[enctype]")
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Description").fill("Two axes change: **digital** and **green**.")
    document = tmp_path / "Draft plan 2027.pdf"
    document.write_bytes(PDF)
    form.get_by_label("Document").set_input_files(str(document))
    deadline = timezone.localtime(timezone.now() + timedelta(days=14))
    form.get_by_label("Deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    choose(form, "1. A digital metropolis")
    choose(form, "2. A green metropolis")
    form.get_by_role("button", name="Open the consultation").click()
    expect(staff.locator(SUCCESS)).to_contain_text("The consultation is open")
    expect(staff.locator("h1")).to_have_text(TITLE)
    consultation = Consultation.objects.get(title=TITLE)
    assert consultation.document_name == "Draft plan 2027.pdf"
    assert {live_spokesperson.email, live_spokesperson_3.email} <= {
        address for message in mailoutbox for address in message.to
    }

    # --- Zone 5 answers, favourable with a remark on the green axis. ---------------------------
    zone5.goto(consultation.get_absolute_url())
    expect(zone5.locator("main")).to_contain_text("Draft plan 2027.pdf")
    zone5.get_by_role("link", name="Answer for zone 5. Pinerolese").click()
    form = zone5.locator("main form")
    choose(form, "Favourable with remarks")
    form.get_by_label("Text of the opinion").fill("The zone agrees, with one remark.")
    form.get_by_label("Remark on axis 2. A green metropolis").fill("More trains to the valleys.")
    form.get_by_role("button", name="Send the zone's answer").click()
    expect(zone5.locator(SUCCESS)).to_contain_text("The answer of zone 5. Pinerolese is saved.")
    expect(zone5.locator("#zone-5")).to_contain_text("More trains to the valleys.")

    # --- Zone 3 answers unfavourably; it does not see zone 5's opinion before the deadline. ---
    zone3.goto(consultation.get_absolute_url())
    zones = zone3.locator("#zones")
    expect(zones.locator("tr", has_text="5. Pinerolese")).to_contain_text(
        "shown after the deadline"
    )
    expect(zone3.locator("main")).not_to_contain_text("More trains to the valleys.")
    zone3.get_by_role("link", name=re.compile(r"^Answer for zone 3\.")).click()
    form = zone3.locator("main form")
    choose(form, "Unfavourable")
    form.get_by_label("Text of the opinion").fill("The hills are left out.")
    form.get_by_role("button", name="Send the zone's answer").click()
    expect(zone3.locator(SUCCESS)).to_contain_text("is saved")

    # --- Zone 5 revises its answer: a second version, both kept. ------------------------------
    zone5.get_by_role("link", name="Revise the answer of zone 5. Pinerolese").click()
    form = zone5.locator("main form")
    expect(form.get_by_label("Text of the opinion")).to_have_value(
        "The zone agrees, with one remark."
    )
    choose(form, "Favourable")
    form.get_by_label("Text of the opinion").fill("The zone agrees.")
    form.get_by_label("Remark on axis 2. A green metropolis").fill("")
    form.get_by_role("button", name="Save the revised answer").click()
    expect(zone5.locator(SUCCESS)).to_contain_text("is saved")
    history = zone5.locator("#zone-5 details")
    history.locator("summary").click()
    expect(history).to_contain_text("Version 2 · Favourable ·")
    expect(history).to_contain_text("Version 1 · Favourable with remarks ·")
    expect(history).to_contain_text("2. A green metropolis: removed")
    assert ZoneOpinion.objects.get(zone__number=5).version == 2

    # --- The deadline passes (moved into the past in the database: a test cannot wait). -----
    Consultation.objects.filter(pk=consultation.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    zone5.goto(consultation.get_absolute_url())
    expect(zone5.get_by_role("link", name=re.compile(r"^Revise the answer"))).to_have_count(0)
    expect(zone5.locator("#zone-3")).to_contain_text("The hills are left out.")

    # --- The staff print the consolidated opinion. ---------------------------------------------
    staff.goto(consultation.get_absolute_url())
    staff.get_by_role("link", name="Consolidated opinion", exact=True).click()
    expect(staff.locator("h1")).to_have_text("Consolidated opinion of the zones")
    main = staff.locator("main")
    expect(main).to_contain_text("these answers are final")
    expect(main).to_contain_text("2 zones of 11 answered.")
    expect(staff.locator("#zone-5")).to_contain_text("The zone agrees.")
    expect(staff.locator("#zone-3")).to_contain_text("Opinion: Unfavourable")
    expect(staff.locator("#zone-1")).to_contain_text("Did not answer.")
    print_button = staff.get_by_role("button", name="Print")
    expect(print_button).to_be_visible()  # shown by print.js
    staff.emulate_media(media="print")
    expect(staff.locator(".it-header-wrapper")).to_be_hidden()
    expect(print_button).to_be_hidden()
    expect(staff.locator("#zone-5")).to_be_visible()
