"""Events: articles → reports → merged events, as records (CONTRACTS.md's event record) or a GeoDataFrame.

>>> from geo.events import EventExtractor                             # doctest: +SKIP
>>> events = EventExtractor().extract(read_articles(["seeds/"]))      # doctest: +SKIP
>>> events[0].to_dict()["type"]                                        # doctest: +SKIP
'remote_violence'

An event keeps every report (``sources``), the most conservative casualty figure (``fatalities``, ACLED's rule)
and every competing statement (``claims``: 34 soldiers by one outlet, 33 by another; a "plane" in one report, a
"drone" in another). Reports of the same wire copy republished by several outlets are recognised
(:mod:`geo.wire`) and counted once in ``independent_reports``.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geo.articles import Article
from geo.eventplace import PRECISION, lies_in
from geo.merge import earliest, merge_reports
from geo.reports import Report, extract_reports
from geo.taxonomy import family

if TYPE_CHECKING:
    import geopandas

    from geo.geoparse import Geoparser

__all__ = ["Event", "EventExtractor", "build_event", "events_to_geodataframe"]

log = logging.getLogger(__name__)

#: Among merged reports, the most specific subtype names the event ("air strike" over "attack").
_SPECIFIC = ("aircraft_downed", "air_strike", "drone_strike", "explosive", "shelling", "territory_captured",
             "attack_on_civilians", "armed_clash", "attack")
_INSTRUMENT = re.compile(r"\b(drones?|warplanes?|planes?|jets?|helicopters?|aircraft|artillery|mortars?|rockets?|"
                         r"missiles?)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Event:
    """An event: one or more reports (``reports``), the fields chosen from them, and what they disagree on.

    ``lead`` is the report whose place the event takes, ``kind`` the one whose (most specific) type it takes.
    """

    id: str
    reports: tuple[Report, ...]
    lead: Report
    kind: Report
    date: Any
    date_end: Any
    date_precision: str
    date_from: str
    fatalities: int | None
    injured: int | None
    claims: tuple[dict[str, Any], ...]
    merged_because: str | None
    independent_reports: int

    @property
    def place(self) -> Any:
        """The event's :class:`~gazetteer.model.Place` (``None`` when no report names one)."""
        return self.lead.place

    def geometry(self) -> dict[str, Any] | None:
        """GeoJSON geometry, (lon, lat) order: the place's line or area, else its point."""
        place = self.lead.place
        if place is None:
            return None
        if place.geometry:
            return json.loads(place.geometry)
        return {"type": "Point", "coordinates": [place.lon, place.lat]}

    def to_dict(self) -> dict[str, Any]:
        """The event record of CONTRACTS.md (plus ``confidence``, ``reports``, ``independent_reports``)."""
        lead, place = self.lead, self.lead.place
        outlets = list(dict.fromkeys(r.outlet for r in self.reports if r.outlet))
        claimed = list(dict.fromkeys(c for r in self.reports for c in r.claimed_by))
        return {
            "id": self.id,
            "type": family(self.kind.subtype), "subtype": self.kind.subtype,
            "acled_event_type": self.kind.acled_event_type, "acled_sub_event_type": self.kind.acled_sub_event_type,
            "summary": self.kind.summary,
            "date": self.date.isoformat() if self.date else None,
            "date_end": self.date_end.isoformat() if self.date_end else None,
            "date_precision": self.date_precision, "date_from": self.date_from,
            "place": None if place is None else {
                "id": place.id, "name": place.name, "kind": place.kind, "country": place.country,
                "admin1": place.admin1, "mention": lead.mention, "geonameid": place.geonameid,
                "from": lead.place_from},
            "lat": place.lat if place else None, "lon": place.lon if place else None,
            "geometry": self.geometry(),
            "geo_precision": lead.geo_precision, "where_relation": lead.where_relation,
            "actor1": _first(r.actor1 for r in self.reports), "actor2": _first(r.actor2 for r in self.reports),
            "assoc_actors": list(dict.fromkeys(a for r in self.reports for a in r.assoc_actors)),
            "fatalities": self.fatalities, "injured": self.injured,
            "claimed_by": claimed, "outlets": outlets,
            "sources": [{"article": r.article, "outlet": r.outlet, "url": r.url,
                         "published": r.published.isoformat() if r.published else None, "sentence": r.sentence,
                         "start": r.start, "end": r.end, "report": r.id, "type": r.subtype} for r in self.reports],
            "claims": list(self.claims),
            "merged_because": self.merged_because,
            "independent_reports": self.independent_reports,
            "confidence": max(r.confidence for r in self.reports),
        }

    def to_feature(self) -> dict[str, Any]:
        """A GeoJSON Feature whose properties are the event record (without the geometry)."""
        record = self.to_dict()
        geometry = record.pop("geometry")
        return {"type": "Feature", "id": self.id, "geometry": geometry, "properties": record}


