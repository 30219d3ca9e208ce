"""Query regions from what users type: a polygon file, a region name, a point, a radius, a bounding box.

Every function returns plain values (shapely geometries, floats, tuples) for :func:`geo.store.query`. Bad syntax
raises :class:`~geo.errors.UsageError` (the CLI exits 2); a file or a name that cannot be used raises a
:class:`~geo.errors.GeoError` subclass naming the value and the fix (the CLI exits 1).

>>> parse_radius("500m"), parse_radius("25 km"), parse_radius("3")
(0.5, 25.0, 3.0)
>>> parse_bbox("170,-20,-170,-10")  # west > east: the box crosses the antimeridian
(170.0, -20.0, -170.0, -10.0)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.errors import GazetteerError, SourceError, UsageError

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from gazetteer import Candidate, Gazetteer, Place

__all__ = ["AREA_KINDS", "parse_bbox", "parse_radius", "point_named", "polygon_from_file", "region_named"]

log = logging.getLogger(__name__)

#: Kinds that may have an outline; other kinds (cities, sites, roads) are points or lines, not regions.
AREA_KINDS = ("country", "admin1", "admin2", "region", "continent", "island", "sea")
#: Candidates whose scores are this close to the best one make a name ambiguous.
AMBIGUITY_MARGIN = 0.05

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_LATLON = re.compile(rf"\s*({_NUMBER})\s*,\s*({_NUMBER})\s*")
_RADIUS = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(km|m)?\s*", re.IGNORECASE)
_PLACE_ID = re.compile(r"[a-z][a-z0-9_-]*:\S+")
_POLYGONAL = ("Polygon", "MultiPolygon")


# -- numbers ------------------------------------------------------------------------------------------------------

def parse_radius(text: str) -> float:
    """A distance in km from ``25km``, ``500m`` or a bare number (km).

    >>> parse_radius("2.5KM")
    2.5
    >>> parse_radius("far")
    Traceback (most recent call last):
    ...
    geo.errors.UsageError: radius 'far' is not a distance; use e.g. 25km, 500m or 25 (km)
    """
    found = _RADIUS.fullmatch(text or "")
    if not found:
        raise UsageError(f"radius {text!r} is not a distance; use e.g. 25km, 500m or 25 (km)")
    value = float(found.group(1))
    return value / 1000 if (found.group(2) or "km").lower() == "m" else value


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``(W, S, E, N)`` from ``"W,S,E,N"`` in lon/lat degrees; W > E crosses the antimeridian.

    >>> parse_bbox("35.5, 35.0, 37.5, 36.5")
    (35.5, 35.0, 37.5, 36.5)
    """
    parts = (text or "").split(",")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise UsageError(f"bbox {text!r} is not W,S,E,N (four numbers in lon/lat degrees), e.g. "
                         "35.5,35.0,37.5,36.5") from None
    if not all(-180 <= v <= 180 for v in (west, east)) or not all(-90 <= v <= 90 for v in (south, north)):
        raise UsageError(f"bbox {text!r} is out of range: W and E are longitudes (-180…180), S and N latitudes "
                         "(-90…90); is it in lat,lon order or projected?")
    if south >= north:
        raise UsageError(f"bbox {text!r} has S >= N; the order is W,S,E,N")
    if west == east:
        raise UsageError(f"bbox {text!r} has W = E, which is an empty box; the order is W,S,E,N")
    return west, south, east, north


