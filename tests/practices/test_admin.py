"""The admin of the practices app: every page opens for staff and superusers, the lifecycle
(status, transitions, transfer stages, history) cannot be changed through it, comments are
hidden with a reason, and the lists do not grow in queries with the data."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practices import services
from practices.models import Attachment, Comment, Practice, Transfer, TransferStep, Transition
from zones.models import Municipality, Zone

from ..factories import CommentFactory, MembershipFactory, PracticeFactory, UserFactory

S = Practice.Status
T = Transfer.Stage
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def zone(number):
    return Zone.objects.get(number=number)


@pytest.fixture
def superuser(db):
    return UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def records(territory, staff_user, settings, tmp_path):
    """A published practice of zone 5 with its transitions, an attachment, a comment and a
    transfer to zone 3, all made through the services."""
    settings.MEDIA_ROOT = tmp_path
    author = MembershipFactory(zone=zone(5)).user
    adopter = MembershipFactory(zone=zone(3)).user
    practice = PracticeFactory(zone=zone(5), title="Trasporto a chiamata", created_by=author)
    practice.municipalities.set(Municipality.objects.filter(zone=zone(5))[:2])
    services.apply_transition(practice=practice, to_status=S.SUBMITTED, by=author)
    services.apply_transition(
        practice=practice, to_status=S.PUBLISHED, by=staff_user, note="Pubblicata."
    )
    attachment = Attachment.objects.create(
        practice=practice,
        title="Relazione",
        file=ContentFile(b"%PDF-1.4 demo", name="relazione.pdf"),
        original_name="relazione.pdf",
        content_type="application/pdf",
        size=13,
        uploaded_by=author,
    )
    comment = CommentFactory(practice=practice, author=adopter)
    transfer = services.declare_interest(practice=practice, zone=zone(3), by=adopter)
    services.move_transfer(transfer=transfer, to_stage=T.IN_CONTACT, by=adopter, note="Ciao")
    return {
        "practice": practice,
        "transition": practice.transitions.last(),
        "attachment": attachment,
        "comment": comment,
        "transfer": transfer,
        "transferstep": transfer.steps.last(),
        "theme": practice.themes.get(),
    }


def admin_pages(records):
    """(description, url) of every changelist, change page and history page."""
    pages = []
    for model, obj in records.items():
        pages.append((f"{model} list", reverse(f"admin:practices_{model}_changelist")))
        pages.append((f"{model} page", reverse(f"admin:practices_{model}_change", args=[obj.pk])))
    for model in ("practice", "transfer"):
        obj = records[model]
        pages.append(
            (f"{model} history", reverse(f"admin:practices_{model}_history", args=[obj.pk]))
        )
        version = obj.history.earliest()
        pages.append(
            (
                f"{model} old version",
                reverse(
                    f"admin:practices_{model}_simple_history", args=[obj.pk, version.history_id]
                ),
            )
        )
    pages.append(("theme add", reverse("admin:practices_theme_add")))
    pages.append(("app index", reverse("admin:app_list", args=["practices"])))
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_and_superusers_open_every_admin_page(records, staff_user, superuser, role):
    client = Client()
    client.force_login(staff_user if role == "staff" else superuser)
    for description, url in admin_pages(records):
        response = client.get(url, **EN)
        assert response.status_code == 200, (description, url, response.status_code)
    page = client.get(
        reverse("admin:practices_practice_change", args=[records["practice"].pk]), **EN
    ).content.decode()
    assert "Submitted" in page and "Pubblicata." in page  # the transitions inline
    assert "relazione.pdf" in page and records["comment"].body in page


@pytest.mark.django_db
def test_the_superuser_may_add_a_practice_in_draft(records, superuser, client):
    client.force_login(superuser)
    assert client.get(reverse("admin:practices_practice_add")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "spokesperson"])
def test_the_admin_is_closed_to_visitors_and_spokespersons(records, spokesperson, who):
    client = Client()
    if who == "spokesperson":
        client.force_login(spokesperson)
    for description, url in admin_pages(records):
        response = client.get(url)
        assert response.status_code == 302, description
        assert reverse("admin:login") in response["Location"]


def form_data(response) -> dict:
    """The POST data of an admin change form as the browser would send it back unchanged."""
    data = {}

    def add(form, prefix=""):
        for name in form.fields:
            value = form[name].value()
            key = f"{prefix}{name}"
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets") or []:
        formset = inline.formset
        add(formset.management_form, f"{formset.prefix}-")
        for form in formset.forms:
            add(form, f"{form.prefix}-")
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_the_status_is_read_only_in_the_admin(records, staff_user, superuser, role, client):
    client.force_login(staff_user if role == "staff" else superuser)
    practice = records["practice"]
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    data = form_data(client.get(url))
    data.update(title="Trasporto a chiamata in valle", status=S.DRAFT, published_at="")
    data.update(version="1", created_by=str(superuser.pk))
    transitions_before = list(Transition.objects.values_list("pk", "to_status", "note"))
    version = practice.version

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    practice.refresh_from_db()
    assert practice.title == "Trasporto a chiamata in valle"  # the record itself is editable
    assert practice.status == S.PUBLISHED and practice.published_at is not None
    assert practice.version == version + 1  # a form opened on the portal is now stale
    assert practice.created_by != superuser
    assert list(Transition.objects.values_list("pk", "to_status", "note")) == transitions_before
    assert "the status changes on the practice page" in client.get(url, **EN).content.decode()


@pytest.mark.django_db
def test_transitions_cannot_be_added_edited_or_deleted(records, superuser, client):
    client.force_login(superuser)
    transition = records["transition"]
    before = list(Transition.objects.values_list("pk", "from_status", "to_status", "note", "at"))

    assert client.get(reverse("admin:practices_transition_add")).status_code == 403
    change = reverse("admin:practices_transition_change", args=[transition.pk])
    assert client.post(change, {"to_status": S.ARCHIVED, "note": "x"}).status_code == 403
    delete = reverse("admin:practices_transition_delete", args=[transition.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:practices_transition_changelist")
    bulk_delete = {"action": "delete_selected", "_selected_action": [transition.pk], "post": "yes"}
    client.post(changelist, bulk_delete)

    # Nor through the practice's inline: forged rows are ignored.
    practice = records["practice"]
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    data = form_data(client.get(url))
    count = int(data["transitions-TOTAL_FORMS"])
    data["transitions-0-note"] = "forged"
    data["transitions-0-DELETE"] = "on"
    data["transitions-TOTAL_FORMS"] = str(count + 1)
    data.update({f"transitions-{count}-to_status": S.ARCHIVED, f"transitions-{count}-note": "x"})
    assert client.post(url, data).status_code == 302

    after = list(Transition.objects.values_list("pk", "from_status", "to_status", "note", "at"))
    assert after == before
    practice.refresh_from_db()
    assert practice.status == S.PUBLISHED


@pytest.mark.django_db
def test_an_old_version_can_be_read_but_not_restored(records, superuser, client):
    client.force_login(superuser)
    practice = records["practice"]
    draft = practice.history.filter(status=S.DRAFT).earliest()
    url = reverse("admin:practices_practice_simple_history", args=[practice.pk, draft.history_id])
    page = client.get(url, **EN)
    assert page.status_code == 200
    assert "Revert" not in page.content.decode()

    response = client.post(url, {**form_data(page), "title": "Vecchia versione"})

    assert response.status_code == 403
    practice.refresh_from_db()
    assert practice.status == S.PUBLISHED and practice.title == "Trasporto a chiamata"

    transfer = records["transfer"]
    first = transfer.history.earliest()
    url = reverse("admin:practices_transfer_simple_history", args=[transfer.pk, first.history_id])
    assert client.post(url, {"notes": "x"}).status_code == 403
    transfer.refresh_from_db()
    assert transfer.stage == T.IN_CONTACT


@pytest.mark.django_db
def test_the_transfer_stage_is_read_only_and_its_steps_a_record(records, staff_user, client):
    client.force_login(staff_user)
    transfer = records["transfer"]
    url = reverse("admin:practices_transfer_change", args=[transfer.pk])
    data = form_data(client.get(url))
    steps = list(TransferStep.objects.values_list("pk", "stage", "on", "note"))
    data.update(stage=T.ADOPTED, notes="Incontro con i tecnici di Pinerolo", cost="1500")
    data["steps-0-note"] = "forged"

    assert client.post(url, data).status_code == 302

    transfer.refresh_from_db()
    assert transfer.stage == T.IN_CONTACT
    assert transfer.notes == "Incontro con i tecnici di Pinerolo"
    assert list(TransferStep.objects.values_list("pk", "stage", "on", "note")) == steps
    practice = transfer.practice
    practice.refresh_from_db()
    assert "tecnici di pinerolo" in practice.search_folded  # the notes are searched
    # Interest is declared on the practice page, where the first stage is recorded.
    assert client.get(reverse("admin:practices_transfer_add")).status_code == 403
    assert client.get(reverse("admin:practices_transferstep_add")).status_code == 403


@pytest.mark.django_db
def test_a_dropped_transfer_keeps_its_reason(records, superuser, client):
    client.force_login(superuser)
    transfer = records["transfer"]
    services.move_transfer(
        transfer=transfer, to_stage=T.DROPPED, by=superuser, drop_reason="Costi troppo alti"
    )
    url = reverse("admin:practices_transfer_change", args=[transfer.pk])
    data = {**form_data(client.get(url)), "drop_reason": "  "}

    response = client.post(url, data, **EN)

    assert response.status_code == 200
    assert "Say why the transfer was dropped" in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.drop_reason == "Costi troppo alti"


@pytest.mark.django_db
def test_staff_hide_a_comment_with_a_reason_and_show_it_again(records, staff_user, client):
    client.force_login(staff_user)
    comment = records["comment"]
    url = reverse("admin:practices_comment_change", args=[comment.pk])
    body = comment.body

    refused = client.post(url, {"hidden": "on", "hidden_reason": "", "body": "Censurato"}, **EN)
    assert refused.status_code == 200
    assert "Say why the comment is hidden" in refused.content.decode()
    comment.refresh_from_db()
    assert not comment.is_hidden

    response = client.post(url, {"hidden": "on", "hidden_reason": "Fuori tema", "body": "x"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == staff_user
    assert comment.hidden_reason == "Fuori tema"
    assert comment.body == body  # the author's words are not edited

    client.post(url, {"hidden_reason": "Fuori tema"})
    comment.refresh_from_db()
    assert not comment.is_hidden and comment.hidden_by is None
    assert client.get(reverse("admin:practices_comment_add")).status_code == 403


@pytest.mark.django_db
def test_comment_filters_find_hidden_and_reported_comments(records, staff_user, client):
    practice = records["practice"]
    reported = CommentFactory(practice=practice, body="Segnalato", reported_by=staff_user)
    Comment.objects.filter(pk=reported.pk).update(reported_at=reported.created_at)
    CommentFactory(
        practice=practice,
        body="Nascosto",
        hidden_by=staff_user,
        hidden_at=practice.published_at,
        hidden_reason="Fuori tema",
    )
    client.force_login(staff_user)
    changelist = reverse("admin:practices_comment_changelist")

    def bodies(query):
        return {c.body for c in client.get(changelist, query).context["cl"].result_list}

    assert bodies({"reported": "yes"}) == {"Segnalato"}
    assert bodies({"hidden": "yes"}) == {"Nascosto"}
    assert "Nascosto" not in bodies({"hidden": "no"})


@pytest.mark.django_db
def test_practice_filters_and_search(records, staff_user, client):
    PracticeFactory(zone=zone(7), title="Sentieri curati", main_institution="Comune di Balme")
    client.force_login(staff_user)
    changelist = reverse("admin:practices_practice_changelist")

    def titles(query):
        return {p.title for p in client.get(changelist, query).context["cl"].result_list}

    assert titles({"status__exact": S.DRAFT}) == {"Sentieri curati"}
    assert titles({"q": "Balme"}) == {"Sentieri curati"}
    assert titles({"zone__id__exact": zone(5).pk}) == {"Trasporto a chiamata"}
    assert titles({"recheck": "none"}) == {"Trasporto a chiamata", "Sentieri curati"}
    assert titles({"recheck": "due"}) == set()


def make_practices(count, staff_user):
    """``count`` published practices of zone 5, each with transitions, a comment and a
    transfer (made directly: the services are not what this measures)."""
    for _ in range(count):
        practice = PracticeFactory(zone=zone(5), status=S.PUBLISHED)
        Transition.objects.create(
            practice=practice, from_status=S.DRAFT, to_status=S.SUBMITTED, by=staff_user
        )
        Transition.objects.create(
            practice=practice, from_status=S.SUBMITTED, to_status=S.PUBLISHED, by=staff_user
        )
        CommentFactory(practice=practice, author=staff_user)
        transfer = Transfer.objects.create(practice=practice, zone=zone(3), created_by=staff_user)
        TransferStep.objects.create(transfer=transfer, stage=T.INTERESTED, by=staff_user)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", ["practice", "transition", "comment", "transfer", "transferstep", "theme"]
)
def test_admin_lists_do_not_grow_in_queries_with_the_data(
    territory, staff_user, client, model, django_assert_max_num_queries
):
    client.force_login(staff_user)
    url = reverse(f"admin:practices_{model}_changelist")
    make_practices(3, staff_user)
    few = queries(client, url)
    make_practices(30, staff_user)
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    assert queries(client, url) == few


@pytest.mark.django_db
def test_a_practice_page_does_not_grow_in_queries_with_its_records(
    records, staff_user, client, django_assert_max_num_queries
):
    client.force_login(staff_user)
    practice = records["practice"]
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    queries(client, url)  # warm the content types' cache (the inlines look theirs up once)
    few = queries(client, url)
    for index in range(10):
        CommentFactory(practice=practice, author=UserFactory(), body=f"Commento {index}")
        Transition.objects.create(
            practice=practice, from_status=S.SUBMITTED, to_status=S.PUBLISHED, by=UserFactory()
        )
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200
    assert queries(client, url) == few


@pytest.mark.django_db
def test_an_admin_save_over_a_newer_portal_save_is_refused(records, staff_user, client):
    client.force_login(staff_user)
    practice = records["practice"]
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    data = form_data(client.get(url))
    # Meanwhile a spokesperson saves on the portal (save_practice bumps the version).
    Practice.objects.filter(pk=practice.pk).update(
        summary="Salvato dal portale", version=practice.version + 1
    )

    response = client.post(url, {**data, "summary": "Salvato dall'admin"}, **EN)

    assert response.status_code == 200
    assert "Someone else saved this practice while you were editing it" in (
        response.content.decode()
    )
    assert "Salvato dall&#x27;admin" in response.content.decode()  # the typed text is kept
    practice.refresh_from_db()
    assert practice.summary == "Salvato dal portale"


@pytest.mark.django_db
def test_the_transfer_admin_refuses_what_the_portal_refuses(records, staff_user, client):
    client.force_login(staff_user)
    transfer = records["transfer"]  # in contact, zone 3
    url = reverse("admin:practices_transfer_change", args=[transfer.pk])
    data = form_data(client.get(url))

    reason = client.post(url, {**data, "drop_reason": "Non ci serve"}, **EN)
    assert "goes only with the “Dropped” stage" in reason.content.decode()

    outsider = Zone.objects.get(number=5).municipalities.first()
    strangers = client.post(url, {**data, "municipalities": [outsider.pk]}, **EN)
    assert f"{outsider.name} is not in it" in strangers.content.decode()

    transfer.refresh_from_db()
    assert transfer.drop_reason == ""
    assert not transfer.municipalities.exists()
