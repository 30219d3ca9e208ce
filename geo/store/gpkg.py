"""One GeoPackage file of event records: layer ``events`` (mixed geometry, EPSG:4326, R-tree) and table ``meta``.

Layout: one feature per event; nested values (``place``, ``sources``, ``claims``, the lists) as JSON text, plus
flat helper columns (``place_name``, ``place_id``, ``outlets_joined``, ``claimed_by_joined``, ``articles_joined``,
``n_sources``) for QGIS and SQL prefilters; dates as ISO text; fields the schema does not name in ``extra`` (JSON).
A UNIQUE index on ``id`` deduplicates; ``meta`` holds ``schema_version``.

Writing: pyogrio (GDAL) creates the layer, its R-tree and triggers; rows go in through :mod:`sqlite3` in one
transaction (``INSERT OR IGNORE``) with the R-tree filled from shapely envelopes, since GDAL's triggers call
``ST_*`` functions plain sqlite3 lacks (they are dropped and re-created inside the transaction). A failure rolls
everything back; a new file is built under a temporary name and renamed into place.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import struct
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.store import StoreError

if TYPE_CHECKING:
    import geopandas

__all__ = ["LAYER", "SCHEMA_VERSION", "GpkgStore", "WriteResult", "records_from_frame"]

log = logging.getLogger(__name__)

#: The layout version this code writes; a file with a newer one is refused.
SCHEMA_VERSION = 1
LAYER = "events"
_SRS_ID = 4326
_RTREE = f"rtree_{LAYER}_geom"
_INSERT_TRIGGERS = (f"{_RTREE}_insert", f"trigger_insert_feature_count_{LAYER}")

#: Columns of the record stored as JSON text.
_JSON = ("place", "assoc_actors", "claimed_by", "outlets", "sources", "claims")
#: (column, kind) in layer order; kind: text, real, int, json, or helper (derived, not a record field).
_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "text"), ("type", "text"), ("subtype", "text"), ("acled_event_type", "text"),
    ("acled_sub_event_type", "text"), ("summary", "text"), ("date", "text"), ("date_end", "text"),
    ("date_precision", "text"), ("date_from", "text"), ("place", "json"), ("place_id", "helper"),
    ("place_name", "helper"), ("lat", "real"), ("lon", "real"), ("geo_precision", "text"),
    ("where_relation", "text"), ("actor1", "text"), ("actor2", "text"), ("assoc_actors", "json"),
    ("fatalities", "int"), ("injured", "int"), ("claimed_by", "json"), ("claimed_by_joined", "helper"),
    ("outlets", "json"), ("outlets_joined", "helper"), ("sources", "json"), ("n_sources", "helper"),
    ("articles_joined", "helper"), ("claims", "json"), ("merged_because", "text"),
    ("independent_reports", "int"), ("confidence", "real"), ("extra", "helper"),
)
_NAMES = tuple(name for name, _ in _COLUMNS)
_HELPERS = frozenset(name for name, kind in _COLUMNS if kind == "helper")
_INTS = frozenset({"fatalities", "injured", "independent_reports", "n_sources"})
_REALS = frozenset({"lat", "lon", "confidence"})
_KNOWN = frozenset(_NAMES) - _HELPERS | {"geometry"}
_JOIN = "; "
_encode_json = json.JSONEncoder(ensure_ascii=False).encode
_POINT_HEADER = b"GP\x00\x01" + struct.pack("<i", _SRS_ID)  # little-endian, no envelope
_ENVELOPE_HEADER = b"GP\x00\x03" + struct.pack("<i", _SRS_ID)  # little-endian, [minx, maxx, miny, maxy]


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one :meth:`GpkgStore.write_events` call did: rows ``inserted`` (new ids), ``replaced`` (existing ids
    overwritten, ``replace=True`` only) and ``skipped`` (ids already stored, or repeated within the call)."""

    inserted: int
    replaced: int
    skipped: int


