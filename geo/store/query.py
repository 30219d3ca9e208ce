"""Queries over a :class:`~geo.store.GpkgStore`: place (bbox, polygon, radius), dates, attributes, text.

Rows are read with :mod:`sqlite3` in two steps within one read transaction: first the ids and geometries of the
candidates (R-tree envelope meets the region's boxes, and the SQL condition holds), which are tested exactly —
lines and areas match when they intersect the region; a radius is the geodesic distance from the nearest point of
the geometry (not its representative point) — then every column of the rows that passed, as the GeoDataFrame
pyogrio would return (same columns and dtypes), several times faster than pyogrio for a few thousand rows.
Date and attribute filters go to SQLite as a condition whose values are escaped by :func:`sql_text` /
:func:`sql_like`; list filters (outlet, article, claimed_by) and text are then checked exactly in Python, since
SQL ``LIKE`` only prefilters.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from geo.errors import UsageError
from geo.memory import gc_paused
from geo.store import StoreError
from geo.store.frames import SMALL, date_order, in_date_order, take_rows
from geo.store.gpkg import _RTREE, _SRS_ID, LAYER, GpkgStore, _connect

if TYPE_CHECKING:
    import geopandas
    import numpy as np
    from shapely.geometry.base import BaseGeometry

__all__ = ["GEO_PRECISION_ORDER", "near_bboxes", "query", "refine", "sql_like", "sql_text"]

log = logging.getLogger(__name__)

#: CONTRACTS.md's geo_precision tokens, finest first.
GEO_PRECISION_ORDER = ("site", "settlement", "near_settlement", "admin2", "line", "admin1", "country",
                       "sea_or_airspace")
_EARTH_KM = 6371.0088
_LIST_COLUMNS = {"outlet": ("outlets", "outlets_joined"), "claimed_by": ("claimed_by", "claimed_by_joined"),
                 "article": ("sources", "articles_joined")}

BBox = tuple[float, float, float, float]


def sql_text(value: str) -> str:
    """``value`` as an SQLite string literal (quotes doubled; NUL refused).

    >>> sql_text("O'Brien' OR '1'='1")
    "'O''Brien'' OR ''1''=''1'"
    """
    if "\x00" in value:
        raise UsageError(f"a NUL character cannot be used in a query value: {value!r}")
    return "'" + value.replace("'", "''") + "'"


def sql_like(value: str) -> str:
    """An SQLite ``LIKE`` condition tail matching ``value`` as a substring (``%``, ``_`` and ``\\`` escaped).

    >>> sql_like("50%_off")
    "LIKE '%50\\\\%\\\\_off%' ESCAPE '\\\\'"
    """
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"LIKE {sql_text('%' + escaped + '%')} ESCAPE '\\'"


def _day(value: str | dt.date | None, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError as exc:
        raise UsageError(f"{name}={value!r} is not an ISO date; use YYYY-MM-DD") from exc


def _values(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def near_bboxes(lat: float, lon: float, radius_km: float) -> list[BBox]:
    """Lon/lat boxes that together contain every point within ``radius_km`` of (lat, lon).

    Correct near the poles (a circle around a pole spans every longitude) and across the antimeridian (the box is
    split in two). A 1 % margin covers the ellipsoid's departure from the sphere.

    >>> near_bboxes(0.0, 179.9, 50)[1][0]
    -180.0
    """
    delta = radius_km * 1.01 / _EARTH_KM  # angular radius, radians
    south, north = lat - math.degrees(delta), lat + math.degrees(delta)
    if north >= 90 or south <= -90:
        return [(-180.0, max(south, -90.0), 180.0, min(north, 90.0))]
    ratio = math.sin(delta) / math.cos(math.radians(lat))
    if ratio >= 1:
        return [(-180.0, south, 180.0, north)]
    dlon = math.degrees(math.asin(ratio))
    west, east = lon - dlon, lon + dlon
    if west < -180:
        return [(west + 360, south, 180.0, north), (-180.0, south, east, north)]
    if east > 180:
        return [(west, south, 180.0, north), (-180.0, south, east - 360, north)]
    return [(west, south, east, north)]


def _distances_km(geoms: np.ndarray, lat: float, lon: float) -> np.ndarray:
    """Geodesic distance in km from (lat, lon) to the nearest point of each geometry (inf for a missing one)."""
    import numpy as np
    import pyproj
    import shapely

    out = np.full(len(geoms), np.inf)
    kinds = shapely.get_type_id(geoms)
    points = kinds == 0
    if points.any():
        xs, ys = shapely.get_x(geoms[points]), shapely.get_y(geoms[points])
        _, _, metres = pyproj.Geod(ellps="WGS84").inv(np.full(len(xs), lon), np.full(len(xs), lat), xs, ys)
        out[points] = np.asarray(metres) / 1000
    others = np.flatnonzero(~points & (kinds >= 0))
    if len(others):
        aeqd = pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
        to_local = pyproj.Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)

        def project(coords: np.ndarray) -> np.ndarray:
            x, y = to_local.transform(coords[:, 0], coords[:, 1])
            return np.column_stack([x, y])

        dense = shapely.segmentize(np.asarray(geoms[others]), 0.05)  # ~5 km: lon/lat segments ≈ geodesics
        local = shapely.transform(dense, project)
        out[others] = shapely.distance(local, shapely.Point(0, 0)) / 1000
    return out


_ENVELOPE = "maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?"  # an R-tree entry meets (W, E, S, N)
_IN_JSON = "fid IN (SELECT value FROM json_each(?))"  # the ids of a JSON array (no limit on their number)
#: Bytes of the envelope after the 8-byte GeoPackage geometry header, by the flags' envelope indicator (bits 1-3).
_ENVELOPE_BYTES = (0, 32, 48, 48, 64, 0, 0, 0)


def _shapes(blobs: Sequence[bytes | None]) -> np.ndarray:
    """Shapely geometries of GeoPackage geometry blobs (None stays None)."""
    import shapely

    return shapely.from_wkb([b if b is None else b[8 + _ENVELOPE_BYTES[(b[3] >> 1) & 7]:] for b in blobs])


def _near_fids(conn: sqlite3.Connection, lat: float, lon: float, radius_km: float) -> list[int]:
    """Feature ids within ``radius_km`` of (lat, lon), mostly from the R-tree alone: an envelope whose centre is
    well inside (or outside) the radius settles it — a point's envelope is a float32 rounding, under a metre —
    and only the geometries of the others (near the edge, lines, areas) are read and measured exactly."""
    import numpy as np
    import pyproj

    sql = f'SELECT id, minx, maxx, miny, maxy FROM "{_RTREE}" WHERE {_ENVELOPE}'
    rows = [row for w, s, e, n in near_bboxes(lat, lon, radius_km) for row in conn.execute(sql, (w, e, s, n))]
    envelopes = np.array(rows, dtype=np.float64).reshape(-1, 5)
    fids, minx, maxx, miny, maxy = envelopes[np.unique(envelopes[:, 0], return_index=True)[1]].T
    _, _, metres = pyproj.Geod(ellps="WGS84").inv(np.full(len(fids), lon), np.full(len(fids), lat),
                                                   (minx + maxx) / 2, (miny + maxy) / 2)
    slack = 112e3 * ((maxx - minx) + (maxy - miny))  # ≥ the distance from the centre to any point of the envelope
    inside = np.asarray(metres) + slack <= radius_km * 1000
    unsure = ~inside & (np.asarray(metres) - slack <= radius_km * 1000)
    found: list[int] = fids[inside].astype(np.int64).tolist()
    if unsure.any():
        candidates = conn.execute(f"SELECT fid, geom FROM {LAYER} WHERE {_IN_JSON}",
                                  (json.dumps(fids[unsure].astype(np.int64).tolist()),)).fetchall()
        near = _distances_km(_shapes([blob for _, blob in candidates]), lat, lon) <= radius_km
        found += [fid for (fid, _), keep in zip(candidates, near.tolist(), strict=True) if keep]
    return found


def _region_fids(conn: sqlite3.Connection, boxes: list[BBox], where: str | None,
                 test: Callable[[np.ndarray], np.ndarray]) -> list[int]:
    """Feature ids whose envelope meets one of ``boxes``, matching ``where``, whose geometry passes ``test``."""
    import numpy as np

    sql = f'SELECT fid, geom FROM {LAYER} WHERE fid IN (SELECT id FROM "{_RTREE}" WHERE {_ENVELOPE})'
    found: dict[int, bytes | None] = {}
    for west, south, east, north in boxes:
        found.update(conn.execute(sql + (f" AND ({where})" if where else ""), (west, east, south, north)))
    if not found:
        return []
    keep: list[int] = np.fromiter(found, dtype=np.int64)[test(_shapes(list(found.values())))].tolist()
    return keep


def _read(store: GpkgStore, where: str | None, *, fids: Callable[[sqlite3.Connection], list[int]] | None = None
          ) -> geopandas.GeoDataFrame:
    """The rows matching ``where`` (and among ``fids(conn)`` when given), as :meth:`GpkgStore.read_events`
    returns them (same columns and dtypes; read through GDAL's Arrow interface)."""
    import geopandas
    import numpy as np
    import pandas
    import pyarrow
    import pyogrio
    import shapely

    store._require()
    if fids is not None:
        with _connect(store.path, read_only=True) as conn:
            chosen = sorted(fids(conn))
        where = _IN_JSON.replace("?", sql_text(json.dumps(chosen))) + (f" AND ({where})" if where else "")
    try:
        meta, table = pyogrio.read_arrow(store.path, layer=LAYER, where=where)
    except RuntimeError as exc:  # pyogrio's errors
        raise StoreError(f"cannot read the event store {store.path} ({exc})") from exc
    geometry = meta["geometry_name"] or "geom"
    table = in_date_order(table)  # refine() then finds the rows in order
    text = pandas.StringDtype(na_value=np.nan)
    frame = table.drop_columns([geometry]).to_pandas(
        types_mapper={pyarrow.string(): text, pyarrow.large_string(): text}.get)
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pyarrow.types.is_string(column.type) and column.null_count == len(column):  # as pyogrio without Arrow
            frame[name] = np.full(len(frame), None, dtype=object)
    shapes = shapely.from_wkb(table.column(geometry).to_numpy(zero_copy_only=False))
    return geopandas.GeoDataFrame(frame, geometry=shapes, crs=f"EPSG:{_SRS_ID}")


#: An area event matches a region only when they share at least this share of the smaller of the two areas.
SLIVER = 0.01


def _drop_slivers(region: BaseGeometry, geoms: np.ndarray, keep: np.ndarray) -> None:
    """Unset ``keep`` for areas that only touch ``region`` or share a sliver of it (neighbouring low-resolution
    country outlines overlap slightly: Syria is not "within Turkey")."""
    import numpy as np
    import shapely

    if region.area == 0:
        return
    areal = np.flatnonzero(keep & np.isin(shapely.get_type_id(geoms), (3, 6)))  # Polygon, MultiPolygon
    if not len(areal):
        return
    shared = shapely.area(shapely.intersection(region, geoms[areal]))
    smaller = np.minimum(shapely.area(geoms[areal]), region.area)
    keep[areal] = shared >= SLIVER * smaller


def _where(*, since: str | None, until: str | None, include_undated: bool, type: str | None,
           max_geo_precision: str | None, lists: dict[str, list[str]], text: str | None) -> str | None:
    clauses = []
    if since or until:
        dated = ['"date" IS NOT NULL']
        if until:
            dated.append(f'"date" <= {sql_text(until)}')
        if since:
            dated.append(f'coalesce("date_end", "date") >= {sql_text(since)}')
        condition = " AND ".join(dated)
        clauses.append(f'(({condition}) OR "date" IS NULL)' if include_undated else f"({condition})")
    if type:
        token = sql_text(type.lower())
        clauses.append(f'(lower("type") = {token} OR lower("subtype") = {token})')
    if max_geo_precision:
        if max_geo_precision not in GEO_PRECISION_ORDER:
            raise UsageError(f"max_geo_precision={max_geo_precision!r} is not one of {', '.join(GEO_PRECISION_ORDER)}")
        allowed = GEO_PRECISION_ORDER[:GEO_PRECISION_ORDER.index(max_geo_precision) + 1]
        clauses.append(f'"geo_precision" IN ({", ".join(sql_text(t) for t in allowed)})')
    for name, values in lists.items():
        if values and all(v.isascii() for v in values):  # SQLite's LIKE folds ASCII case only
            column = _LIST_COLUMNS[name][1]
            clauses.append("(" + " OR ".join(f'"{column}" {sql_like(v)}' for v in values) + ")")
    if text and text.isascii():
        clauses.append(f'"summary" {sql_like(text)}')
    return " AND ".join(clauses) or None


def refine(frame: geopandas.GeoDataFrame, *, lists: dict[str, list[str]], text: str | None,
           limit: int | None) -> geopandas.GeoDataFrame:
    """The exact list filters (outlet, article, claimed_by: case-insensitive elements) and summary text on rows
    an SQL prefilter selected, then the sort by date (undated last) and id, then ``limit``. Shared by every back
    end so they answer alike."""
    import pandas

    if len(frame) and (any(lists.values()) or text):
        keep = pandas.Series(True, index=frame.index)
        for name, values in lists.items():
            if values:
                wanted = {v.casefold() for v in values}
                key = "article" if name == "article" else None
                keep &= frame[_LIST_COLUMNS[name][0]].map(lambda cell, w=wanted, k=key: _matches_list(cell, w, k))
        if text:
            needle = text.casefold()
            keep &= frame["summary"].map(lambda s: isinstance(s, str) and needle in s.casefold())
        frame = frame[keep.to_numpy(dtype=bool)]
    positions = date_order(frame)
    if not (positions[1:] < positions[:-1]).any():  # in order already (read so: in_date_order)
        frame = frame.reset_index(drop=True)
    elif len(positions) > SMALL:  # the reordering is the cost: columns side by side
        frame = take_rows(frame, positions)
    else:
        frame = frame.take(positions).reset_index(drop=True)
    return frame.head(limit) if limit is not None else frame


def _matches_list(cell: Any, wanted: set[str], key: str | None) -> bool:
    if not isinstance(cell, str):
        return False
    items = json.loads(cell)
    values = (item.get(key) for item in items) if key else items
    return any(isinstance(v, str) and v.casefold() in wanted for v in values)


@gc_paused()  # a query makes many short-lived objects: no collection walks the caller's long-lived ones
def query(store: Any, *, bbox: BBox | None = None, polygon: BaseGeometry | None = None,
          near: tuple[float, float] | None = None, radius_km: float | None = None,
          since: str | dt.date | None = None, until: str | dt.date | None = None, include_undated: bool = False,
          outlet: str | Sequence[str] | None = None, article: str | Sequence[str] | None = None,
          claimed_by: str | Sequence[str] | None = None, type: str | None = None,
          max_geo_precision: str | None = None, text: str | None = None,
          limit: int | None = None) -> geopandas.GeoDataFrame:
    """Events matching every given filter, sorted by date (undated last, then by id).

    Parameters
    ----------
    store
        The event store: a :class:`GpkgStore`, or a store with a ``query`` method taking these filters
        (:class:`~geo.store.PgStore`).
    bbox
        ``(W, S, E, N)`` lon/lat degrees; W > E crosses the antimeridian.
    polygon
        A shapely geometry in lon/lat; an invalid one is repaired with ``make_valid`` (logged). Points and lines
        match when they intersect it (or ``bbox``); areas when they share at least :data:`SLIVER` of the smaller
        area with it, so a neighbouring country's outline does not match.
    near, radius_km
        ``(lat, lon)`` and a radius: the geodesic distance from the nearest point of the event's geometry.
    since, until
        Inclusive ISO days; an event matches when ``[date, date_end]`` overlaps. With either given, undated
        events are left out unless ``include_undated``.
    outlet, article, claimed_by
        Case-insensitive exact match of any element of the event's ``outlets``, ``sources[].article`` or
        ``claimed_by`` (a sequence matches any of its values).
    type
        Matches ``type`` or ``subtype``.
    max_geo_precision
        The coarsest ``geo_precision`` kept (CONTRACTS.md order, ``site`` finest).
    text
        Case-insensitive substring of ``summary``.
    limit
        At most this many rows, after sorting.

    Returns
    -------
    geopandas.GeoDataFrame
        The store's columns (nested fields as JSON text), EPSG:4326.
    """
    if not isinstance(store, GpkgStore) and hasattr(store, "query"):  # another back end (PostGIS) answers itself
        result: geopandas.GeoDataFrame = store.query(
            bbox=bbox, polygon=polygon, near=near, radius_km=radius_km, since=since, until=until,
            include_undated=include_undated, outlet=outlet, article=article, claimed_by=claimed_by, type=type,
            max_geo_precision=max_geo_precision, text=text, limit=limit)
        return result
    import numpy as np
    import shapely
    from shapely.geometry import box

    if (near is None) != (radius_km is None):
        raise UsageError("near and radius_km go together: pass both, e.g. near=(35.83, 36.8), radius_km=25")
    lists = {"outlet": _values(outlet), "article": _values(article), "claimed_by": _values(claimed_by)}
    where = _where(since=_day(since, "since"), until=_day(until, "until"), include_undated=include_undated,
                   type=type, max_geo_precision=max_geo_precision, lists=lists, text=text)

    regions: list[BaseGeometry] = []
    boxes: list[BBox] | None = None
    if bbox is not None:
        west, south, east, north = bbox
        boxes = [(west, south, 180.0, north), (-180.0, south, east, north)] if west > east else [bbox]
        regions.append(shapely.union_all([box(*b) for b in boxes]))
    if polygon is not None:
        if not polygon.is_valid:
            log.warning("the query polygon is invalid (%s); repaired with make_valid",
                        shapely.is_valid_reason(polygon))
            polygon = shapely.make_valid(polygon)
        regions.append(polygon)
        boxes = [polygon.bounds] if boxes is None else boxes
    if near is not None and radius_km is not None:
        boxes = near_bboxes(near[0], near[1], radius_km)

    def test(geoms: np.ndarray) -> np.ndarray:
        keep = np.ones(len(geoms), dtype=bool)
        for region in regions:
            shapely.prepare(region)
            keep &= shapely.intersects(region, geoms)
            _drop_slivers(region, geoms, keep)
        if near is not None and radius_km is not None:
            keep &= _distances_km(geoms, near[0], near[1]) <= radius_km
        return keep

    if near is not None and radius_km is not None and not regions:  # the radius alone: mostly from the R-tree
        frame = _read(store, where, fids=lambda conn: _near_fids(conn, near[0], near[1], radius_km))
    elif boxes is not None:
        frame = _read(store, None, fids=lambda conn: _region_fids(conn, boxes, where, test))
    else:
        frame = _read(store, where)
    return refine(frame, lists=lists, text=text, limit=limit)
