"""PostGIS-specific behaviour of :class:`~geo.store.postgis.PgStore`: migrations, concurrent writers, secrets kept
out of messages, indexes the planner uses, hostile strings stored verbatim. (What both back ends share is in
test_store_contract.py.) One throw-away server per session (tests/pg_server.py); without server binaries these
tests are skipped with the reason, except under CI where they fail."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

import pytest
from pandas.testing import assert_frame_equal

from geo.store import GpkgStore, StoreError, WriteResult, query
from geo.store.postgis import MIGRATIONS, SCHEMA_VERSION, PgStore, redact

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pg_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
_NUMBERS = iter(range(10**6))


@pytest.fixture(scope="session")
def server() -> pg_server.PgServer:
    return pg_server.for_tests()


@pytest.fixture()
def url(server: pg_server.PgServer) -> str:
    """A new empty database."""
    return server.create_database(f"pg_{os.getpid()}_{next(_NUMBERS)}")


def _points(n: int, prefix: str = "p", *, lon: float = 36.0, lat: float = 35.0) -> list[dict[str, Any]]:
    return [{"id": f"{prefix}{i:05d}", "date": f"2020-{1 + i % 12:02d}-01", "summary": f"Event {i}.",
             "geometry": {"type": "Point", "coordinates": [lon + (i % 100) / 50, lat + (i // 100) / 50]}}
            for i in range(n)]


def _sql(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url) as conn:
        cursor = conn.execute(sql, params)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


# -- migrations ----------------------------------------------------------------------------------------------------

def test_migrations_fresh_rerun_and_newer_refused(url: str) -> None:
    store = PgStore(url)
    with pytest.raises(StoreError, match=r"no event store at postgresql://postgres:\*\*\*@.*write events"):
        store.count()
    assert store.migrate() == SCHEMA_VERSION == len(MIGRATIONS)
    tables = {name for (name,) in _sql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"events", "geo_meta", "articles", "reports", "mentions"} <= tables
    assert _sql(url, "SELECT value FROM geo_meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert PgStore(url).migrate() == SCHEMA_VERSION  # idempotent
    assert PgStore(url).write_events(_points(3)) == WriteResult(3, 0, 0)
    assert _sql(url, "SELECT count(*) FROM geo_meta") == [(1,)]
    _sql(url, "UPDATE geo_meta SET value = %s WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    for action in (lambda s: s.count(), lambda s: s.write_events([]), lambda s: s.query()):
        with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}.*upgrade geo-events"):
            action(PgStore(url))


def test_an_older_schema_is_upgraded_in_place(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.store import postgis

    PgStore(url).write_events(_points(2))
    step = ("CREATE TABLE geo_test_step (x int)",)
    monkeypatch.setattr(postgis, "MIGRATIONS", (*postgis.MIGRATIONS, step))
    monkeypatch.setattr(postgis, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    assert PgStore(url).count() == 2  # reading an older schema is allowed
    assert PgStore(url).write_events(_points(3)).inserted == 1
    assert _sql(url, "SELECT value FROM geo_meta") == [(str(SCHEMA_VERSION + 1),)]
    assert _sql(url, "SELECT to_regclass('geo_test_step') IS NOT NULL") == [(True,)]


def test_a_version_2_store_loses_its_geography_index_and_answers_radius_queries_alike(
        url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.store import postgis

    monkeypatch.setattr(postgis, "MIGRATIONS", postgis.MIGRATIONS[:2])
    monkeypatch.setattr(postgis, "SCHEMA_VERSION", 2)
    PgStore(url).write_events(_points(500))
    _sql(url, "ANALYZE events")
    before = PgStore(url).query(near=(35.04, 36.5), radius_km=5)["id"].tolist()
    assert _sql(url, "SELECT to_regclass('events_geog') IS NOT NULL") == [(True,)] and before
    monkeypatch.undo()
    assert PgStore(url).migrate() == SCHEMA_VERSION
    assert _sql(url, "SELECT to_regclass('events_geog') IS NULL") == [(True,)]
    assert PgStore(url).query(near=(35.04, 36.5), radius_km=5)["id"].tolist() == before


def _ring(lat: float, lon: float, radius_km: float, prefix: str) -> list[dict[str, Any]]:
    """Points at 96 bearings, each 0.05 % to 1.5 % of ``radius_km`` inside or outside the geodesic circle around
    (lat, lon), and four lines reaching from far outside to some of them: the band where the haversine formula and
    the spheroid disagree."""
    import numpy as np
    import pyproj

    rng = np.random.default_rng(int(abs(lat * 1000 + lon)))
    bearings = np.arange(96) * 3.75
    scale = 1 + rng.choice([-1, 1], 96) * rng.uniform(0.0005, 0.015, 96)
    geod = pyproj.Geod(ellps="WGS84")
    xs, ys, _ = geod.fwd(np.full(96, lon), np.full(96, lat), bearings, radius_km * 1000 * scale)
    records = [{"id": f"{prefix}{i:03d}", "date": "2020-03-01",
                "geometry": {"type": "Point", "coordinates": [float(x), float(y)]}}
               for i, (x, y) in enumerate(zip(xs, ys, strict=True))]
    for i in range(0, 96, 24):  # lines from well outside to the point on that bearing (inside or outside)
        x0, y0, _ = geod.fwd(lon, lat, bearings[i], radius_km * 2000)
        records.append({"id": f"{prefix}line{i:03d}", "date": "2020-03-01",
                        "geometry": {"type": "LineString", "coordinates": [[x0, y0], [float(xs[i]), float(ys[i])]]}})
    return records


def test_radius_queries_decide_points_by_the_haversine_band_exactly_as_on_the_spheroid(url: str) -> None:
    """Schema 4 keeps the point coordinates in columns (px, py): a radius query decides points well inside or
    outside the circle with the haversine formula, and measures those within 1 % of the radius on the spheroid.
    The answers are those of the GeoPackage store (pyproj on WGS84) for points 0.05–1.5 % from the edge, at the
    equator, mid and high latitudes and across the antimeridian, and those of a version 3 store."""
    from geo.store import postgis
    from geo.store.postgis_query import where_clause

    centres = [(0.0, 30.0, 50.0), (35.86, 36.8, 25.0), (-62.0, -60.0, 300.0), (70.0, 20.0, 5.0),
               (10.0, 179.9, 80.0)]
    records = [r for n, (lat, lon, km) in enumerate(centres) for r in _ring(lat, lon, km, f"c{n}-")]
    store = PgStore(url)
    store.write_events(records)
    assert store.point_columns
    where, _ = where_clause(near=(0.0, 30.0), radius_km=50, point_columns=True)
    assert "px" in where and "px" not in where_clause(near=(0.0, 30.0), radius_km=50)[0]
    gpkg = GpkgStore(Path(tempfile.mkdtemp()) / "events.gpkg")
    gpkg.write_events(records)
    answers = {}
    for lat, lon, km in centres:
        want = query(gpkg, near=(lat, lon), radius_km=km)["id"].tolist()
        assert 40 < len(want) < 70, (lat, lon, len(want))  # about half the points of that ring, and its lines
        assert query(store, near=(lat, lon), radius_km=km)["id"].tolist() == want
        answers[(lat, lon, km)] = want
    with pytest.MonkeyPatch.context() as patch:  # the same store read as version 3: ST_DWithin for every row
        patch.setattr(postgis, "POINT_COLUMNS_VERSION", SCHEMA_VERSION + 1)
        old = PgStore(url)
        for (lat, lon, km), want in answers.items():
            assert query(old, near=(lat, lon), radius_km=km)["id"].tolist() == want
        assert not old.point_columns


def test_a_version_3_store_gains_the_point_columns(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.store import postgis

    monkeypatch.setattr(postgis, "MIGRATIONS", postgis.MIGRATIONS[:3])
    monkeypatch.setattr(postgis, "SCHEMA_VERSION", 3)
    records = [*_points(300), *_ring(35.0, 36.5, 20.0, "r")]
    PgStore(url).write_events(records)
    before = PgStore(url).query(near=(35.0, 36.5), radius_km=20)
    assert not PgStore(url).point_columns and len(before) > 40
    monkeypatch.undo()
    store = PgStore(url)
    assert store.query(near=(35.0, 36.5), radius_km=20)["id"].tolist() == before["id"].tolist()  # read as it is
    assert not store.point_columns
    stored = store.read_events()
    assert PgStore(url).migrate() == SCHEMA_VERSION
    assert _sql(url, "SELECT count(*), count(px), min(px), max(py) FROM events WHERE left(id, 1) = 'p'") == [
        (300, 300, 36.0, 35.0 + 2 / 50)]  # the points; the lines have none
    assert _sql(url, "SELECT count(*) FROM events WHERE px IS NULL") == [(4,)]
    after = PgStore(url)
    assert_frame_equal(after.query(near=(35.0, 36.5), radius_km=20), before)
    assert after.point_columns
    assert_frame_equal(after.read_events(), stored)


def test_an_error_while_rows_are_copied_out_is_a_store_error_and_the_store_still_answers(
        url: str, caplog: pytest.LogCaptureFixture) -> None:
    """Rows are read from libpq directly (postgis_rows._copy_out_rows): an error the server raises after the COPY
    has started reaches the caller, psycopg finds the connection idle (nothing to clean up, no warning), and the
    store answers after it."""
    from geo.store.postgis_rows import read_frame

    store = PgStore(url)
    store.write_events(_points(300))
    with caplog.at_level(logging.WARNING), pytest.raises(StoreError, match="division by zero"), \
            store.connect() as conn:
        read_frame(conn, "WHERE 1 / (299 - (SELECT count(*) FROM events e WHERE e.fid <= events.fid)) >= 0", [],
                   order=None)  # fails on the 299th row, after rows were sent
    assert not [r for r in caplog.records if r.name.startswith("psycopg")]
    assert len(store.query()) == 300
    with store.connect() as conn:
        assert len(read_frame(conn, "WHERE id > %s", ["p00100"], order=None)) == 199


def test_a_database_with_another_events_table_is_not_taken_over(url: str) -> None:
    _sql(url, "CREATE TABLE events (x int)")
    with pytest.raises(StoreError, match="already exists"):
        PgStore(url).write_events(_points(1))
    assert _sql(url, "SELECT to_regclass('geo_meta')") == [(None,)]  # the failed migration left nothing


# -- concurrency ---------------------------------------------------------------------------------------------------

_WRITER = """
import json, sys
sys.path.insert(0, {root!r})
from geo.store.postgis import PgStore
records = json.load(open(sys.argv[2]))
result = PgStore(sys.argv[1]).write_events(records, replace=sys.argv[3] == "replace")
print(json.dumps([result.inserted, result.replaced, result.skipped]))
"""


def test_two_processes_migrate_and_write_at_once(url: str, tmp_path: Path) -> None:
    shared = _points(3000, "shared")
    files = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps([*shared, *_points(2000, name)]))
        files.append(path)
    script = _WRITER.format(root=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", script, url, str(f), "keep"], stdout=subprocess.PIPE, text=True)
             for f in files]
    results = [json.loads(p.communicate(timeout=300)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sorted(r[0] for r in results) == [2000, 5000]  # one of them stored the shared ids, the other skipped
    assert sum(r[2] for r in results) == 3000
    assert PgStore(url).count() == 7000
    assert _sql(url, "SELECT count(*) FROM geo_meta") == [(1,)]


# -- secrets -------------------------------------------------------------------------------------------------------

def test_passwords_never_appear_in_errors_or_logs(server: pg_server.PgServer, url: str,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    secret = "Sw0rdf1sh-" + server.password
    good = url.replace(server.password, secret)
    _sql(url, f"ALTER USER postgres PASSWORD '{secret}'")
    try:
        cases = [
            url.replace(server.password, secret + "x"),  # wrong password
            good.rsplit("/", 1)[0] + "/no_such_database",
            good.replace(f":{server.port}/", ":1/"),  # nothing listens
            good.replace(secret, secret + "%zz"),  # a malformed percent-escape: libpq echoes the token
            good.replace(f":{server.port}/", ":port/"),  # not a number
            f"postgresql://127.0.0.1:{server.port}/db?user=postgres&password={secret}x",
        ]
        with caplog.at_level(logging.DEBUG):
            for bad in cases:
                with pytest.raises(StoreError) as info:
                    PgStore(bad).count()
                shown = "".join(traceback.format_exception(info.value)) + repr(PgStore(bad)) + str(info.value)
                assert secret not in shown and "Sw0rdf1sh" not in shown, shown
                assert "***" in str(info.value) or "password" not in str(info.value)
            PgStore(good).write_events(_points(2))
            with pytest.raises(StoreError) as info:
                PgStore(good).write_events([{"id": "x", "fatalities": "many"}])
            assert secret not in str(info.value)
        assert secret not in caplog.text and "Sw0rdf1sh" not in caplog.text
    finally:
        _sql(good, f"ALTER USER postgres PASSWORD '{server.password}'")


def test_redact() -> None:
    assert redact("postgresql://u:p%40ss@h:5/db") == "postgresql://u:***@h:5/db"
    assert redact("postgres://u:pw@h/db?password=pw2&sslmode=require") == "postgres://u:***@h/db?password=***&sslmode=require"
    assert redact("postgresql://h/db") == "postgresql://h/db"
    assert redact("postgresql://u:p%40ss@h/db", "bad token p@ss and p%40ss") == "bad token *** and ***"


# -- indexes and SQL safety ----------------------------------------------------------------------------------------

def test_gist_indexes_answer_region_and_radius_queries(url: str) -> None:
    from shapely.geometry import box

    from geo.store.postgis_query import where_clause

    store = PgStore(url)
    store.write_events(_points(20_000))
    _sql(url, "ANALYZE events")
    for filters, index in [({"bbox": (36.1, 35.1, 36.3, 35.3)}, "events_geom"),
                           ({"polygon": box(36.1, 35.1, 36.3, 35.3)}, "events_geom"),
                           ({"near": (35.2, 36.2), "radius_km": 5}, "events_geom"),
                           ({"since": "2020-03-01", "until": "2020-03-01"}, "events_date")]:
        where, params = where_clause(**filters)
        plan = "\n".join(row[0] for row in _sql(url, f"EXPLAIN SELECT id FROM events {where}", tuple(params)))
        assert index in plan, plan
    assert len(store.query(near=(35.2, 36.2), radius_km=5)) > 0


def test_region_and_dates_are_answered_from_one_index(url: str) -> None:
    """With btree_gist (PostgreSQL's contrib, installed with the server on Debian), the GiST index holds the dates
    too: a polygon + date query finds its rows in the index, and answers as the GeoPackage does."""
    from shapely.geometry import box

    from geo.store.postgis_query import where_clause

    if not _sql(url, "SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gist'"):
        assert not os.environ.get("CI"), "btree_gist must be available in CI"
        pytest.skip("this PostgreSQL has no btree_gist extension")
    store = PgStore(url)
    records = _points(20_000)
    store.write_events(records)
    _sql(url, "ANALYZE events")
    indexes = {name for (name,) in _sql(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'events'")}
    assert "events_geom_date" in indexes and "events_geom" not in indexes
    filters = {"polygon": box(36.1, 35.1, 36.3, 35.3), "since": "2020-03-01", "until": "2020-03-10"}
    where, params = where_clause(**filters)
    plan = "\n".join(row[0] for row in _sql(url, f"EXPLAIN SELECT id FROM events {where}", tuple(params)))
    assert "events_geom_date" in plan and "events_date" not in plan, plan
    gpkg = GpkgStore(Path(tempfile.mkdtemp()) / "events.gpkg")
    gpkg.write_events(records)
    want = query(gpkg, **filters)
    assert len(want) > 0
    assert query(store, **filters)["id"].tolist() == want["id"].tolist()


HOSTILE = ["x' OR '1'='1", "'; DROP TABLE events; --", "100%", "a_b", "back\\slash", "%s", "$1", "\"quoted\"",
           "E'\\x41'", "multi\nline", "tab\tand,comma", "é ü 中文 🙂", ""]


def test_hostile_strings_are_stored_verbatim_and_never_reach_sql(url: str) -> None:
    store = PgStore(url)
    records = [{"id": f"h{i}{s}", "summary": s, "actor1": s, "outlets": [s], "claimed_by": [s],
                "place": {"id": s, "name": s}, "sources": [{"article": s}], "custom": s,
                "geometry": {"type": "Point", "coordinates": [1.0, 2.0]}} for i, s in enumerate(HOSTILE)]
    assert store.write_events(records) == WriteResult(len(HOSTILE), 0, 0)
    frame = store.read_events().set_index("id")
    for record in records:
        row = frame.loc[record["id"]]
        assert row["summary"] == record["summary"] and row["actor1"] == record["actor1"]
        assert row["place_name"] == record["summary"] and json.loads(row["outlets"]) == [record["summary"]]
        assert json.loads(row["extra"]) == {"custom": record["summary"]}
    for value in HOSTILE[:-1]:
        want = {r["id"] for r in records if r["summary"] == value}
        assert set(store.query(outlet=value)["id"]) == want
        assert set(store.query(article=value, claimed_by=value)["id"]) == want
        assert want <= set(store.query(text=value)["id"])
        assert len(store.query(type=value)) == 0
    assert store.count() == len(HOSTILE)
    assert {name for (name,) in _sql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")} >= {
        "events", "geo_meta"}


def test_values_postgres_cannot_hold_are_refused_and_nothing_is_written(url: str) -> None:
    store = PgStore(url)
    store.write_events(_points(2))
    with pytest.raises(StoreError, match="NUL character"):
        store.write_events([*_points(3, "n"), {"id": "nul", "summary": "a\x00b"}])
    with pytest.raises(StoreError, match="fatalities"):
        store.write_events([{"id": "f", "fatalities": "many"}])
    with pytest.raises(TypeError):
        store.write_events([{"id": "t", "sources": [{"article": object()}]}])
    assert store.count() == 2
    store.write_events([{"id": "int-type", "type": 5, "geometry": None}])  # stored as text, as SQLite does
    assert store.read_events().set_index("id").loc["int-type", "type"] == "5"


def test_three_d_and_empty_geometries(url: str) -> None:
    store = PgStore(url)
    store.write_events([
        {"id": "z-point", "geometry": {"type": "Point", "coordinates": [1.0, 2.0, 30.0]}},
        {"id": "z-line", "geometry": {"type": "LineString", "coordinates": [[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]]}},
        {"id": "empty", "geometry": {"type": "LineString", "coordinates": []}},
    ])
    frame = store.read_events().set_index("id")
    assert frame.loc["z-point", "geometry"].wkt == "POINT (1 2)"
    assert frame.loc["z-line", "geometry"].wkt == "LINESTRING (1 2, 2 3)"
    assert frame.loc["empty", "geometry"] is None


def test_read_events_bbox_and_columns(url: str) -> None:
    store = PgStore(url)
    store.write_events(_points(300))
    inside = store.read_events(bbox=(36.0, 35.0, 36.5, 35.5), columns=["id", "summary"])
    assert list(inside.columns) == ["id", "summary", "geometry"] and 0 < len(inside) < 300
    assert all(36.0 <= p.x <= 36.5 and 35.0 <= p.y <= 35.5 for p in inside.geometry)


# -- ingest --------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seeds() -> list:
    from geo.articles import read_articles

    return sorted(read_articles([ROOT / "seeds"]), key=lambda a: a.path)


@pytest.fixture(scope="module")
def extractor(geoparser):  # type: ignore[no-untyped-def]
    from geo.events import EventExtractor

    return EventExtractor(geoparser, jobs=1)


def _events(store: Any) -> dict[str, dict]:
    from geo.store import records_from_frame

    return {r["id"]: r for r in records_from_frame(store.read_events())}


def test_ingest_matches_the_geopackage_incrementally_and_on_reprocess(url: str, seeds: list, extractor: Any,
                                                                      tmp_path: Path) -> None:
    from geo.store import GpkgStore
    from geo.store.ingest import Ingester

    pg, gpkg = PgStore(url), GpkgStore(tmp_path / "e.gpkg")
    half = len(seeds) // 2
    for store in (pg, gpkg):
        first = Ingester(store, extractor).ingest(seeds[:half])
        assert first.added == half and first.events == store.count()
        second = Ingester(store, extractor).ingest(seeds)  # the first half again: unchanged
        assert (second.added, second.unchanged) == (len(seeds) - half, half)
    assert _events(pg) == _events(gpkg)
    backend = pg.ingest_backend()
    assert len(backend.stored_ids()) == len(seeds)
    assert backend.mentions([seeds[0].id]) == gpkg_mentions(gpkg, [seeds[0].id])
    again = Ingester(pg, extractor).reprocess()
    assert again == Ingester(gpkg, extractor).reprocess() and again.reprocessed == len(seeds)
    assert _events(pg) == _events(gpkg)
    rows = _sql(url, "SELECT count(*) FROM reports WHERE event_id IS NULL OR event_id NOT IN (SELECT id FROM events)")
    assert rows == [(0,)]


def gpkg_mentions(store: Any, ids: list[str]) -> list[dict]:
    from geo.store.gpkg_ingest import GpkgIngestBackend

    return GpkgIngestBackend(store).mentions(ids)


def test_two_ingesters_at_once_take_turns_per_article(server: pg_server.PgServer, seeds: list, extractor: Any,
                                                      tmp_path: Path) -> None:
    import threading

    from geo.store.ingest import Ingester

    together, alone = (server.create_database(f"ingest_{os.getpid()}_{next(_NUMBERS)}") for _ in range(2))
    Ingester(PgStore(alone), extractor).ingest(seeds)
    PgStore(together).migrate()
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(articles: list) -> None:
        try:
            results.append(Ingester(PgStore(together), extractor).ingest(articles))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(part,)) for part in (seeds[::2] + seeds[1::4], seeds[1::2])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not errors and sum(r.added for r in results) == len(seeds)
    events = _events(PgStore(together))  # the grouping may depend on the order; the store stays consistent
    reports = dict(_sql(together, "SELECT report_id, event_id FROM reports"))
    assert reports.keys() == dict(_sql(alone, "SELECT report_id, event_id FROM reports")).keys()
    assert {s["report"]: event for event, r in events.items() for s in r["sources"]} == reports
    assert _sql(together, "SELECT count(*), count(DISTINCT content_hash) FROM articles") == [(len(seeds),) * 2]


def test_cli_ingest_query_export_and_map_on_postgis(url: str, seeds: list, full_gazetteer: Any, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from urllib.parse import urlsplit

    from geo.cli import main

    _json = json

    cache = ["--cache-dir", str(full_gazetteer.cache_dir)]
    assert main(["ingest", str(ROOT / "seeds"), "--db", url, "--format", "json", "--jobs", "1", *cache]) == 0
    summary = _json.loads(capsys.readouterr().out)
    assert summary["added"] == len(seeds) and summary["events"] > 0
    password = urlsplit(url).password
    assert password and password not in summary["db"] and "***" in summary["db"]
    assert main(["query", "--db", url, "--format", "json", "--near", "35.864,36.8", "--radius", "25km", *cache]) == 0
    near = _json.loads(capsys.readouterr().out)
    gpkg = tmp_path / "events.gpkg"
    assert main(["ingest", str(ROOT / "seeds"), "--db", str(gpkg), "--jobs", "1", *cache]) == 0
    capsys.readouterr()
    assert main(["query", "--db", str(gpkg), "--format", "json", "--near", "35.864,36.8", "--radius", "25km",
                 *cache]) == 0
    assert [r["id"] for r in near] == [r["id"] for r in _json.loads(capsys.readouterr().out)] and near
    out = tmp_path / "pg.geojson"
    assert main(["export", "--db", url, "-o", str(out), "--since", "2020-02-27", *cache]) == 0
    features = _json.loads(out.read_text(encoding="utf-8"))["features"]
    assert features and all((f["properties"]["date_end"] or f["properties"]["date"]) >= "2020-02-27"
                            for f in features)
    page = tmp_path / "pg.html"
    assert main(["map", "--db", url, "-o", str(page), "--offline", *cache]) == 0
    data = _json.loads(page.read_text(encoding="utf-8").split('id="geo-data">', 1)[1].split("</script>", 1)[0])
    assert len(data["E"]["id"]) == summary["events"] and len(data["M"]) > 50  # the stored mentions too
    wrong = url.replace(f":{password}@", ":wrong-s3cret@", 1)
    assert main(["query", "--db", wrong, *cache]) == 1
    assert "wrong-s3cret" not in capsys.readouterr().err
