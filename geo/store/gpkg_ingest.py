"""The GeoPackage side of ingest: the ``articles``, ``reports`` and ``mentions`` tables and one transaction per
article (see :mod:`geo.store.ingest` for what ingest does; this module only stores and reads).

A back end for :class:`~geo.store.ingest.Ingester` provides :meth:`GpkgIngestBackend.prepare`,
:meth:`~GpkgIngestBackend.stored_ids`, :meth:`~GpkgIngestBackend.stored_articles`,
:meth:`~GpkgIngestBackend.transaction` (yielding an object with the methods of :class:`GpkgIngestTx`) and
:meth:`~GpkgIngestBackend.count`; errors of the database are raised as :class:`~geo.store.StoreError`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from geo.articles import Article
from geo.reports import Report
from geo.store import StoreError
from geo.store.codec import article_from_dict, article_to_dict, report_from_dict, report_to_dict
from geo.store.gpkg import LAYER, GpkgStore, _connect, _create, _encode, _insert_rows, _transaction

__all__ = ["ARTICLE_COLUMNS", "ArticleRowsTx", "GpkgIngestBackend", "GpkgIngestTx", "INGEST_TABLES"]

INGEST_TABLES = """
CREATE TABLE IF NOT EXISTS articles (
    fid INTEGER PRIMARY KEY AUTOINCREMENT, content_hash TEXT NOT NULL UNIQUE, article_id TEXT NOT NULL UNIQUE,
    path TEXT, title TEXT, outlet TEXT, url TEXT, published TEXT, published_end TEXT, published_from TEXT,
    language TEXT, agency TEXT, text TEXT NOT NULL, pipeline_version TEXT, ingested_at TEXT,
    n_mentions INTEGER, n_reports INTEGER);
CREATE TABLE IF NOT EXISTS reports (
    fid INTEGER PRIMARY KEY AUTOINCREMENT, report_id TEXT NOT NULL UNIQUE, content_hash TEXT NOT NULL,
    article_id TEXT NOT NULL, event_id TEXT, subtype TEXT, date TEXT, date_end TEXT, record TEXT NOT NULL,
    place_geometry TEXT);
CREATE INDEX IF NOT EXISTS reports_date ON reports (date, date_end);
CREATE INDEX IF NOT EXISTS reports_article ON reports (content_hash);
CREATE INDEX IF NOT EXISTS reports_event ON reports (event_id);
CREATE TABLE IF NOT EXISTS mentions (
    fid INTEGER PRIMARY KEY AUTOINCREMENT, content_hash TEXT NOT NULL, article_id TEXT NOT NULL,
    start INTEGER, "end" INTEGER, text TEXT, role TEXT, place_id TEXT, name TEXT, kind TEXT, country TEXT,
    lat REAL, lon REAL, confidence REAL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS mentions_article ON mentions (content_hash);
CREATE INDEX IF NOT EXISTS mentions_place ON mentions (place_id);
"""
_ATTRIBUTE_TABLES = ("articles", "reports", "mentions")
ARTICLE_COLUMNS = ("content_hash", "article_id", "path", "title", "outlet", "url", "published", "published_end",
                   "published_from", "language", "agency", "text", "pipeline_version", "ingested_at", "n_mentions",
                   "n_reports")


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def article_row(row: Sequence[Any]) -> Article:
    """The article of a row of :data:`ARTICLE_COLUMNS`."""
    data = dict(zip(ARTICLE_COLUMNS, row, strict=True))
    return article_from_dict({**data, "id": data["article_id"]})


def article_values(article: Article, version: str, n_mentions: int, n_reports: int) -> list[Any]:
    """The values of :data:`ARTICLE_COLUMNS` for a new row."""
    values = {**article_to_dict(article), "article_id": article.id, "pipeline_version": version,
              "n_mentions": n_mentions, "n_reports": n_reports,
              "ingested_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    return [values.get(name) for name in ARTICLE_COLUMNS]


def mention_values(article: Article, mention: dict[str, Any]) -> tuple[Any, ...]:
    """A ``mentions`` row (without fid) for one mention object."""
    m = mention
    return (article.content_hash, article.id, m.get("start"), m.get("end"), m.get("text"), m.get("role"),
            m.get("id"), m.get("name"), m.get("kind"), m.get("country"), m.get("lat"), m.get("lon"),
            m.get("confidence"), json.dumps(m, ensure_ascii=False))


def report_values(report: Report) -> tuple[Any, ...]:
    """A ``reports`` row (without fid and event_id). The place's geometry (a country outline can be hundreds of
    kilobytes) goes in its own column, so reading a report back does not parse it."""
    r = report
    record = report_to_dict(r)
    geometry = record["place"].pop("geometry", None) if record.get("place") else None
    return (r.id, r.content_hash, r.article, r.subtype, _iso(r.date), _iso(r.date_end or r.date),
            json.dumps(record, ensure_ascii=False), geometry)


def report_row(record: str, geometry: str | None) -> Report:
    """The report of a ``record`` and ``place_geometry`` pair."""
    data = json.loads(record)
    if data.get("place") is not None:
        data["place"]["geometry"] = geometry
    return report_from_dict(data)


class ArticleRowsTx:
    """The operations of one article's transaction that both back ends run alike, on a DB-API connection whose
    parameter marker is :attr:`MARK`: find and delete an article's rows, read stored reports."""

    MARK = "?"

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def article_exists(self, content_hash: str) -> bool:
        return self.conn.execute(f"SELECT 1 FROM articles WHERE content_hash = {self.MARK}",
                                 (content_hash,)).fetchone() is not None

    def delete_article(self, content_hash: str) -> set[str]:
        """Delete an article's rows; the ids of the events its reports belonged to."""
        touched = {e for (e,) in self.conn.execute(
            f"SELECT DISTINCT event_id FROM reports WHERE content_hash = {self.MARK} AND event_id IS NOT NULL",
            (content_hash,))}
        for table in ("reports", "mentions", "articles"):
            self.conn.execute(f"DELETE FROM {table} WHERE content_hash = {self.MARK}", (content_hash,))
        return touched

    def _reports(self, sql: str, params: Sequence[Any]) -> list[tuple[str, Report]]:
        return [(event, report_row(record, geometry)) for event, record, geometry in self.conn.execute(sql, params)]


