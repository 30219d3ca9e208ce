"""Ingest articles into the event store: run the pipeline, keep articles, mentions and reports, merge events.

The store (one GeoPackage, see :mod:`geo.store.gpkg`) gains three attribute tables next to the ``events`` layer:

``articles``
    One row per distinct article text (identity: the content hash; the path is recorded, not used as identity),
    with its metadata, its text (so ``--reprocess`` needs no files) and the ``pipeline_version`` that produced
    its reports.
``reports``
    One row per report (:class:`~geo.reports.Report`, as JSON in ``record``), with its ``event_id``.
``mentions``
    The article's place mentions (CONTRACTS.md mention objects; the JSON in ``record``).

Each article is one transaction: its row, its mentions, its reports and the events they change are committed
together or not at all, so an interrupted batch keeps every article committed before the interruption and no
half of the one in progress. Ingesting the same text again adds nothing. New reports are merged with stored ones
by the rules of :mod:`geo.merge`: the stored reports whose dates overlap a new report's, and every report of the
events those belong to, are merged again with the new reports; the events they formed are replaced by the new
grouping. Event ids follow CONTRACTS.md (the smallest report id), so an event that keeps its earliest report keeps
its id. Two processes ingesting into one file take turns per article (SQLite's write lock, 60 s busy timeout).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.articles import Article
from geo.reports import Report
from geo.store import StoreError
from geo.store.codec import article_from_dict, article_to_dict, report_from_dict, report_to_dict
from geo.store.gpkg import LAYER, GpkgStore, _connect, _create, _encode, _insert_rows, _transaction

if TYPE_CHECKING:
    from geo.events import EventExtractor

__all__ = ["PIPELINE_REVISION", "IngestResult", "Ingester", "pipeline_version"]

log = logging.getLogger(__name__)

#: Bump when the extraction rules change so that stored articles can be found out of date.
PIPELINE_REVISION = 1

_TABLES = """
CREATE TABLE IF NOT EXISTS articles (
    fid INTEGER PRIMARY KEY AUTOINCREMENT, content_hash TEXT NOT NULL UNIQUE, article_id TEXT NOT NULL UNIQUE,
    path TEXT, title TEXT, outlet TEXT, url TEXT, published TEXT, published_end TEXT, published_from TEXT,
    language TEXT, agency TEXT, text TEXT NOT NULL, pipeline_version TEXT, ingested_at TEXT,
    n_mentions INTEGER, n_reports INTEGER);
CREATE TABLE IF NOT EXISTS reports (
    fid INTEGER PRIMARY KEY AUTOINCREMENT, report_id TEXT NOT NULL UNIQUE, content_hash TEXT NOT NULL,
    article_id TEXT NOT NULL, event_id TEXT, subtype TEXT, date TEXT, date_end TEXT, record TEXT NOT NULL);
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
_ARTICLE_COLUMNS = ("content_hash", "article_id", "path", "title", "outlet", "url", "published", "published_end",
                    "published_from", "language", "agency", "text", "pipeline_version", "ingested_at", "n_mentions",
                    "n_reports")


def pipeline_version(extractor: EventExtractor) -> str:
    """``geo-events <version>; rules <revision>; gazetteer <index fingerprint>`` of this extractor."""
    from geo import __version__

    try:
        fingerprint = str(extractor.geoparser.gazetteer.index.meta.get("fingerprint", ""))[:12]
    except Exception:  # noqa: BLE001 - an in-memory gazetteer has no index metadata
        fingerprint = "memory"
    return f"geo-events {__version__}; rules {PIPELINE_REVISION}; gazetteer {fingerprint or 'unknown'}"


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one ingest did.

    ``added``: articles stored for the first time; ``unchanged``: already stored (same text), skipped;
    ``reprocessed``: stored articles run again; ``failed``: ``(path, message)`` of articles not stored;
    ``reports``: reports stored; ``events_written``/``events_removed``: event rows replaced or added / removed
    by re-merging; ``events``: events in the store afterwards.
    """

    added: int = 0
    unchanged: int = 0
    reprocessed: int = 0
    failed: tuple[tuple[str, str], ...] = ()
    reports: int = 0
    events_written: int = 0
    events_removed: int = 0
    events: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-able values."""
        return {"added": self.added, "unchanged": self.unchanged, "reprocessed": self.reprocessed,
                "failed": [{"path": p, "error": e} for p, e in self.failed], "reports": self.reports,
                "events_written": self.events_written, "events_removed": self.events_removed, "events": self.events}