class GpkgStore:
    """Event records in one GeoPackage file.

    Parameters
    ----------
    path
        The ``.gpkg`` file. It need not exist yet; the first :meth:`write_events` creates it. An existing file is
        checked on opening: a corrupt file, one that is not an event store, or one written by a newer version
        raises :class:`~geo.store.StoreError` naming the file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if self.path.exists():
            self._check()

    # -- opening -------------------------------------------------------------------------------------------------

    def _check(self) -> None:
        """Raise :class:`StoreError` unless the file is an event store this code can read."""
        try:
            with _connect(self.path, read_only=True) as conn:
                tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                if LAYER not in tables or "meta" not in tables:
                    raise StoreError(f"{self.path} is a GeoPackage/SQLite file but not an event store (no "
                                     f"'{LAYER}' layer or 'meta' table); pass another --db path")
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} cannot be read as a GeoPackage ({exc}); the file is corrupt or not a "
                             "GeoPackage — restore it or pass another path") from exc
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} has event-store schema version {version}, newer than this version of "
                             f"geo-events reads ({SCHEMA_VERSION}); upgrade geo-events to open it")

    def _require(self) -> None:
        if not self.path.exists():
            raise StoreError(f"no event store at {self.path}; write events to it first")

    # -- writing -------------------------------------------------------------------------------------------------

    def write_events(self, records: Iterable[Mapping[str, Any]], *, replace: bool = False) -> WriteResult:
        """Add event records, deduplicated by ``id``; atomic (a failure leaves the file as it was).

        Parameters
        ----------
        records
            Event records as in CONTRACTS.md (``Event.to_dict()``), GeoJSON ``geometry`` in (lon, lat) order.
        replace
            When true, a record whose ``id`` is already stored replaces it (the last one wins within the call);
            otherwise the stored one is kept (``INSERT OR IGNORE``; the first one wins within the call).

        Returns
        -------
        WriteResult
            The numbers of rows inserted, replaced and skipped.
        """
        rows, blobs, bounds = _encode(records)
        if replace:
            last = {row[0]: i for i, row in enumerate(rows)}
            if len(last) < len(rows):
                keep = sorted(last.values())
                rows, blobs, bounds = [rows[i] for i in keep], [blobs[i] for i in keep], [bounds[i] for i in keep]
        if self.path.exists():
            self._check()
            return self._insert(self.path, rows, blobs, bounds, replace=replace)
        tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.tmp.gpkg")
        try:
            _create(tmp)
            result = self._insert(tmp, rows, blobs, bounds, replace=replace, fresh=True)
            os.replace(tmp, self.path)
        except (OSError, RuntimeError) as exc:  # pyogrio's errors are RuntimeErrors
            raise StoreError(f"cannot create the event store {self.path} ({exc}); check that the directory "
                             "exists and is writable") from exc
        finally:
            with suppress(OSError):
                tmp.unlink(missing_ok=True)
        return result

    def _insert(self, path: Path, rows: list[tuple[Any, ...]], blobs: list[bytes | None],
                bounds: list[tuple[float, float, float, float] | None], *, replace: bool,
                fresh: bool = False) -> WriteResult:
        """Insert in one transaction; ``fresh``: a new temporary file (no journal: it is renamed into place after)."""
        try:
            with _connect(path) as conn:
                if fresh:
                    conn.execute("PRAGMA journal_mode = OFF")
                    conn.execute("PRAGMA synchronous = OFF")
                conn.execute("PRAGMA cache_size = -262144")
                with _transaction(conn):
                    inserted, replaced = _insert_rows(conn, rows, blobs, bounds, replace=replace)
                    conn.execute(f"CREATE INDEX IF NOT EXISTS {LAYER}_date ON {LAYER} (date)")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot write to the event store {self.path} ({exc}); nothing was written — check "
                             "that the file and its directory are writable") from exc
        return WriteResult(inserted=inserted - replaced, replaced=replaced, skipped=len(rows) - inserted)

    # -- reading -------------------------------------------------------------------------------------------------

    def read_events(self, *, bbox: tuple[float, float, float, float] | None = None, where: str | None = None,
                    columns: list[str] | None = None) -> geopandas.GeoDataFrame:
        """The stored events as a GeoDataFrame (EPSG:4326), nested fields as JSON text.

        Parameters
        ----------
        bbox
            ``(W, S, E, N)`` in lon/lat degrees, answered from the R-tree; features whose envelope meets it.
        where
            An SQL condition on the layer's columns. It is passed to SQLite as written: callers must escape any
            value in it (see :func:`geo.store.query.sql_text`); :func:`geo.store.query.query` does.
        columns
            Attribute columns to read (default: all).
        """
        import pyogrio

        self._require()
        try:
            frame = pyogrio.read_dataframe(self.path, layer=LAYER, bbox=bbox, where=where, columns=columns)
        except RuntimeError as exc:  # pyogrio's errors
            raise StoreError(f"cannot read the event store {self.path} ({exc})") from exc
        return frame.set_crs(_SRS_ID, allow_override=True) if frame.crs is None else frame

    def count(self) -> int:
        """The number of stored events."""
        self._require()
        with _connect(self.path, read_only=True) as conn:
            return int(conn.execute(f"SELECT count(*) FROM {LAYER}").fetchone()[0])


def records_from_frame(frame: geopandas.GeoDataFrame) -> list[dict[str, Any]]:
    """Event records (CONTRACTS.md) from a frame read from the store: JSON parsed, helper columns dropped."""
    import shapely

    out = []
    geometries = shapely.to_geojson(frame.geometry.values, indent=None) if len(frame) else []
    for (_, row), geometry in zip(frame.iterrows(), geometries, strict=True):
        record: dict[str, Any] = {}
        for name in frame.columns:
            if name in _HELPERS or name == frame.geometry.name:
                continue
            value = row[name]
            if value is None or (isinstance(value, float) and value != value):
                value = None
            elif name in _JSON:
                value = json.loads(value)
            elif name in _INTS:
                value = int(value)
            record[name] = value
        record["geometry"] = json.loads(geometry) if geometry else None
        if "extra" in frame.columns and isinstance(row["extra"], str):
            record.update(json.loads(row["extra"]))
        out.append(record)
    return out


# -- encoding ------------------------------------------------------------------------------------------------------

def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else None if value is None else str(value)


def _encode(records: Iterable[Mapping[str, Any]]) -> tuple[list[tuple[Any, ...]], list[bytes | None],
                                                             list[tuple[float, float, float, float] | None]]:
    """Rows in :data:`_NAMES` order, their GeoPackage geometry blobs and envelopes (None: no geometry).

    Built column by column (a list comprehension per column), several times faster than a loop over rows.
    """
    records = list(records)
    for record in records:
        if not record.get("id"):
            raise StoreError(f"an event record without an id cannot be stored: {dict(record)!r:.200}")
    columns: dict[str, list[Any]] = {}
    for name, kind in _COLUMNS:
        if kind == "helper":
            continue
        values = [r.get(name) for r in records]
        if kind == "json":
            values = [None if v is None else ("[]" if v == [] else _encode_json(v)) for v in values]
        elif name in ("date", "date_end"):
            values = [v if v is None or isinstance(v, str) else _iso(v) for v in values]
        columns[name] = values
    places = [r.get("place") or {} for r in records]
    columns["place_id"] = [p.get("id") for p in places]
    columns["place_name"] = [p.get("name") for p in places]
    columns["claimed_by_joined"] = [_JOIN.join(r.get("claimed_by") or ()) for r in records]
    columns["outlets_joined"] = [_JOIN.join(r.get("outlets") or ()) for r in records]
    sources = [r.get("sources") or () for r in records]
    columns["n_sources"] = [len(s) for s in sources]
    columns["articles_joined"] = [_articles(s) for s in sources]
    columns["extra"] = [_encode_json({k: r[k] for k in sorted(extra)}) if (extra := r.keys() - _KNOWN) else None
                        for r in records]
    rows = list(zip(*(columns[name] for name in _NAMES), strict=True))
    blobs, bounds = _geometries([r.get("geometry") for r in records])
    return rows, blobs, bounds


def _articles(sources: Sequence[Mapping[str, Any]]) -> str:
    if len(sources) == 1:
        article = sources[0].get("article")
        return str(article) if article else ""
    return _JOIN.join(dict.fromkeys(str(s["article"]) for s in sources if s.get("article")))


def _geometries(geometries: list[Any]) -> tuple[list[bytes | None], list[tuple[float, float, float, float] | None]]:
    """GeoPackage geometry blobs (header, envelope for non-points, ISO WKB) and (minx, maxx, miny, maxy)
    envelopes of GeoJSON geometries (None for a missing or empty one); points are encoded in bulk."""
    import numpy as np
    import shapely
    from shapely.geometry import shape

    blobs: list[bytes | None] = [None] * len(geometries)
    bounds: list[tuple[float, float, float, float] | None] = [None] * len(geometries)
    points = [i for i, g in enumerate(geometries) if g and g.get("type") == "Point"]
    if points:
        xy = np.array([geometries[i]["coordinates"][:2] for i in points], dtype=float)
        wkb = shapely.to_wkb(shapely.points(xy), flavor="iso")
        for i, (x, y), w in zip(points, xy.tolist(), wkb, strict=True):
            blobs[i] = _POINT_HEADER + w
            bounds[i] = (x, x, y, y)
    for i, geometry in enumerate(geometries):
        if not geometry or blobs[i] is not None:
            continue
        geom = shape(geometry)
        if geom.is_empty:
            continue
        minx, miny, maxx, maxy = geom.bounds
        bounds[i] = (minx, maxx, miny, maxy)
        blobs[i] = _ENVELOPE_HEADER + struct.pack("<4d", minx, maxx, miny, maxy) + shapely.to_wkb(geom, flavor="iso")
    return blobs, bounds


def _insert_rows(conn: sqlite3.Connection, rows: list[tuple[Any, ...]], blobs: list[bytes | None],
                 bounds: list[tuple[float, float, float, float] | None], *, replace: bool) -> tuple[int, int]:
    """INSERT OR IGNORE the rows, fill the R-tree, keep GDAL's counts and extent; (rows inserted, replaced).

    GDAL's insert triggers (R-tree, feature count) call SQL functions plain sqlite3 lacks, so they are dropped
    and re-created around the insert, inside the caller's transaction."""
    triggers = [sql for (sql,) in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type='trigger' AND name IN (?, ?)", _INSERT_TRIGGERS)]
    for name in _INSERT_TRIGGERS:
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    replaced = 0
    if replace and rows:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS new_ids (id TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM temp.new_ids")
        conn.executemany("INSERT OR IGNORE INTO temp.new_ids VALUES (?)", ((row[0],) for row in rows))
        replaced = conn.execute(f"DELETE FROM {LAYER} WHERE id IN (SELECT id FROM temp.new_ids)").rowcount
    before = conn.execute(f"SELECT coalesce(max(fid), 0) FROM {LAYER}").fetchone()[0]
    columns = ", ".join(f'"{name}"' for name in ("geom", *_NAMES))
    placeholders = ", ".join("?" * (len(_NAMES) + 1))
    conn.executemany(f"INSERT OR IGNORE INTO {LAYER} ({columns}) VALUES ({placeholders})",
                     ((blob, *row) for row, blob in zip(rows, blobs, strict=True)))
    inserted, last = conn.execute(f"SELECT count(*), max(fid) FROM {LAYER} WHERE fid > ?", (before,)).fetchone()
    if inserted == len(rows) and last == before + len(rows):  # nothing ignored: fids follow the rows' order
        fids: Iterable[tuple[int, int]] = ((before + 1 + i, i) for i in range(len(rows)))
    else:
        position = {row[0]: i for i, row in enumerate(rows)}
        fids = ((fid, position[id_]) for fid, id_ in conn.execute(f"SELECT fid, id FROM {LAYER} WHERE fid > ?",
                                                                  (before,)))
    entries = [(fid, *box) for fid, i in fids if (box := bounds[i]) is not None]
    entries.sort(key=lambda e: (e[1], e[3]))
    conn.executemany(f'INSERT INTO "{_RTREE}" VALUES (?, ?, ?, ?, ?)', entries)
    for sql in triggers:
        conn.execute(sql)
    conn.execute(f"UPDATE gpkg_ogr_contents SET feature_count = (SELECT count(*) FROM {LAYER}) "
                 "WHERE lower(table_name) = lower(?)", (LAYER,))
    _update_extent(conn, entries)
    return inserted, replaced


# -- sqlite plumbing -----------------------------------------------------------------------------------------------

def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode={'ro' if read_only else 'rw'}"
    return sqlite3.connect(uri, uri=True, isolation_level=None, factory=_Closing)


class _Closing(sqlite3.Connection):
    """A connection that closes when its ``with`` block ends (sqlite3's own only ends the transaction)."""

    def __exit__(self, *exc: object) -> None:  # type: ignore[override]
        self.close()


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _update_extent(conn: sqlite3.Connection, entries: list[tuple[Any, ...]]) -> None:
    if entries:
        _, minxs, maxxs, minys, maxys = zip(*entries, strict=True)
        box = (min(minxs), max(maxxs), min(minys), max(maxys))
        conn.execute("UPDATE gpkg_contents SET min_x = min(coalesce(min_x, ?1), ?1), max_x = max(coalesce(max_x, ?2), "
                     "?2), min_y = min(coalesce(min_y, ?3), ?3), max_y = max(coalesce(max_y, ?4), ?4), last_change = "
                     "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE table_name = ?5", (*box, LAYER))


def _create(path: Path) -> None:
    """An empty event store at ``path``: the layer (via pyogrio: metadata, R-tree, triggers), indexes, meta."""
    import geopandas
    import pandas
    import pyogrio

    data = {}
    for name, _kind in _COLUMNS:
        dtype = "Int64" if name in _INTS else ("float64" if name in _REALS else object)
        data[name] = pandas.Series([], dtype=dtype)
    empty = geopandas.GeoDataFrame(data, geometry=geopandas.GeoSeries([], crs=_SRS_ID), crs=_SRS_ID)
    pyogrio.write_dataframe(empty, path, layer=LAYER, driver="GPKG", geometry_type="Unknown")
    with _connect(path) as conn, _transaction(conn):
        conn.execute(f"CREATE UNIQUE INDEX {LAYER}_id ON {LAYER} (id)")
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value)")
        conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
