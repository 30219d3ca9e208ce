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

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from geo.articles import Article
from geo.reports import Report

if TYPE_CHECKING:
    from geo.events import EventExtractor
    from geo.store.gpkg_ingest import GpkgIngestTx

__all__ = ["PIPELINE_REVISION", "IngestBackend", "IngestResult", "Ingester", "pipeline_version"]

log = logging.getLogger(__name__)

#: Bump when the extraction rules change so that stored articles can be found out of date.
PIPELINE_REVISION = 1


class IngestBackend(Protocol):
    """Where ingest keeps articles, mentions, reports and events (see :mod:`geo.store.gpkg_ingest`)."""

    label: str

    def prepare(self) -> None: ...

    def stored_ids(self) -> dict[str, str]: ...

    def stored_articles(self, *, latest: int | None = None, dated: bool = False) -> list[tuple[Article, str]]: ...

    def transaction(self) -> Any: ...

    def close(self) -> None: ...

    def count(self) -> int: ...


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
        The event store (a :class:`~geo.store.GpkgStore`, created with its tables on the first ingest, or any
        store with an ``ingest_backend()`` method returning an :class:`IngestBackend`).
    extractor
        The event extractor (its geoparser and worker settings).
    """

    #: How many stored articles (the latest ingested) lend context to publication-date inference.
    CONTEXT_ARTICLES = 1000

    def __init__(self, store: Any, extractor: EventExtractor) -> None:
        self.store = store
        self.extractor = extractor
        self.version = pipeline_version(extractor)
        if hasattr(store, "ingest_backend"):
            self.backend: IngestBackend = store.ingest_backend()
        else:
            from geo.store.gpkg_ingest import GpkgIngestBackend

            self.backend = GpkgIngestBackend(store)

    # -- public --------------------------------------------------------------------------------------------------

    def ingest(self, articles: Iterable[Article], *, reprocess: bool = False) -> IngestResult:
        """Store new articles (texts already stored are skipped unless ``reprocess``) and update the events.

        Publication dates missing from the new articles are inferred over the batch first, with the latest
        stored articles as context. Articles are committed one at a time, in the order given.
        """
        from geo.dates import infer_published

        self.backend.prepare()
        tally = _Tally()
        fresh, again = self._split(list(articles), reprocess=reprocess, tally=tally)
        batch = fresh
        if any(a.published is None for a in fresh):  # stored articles lend their dates and years as context
            context = [a for a, _ in self.backend.stored_articles(latest=self.CONTEXT_ARTICLES, dated=True)]
            batch = infer_published([*context, *fresh])[len(context):]
        self._run([*again, *batch], tally, replacing={a.content_hash for a in again})
        return self._result(tally)

    def reprocess(self, *, outdated_only: bool = False) -> IngestResult:
        """Run the pipeline again on stored articles (all, or those of another pipeline version), replacing each
        article's mentions and reports, and its events, atomically.

        Publication dates that were inferred (or unknown) are inferred again with every stored article as context,
        so an article ingested alone gets the dates later articles make evident.
        """
        from geo.dates import infer_published

        self.backend.prepare()
        rows = self.backend.stored_articles()
        stored = [article for article, _ in rows]
        guessed = [i for i, a in enumerate(stored) if a.published_from in ("inferred", "unknown")]
        if guessed:
            cleared = list(stored)
            for i in guessed:
                cleared[i] = replace(stored[i], published=None, published_end=None, published_from="unknown")
            stored = infer_published(cleared)
        articles = [a for a, (_, version) in zip(stored, rows, strict=True)
                    if not (outdated_only and version == self.version)]
        tally = _Tally()
        self._run(articles, tally, replacing={a.content_hash for a in articles})
        return self._result(tally)

    # -- steps ---------------------------------------------------------------------------------------------------

    def _split(self, articles: list[Article], *, reprocess: bool, tally: _Tally) -> tuple[list[Article], list[Article]]:
        """(new articles with unique ids, stored articles to run again); duplicates counted as unchanged."""
        stored = self.backend.stored_ids()
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
        try:
            for article, mentions, reports in self.extractor.analyse_all(articles, desc="ingest", failed=failed):
                self._commit(article, mentions, reports, tally, replace=article.content_hash in replacing)
        finally:
            self.backend.close()
        tally.failed.extend((a.path, message) for a, message in failed)

    def _commit(self, article: Article, mentions: list[dict[str, Any]], reports: list[Report], tally: _Tally, *,
                replace: bool) -> None:
        """One article: its row, mentions, reports and the events they change, in one transaction."""
        with self.backend.transaction() as tx:
            exists = tx.article_exists(article.content_hash)
            if exists and not replace:  # another process stored it meanwhile
                tally.unchanged += 1
                return
            touched = tx.delete_article(article.content_hash) if exists else set()
            tx.insert_article(article, self.version, mentions, reports)
            written, removed = _remerge(tx, reports, touched)
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
                            events_removed=tally.removed, events=self.backend.count())


def _remerge(tx: GpkgIngestTx, new: Sequence[Report], touched: set[str]) -> tuple[int, int]:
    """Merge ``new`` reports with the stored ones they may join; replace the events concerned.

    Candidates: stored reports that pass the hard merge tests with a new report (:func:`geo.merge.could_merge`:
    type, overlapping dates, place, sides, figures; the store preselects by type and dates), the events they belong
    to and ``touched`` (events that held the article's old reports). Every report of those events is merged again
    with the new reports; only the events whose reports changed are written again. Returns (events written,
    events removed).
    """
    from geo.events import build_event
    from geo.merge import VIOLENCE, could_merge, merge_reports
    from geo.wire import wire_groups

    pool: dict[str, Report] = {r.id: r for r in new}
    events = set(touched)
    for report in new:
        if report.date is None or report.subtype == "summary":
            continue
        kinds = sorted(VIOLENCE) if report.subtype in VIOLENCE else [report.subtype]
        candidates = tx.candidates(report.date, report.date_end or report.date, kinds)
        events.update(event for event, other in candidates if could_merge(report, other))
    before: dict[str, set[str]] = {}
    if events:
        for event, report in tx.reports_of(sorted(events)):
            before.setdefault(event, set()).add(report.id)
            pool.setdefault(report.id, report)
    groups = merge_reports(list(pool.values()))
    for event in touched:  # they listed the article's old reports: always written again
        before.pop(event, None)
    changed = [(members, reasons) for members, reasons in groups
               if before.get(min(r.id for r in members)) != {r.id for r in members}]
    hashes = sorted({r.content_hash for members, _ in changed if len({m.content_hash for m in members}) > 1
                     for r in members})
    wire = wire_groups(tx.articles(hashes)) if hashes else {}  # wire copies among multi-article events
    built = [build_event(members, reasons, wire=wire) for members, reasons in changed]
    kept = {min(r.id for r in members) for members, _ in groups}
    gone = sorted(events - kept)
    tx.replace_events(sorted(set(gone) | (events & {event.id for event in built})),
                      [event.to_dict() for event in built])
    tx.set_event_ids([(event.id, report.id) for event in built for report in event.reports])
    return len(built), len(gone)
