"""``geo query`` and ``geo export`` on a store of the seeds' real events; every expected result is derived by
filtering the records in Python, never hard-coded."""

from __future__ import annotations

import datetime as dt
import csv
import io
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyogrio
import pyproj
import pytest
from shapely.geometry import Point, Polygon, box, mapping, shape

from gazetteer import Gazetteer
from gazetteer.index import keys_path
from geo.articles import read_articles
from geo.cli import build_parser, main
from geo.events import EventExtractor
from geo.store import GEO_PRECISION_ORDER, GpkgStore

ROOT = Path(__file__).resolve().parent.parent
#: Idlib governorate, roughly (lon, lat).
IDLIB = Polygon([(36.18, 35.45), (36.75, 35.40), (37.02, 35.62), (36.98, 36.02), (36.70, 36.25),
                 (36.45, 36.25), (36.25, 36.05), (36.12, 35.80)])
BOWTIE = {"type": "Polygon", "coordinates": [[[36.0, 35.0], [38.0, 37.0], [38.0, 35.0], [36.0, 37.0], [36.0, 35.0]]]}
SARAQEB = (35.864, 36.800)  # lat, lon

Records = list[dict[str, Any]]


@pytest.fixture(scope="module")
def records(geoparser) -> Records:  # type: ignore[no-untyped-def]
    articles = sorted(read_articles([ROOT / "seeds"]), key=lambda a: a.path)
    return [event.to_dict() for event in EventExtractor(geoparser, jobs=1).extract(articles)]


