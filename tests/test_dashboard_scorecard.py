"""The zone scorecard (/cruscotto/): each figure against hand-built data, the lists behind the
figures, who sees what, the period, the CSV downloads and the number of queries."""

import csv
import datetime
import io
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import ActionItem, Invitation
from practices.models import Comment, Practice, TransferStep
from zones.models import Zone

from .factories import (
    CommentFactory,
    MembershipFactory,
    PracticeFactory,
    TransferFactory,
    UserFactory,
)
from .meetings.helpers import action, held, schedule

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PAGE = reverse("dashboard")
CSV = reverse("dashboard-scorecard-csv")
TODAY = timezone.localdate()
LONG_AGO = timezone.now() - datetime.timedelta(days=800)


def zone(number: int) -> Zone:
    return Zone.objects.get(number=number)


def list_url(number: int, figure: str, **query) -> str:
    url = reverse("dashboard-scorecard-list", kwargs={"zone": number, "figure": figure})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def cell(html: str, cell_id: str) -> str:
    """The text of one scorecard cell, whitespace squeezed."""
    match = re.search(rf'<td class="num" id="{cell_id}">(.*?)</td>', html, re.S)
    assert match, f"no cell {cell_id}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def links(html: str, cell_id: str) -> list[str]:
    match = re.search(rf'<td class="num" id="{cell_id}">(.*?)</td>', html, re.S)
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', match.group(1))]


def record(meeting, number: int, attendance: str, staff, attended_by: str = "") -> None:
    invitation = Invitation.objects.get(meeting=meeting, zone__number=number)
    services.record_attendance(
        invitation=invitation, by=staff, attendance=attendance, attended_by=attended_by
    )


def adopt(practice, number: int, on: datetime.date):
    transfer = TransferFactory(practice=practice, zone=zone(number), stage="adopted")
    TransferStep.objects.create(transfer=transfer, stage="adopted", on=on)
    return transfer


@pytest.fixture
def work(territory, staff_user, spokesperson):
    """Zone 5's year, with around it what must not count."""
    # Meetings: one held ten days ago (5 present, 3 absent, 4 by a substitute; 5 had
    # answered, 3 had not), one held long ago, one cancelled in the period.
    recent = held(staff_user, days_ago=10, present=(5,))
    record(recent, 3, "absent", staff_user)
    record(recent, 4, "substitute", staff_user, "Vice sindaca")
    Invitation.objects.filter(meeting=recent, zone__number=5).update(answer="attending")
    Invitation.objects.filter(meeting=recent, zone__number=4).update(
        answer="substitute", substitute="Vice sindaca"
    )
    old = held(staff_user, days_ago=500, present=(5, 3))
    cancelled = schedule(staff_user, -20)
    services.change_meeting_status(
        meeting=cancelled, to_status="cancelled", by=staff_user, reason="Sala non disponibile"
    )
    Invitation.objects.filter(meeting=cancelled).update(answer="not_attending")

    # Practices of zone 5 created in the period: published, submitted, draft, archived;
    # one published long ago.
    published = PracticeFactory(zone=zone(5), status="published")
    PracticeFactory(zone=zone(5), status="submitted")
    PracticeFactory(zone=zone(5), status="draft")
    PracticeFactory(zone=zone(5), status="archived")
    old_practice = PracticeFactory(zone=zone(5), status="published")
    Practice.objects.filter(pk=old_practice.pk).update(created_at=LONG_AGO)

    # Transfers: zone 3 adopted zone 5's practice five days ago; zone 5 adopted zone 2's; a
    # zone adopted long ago and one only interested do not count.
    adopt(published, 3, TODAY - datetime.timedelta(days=5))
    adopt(PracticeFactory(zone=zone(2), status="published"), 5, TODAY - datetime.timedelta(days=3))
    adopt(published, 7, TODAY - datetime.timedelta(days=700))
    TransferFactory(practice=published, zone=zone(8), stage="interested")

    # Actions decided at the recent meeting: 5 and 3 together (open); 5 done on time; 5 done
    # late; 5 overdue; one for zone 3 alone; one decided long ago for zone 5.
    action(staff_user, recent, zones=(5, 3), title="Insieme")
    on_time = action(staff_user, recent, zones=(5,), title="In tempo")
    late = action(staff_user, recent, zones=(5,), title="In ritardo")
    overdue = action(staff_user, recent, zones=(5,), title="Scaduta")
    action(staff_user, recent, zones=(3,), title="Solo tre")
    ancient = action(staff_user, old, zones=(5,), title="Antica")
    now = timezone.now()
    ActionItem.objects.filter(pk=on_time.pk).update(status="done", completed_at=now)
    ActionItem.objects.filter(pk=late.pk).update(
        status="done", completed_at=now, due_date=TODAY - datetime.timedelta(days=2)
    )
    ActionItem.objects.filter(pk=overdue.pk).update(due_date=TODAY - datetime.timedelta(days=1))
    ActionItem.objects.filter(pk=ancient.pk).update(created_at=LONG_AGO)

    # Comments: two by zone 5's spokesperson, one hidden, one written before they took office
    # (at another zone's time), one by a visitor's account.
    member = MembershipFactory(
        zone=zone(5), since=TODAY - datetime.timedelta(days=100), user=UserFactory()
    ).user
    MembershipFactory(
        zone=zone(3),
        user=member,
        since=TODAY - datetime.timedelta(days=300),
        until=TODAY - datetime.timedelta(days=101),
    )
    CommentFactory(author=member, practice=published)
    CommentFactory(author=member, practice=published)
    hidden = CommentFactory(author=member, practice=published)
    Comment.objects.filter(pk=hidden.pk).update(
        hidden_at=now, hidden_by=staff_user, hidden_reason="Fuori tema"
    )
    earlier = CommentFactory(author=member, practice=published)
    Comment.objects.filter(pk=earlier.pk).update(created_at=now - datetime.timedelta(days=200))
    CommentFactory(author=UserFactory(), practice=published)
    return {"recent": recent, "published": published}


