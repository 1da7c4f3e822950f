"""The zones' consultation on a revision of the Strategic Plan: staff open it, each zone answers
through its spokesperson and revises until the deadline, then the answers are frozen and kept
with their history; staff remind the zones that have not answered; the consolidated opinion
prints and exports; a meeting's agenda item links it and records its outcome."""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import AgendaItem
from meetings.notifications import send_reminders
from plans import services
from plans.models import AxisRemark, Consultation, ZoneOpinion
from tests.factories import ZoneFactory
from zones.models import Membership, Notification

from ..meetings.helpers import held, item, schedule
from .consultation_helpers import (
    PDF_BYTES,
    answer,
    close,
    docx_bytes,
    eleven_zones,
    make_plan,
    odt_bytes,
    open_consultation,
    pdf,
    speaker,
)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
V = ZoneOpinion.Verdict


@pytest.fixture
def world(db, staff_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    zones = eleven_zones()
    plan = make_plan()
    spokesperson5 = speaker(zones[5], first_name="Giovanna", last_name="Ferrero")
    deputy5 = speaker(zones[5], role=Membership.Role.DEPUTY, first_name="Dario", last_name="Vice")
    spokesperson3 = speaker(zones[3], first_name="Paolo", last_name="Rostagno")
    consultation = open_consultation(staff_user, plan)
    return SimpleNamespace(
        staff=staff_user,
        zones=zones,
        plan=plan,
        axes={axis.number: axis for axis in plan.axes.all()},
        s5=spokesperson5,
        d5=deputy5,
        s3=spokesperson3,
        consultation=consultation,
    )


def logged_in(user) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def answer_url(consultation, zone_number: int) -> str:
    return reverse("plans:opinion-answer", kwargs={"pk": consultation.pk, "zone": zone_number})


def form_data(verdict="favourable", text="Il parere della zona.", version=0, **remarks) -> dict:
    data = {"verdict": verdict, "text": text, "version": str(version)}
    data.update({f"remark_{key.removeprefix('axis')}": value for key, value in remarks.items()})
    return data


def opinion_state() -> list:
    """Everything about the answers, their remarks and their histories, to compare."""
    return [
        list(ZoneOpinion.objects.order_by("pk").values_list()),
        list(AxisRemark.objects.order_by("pk").values_list()),
        ZoneOpinion.history.count(),
        AxisRemark.history.count(),
    ]


# --- Opening a consultation -------------------------------------------------------------------


def open_form(plan, **changes) -> dict:
    deadline = timezone.localtime(timezone.now() + datetime.timedelta(days=20))
    data = {
        "title": "Parere sull'aggiornamento 2027",
        "description": "Cosa cambia: **due assi**.",
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "axes": [axis.pk for axis in plan.axes.filter(number__in=(1, 2))],
        "document": pdf("Bozza PSM 2027.pdf"),
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_staff_open_a_consultation_and_every_zones_spokespersons_are_told(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    Notification.objects.all().delete()
    url = reverse("plans:consultation-create") + f"?piano={world.plan.code}"
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(world.staff).post(url, open_form(world.plan), **EN)

    consultation = Consultation.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == consultation.get_absolute_url()
    assert consultation.plan == world.plan
    assert consultation.opened_by == world.staff
    assert consultation.document_name == "Bozza PSM 2027.pdf"
    assert consultation.document_content_type == "application/pdf"
    assert consultation.document_size == len(PDF_BYTES)
    assert "Bozza" not in consultation.document.name  # stored under a generated name
    assert [axis.number for axis in consultation.axes.order_by("number")] == [1, 2]
    told = {notice.user for notice in Notification.objects.filter(kind="consultation_opened")}
    assert told == {world.s5, world.d5, world.s3}
    assert {address for message in mailoutbox for address in message.to} == {
        world.s5.email,
        world.d5.email,
        world.s3.email,
    }


@pytest.mark.django_db
def test_the_page_offers_the_draft_revision_first_and_any_other_plan(world):
    in_force = make_plan("PSM-2024-2026", status="in_force", axes=6, period="2024-2026")
    browser = logged_in(world.staff)
    page = browser.get(reverse("plans:consultation-create"), **EN).content.decode()
    assert "Piano PSM-2027-2029 (2027-2029) · Draft" in page
    assert f"?piano={in_force.code}" in page
    page = browser.get(reverse("plans:consultation-create") + f"?piano={in_force.code}", **EN)
    assert "6. Axis 6" in page.content.decode()

    url = reverse("plans:consultation-create") + f"?piano={in_force.code}"
    response = browser.post(url, open_form(in_force, axes=[in_force.axes.get(number=6).pk]))
    assert response.status_code == 302
    assert Consultation.objects.latest("pk").plan == in_force


def bad_inputs(world):
    other = make_plan("PSM-2030-2032", axes=1, period="2030-2032")
    past = timezone.localtime(timezone.now() - datetime.timedelta(hours=1))
    return {
        "deadline in the past": (
            {"deadline": past.strftime("%Y-%m-%dT%H:%M")},
            "The deadline must be in the future.",
        ),
        "no axis": ({"axes": []}, "Choose at least one axis that the revision touches."),
        "an axis of another plan": (
            {"axes": [other.axes.get().pk]},
            "Select a valid choice.",
        ),
        "no document": ({"document": ""}, "Attach the document of the revision."),
        "a program named .pdf": (
            {"document": pdf("bozza.pdf", b"MZ\x90\x00" + b"\x00" * 100)},
            "This file is a program",
        ),
        "text named .pdf": (
            {"document": pdf("bozza.pdf", b"just some text")},
            "its content is not a valid PDF",
        ),
        "a spreadsheet": (
            {"document": pdf("tabella.xlsx", b"PK\x03\x04")},
            "Files of this type cannot be attached. Allowed types: PDF, ODT, DOCX.",
        ),
        "an ODT named .docx": (
            {"document": pdf("bozza.docx", odt_bytes())},
            "its content is of another type (OpenDocument text (ODT))",
        ),
        "an empty file": ({"document": pdf("bozza.pdf", b"")}, "The file is empty."),
    }


@pytest.mark.django_db
def test_opening_refuses_bad_input_and_creates_nothing(world, settings):
    browser = logged_in(world.staff)
    url = reverse("plans:consultation-create")
    before = Consultation.objects.count()
    for what, (changes, message) in bad_inputs(world).items():
        response = browser.post(url, open_form(world.plan, **changes), **EN)
        assert response.status_code == 400, what
        assert message in response.content.decode(), what
    settings.ATTACHMENT_MAX_BYTES = 10
    response = browser.post(url, open_form(world.plan), **EN)
    assert "The file is 65\xa0bytes: the limit is 10\xa0bytes." in response.content.decode()
    assert Consultation.objects.count() == before
    stored = [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]
    assert stored == [settings.MEDIA_ROOT / world.consultation.document.name]  # nothing kept


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("bozza.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
        (
            "bozza.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_odt_and_docx_documents_are_accepted(world, name, content, content_type):
    response = logged_in(world.staff).post(
        reverse("plans:consultation-create"), open_form(world.plan, document=pdf(name, content))
    )
    assert response.status_code == 302
    assert Consultation.objects.latest("pk").document_content_type == content_type


@pytest.mark.django_db
def test_the_document_is_downloaded_by_logged_in_users_only(world):
    url = reverse("plans:consultation-document", kwargs={"pk": world.consultation.pk})
    response = logged_in(world.s3).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="revisione.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/account/login/" in anonymous["Location"]


# --- Changing it ------------------------------------------------------------------------------


def edit_form(consultation, **changes) -> dict:
    deadline = timezone.localtime(consultation.deadline)
    data = {
        "title": consultation.title,
        "description": consultation.description,
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "axes": [axis.pk for axis in consultation.axes.all()],
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_staff_extend_the_deadline_and_the_zones_are_told(world):
    consultation = world.consultation
    url = reverse("plans:consultation-edit", kwargs={"pk": consultation.pk})
    browser = logged_in(world.staff)
    later = timezone.localtime(consultation.deadline + datetime.timedelta(days=7))

    # Saved as shown: nothing moves, nobody is told.
    response = browser.post(url, edit_form(consultation, title="Parere (corretto)"))
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "Parere (corretto)"
    assert not Notification.objects.filter(kind="consultation_deadline_changed").exists()

    response = browser.post(url, edit_form(consultation, deadline=later.strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.deadline == later.replace(second=0, microsecond=0)
    told = Notification.objects.filter(kind="consultation_deadline_changed")
    assert {notice.user for notice in told} == {world.s5, world.d5, world.s3}

    earlier = timezone.localtime(consultation.deadline - datetime.timedelta(days=1))
    response = browser.post(
        url, edit_form(consultation, deadline=earlier.strftime("%Y-%m-%dT%H:%M")), **EN
    )
    assert response.status_code == 400
    assert "The deadline can be extended, not brought forward" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.deadline == later.replace(second=0, microsecond=0)


@pytest.mark.django_db
def test_the_document_can_be_replaced_and_an_axis_with_a_remark_cannot_be_removed(world):
    consultation = world.consultation
    answer(
        consultation, world.zones[5], world.s5, V.FAVOURABLE_WITH_REMARKS, remarks={2: "Più treni."}
    )
    url = reverse("plans:consultation-edit", kwargs={"pk": consultation.pk})
    browser = logged_in(world.staff)
    without_2 = [world.axes[1].pk, world.axes[3].pk]
    response = browser.post(url, edit_form(consultation, axes=without_2), **EN)
    assert response.status_code == 400
    assert "Axis 2. Axis 2 cannot be removed: a zone has written a remark on it." in (
        response.content.decode()
    )
    assert consultation.axes.count() == 3

    response = browser.post(
        url,
        edit_form(
            consultation, document=pdf("Bozza v2.pdf"), axes=[a.pk for a in world.axes.values()]
        ),
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.document_name == "Bozza v2.pdf"


@pytest.mark.django_db
def test_a_closed_consultation_cannot_be_changed(world):
    consultation = world.consultation
    close(consultation)
    before = list(Consultation.objects.values_list())
    url = reverse("plans:consultation-edit", kwargs={"pk": consultation.pk})
    browser = logged_in(world.staff)
    assert "the consultation is closed" in browser.get(url, **EN).content.decode()
    later = timezone.localtime(timezone.now() + datetime.timedelta(days=3))
    response = browser.post(
        url, edit_form(consultation, deadline=later.strftime("%Y-%m-%dT%H:%M")), **EN
    )
    assert response.status_code == 400
    assert "The deadline passed on" in response.content.decode()
    assert list(Consultation.objects.values_list()) == before


# --- Who may do what --------------------------------------------------------------------------


def role_user(world, role):
    zone5 = world.zones[5]
    if role == "spokesperson of the zone":
        return world.s5
    if role == "deputy of the zone":
        return world.d5
    if role == "spokesperson of another zone":
        return world.s3
    if role == "staff":
        return world.staff
    if role == "visitor":
        return None
    if role == "inactive account":
        user = speaker(zone5, email="inattivo5@example.org")
        get_user_model().objects.filter(pk=user.pk).update(is_active=False)
        return user
    if role == "former spokesperson":
        user = speaker(zone5, email="ex5@example.org")
        today = timezone.localdate()
        Membership.objects.filter(user=user).update(
            active=False,
            since=today - datetime.timedelta(days=90),
            until=today - datetime.timedelta(days=1),
        )
        return user
    raise AssertionError(role)


ANSWER_TABLE = [
    # role, GET status, POST status (302: saved; 302 to log in for visitors)
    ("spokesperson of the zone", 200, 302),
    ("deputy of the zone", 200, 302),
    ("spokesperson of another zone", 403, 403),
    ("staff", 403, 403),
    ("visitor", 302, 302),
    ("inactive account", 302, 302),
    ("former spokesperson", 403, 403),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "get_status", "post_status"), ANSWER_TABLE)
def test_who_may_answer_for_zone_5(world, role, get_status, post_status):
    user = role_user(world, role)
    browser = logged_in(user)
    url = answer_url(world.consultation, 5)
    assert browser.get(url).status_code == get_status
    response = browser.post(url, form_data())
    assert response.status_code == post_status
    saved = ZoneOpinion.objects.filter(zone=world.zones[5]).first()
    if post_status == 302 and role in ("spokesperson of the zone", "deputy of the zone"):
        assert saved is not None and saved.answered_by == user
    else:
        assert saved is None
        if post_status == 302:
            assert "/account/login/" in response["Location"]


PAGE_TABLE = [
    # view, role, status before the deadline, status after it
    ("list", "spokesperson of another zone", 200, 200),
    ("list", "former spokesperson", 200, 200),
    ("list", "visitor", 302, 302),
    ("detail", "spokesperson of another zone", 200, 200),
    ("detail", "visitor", 302, 302),
    ("create", "staff", 200, 200),
    ("create", "spokesperson of the zone", 403, 403),
    ("edit", "staff", 200, 200),
    ("edit", "spokesperson of the zone", 403, 403),
    ("consolidated", "staff", 200, 200),
    ("consolidated", "spokesperson of the zone", 403, 200),
    ("consolidated", "spokesperson of another zone", 403, 200),
    ("consolidated", "former spokesperson", 403, 403),
    ("consolidated", "visitor", 302, 302),
    ("csv", "staff", 200, 200),
    ("csv", "deputy of the zone", 403, 200),
    ("csv", "former spokesperson", 403, 403),
]
PAGES = {
    "list": lambda c: reverse("plans:consultation-list"),
    "detail": lambda c: c.get_absolute_url(),
    "create": lambda c: reverse("plans:consultation-create"),
    "edit": lambda c: reverse("plans:consultation-edit", kwargs={"pk": c.pk}),
    "consolidated": lambda c: reverse("plans:consultation-consolidated", kwargs={"pk": c.pk}),
    "csv": lambda c: reverse("plans:consultation-consolidated-csv", kwargs={"pk": c.pk}),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("view", "role", "before", "after"), PAGE_TABLE)
def test_who_may_read_what_before_and_after_the_deadline(world, view, role, before, after):
    browser = logged_in(role_user(world, role))
    url = PAGES[view](world.consultation)
    assert browser.get(url).status_code == before
    close(world.consultation)
    assert browser.get(url).status_code == after


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["spokesperson of the zone", "visitor", "former spokesperson"])
def test_only_staff_remind_and_a_refusal_sends_nothing(world, role):
    Notification.objects.all().delete()
    url = reverse("plans:consultation-remind", kwargs={"pk": world.consultation.pk})
    response = logged_in(role_user(world, role)).post(url)
    assert response.status_code == (302 if role == "visitor" else 403)
    assert not Notification.objects.exists()


# --- Answering, revising, freezing ------------------------------------------------------------


@pytest.mark.django_db
def test_a_zone_answers_and_revises_until_the_deadline_every_version_kept(world):
    url = answer_url(world.consultation, 5)
    browser = logged_in(world.s5)
    response = browser.post(url, form_data(V.FAVOURABLE, "Favorevole senza riserve."), **EN)
    assert response.status_code == 302
    assert response["Location"] == world.consultation.get_absolute_url() + "#zone-5"
    opinion = ZoneOpinion.objects.get(zone=world.zones[5])
    assert (opinion.version, opinion.verdict, opinion.answered_by) == (1, V.FAVOURABLE, world.s5)

    # The deputy revises: the form carries the version it was loaded with.
    deputy = logged_in(world.d5)
    page = deputy.get(url, **EN).content.decode()
    assert 'name="version" value="1"' in page
    assert "Favorevole senza riserve." in page
    data = form_data(V.FAVOURABLE_WITH_REMARKS, "Favorevole, con osservazioni.", 1, axis2="Treni.")
    assert deputy.post(url, data).status_code == 302
    opinion.refresh_from_db()
    assert (opinion.version, opinion.verdict, opinion.answered_by) == (
        2,
        V.FAVOURABLE_WITH_REMARKS,
        world.d5,
    )
    assert opinion.answered_at < opinion.updated_at
    assert [(r.axis.number, r.text) for r in opinion.remarks.all()] == [(2, "Treni.")]
    assert ZoneOpinion.objects.count() == 1  # one answer per zone

    page = browser.get(world.consultation.get_absolute_url(), **EN).content.decode()
    assert "History: 2 versions" in page
    assert "Version 2</strong> · Favourable with remarks" in page
    assert "Version 1</strong> · Favourable" in page
    assert "Dario Vice" in page and "Giovanna Ferrero" in page


@pytest.mark.django_db
def test_after_the_deadline_every_post_is_refused_and_nothing_changes(world):
    answer(world.consultation, world.zones[5], world.s5, V.UNFAVOURABLE, "Contrari.")
    close(world.consultation)
    before = opinion_state()
    url = answer_url(world.consultation, 5)
    browser = logged_in(world.s5)

    page = browser.get(url, **EN).content.decode()
    assert "the consultation is closed and the zones" in page
    assert 'name="verdict"' not in page  # no form: the answer as frozen
    assert "Contrari." in page

    for data in (form_data(V.FAVOURABLE, "Ci abbiamo ripensato.", 1), form_data(version=1), {}):
        response = browser.post(url, data, **EN)
        assert response.status_code == 400
        content = response.content.decode()
        assert "The deadline passed on" in content
        assert "Nothing was saved." in content
    # What was typed is shown back (not saved), so that nothing is lost.
    refused = browser.post(url, form_data(text="Ci abbiamo ripensato.", version=1), **EN)
    assert "What you wrote (not saved)" in refused.content.decode()
    assert "Ci abbiamo ripensato." in refused.content.decode()
    assert opinion_state() == before
    # A zone that did not answer cannot answer late either.
    late = logged_in(world.s3).post(answer_url(world.consultation, 3), form_data(), **EN)
    assert late.status_code == 400
    assert not ZoneOpinion.objects.filter(zone=world.zones[3]).exists()
    # The service refuses too, whoever calls it.
    with pytest.raises(services.ConsultationClosed):
        answer(world.consultation, world.zones[5], world.s5, V.FAVOURABLE, "Sì.")
    assert opinion_state() == before


@pytest.mark.django_db
def test_a_stale_save_is_refused_with_the_text_kept_and_nothing_lost(world):
    answer(world.consultation, world.zones[5], world.s5, V.FAVOURABLE, "Prima versione.")
    url = answer_url(world.consultation, 5)
    # The deputy opened the form at version 1; meanwhile the spokesperson saves version 2.
    answer(world.consultation, world.zones[5], world.s5, V.UNFAVOURABLE, "Seconda versione.")
    before = opinion_state()

    browser = logged_in(world.d5)
    mine = form_data(V.FAVOURABLE, "Il testo del vice, scritto con cura.", 1, axis1="Nota.")
    response = browser.post(url, mine, **EN)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Someone else saved the zone's answer while you were writing" in content
    assert "Il testo del vice, scritto con cura." in content  # still in the form
    assert "Seconda versione." in content  # the saved answer, to compare
    assert 'name="version" value="2"' in content
    assert opinion_state() == before

    # Saving again from the refusal's form goes through.
    response = browser.post(url, {**mine, "version": "2"})
    assert response.status_code == 302
    assert (
        ZoneOpinion.objects.get(zone=world.zones[5]).text == "Il testo del vice, scritto con cura."
    )


@pytest.mark.django_db
def test_two_first_answers_at_once_the_second_is_refused(world):
    url = answer_url(world.consultation, 5)
    assert logged_in(world.s5).post(url, form_data(text="Primo.")).status_code == 302
    response = logged_in(world.d5).post(url, form_data(text="Secondo.", version=0), **EN)
    assert response.status_code == 409
    assert ZoneOpinion.objects.get().text == "Primo."


@pytest.mark.django_db
def test_favourable_with_remarks_needs_a_remark_on_an_axis(world):
    url = answer_url(world.consultation, 5)
    browser = logged_in(world.s5)
    response = browser.post(url, form_data(V.FAVOURABLE_WITH_REMARKS, "Con osservazioni."), **EN)
    assert response.status_code == 400
    assert "A favourable opinion with remarks needs at least one remark on an axis." in (
        response.content.decode()
    )
    response = browser.post(url, form_data(V.UNFAVOURABLE, ""), **EN)
    assert "Write the text of the zone&#x27;s opinion." in response.content.decode()
    assert not ZoneOpinion.objects.exists()
    with pytest.raises(services.ConsultationError):
        answer(world.consultation, world.zones[5], world.s5, V.FAVOURABLE_WITH_REMARKS, "x")


@pytest.mark.django_db
def test_the_history_of_the_remarks_records_written_changed_and_removed(world):
    consultation, zone = world.consultation, world.zones[5]
    answer(consultation, zone, world.s5, V.FAVOURABLE_WITH_REMARKS, "v1", {1: "Uno.", 2: "Due."})
    answer(consultation, zone, world.d5, V.FAVOURABLE_WITH_REMARKS, "v2", {1: "Uno, rivisto."})
    opinion = ZoneOpinion.objects.get()
    assert [(r.axis.number, r.text) for r in opinion.remarks.all()] == [(1, "Uno, rivisto.")]
    changes = [
        (record.axis_id, record.history_type, record.text, record.history_user)
        for record in AxisRemark.history.order_by("history_date", "history_id")
    ]
    assert changes == [
        (world.axes[1].pk, "+", "Uno.", world.s5),
        (world.axes[2].pk, "+", "Due.", world.s5),
        (world.axes[1].pk, "~", "Uno, rivisto.", world.d5),
        (world.axes[2].pk, "-", "Due.", world.d5),
    ]
    page = logged_in(world.staff).get(consultation.get_absolute_url(), **EN).content.decode()
    assert "Changes to the remarks" in page
    assert "2. Axis 2: removed" in page
    assert "1. Axis 1: changed" in page


@pytest.mark.django_db
def test_a_user_of_two_zones_answers_for_each_of_them(world):
    Membership.objects.create(user=world.s5, zone=world.zones[3], role=Membership.Role.DEPUTY)
    browser = logged_in(world.s5)
    page = browser.get(world.consultation.get_absolute_url(), **EN).content.decode()
    assert "Your zones' answers" in page
    assert answer_url(world.consultation, 5) in page and answer_url(world.consultation, 3) in page
    browser.post(answer_url(world.consultation, 5), form_data(V.FAVOURABLE, "Per la 5."))
    browser.post(answer_url(world.consultation, 3), form_data(V.UNFAVOURABLE, "Per la 3."))
    assert dict(ZoneOpinion.objects.values_list("zone__number", "text")) == {
        5: "Per la 5.",
        3: "Per la 3.",
    }


@pytest.mark.django_db
def test_other_zones_answers_are_shown_to_spokespersons_only_after_the_deadline(world):
    answer(world.consultation, world.zones[5], world.s5, V.UNFAVOURABLE, "Testo della zona 5.")
    url = world.consultation.get_absolute_url()
    other = logged_in(world.s3)
    page = other.get(url, **EN).content.decode()
    assert "Answered (last revised" in page  # that zone 5 answered is known to all
    assert "Testo della zona 5." not in page and "Unfavourable" not in page
    assert "shown after the deadline" in page
    own = logged_in(world.s5).get(url, **EN).content.decode()
    assert "Testo della zona 5." in own and "Revise the answer of zone" in own
    staff = logged_in(world.staff).get(url, **EN).content.decode()
    assert "Testo della zona 5." in staff

    close(world.consultation)
    page = other.get(url, **EN).content.decode()
    assert "Testo della zona 5." in page and "Unfavourable" in page
    own = logged_in(world.s5).get(url, **EN).content.decode()
    assert "Revise the answer" not in own
    assert "the answer is frozen and kept with its history" in own


# --- Reminders --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_remind_the_zones_without_an_answer_once(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    zone7 = world.zones[7]
    spokesperson7 = speaker(zone7)
    answer(world.consultation, world.zones[5], world.s5, V.FAVOURABLE, "Sì.")
    url = reverse("plans:consultation-remind", kwargs={"pk": world.consultation.pk})
    browser = logged_in(world.staff)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(url, follow=True, **EN)
    assert "2 people of the 10 zones without an answer were reminded." in response.content.decode()
    reminded = Notification.objects.filter(kind="consultation_reminder")
    assert {notice.user for notice in reminded} == {world.s3, spokesperson7}
    assert sorted(address for message in mailoutbox for address in message.to) == sorted(
        [world.s3.email, spokesperson7.email]
    )

    response = browser.post(url, follow=True, **EN)
    assert "nobody was reminded twice" in response.content.decode()
    assert reminded.count() == 2
    page = browser.get(world.consultation.get_absolute_url(), **EN).content.decode()
    assert "Last reminded on" in page


@pytest.mark.django_db
def test_no_reminder_after_the_deadline(world):
    close(world.consultation)
    url = reverse("plans:consultation-remind", kwargs={"pk": world.consultation.pk})
    response = logged_in(world.staff).post(url, follow=True, **EN)
    assert "The deadline passed on" in response.content.decode()
    assert not Notification.objects.filter(kind="consultation_reminder").exists()


@pytest.mark.django_db
def test_the_reminders_job_reminds_three_days_before_the_deadline_once(world):
    answer(world.consultation, world.zones[5], world.s5, V.FAVOURABLE, "Sì.")
    reminded = Notification.objects.filter(kind="consultation_reminder")
    now = timezone.now()
    assert send_reminders(now)["consultations"] == 0  # ten days to go
    soon = world.consultation.deadline - datetime.timedelta(days=2)
    assert send_reminders(soon)["consultations"] == 1
    assert {notice.user for notice in reminded} == {world.s3}
    assert send_reminders(soon)["consultations"] == 0
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "consultations: 0 notices" in out.getvalue()
    # An extended deadline is worth a new reminder when it comes near.
    services.update_consultation(
        consultation=world.consultation,
        by=world.staff,
        title=world.consultation.title,
        description="",
        deadline=world.consultation.deadline + datetime.timedelta(days=10),
        axes=world.consultation.axes.all(),
    )
    world.consultation.refresh_from_db()
    assert (
        send_reminders(world.consultation.deadline - datetime.timedelta(days=1))["consultations"]
        == 1
    )


# --- The consolidated opinion -----------------------------------------------------------------


def answered_world(world):
    """Zones 1, 5 and 9 answered (one of each verdict); the other eight did not."""
    s1, s9 = speaker(world.zones[1]), speaker(world.zones[9])
    answer(world.consultation, world.zones[1], s1, V.FAVOURABLE, "Favorevoli.")
    answer(
        world.consultation,
        world.zones[5],
        world.s5,
        V.FAVOURABLE_WITH_REMARKS,
        "Favorevoli con osservazioni.",
        {1: "Più montagna.", 3: "=SOMMA(A1)"},
    )
    answer(world.consultation, world.zones[9], s9, V.UNFAVOURABLE, "Contrari: manca la collina.")


@pytest.mark.django_db
def test_the_consolidated_page_before_and_after_the_deadline(world):
    answered_world(world)
    url = reverse("plans:consultation-consolidated", kwargs={"pk": world.consultation.pk})
    response = logged_in(world.staff).get(url, **EN)
    page = response.content.decode()
    assert "Consolidated opinion of the zones" in page
    assert "Provisional." in page
    assert "3 zones of 11 answered." in page
    counts = response.context["counts"]
    assert counts == [
        ("Favourable", 1),
        ("Favourable with remarks", 1),
        ("Unfavourable", 1),
        ("No answer", 8),
    ]
    rows = {row.zone.number: row for row in response.context["rows"]}
    assert rows[5].remarks == [
        (world.axes[1], "Più montagna."),
        (world.axes[2], ""),
        (world.axes[3], "=SOMMA(A1)"),
    ]
    assert [n for n, row in rows.items() if row.opinion is None] == [2, 3, 4, 6, 7, 8, 10, 11]
    assert page.count("Did not answer.") == 8
    assert "Contrari: manca la collina." in page
    assert "Più montagna." in page and "No remark." in page

    close(world.consultation)
    page = logged_in(world.s3).get(url, **EN).content.decode()
    assert "Frozen" in page and "these answers are final" in page
    assert "Provisional." not in page


@pytest.mark.django_db
def test_the_consolidated_csv_has_a_row_per_zone_and_a_column_per_axis(world):
    answered_world(world)
    url = reverse("plans:consultation-consolidated-csv", kwargs={"pk": world.consultation.pk})
    response = logged_in(world.staff).get(url, **EN)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert (
        f'filename="parere-consolidato-{world.consultation.pk}-{today}.csv"'
        in (response["Content-Disposition"])
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == [
        "Zone number",
        "Zone",
        "Answered",
        "Opinion",
        "Text of the opinion",
        "First answered",
        "Last revised",
        "Version",
        "Status of the answers",
        "Remark on axis 1. Axis 1",
        "Remark on axis 2. Axis 2",
        "Remark on axis 3. Axis 3",
    ]
    assert len(rows) == 12
    by_zone = {row[0]: row for row in rows[1:]}
    five = by_zone["5"]
    assert five[1:5] == ["Zona 5", "yes", "Favourable with remarks", "Favorevoli con osservazioni."]
    assert five[7:] == ["1", "provisional", "Più montagna.", "", "'=SOMMA(A1)"]
    assert by_zone["2"] == ["2", "Zona 2", "no", "", "", "", "", "", "provisional", "", "", ""]
    assert by_zone["9"][3] == "Unfavourable"

    close(world.consultation)
    semicolon = logged_in(world.s5).get(url, {"sep": "semicolon"}, **EN).content.decode()
    assert "5;Zona 5;yes;" in semicolon and ";frozen;" in semicolon


# --- On a meeting's agenda --------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_put_the_consultation_on_an_agenda_and_its_outcome_shows(world):
    meeting = schedule(world.staff, 5)
    browser = logged_in(world.staff)
    propose = reverse("meetings:agenda-propose", kwargs={"number": meeting.number})
    assert "Consultation on the Strategic Plan" in browser.get(propose, **EN).content.decode()
    data = {"title": "Parere delle zone sul PSM", "consultation": world.consultation.pk}
    assert browser.post(propose, data).status_code == 302
    agenda_item = AgendaItem.objects.get(title="Parere delle zone sul PSM")
    assert agenda_item.consultation == world.consultation

    meeting_page = logged_in(world.s5).get(meeting.get_absolute_url(), **EN).content.decode()
    assert world.consultation.get_absolute_url() in meeting_page
    pack = reverse("meetings:meeting-pack", kwargs={"number": meeting.number})
    assert world.consultation.get_absolute_url() in logged_in(world.s5).get(pack).content.decode()
    consultation_page = logged_in(world.s5).get(world.consultation.get_absolute_url(), **EN)
    content = consultation_page.content.decode()
    assert f"Meeting {meeting.number}: {meeting.title}" in content
    assert "No decision recorded on this item yet." in content

    # The meeting is held: the decision recorded on the item is the consultation's outcome.
    past = held(world.staff, 1, present=range(1, 12))
    on_agenda = item(
        world.staff, past, "Esito della consultazione", consultation=world.consultation
    )
    meeting_services.record_decision(
        agenda_item=on_agenda,
        by=world.staff,
        text="Il Tavolo trasmette il parere favorevole con osservazioni.",
        method="vote",
        votes_for=9,
        votes_against=1,
        abstentions=1,
    )
    content = logged_in(world.s3).get(world.consultation.get_absolute_url(), **EN).content.decode()
    assert "Il Tavolo trasmette il parere favorevole con osservazioni." in content
    assert "vote: 9 in favour, 1 against, 1 abstaining" in content

    # Staff change an item's consultation; a spokesperson cannot set one.
    edit = reverse("meetings:agenda-item-edit", kwargs={"pk": agenda_item.pk})
    assert browser.post(edit, {"title": agenda_item.title, "consultation": ""}).status_code == 302
    agenda_item.refresh_from_db()
    assert agenda_item.consultation is None
    spokesperson = logged_in(world.s5)
    assert (
        "Consultation on the Strategic Plan" not in spokesperson.get(propose, **EN).content.decode()
    )
    data = {"title": "Proposta della zona", "consultation": world.consultation.pk}
    assert spokesperson.post(propose, data).status_code == 302
    assert AgendaItem.objects.get(title="Proposta della zona").consultation is None


@pytest.mark.django_db
def test_visitors_meetings_are_the_public_ones(world):
    """Another logged-in account (a former spokesperson) sees the public meetings only."""
    public = schedule(world.staff, 5, title="Pubblica")
    private = schedule(world.staff, 6, title="Riservata", is_public=False)
    for meeting in (public, private):
        item(
            world.staff,
            meeting,
            f"Consultazione a {meeting.title}",
            consultation=world.consultation,
        )
    former = logged_in(role_user(world, "former spokesperson"))
    content = former.get(world.consultation.get_absolute_url(), **EN).content.decode()
    assert "Consultazione a Pubblica" in content and "Consultazione a Riservata" not in content
    content = logged_in(world.s3).get(world.consultation.get_absolute_url(), **EN).content.decode()
    assert "Consultazione a Riservata" in content


# --- Queries ----------------------------------------------------------------------------------


def grow(world, zones_answering):
    for number in zones_answering:
        user = speaker(world.zones[number], email=f"crescita{number}@example.org")
        for text in ("Prima.", "Seconda."):
            answer(
                world.consultation,
                world.zones[number],
                user,
                V.FAVOURABLE_WITH_REMARKS,
                text,
                {1: f"{text} uno", 2: f"{text} due"},
            )


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["detail", "consolidated", "csv", "list"])
def test_queries_stay_constant_as_answers_and_versions_grow(
    world, view, django_assert_max_num_queries
):
    browser = logged_in(world.staff)
    url = PAGES[view](world.consultation)
    grow(world, [1])
    schedule(world.staff, 3)
    item(world.staff, schedule(world.staff, 4), "Punto", consultation=world.consultation)
    browser.get(url)  # warm the session and caches
    with django_assert_max_num_queries(40) as few:
        assert browser.get(url).status_code == 200
    grow(world, [2, 3, 4, 6, 7, 8, 9, 10, 11])
    for number in (12, 13):  # a territory with more zones
        world.zones[number] = ZoneFactory(number=number, name=f"Zona {number}", slug=f"z-{number}")
    grow(world, [12, 13])
    for number in range(3):
        open_consultation(world.staff, world.plan, title=f"Altra {number}")
    meeting = schedule(world.staff, 8)
    for number in range(3):
        item(world.staff, meeting, f"Punto {number}", consultation=world.consultation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert browser.get(url).status_code == 200


# --- The list ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_open_consultations_first_with_how_many_zones_answered(world):
    answer(world.consultation, world.zones[5], world.s5, V.FAVOURABLE, "Sì.")
    later = open_consultation(world.staff, world.plan, days=30, title="Aperta più a lungo")
    old = open_consultation(world.staff, world.plan, days=1, title="Chiusa")
    close(old)
    response = logged_in(world.s3).get(reverse("plans:consultation-list"), **EN)
    assert [c.title for c in response.context["open_consultations"]] == [
        world.consultation.title,
        later.title,
    ]
    assert [c.title for c in response.context["closed_consultations"]] == ["Chiusa"]
    page = response.content.decode()
    assert page.index(later.title) < page.index("Chiusa")
    assert "1 of 11" in page and "0 of 11" in page


# --- The admin --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_lists_consultations_and_answers_with_their_history(world, admin_client):
    answer(world.consultation, world.zones[5], world.s5, V.FAVOURABLE_WITH_REMARKS, "x", {1: "r"})
    opinion = ZoneOpinion.objects.get()
    for url in (
        reverse("admin:plans_consultation_changelist"),
        reverse("admin:plans_consultation_change", args=[world.consultation.pk]),
        reverse("admin:plans_consultation_history", args=[world.consultation.pk]),
        reverse("admin:plans_zoneopinion_changelist"),
        reverse("admin:plans_zoneopinion_change", args=[opinion.pk]),
        reverse("admin:plans_zoneopinion_history", args=[opinion.pk]),
        reverse("admin:plans_axisremark_changelist"),
    ):
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get(reverse("admin:plans_consultation_add")).status_code == 403
    # The answers are the zones': not changed through the admin.
    admin_client.post(
        reverse("admin:plans_zoneopinion_change", args=[opinion.pk]), {"text": "Cambiato"}
    )
    opinion.refresh_from_db()
    assert opinion.text == "x"


# --- Personal data ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_users_data_file_lists_their_consultations_and_answers(world):
    answer(world.consultation, world.zones[5], world.s5, V.UNFAVOURABLE, "Il mio parere.")
    data = logged_in(world.s5).get(reverse("account-data")).json()
    [saved] = data["consultations"]["answers_saved"]
    assert saved["text"] == "Il mio parere." and saved["zone__number"] == 5
    assert data["changes"]["zone_opinions"]
    staff = logged_in(world.staff).get(reverse("account-data")).json()
    assert staff["consultations"]["opened"][0]["title"] == world.consultation.title
