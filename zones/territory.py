"""Loading the territory from CSV files.

Three kinds of file, told apart by their header row:

- a zones file (``zone_number``, ``name`` and optional ``official_name``, ``slug``, ``colour``,
  ``municipalities_2015``, ``population_2015``, ``source``, ``evidence_note``);
- a municipalities file (``istat_code``, ``name``, ``zone_number`` and the optional columns of
  ``data/territory/municipalities.csv``);
- an assignment list: two columns, ISTAT code then zone number, with or without a header, comma
  or semicolon separated (the form in which a metropolitan city publishes its official list).

A file is read and checked whole before anything is written: the first bad line refuses the
file with its line number and the database is left as it was. Loading is idempotent: rows that
match the file are left alone, changed rows are updated, and the report says which.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from .models import Municipality, Zone

ISTAT_CODE = re.compile(r"^\d{6}$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class TerritoryFileError(Exception):
    """A file that cannot be loaded; ``line`` is the 1-based line of the file at fault."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path, self.line, self.message = str(path), line, message
        where = f"{self.path}, line {line}" if line else self.path
        super().__init__(f"{where}: {message}")


@dataclass
class Report:
    """What a load did, to be printed for the operator."""

    kind: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self) -> list[str]:
        out = [
            f"{self.kind}: {len(self.created)} created, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged."
        ]
        out += [f"  + {item}" for item in self.created]
        out += [f"  ~ {item}" for item in self.updated]
        out += [f"  ! {note}" for note in self.notes]
        return out


# ---------------------------------------------------------------------------------------------
# Reading