def _latlon(text: str) -> tuple[float, float] | None:
    """``(lat, lon)`` when ``text`` is ``"LAT,LON"`` (validated), else ``None``."""
    found = _LATLON.fullmatch(text)
    if not found:
        return None
    lat, lon = float(found.group(1)), float(found.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise UsageError(f"point {text!r} is out of range: give LAT,LON in degrees (latitude -90…90 first, then "
                         "longitude -180…180)")
    return lat, lon


# -- polygon files ------------------------------------------------------------------------------------------------

def polygon_from_file(path: str | Path) -> BaseGeometry:
    """The union of the polygons of a GeoJSON, GeoPackage (any OGR format) or ``.wkt`` file, in lon/lat.

    A file with a CRS other than EPSG:4326 is reprojected to it; a file without one (WKT) must already be in
    lon/lat degrees. Invalid polygons are repaired with ``shapely.make_valid`` (logged); other geometries are
    skipped (logged).

    Raises
    ------
    SourceError
        The file is missing, unreadable or empty, holds no polygon, or its coordinates are not lon/lat degrees.
    """
    import shapely

    source = Path(path)
    if not source.is_file():
        raise SourceError(f"no polygon file at {source}; give a GeoJSON, GeoPackage or .wkt file")
    if source.suffix.lower() == ".wkt":
        geometries = [_read_wkt(source)]
    else:
        geometries = _read_ogr(source)
    polygons = []
    skipped: set[str] = set()
    for number, geom in enumerate(geometries, start=1):
        if geom is None or geom.is_empty:
            continue
        if not geom.is_valid:
            log.warning("%s: polygon %d is invalid (%s); repaired with make_valid", source, number,
                        shapely.is_valid_reason(geom))
            geom = shapely.make_valid(geom)
        parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in _POLYGONAL and not g.is_empty]
        if not parts:
            skipped.add(geom.geom_type)
        polygons += parts
    if not polygons:
        found = f" (found {', '.join(sorted(skipped))})" if skipped else ""
        raise SourceError(f"{source} holds no polygon{found}; --polygon needs a Polygon or MultiPolygon file")
    if skipped:
        log.warning("%s: skipped geometries that are not polygons (%s)", source, ", ".join(sorted(skipped)))
    region = shapely.union_all(polygons)
    west, south, east, north = region.bounds
    if west < -180 or east > 180 or south < -90 or north > 90:
        raise SourceError(f"{source} has coordinates outside lon/lat degrees (bounds {west:.6g}, {south:.6g}, "
                          f"{east:.6g}, {north:.6g}); it is probably projected: reproject it to EPSG:4326, e.g. "
                          f"'ogr2ogr -t_srs EPSG:4326 out.geojson {source}'")
    return region


def _read_wkt(source: Path) -> BaseGeometry:
    import shapely

    try:
        text = source.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read polygon file {source}: {exc}") from None
    if not text:
        raise SourceError(f"{source} is empty; put one WKT geometry in it, e.g. POLYGON ((36 35, 37 35, 37 36, "
                          "36 35))")
    try:
        return shapely.from_wkt(text)
    except shapely.errors.GEOSException as exc:
        raise SourceError(f"{source} is not a WKT geometry ({exc})") from None


def _read_ogr(source: Path) -> list[Any]:
    """Geometries of every layer with a geometry column, reprojected to EPSG:4326 when the file has a CRS."""
    import pyogrio

    try:
        layers = [str(name) for name, kind in pyogrio.list_layers(source) if kind]
        geometries: list[Any] = []
        for layer in layers:
            frame = pyogrio.read_dataframe(source, layer=layer, columns=[])
            if frame.crs is not None and frame.crs.to_epsg() != 4326 and len(frame):
                log.info("%s: reprojecting layer %s from %s to EPSG:4326", source, layer, frame.crs.to_string())
                frame = frame.to_crs(4326)
            geometries += list(frame.geometry)
    except Exception as exc:  # pyogrio raises DataSourceError and friends; GDAL messages say why
        raise SourceError(f"cannot read polygon file {source}: {exc}; give a GeoJSON, GeoPackage or .wkt "
                          "file") from None
    if not geometries:
        raise SourceError(f"{source} has no features; --polygon needs a file with at least one polygon")
    return geometries


# -- names --------------------------------------------------------------------------------------------------------

def _describe(place: Place) -> str:
    where = ", ".join(v for v in (place.admin1, place.country) if v)
    return f"{place.id} {place.name} ({place.kind}{', ' + where if where else ''})"