def test_each_figure_of_a_zone(staff_client, work):
    html = staff_client.get(PAGE, **EN).content.decode()
    assert cell(html, "cell-5-attendance") == "100% 1 of 1"
    assert cell(html, "cell-3-attendance") == "0% 0 of 1"
    assert cell(html, "cell-4-attendance") == "100% 1 of 1"  # a substitute counts as present
    assert cell(html, "cell-7-attendance") == "no data 0 of 0"
    assert cell(html, "cell-5-answers") == "100% 1 of 1"  # the cancelled meeting is left out
    assert cell(html, "cell-3-answers") == "0% 0 of 1"
    expected = {
        "practices": "4",
        "practices-published": "1",
        "practices-review": "1",
        "practices-draft": "1",
        "practices-closed": "1",
        "adopted-from": "1",
        "adopted-by": "1",
        "actions": "4",
        "actions-on-time": "1",
        "actions-overdue": "1",
        "comments": "2",
    }
    for key, value in expected.items():
        assert cell(html, f"cell-5-{key}") == value, key
    assert cell(html, "cell-3-adopted-from") == "1"
    assert cell(html, "cell-3-adopted-by") == "0"
    assert cell(html, "cell-3-actions") == "2"
    assert cell(html, "cell-3-comments") == "1"  # written while the member spoke for zone 3


def test_all_zones_and_average(staff_client, work):
    html = staff_client.get(PAGE, **EN).content.decode()
    # Attendance over all zones: 5 present, 4 substitute, 3 absent: 2 of 3.
    assert cell(html, "cell-all-attendance") == "67% 2 of 3"
    assert cell(html, "cell-all-avg-attendance") == "67% 2 of 3"
    # Practices: zone 5's four (and zone 2's one) in the period: 5 over 11 zones.
    assert cell(html, "cell-all-practices") == "5"
    assert cell(html, "cell-all-avg-practices") == "0.5"
    # The action assigned to 5 and 3 together is one action in the all-zones list.
    assert cell(html, "cell-all-actions") == "5"


