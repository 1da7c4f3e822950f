"""The meetings' journeys in a real browser: a session from its scheduling to the follow-up of
its actions at the next one, and the agenda put in order in place.

The pages are read in English, the language the portal's strings are written in, so that the
Italian catalogue can be reworded without breaking these tests; fields are found by their labels
and buttons by their names, as a person finds them.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = pytest.mark.browser

ENGLISH = "en-GB"
TITLE = "Round Table of spring"
NEXT_TITLE = "Round Table of summer"
PROPOSAL = "Train timetables for Pinerolo"
ATTENDEES = "Giovanna Ferrero, Luca Bruno"
DECISION = "The zones map the school bus lines and collect the timetables."
SHARED_ACTION = "Map the school bus lines"  # zones 5 and 3: zone 5 marks it done
OPEN_ACTION = "Collect the timetables"  # zone 3 only: still open at the next meeting
SUCCESS = "main .messages .alert-success"
ERROR = "main .messages .alert-danger"
#: Zones 1 to 7 present: more than half of the eleven.
PRESENT = range(1, 8)


def english_page(new_context, log_in, user=None, **options) -> Page:
    context: BrowserContext = new_context(locale=ENGLISH, **options)
    if user is not None:
        log_in(context, user)
    return context.new_page()


def local_input(moment) -> str:
    """A time as a datetime-local field takes it, in the portal's time zone (Europe/Rome)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def choose(scope, label: str) -> None:
    """Pick a radio button or tick a checkbox by its label, as a person does: Bootstrap Italia
    hides the input itself and draws the label."""
    scope.locator("label").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).click()
    expect(scope.get_by_label(label, exact=True)).to_be_checked()


def expect_success(page: Page, text: str) -> None:
    expect(page.locator(SUCCESS)).to_contain_text(text)


def schedule(page: Page, title: str, starts_at) -> int:
    """Schedule a meeting through the staff's form; returns its number."""
    page.goto("/riunioni/")
    page.get_by_role("link", name="Schedule a meeting").click()
    expect(page).to_have_url(re.compile(r"/riunioni/nuova/$"))
    form = page.locator("main form[action='/riunioni/nuova/']")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Starts").fill(local_input(starts_at))
    form.get_by_label("Ends").fill(local_input(starts_at + timedelta(hours=2)))
    form.get_by_label("Place").fill("Palazzo Cisterna, Torino")
    form.get_by_label("Video-call link").fill("https://meet.example.org/tavolo")
    form.get_by_role("button", name="Schedule the meeting").click()
    expect(page).to_have_url(re.compile(r"/riunioni/\d+/$"))
    number = int(re.search(r"/riunioni/(\d+)/$", page.url)[1])
    expect_success(page, f"Meeting {number} is scheduled: the 11 zones are invited")
    expect(page.locator("h1")).to_have_text(f"{number}. {title}")
    return number


def record_attendance(page: Page, number: int, present) -> None:
    """The attendance sheet: the zones in ``present`` present, the others absent."""
    from zones.models import Zone

    page.goto(f"/riunioni/{number}/")
    page.get_by_role("link", name="Record the attendance").click()
    expect(page).to_have_url(re.compile(rf"/riunioni/{number}/presenze/$"))
    for zone in Zone.objects.order_by("number"):
        attendance = "present" if zone.number in present else "absent"
        page.get_by_label(f"Attendance of {zone}", exact=True).select_option(attendance)
    page.get_by_role("button", name="Save the attendance").click()
    expect(page).to_have_url(re.compile(rf"/riunioni/{number}/#participation$"))
    expect_success(page, "The attendance is recorded.")
    expect(page.locator("#participation")).to_contain_text(
        f"Zones present: {len(present)} of 11; the quorum needs 6."
    )


def add_action(page: Page, decision, title: str, zones: list[str], due) -> int:
    """From the decision on the meeting's page, an action for ``zones``; returns its key."""
    decision.get_by_role("link", name=re.compile(r"^Add an action")).click()
    form = page.locator("main form")
    form.get_by_label("Title").fill(title)
    for zone in zones:
        choose(form, zone)
    form.get_by_label("Due date").fill(due.isoformat())
    form.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/riunioni/azioni/\d+/$"))
    expect_success(page, "The action is created and the assigned zones are told.")
    expect(page.locator("h1")).to_have_text(title)
    return int(re.search(r"/azioni/(\d+)/$", page.url)[1])


