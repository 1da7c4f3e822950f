"""load_territory: the shipped territory, idempotence, updates, refusals, assignment lists."""

import csv
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from zones.models import Municipality, Zone

DATA = Path(settings.TERRITORY_DIR)


def run(*args) -> str:
    out = StringIO()
    call_command("load_territory", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def read_csv(name):
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path, rows, fieldnames=None):
    fieldnames = fieldnames or list(rows[0])
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)


def snapshot():
    return (
        list(Zone.objects.order_by("number").values()),
        list(Municipality.objects.order_by("istat_code").values()),
    )


@pytest.fixture
def copy_of_territory(tmp_path):
    folder = tmp_path / "territory"
    shutil.copytree(DATA, folder)
    return folder


@pytest.mark.django_db
def test_shipped_territory_has_11_zones_312_municipalities_and_the_istat_total():
    output = run()
    assert "Zones: 11 created" in output
    assert "Municipalities: 312 created" in output
    assert Zone.objects.count() == 11
    assert Municipality.objects.count() == 312
    assert Municipality.objects.unassigned().count() == 0
    totals = Municipality.objects.aggregate_totals()
    expected = sum(int(row["population"]) for row in read_csv("municipalities.csv"))
    assert expected == 2_198_237  # the ISTAT figure for 1 January 2023 stated by the data file
    assert totals["population"] == expected


@pytest.mark.django_db
def test_each_zone_count_and_population_match_the_data_file():
    run()
    rows = read_csv("municipalities.csv")
    reference = read_csv_zones_reference()
    for zone in Zone.objects.with_figures():
        mine = [row for row in rows if int(row["zone_number"]) == zone.number]
        assert zone.municipality_count == len(mine) == reference[zone.number]["municipalities"]
        assert zone.population == sum(int(r["population"]) for r in mine)
        assert zone.population == reference[zone.number]["population_2023"]


def read_csv_zones_reference():
    """The counts the reference data computed for 2023 (shared/data/territory/zones.csv)."""
    shared = Path(settings.BASE_DIR).parent / "shared" / "data" / "territory" / "zones.csv"
    if not shared.exists():
        pytest.skip("the shared reference data is not beside the repository")
    with open(shared, encoding="utf-8") as handle:
        return {
            int(row["zone_number"]): {
                "municipalities": int(row["municipalities"]),
                "population_2023": int(row["population_2023"]),
            }
            for row in csv.DictReader(handle)
        }


@pytest.mark.django_db
def test_sources_and_evidence_are_kept():
    run()
    torino = Municipality.objects.get(istat_code="001272")
    assert torino.name == "Torino"
    assert torino.zone.number == 1
    assert torino.zone_source.startswith("http")
    assert torino.area_source
    assert torino.population_date.isoformat() == "2023-01-01"
    mappano = Municipality.objects.get(name="Mappano")
    assert mappano.area_km2 is None
    assert mappano.area == mappano.area_km2_boundaries > 0  # the boundaries' area fills the gap
    assert Municipality.objects.filter(zone_evidence="inferred_count_population").count() == 105
    assert "14 aprile 2015" in Zone.objects.get(number=2).evidence_note


@pytest.mark.django_db
def test_second_run_changes_nothing_and_says_so():
    run()
    before = snapshot()
    output = run()
    assert "No changes" in output
    assert "0 created, 0 updated, 312 unchanged" in output
    assert snapshot() == before