@pytest.fixture(scope="module")
def db(records: Records, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "events.gpkg"
    GpkgStore(path).write_events(records)
    return path


def _bare_cache(full_gazetteer: Gazetteer, folder: Path) -> Path:
    """A cache dir sharing the full index (symlinks), with no imported boundaries."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in (full_gazetteer.index_path, keys_path(full_gazetteer.index_path)):
        os.symlink(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def plain_cache(full_gazetteer: Gazetteer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _bare_cache(full_gazetteer, tmp_path_factory.mktemp("plain") / "cache")


@pytest.fixture(scope="module")
def sy_cache(full_gazetteer: Gazetteer, shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache with the shared Syrian admin polygons imported (through the CLI)."""
    cache = _bare_cache(full_gazetteer, tmp_path_factory.mktemp("sy") / "cache")
    assert main(["--cache-dir", str(cache), "gazetteer", "import-boundaries",
                 str(shared_dir / "data" / "wof" / "wof_sy_admin.geojson"), "--format", "json"]) == 0
    return cache


@pytest.fixture()
def run(db: Path, plain_cache: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Records]:
    """``geo query … --format json`` on the seeds' store: the parsed array (the exit status must be 0)."""

    def query(*args: str, cache: Path = plain_cache) -> Records:
        code = main(["query", "--db", str(db), "--cache-dir", str(cache), "--format", "json", *args])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        result = json.loads(captured.out)
        assert isinstance(result, list)
        return result

    return query


def _fails(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    assert captured.out == ""
    return code, captured.err


def _ids(records: Records) -> list[str]:
    return [r["id"] for r in records]


def _where(records: Records, keep: Callable[[dict[str, Any]], bool]) -> set[str]:
    return {r["id"] for r in records if keep(r)}


def _meets(region: Any) -> Callable[[dict[str, Any]], bool]:
    """Points and lines meet a region when they intersect it; areas when they share >= 1 % of the smaller area."""
    def meets(record: dict[str, Any]) -> bool:
        geometry = shape(record["geometry"])
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or region.area == 0:
            return bool(geometry.intersects(region))
        return bool(geometry.intersection(region).area >= 0.01 * min(geometry.area, region.area))
    return meets


# -- output shape -------------------------------------------------------------------------------------------------

def test_json_is_one_array_of_event_records_sorted_by_date(run: Callable[..., Records], records: Records) -> None:
    result = run()
    assert set(_ids(result)) == {r["id"] for r in records} and len(result) == len(records)
    by_id = {r["id"]: r for r in records}
    for got in result:
        assert set(got) == set(by_id[got["id"]])
        assert got["place"] == by_id[got["id"]]["place"] and got["sources"] == by_id[got["id"]]["sources"]
    dated = [r["date"] for r in result if r["date"]]
    assert dated == sorted(dated) and all(r["date"] is None for r in result[len(dated):])


def test_table_is_the_default(db: Path, records: Records, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--db", str(db), "--type", "air_strike"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["date", "date_end", "type"] and "n_sources" in lines[0] and "id" in lines[0]
    expected = _where(records, lambda r: "air_strike" in (r["type"], r["subtype"]))
    assert expected and len(lines) == 2 + len(expected)
    assert {line.split()[-1] for line in lines[2:]} == expected


def test_geojson_and_csv_on_stdout(db: Path, records: Records, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--db", str(db), "--format", "geojson", "--bbox", "35.5,35,37.5,36.5"]) == 0
    collection = json.loads(capsys.readouterr().out)
    assert collection["type"] == "FeatureCollection"
    expected = _where(records, _meets(box(35.5, 35, 37.5, 36.5)))
    assert expected and {f["properties"]["id"] for f in collection["features"]} == expected
    assert main(["query", "--db", str(db), "--format", "csv", "--type", "migration"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {row["id"] for row in rows} == _where(records, lambda r: r["type"] == "migration") and len(rows) > 0


def test_empty_results(run: Callable[..., Records], db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--text", "no summary says this") == []
    assert run("--bbox", "170,-20,-170,-10") == []  # across the antimeridian, far from the seeds
    assert main(["query", "--db", str(db), "--outlet", "Nobody News", "--format", "geojson"]) == 0
    assert json.loads(capsys.readouterr().out) == {"type": "FeatureCollection", "features": []}
    assert main(["query", "--db", str(db), "--outlet", "Nobody News"]) == 0
    assert capsys.readouterr().out.strip() == "(none)"


# -- time, attribute and text filters ----------------------------------------------------------------------------

def _overlaps(since: str | None, until: str | None) -> Callable[[dict[str, Any]], bool]:
    def keep(r: dict[str, Any]) -> bool:
        if r["date"] is None:
            return False
        return (until is None or r["date"] <= until) and (since is None or (r["date_end"] or r["date"]) >= since)
    return keep


def test_since_until_and_undated(run: Callable[..., Records], records: Records) -> None:
    days = sorted({r["date"] for r in records if r["date"]})
    middle = days[len(days) // 2]
    for args, since, until in ((("--since", middle), middle, None), (("--until", middle), None, middle),
                               (("--since", middle, "--until", middle), middle, middle)):
        expected = _where(records, _overlaps(since, until))
        assert expected and set(_ids(run(*args))) == expected
    undated = _where(records, lambda r: r["date"] is None)
    assert undated, "the seeds have undated events"
    assert set(_ids(run("--since", middle, "--include-undated"))) == _where(records, _overlaps(middle, None)) | undated


def test_outlet_article_claimed_by_type_text(run: Callable[..., Records], records: Records) -> None:
    outlet = records[1]["outlets"][0] if records[1]["outlets"] else next(o for r in records for o in r["outlets"])
    with_outlet = _where(records, lambda r: outlet in r["outlets"])
    assert set(_ids(run("--outlet", outlet.upper()))) == with_outlet
    assert set(_ids(run("--outlet", "Nobody News", "--outlet", outlet))) == with_outlet  # repeatable: any

    articles = sorted({s["article"] for r in records for s in r["sources"]})
    picked = articles[:2]
    assert set(_ids(run("--article", picked[0], "--article", picked[1]))) == _where(
        records, lambda r: any(s["article"] in picked for s in r["sources"]))

    claimants = sorted({c for r in records for c in r["claimed_by"]})
    assert set(_ids(run("--claimed-by", "sohr"))) == _where(records, lambda r: "SOHR" in r["claimed_by"])
    assert set(_ids(run("--claimed-by", claimants[0], "--claimed-by", claimants[-1]))) == _where(
        records, lambda r: bool({claimants[0], claimants[-1]} & set(r["claimed_by"])))

    for token in ("migration", "air_strike"):
        expected = _where(records, lambda r, t=token: t in (r["type"], r["subtype"]))
        assert expected and set(_ids(run("--type", token))) == expected

    word = "soldiers"
    expected = _where(records, lambda r: word in r["summary"].lower())
    assert expected and set(_ids(run("--text", word.upper()))) == expected


def test_max_geo_precision_and_limit(run: Callable[..., Records], records: Records) -> None:
    for token in ("settlement", "line", "country"):
        allowed = GEO_PRECISION_ORDER[:GEO_PRECISION_ORDER.index(token) + 1]
        expected = _where(records, lambda r, a=allowed: r["geo_precision"] in a)
        assert set(_ids(run("--max-geo-precision", token))) == expected
    everything = _ids(run())
    assert _ids(run("--limit", "3")) == everything[:3]
    assert run("--limit", "0") == []


# -- place filters ------------------------------------------------------------------------------------------------

def test_bbox(run: Callable[..., Records], records: Records) -> None:
    expected = _where(records, _meets(box(36.5, 35.7, 37.0, 36.0)))
    assert expected and set(_ids(run("--bbox", "36.5,35.7,37,36"))) == expected


def test_polygon_geojson_and_wkt(run: Callable[..., Records], records: Records, tmp_path: Path) -> None:
    expected = _where(records, _meets(IDLIB))
    assert expected and expected != {r["id"] for r in records}
    geojson = tmp_path / "idlib.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Idlib"}, "geometry": mapping(IDLIB)}]}))
    assert set(_ids(run("--polygon", str(geojson)))) == expected
    wkt = tmp_path / "idlib.wkt"
    wkt.write_text(IDLIB.wkt)
    assert set(_ids(run("--polygon", str(wkt)))) == expected


def test_polygon_bowtie_is_repaired_with_a_warning(run: Callable[..., Records], records: Records, tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    from shapely import make_valid

    path = tmp_path / "bowtie.geojson"
    path.write_text(json.dumps(BOWTIE))
    with caplog.at_level(logging.WARNING):
        result = run("--polygon", str(path))
    assert "invalid" in caplog.text and "make_valid" in caplog.text
    expected = _where(records, _meets(make_valid(shape(BOWTIE))))
    assert expected and set(_ids(result)) == expected


def test_polygon_file_errors_exit_1(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    projected = tmp_path / "idlib-metres.wkt"
    projected.write_text("POLYGON ((4050000 4270000, 4110000 4270000, 4110000 4330000, 4050000 4270000))")
    code, err = _fails(capsys, "query", "--db", str(db), "--polygon", str(projected))
    assert code == 1 and "idlib-metres.wkt" in err and "EPSG:4326" in err
    code, err = _fails(capsys, "query", "--db", str(db), "--polygon", str(tmp_path / "none.geojson"))
    assert code == 1 and "none.geojson" in err


def test_within_countries(run: Callable[..., Records], records: Records, full_gazetteer: Gazetteer) -> None:
    for name, code in (("Syria", "SY"), ("Turkey", "TR"), ("Greece", "GR")):
        country = full_gazetteer.lookup(name, kinds=("country",))[0].place
        assert country.country == code
        expected = _where(records, _meets(shape(country.geometry_json())))
        assert expected, name
        assert set(_ids(run("--within", name))) == expected
        assert set(_ids(run("--within", country.id))) == expected
    turkish = {r["id"]: r for r in run("--within", "Turkey")}
    assert not [r for r in turkish.values() if r["geo_precision"] == "country" and r["place"]["country"] == "SY"]
    greek = set(_ids(run("--within", "Greece")))
    assert any(r["place"]["name"].startswith("Greece") for r in records if r["id"] in greek)  # the border line


def test_within_an_admin1_after_importing_boundaries(run: Callable[..., Records], records: Records,
                                                     sy_cache: Path) -> None:
    province = Gazetteer(cache_dir=sy_cache, packs=[]).lookup("Idlib province")[0].place
    assert province.kind == "admin1" and province.geometry
    polygon = shape(province.geometry_json())
    expected = _where(records, _meets(polygon))
    result = set(_ids(run("--within", "Idlib", cache=sy_cache)))
    assert result == expected
    assert any(r["place"]["name"] == "Saraqib" for r in records if r["id"] in result)
    outside = _where(records, lambda r: r["geometry"]["type"] == "Point" and not polygon.intersects(
        shape(r["geometry"])))
    assert outside and not outside & result
    assert set(_ids(run("--within", "Idlib province", cache=sy_cache))) == expected


def test_within_an_admin1_without_boundaries_says_how_to_get_them(db: Path, plain_cache: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _fails(capsys, "query", "--db", str(db), "--cache-dir", str(plain_cache), "--within", "Idlib")
    assert code == 1
    assert "no boundary polygon" in err and "geo gazetteer download-boundaries SY --level admin1" in err
    assert "geo gazetteer import-boundaries FILE" in err


def test_within_ambiguous_unknown_and_point_names_exit_1(db: Path, plain_cache: Path, full_gazetteer: Gazetteer,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    base = ["query", "--db", str(db), "--cache-dir", str(plain_cache)]
    code, err = _fails(capsys, *base, "--within", "Punjab")
    assert code == 1 and "ambiguous" in err
    for candidate in full_gazetteer.lookup("Punjab", kinds=("admin1",))[:2]:
        assert candidate.place.id in err and candidate.place.country in err
    code, err = _fails(capsys, *base, "--within", "Qwxzzy Land")
    assert code == 1 and "no region named 'Qwxzzy Land'" in err
    code, err = _fails(capsys, *base, "--within", "Saraqeb")
    assert code == 1 and "not a region" in err and "--near" in err


def _geodesic_km(lat: float, lon: float, point: dict[str, Any]) -> float:
    x, y = point["coordinates"]
    return float(pyproj.Geod(ellps="WGS84").inv(lon, lat, x, y)[2]) / 1000


def test_near_a_name_or_a_point(run: Callable[..., Records], records: Records) -> None:
    by_name = set(_ids(run("--near", "Saraqeb", "--radius", "25km")))
    by_point = set(_ids(run("--near", f"{SARAQEB[0]},{SARAQEB[1]}", "--radius", "25")))
    assert by_name == by_point
    assert set(_ids(run("--near", "Saraqeb"))) == by_name  # 25 km is the default radius
    points = [r for r in records if r["geometry"]["type"] == "Point"]
    assert {r["id"] for r in points} & by_point == {
        r["id"] for r in points if _geodesic_km(*SARAQEB, r["geometry"]) <= 25}
    here = Point(SARAQEB[1], SARAQEB[0])
    for r in records:
        if r["geometry"]["type"] != "Point":  # lines and areas: the distance is from the nearest point
            geometry = shape(r["geometry"])
            if geometry.intersects(here.buffer(0.1)):
                assert r["id"] in by_point, r["place"]["name"]
            elif geometry.distance(here) > 0.5:
                assert r["id"] not in by_point, r["place"]["name"]
    assert any(r["place"]["name"] == "Saraqib" for r in records if r["id"] in by_name)
    small = set(_ids(run("--near", f"{SARAQEB[0]},{SARAQEB[1]}", "--radius", "500m")))
    assert small == set(_ids(run("--near", f"{SARAQEB[0]},{SARAQEB[1]}", "--radius", "0.5")))
    assert small < by_point


def test_filters_combine(run: Callable[..., Records], records: Records) -> None:
    syria = run("--within", "Syria")
    day = sorted(r["date"] for r in syria if r["date"])[-1]
    expected = {r["id"] for r in syria if _overlaps(day, None)(r)}
    assert set(_ids(run("--within", "Syria", "--since", day))) == expected


# -- usage and store errors ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["--bbox", "1,2,3"], ["--bbox", "35,36,37,95"], ["--near", "Saraqeb", "--radius", "far"],
    ["--radius", "25km"], ["--since", "2020-02-30"], ["--until", "yesterday"], ["--near", "95,36"],
    ["--since", "2020-03-01", "--until", "2020-02-01"], ["--limit", "-1"],
])
def test_bad_usage_exits_2(db: Path, plain_cache: Path, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, err = _fails(capsys, "query", "--db", str(db), "--cache-dir", str(plain_cache), *args)
    assert code == 2 and err.startswith("geo: error:")


def test_argparse_usage_errors(db: Path, tmp_path: Path) -> None:
    for args in (["--polygon", "a.geojson", "--within", "Syria"], ["--max-geo-precision", "street"],
                 ["--format", "kml"]):
        with pytest.raises(SystemExit) as info:
            main(["query", "--db", str(db), *args])
        assert info.value.code == 2


def test_missing_and_corrupt_store_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.gpkg"
    code, err = _fails(capsys, "query", "--db", str(missing))
    assert code == 1 and str(missing) in err and "geo ingest" in err
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"this is not sqlite" * 100)
    code, err = _fails(capsys, "export", "--db", str(junk), "-o", str(tmp_path / "out.geojson"))
    assert code == 1 and "junk.gpkg" in err
    assert not (tmp_path / "out.geojson").exists()


def test_default_db_is_events_gpkg_in_the_current_directory(db: Path, tmp_path: Path, records: Records,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, err = _fails(capsys, "query")
    assert code == 1 and "events.gpkg" in err
    monkeypatch.chdir(db.parent)
    assert main(["query", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == len(records)


@pytest.mark.parametrize("words", [["query"], ["export"]])
def test_help_has_examples(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args([*words, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"geo {words[0]} " in out.split("examples:")[1]


# -- export -------------------------------------------------------------------------------------------------------

def test_export_files_match_the_query(db: Path, plain_cache: Path, records: Records, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    base = ["export", "--db", str(db), "--cache-dir", str(plain_cache), "--within", "Syria"]
    assert main(["query", "--db", str(db), "--cache-dir", str(plain_cache), "--within", "Syria",
                 "--format", "json"]) == 0
    syria = _ids(json.loads(capsys.readouterr().out))
    assert syria
    out = tmp_path / "syria.geojson"
    assert main([*base, "-o", str(out)]) == 0
    assert f"wrote {len(syria)} event(s)" in capsys.readouterr().err
    collection = json.loads(out.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert [f["properties"]["id"] for f in collection["features"]] == syria
    gpkg = tmp_path / "syria.gpkg"  # the format follows the suffix
    assert main([*base, "-o", str(gpkg)]) == 0
    capsys.readouterr()
    full = pyogrio.read_dataframe(gpkg, layer="events")
    assert sorted(full["id"]) == sorted(syria)
    csv = tmp_path / "syria.txt"
    assert main([*base, "--format", "csv", "-o", str(csv)]) == 0
    capsys.readouterr()
    assert len(csv.read_text(encoding="utf-8").splitlines()) == 1 + len(syria)


def test_export_text_to_stdout_and_binary_needs_a_file(db: Path, records: Records,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--db", str(db), "--format", "geojsonseq"]) == 0
    captured = capsys.readouterr()
    lines = [json.loads(line.lstrip("\x1e")) for line in captured.out.splitlines() if line.strip()]
    assert len(lines) == len(records) and all(f["type"] == "Feature" for f in lines)
    assert f"wrote {len(records)} event(s) to stdout" in captured.err
    assert main(["export", "--db", str(db), "-o", "-"]) == 0  # geojson by default
    assert json.loads(capsys.readouterr().out)["type"] == "FeatureCollection"
    code, err = _fails(capsys, "export", "--db", str(db), "--format", "gpkg")
    assert code == 2 and "-o" in err


def test_export_empty_result(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "none.geojson"
    assert main(["export", "--db", str(db), "--text", "no summary says this", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["features"] == []
    assert "wrote 0 event(s)" in capsys.readouterr().err


def test_iso_dates_in_output(run: Callable[..., Records]) -> None:
    for record in run("--since", "2020-02-27"):
        dt.date.fromisoformat(record["date"])


def test_export_kml_and_partitioned_parquet(db: Path, records: Records, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    kml = tmp_path / "events.kml"
    assert main(["export", "--db", str(db), "--type", "migration", "-o", str(kml)]) == 0
    migrations = _where(records, lambda r: r["type"] == "migration")
    assert "(kml)" in capsys.readouterr().err and kml.read_text(encoding="utf-8").count("<Placemark") == len(
        migrations)
    folder = f"{tmp_path / 'parquet'}{os.sep}"  # a trailing separator asks for monthly partitions
    assert main(["export", "--db", str(db), "-o", folder]) == 0
    assert "(parquet)" in capsys.readouterr().err
    months = {p.name for p in Path(folder).iterdir() if not p.name.startswith("_")}
    assert months == {f"month={r['date'][:7]}" if r["date"] else "month=undated" for r in records}
    assert (Path(folder) / "_partitions.json").is_file()
