"""Export: the seeds' real events plus a few synthetic edge cases (a clockwise polygon with a hole, a multipolygon,
a line across the antimeridian, an undated event, hostile article text) written in every format, then read back
with GDAL (pyogrio), geopandas, ElementTree and the csv module."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import geojson_validator
import geopandas
import numpy as np
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely
from shapely.geometry import LinearRing, shape

from geo.articles import read_articles
from geo.errors import UsageError
from geo.events import EventExtractor
from geo.store.antimeridian import cut_antimeridian
from geo.store import GpkgStore, StoreError, query, records_from_frame
from geo.store import export_geojson as geojson_module
from geo.store.export import FORMATS, export_events

ROOT = Path(__file__).resolve().parent.parent
KML = "{http://www.opengis.net/kml/2.2}"
HOSTILE = ('=HYPERLINK("http://evil.example/?q=1","click") <script>alert(1)</script> & "quoted" \'single\'\n'
           "second line, Saraqeb سراقب, Ünïcødé, tab\there")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _record(id_: str, geometry: dict, lon: float, lat: float, **fields: object) -> dict:
    record = {
        "id": id_, "type": "explosion", "subtype": "shelling", "acled_event_type": "Explosions/Remote violence",
        "acled_sub_event_type": "Shelling/artillery/missile attack", "summary": "Synthetic event.",
        "date": "2020-03-01", "date_end": "2020-03-01", "date_precision": "day", "date_from": "explicit",
        "place": {"id": f"test:{id_}", "name": f"Place {id_}", "kind": "region", "country": None, "admin1": None,
                  "mention": id_},
        "lat": lat, "lon": lon, "geometry": geometry, "geo_precision": "admin1", "where_relation": "in",
        "actor1": None, "actor2": None, "assoc_actors": [], "fatalities": 3, "injured": None, "claimed_by": ["SANA"],
        "outlets": ["Test Wire"], "sources": [{"article": f"art-{id_}", "outlet": "Test Wire",
                                               "url": "https://example.org/a?b=1&c=2", "published": "2020-03-02",
                                               "sentence": "x", "start": 0, "end": 1}],
        "claims": [], "merged_because": None,
    }
    record.update(fields)
    return record


#: Clockwise outer ring with a counter-clockwise hole: both must be re-oriented (RFC 7946 wants the opposite).
CW_POLYGON = {"type": "Polygon", "coordinates": [
    [[36.0, 35.0], [36.0, 36.0], [37.0, 36.0], [37.0, 35.0], [36.0, 35.0]],
    [[36.2, 35.2], [36.5, 35.2], [36.5, 35.5], [36.2, 35.5], [36.2, 35.2]]]}
SYNTHETIC = [
    _record("zz-polygon", CW_POLYGON, 36.6, 35.7, summary=HOSTILE, actor1="+Fighters", actor2="@handle",
            note="kept", meta={"k": [1, 2]}),
    _record("zz-multi", {"type": "MultiPolygon", "coordinates": [
        [[[40.0, 30.0], [41.0, 30.0], [41.0, 31.0], [40.0, 30.0]]],
        [[[42.0, 30.0], [43.0, 30.0], [43.0, 31.0], [42.0, 30.0]]]]}, 40.5, 30.5, date="2020-03-01",
        date_end="2020-03-09", date_precision="week"),
    _record("zz-line", {"type": "LineString", "coordinates": [[36.123456789, 35.9], [36.5, 36.1]]}, 36.3, 36.0),
    _record("zz-fiji", {"type": "LineString", "coordinates": [[179.8, -17.0], [-179.8, -17.1]]}, 179.8, -17.0,
            fatalities=None),
    _record("zz-undated", {"type": "Point", "coordinates": [36.8, 35.86]}, 36.8, 35.86, date=None, date_end=None,
            date_precision="unknown", date_from="unknown", fatalities=0),
]


@pytest.fixture(scope="module")
def records(geoparser) -> list[dict]:  # type: ignore[no-untyped-def]
    articles = sorted(read_articles([ROOT / "seeds"]), key=lambda a: a.path)
    seeds = [event.to_dict() for event in EventExtractor(geoparser, jobs=1).extract(articles)]
    assert seeds, "the seeds yield events"
    return seeds + SYNTHETIC


@pytest.fixture(scope="module")
def frame(records: list[dict], tmp_path_factory: pytest.TempPathFactory) -> geopandas.GeoDataFrame:
    store = GpkgStore(tmp_path_factory.mktemp("store") / "events.gpkg")
    store.write_events(records)
    result = query(store)
    assert len(result) == len(records)
    return result


def _saraqeb(records: list[dict]) -> str:
    return next(r["id"] for r in records if r.get("subtype") == "armed_clash" and r.get("date") == "2020-02-26"
                and r["geometry"]["type"] == "Point")


def _all_coordinates(value: object) -> list[tuple[float, float]]:
    if isinstance(value, list) and value and isinstance(value[0], int | float):
        return [(float(value[0]), float(value[1]))]
    return [c for item in value for c in _all_coordinates(item)] if isinstance(value, list) else []


# -- GeoJSON -------------------------------------------------------------------------------------------------------

def test_geojson_is_rfc7946_and_reads_back(frame: geopandas.GeoDataFrame, records: list[dict],
                                            tmp_path: Path) -> None:
    path = tmp_path / "events.geojson"
    assert export_events(frame, "geojson", path) == len(records)
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert geojson_validator.validate_structure(doc, check_crs=True) == {}
    checked = geojson_validator.validate_geometries(doc)
    assert checked["invalid"] == {}, checked
    features = {f["id"]: f for f in doc["features"]}
    assert set(features) == {r["id"] for r in records}
    coords = [c for f in doc["features"] if f["geometry"] for c in _all_coordinates(f["geometry"]["coordinates"])]
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    assert doc["bbox"] == [min(xs), min(ys), max(xs), max(ys)]  # plain min/max, documented
    assert doc["bbox"][0] == -180 and doc["bbox"][2] == 180  # the Fiji line, cut, touches both sides
    fiji = features["zz-fiji"]["geometry"]  # RFC 7946 3.1.9: cut in two at the antimeridian
    assert fiji == {"type": "MultiLineString",
                    "coordinates": [[[179.8, -17.0], [180.0, -17.05]], [[-180.0, -17.05], [-179.8, -17.1]]]}
    for feature in doc["features"]:  # no part of any geometry steps across ±180° any more
        for part in _parts(feature["geometry"]):
            assert all(abs(b[0] - a[0]) <= 180 for a, b in zip(part, part[1:], strict=False)), feature["id"]
    for x in xs + ys:  # at most 7 decimals, written in their shortest form
        assert round(x, 7) == x
    assert not re.search(r"\d\.\d{8,}", "".join(json.dumps(f["geometry"]) for f in doc["features"]))
    assert not re.search(r'"coordinates":\[[^"]*\d\.\d{8,}', text)
    for feature in doc["features"]:  # the text round-trips to the stored geometry (rounded; the Fiji line cut)
        stored = frame.set_index("id").loc[feature["id"], "geometry"]
        stored = cut_antimeridian([stored])[0] if feature["id"] == "zz-fiji" else stored
        written = shapely.normalize(shape(feature["geometry"]))
        assert written.equals_exact(shapely.normalize(stored), 1e-7), feature["id"]

    saraqeb = features[_saraqeb(records)]
    lon, lat = saraqeb["geometry"]["coordinates"]
    assert 36.7 < lon < 36.9 and 35.8 < lat < 35.9  # (lon, lat), not swapped
    props = saraqeb["properties"]
    assert props["date"] == "2020-02-26" and props["place_name"] == "Saraqib" and props["n_sources"] == 1
    assert isinstance(json.loads(props["sources"]), list) and isinstance(json.loads(props["place"]), dict)
    assert props["fatalities"] is None and props["independent_reports"] == 1
    assert isinstance(props["outlets_joined"], str) and "articles_joined" in props and "claimed_by_joined" in props
    assert "extra" not in props and "geometry" not in props

    polygon = features["zz-polygon"]
    ring, hole = polygon["geometry"]["coordinates"]
    assert LinearRing(ring).is_ccw and not LinearRing(hole).is_ccw
    assert shape(polygon["geometry"]).equals(shape(CW_POLYGON))  # same area, only re-oriented
    assert polygon["properties"]["summary"] == HOSTILE  # JSON keeps the text exactly
    assert polygon["properties"]["note"] == "kept" and json.loads(polygon["properties"]["meta"]) == {"k": [1, 2]}
    assert polygon["properties"]["fatalities"] == 3 and type(polygon["properties"]["fatalities"]) is int
    assert '"fatalities":3.0' not in text and '"n_sources":1.0' not in text
    assert features["zz-line"]["geometry"]["coordinates"][0] == [36.1234568, 35.9]
    undated = features["zz-undated"]["properties"]
    assert undated["date"] is None and undated["date_end"] is None and undated["fatalities"] == 0
    for feature in doc["features"]:
        for key in ("date", "date_end"):
            value = feature["properties"][key]
            assert value is None or DAY.match(value), value

    back = pyogrio.read_dataframe(path)
    assert len(back) == len(records) and set(back["id"]) == set(features)
    point = back.set_index("id").loc[saraqeb["id"], "geometry"]
    assert 36.7 < point.x < 36.9 and 35.8 < point.y < 35.9
    info = pyogrio.read_info(path)
    fields = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert fields["fatalities"].startswith("int") and fields["n_sources"].startswith("int")


def test_geojsonseq_one_feature_per_line(frame: geopandas.GeoDataFrame, records: list[dict],
                                         tmp_path: Path) -> None:
    path = tmp_path / "events.geojsons"
    assert export_events(frame, "geojsonseq", path) == len(records)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(records)
    features = [json.loads(line) for line in lines]
    assert all(f["type"] == "Feature" for f in features) and {f["id"] for f in features} == {r["id"] for r in records}
    back = pyogrio.read_dataframe(path, driver="GeoJSONSeq")
    assert set(back["id"]) == {r["id"] for r in records}
    point = back.set_index("id").loc[_saraqeb(records), "geometry"]
    assert 36.7 < point.x < 36.9 and 35.8 < point.y < 35.9


def test_text_formats_go_to_a_stream(frame: geopandas.GeoDataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("geojson", "geojsonseq", "csv", "kml"):
        buffer = io.StringIO()
        assert export_events(frame, fmt, stream=buffer) == len(frame)
        assert "zz-polygon" in buffer.getvalue()
        binary = io.BytesIO()  # a binary stream gets the same text as UTF-8
        assert export_events(frame, fmt, stream=binary) == len(frame)  # type: ignore[arg-type]
        assert binary.getvalue().decode("utf-8") == buffer.getvalue()
    export_events(frame, "geojsonseq")  # default: sys.stdout
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(frame) and json.loads(lines[0])["type"] == "Feature"


def test_empty_result(frame: geopandas.GeoDataFrame, tmp_path: Path) -> None:
    empty = frame.iloc[:0]
    buffer = io.StringIO()
    assert export_events(empty, "geojson", stream=buffer) == 0
    assert json.loads(buffer.getvalue()) == {"type": "FeatureCollection", "features": []}
    for fmt in FORMATS:
        assert export_events(empty, fmt, tmp_path / f"empty.{fmt}") == 0


# -- GeoPackage ----------------------------------------------------------------------------------------------------

def test_gpkg_mixed_layer_with_spatial_index(frame: geopandas.GeoDataFrame, records: list[dict],
                                             tmp_path: Path) -> None:
    path = tmp_path / "out.gpkg"
    assert export_events(frame, "gpkg", path) == len(records)
    info = pyogrio.read_info(path, layer="events")
    assert info["geometry_type"] == "Unknown" and info["crs"] == "EPSG:4326"
    assert info["capabilities"]["fast_spatial_filter"] and info["features"] == len(records)
    fields = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert fields["fatalities"].startswith("int") and fields["date"] == "object"  # dates stay ISO text
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM rtree_events_geom").fetchone()[0] == len(records)
    near = pyogrio.read_dataframe(path, layer="events", bbox=(36.7, 35.8, 36.9, 35.9))
    assert _saraqeb(records) in set(near["id"])
    back = {r["id"]: r for r in records_from_frame(pyogrio.read_dataframe(path, layer="events"))}
    original = {r["id"]: r for r in records}
    for id_ in (_saraqeb(records), "zz-polygon", "zz-undated"):
        for key in ("summary", "date", "place", "sources", "fatalities", "note", "meta"):
            assert back[id_].get(key) == original[id_].get(key), (id_, key)


def test_a_gpkg_export_of_a_query_is_an_event_store(frame: geopandas.GeoDataFrame, tmp_path: Path) -> None:
    """The export of a query result can be queried, appended to and ingested into like the store it came from;
    a frame that is not a query result (ids repeated) stays a plain layer."""
    import shapely

    import pandas

    subset = frame[frame["date"].fillna("") >= "2020-02-27"].reset_index(drop=True)
    assert 0 < len(subset) < len(frame)
    path = tmp_path / "subset.gpkg"
    export_events(subset, "gpkg", path)
    exported = GpkgStore(path)
    again = query(exported)
    pandas.testing.assert_frame_equal(pandas.DataFrame(again.drop(columns=again.geometry.name)),
                                      pandas.DataFrame(subset.drop(columns=subset.geometry.name)))
    same = shapely.equals_exact(shapely.normalize(again.geometry.values), shapely.normalize(subset.geometry.values),
                                1e-7)  # rings oriented as RFC 7946 asks, coordinates to 7 decimals
    assert same.all()
    written = GpkgStore(tmp_path / "written.gpkg")  # the same rows written as a store
    written.write_events(records_from_frame(subset))
    near = {"near": (35.864, 36.8), "radius_km": 25}
    assert set(query(exported, **near)["id"]) == set(query(written, **near)["id"]) != set()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() is not None
        indexes = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"events_id", "events_date"} <= indexes
    extra = {"id": "zz-appended", "date": "2020-03-05", "geometry": {"type": "Point", "coordinates": [36.8, 35.86]}}
    assert exported.write_events([extra, *records_from_frame(subset.head(2))]).inserted == 1
    plain = tmp_path / "plain.gpkg"
    export_events(pandas.concat([subset, subset.head(1)]).pipe(geopandas.GeoDataFrame), "gpkg", plain)
    with sqlite3.connect(plain) as conn, pytest.raises(sqlite3.OperationalError, match="no such table: meta"):
        conn.execute("SELECT value FROM meta")


# -- CSV -----------------------------------------------------------------------------------------------------------

def test_csv_flat_columns_wkt_and_no_live_formulas(frame: geopandas.GeoDataFrame, records: list[dict],
                                                   tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    assert export_events(frame, "csv", path) == len(records)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {r["id"] for r in records}
    hostile = rows["zz-polygon"]
    assert hostile["summary"] == "'" + HOSTILE  # neutralised, otherwise intact (quotes, newline, non-ASCII)
    assert hostile["actor1"] == "'+Fighters" and hostile["actor2"] == "'@handle"
    assert shapely.from_wkt(hostile["wkt"]).equals(shape(CW_POLYGON))
    assert json.loads(hostile["sources"])[0]["article"] == "art-zz-polygon" and hostile["fatalities"] == "3"
    saraqeb = rows[_saraqeb(records)]
    assert 35.8 < float(saraqeb["lat"]) < 35.9 and 36.7 < float(saraqeb["lon"]) < 36.9
    point = shapely.from_wkt(saraqeb["wkt"])
    assert 36.7 < point.x < 36.9 and saraqeb["date"] == "2020-02-26"
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value

    by_xy = pyogrio.read_dataframe(path, X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat", KEEP_GEOM_COLUMNS="NO")
    assert len(by_xy) == len(records)
    point = by_xy.set_index("id").loc[_saraqeb(records), "geometry"]
    assert 36.7 < point.x < 36.9 and 35.8 < point.y < 35.9
    by_wkt = pyogrio.read_dataframe(path, GEOM_POSSIBLE_NAMES="wkt", KEEP_GEOM_COLUMNS="NO")
    assert by_wkt.set_index("id").loc["zz-multi", "geometry"].geom_type == "MultiPolygon"


# -- KML / KMZ -----------------------------------------------------------------------------------------------------

def _placemarks(root: ET.Element) -> dict[str, ET.Element]:
    out = {}
    for placemark in root.iter(f"{KML}Placemark"):
        data = {d.get("name"): d.findtext(f"{KML}value") for d in placemark.iter(f"{KML}Data")}
        out[str(data["id"])] = placemark
    return out


def test_kml_time_escaping_and_coordinates(frame: geopandas.GeoDataFrame, records: list[dict],
                                           tmp_path: Path) -> None:
    path = tmp_path / "events.kml"
    assert export_events(frame, "kml", path) == len(records)
    raw = path.read_text(encoding="utf-8")
    assert "<script" not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and "CDATA" not in raw
    root = ET.parse(path).getroot()
    assert not [e for e in root.iter() if e.tag.split("}")[-1].lower() == "script"]
    placemarks = _placemarks(root)
    assert set(placemarks) == {r["id"] for r in records}

    hostile = placemarks["zz-polygon"]
    assert hostile.findtext(f"{KML}name") == "explosion — Place zz-polygon"
    description = hostile.findtext(f"{KML}description") or ""
    assert description.startswith(HOSTILE) and "Test Wire, 2020-03-02: https://" in description
    assert hostile.findtext(f"{KML}TimeStamp/{KML}when") == "2020-03-01"
    outer = hostile.findtext(f".//{KML}outerBoundaryIs//{KML}coordinates") or ""
    ring = [tuple(map(float, pair.split(","))) for pair in outer.split()]
    assert LinearRing(ring).is_ccw and ring[0] == (36.0, 35.0)
    assert hostile.find(f".//{KML}innerBoundaryIs") is not None

    week = placemarks["zz-multi"]
    assert week.findtext(f"{KML}TimeSpan/{KML}begin") == "2020-03-01"
    assert week.findtext(f"{KML}TimeSpan/{KML}end") == "2020-03-09"
    assert len(week.findall(f"{KML}MultiGeometry/{KML}Polygon")) == 2
    undated = placemarks["zz-undated"]
    assert undated.find(f"{KML}TimeStamp") is None and undated.find(f"{KML}TimeSpan") is None

    saraqeb = placemarks[_saraqeb(records)]
    lon, lat = map(float, (saraqeb.findtext(f"{KML}Point/{KML}coordinates") or "").split(","))
    assert 36.7 < lon < 36.9 and 35.8 < lat < 35.9
    assert saraqeb.findtext(f"{KML}TimeStamp/{KML}when") == "2020-02-26"
    data = {d.get("name"): d.findtext(f"{KML}value") for d in saraqeb.iter(f"{KML}Data")}
    assert data["place_name"] == "Saraqib" and data["n_sources"] == "1" and "fatalities" not in data  # null: left out
    assert placemarks["zz-fiji"].findtext(f"{KML}LineString/{KML}coordinates") == "179.8,-17.0 -179.8,-17.1"

    if "LIBKML" in pyogrio.list_drivers():
        back = pyogrio.read_dataframe(path, driver="LIBKML")
        assert len(back) == len(records)
        point = back[back["place_name"] == "Saraqib"].geometry.iloc[0]
        assert 36.7 < point.x < 36.9 and 35.8 < point.y < 35.9


def test_kmz_is_a_zip_with_doc_kml(frame: geopandas.GeoDataFrame, records: list[dict], tmp_path: Path) -> None:
    path = tmp_path / "events.kmz"
    assert export_events(frame, "kmz", path) == len(records)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["doc.kml"]
        root = ET.fromstring(archive.read("doc.kml"))
    assert set(_placemarks(root)) == {r["id"] for r in records}
    if "LIBKML" in pyogrio.list_drivers():
        assert len(pyogrio.read_dataframe(path, driver="LIBKML")) == len(records)


# -- Parquet -------------------------------------------------------------------------------------------------------

def test_geoparquet_sorted_with_bbox_column(frame: geopandas.GeoDataFrame, records: list[dict],
                                            tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    assert export_events(frame, "parquet", path) == len(records)
    back = geopandas.read_parquet(path)
    assert set(back["id"]) == {r["id"] for r in records} and back.crs.to_epsg() == 4326
    assert "bbox" in pq.read_schema(path).names
    assert str(back["fatalities"].dtype) == "Int64" and back["date"].dropna().map(DAY.match).all()
    metadata = json.loads(pq.read_metadata(path).metadata[b"geo"])
    assert metadata["version"] == "1.1.0" and metadata["primary_column"] == "geometry"
    assert "covering" in metadata["columns"]["geometry"]
    distance = back.hilbert_distance(total_bounds=metadata["columns"]["geometry"]["bbox"]).to_numpy()
    assert (np.diff(distance) >= 0).all()  # rows in Hilbert order over the data's extent
    point = back.set_index("id").loc[_saraqeb(records), "geometry"]
    assert 36.7 < point.x < 36.9 and 35.8 < point.y < 35.9


def test_partitioned_parquet_one_directory_per_month(frame: geopandas.GeoDataFrame, records: list[dict],
                                                     tmp_path: Path) -> None:
    out = tmp_path / "parts"
    out.mkdir()
    assert export_events(frame, "parquet", out) == len(records)
    months = {r["date"][:7] for r in records if r.get("date")}
    assert {p.parent.name for p in out.glob("*/part-0.parquet")} == {f"month={m}" for m in months} | {"month=undated"}
    assert (out / "_partitions.json").is_file()  # the manifest (see geo.store.parquet)
    back = geopandas.read_parquet(out)
    assert len(back) == len(records)
    feb = geopandas.read_parquet(out, filters=[("month", "=", "2020-02")])
    assert set(feb["id"]) == {r["id"] for r in records if (r.get("date") or "").startswith("2020-02")}
    assert export_events(frame, "parquet", f"{tmp_path}/new-dir/") == len(records)
    assert (tmp_path / "new-dir" / "month=undated" / "part-0.parquet").is_file()
    with pytest.raises(UsageError, match="not empty"):
        export_events(frame, "parquet", out)


# -- bad input and failures ----------------------------------------------------------------------------------------

def test_bad_usage(frame: geopandas.GeoDataFrame) -> None:
    with pytest.raises(UsageError, match="unknown export format 'shp'.*geojson"):
        export_events(frame, "shp", "x.shp")
    for fmt in ("gpkg", "kmz", "parquet"):
        with pytest.raises(UsageError, match=f"--format {fmt} needs -o FILE"):
            export_events(frame, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_unwritable_paths_name_the_path_and_leave_nothing(frame: geopandas.GeoDataFrame, fmt: str,
                                                          tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir" / f"events.{fmt}"
    with pytest.raises(StoreError, match="no-such-dir"):
        export_events(frame, fmt, missing)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="a-file"):
        export_events(frame, fmt, blocker / f"events.{fmt}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_failed_export_keeps_the_old_file(frame: geopandas.GeoDataFrame, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "events.geojson"
    path.write_text("old")
    real = geojson_module.feature_chunks

    def broken(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        chunks = real(*args, **kwargs)  # type: ignore[arg-type]
        yield next(chunks)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(geojson_module, "feature_chunks", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        export_events(frame, "geojson", path)
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["events.geojson"]


def _parts(geometry: dict | None) -> list[list[list[float]]]:
    """The coordinate sequences (lines and rings) of a GeoJSON geometry."""
    if not geometry:
        return []
    if geometry["type"] == "GeometryCollection":
        return [part for g in geometry["geometries"] for part in _parts(g)]
    depth = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
    parts = [geometry["coordinates"]]
    for _ in range(depth[geometry["type"]] - 1):
        parts = [inner for outer in parts for inner in outer]
    return parts if depth[geometry["type"]] else []
