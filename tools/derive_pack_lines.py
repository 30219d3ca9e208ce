"""Derive the border lines of the ``levant`` gazetteer pack from country polygons.

The country outlines come from the ``countryinfo`` package (version 1.0.1), whose
``data/<country>.json`` files carry a GeoJSON FeatureCollection under the key
``geoJSON`` (Natural Earth 1:110m outlines). For each pair of neighbouring
countries the shared boundary is computed as the intersection of the two
polygon boundaries; when that is empty or degenerate (the two outlines do not
share vertices exactly), the boundary of one country is clipped to a small
buffer around the other instead. The pieces are merged with
``shapely.ops.linemerge`` and rounded to 5 decimals.

The script prints CSV rows (in the schema of ``gazetteer/packs/levant.csv``,
without the header) to standard output, so they can be pasted into the pack.
It reads nothing but the installed package data, so its output is the same on
every run.

Usage::

    python tools/derive_pack_lines.py            # print the border rows
    python tools/derive_pack_lines.py --header   # print the CSV header first
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

from shapely.geometry import LineString, MultiLineString, shape
from shapely.ops import linemerge, unary_union

COUNTRYINFO_VERSION = "1.0.1"
BUFFER_DEG = 0.02  # tolerance when the two outlines do not share vertices
MIN_PIECE_DEG = 0.01  # drop slivers shorter than this (about 1 km)
ROUND = 5

HEADER = [
    "id", "name", "alternate_names", "kind", "feature_code", "country",
    "admin1", "lat", "lon", "population", "geonameid", "wkt", "approximate",
    "source",
]

# (row id, name, country file a, country file b, ISO2 of the first country,
#  admin1 text, alternate names)
BORDERS = [
    (
        "border-tr-sy",
        "Turkey–Syria border",
        "turkey", "syria", "TR", "",
        [
            "Turkish-Syrian border", "Turkey-Syria border",
            "Syrian-Turkish border", "Syria-Turkey border",
            "Turkish–Syrian border", "Syria–Turkey border",
            "Türkiye-Syria border",
            "Suriye sınırı", "الحدود السورية التركية",
        ],
    ),
    (
        "border-tr-gr",
        "Greece–Turkey border",
        "turkey", "greece", "TR", "",
        [
            "Turkish-Greek border", "Greek-Turkish border",
            "Turkey-Greece border", "Greece-Turkey border",
            "Turkish–Greek border", "Greek–Turkish border",
            "Turkey–Greece border", "Türkiye-Greece border",
            "Yunanistan sınırı", "ελληνοτουρκικά σύνορα",
        ],
    ),
]


def countryinfo_data_dir() -> Path:
    """Return the ``data`` folder of the installed countryinfo package."""
    import countryinfo  # imported here so --help works without it

    return Path(countryinfo.__file__).resolve().parent / "data"


def load_country(name: str):
    """Load one country's outline as a shapely (Multi)Polygon."""
    path = countryinfo_data_dir() / f"{name}.json"
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    geo = data["geoJSON"]
    if geo.get("type") == "FeatureCollection":
        geoms = [shape(f["geometry"]) for f in geo["features"]]
    elif geo.get("type") == "Feature":
        geoms = [shape(geo["geometry"])]
    else:
        geoms = [shape(geo)]
    return unary_union(geoms)


def _lines_of(geom):
    """Yield the LineStrings contained in any shapely geometry."""
    if geom.is_empty:
        return
    if isinstance(geom, LineString):
        yield geom
    elif isinstance(geom, MultiLineString):
        yield from geom.geoms
    elif hasattr(geom, "geoms"):
        for part in geom.geoms:
            yield from _lines_of(part)


def shared_boundary(a, b):
    """The boundary line shared by polygons ``a`` and ``b``, merged."""
    lines = [ln for ln in _lines_of(a.boundary.intersection(b.boundary))
             if ln.length > 0]
    if sum(ln.length for ln in lines) < MIN_PIECE_DEG:
        clipped = a.boundary.intersection(b.buffer(BUFFER_DEG))
        lines = list(_lines_of(clipped))
    lines = [ln for ln in lines if ln.length >= MIN_PIECE_DEG]
    merged = linemerge(lines) if lines else MultiLineString()
    return merged


def rounded(geom):
    """Round coordinates to ``ROUND`` decimals, dropping repeated points."""
    def fix(line):
        pts = []
        for x, y in line.coords:
            p = (round(x, ROUND), round(y, ROUND))
            if not pts or pts[-1] != p:
                pts.append(p)
        return pts

    parts = [fix(ln) for ln in _lines_of(geom)]
    parts = [p for p in parts if len(p) >= 2]
    # deterministic order: longest first, then by first coordinate
    parts.sort(key=lambda p: (-LineString(p).length, p[0]))
    if len(parts) == 1:
        return LineString(parts[0])
    return MultiLineString(parts)


def fmt(v: float) -> str:
    return f"{v:.{ROUND}f}".rstrip("0").rstrip(".")


def to_wkt(geom) -> str:
    def coords(line):
        return ", ".join(f"{fmt(x)} {fmt(y)}" for x, y in line.coords)

    if isinstance(geom, LineString):
        return f"LINESTRING ({coords(geom)})"
    return "MULTILINESTRING (" + ", ".join(
        f"({coords(ln)})" for ln in geom.geoms) + ")"


def representative_point(geom):
    """A vertex near the middle of the longest part (so it lies ON the line)."""
    longest = max(_lines_of(geom), key=lambda ln: ln.length)
    mid = longest.interpolate(0.5, normalized=True)
    best = min(longest.coords, key=lambda c: (c[0] - mid.x) ** 2 + (c[1] - mid.y) ** 2)
    return best[1], best[0]


def border_rows():
    rows = []
    for rid, name, ca, cb, iso2, admin1, alts in BORDERS:
        line = rounded(shared_boundary(load_country(ca), load_country(cb)))
        lat, lon = representative_point(line)
        rows.append([
            rid, name, "|".join(alts), "border", "", iso2, admin1,
            fmt(lat), fmt(lon), "", "", to_wkt(line), "true",
            f"derived: intersection of country borders (countryinfo "
            f"{COUNTRYINFO_VERSION}, Natural Earth 110m)",
        ])
    return rows


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if "--header" in argv:
        writer.writerow(HEADER)
    for row in border_rows():
        writer.writerow(row)
    sys.stdout.write(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
