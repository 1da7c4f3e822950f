"""The practice page: every field, who sees what, the histories, "zones like this one", and a
query count that does not grow with the practice's attachments, comments and history."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from practices import services, similar
from practices.models import Attachment, Practice, Theme, Transfer, Transition
from tests.factories import (
    CommentFactory,
    MembershipFactory,
    MunicipalityFactory,
    PracticeFactory,
    TransferFactory,
    UserFactory,
    ZoneFactory,
)
from zones.models import Municipality, Zone

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def zone5(territory):
    return Zone.objects.get(number=5)


@pytest.fixture
def other_spokesperson(territory):
    return MembershipFactory(
        user=UserFactory(email="portavoce3@example.org"), zone=Zone.objects.get(number=3)
    ).user


def as_user(user) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def page_of(user, practice) -> str:
    response = as_user(user).get(practice.get_absolute_url(), **EN)
    assert response.status_code == 200
    return response.content.decode()


# --- What the page shows -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_visitor_sees_every_field_of_a_published_practice(client, zone5):
    themes = list(Theme.objects.filter(slug__in=["schools-education", "health-safety"]))
    if len(themes) < 2:
        themes = list(Theme.objects.all()[:2])
    practice = PracticeFactory(
        zone=zone5,
        status="published",
        kind="project",
        title="Scuolabus a chiamata",
        summary="Un servizio di trasporto scolastico su prenotazione.",
        description="# Come funziona\n\nLe famiglie **prenotano** la corsa.",
        main_institution="Unione montana del Pinerolese",
        start_date=datetime.date(2021, 9, 13),
        end_date=None,
        resources_needed="Due pulmini e un operatore.",
        evidence_of_success="Il 40% delle famiglie lo usa.",
        potential_for_transfer="Adatto alle valli con scuole lontane.",
        contact_person="Maria Rossi, ufficio scuola",
        themes=themes,
    )
    practice.municipalities.set(
        Municipality.objects.filter(name__in=["Pinerolo", "Perosa Argentina"])
    )
    practice.published_at = timezone.now()
    practice.save()
    page = page_of(None, practice)
    assert "<h1>Scuolabus a chiamata</h1>" in page
    assert '<span class="badge bg-success">Published</span>' in page
    assert "Project" in page
    assert f'href="{zone5.get_absolute_url()}"' in page
    assert "Un servizio di trasporto scolastico su prenotazione." in page
    assert "<h3>Come funziona</h3>" in page  # the description's # fits under its h2
    assert "<strong>prenotano</strong>" in page
    assert "Perosa Argentina, Pinerolo" in page
    for theme in themes:
        assert theme.name_en in page
    assert "Unione montana del Pinerolese" in page
    assert "Sept. 13, 2021" in page
    assert "<dd>ongoing</dd>" in page
    assert "Due pulmini e un operatore." in page
    assert "Il 40% delle famiglie lo usa." in page
    assert "Adatto alle valli con scuole lontane." in page
    assert "Maria Rossi, ufficio scuola" in page
    assert "<dt>Published</dt>" in page
    assert "<dt>Created</dt>" in page and "<dt>Updated</dt>" in page


@pytest.mark.django_db
def test_an_end_date_is_shown_instead_of_ongoing(client, zone5):
    practice = PracticeFactory(
        zone=zone5,
        status="published",
        start_date=datetime.date(2020, 5, 4),
        end_date=datetime.date(2020, 12, 31),
    )
    page = page_of(None, practice)
    assert "Dec. 31, 2020" in page
    assert "<dd>ongoing</dd>" not in page


@pytest.mark.django_db
def test_the_description_is_sanitised_on_the_page(client, zone5):
    practice = PracticeFactory(
        zone=zone5,
        status="published",
        description=(
            "<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
        ),
        summary="<b>riassunto</b>",
    )
    page = page_of(None, practice)
    assert "<script>alert(1)" not in page
    assert "javascript:alert(2)" not in page
    assert "<img src=x" not in page
    assert "&lt;b&gt;riassunto&lt;/b&gt;" in page


@pytest.mark.django_db
def test_a_due_recheck_is_highlighted_and_a_future_one_is_not(client, zone5):
    today = timezone.localdate()
    due = PracticeFactory(zone=zone5, status="published", recheck_by=today)
    later = PracticeFactory(
        zone=zone5, status="published", recheck_by=today + datetime.timedelta(days=30)
    )
    page = page_of(None, due)
    assert "Re-check due" in page
    assert 'class="recheck-due"' in page
    page = page_of(None, later)
    assert "<dt>Re-check by</dt>" in page
    assert "Re-check due" not in page
    assert 'class="recheck-due"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "visitor", "spokesperson_", "other", "staff"),
    [
        ("draft", 404, 200, 404, 200),
        ("submitted", 404, 200, 404, 200),
        ("changes_requested", 404, 200, 404, 200),
        ("rejected", 404, 200, 404, 200),
        ("published", 200, 200, 200, 200),
        ("archived", 404, 200, 200, 200),
    ],
)
def test_who_may_see_the_page(
    zone5,
    spokesperson,
    other_spokesperson,
    staff_user,
    status,
    visitor,
    spokesperson_,
    other,
    staff,
):
    practice = PracticeFactory(zone=zone5, status=status)
    url = practice.get_absolute_url()
    for user, expected in [
        (None, visitor),
        (spokesperson, spokesperson_),
        (other_spokesperson, other),
        (staff_user, staff),
    ]:
        assert as_user(user).get(url).status_code == expected, (status, user)


@pytest.mark.django_db
def test_an_unknown_practice_is_a_404(client, territory):
    assert (
        client.get(reverse("practices:practice-detail", kwargs={"pk": 999999})).status_code == 404
    )


@pytest.mark.django_db
def test_the_page_merges_the_lifecycle_and_transfer_contexts(client, zone5, monkeypatch):
    from practices.views import editing, transfers

    calls = []
    original_lifecycle, original_ledger = editing.detail_context, transfers.detail_context

    def lifecycle(request, practice):
        calls.append(("editing", practice.pk))
        return {**original_lifecycle(request, practice), "lifecycle_flag": "from-editing"}

    def ledger(request, practice):
        calls.append(("transfers", practice.pk))
        return {**original_ledger(request, practice), "ledger_flag": "from-transfers"}

    monkeypatch.setattr(editing, "detail_context", lifecycle)
    monkeypatch.setattr(transfers, "detail_context", ledger)
    practice = PracticeFactory(zone=zone5, status="published")
    response = client.get(practice.get_absolute_url())
    assert response.context["lifecycle_flag"] == "from-editing"
    assert response.context["ledger_flag"] == "from-transfers"
    assert response.context["section"] == "practices"
    assert sorted(calls) == [("editing", practice.pk), ("transfers", practice.pk)]
    templates = [t.name for t in response.templates]
    assert "practices/detail/_actions.html" in templates
    assert "practices/detail/_transfers.html" in templates


# --- Moderation and change history -------------------------------------------------------------


def moderated_practice(zone, spokesperson, staff_user) -> Practice:
    practice = PracticeFactory(zone=zone, status="draft", title="Orti condivisi")
    services.apply_transition(practice=practice, to_status="submitted", by=spokesperson)
    services.apply_transition(
        practice=practice,
        to_status="changes_requested",
        by=staff_user,
        note="Aggiungere i costi sostenuti.",
    )
    services.apply_transition(practice=practice, to_status="submitted", by=spokesperson)
    services.apply_transition(
        practice=practice, to_status="published", by=staff_user, note="Pubblicata, grazie."
    )
    return practice


@pytest.mark.django_db
def test_the_moderation_history_shows_to_staff_and_the_owning_zone_only(
    zone5, spokesperson, other_spokesperson, staff_user
):
    staff_user.first_name, staff_user.last_name = "Sara", "Staff"
    staff_user.save()
    practice = moderated_practice(zone5, spokesperson, staff_user)
    assert Transition.objects.filter(practice=practice).count() == 4
    for user in (staff_user, spokesperson):
        page = page_of(user, practice)
        assert "Moderation history" in page
        assert "Aggiungere i costi sostenuti." in page
        assert "Pubblicata, grazie." in page
        assert "<td>Changes requested</td>" in page
        assert "Sara Staff" in page
    for user in (None, other_spokesperson):
        page = page_of(user, practice)
        assert "Moderation history" not in page
        assert "Aggiungere i costi sostenuti." not in page


@pytest.mark.django_db
def test_the_change_history_shows_to_staff_only_with_field_by_field_differences(
    zone5, spokesperson, other_spokesperson, staff_user
):
    practice = moderated_practice(zone5, spokesperson, staff_user)
    practice.title = "Orti condivisi di quartiere"
    practice.contact_person = "Luca Bianchi"
    practice.save()
    transfer = TransferFactory(practice=practice, zone=Zone.objects.get(number=6))
    transfer.notes = "Adattato ai comuni montani"
    transfer.save()

    page = page_of(staff_user, practice)
    assert "Change history" in page
    assert (
        '<th scope="row">Title</th><td>Orti condivisi</td><td>Orti condivisi di quartiere</td>'
        in page
    )
    assert '<th scope="row">Contact person</th><td>—</td><td>Luca Bianchi</td>' in page
    # Status changes are part of the history, with their labels.
    assert '<th scope="row">Status</th><td>Submitted</td><td>Published</td>' in page
    # The transfers' history, named by their zone.
    assert "6. Valli di Susa e Sangone: changed" in page
    assert "<td>Adattato ai comuni montani</td>" in page
    # Bookkeeping fields stay out of it.
    assert ">Version<" not in page

    for user in (None, spokesperson, other_spokesperson):
        assert "Change history" not in page_of(user, practice)


# --- Query count -------------------------------------------------------------------------------


def grow(practice, n, staff_user, spokesperson):
    """Add ``n`` of everything the page lists."""
    for i in range(n):
        Attachment.objects.create(
            practice=practice,
            title=f"Allegato {i}",
            file=f"practices/{i:032x}.pdf",
            original_name=f"allegato-{i}.pdf",
            content_type="application/pdf",
            size=1000 + i,
            uploaded_by=spokesperson,
        )
        CommentFactory(practice=practice, author=UserFactory())
        Transition.objects.create(
            practice=practice, from_status="submitted", to_status="published", by=staff_user
        )
        practice.summary = f"Versione {i}"
        practice.save()
    hidden = CommentFactory(practice=practice, author=UserFactory())
    hidden.hidden_at, hidden.hidden_by, hidden.hidden_reason = timezone.now(), staff_user, "x"
    hidden.save()
    zones = list(Zone.objects.exclude(pk=practice.zone_id)[: min(n, 4)])
    for zone in zones:
        transfer = TransferFactory(practice=practice, zone=zone)
        transfer.notes = "note"
        transfer.save()
    practice.municipalities.set(Municipality.objects.filter(zone=practice.zone)[: n * 2])


def count_queries(user, practice) -> int:
    browser = as_user(user)
    browser.get(practice.get_absolute_url())  # warm up the session
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(practice.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["visitor", "spokesperson", "staff"])
def test_the_query_count_does_not_grow_with_the_data(
    zone5, spokesperson, staff_user, role, django_assert_max_num_queries
):
    user = {"visitor": None, "spokesperson": spokesperson, "staff": staff_user}[role]
    small = PracticeFactory(zone=zone5, status="published")
    large = PracticeFactory(zone=zone5, status="published")
    grow(small, 1, staff_user, spokesperson)
    grow(large, 12, staff_user, spokesperson)
    assert large.attachments.count() == 12 and large.comments.count() == 13
    assert large.history.count() > 12 and Transfer.history.filter(practice_id=large.pk).count() > 4
    assert count_queries(user, small) == count_queries(user, large)
    browser = as_user(user)
    browser.get(large.get_absolute_url())
    with django_assert_max_num_queries(40):
        browser.get(large.get_absolute_url())


# --- Zones like this one -----------------------------------------------------------------------


def zone(pk, population, area, number=None):
    return SimpleNamespace(pk=pk, number=number or pk, population=population, area=Decimal(area))


def test_nearest_zones_by_population_density_and_area():
    city = zone(1, 850_000, "130")
    belt_a = zone(2, 220_000, "170")
    belt_b = zone(3, 260_000, "380")
    valley_a = zone(4, 130_000, "1300")
    valley_b = zone(5, 110_000, "1280")
    valley_c = zone(6, 100_000, "970")
    zones = [city, belt_a, belt_b, valley_a, valley_b, valley_c]
    nearest = similar.nearest(valley_a, zones)
    assert [n.zone.pk for n in nearest] == [5, 6, 3]
    assert nearest[0].distance < nearest[1].distance < nearest[2].distance
    assert [n.zone.pk for n in similar.nearest(city, zones, count=2)] == [2, 3]


def test_nearest_leaves_out_the_zone_itself_and_the_excluded_ones():
    zones = [zone(i, 1000 * i, str(10 * i)) for i in range(1, 8)]
    # Same density everywhere: the distance follows the ratio of sizes, 6/4 < 7/4 < 4/2.
    nearest = similar.nearest(zones[3], zones, exclude={3, 5})
    assert [n.zone.pk for n in nearest] == [6, 7, 2]
    assert all(n.zone.pk not in {3, 4, 5} for n in nearest)


def test_a_log_scale_keeps_a_big_zone_from_dominating():
    # In raw numbers 20,000 is "closer" to 1,000 than 100,000 is to 50,000; on a log scale
    # (ratios) the 2x neighbour is nearer than the 20x one.
    target = zone(1, 50_000, "100")
    double = zone(2, 100_000, "200")
    tiny = zone(3, 2_500, "5")
    assert similar.nearest(target, [target, double, tiny], count=1)[0].zone.pk == 2


def test_ties_are_broken_by_zone_number_and_missing_figures_are_skipped():
    target = zone(1, 10_000, "100")
    twin_b = zone(3, 10_000, "100", number=3)
    twin_a = zone(2, 10_000, "100", number=2)
    empty = zone(4, 0, "100")
    no_area = SimpleNamespace(pk=5, number=5, population=10_000, area=None)
    nearest = similar.nearest(target, [target, twin_b, twin_a, empty, no_area])
    assert [n.zone.pk for n in nearest] == [2, 3]
    assert similar.nearest(empty, [target, empty]) == []


def test_identical_figures_everywhere_do_not_divide_by_zero():
    zones = [zone(i, 5000, "50") for i in range(1, 5)]
    assert [n.distance for n in similar.nearest(zones[0], zones)] == [0.0, 0.0, 0.0]


@pytest.mark.django_db
def test_zones_like_uses_the_zone_figures_and_skips_adopting_zones():
    built = {}
    for number, population, area in [
        (1, 800_000, "130"),
        (2, 200_000, "170"),
        (3, 120_000, "1200"),
        (4, 100_000, "1000"),
        (5, 90_000, "900"),
        (6, 250_000, "400"),
    ]:
        z = ZoneFactory(number=number)
        # Two municipalities each: the figures are sums.
        MunicipalityFactory(zone=z, population=population // 2, area_km2=Decimal(area) / 2)
        MunicipalityFactory(zone=z, population=population // 2, area_km2=Decimal(area) / 2)
        built[number] = z
    practice = PracticeFactory(zone=built[3], status="published")
    assert [n.zone.number for n in similar.zones_like(practice)] == [4, 5, 6]
    TransferFactory(practice=practice, zone=built[4], stage="adopted")
    TransferFactory(practice=practice, zone=built[5], stage="piloting")
    assert [n.zone.number for n in similar.zones_like(practice)] == [5, 6, 2]


@pytest.mark.django_db
def test_the_page_suggests_zones_like_the_owning_one(client, zone5):
    practice = PracticeFactory(zone=zone5, status="published")
    page = page_of(None, practice)
    suggested = [n.zone.number for n in similar.zones_like(practice)]
    assert len(suggested) == 3
    assert 5 not in suggested
    for number in suggested:
        assert Zone.objects.get(number=number).get_absolute_url() in page
    adopter = Zone.objects.get(number=suggested[0])
    TransferFactory(practice=practice, zone=adopter, stage="adopted")
    response = client.get(practice.get_absolute_url())
    assert adopter not in [n.zone for n in response.context["zones_like_this"]]
    assert len(response.context["zones_like_this"]) == 3
