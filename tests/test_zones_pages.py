"""Zone pages: what visitors, spokespersons and staff see; the htmx filter and its plain twin."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from zones.models import Municipality, Zone

from .factories import (
    MembershipFactory,
    MunicipalityFactory,
    PracticeFactory,
    UserFactory,
    ZoneFactory,
)

ITALIAN = {"HTTP_ACCEPT_LANGUAGE": "it"}


@pytest.mark.django_db
def test_zones_index_lists_each_zone_with_its_figures_and_the_totals(client, territory):
    response = client.get(reverse("zones:zone-list"), **ITALIAN)
    assert response.status_code == 200
    page = response.content.decode()
    for zone in Zone.objects.with_figures():
        assert zone.get_absolute_url() in page
        assert f"{zone.population:,}".replace(",", ".") in page  # Italian grouping
    assert "2.198.237" in page  # the metropolitan total
    assert ">312<" in page
    # The evidence is for staff only.
    assert "inferred" not in page and "dedott" not in page.lower()


@pytest.mark.django_db
def test_zones_index_shows_current_spokespersons_only(client, territory):
    zone = Zone.objects.get(number=3)
    MembershipFactory(zone=zone, user=UserFactory(first_name="Ada", last_name="Lovelace"))
    MembershipFactory(
        zone=zone, user=UserFactory(first_name="Ex", last_name="Portavoce"), active=False
    )
    page = client.get(reverse("zones:zone-list")).content.decode()
    assert "Ada Lovelace" in page
    assert "Ex Portavoce" not in page


@pytest.mark.django_db
def test_staff_see_how_firmly_each_zone_is_known(staff_client, territory):
    response = staff_client.get(reverse("zones:zone-list"), HTTP_ACCEPT_LANGUAGE="en")
    zones = {zone.number: zone for zone in response.context["zones"]}
    assert zones[1].evidence_confirmed == 1
    assert zones[7].evidence_inferred == 16  # as counted in the data file
    assert zones[9].evidence_inferred == 46
    assert sum(z.evidence_inferred for z in zones.values()) == 105
    assert "46 inferred" in response.content.decode()


@pytest.mark.django_db
def test_unassigned_municipalities_are_counted_for_everyone_and_listed_for_staff(
    client, staff_user, territory
):
    Municipality.objects.filter(istat_code__in=["001001", "001002"]).update(zone=None)
    page = client.get(reverse("zones:zone-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 municipalities are not yet assigned to a zone" in page
    assert reverse("zones:unassigned-list") not in page

    client.force_login(staff_user)
    page = client.get(reverse("zones:zone-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("zones:unassigned-list") in page
    listing = client.get(reverse("zones:unassigned-list")).content.decode()
    assert '<th scope="row">Agliè</th>' in listing
    assert '<th scope="row">Airasca</th>' in listing
    assert '<th scope="row">Torino</th>' not in listing


@pytest.mark.django_db
def test_unassigned_list_is_refused_to_others(client, spokesperson):
    url = reverse("zones:unassigned-list")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(spokesperson)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_zone_detail_shows_profile_spokespersons_and_municipalities(client, territory):
    zone = Zone.objects.get(number=5)
    MembershipFactory(zone=zone, user=UserFactory(first_name="Giulia", email="g@example.org"))
    response = client.get(zone.get_absolute_url(), **ITALIAN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pinerolese" in page
    assert "129.800" in page  # population of zone 5 in the data file
    assert "Giulia" in page
    assert "g@example.org" not in page  # e-mail addresses only for logged-in users
    assert len(response.context["municipalities"]) == 45
    assert "Pinerolo" in page and "Torino</th>" not in page


@pytest.mark.django_db
def test_logged_in_users_see_spokespersons_contacts(spokesperson_client):
    zone = Zone.objects.get(number=5)
    page = spokesperson_client.get(zone.get_absolute_url()).content.decode()
    assert "mailto:portavoce5@example.org" in page


@pytest.mark.django_db
def test_staff_see_each_municipality_evidence_on_the_zone_page(staff_client, territory):
    zone = Zone.objects.get(number=6)
    staff_page = staff_client.get(zone.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Inferred from position, counts and population" in staff_page.content.decode()
    assert escape(zone.evidence_note) in staff_page.content.decode()
    public_page = Client().get(zone.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Inferred from position" not in public_page.content.decode()
    assert escape(zone.evidence_note) not in public_page.content.decode()


@pytest.mark.django_db
def test_unknown_zone_is_404(client, territory):
    response = client.get("/zone/non-esiste/")
    assert response.status_code == 404
    assert "it-header-wrapper" in response.content.decode()  # the portal's own layout


@pytest.mark.django_db
def test_filter_without_javascript_is_a_plain_get_form(client, territory):
    zone = Zone.objects.get(number=5)
    response = client.get(zone.get_absolute_url(), {"q": "pinerolo"}, **ITALIAN)
    page = response.content.decode()
    names = [m.name for m in response.context["municipalities"]]
    assert names == ["Pinerolo", "Salza di Pinerolo", "San Secondo di Pinerolo"]
    assert '<html lang="it">' in page  # the whole page, not a fragment
    assert 'value="pinerolo"' in page
    assert 'method="get"' in page


@pytest.mark.django_db
def test_filter_ignores_case_and_accents_on_every_database(client, territory):
    zone = Zone.objects.get(number=8)
    response = client.get(zone.get_absolute_url(), {"q": "AGLIE"})
    assert [m.name for m in response.context["municipalities"]] == ["Agliè"]


@pytest.mark.django_db
def test_htmx_filter_answers_only_the_list_fragment(client, territory):
    zone = Zone.objects.get(number=5)
    response = client.get(
        zone.get_absolute_url(),
        {"q": "san"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="municipality-results",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    fragment = response.content.decode()
    assert response.status_code == 200
    assert fragment.strip().startswith('<div id="municipality-results">')
    assert "<html" not in fragment and "it-header-wrapper" not in fragment
    rows = re.findall(r'<th scope="row">([^<]+)</th>', fragment)
    assert rows == list(
        zone.municipalities.filter(name__icontains="san")
        .order_by("name")
        .values_list("name", flat=True)
    )
    assert "San Secondo di Pinerolo" in rows
    assert "Pinerolo" not in rows
    # The count outside the list is updated out of band.
    assert '<p id="municipality-count" hx-swap-oob="innerHTML">' in fragment
    assert f"{len(rows)} municipalities match “san”." in fragment


@pytest.mark.django_db
def test_filter_with_no_match_says_so_and_offers_to_clear(client, territory):
    zone = Zone.objects.get(number=5)
    page = client.get(
        zone.get_absolute_url(), {"q": "zzz"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "0 municipalities match “zzz”" in page
    assert "Clear the filter" in page


@pytest.mark.django_db
def test_over_long_or_nul_filter_gets_a_message_not_an_error(client, territory):
    zone = Zone.objects.get(number=5)
    response = client.get(zone.get_absolute_url(), {"q": "x" * 500}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "at most 100 characters" in response.content.decode()
    response = client.get(zone.get_absolute_url(), {"q": "pine\x00rolo"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_home_lists_the_zones(client, territory):
    response = client.get(reverse("home"), **ITALIAN)
    page = response.content.decode()
    assert response.status_code == 200
    for zone in Zone.objects.all():
        assert zone.get_absolute_url() in page
    assert reverse("privacy") in page and reverse("accessibility") in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["privacy", "accessibility", "practices:practice-list", "meetings:meeting-list"]
)
def test_plain_pages_open(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert 'id="main-content"' in response.content.decode()


def _build_zone(municipalities: int) -> Zone:
    zone = ZoneFactory()
    MunicipalityFactory.create_batch(municipalities, zone=zone)
    for _ in range(2):
        MembershipFactory(zone=zone)
    return zone


@pytest.mark.django_db
@pytest.mark.parametrize("as_staff", [False, True])
def test_page_queries_do_not_grow_with_the_data(
    client, staff_user, django_assert_max_num_queries, as_staff
):
    if as_staff:
        client.force_login(staff_user)
    small = _build_zone(3)
    for _ in range(2):
        _build_zone(3)

    def count(url, **extra):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, **extra).status_code == 200
        return len(ctx.captured_queries)

    pages = [reverse("home"), reverse("zones:zone-list"), small.get_absolute_url()]
    before = {url: count(url) for url in pages}
    big = _build_zone(150)
    for _ in range(8):
        _build_zone(20)
    after = {url: count(url) for url in pages}
    assert after == before
    for url in [*pages, big.get_absolute_url()]:
        with django_assert_max_num_queries(8):
            client.get(url)


@pytest.mark.django_db
def test_zone_page_links_to_the_zone_s_practices_in_the_catalogue(client, territory):
    zone = Zone.objects.get(number=5)
    PracticeFactory(zone=zone, status="published", title="Scuole in rete")
    PracticeFactory(zone=Zone.objects.get(number=3), status="published", title="Altrove")
    page = client.get(zone.get_absolute_url()).content.decode()
    link = re.search(r'href="(/pratiche/\?zone=5)"', page).group(1)
    listing = client.get(link).content.decode()
    assert "Scuole in rete" in listing and "Altrove" not in listing