@dataclass
class _Tally:
    added: int = 0
    unchanged: int = 0
    reprocessed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    reports: int = 0
    written: int = 0
    removed: int = 0


class Ingester:
    """Runs the pipeline on articles and keeps the results in an event store.

    Parameters
    ----------
    store
        The GeoPackage store; created (with its tables) on the first ingest.
    extractor
        The event extractor (its geoparser and worker settings).
    """

    def __init__(self, store: GpkgStore, extractor: EventExtractor) -> None:
        self.store = store
        self.extractor = extractor
        self.version = pipeline_version(extractor)

    # -- public --------------------------------------------------------------------------------------------------

    def ingest(self, articles: Iterable[Article], *, reprocess: bool = False) -> IngestResult:
        """Store new articles (texts already stored are skipped unless ``reprocess``) and update the events.

        Publication dates missing from the new articles are inferred over the batch first. Articles are
        committed one at a time, in the order given.
        """
        from geo.dates import infer_published

        self._open()
        tally = _Tally()
        fresh, again = self._split(list(articles), reprocess=reprocess, tally=tally)
        batch = fresh
        if any(a.published is None for a in fresh):  # stored articles lend their dates and years as context
            context = self._context()
            batch = infer_published([*context, *fresh])[len(context):]
        self._run([*again, *batch], tally, replacing={a.content_hash for a in again})
        return self._result(tally)

    #: How many stored articles (the latest ingested) lend context to publication-date inference.
    CONTEXT_ARTICLES = 1000

    def _context(self) -> list[Article]:
        with _connect(self.store.path, read_only=True) as conn:
            rows = conn.execute(f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles WHERE published IS NOT NULL "
                                "ORDER BY fid DESC LIMIT ?", (self.CONTEXT_ARTICLES,)).fetchall()
        return [_article(row) for row in reversed(rows)]

    def reprocess(self, *, outdated_only: bool = False) -> IngestResult:
        """Run the pipeline again on stored articles (all, or those of another pipeline version), replacing each
        article's mentions and reports, and its events, atomically.

        Publication dates that were inferred (or unknown) are inferred again with every stored article as context,
        so an article ingested alone gets the dates later articles make evident.
        """
        from geo.dates import infer_published

        self._open()
        with _connect(self.store.path, read_only=True) as conn:
            rows = conn.execute(f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles ORDER BY fid").fetchall()
        stored = [_article(row) for row in rows]
        guessed = [i for i, a in enumerate(stored) if a.published_from in ("inferred", "unknown")]
        if guessed:
            cleared = list(stored)
            for i in guessed:
                cleared[i] = replace(stored[i], published=None, published_end=None, published_from="unknown")
            stored = infer_published(cleared)
        versions = [row[_ARTICLE_COLUMNS.index("pipeline_version")] for row in rows]
        articles = [a for a, version in zip(stored, versions, strict=True)
                    if not (outdated_only and version == self.version)]
        tally = _Tally()
        self._run(articles, tally, replacing={a.content_hash for a in articles})
        return self._result(tally)

    # -- steps ---------------------------------------------------------------------------------------------------

    def _open(self) -> None:
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
                _ensure_tables(conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot write to the event store {path} ({exc}); check that the file and its "
                             "directory are writable and that no other program holds a lock on it") from exc

    def _split(self, articles: list[Article], *, reprocess: bool, tally: _Tally) -> tuple[list[Article], list[Article]]:
        """(new articles with unique ids, stored articles to run again); duplicates counted as unchanged."""
        with _connect(self.store.path, read_only=True) as conn:
            stored = dict(conn.execute("SELECT content_hash, article_id FROM articles").fetchall())
        taken = set(stored.values())
        fresh: list[Article] = []
        again: list[Article] = []
        seen: set[str] = set()
        for article in articles:
            if article.content_hash in seen:
                tally.unchanged += 1
                continue
            seen.add(article.content_hash)
            if article.content_hash in stored:
                if reprocess:
                    again.append(replace(article, id=stored[article.content_hash]))
                else:
                    tally.unchanged += 1
                continue
            if article.id in taken:  # another text under the same file name: keep both
                article = replace(article, id=f"{article.id}~{article.content_hash[:8]}")
            taken.add(article.id)
            fresh.append(article)
        return fresh, again

    def _run(self, articles: Sequence[Article], tally: _Tally, *, replacing: set[str]) -> None:
        failed: list[tuple[Article, str]] = []
        for article, mentions, reports in self.extractor.analyse_all(articles, desc="ingest", failed=failed):
            try:
                self._commit(article, mentions, reports, tally, replace=article.content_hash in replacing)
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"cannot write to the event store {self.store.path} ({exc}); the articles "
                                 "committed before this one are kept") from exc
        tally.failed.extend((a.path, message) for a, message in failed)

    def _commit(self, article: Article, mentions: list[dict[str, Any]], reports: list[Report], tally: _Tally, *,
                replace: bool) -> None:
        """One article: its row, mentions, reports and the events they change, in one transaction."""
        with _connect(self.store.path) as conn, _transaction(conn):
            exists = conn.execute("SELECT 1 FROM articles WHERE content_hash = ?", (article.content_hash,)).fetchone()
            if exists and not replace:  # another process stored it meanwhile
                tally.unchanged += 1
                return
            touched: set[str] = set()
            if exists:
                touched = {e for (e,) in conn.execute(
                    "SELECT DISTINCT event_id FROM reports WHERE content_hash = ? AND event_id IS NOT NULL",
                    (article.content_hash,))}
                for table in ("reports", "mentions", "articles"):
                    conn.execute(f"DELETE FROM {table} WHERE content_hash = ?", (article.content_hash,))
            _insert_article(conn, article, self.version, len(mentions), len(reports))
            conn.executemany(
                'INSERT INTO mentions (content_hash, article_id, start, "end", text, role, place_id, name, kind, '
                "country, lat, lon, confidence, record) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(article.content_hash, article.id, m.get("start"), m.get("end"), m.get("text"), m.get("role"),
                  m.get("id"), m.get("name"), m.get("kind"), m.get("country"), m.get("lat"), m.get("lon"),
                  m.get("confidence"), json.dumps(m, ensure_ascii=False)) for m in mentions])
            conn.executemany(
                "INSERT OR REPLACE INTO reports (report_id, content_hash, article_id, subtype, date, date_end, "
                "record) VALUES (?,?,?,?,?,?,?)",
                [(r.id, r.content_hash, r.article, r.subtype, _iso(r.date), _iso(r.date_end or r.date),
                  json.dumps(report_to_dict(r), ensure_ascii=False)) for r in reports])
            written, removed = _remerge(conn, reports, touched)
        if replace:
            tally.reprocessed += 1
        else:
            tally.added += 1
        tally.reports += len(reports)
        tally.written += written
        tally.removed += removed

    def _result(self, tally: _Tally) -> IngestResult:
        return IngestResult(added=tally.added, unchanged=tally.unchanged, reprocessed=tally.reprocessed,
                            failed=tuple(tally.failed), reports=tally.reports, events_written=tally.written,
                            events_removed=tally.removed, events=self.store.count())


