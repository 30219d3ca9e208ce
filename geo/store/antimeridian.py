"""Cutting lines and polygons at the antimeridian, as RFC 7946 (section 3.1.9) asks of GeoJSON.

A geometry crosses the antimeridian where two consecutive vertices are more than 180° of longitude apart: the
short way between them is across ±180°. Such a line becomes a MultiLineString whose parts end and start on ±180°
(the latitude there interpolated along the segment); such a polygon is unwrapped to continuous longitudes, clipped
at ±180° and its pieces shifted back, so it becomes a MultiPolygon. Points and geometries that do not cross are
returned as they are. A ring that circles a pole (its unwrapped longitudes do not close) is left uncut. Cut
geometries are 2-D (a z value is dropped, as the exports flag 3-D coordinates anyway).

>>> import shapely
>>> [g.wkt for g in cut_antimeridian(shapely.from_wkt(["LINESTRING (179 -17, -179 -19)"]))]
['MULTILINESTRING ((179 -17, 180 -18), (-180 -18, -179 -19))']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["cut_antimeridian", "crossing"]

#: shapely type ids of lines, rings, polygons and their collections
_LINEAR = (1, 2, 3, 5, 6, 7)


def crossing(geoms: Any) -> np.ndarray:
    """Positions of the geometries with two consecutive vertices more than 180° of longitude apart."""
    import numpy as np
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    candidates = np.flatnonzero(np.isin(shapely.get_type_id(geoms), _LINEAR))
    if not len(candidates):
        return candidates
    xy, index = shapely.get_coordinates(geoms[candidates], return_index=True)
    jumps = (np.abs(np.diff(xy[:, 0])) > 180) & (index[1:] == index[:-1])
    return candidates[np.unique(index[1:][jumps])]


def cut_antimeridian(geoms: Any, positions: np.ndarray | None = None) -> np.ndarray:
    """``geoms`` with every line and polygon that crosses the antimeridian cut there (a new array; the
    geometries that do not cross are the same objects). ``positions``: those of :func:`crossing`, when known."""
    import numpy as np

    out = np.array(geoms, dtype=object)
    for i in (crossing(out) if positions is None else positions).tolist():
        out[i] = _cut(out[i])
    return out


def _cut(geom: Any) -> Any:
    from shapely.geometry import GeometryCollection, LinearRing, LineString, MultiLineString, MultiPolygon, Polygon

    if isinstance(geom, LineString | LinearRing):
        parts = _cut_line(list(geom.coords))
        return LineString(parts[0]) if len(parts) == 1 else MultiLineString(parts)
    if isinstance(geom, MultiLineString):
        return MultiLineString([part for line in geom.geoms for part in _cut_line(list(line.coords))])
    if isinstance(geom, Polygon):
        pieces = _cut_polygon(geom)
        return pieces[0] if len(pieces) == 1 else MultiPolygon(pieces)
    if isinstance(geom, MultiPolygon):
        return MultiPolygon([piece for polygon in geom.geoms for piece in _cut_polygon(polygon)])
    if isinstance(geom, GeometryCollection):
        return GeometryCollection([_cut(part) for part in geom.geoms])
    return geom


def _cut_line(coords: list[tuple[float, ...]]) -> list[list[tuple[float, float]]]:
    """The parts of a line cut at each crossing of ±180° (parts of fewer than two distinct vertices dropped)."""
    parts: list[list[tuple[float, float]]] = [[(coords[0][0], coords[0][1])]]
    for (x1, y1, *_), (x2, y2, *_) in zip(coords, coords[1:], strict=False):
        if abs(x2 - x1) > 180:
            unwrapped = x2 + 360 if x2 < x1 else x2 - 360
            edge = 180.0 if unwrapped > x1 else -180.0
            y = y1 + (edge - x1) / (unwrapped - x1) * (y2 - y1)
            parts[-1].append((edge, y))
            parts.append([(-edge, y)])
        parts[-1].append((x2, y2))
    return [part for part in ([p for k, p in enumerate(part) if k == 0 or p != part[k - 1]] for part in parts)
            if len(part) >= 2]


def _cut_polygon(polygon: Any) -> list[Any]:
    """The pieces of a polygon cut at ±180° (the polygon itself when a ring circles a pole)."""
    import numpy as np
    import shapely
    from shapely.affinity import translate
    from shapely.geometry import Polygon, box

    def unwrapped(ring: Any) -> np.ndarray | None:
        xy = np.asarray(ring.coords)[:, :2].copy()
        xy[:, 0] = np.unwrap(xy[:, 0], period=360)
        return xy if abs(xy[0, 0] - xy[-1, 0]) < 1e-9 else None

    shell = unwrapped(polygon.exterior)
    holes = [unwrapped(ring) for ring in polygon.interiors]
    if shell is None or any(h is None for h in holes):
        return [polygon]
    centre = shell[:, 0].mean()
    moved = [h + np.array([360 * round((centre - h[:, 0].mean()) / 360), 0]) for h in holes if h is not None]
    whole = shapely.make_valid(Polygon(shell, moved))
    pieces = []
    for turn in (-1, 0, 1):
        part = whole.intersection(box(-180 + 360 * turn, -90, 180 + 360 * turn, 90))
        part = translate(part, xoff=-360 * turn)
        pieces += [p for p in getattr(part, "geoms", [part]) if isinstance(p, Polygon) and not p.is_empty]
    return pieces or [polygon]
