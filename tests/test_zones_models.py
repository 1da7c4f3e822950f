"""Zone figures, memberships in force, name search, and the invariants the database keeps."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from zones.models import Membership, Municipality, Zone
from zones.permissions import is_spokesperson, is_staff_member, zones_of

from .factories import MembershipFactory, MunicipalityFactory, UserFactory, ZoneFactory


@pytest.mark.django_db
def test_zone_figures_are_computed_from_its_municipalities():
    zone = ZoneFactory()
    MunicipalityFactory(zone=zone, population=1000, area_km2=Decimal("10.00"))
    MunicipalityFactory(
        zone=zone, population=500, area_km2=None, area_km2_boundaries=Decimal("5.00")
    )
    empty = ZoneFactory()
    figures = {z.pk: z for z in Zone.objects.with_figures()}
    assert figures[zone.pk].municipality_count == 2
    assert figures[zone.pk].population == 1500
    assert figures[zone.pk].area == Decimal("15.00")
    assert figures[zone.pk].density == Decimal(100)
    assert figures[empty.pk].municipality_count == 0
    assert figures[empty.pk].population == 0
    assert figures[empty.pk].density is None


@pytest.mark.django_db
def test_zones_with_figures_come_in_number_order_whatever_the_insertion_order():
    for number in [3, 1, 2]:
        ZoneFactory(number=number)
    # Django drops Meta.ordering from GROUP BY queries; the database may then return any order
    # (PostgreSQL did), so the queryset must carry its own.
    assert Zone.objects.with_figures().ordered
    assert [z.number for z in Zone.objects.with_figures()] == [1, 2, 3]
    assert [z.number for z in Zone.objects.with_figures().with_evidence()] == [1, 2, 3]


@pytest.mark.django_db
def test_evidence_strength_is_counted_per_zone():
    zone = ZoneFactory()
    for code in ["explicit_list_2022", "official_act_DCM", "press_list", "inferred_x", ""]:
        MunicipalityFactory(zone=zone, zone_evidence=code)
    counted = Zone.objects.with_evidence().get(pk=zone.pk)
    assert (counted.evidence_confirmed, counted.evidence_corroborated) == (2, 1)
    assert (counted.evidence_inferred, counted.evidence_unknown) == (1, 1)


@pytest.mark.django_db
def test_membership_in_force_depends_on_active_and_dates():
    today = datetime.date(2026, 11, 25)
    zone = ZoneFactory()
    current = MembershipFactory(zone=zone, since=datetime.date(2026, 1, 1))
    MembershipFactory(zone=zone, since=datetime.date(2026, 1, 1), active=False)
    MembershipFactory(zone=zone, since=datetime.date(2027, 1, 1))  # not yet
    MembershipFactory(
        zone=zone, since=datetime.date(2025, 1, 1), until=datetime.date(2026, 6, 30)
    )  # ended
    last_day = MembershipFactory(
        zone=zone, since=datetime.date(2025, 1, 1), until=datetime.date(2026, 11, 25)
    )
    assert set(Membership.objects.current(on=today)) == {current, last_day}


@pytest.mark.django_db
def test_role_predicates():
    zone, other = ZoneFactory(), ZoneFactory()
    speaker = MembershipFactory(zone=zone).user
    assert is_spokesperson(speaker)
    assert is_spokesperson(speaker, zone) and not is_spokesperson(speaker, other)
    assert list(zones_of(speaker)) == [zone]
    assert not is_staff_member(speaker)
    superuser = UserFactory(is_superuser=True)
    assert is_staff_member(superuser)
    superuser.is_active = False
    assert not is_staff_member(superuser)


@pytest.mark.django_db
def test_name_search_ignores_case_and_accents():
    zone = ZoneFactory()
    MunicipalityFactory(zone=zone, name="Agliè")
    MunicipalityFactory(zone=zone, name="Ala di Stura")
    assert [m.name for m in Municipality.objects.search("AGLIE")] == ["Agliè"]
    assert [m.name for m in Municipality.objects.search("agliè")] == ["Agliè"]
    assert Municipality.objects.search("  ").count() == 2


@pytest.mark.django_db
def test_database_refuses_impossible_rows():
    zone = ZoneFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MunicipalityFactory(zone=zone, istat_code="12345")
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(
            zone=zone, since=datetime.date(2026, 2, 1), until=datetime.date(2026, 1, 1)
        )
    user = UserFactory()
    MembershipFactory(zone=zone, user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(zone=zone, user=user)  # two active memberships of the same zone


@pytest.mark.django_db
def test_every_object_names_itself():
    zone = ZoneFactory(number=4, name="AMT Nord")
    municipality = MunicipalityFactory(zone=zone, name="Mappano")
    membership = MembershipFactory(zone=zone, user=UserFactory(username="a@example.org"))
    assert str(zone) == "4. AMT Nord"
    assert str(municipality) == "Mappano"
    assert "AMT Nord" in str(membership)
    assert zone.get_absolute_url() == f"/zone/{zone.slug}/"
