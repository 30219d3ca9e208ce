"""Imported GeoNames dumps: a second, user-built SQLite store beside the embedded index.

``geo gazetteer import`` streams dump rows into it in batches (constant memory), inside one transaction: an
interrupted import rolls back and leaves the previous store as it was. Rows are keyed by GeoNames id, so importing
the same file twice changes nothing. Lookups read it after the embedded key table; its places carry GeoNames'
own feature codes and admin names, and win over the embedded record of the same id when they rank higher.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazetteer.errors import GazetteerError
from gazetteer.model import Place
from gazetteer.normalize import fold, loose, skeleton
from gazetteer.progress import progress
from gazetteer.rank import prominence
from gazetteer.sources.geonames_dump import (
    DumpRow,
    Malformed,
    kind_of,
    read_admin_codes,
    read_alternate_names,
    read_country_info,
    read_dump,
)

__all__ = ["ImportReport", "ImportStore"]

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS places (
    gid INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    feature_class TEXT, feature_code TEXT, country TEXT, admin1 TEXT, admin2 TEXT, population INTEGER NOT NULL,
    prominence REAL NOT NULL, source_file TEXT NOT NULL, modified TEXT
);
CREATE TABLE IF NOT EXISTS names (
    loose TEXT NOT NULL, gid INTEGER NOT NULL, name TEXT NOT NULL, fold TEXT NOT NULL, is_primary INTEGER NOT NULL,
    skeleton TEXT NOT NULL, PRIMARY KEY (loose, gid, name)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS names_gid ON names (gid);
CREATE INDEX IF NOT EXISTS names_skeleton ON names (skeleton);
CREATE TABLE IF NOT EXISTS boundaries (
    place_id TEXT PRIMARY KEY, linked INTEGER NOT NULL, level TEXT NOT NULL, name TEXT NOT NULL,
    names TEXT NOT NULL, geometry TEXT NOT NULL, source TEXT NOT NULL, imported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS countries (iso TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, rows INTEGER NOT NULL, malformed INTEGER NOT NULL,
                                  imported_at TEXT NOT NULL);
"""
_BATCH = 5000
_PLACE_SQL = ("SELECT gid, name, kind, lat, lon, feature_code, country, admin1, population, prominence "
              "FROM places WHERE gid IN ({})")


@dataclass
class ImportReport:
    """What an import did: rows read per file, malformed rows (the first 100 kept), places per kind."""

    rows: int = 0
    malformed: int = 0
    examples: list[Malformed] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)
    places_total: int = 0
    alternate_names: int = 0
    countries: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "files": self.files, "rows": self.rows, "malformed": self.malformed,
            "malformed_examples": [{"file": m.file, "line": m.line, "problem": m.problem} for m in self.examples],
            "kinds": dict(sorted(self.kinds.items())), "places_total": self.places_total,
            "alternate_names": self.alternate_names, "countries": self.countries,
            "seconds": round(self.seconds, 1),
        }


def _admin_tables(paths: Iterable[Path], admin1: Path | None, admin2: Path | None) -> tuple[dict, dict]:
    """Admin code tables given, or found beside the first dump (as GeoNames' download folder has them)."""
    folder = next(iter(paths)).parent
    admin1 = admin1 or (folder / "admin1CodesASCII.txt" if (folder / "admin1CodesASCII.txt").is_file() else None)
    admin2 = admin2 or (folder / "admin2Codes.txt" if (folder / "admin2Codes.txt").is_file() else None)
    return (read_admin_codes(admin1) if admin1 else {}), (read_admin_codes(admin2) if admin2 else {})