def _first(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None


def _claimant(report: Report) -> str:
    return ", ".join(report.claimed_by) if report.claimed_by else (report.outlet or report.article)


def _claims(reports: Sequence[Report]) -> list[dict[str, Any]]:
    claims: list[dict[str, Any]] = []

    def add(field: str, value: Any, report: Report) -> None:
        claims.append({"field": field, "value": value, "claimed_by": _claimant(report), "article": report.article,
                       "report": report.id})

    for field in ("fatalities", "injured", "actor1"):
        values = {getattr(r, field) for r in reports if getattr(r, field) is not None}
        if len(values) > 1 or (field != "actor1" and values and len(reports) > 1):
            for report in reports:
                if getattr(report, field) is not None:
                    add(field, getattr(report, field), report)
    instruments = {r.id: _instrument(r) for r in reports}
    if len({v for v in instruments.values() if v}) > 1:
        for report in reports:
            if instruments[report.id]:
                add("instrument", instruments[report.id], report)
    places = {r.place.id for r in reports if r.place is not None and r.place_from != "article"}
    if len(places) > 1:
        for report in reports:
            if report.place is not None and report.place_from != "article":
                add("place", report.place.name, report)
    return claims


def _instrument(report: Report) -> str | None:
    """The aircraft or weapon a report names next to its trigger ("a regime plane", "a Turkish drone")."""
    found = _INSTRUMENT.findall(report.sentence)
    return found[0].lower().rstrip("s") if found else None


def _lead(reports: Sequence[Report]) -> Report:
    """The report whose place the event takes: the finest place a sentence names; a place taken from the
    article's focus only when it lies inside the places the sentences name (Idlib within "Syria"); among equals,
    the place that lies inside another report's place (Al-Bara in Idlib), then the most confident report."""
    named = [r for r in reports if r.place is not None and r.place_from != "article"]

    def inside(report: Report, others: Sequence[Report]) -> int:
        place = report.place
        assert place is not None
        return sum(1 for o in others if o.place is not None and lies_in(place, o.place))

    pool = named + [r for r in reports if r.place is not None and r.place_from == "article"
                    and all(inside(r, [o]) or o.place.id == r.place.id for o in named  # type: ignore[union-attr]
                            if o.geo_precision in ("admin1", "country"))]
    if not pool:
        return min(reports, key=lambda r: (-r.confidence, r.id))
    return min(pool, key=lambda r: (PRECISION.index(r.geo_precision) if r.geo_precision else 99,
                                    -inside(r, pool), r.place_from == "article", -r.confidence, r.id))


def build_event(reports: Sequence[Report], reasons: Sequence[str], *, wire: dict[str, str] | None = None) -> Event:
    """One event from the reports :func:`geo.merge.merge_reports` grouped (ordered by id)."""
    lead = _lead(reports)
    kind = min(reports, key=lambda r: (_SPECIFIC.index(r.subtype) if r.subtype in _SPECIFIC else -1, -r.confidence,
                                       r.id))
    dated = [r for r in reports if r.date is not None]
    date = date_end = None
    precision, date_from = "unknown", "unknown"
    if dated:
        # a report dated by its article gives way to one that says the day (a headline over "on Sunday")
        says_the_day = any(r.date_from != "publication" for r in dated)
        start = max((earliest(r) if says_the_day else r.date) or r.date for r in dated if r.date)
        end = min((r.date_end or r.date) for r in dated if r.date)
        if start <= end:
            best = min(dated, key=lambda r: ((r.date_end or r.date) - r.date, r.date_from == "publication"))  # type: ignore[operator]
            date, date_end = start, end
            precision = "day" if start == end else ("week" if (end - start).days < 7 else best.date_precision)
            date_from = best.date_from
        else:
            date, date_end = min(r.date for r in dated if r.date), max((r.date_end or r.date) for r in dated if r.date)
            precision, date_from = "week" if (date_end - date).days < 7 else "month", dated[0].date_from
    figures = [r.fatalities for r in reports if r.fatalities is not None and not r.vague] \
        or [r.fatalities for r in reports if r.fatalities is not None]
    hurt = [r.injured for r in reports if r.injured is not None]
    groups = {(wire or {}).get(r.article, r.article) for r in reports}
    return Event(
        id=min(r.id for r in reports), reports=tuple(reports), lead=lead, kind=kind, date=date, date_end=date_end,
        date_precision=precision, date_from=date_from, fatalities=min(figures) if figures else None,
        injured=min(hurt) if hurt else None, claims=tuple(_claims(reports)),
        merged_because="; ".join(dict.fromkeys(reasons)) if reasons else None, independent_reports=len(groups))


class EventExtractor:
    """Articles → events: geoparse each article, extract its reports, merge reports across the batch.

    Parameters
    ----------
    geoparser
        The geoparser to use (default: one over the embedded gazetteer).
    jobs
        Worker processes for the per-article work (geoparsing and reports) of large batches; default: the
        number of CPUs. Workers open the same gazetteer index; a gazetteer built from in-memory sources or with
        an online geocoder is used in this process only.
    """

    #: Batches smaller than this are processed in this process (starting workers costs more).
    PARALLEL_MIN = 64

    def __init__(self, geoparser: Geoparser | None = None, *, jobs: int | None = None) -> None:
        if geoparser is None:
            from geo.geoparse import Geoparser

            geoparser = Geoparser()
        self.geoparser = geoparser
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)

    def reports(self, article: Article) -> list[Report]:
        """The reports of one article (no merging)."""
        return self.analyse(article)[1]

    def analyse(self, article: Article) -> tuple[list[dict[str, Any]], list[Report]]:
        """The place mentions (CONTRACTS.md mention objects) and the reports of one article (no merging).

        An article in a language the recognizer does not support has neither (a warning is logged).
        """
        from geo.errors import UnsupportedLanguageError

        try:
            mentions = self.geoparser.parse(article.text, article=article.id)
        except UnsupportedLanguageError as exc:
            log.warning("%s: %s; no events extracted", article.path, exc)
            return [], []
        reports = extract_reports(article, mentions, country_name=self._country_name)
        return [m.to_dict() for m in mentions], reports

    def _country_name(self, code: str) -> str | None:
        places = self.geoparser.gazetteer.country(code)
        return places[0].name if places else None

    def analyse_all(self, articles: Sequence[Article], *, desc: str = "events",
                    failed: list[tuple[Article, str]] | None = None
                    ) -> Iterator[tuple[Article, list[dict[str, Any]], list[Report]]]:
        """``(article, mentions, reports)`` for every article, in article order, as each is done.

        Large batches run in worker processes (results still come back in order); a progress bar shows on
        stderr when it is a terminal. With ``failed`` given, an article whose analysis raises is logged, added
        to it with the error and left out, and the batch goes on; otherwise the error propagates.
        """
        from gazetteer.progress import progress

        catch = failed is not None
        config = _worker_config(self.geoparser)
        if self.jobs > 1 and len(articles) >= self.PARALLEL_MIN and config is not None:
            import functools
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.geoparser.gazetteer.index  # noqa: B018 - build or open the index once, before workers start
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_start_worker,
                                     initargs=(config,)) as pool:
                results = pool.map(functools.partial(_worker_analyse, catch=catch), articles, chunksize=8)
                for article, result in zip(articles, progress(results, desc, total=len(articles), unit="article"),
                                           strict=True):
                    if isinstance(result, str):
                        _failed(article, result, failed)
                        continue
                    yield article, *result
            return
        for article in progress(articles, desc, total=len(articles), unit="article"):
            try:
                yield (article, *self.analyse(article))
            except Exception as exc:
                if not catch:
                    raise
                _failed(article, f"{type(exc).__name__}: {exc}", failed)

    def all_reports(self, articles: Sequence[Article]) -> list[Report]:
        """The reports of every article, in article order, in worker processes when the batch is large."""
        return [r for _, _, reports in self.analyse_all(articles) for r in reports]

    def extract(self, articles: Iterable[Article]) -> list[Event]:
        """Events of a batch of articles, merged across them, ordered by date then id.

        Publication dates missing from the batch are inferred first (:func:`geo.dates.infer_published`); a
        progress bar shows on stderr when it is a terminal.
        """
        from geo.dates import infer_published
        from geo.wire import wire_groups

        batch = infer_published(list(articles))
        wire = wire_groups(batch)
        reports = self.all_reports(batch)
        events = [build_event(members, reasons, wire=wire) for members, reasons in merge_reports(reports)]
        return sorted(events, key=lambda e: (e.date is None, e.date or 0, e.id))