def _polygon(place: Place) -> BaseGeometry | None:
    from shapely.geometry import shape

    geometry = place.geometry_json()
    if geometry and geometry.get("type") in _POLYGONAL:
        return shape(geometry)
    return None


def _qualified(gazetteer: Gazetteer, text: str) -> tuple[str, str | None]:
    """``("Punjab", "IN")`` from ``"Punjab, IN"`` or ``"Punjab, India"``; ``(text, None)`` when unqualified."""
    name, comma, tail = text.rpartition(",")
    tail = tail.strip()
    if not comma or not name.strip() or not tail:
        return text, None
    if len(tail) == 2 and tail.isalpha():
        return name.strip(), tail.upper()
    found = [c for c in gazetteer.lookup(tail, kinds=("country",), limit=1, fuzzy=False)]
    if found and found[0].place.country:
        return name.strip(), found[0].place.country
    return text, None


def _close(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates whose score is within :data:`AMBIGUITY_MARGIN` of the best one's."""
    return [c for c in candidates if candidates[0].score - c.score < AMBIGUITY_MARGIN]


def _how_to_get(place: Place) -> str:
    if place.kind in ("admin1", "admin2", "country") and place.country:
        return (f"'geo gazetteer download-boundaries {place.country} --level {place.kind}' or "
                f"'geo gazetteer import-boundaries FILE --level {place.kind}'")
    return "'geo gazetteer import-boundaries FILE --level region' (GeoJSON, GPKG or shapefile)"


def _did_you_mean(candidates: Sequence[Candidate]) -> str:
    names = list(dict.fromkeys(c.place.name for c in candidates))[:3]
    return f" (did you mean {', '.join(repr(n) for n in names)}?)" if names else ""


def _by_id(gazetteer: Gazetteer, place_id: str) -> Place:
    from gazetteer import Place

    found = gazetteer.get(place_id)
    stored = gazetteer.imported.boundaries_of([place_id]) if gazetteer.has_imported else {}
    if found:
        place = found[0]
        return replace(place, geometry=stored[place_id]) if place.geometry is None and place_id in stored \
            else place
    if place_id in stored:  # a polygon imported under its own id (it matched no gazetteer place)
        from shapely.geometry import shape

        point = shape(_json(stored[place_id])).representative_point()
        return Place(place_id, place_id, "region", point.y, point.x, "boundary", geometry=stored[place_id])
    raise GazetteerError(f"no place with id {place_id!r}; find ids with 'geo gazetteer lookup NAME --format json'")


def _json(text: str) -> dict[str, Any]:
    import json

    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def region_named(gazetteer: Gazetteer, name: str) -> tuple[BaseGeometry, Place]:
    """The outline of the region ``name`` (``--within``): a country, admin-1/admin-2 region, region, continent,
    island or sea.

    ``name`` may be a place id (``geonames:163843``, ``csc:state:2940``, ``boundary:FILE:N``) or qualified by a
    country (``"Punjab, IN"``, ``"Punjab, India"``).

    Raises
    ------
    UsageError
        ``name`` is blank.
    GazetteerError
        The name is unknown, ambiguous (the candidates are listed), names a point (a city: use ``--near``), or
        names a region with no polygon yet (the message says how to get one).
    """
    text = " ".join((name or "").split())
    if not text:
        raise UsageError("--within needs a region name or place id, e.g. --within Syria")
    if _PLACE_ID.fullmatch(text):
        place = _by_id(gazetteer, text)
        return _outline(gazetteer, place, text), place
    core, country = _qualified(gazetteer, text)
    candidates = [c for c in gazetteer.lookup(core, country=country, kinds=AREA_KINDS, limit=10)
                  if c.match.type != "fuzzy"]
    if candidates:
        close = _close(candidates)
        if len({c.place.id for c in close}) > 1:
            listed = "\n".join(f"  {_describe(c.place)}" for c in close)
            raise GazetteerError(f"region {text!r} is ambiguous; candidates:\n{listed}\npass the id (--within "
                                 f"{close[0].place.id}) or the country ('{core}, {close[0].place.country or 'CC'}')")
        place = candidates[0].place
        log.info("--within %r: %s", text, _describe(place))
        return _outline(gazetteer, place, core), place
    stored = gazetteer.imported.boundaries_named(core) if gazetteer.has_imported and not country else []
    if len({pid for pid, _, _ in stored}) > 1:
        listed = "\n".join(f"  {pid} {stored_name}" for pid, stored_name, _ in stored)
        raise GazetteerError(f"region {text!r} is ambiguous; imported polygons with this name:\n{listed}\n"
                             f"pass the id (--within {stored[0][0]})")
    if stored:
        place = _by_id(gazetteer, stored[0][0])
        log.info("--within %r: imported polygon %s", text, place.id)
        return _outline(gazetteer, place, core), place
    others = gazetteer.lookup(core, country=country, limit=5)
    exact = [c for c in others if c.match.type != "fuzzy"]
    if exact:
        place = exact[0].place
        raise GazetteerError(f"{text!r} is {_describe(place)}, a point or line, not a region with an outline; "
                             f"use --near '{core}' --radius 25km, or --within a region that contains it")
    raise GazetteerError(f"no region named {text!r}{_did_you_mean(others)}; check the spelling with "
                         f"'geo gazetteer lookup \"{core}\"'")


def _outline(gazetteer: Gazetteer, place: Place, name: str) -> BaseGeometry:
    polygon = _polygon(place)
    if polygon is not None:
        return polygon
    if place.kind not in AREA_KINDS:
        raise GazetteerError(f"{_describe(place)} is a point or line, not a region with an outline; use --near "
                             f"'{place.name}' --radius 25km, or --within a region that contains it")
    also = ""
    if gazetteer.has_imported:
        stored = [pid for pid, _, _ in gazetteer.imported.boundaries_named(name) if pid != place.id]
        also = f"; an imported polygon of that name exists: --within {stored[0]}" if stored else ""
    raise GazetteerError(f"{_describe(place)} has no boundary polygon yet; get one with {_how_to_get(place)}"
                         f"{also}")


def point_named(gazetteer: Gazetteer, text: str) -> tuple[float, float, str]:
    """``(lat, lon, label)`` for ``--near``: ``"LAT,LON"`` (validated) or a place name (its best candidate).

    Raises
    ------
    UsageError
        ``text`` is blank or a LAT,LON out of range.
    GazetteerError
        No place has this name.
    """
    value = " ".join((text or "").split())
    if not value:
        raise UsageError("--near needs a place name or LAT,LON, e.g. --near Saraqeb or --near 35.86,36.8")
    point = _latlon(value)
    if point is not None:
        return point[0], point[1], f"{point[0]},{point[1]}"
    if _PLACE_ID.fullmatch(value):
        place = _by_id(gazetteer, value)
        return place.lat, place.lon, place.name
    core, country = _qualified(gazetteer, value)
    candidates = gazetteer.lookup(core, country=country, limit=5)
    exact = [c for c in candidates if c.match.type != "fuzzy"]
    if not exact:
        raise GazetteerError(f"no place named {value!r}{_did_you_mean(candidates)}; give LAT,LON instead")
    place = exact[0].place
    close = [c for c in _close(exact)[1:] if c.place.id != place.id]
    if close:
        log.warning("--near %r is ambiguous; using %s at %.5f,%.5f (also: %s); pass LAT,LON (or 'NAME, CC') to choose",
                    value, _describe(place), place.lat, place.lon, "; ".join(_describe(c.place) for c in close))
    else:
        log.info("--near %r: %s at %.5f,%.5f", value, _describe(place), place.lat, place.lon)
    return place.lat, place.lon, place.name
