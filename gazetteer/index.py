"""The persistent name index: one SQLite file under the cache directory.

Built from the sources on first use and whenever their fingerprint changes; built into a temporary file and
renamed into place under a file lock, so two processes starting at once never see or write a half-built index.
A file that cannot be read is rebuilt with a warning.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from filelock import FileLock

from gazetteer.assemble import assemble
from gazetteer.errors import IndexCorruptError
from gazetteer.model import Place
from gazetteer.normalize import fold, loose, skeleton
from gazetteer.sources.base import Source, SourceRecord
from gazetteer.sources.packs import PackSource

__all__ = ["SCHEMA_VERSION", "NameIndex", "PLACE_COLUMNS", "ensure_index", "fingerprint_of", "place_from_row"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

PLACE_COLUMNS = (
    "pid", "id", "geonameid", "source", "name", "kind", "feature_code", "country", "admin1", "lat", "lon",
    "population", "geometry", "approximate", "prominence",
)

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    pid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, geonameid INTEGER, source TEXT NOT NULL, name TEXT NOT NULL,
    kind TEXT NOT NULL, feature_code TEXT, country TEXT, admin1 TEXT, lat REAL NOT NULL, lon REAL NOT NULL,
    population INTEGER NOT NULL, geometry TEXT, approximate INTEGER NOT NULL, prominence REAL NOT NULL,
    provenance TEXT NOT NULL
);
CREATE TABLE names (loose TEXT NOT NULL, skeleton TEXT NOT NULL, fold TEXT NOT NULL, name TEXT NOT NULL,
                    is_primary INTEGER NOT NULL, pid INTEGER NOT NULL);
CREATE TABLE demonyms (fold TEXT NOT NULL, demonym TEXT NOT NULL, pid INTEGER NOT NULL);
"""
_INDEXES = """
CREATE INDEX names_loose ON names (loose);
CREATE INDEX names_skeleton ON names (skeleton);
CREATE INDEX demonyms_fold ON demonyms (fold);
CREATE INDEX places_geonameid ON places (geonameid);
"""


def fingerprint_of(sources: Sequence[Source]) -> str:
    """Hash of the schema version and every source's fingerprint."""
    text = f"schema={SCHEMA_VERSION}\n" + "\n".join(f"{s.name}={s.fingerprint()}" for s in sources)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def place_from_row(row: Sequence[Any]) -> Place:
    """Build a :class:`Place` from a ``places`` row selected with :data:`PLACE_COLUMNS`."""
    return Place(
        id=row[1], geonameid=row[2], source=row[3], name=row[4], kind=row[5], feature_code=row[6], country=row[7],
        admin1=row[8], lat=row[9], lon=row[10], population=row[11], geometry=row[12], approximate=bool(row[13]),
        prominence=row[14],
    )


def _indexable(name: str) -> tuple[str, str, str] | None:
    folded = fold(name)
    if len(folded) < 2 or not folded.isascii():
        return None
    key = loose(name)
    if len(key) < 2:
        return None
    return key, skeleton(name), folded


def _progress(iterable: Any, total: int, desc: str) -> Any:
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return iterable
    return tqdm(iterable, total=total, desc=desc, unit="place", file=sys.stderr, disable=None, leave=False)


def _write(path: Path, records: list[SourceRecord], meta: dict[str, str]) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        place_rows, name_rows, demonym_rows = [], [], []
        for pid, record in enumerate(_progress(records, len(records), "indexing gazetteer"), start=1):
            p = record.place
            place_rows.append((pid, p.id, p.geonameid, p.source, p.name, p.kind, p.feature_code, p.country,
                               p.admin1, p.lat, p.lon, p.population, p.geometry, int(p.approximate),
                               p.prominence, p.provenance))
            for position, name in enumerate(record.names):
                keys = _indexable(name)
                if keys is not None:
                    name_rows.append((*keys, name, int(position == 0), pid))
            for demonym in record.demonyms:
                demonym_rows.append((fold(demonym), demonym, pid))
        conn.executemany(f"INSERT INTO places VALUES ({','.join('?' * 16)})", place_rows)
        conn.executemany("INSERT INTO names VALUES (?,?,?,?,?,?)", name_rows)
        conn.executemany("INSERT INTO demonyms VALUES (?,?,?)", demonym_rows)
        conn.executescript(_INDEXES)
        meta = {**meta, "places": str(len(place_rows)), "names": str(len(name_rows)), "complete": "1"}
        conn.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
        conn.commit()
        conn.execute("ANALYZE")
        conn.commit()
    finally:
        conn.close()


