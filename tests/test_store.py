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
from geo.store import GpkgStore, StoreError, query, records_from_frame
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
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (1,)
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
