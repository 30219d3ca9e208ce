"""Boundary polygons from a GIS file (GeoJSON, GeoPackage, shapefile — Natural Earth, geoBoundaries, Who's On
First): each feature's names, level, GeoNames id when the file has one, and a valid (lon, lat) polygon.

Invalid polygons are repaired (``shapely.make_valid``) with a warning; features with no polygon are skipped and
counted.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gazetteer.errors import SourceError

__all__ = ["BoundaryFeature", "read_boundaries"]

log = logging.getLogger(__name__)

#: Name fields tried in order when the user names none (WOF, Natural Earth, geoBoundaries, GADM).
NAME_FIELDS = ("name", "name_eng", "name_en", "NAME", "NAME_EN", "shapeName", "NAME_1", "NAME_2", "name_long")
ID_FIELDS = ("gn_id", "geonameid", "gn_a1_code", "GEONAMEID")
LEVEL_FIELDS = ("admin_level", "shapeType", "placetype", "featurecla")


@dataclass(frozen=True, slots=True)
class BoundaryFeature:
    """One polygon with its names (preferred first), level token and GeoNames id (or ``None``)."""

    names: tuple[str, ...]
    level: str
    geonameid: int | None
    geometry: Any  # a valid shapely Polygon or MultiPolygon, (lon, lat)
    number: int


def _level(value: Any, default: str) -> str:
    text = str(value or "").lower()
    if text in ("1", "adm1", "region", "admin-1 states provinces") or "adm1" in text:
        return "admin1"
    if text in ("2", "adm2", "county") or "adm2" in text:
        return "admin2"
    if text in ("0", "adm0", "country"):
        return "country"
    return default


def _names(props: dict[str, Any], name_field: str | None) -> tuple[str, ...]:
    fields = (name_field,) if name_field else NAME_FIELDS
    names: list[str] = []
    for field in fields:
        value = props.get(field)
        if isinstance(value, str) and value.strip():
            names.append(value.strip())
            names += [p.strip() for p in re.findall(r"\(([^)]+)\)", value)]  # "Homs (Hims)"
            bare = re.sub(r"\s*\([^)]*\)", "", value).strip()
            if bare:
                names.append(bare)
    if name_field and not names:
        return ()
    return tuple(dict.fromkeys(names))


def read_boundaries(path: str | Path, *, level: str | None = None,
                    name_field: str | None = None) -> Iterator[BoundaryFeature]:
    """Yield the polygons of a boundaries file; ``level`` overrides the file's own level field."""
    import pyogrio
    import shapely

    path = Path(path)
    if not path.exists():
        raise SourceError(f"no boundaries file at {path}; give a GeoJSON, GPKG or shapefile, or run "
                          "'geo gazetteer download-boundaries CC'")
    try:
        frame = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise SourceError(f"cannot read boundaries {path}: {exc}") from None
    if frame.crs is not None and frame.crs.to_epsg() not in (4326, None):
        frame = frame.to_crs(4326)
    if name_field and name_field not in frame.columns:
        raise SourceError(f"{path} has no field {name_field!r}; fields: {', '.join(map(str, frame.columns))}")
    for number, (props, geom) in enumerate(zip(frame.drop(columns="geometry").to_dict("records"),
                                              frame.geometry, strict=True), start=1):
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            log.warning("%s feature %d has no polygon; skipped", path, number)
            continue
        if not geom.is_valid:
            log.warning("%s feature %d: invalid polygon (%s) repaired", path, number, shapely.is_valid_reason(geom))
            geom = shapely.make_valid(geom)
            polys = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
            geom = shapely.unary_union(polys) if polys else None
            if geom is None or geom.is_empty:
                continue
        names = _names(props, name_field)
        if not names:
            log.warning("%s feature %d has no name; skipped", path, number)
            continue
        raw_level = next((props.get(f) for f in LEVEL_FIELDS if props.get(f) not in (None, "")), None)
        gid = next((props.get(f) for f in ID_FIELDS if props.get(f) not in (None, "")), None)
        try:
            geonameid = int(float(gid)) if gid is not None and float(gid) > 0 else None
        except (TypeError, ValueError):
            geonameid = None
        yield BoundaryFeature(names, level or _level(raw_level, "admin1"), geonameid, geom, number)