class ImportStore:
    """The store of imported dumps at ``path`` (created on the first import)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._has_boundaries: bool | None = None

    def exists(self) -> bool:
        """True once something was imported."""
        return self.path.is_file()

    # -- writing ------------------------------------------------------------------------------------------
    def import_files(self, paths: Iterable[str | Path], *, admin1: str | Path | None = None,
                     admin2: str | Path | None = None, alternate_names: str | Path | None = None,
                     country_info: str | Path | None = None,
                     on_malformed: Callable[[Malformed], None] | None = None) -> ImportReport:
        """Import GeoNames tables in one transaction; return what was read.

        Parameters
        ----------
        paths
            Dump files (``.txt``/``.zip``): allCountries, per-country XX, citiesNNN.
        admin1, admin2
            ``admin1CodesASCII.txt`` / ``admin2Codes.txt``; default: the files beside the first dump, if any.
        alternate_names
            ``alternateNamesV2.txt`` (or its zip): more names for the imported places.
        country_info
            ``countryInfo.txt`` (default: the file beside the first dump, if any): country facts, neighbours
            included, kept for :meth:`country`.
        on_malformed
            Called with each malformed row (the CLI warns on stderr).
        """
        files = [Path(p) for p in paths]
        if not files:
            raise GazetteerError("no GeoNames dump given; pass one or more files such as SY.zip or allCountries.zip")
        for path in files:
            if not path.is_file():
                raise GazetteerError(f"no GeoNames dump at {path}; run 'geo gazetteer download XX' or fix the path")
        admin1_names, admin2_names = _admin_tables(files, Path(admin1) if admin1 else None,
                                                   Path(admin2) if admin2 else None)
        beside = files[0].parent / "countryInfo.txt"
        countries = read_country_info(country_info or beside) if (country_info or beside.is_file()) else []
        report = ImportReport(files=[str(p) for p in files])
        started = time.time()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.close()
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            conn.executescript("PRAGMA journal_mode=WAL;" + _SCHEMA)
            conn.execute("BEGIN IMMEDIATE")
            for path in files:
                batch: list[DumpRow] = []
                before = report.rows, report.malformed
                for item in progress(read_dump(path), f"importing {path.name}", unit="row"):
                    if isinstance(item, Malformed):
                        report.malformed += 1
                        if len(report.examples) < 100:
                            report.examples.append(item)
                        if on_malformed:
                            on_malformed(item)
                        continue
                    report.rows += 1
                    batch.append(item)
                    if len(batch) >= _BATCH:
                        self._write_batch(conn, batch, str(path), admin1_names, admin2_names, report)
                        batch.clear()
                self._write_batch(conn, batch, str(path), admin1_names, admin2_names, report)
                conn.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?)",
                             (str(path), report.rows - before[0], report.malformed - before[1],
                              time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())))
            if alternate_names:
                self._add_alternate_names(conn, Path(alternate_names), report, on_malformed)
            conn.executemany("INSERT OR REPLACE INTO countries VALUES (?,?)",
                             [(c["iso"], json.dumps(c, ensure_ascii=False)) for c in countries])
            report.countries = len(countries)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            report.places_total = conn.execute("SELECT COUNT(*) FROM places").fetchone()[0]
            conn.close()
        report.seconds = time.time() - started
        return report

    @staticmethod
    def _add_alternate_names(conn: sqlite3.Connection, path: Path, report: ImportReport,
                             on_malformed: Callable[[Malformed], None] | None) -> None:
        """Add names of alternateNamesV2 to places already in the store (others are skipped)."""
        batch: list[tuple[int, str]] = []

        def flush() -> None:
            gids = {gid for gid, _ in batch}
            known = {r[0] for r in conn.execute(
                f"SELECT gid FROM places WHERE gid IN ({','.join('?' * len(gids))})", tuple(gids))} if gids else set()
            rows = []
            for gid, name in batch:
                folded = fold(name)
                if gid in known and len(folded) >= 2 and folded.isascii() and len(loose(name)) >= 2:
                    rows.append((loose(name), gid, name, folded, 0, skeleton(name)))
            conn.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?,?,?,?)", rows)
            report.alternate_names += len(rows)
            batch.clear()

        for item in progress(read_alternate_names(path), f"importing {path.name}", unit="row"):
            if isinstance(item, Malformed):
                report.malformed += 1
                if on_malformed:
                    on_malformed(item)
                continue
            batch.append((item[0], item[1]))
            if len(batch) >= _BATCH:
                flush()
        flush()

    @staticmethod
    def _write_batch(conn: sqlite3.Connection, batch: list[DumpRow], source: str, admin1_names: dict[str, str],
                     admin2_names: dict[str, str], report: ImportReport) -> None:
        if not batch:
            return
        places, names = [], []
        for row in batch:
            kind = kind_of(row.feature_class, row.feature_code)
            report.kinds[kind] += 1
            all_names = list(dict.fromkeys(n for n in (row.name, row.asciiname, *row.alternatenames) if n))
            admin1 = admin1_names.get(f"{row.country}.{row.admin1_code}") if row.admin1_code else None
            admin2 = admin2_names.get(f"{row.country}.{row.admin1_code}.{row.admin2_code}") if row.admin2_code \
                else None
            value = prominence(kind, row.feature_code, row.population, len(all_names))
            places.append((row.geonameid, row.name, kind, row.lat, row.lon, row.feature_class, row.feature_code,
                           row.country or None, admin1, admin2, row.population, value, source, row.modified))
            for position, name in enumerate(all_names):
                folded = fold(name)
                if len(folded) < 2 or not folded.isascii():
                    continue
                key = loose(name)
                if len(key) >= 2:
                    names.append((key, row.geonameid, name, folded, int(position == 0), skeleton(name)))
        conn.executemany("DELETE FROM names WHERE gid = ?", [(row.geonameid,) for row in batch])
        conn.executemany(f"INSERT OR REPLACE INTO places VALUES ({','.join('?' * 14)})", places)
        conn.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?,?,?,?)", names)

    def save_boundaries(self, rows: list[dict[str, Any]], source: str) -> None:
        """Store linked polygons in one transaction (a polygon for the same place replaces the older one)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.close()
        conn = sqlite3.connect(self.path, timeout=60)
        try:
            conn.executescript("PRAGMA journal_mode=WAL;" + _SCHEMA)
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            with conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO boundaries VALUES (?,?,?,?,?,?,?,?)",
                    [(r["place_id"], int(r["linked"]), r["level"], r["name"], json.dumps(r["names"]),
                      r["geometry"], source, stamp) for r in rows])
        finally:
            conn.close()

    # -- reading ------------------------------------------------------------------------------------------
    def has_place(self, geonameid: int) -> bool:
        """True when the imported dumps hold this GeoNames id."""
        return self._read().execute("SELECT 1 FROM places WHERE gid = ?", (geonameid,)).fetchone() is not None

    def country(self, iso: str) -> dict[str, Any] | None:
        """The countryInfo record of a country (name, capital, population, neighbours…), if one was imported."""
        try:
            row = self._read().execute("SELECT record FROM countries WHERE iso = ?", (iso.upper(),)).fetchone()
        except sqlite3.OperationalError:
            return None
        return json.loads(row[0]) if row else None

    def has_boundaries(self) -> bool:
        """True when polygons were loaded (checked once per open store)."""
        if self._has_boundaries is None:
            try:
                row = self._read().execute("SELECT 1 FROM boundaries LIMIT 1").fetchone()
            except sqlite3.OperationalError:  # a store from before boundaries existed
                row = None
            self._has_boundaries = row is not None
        return self._has_boundaries

    def boundaries_of(self, place_ids: Iterable[str]) -> dict[str, str]:
        """GeoJSON polygons stored for these place ids."""
        ids = list(place_ids)
        if not ids or not self.has_boundaries():
            return {}
        try:
            rows = self._read().execute(
                f"SELECT place_id, geometry FROM boundaries WHERE place_id IN ({','.join('?' * len(ids))})", ids)
            return dict(rows.fetchall())
        except sqlite3.OperationalError:  # a store from before boundaries existed
            return {}

    def boundaries_named(self, name: str) -> list[tuple[str, str, str]]:
        """(place id, name, GeoJSON) of stored polygons with this name (case- and accent-insensitive)."""
        key = fold(name)
        try:
            rows = self._read().execute("SELECT place_id, names, geometry FROM boundaries").fetchall()
        except sqlite3.OperationalError:
            return []
        return [(pid, json.loads(names)[0], geom) for pid, names, geom in rows
                if key in {fold(n) for n in json.loads(names)}]

    def _read(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        return self._conn

    def rows_of(self, key: str) -> list[tuple[tuple[tuple[str, str, bool], ...], Place]]:
        """Places with a name of loose key ``key``, most prominent first, with those names."""
        conn = self._read()
        found = conn.execute("SELECT gid, name, fold, is_primary FROM names WHERE loose = ?", (key,)).fetchall()
        if not found:
            return []
        by_gid: dict[int, list[tuple[str, str, bool]]] = {}
        for gid, name, folded, primary in found:
            by_gid.setdefault(gid, []).append((name, folded, bool(primary)))
        rows = conn.execute(_PLACE_SQL.format(",".join("?" * len(by_gid))), tuple(by_gid)).fetchall()
        out = []
        for gid, name, kind, lat, lon, code, country, admin1, population, value in rows:
            place = Place(f"geonames:{gid}", name, kind, lat, lon, "geonames-dump", gid, code, country, admin1,
                          population, None, False, value)
            out.append((tuple(by_gid[gid]), place))
        out.sort(key=lambda row: -row[1].prominence)
        return out

    def keys_of_skeletons(self, skeletons: Sequence[str], shortest: int, longest: int) -> list[str]:
        """Loose keys of imported names, ``shortest`` to ``longest`` letters long, with one of these consonant
        skeletons (at most :data:`~gazetteer.index.SKELETON_KEYS` per skeleton)."""
        from gazetteer.index import keys_by_skeletons

        conn = self._read()
        return keys_by_skeletons(lambda sql, args: conn.execute(sql, args).fetchall(),
                                 "SELECT DISTINCT skeleton, loose FROM names", skeletons, shortest, longest)

    def counts(self) -> dict[str, int]:
        """Places per kind."""
        return dict(self._read().execute("SELECT kind, COUNT(*) FROM places GROUP BY kind ORDER BY kind"))

    def close(self) -> None:
        """Close the read connection (and forget what it knew)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._has_boundaries = None