def _read_rows(path: Path) -> list[list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TerritoryFileError(path, None, f"cannot be read ({exc.strerror}).") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TerritoryFileError(path, line, "is not UTF-8 text.") from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _header(row: list[str]) -> list[str]:
    return [cell.strip().lower() for cell in row]


def detect_kind(rows: list[list[str]]) -> str:
    if not rows:
        return "empty"
    header = _header(rows[0])
    if "istat_code" in header and "name" in header:
        return "municipalities"
    if "zone_number" in header and "name" in header:
        return "zones"
    if len([c for c in rows[0] if c.strip()]) == 2:
        return "assignment"
    return "unknown"


def _blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _int(path, line, column, value, *, minimum=0) -> int | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise TerritoryFileError(path, line, f"{column} '{value}' is not a whole number.") from None
    if number < minimum:
        raise TerritoryFileError(path, line, f"{column} {number} is below {minimum}.")
    return number


def _decimal(path, line, column, value) -> Decimal | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    try:
        number = Decimal(value.replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise TerritoryFileError(path, line, f"{column} '{value}' is not a number.") from None
    if number < 0 or number >= Decimal("1000000"):
        raise TerritoryFileError(path, line, f"{column} {number} is out of range.")
    return number


def _date(path, line, column, value) -> date | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TerritoryFileError(
            path, line, f"{column} '{value}' is not a date written as YYYY-MM-DD."
        ) from None


def _istat_code(path, line, value) -> str:
    code = (value or "").strip()
    if not ISTAT_CODE.match(code):
        hint = ""
        if code.isdigit() and len(code) < 6:
            hint = " (a spreadsheet may have dropped its leading zeros)"
        raise TerritoryFileError(
            path, line, f"malformed ISTAT code '{code}': it must have exactly 6 digits{hint}."
        )
    return code


def _zone_number(path, line, value, known: set[int]) -> int:
    number = _int(path, line, "zone_number", value, minimum=1)
    if number is None:
        raise TerritoryFileError(path, line, "the zone number is missing.")
    if number not in known:
        raise TerritoryFileError(
            path,
            line,
            f"unknown zone number {number}: the known zones are "
            f"{', '.join(str(n) for n in sorted(known)) or 'none (load the zones file first)'}.",
        )
    return number


def _required(path, line, column, value) -> str:
    value = (value or "").strip()
    if not value:
        raise TerritoryFileError(path, line, f"{column} is missing.")
    return value


def _records(path, rows):
    """Yield (line number, dict) for the data rows under the header, skipping blank lines."""
    header = _header(rows[0])
    for index, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise TerritoryFileError(
                path, index, f"has {len(row)} columns where the header has {len(header)}."
            )
        yield index, dict(zip(header, row, strict=True))


def _no_duplicates(path, seen: dict, key, line):
    if key in seen:
        raise TerritoryFileError(path, line, f"{key} appears again (first on line {seen[key]}).")
    seen[key] = line


def parse_zones(path, rows) -> list[dict]:
    zones, seen, slugs = [], {}, {}
    for line, rec in _records(path, rows):
        number = _int(path, line, "zone_number", rec.get("zone_number"), minimum=1)
        if number is None:
            raise TerritoryFileError(path, line, "the zone number is missing.")
        if number > 99:
            raise TerritoryFileError(path, line, f"zone number {number} is above 99.")
        _no_duplicates(path, seen, f"zone {number}", line)
        name = _required(path, line, "name", rec.get("name"))
        slug = (rec.get("slug") or "").strip() or slugify(name)
        if not slug or slugify(slug) != slug:
            raise TerritoryFileError(path, line, f"slug '{slug}' is not a valid slug.")
        _no_duplicates(path, slugs, f"slug {slug}", line)
        values = {
            "name": name,
            "official_name": (rec.get("official_name") or "").strip(),
            "slug": slug,
            "official_municipality_count": _int(
                path, line, "municipalities_2015", rec.get("municipalities_2015")
            ),
            "official_population": _int(path, line, "population_2015", rec.get("population_2015")),
            "source": (rec.get("source") or "").strip(),
            "evidence_note": (rec.get("evidence_note") or "").strip(),
        }
        colour = (rec.get("colour") or "").strip()
        if colour:
            if not COLOUR.match(colour):
                raise TerritoryFileError(path, line, f"colour '{colour}' is not #rrggbb.")
            values["colour"] = colour.lower()
        zones.append({"number": number, "values": values})
    return zones


def parse_municipalities(path, rows, known_zones: set[int]) -> list[dict]:
    header = _header(rows[0])
    missing = {"istat_code", "name", "zone_number"} - set(header)
    if missing:
        raise TerritoryFileError(path, 1, f"missing column(s): {', '.join(sorted(missing))}.")
    items, seen = [], {}
    for line, rec in _records(path, rows):
        code = _istat_code(path, line, rec.get("istat_code"))
        _no_duplicates(path, seen, f"ISTAT code {code}", line)
        zone_value = (rec.get("zone_number") or "").strip()
        zone = _zone_number(path, line, zone_value, known_zones) if zone_value else None
        values = {
            "name": _required(path, line, "name", rec.get("name")),
            "cadastral_code": (rec.get("cadastral_code") or "").strip()[:4],
            "zone_evidence": (rec.get("zone_evidence") or "").strip(),
            "zone_source": (rec.get("zone_source") or "").strip(),
            "population": _int(path, line, "population", rec.get("population")),
            "population_date": _date(path, line, "population_date", rec.get("population_date")),
            "area_km2": _decimal(path, line, "area_km2", rec.get("area_km2")),
            "area_source": (rec.get("area_source") or "").strip(),
            "altitude_m": _int(path, line, "altitude_m", rec.get("altitude_m"), minimum=-500),
            "altitude_source": (rec.get("altitude_source") or "").strip(),
            "area_km2_boundaries": _decimal(
                path,
                line,
                "area_km2_from_2023_boundaries",
                rec.get("area_km2_from_2023_boundaries"),
            ),
        }
        # Only the columns the file has are managed by it.
        values = {
            key: value
            for key, value in values.items()
            if key in ("name",) or _column_for(key) in header
        }
        items.append({"istat_code": code, "zone": zone, "values": values})
    return items


def _column_for(key: str) -> str:
    return {"area_km2_boundaries": "area_km2_from_2023_boundaries"}.get(key, key)


def parse_assignment(path, rows, known_zones: set[int]) -> list[dict]:
    start = 0
    first = [cell.strip() for cell in rows[0]]
    if first and not first[0].isdigit():
        start = 1  # a header row, whatever its wording
    items, seen = [], {}
    for index, row in enumerate(rows[start:], start=start + 1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if len([c for c in cells if c]) != 2 or len(cells) < 2:
            raise TerritoryFileError(
                path, index, "an assignment line has two columns: ISTAT code and zone number."
            )
        code = _istat_code(path, index, cells[0])
        _no_duplicates(path, seen, f"ISTAT code {code}", index)
        zone = _zone_number(path, index, cells[1], known_zones)
        items.append({"istat_code": code, "zone": zone})
    return items


# ---------------------------------------------------------------------------------------------
# Writing


def _describe(obj, values: dict) -> list[str]:
    changes = []
    for key, new in values.items():
        old = getattr(obj, key)
        if old != new:
            changes.append(f"{key} {_show(old)} → {_show(new)}")
            setattr(obj, key, new)
    return changes


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def apply_zones(items: list[dict]) -> Report:
    report = Report("Zones")
    existing = {zone.number: zone for zone in Zone.objects.all()}
    for item in items:
        zone = existing.get(item["number"])
        if zone is None:
            zone = Zone(number=item["number"], **item["values"])
            zone.full_clean()
            zone.save()
            report.created.append(str(zone))
            continue
        changes = _describe(zone, item["values"])
        if changes:
            zone.full_clean()
            zone.save()
            report.updated.append(f"{zone}: {'; '.join(changes)}")
        else:
            report.unchanged += 1
    return report


def apply_municipalities(items: list[dict]) -> Report:
    report = Report("Municipalities")
    zones = {zone.number: zone for zone in Zone.objects.all()}
    existing = {m.istat_code: m for m in Municipality.objects.select_related("zone")}
    for item in items:
        values = dict(item["values"])
        values["zone"] = zones.get(item["zone"]) if item["zone"] else None
        municipality = existing.get(item["istat_code"])
        if municipality is None:
            municipality = Municipality(istat_code=item["istat_code"], **values)
            municipality.save()
            report.created.append(f"{municipality.istat_code} {municipality.name}")
            continue
        changes = _describe(municipality, values)
        if changes:
            municipality.save()
            report.updated.append(
                f"{municipality.istat_code} {municipality.name}: {'; '.join(changes)}"
            )
        else:
            report.unchanged += 1
    in_file = {item["istat_code"] for item in items}
    absent = sorted(code for code in existing if code not in in_file)
    if absent:
        report.notes.append(
            f"{len(absent)} municipalities in the database are not in the file and were kept: "
            + ", ".join(f"{code} {existing[code].name}" for code in absent[:20])
            + (" …" if len(absent) > 20 else "")
        )
    return report


def apply_assignment(items: list[dict], *, evidence: str, source: str, path) -> Report:
    report = Report("Assignments")
    zones = {zone.number: zone for zone in Zone.objects.all()}
    existing = {m.istat_code: m for m in Municipality.objects.select_related("zone")}
    unknown = [item for item in items if item["istat_code"] not in existing]
    if unknown:
        raise TerritoryFileError(
            path,
            None,
            f"ISTAT code {unknown[0]['istat_code']} is not a known municipality "
            f"({len(unknown)} unknown in all): load the municipalities first.",
        )
    for item in items:
        municipality = existing[item["istat_code"]]
        changes = _describe(
            municipality,
            {"zone": zones[item["zone"]], "zone_evidence": evidence, "zone_source": source},
        )
        if changes:
            municipality.save()
            report.updated.append(
                f"{municipality.istat_code} {municipality.name}: {'; '.join(changes)}"
            )
        else:
            report.unchanged += 1
    not_listed = len(existing) - len(items)
    if not_listed > 0:
        report.notes.append(f"{not_listed} municipalities are not in the list and kept their zone.")
    return report


def _line_of(rows, istat_code) -> int | None:
    for index, row in enumerate(rows, start=1):
        if row and row[0].strip() == istat_code:
            return index
    return None


def load_file(path: Path | str, *, evidence: str = "official_list", source: str = "") -> Report:
    """Check a territory file of any of the three kinds and load it, all or nothing."""
    path = Path(path)
    rows = _read_rows(path)
    kind = detect_kind(rows)
    with transaction.atomic():
        known = set(Zone.objects.values_list("number", flat=True))
        if kind == "zones":
            return apply_zones(parse_zones(path, rows))
        if kind == "municipalities":
            return apply_municipalities(parse_municipalities(path, rows, known))
        if kind == "assignment":
            items = parse_assignment(path, rows, known)
            try:
                return apply_assignment(
                    items, evidence=evidence, source=source or path.name, path=path
                )
            except TerritoryFileError as exc:
                code = re.search(r"ISTAT code (\d{6})", exc.message)
                line = _line_of(rows, code.group(1)) if code else None
                raise TerritoryFileError(path, line, exc.message) from None
        if kind == "empty":
            raise TerritoryFileError(path, None, "is empty.")
        raise TerritoryFileError(
            path,
            1,
            "is not a territory file: expected a zones file (zone_number, name, …), a "
            "municipalities file (istat_code, name, zone_number, …) or a two-column list "
            "(ISTAT code, zone number).",
        )


def load_directory(directory: Path | str) -> list[Report]:
    """Load ``zones.csv`` then ``municipalities.csv`` from a folder, in one transaction."""
    directory = Path(directory)
    with transaction.atomic():
        return [load_file(directory / "zones.csv"), load_file(directory / "municipalities.csv")]
