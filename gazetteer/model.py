"""Domain records of the gazetteer: :class:`Place`, :class:`Match` and :class:`Candidate`.

Records are frozen. Coordinates are ``lat``/``lon`` (WGS84 degrees); geometry, when a place is a line or an area,
is GeoJSON text in (lon, lat) order, as RFC 7946 says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["KINDS", "MATCH_TYPES", "Candidate", "Match", "Place"]

#: The kind vocabulary of CONTRACTS.md.
KINDS: frozenset[str] = frozenset(
    {
        "country", "admin1", "admin2", "populated_place", "continent", "region", "island", "sea", "river",
        "mountain", "road", "border", "crossing", "site", "airspace",
    }
)
#: Match types, best first.
MATCH_TYPES: tuple[str, ...] = ("exact", "alternate", "normalized", "fuzzy")


@dataclass(frozen=True, slots=True)
class Place:
    """A place of the gazetteer.

    Parameters
    ----------
    id
        ``"<dataset>:<key>"``, e.g. ``"geonames:164816"`` or ``"pack:levant:m5"``.
    name
        Preferred name.
    kind
        One of :data:`KINDS`.
    lat, lon
        Representative point, on the feature for lines and areas.
    source
        The dataset the place comes from (``geonames``, ``csc``, ``pack:levant``…).
    geonameid
        GeoNames id when the place is a GeoNames feature.
    feature_code
        GeoNames feature code (``PPLA``, ``ADM1``, ``PCLI``…), or ``None``.
    country
        ISO 3166-1 alpha-2 code, or ``None`` (seas, continents).
    admin1
        Name of the first-level division the place lies in, or ``None``.
    population
        Population, 0 when unknown.
    geometry
        GeoJSON geometry text for lines and areas, ``None`` for points.
    approximate
        True when the coordinates or geometry are an approximation (a road drawn through its towns).
    prominence
        0–1, from kind/rank, population and number of names; used to rank candidates.
    provenance
        The raw source row or a description of how the record was derived (JSON text).
    """

    id: str
    name: str
    kind: str
    lat: float
    lon: float
    source: str
    geonameid: int | None = None
    feature_code: str | None = None
    country: str | None = None
    admin1: str | None = None
    population: int = 0
    geometry: str | None = None
    approximate: bool = False
    prominence: float = 0.0
    provenance: str = field(default="", repr=False, compare=False)

    def geometry_json(self) -> dict[str, Any] | None:
        """Return the geometry as a GeoJSON mapping, or ``None`` for a point."""
        return json.loads(self.geometry) if self.geometry else None

    def to_dict(self) -> dict[str, Any]:
        """Return the contract fields of the place (CONTRACTS.md) as plain JSON values."""
        return {
            "id": self.id,
            "geonameid": self.geonameid,
            "source": self.source,
            "name": self.name,
            "kind": self.kind,
            "feature_code": self.feature_code,
            "country": self.country,
            "admin1": self.admin1,
            "lat": self.lat,
            "lon": self.lon,
            "population": self.population,
            "geometry": self.geometry_json(),
            "approximate": self.approximate,
        }


@dataclass(frozen=True, slots=True)
class Match:
    """How a query matched a place: ``type`` is one of :data:`MATCH_TYPES`, ``name`` the gazetteer name."""

    type: str
    name: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        """Return the match as a JSON mapping."""
        return {"type": self.type, "name": self.name, "score": round(self.score, 4)}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place proposed for a query, with the match and the ranking score (higher is better)."""

    place: Place
    match: Match
    score: float

    def to_dict(self) -> dict[str, Any]:
        """Return the flat candidate record of ``geo gazetteer lookup --format json``."""
        record = self.place.to_dict()
        record["match"] = self.match.to_dict()
        record["score"] = round(self.score, 4)
        return record
