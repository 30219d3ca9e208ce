"""Ingest into the event store: the seeds' real articles, stored once, merged incrementally, reprocessed, and
interrupted — always checked against the batch pipeline (`geo events`) and the store's own consistency."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pyogrio
import pytest

from geo.articles import Article, read_articles
from geo.cli import main
from geo.events import EventExtractor
from geo.store import GpkgStore, StoreError, records_from_frame
from geo.store.ingest import Ingester, pipeline_version

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    return sorted(read_articles([ROOT / "seeds"]), key=lambda a: a.path)


@pytest.fixture(scope="module")
def extractor(geoparser) -> EventExtractor:  # type: ignore[no-untyped-def]
    return EventExtractor(geoparser, jobs=1)


@pytest.fixture(scope="module")
def batch(extractor: EventExtractor, seeds: list[Article]) -> dict[str, dict]:
    """The events `geo events seeds/` gives, by id."""
    return {e.id: e.to_dict() for e in extractor.extract(seeds)}


def _stored(path: Path) -> dict[str, dict]:
    return {r["id"]: r for r in records_from_frame(GpkgStore(path).read_events())}


def _members(records: dict[str, dict]) -> dict[str, list[str]]:
    return {k: sorted(s["report"] for s in r["sources"]) for k, r in records.items()}


def _consistent(path: Path) -> None:
    """Every report points at a stored event that lists it; every event's reports are stored; the R-tree and
    GDAL's feature count match the layer."""
    with sqlite3.connect(path) as conn:
        reports = dict(conn.execute("SELECT report_id, event_id FROM reports").fetchall())
        events = {i: json.loads(s) for i, s in conn.execute("SELECT id, sources FROM events")}
        n_events = len(events)
        assert conn.execute("SELECT count(*) FROM rtree_events_geom").fetchone()[0] == n_events
        assert conn.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name='events'").fetchone()[0] \
            == n_events
        hashes = {h for (h,) in conn.execute("SELECT content_hash FROM articles")}
        assert {h for (h,) in conn.execute("SELECT DISTINCT content_hash FROM reports")} <= hashes
        assert {h for (h,) in conn.execute("SELECT DISTINCT content_hash FROM mentions")} <= hashes
    listed = {s["report"]: event_id for event_id, sources in events.items() for s in sources}
    assert listed == reports


def test_ingest_gives_the_batch_events_and_a_readable_store(tmp_path: Path, extractor: EventExtractor,
                                                            seeds: list[Article], batch: dict[str, dict]) -> None:
    db = tmp_path / "events.gpkg"
    result = Ingester(GpkgStore(db), extractor).ingest(seeds)
    assert (result.added, result.unchanged, result.events) == (len(seeds), 0, len(batch))
    stored = _stored(db)
    assert stored == {k: {**v, "geometry": stored[k]["geometry"]} for k, v in batch.items()}
    for key, record in batch.items():
        assert stored[key]["geometry"]["type"] == record["geometry"]["type"]
    _consistent(db)
    layers = {name for name, _ in pyogrio.list_layers(db)}
    assert layers == {"events", "articles", "reports", "mentions"}
    articles = pyogrio.read_dataframe(db, layer="articles", read_geometry=False)
    assert sorted(articles["content_hash"]) == sorted(a.content_hash for a in seeds)
    assert set(articles["pipeline_version"]) == {pipeline_version(extractor)}
    mentions = pyogrio.read_dataframe(db, layer="mentions", read_geometry=False)
    text = {a.content_hash: a.text for a in seeds}
    assert len(mentions) > 50
    for row in mentions.itertuples():
        assert text[row.content_hash][row.start:row.end] == row.text


def test_the_same_articles_twice_add_nothing(tmp_path: Path, extractor: EventExtractor,
                                             seeds: list[Article]) -> None:
    db = tmp_path / "events.gpkg"
    Ingester(GpkgStore(db), extractor).ingest(seeds)
    before = _stored(db)
    moved = [replace(a, path="/elsewhere/" + Path(a.path).name) for a in seeds]  # identity is the text
    result = Ingester(GpkgStore(db), extractor).ingest([*moved, *seeds])
    assert (result.added, result.unchanged, result.reports, result.events_written) == (0, 2 * len(seeds), 0, 0)
    assert _stored(db) == before


def test_incremental_ingest_merges_into_stored_events(tmp_path: Path, extractor: EventExtractor,
                                                      seeds: list[Article], batch: dict[str, dict]) -> None:
    db = tmp_path / "events.gpkg"
    first = [a for i, a in enumerate(seeds) if i % 2 == 0]
    Ingester(GpkgStore(db), extractor).ingest(first)
    partial = _stored(db)
    result = Ingester(GpkgStore(db), extractor).ingest(seeds)
    assert result.added == len(seeds) - len(first)
    stored = _stored(db)
    assert _members(stored) == _members(batch)
    old, new = {a.id for a in first}, {a.id for a in seeds} - {a.id for a in first}
    grown = [k for k in partial if k in stored and {s["article"] for s in stored[k]["sources"]} & new]
    assert grown and all({s["article"] for s in stored[k]["sources"]} & old for k in grown)  # merged across
    # an event keeps its id when it keeps its earliest report
    kept = [k for k, members in _members(partial).items() if k in stored]
    assert kept and all(min(_members(stored)[k]) == k for k in kept)
    multi = [r for r in stored.values() if len({s["article"] for s in r["sources"]}) > 1]
    assert multi and all(r["merged_because"] for r in multi)
    _consistent(db)