def _read_meta(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    finally:
        conn.close()


def _status(path: Path, fingerprint: str) -> str:
    """``fresh``, ``missing``, ``stale`` or ``corrupt``."""
    if not path.exists():
        return "missing"
    try:
        meta = _read_meta(path)
    except sqlite3.DatabaseError:
        return "corrupt"
    if meta.get("complete") != "1":
        return "corrupt"
    return "fresh" if meta.get("fingerprint") == fingerprint else "stale"


def build_index(path: Path, sources: Sequence[Source]) -> None:
    """Build the index of ``sources`` at ``path`` (into a temporary file, then renamed)."""
    started = time.time()
    records: list[SourceRecord] = []
    aliases = []
    for source in sources:
        log.info("reading %s", source.name)
        records.extend(source.records())
        if isinstance(source, PackSource):
            aliases.extend(source.aliases)
    assembled = assemble(records, aliases)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.unlink(missing_ok=True)
        meta = {
            "schema_version": str(SCHEMA_VERSION),
            "fingerprint": fingerprint_of(sources),
            "sources": json.dumps({s.name: s.fingerprint() for s in sources}),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        _write(tmp, assembled, meta)
        elapsed = time.time() - started
        conn = sqlite3.connect(tmp)
        conn.execute("INSERT INTO meta VALUES ('build_seconds', ?)", (f"{elapsed:.1f}",))
        conn.commit()
        conn.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    log.info("gazetteer index built in %.1f s: %s", time.time() - started, path)


def ensure_index(path: Path, sources: Sequence[Source], *, force: bool = False) -> str:
    """Make sure a fresh index of ``sources`` is at ``path``; return what was done.

    Returns
    -------
    str
        ``fresh`` (nothing to do) or ``built``.
    """
    fingerprint = fingerprint_of(sources)
    if not force and _status(path, fingerprint) == "fresh":
        return "fresh"
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        status = _status(path, fingerprint)
        if status == "fresh" and not force:
            return "fresh"  # another process built it while we waited
        if status == "corrupt":
            log.warning("gazetteer index %s is unreadable or incomplete; rebuilding it", path)
        elif status == "stale":
            log.warning("gazetteer index %s is out of date with its sources; rebuilding it", path)
        else:
            log.warning("building the gazetteer index at %s (first use; takes about a minute)", path)
        build_index(path, sources)
    return "built"


class NameIndex:
    """Read access to a built index file.

    Parameters
    ----------
    path
        The SQLite file written by :func:`ensure_index`.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self.meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise IndexCorruptError(
                f"gazetteer index {self.path} cannot be read ({exc}); run 'geo gazetteer rebuild'"
            ) from exc
        cols = ", ".join(f"p.{c}" for c in PLACE_COLUMNS)
        self._sql_loose = f"SELECT n.name, n.fold, n.is_primary, {cols} FROM names n JOIN places p ON p.pid = n.pid " \
                          "WHERE n.loose = ?"
        self._sql_skeleton = f"SELECT n.name, n.fold, n.is_primary, n.loose, {cols} FROM names n " \
                             "JOIN places p ON p.pid = n.pid WHERE n.skeleton = ? LIMIT 400"
        self._places: dict[int, Place] = {}

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def _query(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise IndexCorruptError(
                f"gazetteer index {self.path} is damaged ({exc}); run 'geo gazetteer rebuild'"
            ) from exc

    def _place(self, row: Sequence[Any], offset: int) -> Place:
        pid = row[offset]
        place = self._places.get(pid)
        if place is None:
            place = self._places[pid] = place_from_row(row[offset:])
        return place

    def by_loose(self, key: str) -> Iterator[tuple[str, str, bool, Place]]:
        """Yield (name, folded name, is primary, place) for every name whose loose key is ``key``."""
        for row in self._query(self._sql_loose, (key,)):
            yield row[0], row[1], bool(row[2]), self._place(row, 3)

    def by_skeleton(self, key: str) -> Iterator[tuple[str, str, str, Place]]:
        """Yield (name, folded name, loose key, place) for names with consonant skeleton ``key`` (at most 400)."""
        for row in self._query(self._sql_skeleton, (key,)):
            yield row[0], row[1], row[3], self._place(row, 4)

    def by_id(self, place_id: str) -> list[Place]:
        """Places with this id (zero or one)."""
        cols = ", ".join(PLACE_COLUMNS)
        return [place_from_row(r) for r in self._query(f"SELECT {cols} FROM places WHERE id = ?", (place_id,))]

    def by_geonameid(self, geonameid: int) -> list[Place]:
        """Places with this GeoNames id."""
        cols = ", ".join(PLACE_COLUMNS)
        return [place_from_row(r)
                for r in self._query(f"SELECT {cols} FROM places WHERE geonameid = ?", (geonameid,))]

    def names_of(self, place_id: str) -> list[str]:
        """Every indexed name of a place, the preferred one first."""
        rows = self._query("SELECT n.name FROM names n JOIN places p ON p.pid = n.pid WHERE p.id = ? "
                           "ORDER BY n.is_primary DESC, n.rowid", (place_id,))
        return [r[0] for r in rows]

    def provenance(self, place_id: str) -> str | None:
        """The raw source row or derivation note of a place."""
        rows = self._query("SELECT provenance FROM places WHERE id = ?", (place_id,))
        return rows[0][0] if rows else None

    def by_demonym(self, folded: str) -> list[Place]:
        """Places whose people are called ``folded`` (folded form)."""
        cols = ", ".join(f"p.{c}" for c in PLACE_COLUMNS)
        rows = self._query(f"SELECT {cols} FROM demonyms d JOIN places p ON p.pid = d.pid WHERE d.fold = ?",
                           (folded,))
        return [place_from_row(r) for r in rows]

    def counts(self) -> dict[str, int]:
        """Number of places per source."""
        return dict(self._query("SELECT source, COUNT(*) FROM places GROUP BY source ORDER BY source", ()))
