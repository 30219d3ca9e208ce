"""Partitioned GeoParquet and the dask engine: the seeds' real events plus synthetic ones over several months, across
the antimeridian and as areas, exported to a directory; its layout read back with pyarrow, geopandas and DuckDB;
every query answered by :func:`geo.store.dask_query.dask_query` equal to :func:`geo.store.query` on a GeoPackage of
the same events, with partitions pruned by date and bbox."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas
import numpy as np
import pandas
import pyarrow.parquet as pq
import pytest
import shapely
from shapely.geometry import Polygon, box

from geo.articles import read_articles
from geo.errors import UsageError
from geo.events import EventExtractor
from geo.store import GpkgStore, StoreError, query
from geo.store.dask_query import dask_query
from geo.store.export import export_events
from geo.store.parquet import MANIFEST, read_manifest

ROOT = Path(__file__).resolve().parent.parent
#: Idlib governorate, roughly (lon, lat).
IDLIB = Polygon([(36.18, 35.45), (36.75, 35.40), (37.02, 35.62), (36.98, 36.02), (36.70, 36.25),
                 (36.45, 36.25), (36.25, 36.05), (36.12, 35.80)])
SARAQEB = (35.864, 36.800)
FIJI = (-17.0, 179.95)


def _record(id_: str, geometry: dict | None, date: str | None, *, date_end: str | None = None,
            **fields: object) -> dict:
    lon, lat = shapely.geometry.shape(geometry).representative_point().coords[0] if geometry else (None, None)
    record = {
        "id": id_, "type": "explosion", "subtype": "shelling", "acled_event_type": "Explosions/Remote violence",
        "acled_sub_event_type": "Shelling/artillery/missile attack", "summary": f"Synthetic event {id_}.",
        "date": date, "date_end": date_end or date, "date_precision": "day" if date else "unknown",
        "date_from": "explicit" if date else "unknown",
        "place": {"id": f"test:{id_}", "name": f"Place {id_}", "kind": "region", "country": None, "admin1": None,
                  "mention": id_},
        "lat": lat, "lon": lon, "geometry": geometry, "geo_precision": "settlement", "where_relation": "in",
        "actor1": None, "actor2": None, "assoc_actors": [], "fatalities": 1, "injured": None,
        "claimed_by": ["Fiji Police"], "outlets": ["Pacific Wire"],
        "sources": [{"article": f"art-{id_}", "outlet": "Pacific Wire", "url": None, "published": date,
                     "sentence": "x", "start": 0, "end": 1}],
        "claims": [], "merged_because": None,
    }
    record.update(fields)
    return record


def _point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def _synthetic() -> list[dict]:
    """Events the seeds lack: months from 2019 to 2021, the antimeridian, areas (one sharing only a sliver with
    Idlib), an event running past its month, undated ones, a missing geometry."""
    rng = np.random.default_rng(7)
    out = []
    for i in range(120):  # north-west Syria, one a week or so over two years
        day = np.datetime64("2019-06-01") + int(i * 6)
        lon, lat = rng.uniform(36.0, 37.2), rng.uniform(35.3, 36.4)
        out.append(_record(f"syn-{i:03d}", _point(round(lon, 5), round(lat, 5)), str(day),
                           outlets=["Pacific Wire", "SANA"] if i % 3 else ["SOHR Feed"], type="battle",
                           subtype="armed_clash", geo_precision=("settlement", "admin2", "admin1")[i % 3]))
    out += [
        _record("fiji-line", {"type": "LineString", "coordinates": [[179.8, -17.0], [-179.8, -17.1]]}, "2019-11-02",
                geo_precision="line"),
        _record("fiji-east", _point(179.95, -17.05), "2019-11-20"),
        _record("fiji-west", _point(-179.9, -16.95), "2019-12-05", summary="Storm damage on Vanua Balavu."),
        _record("tonga-far", _point(-175.2, -21.1), "2019-12-06"),
        _record("fiji-area", {"type": "Polygon", "coordinates": [[[179.5, -18.0], [179.99, -18.0], [179.99, -16.5],
                                                                  [179.5, -16.5], [179.5, -18.0]]]},
                "2019-11-15", geo_precision="admin1"),
        _record("sliver-area", {"type": "Polygon", "coordinates": [[[36.99, 35.9], [37.6, 35.9], [37.6, 36.3],
                                                                    [36.99, 36.3], [36.99, 35.9]]]},
                "2020-02-10", geo_precision="admin1"),
        _record("big-area", {"type": "Polygon", "coordinates": [[[36.5, 35.5], [37.5, 35.5], [37.5, 36.5],
                                                                 [36.5, 36.5], [36.5, 35.5]]]},
                "2020-02-11", geo_precision="admin1"),
        _record("long-run", _point(36.78, 35.85), "2020-01-25", date_end="2020-03-03", date_precision="month"),
        _record("undated-near", _point(36.81, 35.87), None),
        _record("undated-far", _point(10.0, 50.0), None),
        _record("no-geometry", None, "2020-02-15"),
    ]
    return out


@pytest.fixture(scope="module")
def records(geoparser) -> list[dict]:  # type: ignore[no-untyped-def]
    articles = sorted(read_articles([ROOT / "seeds"]), key=lambda a: a.path)
    seeds = [event.to_dict() for event in EventExtractor(geoparser, jobs=1).extract(articles)]
    assert seeds, "the seeds yield events"
    return seeds + _synthetic()


@pytest.fixture(scope="module")
def store(records: list[dict], tmp_path_factory: pytest.TempPathFactory) -> GpkgStore:
    store = GpkgStore(tmp_path_factory.mktemp("store") / "events.gpkg")
    store.write_events(records)
    return store


@pytest.fixture(scope="module")
def parts(store: GpkgStore, records: list[dict], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parquet") / "events"
    assert export_events(query(store), "parquet", f"{out}/") == len(records)
    return out


def _months(records: list[dict]) -> set[str]:
    return {r["date"][:7] if r.get("date") else "undated" for r in records}


def assert_same(got: geopandas.GeoDataFrame, expected: geopandas.GeoDataFrame) -> None:
    """Same ids in the same order, same columns and dtypes, same values; geometries equal to the 7 decimals the
    export keeps."""
    assert got["id"].tolist() == expected["id"].tolist()
    assert got.columns.tolist() == expected.columns.tolist()
    assert got.dtypes.astype(str).tolist() == expected.dtypes.astype(str).tolist()
    assert got.crs == expected.crs
    pandas.testing.assert_frame_equal(pandas.DataFrame(got.drop(columns="geometry")),
                                      pandas.DataFrame(expected.drop(columns="geometry")))
    same = shapely.equals_exact(shapely.normalize(got.geometry.values), shapely.normalize(expected.geometry.values),
                                tolerance=1e-7)
    missing = got.geometry.isna().to_numpy() & expected.geometry.isna().to_numpy()
    assert (same | missing).all()


# -- layout --------------------------------------------------------------------------------------------------------

def test_monthly_partitions_hilbert_sorted_with_covering_bbox(parts: Path, records: list[dict]) -> None:
    manifest = json.loads((parts / MANIFEST).read_text())
    assert manifest == read_manifest(parts) and manifest["geoparquet"] == "1.1.0"
    assert {p.name for p in parts.iterdir() if p.is_dir()} == {f"month={m}" for m in _months(records)}
    assert {f["path"] for f in manifest["files"]} == {p.relative_to(parts).as_posix() for p in parts.rglob("*.parquet")}
    assert sum(f["rows"] for f in manifest["files"]) == manifest["rows"] == len(records)
    by_id = {r["id"]: r for r in records}
    schemas = set()
    for entry in manifest["files"]:
        path = parts / entry["path"]
        schemas.add(pq.read_schema(path).remove_metadata().to_string())
        geo = json.loads(pq.read_metadata(path).metadata[b"geo"])
        assert geo["version"] == "1.1.0" and geo["primary_column"] == "geometry"
        column = geo["columns"]["geometry"]
        assert column["encoding"] == "WKB" and column["covering"]["bbox"]["xmin"] == ["bbox", "xmin"]
        frame = geopandas.read_parquet(path)
        assert frame.crs.to_epsg() == 4326 and "bbox" not in frame.columns  # geopandas hides the covering column
        present = frame.geometry.notna().to_numpy()
        distance = frame[present].hilbert_distance(total_bounds=manifest["extent"]).to_numpy()
        assert (np.diff(distance) >= 0).all(), entry["path"]  # Hilbert order over the whole export's extent
        assert present[: present.sum()].all()  # a missing geometry comes last
        assert {by_id[i]["date"][:7] if by_id[i]["date"] else "undated" for i in frame["id"]} == {entry["month"]}
        assert [g["rows"] for g in entry["row_groups"]] == [pq.read_metadata(path).row_group(i).num_rows
                                                            for i in range(pq.read_metadata(path).num_row_groups)]
        if present.any():
            xmin, ymin, xmax, ymax = frame.total_bounds
            assert entry["bbox"] == [xmin, ymin, xmax, ymax]
        if entry["month"] != "undated":
            ends = frame["date_end"].fillna(frame["date"])
            assert (entry["date_min"], entry["date_max"]) == (frame["date"].min(), ends.max())
    assert len(schemas) == 1  # one Arrow schema in every file

    whole = geopandas.read_parquet(parts)
    assert sorted(whole["id"]) == sorted(by_id) and whole.crs.to_epsg() == 4326
    feb = geopandas.read_parquet(parts, filters=[("month", "=", "2020-02")])
    assert set(feb["id"]) == {r["id"] for r in records if (r.get("date") or "").startswith("2020-02")}
    long_run = manifest["files"][[f["month"] for f in manifest["files"]].index("2020-01")]
    assert long_run["date_max"] >= "2020-03-03"  # an event running past its month widens the range


def test_duckdb_reads_the_partitions(parts: Path, records: list[dict]) -> None:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    rows = con.execute(f"SELECT month, count(*) FROM read_parquet('{parts}/**/*.parquet', hive_partitioning = true) "
                       "GROUP BY month").fetchall()
    counts: dict[str, int] = {}
    for r in records:
        key = r["date"][:7] if r.get("date") else "undated"
        counts[key] = counts.get(key, 0) + 1
    assert dict(rows) == counts
    fiji = con.execute(f"SELECT id FROM read_parquet('{parts}/**/*.parquet') WHERE bbox.xmax >= 179.75 "
                       "AND bbox.ymin <= -16.9 AND bbox.ymax >= -17.2 ORDER BY id").fetchall()
    assert {"fiji-east", "fiji-line"} <= {i for (i,) in fiji}


# -- the dask engine equals the GeoPackage query ---------------------------------------------------------------------

FILTERS = {
    "everything": {},
    "bbox": {"bbox": (36.0, 35.3, 37.2, 36.4)},
    "bbox-antimeridian": {"bbox": (179.0, -18.5, -179.0, -16.0)},
    "polygon": {"polygon": IDLIB},
    "polygon-4-months": {"polygon": IDLIB, "since": "2020-01-01", "until": "2020-04-30"},
    "near": {"near": SARAQEB, "radius_km": 25},
    "near-antimeridian": {"near": FIJI, "radius_km": 60},
    "since-until": {"since": "2020-02-01", "until": "2020-03-15"},
    "since-undated": {"since": "2020-02-20", "include_undated": True},
    "until": {"until": "2019-08-01"},
    "outlet": {"outlet": "sana"},
    "outlets": {"outlet": ["SOHR FEED", "Al Jazeera"]},
    "article": {"article": "ART-FIJI-EAST"},
    "claimed-by": {"claimed_by": "fiji police", "bbox": (170.0, -30.0, 180.0, 0.0)},
    "type": {"type": "Armed_Clash"},
    "max-geo-precision": {"max_geo_precision": "settlement"},
    "text": {"text": "VANUA balavu"},
    "limit": {"since": "2019-09-01", "limit": 5},
    "nothing": {"bbox": (-10.0, -10.0, -9.0, -9.0)},
}


@pytest.mark.parametrize("name", list(FILTERS))
def test_dask_query_equals_the_store_query(parts: Path, store: GpkgStore, name: str) -> None:
    filters = FILTERS[name]
    expected = query(store, **filters)
    got = dask_query(parts, **filters)
    assert_same(got, expected)
    assert name == "nothing" or len(expected) > 0  # every filter is exercised on rows
    if name == "limit":
        assert len(got) == 5
    assert got.attrs["partitions_total"] == len(read_manifest(parts)["files"])


def test_slivers_and_lines_follow_the_store_rules(parts: Path, store: GpkgStore) -> None:
    got = set(dask_query(parts, polygon=IDLIB)["id"])
    assert "big-area" in got and "sliver-area" not in got  # an area sharing < 1 % of Idlib is left out
    fiji = set(dask_query(parts, bbox=(179.7, -17.2, -179.85, -16.9))["id"])  # across the antimeridian
    assert fiji >= {"fiji-line", "fiji-east", "fiji-west"} and "tonga-far" not in fiji


def test_partitions_outside_the_dates_or_bbox_are_not_read(parts: Path, records: list[dict]) -> None:
    manifest = read_manifest(parts)
    total = len(manifest["files"])
    one_month = dask_query(parts, since="2020-02-01", until="2020-02-29")
    # a month is read when one of its events overlaps February: January's long-running event reaches March
    overlapping = {r["date"][:7] for r in records
                   if r.get("date") and r["date"] <= "2020-02-29" and (r.get("date_end") or r["date"]) >= "2020-02-01"}
    assert "2020-01" in overlapping and "2020-03" not in overlapping
    assert one_month.attrs["partitions_read"] == sum(f["month"] in overlapping for f in manifest["files"]) < total
    assert "long-run" in set(one_month["id"])
    fiji = dask_query(parts, near=FIJI, radius_km=60)
    fiji_months = {r["date"][:7] for r in records if r["id"].startswith("fiji")}
    assert fiji.attrs["partitions_read"] == len(fiji_months) < total
    nowhere = dask_query(parts, bbox=(100.0, 60.0, 101.0, 61.0), since="2020-01-01")  # Siberia
    assert nowhere.attrs["partitions_read"] == 0 and len(nowhere) == 0
    everything = dask_query(parts)
    assert everything.attrs["partitions_read"] == total
    assert everything.attrs["row_groups_read"] == everything.attrs["row_groups_total"]
    dated = dask_query(parts, since="2019-01-01")
    assert "month=undated/part-0.parquet" in {f["path"] for f in manifest["files"]}
    assert dated.attrs["partitions_read"] == total - 1  # the undated partition is skipped


def test_local_cluster_and_scheduler_address(parts: Path, store: GpkgStore) -> None:
    distributed = pytest.importorskip("distributed")
    filters = {"polygon": IDLIB, "since": "2020-01-01", "until": "2020-04-30"}
    expected = query(store, **filters)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        assert_same(dask_query(parts, scheduler=client, **filters), expected)
        assert_same(dask_query(parts, scheduler=cluster.scheduler_address, **filters), expected)


# -- errors ----------------------------------------------------------------------------------------------------------

def test_errors_name_the_problem(parts: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no _partitions.json"):
        dask_query(tmp_path)
    with pytest.raises(UsageError, match="near and radius_km go together"):
        dask_query(parts, near=SARAQEB)
    with pytest.raises(UsageError, match="max_geo_precision"):
        dask_query(parts, max_geo_precision="street")
    with pytest.raises(UsageError, match="not an ISO date"):
        dask_query(parts, since="last week")
    with pytest.raises(UsageError, match="not a dask scheduler"):
        dask_query(parts, scheduler="somewhere", bbox=tuple(box(36, 35, 37, 36).bounds))  # type: ignore[arg-type]


def test_cli_query_with_the_dask_engine_equals_the_store(store: GpkgStore, parts: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from geo.cli import main

    for extra in (["--since", "2020-02-27", "--until", "2020-02-28"], ["--bbox", "35.5,35,37.5,36.5"],
                  ["--near", "35.864,36.8", "--radius", "25km", "--type", "battle"]):
        assert main(["query", "--db", str(store.path), "--format", "json", *extra]) == 0
        expected = [r["id"] for r in json.loads(capsys.readouterr().out)]
        assert main(["query", "--engine", "dask", "--parquet", str(parts), "--format", "json", *extra]) == 0
        assert [r["id"] for r in json.loads(capsys.readouterr().out)] == expected and expected, extra
    assert main(["query", "--engine", "dask", "--format", "json"]) == 2  # no --parquet
    assert main(["query", "--parquet", str(parts), "--db", str(store.path)]) == 2  # --parquet without the engine