def test_one_article_at_a_time_then_reprocess_equals_the_batch(tmp_path: Path, extractor: EventExtractor,
                                                               seeds: list[Article],
                                                               batch: dict[str, dict]) -> None:
    db = tmp_path / "events.gpkg"
    for article in seeds:  # undated articles alone cannot borrow the batch's dates...
        Ingester(GpkgStore(db), extractor).ingest([article])
    _consistent(db)
    result = Ingester(GpkgStore(db), extractor).reprocess()  # ...reprocessing infers them with the whole store
    assert result.reprocessed == len(seeds) and result.added == 0
    stored = _stored(db)
    assert stored.keys() == batch.keys()
    for key, record in batch.items():
        assert {k: v for k, v in stored[key].items() if k != "geometry"} == \
            {k: v for k, v in record.items() if k != "geometry"}
    _consistent(db)


def test_reprocess_outdated_only_and_pipeline_version(tmp_path: Path, extractor: EventExtractor,
                                                      seeds: list[Article]) -> None:
    db = tmp_path / "events.gpkg"
    Ingester(GpkgStore(db), extractor).ingest(seeds)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET pipeline_version = 'geo-events 0.0.1; rules 0' WHERE fid = 2")
    result = Ingester(GpkgStore(db), extractor).reprocess(outdated_only=True)
    assert result.reprocessed == 1
    with sqlite3.connect(db) as conn:
        assert {v for (v,) in conn.execute("SELECT pipeline_version FROM articles")} == {pipeline_version(extractor)}
    _consistent(db)


def test_same_file_name_other_text_is_kept_apart(tmp_path: Path, extractor: EventExtractor,
                                                 seeds: list[Article]) -> None:
    db = tmp_path / "events.gpkg"
    Ingester(GpkgStore(db), extractor).ingest(seeds[:1])
    text = seeds[0].text.replace("Idlib", "Aleppo")
    twin = Article(id=seeds[0].id, path="/other/" + Path(seeds[0].path).name, text=text,
                   content_hash="f" * 64, published=seeds[0].published, published_from="metadata")
    result = Ingester(GpkgStore(db), extractor).ingest([twin])
    assert result.added == 1
    with sqlite3.connect(db) as conn:
        ids = sorted(i for (i,) in conn.execute("SELECT article_id FROM articles"))
    assert ids == sorted([seeds[0].id, f"{seeds[0].id}~ffffffff"])
    _consistent(db)


