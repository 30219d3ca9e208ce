"""Event store on GeoPackage: the seeds' real events written, read back and queried; synthetic records only for
the antimeridian and the poles, where the seeds have nothing."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pyogrio
import pytest
from shapely.geometry import Polygon, box

from geo.articles import read_articles
from geo.errors import GeoError, UsageError
from geo.events import EventExtractor
from geo.store import GpkgStore, StoreError, WriteResult, query, records_from_frame
from geo.store.query import near_bboxes, sql_like, sql_text

ROOT = Path(__file__).resolve().parent.parent
#: Idlib governorate, roughly (lon, lat).
IDLIB = Polygon([(36.18, 35.45), (36.75, 35.40), (37.02, 35.62), (36.98, 36.02), (36.70, 36.25),
                 (36.45, 36.25), (36.25, 36.05), (36.12, 35.80)])
SARAQEB = (35.864, 36.800)


@pytest.fixture(scope="module")
def seed_records(geoparser) -> list[dict]:  # type: ignore[no-untyped-def]
    articles = sorted(read_articles([ROOT / "seeds"]), key=lambda a: a.path)
    return [event.to_dict() for event in EventExtractor(geoparser, jobs=1).extract(articles)]


@pytest.fixture(scope="module")
def store(seed_records: list[dict], tmp_path_factory: pytest.TempPathFactory) -> GpkgStore:
    store = GpkgStore(tmp_path_factory.mktemp("store") / "events.gpkg")
    result = store.write_events(seed_records)
    assert result.inserted == len(seed_records) and result.skipped == 0
    return store


def _ids(frame) -> set[str]:  # type: ignore[no-untyped-def]
    return set(frame["id"])


def _by(records: list[dict], **fields: object) -> list[dict]:
    return [r for r in records if all(r.get(k) == v for k, v in fields.items())]


# -- layout and round trip ---------------------------------------------------------------------------------------

def test_layout_is_one_mixed_layer_with_rtree_unique_id_and_meta(store: GpkgStore) -> None:
    info = pyogrio.read_info(store.path, layer="events")
    assert info["geometry_type"] == "Unknown" and info["crs"] == "EPSG:4326"
    assert info["capabilities"]["fast_spatial_filter"]
    for column in ("place_name", "place_id", "outlets_joined", "claimed_by_joined", "n_sources", "date", "date_end"):
        assert column in info["fields"]
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("1",)
        # a typed column: GDAL reads the file without "Field format '' not supported"
        assert ("value", "TEXT") in [(c[1], c[2]) for c in conn.execute("PRAGMA table_info(meta)")]
        assert conn.execute("SELECT count(*) FROM rtree_events_geom").fetchone()[0] == store.count()
        assert conn.execute("SELECT feature_count FROM gpkg_ogr_contents").fetchone()[0] == store.count()
        unique = [row for row in conn.execute("PRAGMA index_list(events)") if row[2]]
        assert any(conn.execute(f"PRAGMA index_info({row[1]})").fetchone()[2] == "id" for row in unique)


def test_round_trip_keeps_every_field(store: GpkgStore, seed_records: list[dict]) -> None:
    back = {r["id"]: r for r in records_from_frame(store.read_events())}
    assert set(back) == {r["id"] for r in seed_records}
    for record in seed_records:
        got = back[record["id"]]
        assert set(got) == set(record)
        for key, value in record.items():
            if key == "geometry":
                assert got[key]["type"] == value["type"]
                assert json.dumps(got[key]["coordinates"]) == json.dumps(value["coordinates"])
            else:
                assert got[key] == value, key


def test_geometry_is_lon_lat_and_a_line_stays_a_line(store: GpkgStore, seed_records: list[dict]) -> None:
    frame = store.read_events().set_index("id")
    saraqeb = _by(seed_records, subtype="armed_clash", date="2020-02-26")[0]
    point = frame.loc[saraqeb["id"], "geometry"]
    assert point.geom_type == "Point" and 36.7 < point.x < 36.9 and 35.8 < point.y < 35.9  # x = lon
    m5 = [r for r in seed_records if (r["place"] or {}).get("name") == "M5 highway"][0]
    assert frame.loc[m5["id"], "geometry"].geom_type == "LineString"
    flat = frame.loc[m5["id"]]
    assert flat["place_name"] == "M5 highway" and flat["n_sources"] == len(m5["sources"])


def test_second_write_deduplicates_and_replace_overwrites(seed_records: list[dict], tmp_path: Path) -> None:
    store = GpkgStore(tmp_path / "e.gpkg")
    store.write_events(seed_records)
    again = store.write_events(seed_records + seed_records[:2])
    assert (again.inserted, again.skipped) == (0, len(seed_records) + 2)
    assert store.count() == len(seed_records)
    changed = {**seed_records[0], "summary": "Replaced summary."}
    assert store.write_events([changed]).skipped == 1  # default keeps the stored one
    assert store.write_events([changed], replace=True).replaced == 1
    frame = store.read_events().set_index("id")
    assert frame.loc[changed["id"], "summary"] == "Replaced summary." and store.count() == len(seed_records)
    assert len(query(store, bbox=(-180, -90, 180, 90))) == len(seed_records)  # the R-tree followed the replace


def test_a_failed_write_leaves_the_file_as_before(seed_records: list[dict], tmp_path: Path) -> None:
    store = GpkgStore(tmp_path / "e.gpkg")
    store.write_events(seed_records[:5])
    before = store.path.read_bytes()
    bad = [{**seed_records[6], "geometry": {"type": "Point", "coordinates": [1.0, 2.0]}},
           {**seed_records[7], "sources": [{"article": object()}]}]  # not JSON-serialisable
    with pytest.raises(TypeError):
        store.write_events(bad)
    bad_sql = [dict(seed_records[6]), {**seed_records[7], "fatalities": object()}]  # sqlite3 cannot bind it
    with pytest.raises((StoreError, sqlite3.Error)):
        store.write_events(bad_sql)
    assert store.path.read_bytes() == before and store.count() == 5
    with pytest.raises(StoreError, match="without an id"):
        store.write_events([{"summary": "no id"}])


# -- errors --------------------------------------------------------------------------------------------------------

def test_newer_schema_is_refused(seed_records: list[dict], tmp_path: Path) -> None:
    path = tmp_path / "e.gpkg"
    GpkgStore(path).write_events(seed_records[:1])
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = 2 WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match=r"e\.gpkg.*schema version 2.*upgrade"):
        GpkgStore(path)


def test_corrupt_and_unwritable_files_name_the_file(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.gpkg"
    corrupt.write_bytes(b"this is not a GeoPackage\n" * 100)
    with pytest.raises(StoreError, match="corrupt.gpkg"):
        GpkgStore(corrupt)
    other = tmp_path / "other.gpkg"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError, match="other.gpkg.*not an event store"):
        GpkgStore(other)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="a-file/events.gpkg"):
        GpkgStore(blocker / "events.gpkg").write_events([{"id": "ev-1", "geometry": None}])
    assert issubclass(StoreError, GeoError)
    with pytest.raises(StoreError, match="no event store"):
        GpkgStore(tmp_path / "missing.gpkg").read_events()


# -- queries on the seeds ------------------------------------------------------------------------------------------

def test_bbox_idlib_has_the_syrian_events_not_the_greek_border(store: GpkgStore, seed_records: list[dict]) -> None:
    found = query(store, bbox=(36.0, 35.3, 37.2, 36.4))
    names = set(found["place_name"])
    assert {"Saraqib", "Idlib", "M5 highway"} <= names
    assert not names & {"Edirne", "Greece–Turkey border", "Ayvacık"}
    assert set(query(store, bbox=(25.5, 40.5, 27.0, 42.0))["place_name"]) >= {"Greece–Turkey border"}


def test_polygon_lines_intersect_and_invalid_polygons_are_repaired(store: GpkgStore,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    names = set(query(store, polygon=IDLIB)["place_name"])
    assert {"Saraqib", "M5 highway"} <= names and "Edirne" not in names
    bowtie = Polygon([(36.0, 35.3), (37.2, 36.4), (37.2, 35.3), (36.0, 36.4)])  # self-intersecting
    with caplog.at_level(logging.WARNING, logger="geo.store.query"):
        repaired = query(store, polygon=bowtie)
    assert "make_valid" in caplog.text and len(repaired) > 0
    assert len(query(store, polygon=box(10, 10, 11, 11))) == 0


def test_near_saraqeb_25km_uses_distance_from_the_geometry(store: GpkgStore) -> None:
    found = query(store, near=SARAQEB, radius_km=25)
    names = set(found["place_name"])
    assert {"Saraqib", "M5 highway"} <= names  # the M5 passes through Saraqeb; its point may not be near
    assert "Edirne" not in names and "Al Atārib" not in names  # al-Atarib is ~45 km away
    assert "Al Atārib" in set(query(store, near=SARAQEB, radius_km=60)["place_name"])
    with pytest.raises(UsageError):
        query(store, near=SARAQEB)


def test_dates_overlap_inclusive_and_undated(store: GpkgStore, seed_records: list[dict]) -> None:
    found = query(store, since="2020-02-27", until="2020-02-27")
    for row in found.itertuples():
        assert row.date <= "2020-02-27" <= row.date_end
    assert _by(seed_records, subtype="shelling", date="2020-02-26")[0]["id"] in _ids(found)  # 26 Feb – 4 Mar
    assert _by(seed_records, date="2020-02-26", subtype="armed_clash")[0]["id"] not in _ids(found)
    undated = {r["id"] for r in seed_records if r["date"] is None}
    assert undated and not undated & _ids(found)
    assert undated <= _ids(query(store, since="2020-02-27", until="2020-02-27", include_undated=True))
    dates = list(query(store)["date"])
    assert not any(isinstance(d, str) for d in dates[-len(undated):])  # undated last
    dated = [d for d in dates if isinstance(d, str)]
    assert dated == sorted(dated)
    assert len(query(store, since="2021-01-01")) == 0


def test_attribute_filters(store: GpkgStore, seed_records: list[dict]) -> None:
    assert all("Al Jazeera" in json.loads(o) for o in query(store, outlet="al jazeera")["outlets"])
    assert len(query(store, outlet="al jazeera")) == sum("Al Jazeera" in r["outlets"] for r in seed_records)
    assert len(query(store, outlet="Al")) == 0  # exact element, not a substring
    article = "003_9540e75d7a9aa565"
    expected = {r["id"] for r in seed_records if any(s["article"] == article for s in r["sources"])}
    assert _ids(query(store, article=article)) == expected and len(query(store, article="003")) == 0
    assert _ids(query(store, claimed_by="sohr")) == {r["id"] for r in seed_records if "SOHR" in r["claimed_by"]}
    assert len(query(store, claimed_by="SOHR's friend")) == 0
    assert set(query(store, type="remote_violence")["type"]) == {"remote_violence"}
    assert set(query(store, type="air_strike")["subtype"]) == {"air_strike"}
    assert len(query(store, type="protest")) == 0
    fine = query(store, max_geo_precision="settlement")
    assert set(fine["geo_precision"]) <= {"site", "settlement"} and len(fine) > 0
    assert "country" in set(query(store, max_geo_precision="country")["geo_precision"])
    with pytest.raises(UsageError):
        query(store, max_geo_precision="street")
    assert all("saraq" in s.lower() for s in query(store, text="SARAQ")["summary"])
    assert len(query(store, text="no such words anywhere")) == 0
    assert len(query(store, limit=3)) == 3


def test_user_text_never_reaches_sql_unescaped(store: GpkgStore) -> None:
    count = store.count()
    for hostile in ("x' OR '1'='1", "'; DROP TABLE events; --", "100%", "a_b", "back\\slash"):
        assert len(query(store, article=hostile, outlet=hostile)) == 0
        assert len(query(store, text=hostile, type=hostile, claimed_by=hostile)) == 0
    assert store.count() == count
    assert sql_text("it's") == "'it''s'"
    assert sql_like("5%") == "LIKE '%5\\%%' ESCAPE '\\'"


# -- antimeridian and poles (synthetic: the seeds have none) -------------------------------------------------------

def _point(id_: str, lon: float, lat: float) -> dict:
    return {"id": id_, "date": "2020-01-01", "date_end": "2020-01-01",
            "geometry": {"type": "Point", "coordinates": [lon, lat]}, "lat": lat, "lon": lon}


def test_radius_across_the_antimeridian_and_around_a_pole(tmp_path: Path) -> None:
    store = GpkgStore(tmp_path / "far.gpkg")
    store.write_events([
        _point("east", 179.9, 0.0), _point("west", -179.9, 0.0), _point("far", -178.0, 0.0),
        _point("pole-a", 0.0, 89.9), _point("pole-b", 180.0, 89.9), _point("pole-far", 90.0, 88.0),
        {"id": "line", "geometry": {"type": "LineString", "coordinates": [[-179.95, -1.0], [-179.95, 1.0]]}},
    ])
    assert _ids(query(store, near=(0.0, 179.95), radius_km=30)) == {"east", "west", "line"}
    assert _ids(query(store, near=(0.0, -179.95), radius_km=30)) == {"east", "west", "line"}
    assert _ids(query(store, near=(90.0, 0.0), radius_km=20)) == {"pole-a", "pole-b"}  # 11 km each
    assert _ids(query(store, near=(89.9, 90.0), radius_km=20)) == {"pole-a", "pole-b"}  # across the pole, ~16 km
    assert _ids(query(store, bbox=(179.0, -2, -179.0, 2))) == {"east", "west", "line"}
    assert near_bboxes(89.99, 0.0, 25)[0][0::2] == (-180.0, 180.0)


# -- write paths: GDAL from Arrow for a new file, sqlite3 for appends --------------------------------------------

def _dump(path: Path) -> dict[str, list]:
    """Every row the layer, its R-tree and GDAL's bookkeeping hold (geometry blobs included)."""
    with sqlite3.connect(path) as conn:
        return {"events": conn.execute("SELECT * FROM events ORDER BY fid").fetchall(),
                "rtree": conn.execute("SELECT * FROM rtree_events_geom ORDER BY id").fetchall(),
                "count": conn.execute("SELECT feature_count FROM gpkg_ogr_contents").fetchall(),
                "extent": conn.execute("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents").fetchall(),
                "schema": conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()}