def _worker_config(geoparser: Geoparser) -> dict[str, Any] | None:
    """What a worker process needs to rebuild ``geoparser``, or ``None`` when it cannot be rebuilt."""
    options = geoparser.gazetteer.reopen_options()
    if options is None:
        return None
    return {"gazetteer": options, "overrides": geoparser.overrides, "spacy_model": geoparser.spacy_model}


_WORKER: EventExtractor | None = None


def _start_worker(config: dict[str, Any]) -> None:
    global _WORKER
    from gazetteer import Gazetteer
    from geo.geoparse import Geoparser

    gazetteer = Gazetteer(**config["gazetteer"])
    _WORKER = EventExtractor(Geoparser(gazetteer, overrides=config["overrides"], spacy_model=config["spacy_model"]),
                             jobs=1)


def _worker_analyse(article: Article, *, catch: bool = False) -> tuple[list[dict[str, Any]], list[Report]] | str:
    """The analysis of one article in a worker; with ``catch``, an error comes back as its message."""
    assert _WORKER is not None
    if not catch:
        return _WORKER.analyse(article)
    try:
        return _WORKER.analyse(article)
    except Exception as exc:  # noqa: BLE001 - reported by name in the parent, the batch goes on
        return f"{type(exc).__name__}: {exc}"


def _failed(article: Article, message: str, failed: list[tuple[Article, str]] | None) -> None:
    log.error("%s: not processed: %s", article.path, message)
    if failed is not None:
        failed.append((article, message))


def events_to_geodataframe(events: Sequence[Event]) -> geopandas.GeoDataFrame:
    """The events as a GeoDataFrame in EPSG:4326: one row per event, nested fields as JSON text."""
    import geopandas
    from shapely.geometry import shape

    rows = []
    for event in events:
        record = event.to_dict()
        geometry = record.pop("geometry")
        for key in ("place", "sources", "claims", "assoc_actors", "claimed_by", "outlets"):
            record[key] = json.dumps(record[key], ensure_ascii=False)
        record["geometry"] = shape(geometry) if geometry else None
        rows.append(record)
    return geopandas.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
