"""Curated packs: small CSV or GeoJSON files of places, each row with its source.

Schema (CSV header, or GeoJSON feature properties with the geometry in place of ``wkt``)::

    id,name,alternate_names,kind,feature_code,country,admin1,lat,lon,population,geonameid,wkt,approximate,source

- ``id`` — key unique in the pack; the place id is ``pack:<pack name>:<id>``, or ``geonames:<geonameid>`` when
  the row is a GeoNames feature (the row then improves the embedded record of that id).
- ``alternate_names`` — ``|``-separated. ``kind`` — a CONTRACTS.md kind token.
- ``lat``/``lon`` — a representative point on the feature; may be empty when ``wkt`` is given.
- ``wkt`` — (lon lat) WKT for lines and areas, empty for points.
- ``approximate`` — ``true``/``false``; ``source`` — required (``geonames:171857``, ``derived: …``,
  ``approximate: …``).

A second, smaller form adds names to places of other sources (AP state abbreviations, for example)::

    alias,country,target,kind,source

``target`` is the preferred name of a ``country`` or ``admin1`` place of that country ("Calif." → California).
With ``kind`` ``demonym``, ``alias`` is a word for the people of the country ``target`` ("Kazakh", "Kazakhs").

Any bad row raises :class:`~gazetteer.errors.PackError` naming the file and the line; nothing is half-loaded.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from gazetteer.errors import PackError
from gazetteer.model import KINDS, Place
from gazetteer.sources.base import SourceRecord, file_digest, provenance

__all__ = ["PACK_COLUMNS", "ALIAS_COLUMNS", "Alias", "PackSource", "builtin_packs"]

log = logging.getLogger(__name__)

PACK_COLUMNS = (
    "id", "name", "alternate_names", "kind", "feature_code", "country", "admin1", "lat", "lon", "population",
    "geonameid", "wkt", "approximate", "source",
)
ALIAS_COLUMNS = ("alias", "country", "target", "kind", "source")
_REQUIRED = ("id", "name", "kind", "source")


@dataclass(frozen=True, slots=True)
class Alias:
    """An extra name for the place of ``kind`` named ``target`` in ``country``; with ``kind`` "demonym", a word for
    the people of the country ``target`` ("Saudi", "Kazakhs")."""

    alias: str
    country: str
    target: str
    kind: str
    source: str


def builtin_packs() -> list[Path]:
    """Return the packs shipped in ``gazetteer/packs/`` (``*.csv`` and ``*.geojson``), sorted by name."""
    root = Path(str(resources.files("gazetteer").joinpath("packs")))
    return sorted(p for p in root.iterdir() if p.suffix in (".csv", ".geojson") and not p.name.startswith("_"))


def _representative(geom: Any) -> tuple[float, float]:
    """A (lat, lon) point on the geometry: mid-length for lines, an interior point for areas."""
    import shapely

    if geom.geom_type in ("LineString", "MultiLineString"):
        merged = shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom
        point = merged.interpolate(0.5, normalized=True) if merged.geom_type == "LineString" \
            else geom.geoms[0].interpolate(0.5, normalized=True)
    else:
        point = geom.representative_point()
    return point.y, point.x


class PackSource:
    """One curated pack file.

    Parameters
    ----------
    path
        A ``.csv`` or ``.geojson`` file following the schema above.
    user
        True for packs the user adds (``--pack``); their places win ties against embedded data.
    """

    def __init__(self, path: str | Path, *, user: bool = False) -> None:
        self.path = Path(path)
        self.user = user
        self.name = f"pack:{self.path.stem.split('.')[0]}"
        self._aliases: list[Alias] = []

    def fingerprint(self) -> str:
        """Hash of the file's bytes."""
        if not self.path.is_file():
            raise PackError(str(self.path), None, "no such file")
        return f"{self.path.name}:{file_digest(self.path)}"

    @property
    def aliases(self) -> list[Alias]:
        """Alias rows read by the last call to :meth:`records` (alias packs only)."""
        return list(self._aliases)

    def records(self) -> Iterator[SourceRecord]:
        """Parse and validate the whole file, then yield its places (so a bad row yields nothing)."""
        rows = list(self._rows())
        if rows and "alias" in rows[0][1]:
            self._aliases = [self._alias(line, row) for line, row in rows]
            return iter(())
        records, seen = [], set()
        for line, row in rows:
            record = self._record(line, row)
            if row["id"] in seen:
                raise PackError(str(self.path), line, f"duplicate id {row['id']!r}")
            seen.add(row["id"])
            records.append(record)
        return iter(records)

    # -- parsing ------------------------------------------------------------------------------------------
    def _rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise PackError(str(self.path), None, "no such file") from None
        except (UnicodeDecodeError, OSError) as exc:
            raise PackError(str(self.path), None, f"cannot read as UTF-8 text ({exc})") from None
        if self.path.suffix == ".geojson":
            yield from self._geojson_rows(text)
            return
        reader = csv.DictReader(io.StringIO(text))
        header = tuple(reader.fieldnames or ())
        if header[:1] == ("alias",):
            missing = [c for c in ALIAS_COLUMNS if c not in header]
        else:
            missing = [c for c in PACK_COLUMNS if c not in header]
        if missing:
            raise PackError(str(self.path), 1, f"header lacks column(s) {', '.join(missing)}")
        for row in reader:
            if None in row:
                raise PackError(str(self.path), reader.line_num, "more fields than the header has")
            if not any((v or "").strip() for v in row.values()):
                continue
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}

    def _geojson_rows(self, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
        from shapely.geometry import shape

        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PackError(str(self.path), exc.lineno, f"invalid JSON ({exc.msg})") from None
        if data.get("type") != "FeatureCollection":
            raise PackError(str(self.path), None, "GeoJSON pack must be a FeatureCollection")
        for number, feature in enumerate(data.get("features") or [], start=1):
            props = {k: "" if v is None else str(v) for k, v in (feature.get("properties") or {}).items()}
            props = {c: props.get(c, "").strip() for c in PACK_COLUMNS}
            geometry = feature.get("geometry")
            if geometry and geometry.get("type") != "Point":
                try:
                    props["wkt"] = shape(geometry).wkt
                except Exception as exc:  # shapely raises several types for bad coordinates
                    raise PackError(str(self.path), number, f"feature {number}: invalid geometry ({exc})") from None
            elif geometry:
                lon, lat = geometry["coordinates"][:2]
                props.setdefault("lat", "")
                props["lat"], props["lon"] = props["lat"] or str(lat), props["lon"] or str(lon)
            yield number, props

    def _fail(self, line: int, problem: str) -> PackError:
        return PackError(str(self.path), line, problem)

    def _alias(self, line: int, row: dict[str, str]) -> Alias:
        for column in ALIAS_COLUMNS:
            if not row.get(column):
                raise self._fail(line, f"empty {column!r}")
        if row["kind"] not in KINDS and row["kind"] != "demonym":
            raise self._fail(line, f"unknown kind {row['kind']!r} (one of {', '.join(sorted(KINDS))}, or demonym)")
        return Alias(**{c: row[c] for c in ALIAS_COLUMNS})

    def _number(self, line: int, row: dict[str, str], column: str, low: float, high: float) -> float | None:
        value = row.get(column, "")
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            raise self._fail(line, f"{column} {value!r} is not a number") from None
        if not low <= number <= high:
            raise self._fail(line, f"{column} {value} is out of range [{low:g}, {high:g}]")
        return number

    def _record(self, line: int, row: dict[str, str]) -> SourceRecord:
        import shapely
        from shapely.geometry import mapping

        for column in _REQUIRED:
            if not row.get(column):
                raise self._fail(line, f"empty {column!r}")
        if row["kind"] not in KINDS:
            raise self._fail(line, f"unknown kind {row['kind']!r} (one of {', '.join(sorted(KINDS))})")
        approximate = row.get("approximate", "").lower()
        if approximate not in ("true", "false", ""):
            raise self._fail(line, f"approximate must be true or false, not {row['approximate']!r}")
        lat = self._number(line, row, "lat", -90, 90)
        lon = self._number(line, row, "lon", -180, 180)
        geometry = None
        if row.get("wkt"):
            try:
                geom = shapely.from_wkt(row["wkt"])
            except Exception as exc:  # GEOSException, ValueError
                raise self._fail(line, f"invalid WKT ({exc})") from None
            if geom is None or geom.is_empty:
                raise self._fail(line, "empty WKT geometry")
            if not geom.is_valid:
                raise self._fail(line, f"invalid geometry: {shapely.is_valid_reason(geom)}")
            minx, miny, maxx, maxy = geom.bounds
            if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
                raise self._fail(line, "WKT coordinates out of range (WKT is lon lat order)")
            if geom.geom_type != "Point":
                geometry = json.dumps(mapping(geom), separators=(",", ":"))
            if lat is None or lon is None:
                lat, lon = _representative(geom) if geom.geom_type != "Point" else (geom.y, geom.x)
        if lat is None or lon is None:
            raise self._fail(line, "needs lat and lon, or wkt")
        geonameid = None
        if row.get("geonameid"):
            if not row["geonameid"].isdigit():
                raise self._fail(line, f"geonameid {row['geonameid']!r} is not an integer")
            geonameid = int(row["geonameid"])
        population = 0
        if row.get("population"):
            try:
                population = int(float(row["population"]))
            except ValueError:
                raise self._fail(line, f"population {row['population']!r} is not a number") from None
        pack = self.name.split(":", 1)[1]
        place = Place(
            id=f"geonames:{geonameid}" if geonameid else f"{self.name}:{row['id']}",
            name=row["name"],
            kind=row["kind"],
            lat=round(lat, 6),
            lon=round(lon, 6),
            source=self.name,
            geonameid=geonameid,
            feature_code=row.get("feature_code") or None,
            country=row.get("country") or None,
            admin1=row.get("admin1") or None,
            population=population,
            geometry=geometry,
            approximate=approximate == "true",
            provenance=provenance(pack=pack, file=self.path.name, line=line, source=row["source"]),
        )
        names = [row["name"], *(n.strip() for n in row.get("alternate_names", "").split("|"))]
        return SourceRecord(place=place, names=tuple(dict.fromkeys(n for n in names if n)))