class GpkgIngestTx(ArticleRowsTx):
    """The operations of one article's transaction on a GeoPackage store."""

    def insert_article(self, article: Article, version: str, mentions: list[dict[str, Any]],
                       reports: Sequence[Report]) -> None:
        marks = ", ".join("?" * len(ARTICLE_COLUMNS))
        self.conn.execute(f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) VALUES ({marks})",
                          article_values(article, version, len(mentions), len(reports)))
        self.conn.executemany(
            'INSERT INTO mentions (content_hash, article_id, start, "end", text, role, place_id, name, kind, '
            "country, lat, lon, confidence, record) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [mention_values(article, m) for m in mentions])
        self.conn.executemany(
            "INSERT OR REPLACE INTO reports (report_id, content_hash, article_id, subtype, date, date_end, record, "
            "place_geometry) VALUES (?,?,?,?,?,?,?,?)", [report_values(r) for r in reports])

    def candidates(self, start: dt.date, end: dt.date, subtypes: Sequence[str]) -> list[tuple[str, Report]]:
        """(event id, report) of stored reports of these subtypes whose dates overlap [start, end]."""
        marks = ",".join("?" * len(subtypes))
        return self._reports("SELECT event_id, record, place_geometry FROM reports WHERE date <= ? AND "
                             f"date_end >= ? AND event_id IS NOT NULL AND subtype IN ({marks})",
                             (end.isoformat(), start.isoformat(), *subtypes))

    def reports_of(self, event_ids: Sequence[str]) -> list[tuple[str, Report]]:
        """(event id, report) of every report of these events."""
        marks = ",".join("?" * len(event_ids))
        return self._reports(f"SELECT event_id, record, place_geometry FROM reports WHERE event_id IN ({marks})",
                             list(event_ids))

    def articles(self, content_hashes: Sequence[str]) -> list[Article]:
        """Id, path and text of these stored articles, in ingest order."""
        marks = ",".join("?" * len(content_hashes))
        return [Article(id=article_id, path=path or "", text=text, content_hash=content_hash)
                for article_id, path, text, content_hash in self.conn.execute(
                    f"SELECT article_id, path, text, content_hash FROM articles WHERE content_hash IN ({marks}) "
                    "ORDER BY fid", list(content_hashes))]

    def replace_events(self, removed: Sequence[str], records: Sequence[dict[str, Any]]) -> None:
        """Delete the events ``removed`` and write ``records`` (replacing any with the same id)."""
        if removed:
            marks = ",".join("?" * len(removed))
            self.conn.execute(f"DELETE FROM {LAYER} WHERE id IN ({marks})", list(removed))
        if records:
            rows, blobs, bounds = _encode(records)
            _insert_rows(self.conn, rows, blobs, bounds, replace=True)

    def set_event_ids(self, pairs: Sequence[tuple[str, str]]) -> None:
        """``(event id, report id)`` pairs: which event each report now belongs to."""
        self.conn.executemany("UPDATE reports SET event_id = ? WHERE report_id = ?", pairs)


class GpkgIngestBackend:
    """Ingest storage in a :class:`~geo.store.GpkgStore` file."""

    def __init__(self, store: GpkgStore) -> None:
        self.store = store
        self.label = str(store.path)
        self._conn: sqlite3.Connection | None = None

    def prepare(self) -> None:
        """Create the store if needed (atomically: built aside, then linked into place) and its tables."""
        path = self.store.path
        if not path.exists():
            tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp.gpkg")
            try:
                _create(tmp)
                with _connect(tmp) as conn:
                    _ensure_tables(conn)
                try:
                    os.link(tmp, path)  # fails if another process created it meanwhile: use theirs
                except FileExistsError:
                    pass
            except (OSError, RuntimeError) as exc:
                raise StoreError(f"cannot create the event store {path} ({exc}); check that the directory exists "
                                 "and is writable") from exc
            finally:
                tmp.unlink(missing_ok=True)
        self.store._check()
        try:
            with _connect(path) as conn:
                conn.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer; cheap commits
                _ensure_tables(conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot write to the event store {path} ({exc}); check that the file and its "
                             "directory are writable and that no other program holds a lock on it") from exc

    def stored_ids(self) -> dict[str, str]:
        """Content hash → article id of every stored article."""
        with _connect(self.store.path, read_only=True) as conn:
            return dict(conn.execute("SELECT content_hash, article_id FROM articles").fetchall())

    def stored_articles(self, *, latest: int | None = None, dated: bool = False) -> list[tuple[Article, str]]:
        """(article, pipeline version) of stored articles in ingest order (only the ``latest`` n; only those with
        a publication date when ``dated``)."""
        sql = f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles"
        sql += " WHERE published IS NOT NULL" if dated else ""
        sql += " ORDER BY fid DESC LIMIT ?" if latest is not None else " ORDER BY fid"
        with _connect(self.store.path, read_only=True) as conn:
            rows = conn.execute(sql, (latest,) if latest is not None else ()).fetchall()
        if latest is not None:
            rows.reverse()
        version = ARTICLE_COLUMNS.index("pipeline_version")
        return [(article_row(row), row[version]) for row in rows]

    def mentions(self, article_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The stored place mentions (CONTRACTS.md mention objects plus ``article``) of these articles; none when
        the store has no ingest tables (events written directly)."""
        ids = sorted(set(article_ids))
        if not ids or not self.store.path.exists():
            return []
        marks = ",".join("?" * len(ids))
        try:
            with _connect(self.store.path, read_only=True) as conn:
                rows = conn.execute(f"SELECT article_id, record FROM mentions WHERE article_id IN ({marks}) "
                                    "ORDER BY fid", ids).fetchall()
        except sqlite3.OperationalError:  # no mentions table
            return []
        return [{**json.loads(record), "article": article_id} for article_id, record in rows]

    @contextmanager
    def transaction(self) -> Iterator[GpkgIngestTx]:
        """One write transaction (BEGIN IMMEDIATE: writers take turns; 60 s busy timeout)."""
        try:
            if self._conn is None:  # one connection for the run: closing it checkpoints the WAL, which costs
                self._conn = _connect(self.store.path)
                self._conn.execute("PRAGMA synchronous = NORMAL")  # with WAL: durable at checkpoints, never corrupt
            with _transaction(self._conn):
                yield GpkgIngestTx(self._conn)
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StoreError(f"cannot write to the event store {self.store.path} ({exc}); the articles committed "
                             "before this one are kept") from exc

    def close(self) -> None:
        """Close the run's connection (the next transaction opens another)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def count(self) -> int:
        return self.store.count()


def _ensure_tables(conn: sqlite3.Connection) -> None:
    """The attribute tables, registered in ``gpkg_contents`` so GDAL and QGIS list them."""
    conn.executescript(INGEST_TABLES)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(reports)")}
    if "place_geometry" not in columns:  # a store from before the column existed
        conn.execute("ALTER TABLE reports ADD COLUMN place_geometry TEXT")
    for table in _ATTRIBUTE_TABLES:
        conn.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, "
                     "last_change) VALUES (?, 'attributes', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                     (table, table, f"geo-events {table}"))
