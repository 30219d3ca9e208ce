"""Link boundary polygons to gazetteer places, so "within Idlib" has an area to test against.

A polygon is linked to a place of its level whose name matches and whose point lies inside it (within ~5 km),
else to the place of its GeoNames id; a polygon that matches nothing keeps an id of its own
(``boundary:<file>:<feature>``) and its names, so it can still be found by name.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from gazetteer.sources.boundaries import BoundaryFeature

if TYPE_CHECKING:
    from gazetteer.lookup import Gazetteer

__all__ = ["link_features"]

log = logging.getLogger(__name__)


def _linked_place(gaz: Gazetteer, feature: BoundaryFeature) -> str | None:
    from shapely.geometry import Point

    area = feature.geometry.buffer(0.05)
    inside = feature.geometry.representative_point()
    kinds = [feature.level] if feature.level in ("admin1", "admin2", "country") else ["admin1", "admin2", "region"]
    for name in feature.names:
        for candidate in gaz.lookup(name, kinds=kinds, near=(inside.y, inside.x), limit=5):
            if candidate.match.type != "fuzzy" and area.contains(Point(candidate.place.lon, candidate.place.lat)):
                return candidate.place.id
    if feature.geonameid:
        for place in gaz.index.by_geonameid(feature.geonameid):
            if area.contains(Point(place.lon, place.lat)):
                return place.id
        if gaz.has_imported and gaz.imported.has_place(feature.geonameid):
            return f"geonames:{feature.geonameid}"
    return None


def link_features(gaz: Gazetteer, features: Iterable[BoundaryFeature], source: str) -> list[dict[str, Any]]:
    """Rows for the boundaries table: place id (linked or own), level, names, GeoJSON geometry, source."""
    from shapely.geometry import mapping

    rows = []
    for feature in features:
        place_id = _linked_place(gaz, feature)
        rows.append({
            "place_id": place_id or f"boundary:{source}:{feature.number}",
            "linked": place_id is not None,
            "level": feature.level,
            "name": feature.names[0],
            "names": list(feature.names),
            "geometry": json.dumps(mapping(feature.geometry), separators=(",", ":")),
        })
        if place_id is None:
            log.warning("boundary %r (%s feature %d) matches no gazetteer place; kept under its own id",
                        feature.names[0], source, feature.number)
    return rows