def test_every_figure_links_to_the_list_it_counts(staff_client, work):
    html = staff_client.get(PAGE, **EN).content.decode()
    for cell_id in [
        "cell-5-practices",
        "cell-5-actions-on-time",
        "cell-5-comments",
        "cell-3-adopted-from",
    ]:
        (url,) = links(html, cell_id)
        count = int(cell(html, cell_id))
        listed = staff_client.get(url, **EN).content.decode()
        rows = re.findall(r"<tr><th scope=\"row\">", listed)
        assert len(rows) == count, cell_id
    attendance = links(html, "cell-5-attendance")
    assert len(attendance) == 2  # the attended and the recorded lists
    listed = staff_client.get(attendance[1], **EN).content.decode()
    assert "Present" in listed and work["recent"].title in listed


def test_lists_show_what_was_counted(staff_client, work):
    page = staff_client.get(list_url(5, "actions-on-time"), **EN).content.decode()
    assert "In tempo" in page
    assert "In ritardo" not in page and "Scaduta" not in page
    page = staff_client.get(list_url(5, "actions-overdue"), **EN).content.decode()
    assert "Scaduta" in page and "In tempo" not in page
    page = staff_client.get(list_url(5, "adopted-by"), **EN).content.decode()
    assert work["published"].title in page
    assert "1 item from" in page