def test_new_file_and_append_paths_store_identical_rows(seed_records: list[dict], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.store import gpkg

    records = [*seed_records, {"id": "extra", "geometry": {"type": "Polygon", "coordinates": [[[1, 1], [2, 1],
               [2, 2], [1, 1]]]}, "custom": {"a": [1, 2]}, "lat": float("nan")}, {"id": "bare", "geometry": None}]
    fast = GpkgStore(tmp_path / "fast.gpkg")
    assert fast.write_events(records) == WriteResult(len(records), 0, 0)
    appended = GpkgStore(tmp_path / "appended.gpkg")
    appended.write_events([])
    assert appended.write_events(records) == WriteResult(len(records), 0, 0)
    real = gpkg._arrow_table

    def refuse(columns: dict, geometries: list):  # type: ignore[no-untyped-def]
        if geometries:
            raise ValueError("a value Arrow would change")
        return real(columns, geometries)

    def refuse_batches(records: list, **_: object) -> None:
        raise ValueError("a value Arrow would change")

    monkeypatch.setattr(gpkg, "_arrow_table", refuse)
    monkeypatch.setattr(gpkg, "arrow_batches", refuse_batches)
    slow = GpkgStore(tmp_path / "slow.gpkg")
    slow.write_events(records)
    assert _dump(fast.path) == _dump(appended.path) == _dump(slow.path)
    assert pyogrio.read_info(fast.path, layer="events")["features"] == len(records)


def test_a_value_arrow_refuses_in_a_later_batch_takes_the_general_path(seed_records: list[dict], tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path reads plain fields into Arrow batch by batch; a value it refuses in a later batch (a date
    object) sends the whole write down the general path, with the same rows as a store written that way."""
    import datetime as dt

    from geo.store import gpkg

    records = [*seed_records, *({**r, "id": f"copy-{r['id']}"} for r in seed_records)]
    late = [*records[:-1], {**records[-1], "date": dt.date(2020, 3, 1)}]
    general = GpkgStore(tmp_path / "general.gpkg")
    general.write_events([])
    general.write_events(late)
    small_batches = gpkg.arrow_batches
    monkeypatch.setattr(gpkg, "arrow_batches", lambda rows: small_batches(rows, size=5))
    fallback = GpkgStore(tmp_path / "fallback.gpkg")
    assert fallback.write_events(late) == WriteResult(len(records), 0, 0)
    assert fallback.read_events().set_index("id").loc[records[-1]["id"], "date"] == "2020-03-01"
    assert _dump(fallback.path) == _dump(general.path)
    batched = GpkgStore(tmp_path / "batched.gpkg")
    batched.write_events(records)
    assert len(batched.read_events()) == len(records)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batched.gpkg", "fallback.gpkg", "general.gpkg"]


def _copies(records: list[dict], n: int) -> list[dict]:
    return [{**records[i % len(records)], "id": f"copy{i:04d}-{records[i % len(records)]['id']}"} for i in range(n)]


def test_two_processes_encode_a_big_write_into_the_same_store(seed_records: list[dict], tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    """A new store from many records: a forked child encodes the last 70 % while this process encodes and writes
    the first; the file holds exactly what one process writes, and the child's file is gone."""
    from geo.store import forked, gpkg

    records = _copies(seed_records, 150)
    small_batches = gpkg.arrow_batches
    monkeypatch.setattr(gpkg, "arrow_batches", lambda rows: small_batches(rows, size=20))
    alone = GpkgStore(tmp_path / "alone.gpkg")
    assert alone.write_events(records) == WriteResult(150, 0, 0)
    monkeypatch.setattr(forked, "MIN_RECORDS", 100)
    with caplog.at_level(logging.DEBUG, logger="geo.store.forked"):
        assert GpkgStore(tmp_path / "two.gpkg").write_events(records) == WriteResult(150, 0, 0)
    assert [r.getMessage().split(" in process")[0] for r in caplog.records] == ["encoding records 45-150"]
    assert _dump(tmp_path / "two.gpkg") == _dump(alone.path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alone.gpkg", "two.gpkg"]


def test_a_value_refused_in_the_childs_part_takes_the_general_path(seed_records: list[dict], tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    import datetime as dt

    from geo.store import forked

    records = _copies(seed_records, 150)
    late = [*records[:-1], {**records[-1], "date": dt.date(2020, 3, 1)}]  # Arrow refuses a date in a text column
    general = GpkgStore(tmp_path / "general.gpkg")
    general.write_events([])
    general.write_events(late)
    monkeypatch.setattr(forked, "MIN_RECORDS", 100)
    with caplog.at_level(logging.DEBUG, logger="geo.store"):
        assert GpkgStore(tmp_path / "fallback.gpkg").write_events(late) == WriteResult(150, 0, 0)
    assert any("encoding the second part of the records failed" in r.getMessage() for r in caplog.records)
    assert _dump(tmp_path / "fallback.gpkg") == _dump(general.path)


def test_ctrl_c_while_gdal_writes_the_batches_is_a_keyboard_interrupt(seed_records: list[dict], tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """GDAL pulls the batches as it writes and reports a failing pull as an error reading a batch; Ctrl-C during
    the encoding stays a KeyboardInterrupt, and nothing is left behind."""
    from geo.store import gpkg

    small_batches = gpkg.arrow_batches

    def interrupted(rows: list):  # type: ignore[no-untyped-def]
        batches = small_batches(rows, size=10)
        yield next(batches)
        raise KeyboardInterrupt

    monkeypatch.setattr(gpkg, "arrow_batches", interrupted)
    with pytest.raises(KeyboardInterrupt):
        GpkgStore(tmp_path / "events.gpkg").write_events(_copies(seed_records, 40))
    assert list(tmp_path.iterdir()) == []


def test_a_caller_that_stops_early_ends_the_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    import os
    import time

    from geo.store import forked

    def encode(part: list[int]):  # type: ignore[no-untyped-def]
        if part and part[0] >= 40:  # the child's part: slow
            time.sleep(60)
        yield from part

    monkeypatch.setattr(forked, "MIN_RECORDS", 10)
    started = time.monotonic()
    with caplog.at_level(logging.DEBUG, logger="geo.store.forked"), \
            forked.encoded_in_two(list(range(100)), encode, tmp_path) as batches:
        assert next(iter(batches)) == 0
    pid = int(caplog.records[-1].getMessage().rsplit(" ", 1)[1])
    assert time.monotonic() - started < 30 and not os.path.exists(f"/proc/{pid}")
    assert list(tmp_path.iterdir()) == []


def test_a_new_file_deduplicates_within_the_call(seed_records: list[dict], tmp_path: Path) -> None:
    first, second = seed_records[0], {**seed_records[0], "summary": "Second copy."}
    kept = GpkgStore(tmp_path / "kept.gpkg")
    assert kept.write_events([first, seed_records[1], second]) == WriteResult(2, 0, 1)
    assert kept.read_events().set_index("id").loc[first["id"], "summary"] == first["summary"]
    replaced = GpkgStore(tmp_path / "replaced.gpkg")
    assert replaced.write_events([first, seed_records[1], second], replace=True) == WriteResult(2, 0, 0)
    assert replaced.read_events().set_index("id").loc[first["id"], "summary"] == "Second copy."


def test_values_arrow_would_change_take_the_sqlite3_path(tmp_path: Path) -> None:
    store = GpkgStore(tmp_path / "e.gpkg")
    store.write_events([{**_point("nul", 1.0, 2.0), "summary": "a\x00b"}, {**_point("int", 1.0, 2.0), "type": 5}])
    with sqlite3.connect(store.path) as conn:
        assert dict(conn.execute("SELECT id, summary FROM events"))["nul"] == "a\x00b"
        assert dict(conn.execute("SELECT id, type FROM events"))["int"] == "5"  # TEXT affinity, as before


def test_ingest_helpers_insert_and_delete_in_the_callers_transaction(seed_records: list[dict],
                                                                    tmp_path: Path) -> None:
    from geo.store import gpkg

    store = GpkgStore(tmp_path / "e.gpkg")
    store.write_events(seed_records[:3])
    rows, blobs, bounds = gpkg._encode([seed_records[3], {**seed_records[0], "summary": "New."}])
    with gpkg._connect(store.path) as conn:
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 60_000
        with gpkg._transaction(conn):
            assert gpkg._insert_rows(conn, rows, blobs, bounds, replace=True) == (2, 1)
        with gpkg._transaction(conn):
            conn.execute("DELETE FROM events WHERE id IN (?)", (seed_records[1]["id"],))
    assert store.count() == 3 and _dump(store.path)["count"] == [(3,)]
    assert len(_dump(store.path)["rtree"]) == 3


# -- the reader and the radius fast path ---------------------------------------------------------------------------

def test_query_frames_match_pyogrio(store: GpkgStore) -> None:
    import pandas

    mine = query(store)
    theirs = store.read_events().sort_values(["date", "id"], na_position="last", kind="stable")
    pandas.testing.assert_frame_equal(mine, theirs.reset_index(drop=True), check_exact=True)
    empty = query(store, polygon=box(10, 10, 11, 11))
    assert list(empty.columns) == list(mine.columns) and len(empty) == 0


@pytest.mark.parametrize("centre", [(0.0, 179.95), (0.0, -179.99), (35.864, 36.8), (89.95, 10.0)])
def test_radius_fast_path_equals_the_exact_distance(centre: tuple[float, float], tmp_path: Path) -> None:
    import numpy as np

    from geo.store.query import _distances_km

    rng = np.random.default_rng(3)
    lat, lon = centre
    records = []
    for i in range(1500):
        x = (lon + rng.normal(0, 0.3) + 180) % 360 - 180
        y = float(np.clip(lat + rng.normal(0, 0.25), -89.999, 89.999))
        if i % 7:
            records.append(_point(f"p{i}", round(x, 6), round(y, 6)))
        else:
            end = (min(x + 0.2, 180.0), float(np.clip(y + 0.1, -89.999, 89.999)))
            records.append({"id": f"l{i}", "geometry": {"type": "LineString", "coordinates": [[x, y], list(end)]}})
    store = GpkgStore(tmp_path / "e.gpkg")
    store.write_events(records)
    frame = store.read_events()
    for radius in (5.0, 20.0, 27.3):
        exact = set(frame["id"][_distances_km(frame.geometry.values, lat, lon) <= radius])
        assert _ids(query(store, near=centre, radius_km=radius)) == exact
        everywhere = Polygon([(-180, -90), (180, -90), (180, 90), (-180, 90)])  # the general (exact) path
        assert _ids(query(store, near=centre, radius_km=radius, polygon=everywhere)) == exact


@pytest.mark.parametrize("values", [
    [{"a": 1.5, "b": [1, 2, {"c": None}], "é": 'ü"\\\n'}, None, [], float("nan"), 1e300, "text"],
    [["SOHR"], ["SOHR", "SANA"], ["SOHR"], []],  # lists of strings: encoded once per distinct list
    [[1], [True], [1.0]],  # equal as dict keys, not as JSON
])
def test_json_columns_are_strict_json_of_the_values(values: list) -> None:
    from geo.store.gpkg_rows import _json_column

    def strict(text: str) -> object:
        return json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))

    for value, text in zip(values, _json_column(values), strict=True):
        if value is None:
            assert text is None
            continue
        assert isinstance(text, str) and ", " not in text.replace('", "', "")  # compact
        want = None if isinstance(value, float) and value != value else value  # NaN has no JSON form: null
        assert strict(text) == want and type(strict(text)) is type(want)
        assert "é" in text if "é" in json.dumps(value, ensure_ascii=False) else True  # characters kept, not \u
    assert _json_column([[10**30]]) == ["[1000000000000000000000000000000]"]  # beyond orjson's 64 bits


def test_date_order_and_take_rows_match_pandas() -> None:
    """The big-frame sort (Arrow's stable sort, columns taken by two threads) orders rows as pandas does."""
    import random

    import geopandas
    import numpy as np
    import pandas
    import shapely

    from geo.store.frames import date_order, take_rows

    rng = random.Random(3)
    n = 2_000
    text = pandas.StringDtype(na_value=np.nan)
    frame = geopandas.GeoDataFrame({
        "id": pandas.array([f"{rng.choice('aéZ')}{i:05d}" for i in rng.sample(range(n), n)], dtype=text),
        "date": pandas.array([rng.choice([None, "2020-02-27", "2020-03-01", "2019-12-31"]) for _ in range(n)],
                             dtype=text),
        "fatalities": np.arange(n, dtype=float)},
        geometry=shapely.points(np.arange(n), np.zeros(n)), crs=4326)
    want = frame.sort_values(["date", "id"], na_position="last", kind="stable").reset_index(drop=True)
    got = take_rows(frame, date_order(frame))
    pandas.testing.assert_frame_equal(pandas.DataFrame(got), pandas.DataFrame(want))
    assert got.crs == frame.crs and got.geometry.name == frame.geometry.name
    as_objects = frame.astype({"date": object, "id": object})  # not Arrow text: pandas sorts
    assert (date_order(as_objects) == date_order(frame)).all()


def test_sort_positions_agrees_with_a_text_sort_on_days_partial_dates_and_rows_in_order():
    """Day numbers, the already-in-order shortcut and the text fallback give the order pandas' text sort gives."""
    import random

    import pandas

    from geo.store.frames import sort_positions

    rng = random.Random(11)
    days = [None, "1969-12-31", "1970-01-01", "2020-02-27", "2020-03-01", "0999-05-05", "9999-12-31"]
    partial = [*days, "2020-03", "2020", "2020-02-30"]  # not ISO days: compared as text
    for pool in (days, partial):
        dates = [rng.choice(pool) for _ in range(3_000)]
        ids = [f"ev-{rng.randrange(400):04d}" for _ in dates]  # ties on both keys: the sort must be stable
        frame = pandas.DataFrame({"date": dates, "id": ids})
        want = frame.sort_values(["date", "id"], na_position="last", kind="stable").index.to_numpy()
        got = sort_positions(dates, ids)
        assert got.tolist() == want.tolist()
        in_order = [dates[i] for i in got], [ids[i] for i in got]
        assert sort_positions(*in_order).tolist() == list(range(len(dates)))
    swapped = ["2020-01-01", "2020-01-01"], ["b", "a"]  # dates in order, a tie out of id order
    assert sort_positions(*swapped).tolist() == [1, 0]
    assert sort_positions([], []).tolist() == [] and sort_positions([None], ["a"]).tolist() == [0]


def test_in_date_order_reorders_an_arrow_table_in_chunks_and_keeps_one_in_order():
    import numpy as np
    import pyarrow

    from geo.store.frames import in_date_order

    n = 150_000
    rng = np.random.default_rng(4)
    days = rng.integers(0, 900, n)
    dates = pyarrow.array((np.datetime64("2019-01-01") + days).astype(str).tolist(), mask=days % 97 == 0)
    table = pyarrow.table({"id": [f"e{i:06d}" for i in rng.permutation(n)], "date": dates, "x": np.arange(n)})
    ordered = in_date_order(table)
    keys = list(zip(ordered["date"].to_pylist(), ordered["id"].to_pylist(), strict=True))
    assert keys == sorted(keys, key=lambda k: (k[0] is None, k[0] or "", k[1]))
    assert sorted(ordered["x"].to_pylist()) == list(range(n)) and ordered.schema == table.schema
    assert max(len(chunk) for chunk in ordered["x"].chunks) <= 65_536  # chunks as GDAL reads them, not one
    assert in_date_order(ordered) is ordered
    assert in_date_order(table.drop_columns(["date"])).num_rows == n  # no date column: as it is
    small = in_date_order(table.slice(0, 5_000))  # one thread
    keys = list(zip(small["date"].to_pylist(), small["id"].to_pylist(), strict=True))
    assert len(keys) == 5_000 and keys == sorted(keys, key=lambda k: (k[0] is None, k[0] or "", k[1]))