def test_an_interrupted_batch_keeps_what_was_committed(tmp_path: Path, extractor: EventExtractor,
                                                       seeds: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "events.gpkg"
    import geo.events

    real = geo.events.build_event
    calls = {"articles": 0}
    real_commit = Ingester._commit

    def commit(self, article, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["articles"] += 1
        return real_commit(self, article, *args, **kwargs)

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        if calls["articles"] == 3:  # dies inside the third article's transaction, after its rows went in
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(Ingester, "_commit", commit)
    monkeypatch.setattr(geo.events, "build_event", crash)
    with pytest.raises(KeyboardInterrupt):
        Ingester(GpkgStore(db), extractor).ingest(seeds)
    with sqlite3.connect(db) as conn:
        stored = {h for (h,) in conn.execute("SELECT content_hash FROM articles")}
    assert stored == {a.content_hash for a in seeds[:2]}
    _consistent(db)
    monkeypatch.setattr(geo.events, "build_event", real)
    result = Ingester(GpkgStore(db), extractor).ingest(seeds)  # the rerun finishes the job
    assert (result.added, result.unchanged) == (len(seeds) - 2, 2)
    _consistent(db)


def test_an_article_that_fails_is_reported_and_the_batch_goes_on(tmp_path: Path, extractor: EventExtractor,
                                                                 seeds: list[Article],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "events.gpkg"
    real = EventExtractor.analyse

    def analyse(self, article):  # type: ignore[no-untyped-def]
        if article.id == seeds[1].id:
            raise ValueError("bad article")
        return real(self, article)

    monkeypatch.setattr(EventExtractor, "analyse", analyse)
    result = Ingester(GpkgStore(db), extractor).ingest(seeds)
    assert result.added == len(seeds) - 1
    assert result.failed == ((seeds[1].path, "ValueError: bad article"),)
    monkeypatch.setattr(EventExtractor, "analyse", real)
    assert Ingester(GpkgStore(db), extractor).ingest(seeds).added == 1  # retried next time


def test_article_text_never_reaches_sql(tmp_path: Path, extractor: EventExtractor) -> None:
    db = tmp_path / "events.gpkg"
    text = ("Robert'); DROP TABLE events;-- said Turkish drones struck a Syrian army convoy near Saraqib on "
            "Thursday, killing 9 soldiers.\n")
    article = Article(id="x'; DELETE FROM articles;--", path="x.txt", text=text, content_hash="e" * 64,
                      published=None, published_from="unknown")
    Ingester(GpkgStore(db), extractor).ingest([article])
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT text, article_id FROM articles").fetchone() == (text, article.id)
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] >= 1
    _consistent(db)


# -- CLI and processes ---------------------------------------------------------------------------------------------

def _env(full_gazetteer) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {**os.environ, "GEO_CACHE_DIR": str(full_gazetteer.cache_dir), "PYTHONPATH": str(ROOT)}


def test_two_processes_ingesting_one_file_take_turns(tmp_path: Path, full_gazetteer,  # type: ignore[no-untyped-def]
                                                     batch: dict[str, dict]) -> None:
    db = tmp_path / "events.gpkg"
    command = [sys.executable, "-m", "geo", "ingest", str(ROOT / "seeds"), "--db", str(db), "--format", "json",
               "--jobs", "1"]
    procs = [subprocess.Popen(command, env=_env(full_gazetteer), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    results = [json.loads(out) for out, _ in outs]
    assert sum(r["added"] for r in results) == 5 and sum(r["unchanged"] for r in results) == 5
    assert _members(_stored(db)) == _members(batch)
    _consistent(db)


def test_cli_ingest(tmp_path: Path, full_gazetteer, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "events.gpkg"
    cache = ["--cache-dir", str(full_gazetteer.cache_dir)]
    assert main(["ingest", str(ROOT / "seeds"), "--db", str(db), "--format", "json", "--jobs", "1", *cache]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["added"] == 5 and summary["events"] == GpkgStore(db).count() > 0
    assert main(["ingest", "--db", str(db), *cache]) == 2  # nothing to do: bad usage
    assert main(["ingest", str(ROOT / "seeds"), "--db", str(db), "--outdated", *cache]) == 2
    assert main(["ingest", "--reprocess", "--outdated", "--db", str(db), "--format", "json", *cache]) == 0
    assert json.loads(capsys.readouterr().out)["reprocessed"] == 0
    assert main(["ingest", str(ROOT / "seeds"), "--db", str(tmp_path / "missing" / "e.gpkg"), *cache]) == 1
    assert "cannot create the event store" in capsys.readouterr().err


def test_cli_ingest_refuses_bad_stores_and_keeps_them(tmp_path: Path, full_gazetteer,  # type: ignore[no-untyped-def]
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    cache = ["--cache-dir", str(full_gazetteer.cache_dir)]
    corrupt = tmp_path / "corrupt.gpkg"
    corrupt.write_bytes(b"not a geopackage at all" * 100)
    assert main(["ingest", str(ROOT / "seeds"), "--db", str(corrupt), *cache]) == 1
    assert "corrupt" in capsys.readouterr().err and corrupt.read_bytes() == b"not a geopackage at all" * 100
    newer = tmp_path / "newer.gpkg"
    assert main(["ingest", str(ROOT / "seeds" / "002_7cbcce0f6b81ee55.txt"), "--db", str(newer), *cache]) == 0
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE meta SET value = 99 WHERE key = 'schema_version'")
    before = newer.read_bytes()
    capsys.readouterr()
    assert main(["ingest", str(ROOT / "seeds"), "--db", str(newer), *cache]) == 1
    assert "newer" in capsys.readouterr().err and newer.read_bytes() == before


def test_store_open_errors_are_store_errors(tmp_path: Path) -> None:
    path = tmp_path / "plain.gpkg"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="not an event store"):
        GpkgStore(path)


def test_reprocessing_an_article_that_now_reports_less_leaves_no_stale_sources(
        tmp_path: Path, extractor: EventExtractor, seeds: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "events.gpkg"
    Ingester(GpkgStore(db), extractor).ingest(seeds)
    shared = [r for r in _stored(db).values() if len({s["article"] for s in r["sources"]}) > 1]
    assert shared
    target = shared[0]["sources"][0]["article"]
    real = EventExtractor.analyse

    def fewer(self, article):  # type: ignore[no-untyped-def]
        mentions, reports = real(self, article)
        return mentions, (reports[:1] if article.id == target else reports)

    monkeypatch.setattr(EventExtractor, "analyse", fewer)
    result = Ingester(GpkgStore(db), extractor).ingest([a for a in seeds if a.id == target], reprocess=True)
    assert result.reprocessed == 1
    _consistent(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM reports WHERE article_id = ?", (target,)).fetchone()[0] <= 1
