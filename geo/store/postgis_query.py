"""Queries over a :class:`~geo.store.postgis.PgStore`, with the filters and results of :func:`geo.store.query`.

Place and date filters run in PostGIS: a bbox or polygon through the GiST index on ``geom`` (lines and areas match
when they intersect the region; areas only when they share at least :data:`~geo.store.query.SLIVER` of the
smaller area), a radius through the lon/lat boxes of the circle on that index (:func:`~geo.store.query.near_bboxes`,
as the GeoPackage's R-tree) and then ``ST_DWithin`` on ``geography(geom)`` (the geodesic distance on the WGS84
spheroid from the nearest point of the geometry); from schema version 4, a point more than 1 % of the radius
inside or outside the circle by the haversine formula on its ``px``/``py`` columns is decided without it (a
PostGIS call per row cost more than finding the rows). Attribute filters are parameterised SQL; list
filters (outlet, article, claimed_by) and text are prefiltered with ``ILIKE`` and then checked exactly in Python,
as for the GeoPackage, so both back ends return the same rows. Geography edges are great-circle arcs: a line or
area that crosses the antimeridian must be split there (RFC 7946), as the GeoPackage store reads it planar.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from geo.errors import UsageError
from geo.memory import gc_paused
from geo.store.postgis_rows import read_frame, region_wkb
from geo.store.query import _EARTH_KM, GEO_PRECISION_ORDER, SLIVER, _day, _values, near_bboxes, refine

if TYPE_CHECKING:
    import geopandas
    from shapely.geometry.base import BaseGeometry

    from geo.store.postgis import PgStore

__all__ = ["query", "where_clause"]

log = logging.getLogger(__name__)

BBox = tuple[float, float, float, float]
_LISTS = {"outlet": ("outlets", "outlets_joined"), "claimed_by": ("claimed_by", "claimed_by_joined"),
          "article": ("sources", "articles_joined")}
_REGION = "ST_GeomFromWKB(%s, 4326)"
_AREAL = "GeometryType(geom) NOT IN ('POLYGON', 'MULTIPOLYGON')"
#: Within a distance (metres) of a point (lon, lat) on the WGS84 spheroid, from the nearest point of the geometry.
_WITHIN = "ST_DWithin(geography(geom), geography(ST_SetSRID(ST_MakePoint(%s, %s), 4326)), %s)"
#: The haversine term sin²(d / 2R) of the great-circle distance d from (lat0, cos(lat0), lon0) to (py, px).
_HAVERSINE = "(sin(radians(py - %s) / 2) ^ 2 + %s * cos(radians(py)) * sin(radians(px - %s) / 2) ^ 2)"
#: The relative margin around the radius inside which points are measured on the spheroid (see _haversine_band).
_BAND = 0.01


def _like(value: str) -> str:
    """An ``ILIKE`` pattern matching ``value`` as a substring (``%``, ``_`` and ``\\`` escaped)."""
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _check_text(value: str, name: str) -> str:
    if "\x00" in value:
        raise UsageError(f"a NUL character cannot be used in a query value: {name}={value!r}")
    return value


def _region(geometry: BaseGeometry, boxes: list[BBox]) -> tuple[list[str], list[Any]]:
    """Conditions (and their parameters) for events meeting ``geometry`` (whose envelope lies in ``boxes``)."""
    clauses = ["(" + " OR ".join("geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)" for _ in boxes) + ")",
               f"ST_Intersects(geom, {_REGION})"]
    params: list[Any] = [float(v) for b in boxes for v in b]
    wkb = region_wkb(geometry)
    params.append(wkb)
    if geometry.area > 0:  # areas sharing only a sliver do not match (see geo.store.query._drop_slivers)
        clauses.append(f"({_AREAL} OR ST_Area(ST_Intersection(geom, {_REGION})) >= %s * LEAST(ST_Area(geom), %s))")
        params += [wkb, SLIVER, geometry.area]
    return clauses, params


def where_clause(*, bbox: BBox | None = None, polygon: BaseGeometry | None = None,
                 near: tuple[float, float] | None = None, radius_km: float | None = None,
                 since: str | dt.date | None = None, until: str | dt.date | None = None,
                 include_undated: bool = False, outlet: str | Sequence[str] | None = None,
                 article: str | Sequence[str] | None = None, claimed_by: str | Sequence[str] | None = None,
                 type: str | None = None, max_geo_precision: str | None = None,
                 text: str | None = None, point_columns: bool = False) -> tuple[str, list[Any]]:
    """``WHERE …`` (or "") and its parameters for the filters of :func:`query` (list and text filters only as
    the ``ILIKE`` prefilter). ``point_columns``: the table has the ``px`` and ``py`` columns of schema version 4,
    with which a radius condition decides most points by arithmetic, without a PostGIS call per row."""
    import shapely
    from shapely.geometry import box

    if (near is None) != (radius_km is None):
        raise UsageError("near and radius_km go together: pass both, e.g. near=(35.83, 36.8), radius_km=25")
    lists = {"outlet": _values(outlet), "article": _values(article), "claimed_by": _values(claimed_by)}
    clauses: list[str] = []
    params: list[Any] = []
    since, until = _day(since, "since"), _day(until, "until")
    if since or until:
        dated = ["date IS NOT NULL"]
        if until:
            dated.append("date <= %s")
            params.append(until)
        if since:
            dated.append("coalesce(date_end, date) >= %s")
            params.append(since)
        condition = " AND ".join(dated)
        clauses.append(f"(({condition}) OR date IS NULL)" if include_undated else f"({condition})")
    if type:
        clauses.append("(lower(type) = %s OR lower(subtype) = %s)")
        params += [_check_text(type, "type").lower()] * 2
    if max_geo_precision:
        if max_geo_precision not in GEO_PRECISION_ORDER:
            raise UsageError(f"max_geo_precision={max_geo_precision!r} is not one of {', '.join(GEO_PRECISION_ORDER)}")
        clauses.append("geo_precision = ANY(%s)")
        params.append(list(GEO_PRECISION_ORDER[:GEO_PRECISION_ORDER.index(max_geo_precision) + 1]))
    for name, values in lists.items():
        for value in values:
            _check_text(value, name)
        if values and all(v.isascii() for v in values):  # a prefilter: the exact test follows in Python
            clauses.append("(" + " OR ".join(f"{_LISTS[name][1]} ILIKE %s" for _ in values) + ")")
            params += [_like(v) for v in values]
    if text:
        _check_text(text, "text")
        if text.isascii():
            clauses.append("summary ILIKE %s")
            params.append(_like(text))
    if bbox is not None:
        west, south, east, north = (float(v) for v in bbox)
        boxes = [(west, south, 180.0, north), (-180.0, south, east, north)] if west > east else [(west, south, east,
                                                                                                    north)]
        more, values = _region(shapely.union_all([box(*b) for b in boxes]), boxes)
        clauses += more
        params += values
    if polygon is not None:
        if not polygon.is_valid:
            log.warning("the query polygon is invalid (%s); repaired with make_valid",
                        shapely.is_valid_reason(polygon))
            polygon = shapely.make_valid(polygon)
        more, values = _region(polygon, [polygon.bounds])
        clauses += more
        params += values
    if near is not None and radius_km is not None:
        # the lon/lat boxes of the circle first, through the GiST index on geom (the candidates the GeoPackage's
        # R-tree gives: a fifth fewer than the geography index's geocentric box, and no geography made for the rest)
        lat, lon, radius = float(near[0]), float(near[1]), float(radius_km)
        boxes = near_bboxes(lat, lon, radius)
        clauses.append("(" + " OR ".join(["geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)"] * len(boxes)) + ")")
        params += [value for b in boxes for value in b]
        within = [lon, lat, radius * 1000]  # the parameters of _WITHIN
        band = _haversine_band(radius) if point_columns else None
        if band is None:
            clauses.append(_WITHIN)
            params += within
        else:  # points well inside or outside the circle by the haversine formula; near its edge, on the spheroid
            haversine = [lat, math.cos(math.radians(lat)), lon]  # the parameters of _HAVERSINE
            clauses.append(f"CASE WHEN px IS NULL THEN {_WITHIN} WHEN {_HAVERSINE} <= %s THEN true "
                           f"WHEN {_HAVERSINE} > %s THEN false ELSE {_WITHIN} END")
            params += [*within, *haversine, band[0], *haversine, band[1], *within]
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _haversine_band(radius_km: float) -> tuple[float, float] | None:
    """The haversine terms (``sin²(d / 2R)``) below which a point is surely within ``radius_km`` on the WGS84
    spheroid, and above which it is surely not; None when the radius is too close to half the Earth's
    circumference for the term to grow with the distance.

    The geodesic distance on the spheroid is within 0.6 % of the great-circle distance on the sphere of the mean
    radius (the spheroid's radii of curvature run from 6,335 to 6,400 km); the band is ±:data:`_BAND`.

    >>> low, high = _haversine_band(25.0)
    >>> low < math.sin(25.0 / (2 * _EARTH_KM)) ** 2 < high
    True
    >>> _haversine_band(20_000.0) is None
    True
    """
    low, high = (radius_km * (1 + sign * _BAND) / (2 * _EARTH_KM) for sign in (-1, 1))
    if high >= math.pi / 2:
        return None
    return math.sin(low) ** 2, math.sin(high) ** 2


@gc_paused()
def query(store: PgStore, *, limit: int | None = None, **filters: Any) -> geopandas.GeoDataFrame:
    """Events matching every given filter, sorted by date (undated last, then by id); the arguments and the
    frame are those of :func:`geo.store.query.query`."""

    lists = {"outlet": _values(filters.get("outlet")), "article": _values(filters.get("article")),
             "claimed_by": _values(filters.get("claimed_by"))}
    text = filters.get("text")
    exact = any(lists.values()) or bool(text)
    with store.connect() as conn:
        points = store.point_columns  # known once connected: the stored schema version
        where, params = where_clause(**filters, point_columns=points)
        limit_sql = None if exact else limit  # refine() sorts: the server orders only to cut at the limit
        frame = read_frame(conn, where, params, order="date NULLS LAST, id" if limit_sql is not None else None,
                           limit=limit_sql, point_columns=points)
    return refine(frame, lists=lists, text=text, limit=limit)