@pytest.mark.django_db
def test_changed_file_updates_rows_and_reports_what_changed(copy_of_territory):
    run()
    rows = read_csv("municipalities.csv")
    for row in rows:
        if row["istat_code"] == "001272":
            row["population"] = "850000"
        if row["istat_code"] == "001002":  # Airasca, zone 5
            row["zone_number"] = "3"
    write_csv(copy_of_territory / "municipalities.csv", rows)
    output = run(copy_of_territory)
    assert "2 updated" in output
    assert "001272 Torino: population 841600 → 850000" in output
    assert "001002 Airasca: zone" in output
    assert Municipality.objects.count() == 312
    assert Municipality.objects.get(istat_code="001272").population == 850000
    assert Municipality.objects.get(istat_code="001002").zone.number == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("zone_number", "12", "unknown zone number 12"),
        ("istat_code", "1272", "malformed ISTAT code '1272'"),
        ("istat_code", "00127A", "malformed ISTAT code '00127A'"),
        ("population", "many", "population 'many' is not a whole number"),
    ],
)
def test_bad_file_is_refused_with_its_line_number_and_nothing_written(
    copy_of_territory, column, value, message
):
    run()
    rows = read_csv("municipalities.csv")
    rows[0]["population"] = "1"  # a valid change before the bad line must not be written
    rows[41][column] = value  # data row 42 is line 43 of the file
    write_csv(copy_of_territory / "municipalities.csv", rows)
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        run(copy_of_territory / "municipalities.csv")
    assert "line 43" in str(refused.value)
    assert message in str(refused.value)
    assert "nothing was written" in str(refused.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_refusal_on_an_empty_database_writes_no_zone_either(copy_of_territory):
    rows = read_csv("municipalities.csv")
    rows[-1]["zone_number"] = "0"
    write_csv(copy_of_territory / "municipalities.csv", rows)
    with pytest.raises(CommandError, match="line 313"):
        run(copy_of_territory)
    assert Zone.objects.count() == 0
    assert Municipality.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_istat_code_is_refused(copy_of_territory):
    run()
    rows = read_csv("municipalities.csv")
    rows.append(dict(rows[0]))
    write_csv(copy_of_territory / "municipalities.csv", rows)
    with pytest.raises(CommandError, match=r"line 314: ISTAT code 001001 appears again"):
        run(copy_of_territory / "municipalities.csv")


@pytest.mark.django_db
def test_a_file_that_is_not_a_territory_file_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not a territory file"):
        run(path)
    with pytest.raises(CommandError, match="cannot be read"):
        run(tmp_path / "missing.csv")


@pytest.mark.django_db
def test_two_column_official_list_reassigns_and_records_its_evidence(tmp_path):
    run()
    path = tmp_path / "elenco.csv"
    # As a spreadsheet exports it: a header of its own, semicolons, a BOM.
    path.write_text("\ufeffCodice ISTAT;Zona omogenea\n001002;3\n001272;1\n", encoding="utf-8")
    output = run(path, "--source", "https://example.org/elenco.xlsx")
    # Torino keeps its zone but is now known from the official list too.
    assert "Assignments: 0 created, 2 updated, 0 unchanged" in output
    assert "001002 Airasca: zone 5. Pinerolese → 3. AMT Sud" in output
    assert "310 municipalities are not in the list and kept their zone" in output
    airasca = Municipality.objects.get(istat_code="001002")
    assert airasca.zone.number == 3
    assert airasca.zone_evidence == "official_list"
    assert airasca.zone_source == "https://example.org/elenco.xlsx"
    assert "No changes" in run(path, "--source", "https://example.org/elenco.xlsx")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("001002,3\n999999,4\n", "line 2: ISTAT code 999999 is not a known municipality"),
        ("001002,3\n001003,14\n", "line 2: unknown zone number 14"),
        ("001002,3\n1003,4\n", "line 2: malformed ISTAT code '1003'"),
        ("001002,3\n001003\n", "line 2: an assignment line has two columns"),
    ],
)
def test_bad_official_list_is_refused_and_nothing_written(tmp_path, content, message):
    run()
    path = tmp_path / "elenco.csv"
    path.write_text(content, encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        run(path)
    assert message in str(refused.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_municipality_without_zone_is_loaded_as_unassigned(copy_of_territory):
    rows = read_csv("municipalities.csv")
    rows[0]["zone_number"] = ""
    write_csv(copy_of_territory / "municipalities.csv", rows)
    run(copy_of_territory)
    assert Municipality.objects.count() == 312
    assert list(Municipality.objects.unassigned().values_list("name", flat=True)) == ["Agliè"]


@pytest.mark.django_db
def test_zones_file_updates_a_zone(copy_of_territory):
    run()
    rows = read_csv("zones.csv")
    rows[4]["colour"] = "#123456"
    write_csv(copy_of_territory / "zones.csv", rows)
    output = run(copy_of_territory / "zones.csv")
    assert "5. Pinerolese: colour #30638e → #123456" in output
    assert Zone.objects.get(number=5).colour == "#123456"


@pytest.mark.django_db
def test_decimal_area_with_italian_comma_is_read(copy_of_territory):
    rows = read_csv("municipalities.csv")
    rows[0]["area_km2"] = "13,15"
    write_csv(copy_of_territory / "municipalities.csv", rows)
    run(copy_of_territory)
    assert Municipality.objects.get(istat_code="001001").area_km2 == Decimal("13.15")
