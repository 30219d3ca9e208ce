"""The PostGIS side of ingest: the ``articles``, ``reports`` and ``mentions`` tables (created by the store's
migrations) and one transaction per article, with the operations of :class:`geo.store.gpkg_ingest.GpkgIngestTx`
(see :mod:`geo.store.ingest` for what ingest does; this module only stores and reads).

Concurrency: each article's transaction first takes a store-wide transaction-level advisory lock
(:data:`INGEST_LOCK`), so processes ingesting into one database take turns per article, as with SQLite's write
lock: re-merging reads the stored reports of overlapping dates and replaces their events, so two articles merged
at once could each miss the other's reports; and a text two processes both ingest is stored once (the second
finds it stored). Each statement after the lock sees what the previous holder committed (READ COMMITTED).
Readers never wait.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from geo.articles import Article
from geo.reports import Report
from geo.store.gpkg_ingest import (ARTICLE_COLUMNS, ArticleRowsTx, article_row, article_values, mention_values,
                                   report_values)
from geo.store.gpkg_rows import _columns
from geo.store.postgis_rows import _arrow_rows, _copy_insert

if TYPE_CHECKING:
    import psycopg

    from geo.store.postgis import PgStore

__all__ = ["INGEST_LOCK", "PgIngestBackend", "PgIngestTx"]

#: pg_advisory_xact_lock key held while an article is merged into the events.
INGEST_LOCK = 0x67656F5F696E6773  # "geo_ings"
_MENTION_COLUMNS = ('content_hash, article_id, start, "end", text, role, place_id, name, kind, country, lat, lon, '
                    "confidence, record")
_REPORT_COLUMNS = "report_id, content_hash, article_id, subtype, date, date_end, record, place_geometry"


class PgIngestTx(ArticleRowsTx):
    """The operations of one article's transaction on a PostGIS store (SQL parameterised throughout)."""

    MARK = "%s"
    conn: psycopg.Connection[Any]

    def insert_article(self, article: Article, version: str, mentions: list[dict[str, Any]],
                       reports: Sequence[Report]) -> None:
        marks = ", ".join(["%s"] * len(ARTICLE_COLUMNS))
        self.conn.execute(f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) VALUES ({marks})",  # type: ignore[arg-type]
                          article_values(article, version, len(mentions), len(reports)))
        with self.conn.cursor() as cursor:
            cursor.executemany(f"INSERT INTO mentions ({_MENTION_COLUMNS}) VALUES ({', '.join(['%s'] * 14)})",
                               [mention_values(article, m) for m in mentions])
            cursor.executemany(f"INSERT INTO reports ({_REPORT_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                               "ON CONFLICT (report_id) DO UPDATE SET content_hash = EXCLUDED.content_hash, "
                               "article_id = EXCLUDED.article_id, event_id = NULL, subtype = EXCLUDED.subtype, "
                               "date = EXCLUDED.date, date_end = EXCLUDED.date_end, record = EXCLUDED.record, "
                               "place_geometry = EXCLUDED.place_geometry",
                               [report_values(r) for r in reports])

    def candidates(self, start: dt.date, end: dt.date, subtypes: Sequence[str]) -> list[tuple[str, Report]]:
        """(event id, report) of stored reports of these subtypes whose dates overlap [start, end]."""
        return self._reports("SELECT event_id, record, place_geometry FROM reports WHERE date <= %s AND "
                             "date_end >= %s AND event_id IS NOT NULL AND subtype = ANY(%s) ORDER BY fid",
                             (end.isoformat(), start.isoformat(), list(subtypes)))

    def reports_of(self, event_ids: Sequence[str]) -> list[tuple[str, Report]]:
        """(event id, report) of every report of these events."""
        return self._reports("SELECT event_id, record, place_geometry FROM reports WHERE event_id = ANY(%s) "
                             "ORDER BY fid", (list(event_ids),))

    def articles(self, content_hashes: Sequence[str]) -> list[Article]:
        """Id, path and text of these stored articles, in ingest order."""
        return [Article(id=article_id, path=path or "", text=text, content_hash=content_hash)
                for article_id, path, text, content_hash in self.conn.execute(
                    "SELECT article_id, path, text, content_hash FROM articles WHERE content_hash = ANY(%s) "
                    "ORDER BY fid", (list(content_hashes),))]

    def replace_events(self, removed: Sequence[str], records: Sequence[dict[str, Any]]) -> None:
        """Delete the events ``removed`` and write ``records`` (replacing any with the same id)."""
        if removed:
            self.conn.execute("DELETE FROM events WHERE id = ANY(%s)", (list(removed),))
        if records:
            columns, geometries = _columns(records)
            _copy_insert(self.conn, _arrow_rows(columns, geometries), replace=True)

    def set_event_ids(self, pairs: Sequence[tuple[str, str]]) -> None:
        """``(event id, report id)`` pairs: which event each report now belongs to."""
        with self.conn.cursor() as cursor:
            cursor.executemany("UPDATE reports SET event_id = %s WHERE report_id = %s", pairs)


class PgIngestBackend:
    """Ingest storage in a PostGIS database (:meth:`PgStore.ingest_backend`)."""

    def __init__(self, store: PgStore) -> None:
        self.store = store
        self.label = store.label

    def prepare(self) -> None:
        """Create or upgrade the tables (events and the ingest tables)."""
        self.store.migrate()

    def stored_ids(self) -> dict[str, str]:
        """Content hash → article id of every stored article."""
        with self.store.connect() as conn:
            return {h: a for h, a in conn.execute("SELECT content_hash, article_id FROM articles")}

    def stored_articles(self, *, latest: int | None = None, dated: bool = False) -> list[tuple[Article, str]]:
        """(article, pipeline version) of stored articles in ingest order (only the ``latest`` n; only those with
        a publication date when ``dated``)."""
        sql = f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles"
        sql += " WHERE published IS NOT NULL" if dated else ""
        sql += " ORDER BY fid DESC LIMIT %s" if latest is not None else " ORDER BY fid"
        with self.store.connect() as conn:
            rows = conn.execute(sql, (latest,) if latest is not None else ()).fetchall()  # type: ignore[arg-type]
        if latest is not None:
            rows.reverse()
        version = ARTICLE_COLUMNS.index("pipeline_version")
        return [(article_row(row), row[version]) for row in rows]

    def mentions(self, article_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The stored place mentions (CONTRACTS.md mention objects plus ``article``) of these articles."""
        ids = sorted(set(article_ids))
        if not ids:
            return []
        with self.store.connect() as conn:
            rows = conn.execute("SELECT article_id, record FROM mentions WHERE article_id = ANY(%s) ORDER BY fid",
                                (ids,)).fetchall()
        return [{**json.loads(record), "article": article_id} for article_id, record in rows]

    @contextmanager
    def transaction(self) -> Iterator[PgIngestTx]:
        """One write transaction, holding the store-wide ingest lock (writers take turns)."""
        with self.store.connect(write=True, doing="write to") as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (INGEST_LOCK,))
            yield PgIngestTx(conn)

    def close(self) -> None:
        """Nothing to release: the store keeps its connection for the process."""

    def count(self) -> int:
        return self.store.count()