def report(page: Page, text: str, status: str) -> None:
    form = page.locator("#report form")
    form.get_by_label("What was done").fill(text)
    choose(form, status)
    form.get_by_role("button", name="Send the update").click()
    expect_success(page, "The progress update is recorded.")
    expect(page.locator("#updates")).to_contain_text(text)


def test_a_meeting_from_scheduling_to_the_follow_up_of_its_actions(
    new_context, log_in, live_staff, live_spokesperson, live_spokesperson_3, mailoutbox
):
    from meetings.models import ActionItem, AgendaItem, Invitation, Meeting

    staff = english_page(new_context, log_in, live_staff)
    spokesperson = english_page(new_context, log_in, live_spokesperson)

    # --- The staff schedule the meeting, two days ahead. -------------------------------------
    number = schedule(staff, TITLE, timezone.now() + timedelta(days=2))
    meeting = Meeting.objects.get(number=number)
    assert meeting.invitations.count() == 11
    assert any(live_spokesperson.email in mail.to for mail in mailoutbox)

    # --- The spokesperson of zone 5 answers for the zone ... ---------------------------------
    spokesperson.goto(f"/riunioni/{number}/")
    answer = spokesperson.locator("main form[id^=invitation-]")
    expect(answer.locator("legend").first).to_contain_text("5. Pinerolese")
    choose(answer, "Attending")
    answer.get_by_label("Who will come").fill(ATTENDEES)
    answer.get_by_role("button", name="Send the answer").click()
    expect_success(spokesperson, "Your zone's answer is recorded.")
    zone_row = spokesperson.locator("#participation tr", has_text="5. Pinerolese")
    expect(zone_row).to_contain_text(f"Attending ({ATTENDEES})")
    invitation = Invitation.objects.get(meeting=meeting, zone__number=5)
    assert (invitation.answer, invitation.answered_by) == ("attending", live_spokesperson)

    # ... and proposes an item, which waits for the staff's review.
    spokesperson.get_by_role("link", name="Propose an agenda item").click()
    form = spokesperson.locator("main form")
    expect(spokesperson.locator("main")).to_contain_text("For the zone: 5. Pinerolese")
    form.get_by_label("Title").fill(PROPOSAL)
    form.get_by_label("Description").fill("The 7:10 train no longer stops at Piscina.")
    form.get_by_label("Planned duration (minutes)").fill("20")
    form.get_by_label("Presenter").fill("Giovanna Ferrero")
    form.get_by_role("button", name="Send the proposal").click()
    expect_success(spokesperson, f"“{PROPOSAL}” is proposed for zone 5. Pinerolese")
    proposal = AgendaItem.objects.get(meeting=meeting, title=PROPOSAL)
    mine = spokesperson.locator(f"#proposal-{proposal.pk}")
    expect(mine).to_contain_text("Proposed")
    expect(spokesperson.locator(f"#item-{proposal.pk}")).to_have_count(0)

    # --- The staff accept it onto the agenda. ------------------------------------------------
    staff.goto(f"/riunioni/{number}/")
    staff.locator(f"#proposal-{proposal.pk}").get_by_role("button", name="Accept").click()
    expect_success(staff, f"“{PROPOSAL}” is on the agenda.")
    item = staff.locator(f"#item-{proposal.pk}")
    expect(item.get_by_role("heading")).to_have_text(PROPOSAL)
    expect(item).to_contain_text("proposed by zone 5. Pinerolese")
    expect(staff.locator(f"#proposal-{proposal.pk}")).to_have_count(0)
    # Nothing can be recorded before the meeting starts.
    expect(staff.get_by_role("link", name="Record the attendance")).to_have_count(0)
    expect(item.get_by_role("link", name=re.compile(r"^Record a decision"))).to_have_count(0)

    # The day comes. A test cannot wait two days: the meeting is moved to an hour ago in the
    # database (invitations can be answered only before the start, attendance and decisions
    # recorded only after it).
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1)
    )

    # --- The staff mark it held and record who came: first short of the quorum, then not. ----
    staff.goto(f"/riunioni/{number}/")
    staff.get_by_role("button", name="Mark as held").click()
    expect_success(staff, f"Meeting {number} is marked as held")
    expect(staff.locator("main .badge").first).to_have_text("Held")
    record_attendance(staff, number, present=range(1, 6))
    expect(staff.locator("#participation")).to_contain_text("Quorum not reached.")
    record_attendance(staff, number, present=PRESENT)
    expect(staff.locator("#participation")).to_contain_text("Quorum reached.")
    expect(staff.locator("#participation tr", has_text="5. Pinerolese")).to_contain_text("Present")

    # --- A vote on the item: more votes than zones present is refused, the input kept. -------
    staff.locator(f"#item-{proposal.pk}").get_by_role(
        "link", name=re.compile(r"^Record a decision")
    ).click()
    form = staff.locator("main form")
    form.get_by_label("Text of the decision").fill(DECISION)
    choose(form, "Decision")
    choose(form, "Vote")
    form.get_by_label("In favour").fill("6")
    form.get_by_label("Against").fill("1")
    form.get_by_label("Abstaining").fill("1")
    form.get_by_role("button", name="Save").click()
    expect(staff.locator(ERROR)).to_contain_text(
        "The votes (8) are more than the zones present (7)."
    )
    expect(form.get_by_label("Text of the decision")).to_have_value(DECISION)
    form.get_by_label("Abstaining").fill("0")
    form.get_by_role("button", name="Save").click()
    expect_success(staff, "The decision is recorded.")
    decision = staff.locator("[id^=decision-]")
    expect(decision).to_contain_text(DECISION)
    expect(decision).to_contain_text("Vote: 6 in favour, 1 against, 0 abstaining.")

    # --- Two actions: one for zones 5 and 3, one for zone 3 alone. ---------------------------
    due = timezone.localdate() + timedelta(days=30)
    shared = add_action(staff, decision, SHARED_ACTION, ["5. Pinerolese", "3. AMT Sud"], due)
    expect(staff.locator("main dl")).to_contain_text("5. Pinerolese")
    expect(staff.locator("main dl")).to_contain_text("3. AMT Sud")
    staff.goto(f"/riunioni/{number}/")
    remaining = add_action(staff, decision, OPEN_ACTION, ["3. AMT Sud"], due)
    assert set(ActionItem.objects.get(pk=shared).zones.values_list("number", flat=True)) == {3, 5}
    subjects = [mail.subject for mail in mailoutbox if live_spokesperson_3.email in mail.to]
    assert any(SHARED_ACTION in subject for subject in subjects)
    assert any(OPEN_ACTION in subject for subject in subjects)
    staff.goto(f"/riunioni/{number}/")
    expect(staff.locator("[id^=decision-] .decision-actions li")).to_have_count(2)

    # --- The spokesperson of zone 5 finds the action on "my zone's work" and reports. --------
    spokesperson.goto("/pratiche/mia-zona/")
    spokesperson.get_by_role("link", name=SHARED_ACTION).click()
    expect(spokesperson).to_have_url(re.compile(rf"/riunioni/azioni/{shared}/$"))
    # The chain back to the meeting, the item and the decision.
    chain = spokesperson.locator("section[aria-labelledby=chain-heading]")
    expect(chain.get_by_role("link", name=f"{number}. {TITLE}")).to_be_visible()
    expect(chain.get_by_role("link", name=PROPOSAL)).to_be_visible()
    report(spokesperson, "Lines 1 and 2 are mapped.", "In progress")
    expect(spokesperson.locator("#updates")).to_contain_text("Status: Open → In progress")
    report(spokesperson, "All the lines are mapped; the map is on the zone's page.", "Done")
    expect(spokesperson.locator("#updates")).to_contain_text("Status: In progress → Done")
    expect(spokesperson.locator("main .action-status")).to_have_text("Done")
    expect(spokesperson.locator("#report")).to_have_count(0)
    expect(spokesperson.locator("main")).to_contain_text("This action is closed: no more updates.")
    assert ActionItem.objects.get(pk=shared).status == "done"
    assert ActionItem.objects.get(pk=remaining).status == "open"

    # --- The next meeting carries the open action over, and only that one. ------------------
    next_number = schedule(staff, NEXT_TITLE, timezone.now() + timedelta(days=30))
    expect_success(staff, "1 open action of earlier meetings is on its agenda as a follow-up.")
    agenda = staff.locator("#agenda-list")
    expect(agenda.locator("li.agenda-item")).to_have_count(1)
    follow_up = agenda.locator("li.agenda-item").first
    expect(follow_up.get_by_role("heading")).to_contain_text(OPEN_ACTION)
    expect(follow_up.get_by_role("heading")).to_contain_text("follow-up")
    expect(follow_up.get_by_role("link", name=OPEN_ACTION, exact=True)).to_have_attribute(
        "href", f"/riunioni/azioni/{remaining}/"
    )
    expect(agenda).not_to_contain_text(SHARED_ACTION)

    # The remaining action's page says where it was followed up.
    staff.goto(f"/riunioni/azioni/{remaining}/")
    expect(staff.locator("#follow-ups").get_by_role("link")).to_have_text(
        f"{next_number}. {NEXT_TITLE}"
    )


