"""Borders derived from country polygons: the shared edge of two countries as a line.

Used when no curated pack row describes the border; the line follows the low-resolution (Natural Earth 110m)
country polygons, so it is marked approximate.
"""

from __future__ import annotations

import json
from functools import lru_cache

from gazetteer.model import Place
from gazetteer.rank import prominence
from gazetteer.sources.base import provenance

__all__ = ["derive_border"]

#: How far apart (degrees) two polygon edges may run and still count as one border at 110m resolution.
_TOLERANCE_DEG = 0.15


@lru_cache(maxsize=256)
def _derive(a: Place, b: Place) -> Place | None:
    from shapely.geometry import mapping, shape
    from shapely.ops import linemerge

    ga, gb = a.geometry_json(), b.geometry_json()
    if not ga or not gb:
        return None
    shared = shape(ga).boundary.intersection(shape(gb).buffer(_TOLERANCE_DEG))
    lines = [g for g in getattr(shared, "geoms", [shared]) if g.geom_type in ("LineString", "MultiLineString")]
    if not lines or sum(g.length for g in lines) < 2 * _TOLERANCE_DEG:
        return None
    from shapely.geometry import MultiLineString

    parts = [p for g in lines for p in getattr(g, "geoms", [g])]
    line = linemerge(MultiLineString(parts)) if len(parts) > 1 else parts[0]
    point = line.interpolate(0.5, normalized=True) if line.geom_type == "LineString" else \
        max(line.geoms, key=lambda g: g.length).interpolate(0.5, normalized=True)
    first, second = sorted((a, b), key=lambda p: p.country or "")
    return Place(
        id=f"derived:border:{first.country}-{second.country}",
        name=f"{first.name}–{second.name} border",
        kind="border",
        lat=round(point.y, 5),
        lon=round(point.x, 5),
        source="derived",
        country=None,
        geometry=json.dumps(mapping(line), separators=(",", ":")),
        approximate=True,
        prominence=prominence("border", None, 0, 1),
        provenance=provenance(derived="intersection of country borders (countryinfo, Natural Earth 110m)",
                              countries=[first.country, second.country], tolerance_deg=_TOLERANCE_DEG),
    )


def derive_border(a: Place, b: Place) -> Place | None:
    """The border between countries ``a`` and ``b`` from their polygons, or ``None`` when they do not touch."""
    if a.country == b.country:
        return None
    return _derive(a, b)