# -- SQL helpers ---------------------------------------------------------------------------------------------------

def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _ensure_tables(conn: sqlite3.Connection) -> None:
    """The attribute tables, registered in ``gpkg_contents`` so GDAL and QGIS list them."""
    conn.executescript(_TABLES)
    for table in _ATTRIBUTE_TABLES:
        conn.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, "
                     "last_change) VALUES (?, 'attributes', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                     (table, table, f"geo-events {table}"))


def _article(row: Sequence[Any]) -> Article:
    data = dict(zip(_ARTICLE_COLUMNS, row, strict=True))
    return article_from_dict({**data, "id": data["article_id"]})


def _insert_article(conn: sqlite3.Connection, article: Article, version: str, n_mentions: int,
                    n_reports: int) -> None:
    data = article_to_dict(article)
    values = {**data, "article_id": article.id, "pipeline_version": version, "n_mentions": n_mentions,
              "n_reports": n_reports, "ingested_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    marks = ", ".join("?" * len(_ARTICLE_COLUMNS))
    conn.execute(f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}) VALUES ({marks})",
                 [values.get(name) for name in _ARTICLE_COLUMNS])


def _stored(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[tuple[str, Report]]:
    """(event id, report) of the stored reports ``sql`` selects (columns ``event_id, record``)."""
    return [(event, report_from_dict(json.loads(record))) for event, record in conn.execute(sql, params)]


def _remerge(conn: sqlite3.Connection, new: Sequence[Report], touched: set[str]) -> tuple[int, int]:
    """Merge ``new`` reports with the stored ones they may join; replace the events concerned.

    Candidates: stored reports that pass the hard merge tests with a new report (:func:`geo.merge.could_merge`:
    type, overlapping dates, place, sides, figures; SQL preselects by type and dates), the events they belong to
    and ``touched`` (events that held the article's old reports). Every report of those events is merged again
    with the new reports. Returns (events written, events removed).
    """
    from geo.events import build_event
    from geo.merge import VIOLENCE, could_merge, merge_reports

    pool: dict[str, Report] = {r.id: r for r in new}
    events = set(touched)
    for report in new:
        if report.date is None or report.subtype == "summary":
            continue
        kinds = sorted(VIOLENCE) if report.subtype in VIOLENCE else [report.subtype]
        candidates = _stored(conn, "SELECT event_id, record FROM reports WHERE date <= ? AND date_end >= ? AND "
                             f"event_id IS NOT NULL AND subtype IN ({','.join('?' * len(kinds))})",
                             (_iso(report.date_end or report.date), _iso(report.date), *kinds))
        events.update(event for event, other in candidates if could_merge(report, other))
    if events:
        marks = ",".join("?" * len(events))
        sql = f"SELECT event_id, record FROM reports WHERE event_id IN ({marks})"
        stored = {r.id: r for _, r in _stored(conn, sql, sorted(events))}
        pool = {**stored, **pool}
    groups = merge_reports(list(pool.values()))
    wire = _wire(conn, groups)
    built = [build_event(members, reasons, wire=wire) for members, reasons in groups]
    new_ids = {event.id for event in built}
    gone = sorted(events - new_ids)
    if events:
        marks = ",".join("?" * len(events))
        conn.execute(f"DELETE FROM {LAYER} WHERE id IN ({marks})", sorted(events))
    if built:
        rows, blobs, bounds = _encode([event.to_dict() for event in built])
        _insert_rows(conn, rows, blobs, bounds, replace=True)
    conn.executemany("UPDATE reports SET event_id = ? WHERE report_id = ?",
                     [(event.id, report.id) for event in built for report in event.reports])
    return len(built), len(gone)


def _wire(conn: sqlite3.Connection, groups: list[tuple[list[Report], list[str]]]) -> dict[str, str]:
    """Wire-copy groups among the articles of multi-article events (texts read from the store)."""
    from geo.wire import wire_groups

    hashes = sorted({r.content_hash for members, _ in groups if len({m.content_hash for m in members}) > 1
                     for r in members})
    if not hashes:
        return {}
    marks = ",".join("?" * len(hashes))
    articles = [Article(id=article_id, path=path or "", text=text, content_hash=content_hash)
                for article_id, path, text, content_hash in conn.execute(
                    f"SELECT article_id, path, text, content_hash FROM articles WHERE content_hash IN ({marks}) "
                    "ORDER BY fid", hashes)]
    return wire_groups(articles)


def store_path(path: str | os.PathLike[str] | None) -> Path:
    """The store path the CLI uses: ``path``, else ``events.gpkg`` in the current directory."""
    return Path(path) if path else Path("events.gpkg")