# --- The agenda put in order ------------------------------------------------------------------


@pytest.fixture
def arranged_meeting(live_territory, live_staff) -> int:
    """A scheduled meeting with three items on its agenda, in this order."""
    from meetings import services

    start = timezone.now() + timedelta(days=7)
    meeting = services.schedule_meeting(
        by=live_staff,
        title="Tavolo di maggio",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Palazzo Cisterna, Torino",
    )
    for title in ("Opening", "School transport", "Any other business"):
        services.propose_agenda_item(meeting=meeting, by=live_staff, title=title)
    return meeting.number


def expect_agenda(page: Page, titles: list[str]) -> None:
    expect(page.locator("#agenda-list li.agenda-item h3")).to_have_text(titles)


def test_staff_move_an_item_down_in_place(new_context, log_in, live_staff, arranged_meeting):
    page = english_page(new_context, log_in, live_staff)
    page.goto(f"/riunioni/{arranged_meeting}/")
    expect_agenda(page, ["Opening", "School transport", "Any other business"])
    page.evaluate("window.__noFullNavigation = true")
    documents = []
    page.on("request", lambda r: documents.append(r) if r.resource_type == "document" else None)

    page.get_by_role("button", name="Move down: “Opening”").click()

    expect_agenda(page, ["School transport", "Opening", "Any other business"])
    expect(page.locator("#agenda-status")).to_have_text(
        "“Opening” is now number 2 of 3 on the agenda."
    )
    assert page.evaluate("window.__noFullNavigation") is True
    assert documents == []
    # The first item has no "Move up", the last no "Move down", after the move as before.
    expect(page.get_by_role("button", name="Move up: “School transport”")).to_have_count(0)
    expect(page.get_by_role("button", name="Move down: “Any other business”")).to_have_count(0)

    # And back up, in place again: the redrawn buttons work too.
    page.get_by_role("button", name="Move up: “Opening”").click()
    expect_agenda(page, ["Opening", "School transport", "Any other business"])
    assert page.evaluate("window.__noFullNavigation") is True

    page.reload()
    expect_agenda(page, ["Opening", "School transport", "Any other business"])


def test_staff_move_an_item_without_javascript(new_context, log_in, live_staff, arranged_meeting):
    page = english_page(new_context, log_in, live_staff, java_script_enabled=False)
    page.goto(f"/riunioni/{arranged_meeting}/")

    page.get_by_role("button", name="Move up: “Any other business”").click()

    expect(page).to_have_url(re.compile(rf"/riunioni/{arranged_meeting}/#agenda$"))
    expect_success(page, "“Any other business” is now number 2 of 3 on the agenda.")
    expect_agenda(page, ["Opening", "Any other business", "School transport"])