def test_period_changes_the_figures(staff_client, work):
    start = (TODAY - datetime.timedelta(days=800)).isoformat()
    html = staff_client.get(PAGE, {"from": start, "to": TODAY.isoformat()}, **EN).content.decode()
    assert cell(html, "cell-5-practices") == "5"  # the old practice now counts
    assert cell(html, "cell-5-attendance") == "100% 2 of 2"
    assert cell(html, "cell-7-adopted-from") == "1"
    # The links keep the period.
    (url,) = links(html, "cell-5-practices")
    assert f"from={start}" in url
    assert staff_client.get(url).context["page"].paginator.count == 5


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-13-45"},
        {"from": "yesterday"},
        {"from": "2026-06-01", "to": "2026-01-01"},
        {"from": "1200-01-01"},
        {"from": "\x00"},
        {"to": "9999-12-31"},
        {"from": "2099-01-01"},
        {"to": "1999-12-31"},
    ],
)
def test_bad_period_is_reported_and_the_default_used(staff_client, work, query):
    response = staff_client.get(PAGE, query, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="period-error"' in html
    assert cell(html, "cell-5-practices") == "4"
    # The lists behind the figures and the CSV files say so too, and never fail.
    listed = staff_client.get(list_url(5, "practices"), query, **EN)
    assert listed.status_code == 200
    assert 'id="period-error"' in listed.content.decode()
    assert listed.context["page"].paginator.count == 4
    assert staff_client.get(CSV, query).status_code == 200


def test_spokesperson_sees_own_zone_and_the_average(client, work, spokesperson):
    client.force_login(spokesperson)
    html = client.get(PAGE, **EN).content.decode()
    assert cell(html, "cell-5-practices") == "4"
    assert 'id="cell-3-practices"' not in html
    assert 'id="cell-all-practices"' not in html  # the all-zones row is for staff
    assert cell(html, "cell-all-avg-practices") == "0.5"
    assert links(html, "cell-all-avg-practices") == []
    assert client.get(list_url(5, "comments")).status_code == 200
    assert client.get(list_url(3, "comments")).status_code == 403
    assert client.get(list_url(0, "comments")).status_code == 403
    assert (
        client.get(reverse("dashboard-scorecard-list-csv", args=[3, "comments"])).status_code == 403
    )


def test_permissions(client, territory, staff_user, spokesperson):
    urls = [
        PAGE,
        CSV,
        list_url(5, "practices"),
        reverse("dashboard-scorecard-list-csv", args=[5, "practices"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/account/login/" in response["Location"], url
    client.force_login(UserFactory())
    for url in urls:
        assert client.get(url).status_code == 403, url
    former = MembershipFactory(
        zone=zone(4),
        since=TODAY - datetime.timedelta(days=300),
        until=TODAY - datetime.timedelta(days=1),
    ).user
    client.force_login(former)
    assert client.get(PAGE).status_code == 403
    client.force_login(staff_user)
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get(list_url(0, "practices")).status_code == 200
    assert client.get(list_url(12, "practices")).status_code == 404
    assert client.get(list_url(5, "unknown-figure")).status_code == 404
    assert client.post(PAGE).status_code == 405


def read_csv(response, delimiter=","):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


@pytest.mark.parametrize(("sep", "delimiter"), [("", ","), ("semicolon", ";")])
def test_scorecard_csv(staff_client, work, sep, delimiter):
    response = staff_client.get(CSV, {"sep": sep} if sep else {}, **EN)
    assert re.fullmatch(
        rf'attachment; filename="scheda-zone-.*-{TODAY.isoformat()}\.csv"',
        response["Content-Disposition"],
    )
    rows = read_csv(response, delimiter)
    header, *body = rows
    assert header[:5] == [
        "Zone number",
        "Zone",
        "Meetings attended",
        "Meetings with attendance recorded",
        "Attendance rate (%)",
    ]
    assert len(body) == 13  # 11 zones, all zones, average
    five = next(row for row in body if row[0] == "5")
    assert dict(zip(header, five, strict=True))["Practices shared"] == "4"
    assert dict(zip(header, five, strict=True))["Actions: Done on time"] == "1"
    assert dict(zip(header, five, strict=True))["Attendance rate (%)"] == "100"
    seven = next(row for row in body if row[0] == "7")
    assert dict(zip(header, seven, strict=True))["Attendance rate (%)"] == ""
    assert body[-1][1] == "Average per zone"


def test_spokesperson_csv_has_own_zone_and_average(client, work, spokesperson):
    client.force_login(spokesperson)
    rows = read_csv(client.get(CSV, **EN))
    assert [row[0] for row in rows[1:]] == ["5", ""]


@pytest.mark.parametrize(("sep", "delimiter"), [("", ","), ("semicolon", ";")])
def test_list_csv(staff_client, work, sep, delimiter):
    url = reverse("dashboard-scorecard-list-csv", args=[5, "actions"])
    rows = read_csv(staff_client.get(url, {"sep": sep} if sep else {}, **EN), delimiter)
    assert rows[0][0] == "Action"
    assert sorted(row[0] for row in rows[1:]) == ["In ritardo", "In tempo", "Insieme", "Scaduta"]


def test_constant_queries(staff_client, work, staff_user, django_assert_max_num_queries):
    staff_client.get(PAGE)
    with django_assert_max_num_queries(30) as small:
        staff_client.get(PAGE)
    with django_assert_max_num_queries(30) as small_list:
        staff_client.get(list_url(0, "actions"))
    for number in range(1, 12):
        practice = PracticeFactory(zone=zone(number), status="published")
        meeting = held(staff_user, days_ago=number, present=(number,))
        action(staff_user, meeting, zones=(number, 5), title=f"Azione {number}")
        CommentFactory(author=MembershipFactory(zone=zone(number)).user, practice=practice)
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(PAGE)
    with django_assert_max_num_queries(len(small_list.captured_queries)):
        staff_client.get(list_url(0, "actions"))


def test_the_period_reads_from_and_to_in_italian(staff_client, territory):
    """The labels are the period's, not the status change's ("Stato precedente")."""
    html = staff_client.get(PAGE, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert re.search(r'<label for="id_from"[^>]*>\s*Dal\s*</label>', html)
    assert re.search(r'<label for="id_to"[^>]*>\s*Al\s*</label>', html)
    assert "Stato precedente" not in html
    trends = staff_client.get(reverse("dashboard-trends"), HTTP_ACCEPT_LANGUAGE="it")
    assert "Stato precedente" not in trends.content.decode()
