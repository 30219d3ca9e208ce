"""Domain records of the gazetteer: :class:`Place`, :class:`Match` and :class:`Candidate`.

Records are frozen. Coordinates are ``lat``/``lon`` (WGS84 degrees); geometry, when a place is a line or an area,
is GeoJSON text in (lon, lat) order, as RFC 7946 says.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import MISSING, dataclass, field, fields, make_dataclass
from typing import Any

__all__ = ["KINDS", "MATCH_TYPES", "Candidate", "Match", "Place", "candidate_of", "place_of"]

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


# -- fast constructors for the lookup hot path ---------------------------------------------------------------
# A frozen dataclass sets each field through ``object.__setattr__`` (a slow call per field). The builders below
# are unfrozen slot classes with the same slots: a record is made as a builder, its fields stored directly, then
# its class is set to the frozen one, which CPython allows between classes of the same slot layout. The records
# are equal to, and indistinguishable from, those of the regular constructors; they take a fifth of the time.


def _builder(cls: type) -> Any:
    """An unfrozen slot dataclass with the fields (and so the slot layout) of the dataclass ``cls``."""
    spec = [(f.name, f.type) if f.default is MISSING else (f.name, f.type, field(default=f.default))
            for f in fields(cls)]
    builder = make_dataclass(f"_{cls.__name__}Builder", spec, slots=True, eq=False, repr=False)
    if getattr(builder, "__slots__", None) != getattr(cls, "__slots__", None):
        raise TypeError(f"{builder.__name__} does not have the slot layout of {cls.__name__}")
    return builder


_PlaceBuilder, _MatchBuilder, _CandidateBuilder = _builder(Place), _builder(Match), _builder(Candidate)
_new = object.__new__


def place_of(values: Sequence[Any]) -> Place:
    """``Place(*values)``, faster: ``values`` are the positional fields from ``id`` to ``prominence``.

    Examples
    --------
    >>> values = ("x:1", "X", "site", 1.0, 2.0, "x", None, None, None, None, 0, None, False, 0.5)
    >>> place = place_of(values)
    >>> type(place) is Place and place == Place(*values) and repr(place) == repr(Place(*values))
    True
    """
    place = _new(_PlaceBuilder)
    (place.id, place.name, place.kind, place.lat, place.lon, place.source, place.geonameid, place.feature_code,
     place.country, place.admin1, place.population, place.geometry, place.approximate, place.prominence) = values
    place.provenance = ""
    place.__class__ = Place
    return place  # type: ignore[no-any-return]


def candidate_of(place: Place, match_type: str, name: str, match_score: float, value: float) -> Candidate:
    """``Candidate(place, Match(match_type, name, match_score), value)``, faster.

    Examples
    --------
    >>> place = Place("x:1", "X", "site", 1.0, 2.0, "x")
    >>> candidate = candidate_of(place, "exact", "X", 1.0, 0.9)
    >>> candidate == Candidate(place, Match("exact", "X", 1.0), 0.9) and type(candidate.match) is Match
    True
    """
    match = _new(_MatchBuilder)
    match.type, match.name, match.score = match_type, name, match_score
    match.__class__ = Match
    candidate = _new(_CandidateBuilder)
    candidate.place, candidate.match, candidate.score = place, match, value
    candidate.__class__ = Candidate
    return candidate  # type: ignore[no-any-return]
