"""``geo events`` on real files: the CONTRACTS.md record, GeoJSON axis order, bad input, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from geo.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIELDS = {"id", "type", "subtype", "acled_event_type", "acled_sub_event_type", "summary", "date", "date_end",
          "date_precision", "date_from", "place", "lat", "lon", "geometry", "geo_precision", "where_relation",
          "actor1", "actor2", "assoc_actors", "fatalities", "injured", "claimed_by", "outlets", "sources", "claims",
          "merged_because"}
PRECISION = ("site", "settlement", "near_settlement", "admin2", "line", "admin1", "country", "sea_or_airspace")


def _cache(full_gazetteer) -> list[str]:  # type: ignore[no-untyped-def]
    return ["--cache-dir", str(full_gazetteer.cache_dir)]


def test_events_json_contract_on_the_seeds(full_gazetteer, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["events", str(ROOT / "seeds"), "--format", "json", *_cache(full_gazetteer)]) == 0
    events = json.loads(capsys.readouterr().out)
    assert len(events) >= 15
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "seeds").glob("0*.txt")}
    for event in events:
        assert FIELDS <= set(event), FIELDS - set(event)
        assert event["date_precision"] in ("day", "week", "month", "year", "unknown")
        assert event["date_from"] in ("explicit", "relative", "publication", "unknown")
        assert event["geo_precision"] is None or event["geo_precision"] in PRECISION
        if event["date"]:
            assert event["date"] <= event["date_end"] and len(event["date"]) == 10
        if event["place"]:
            assert event["geometry"]["type"] in ("Point", "LineString", "MultiLineString", "Polygon",
                                                 "MultiPolygon")
        assert event["id"] == min(s["report"] for s in event["sources"])
        for source in event["sources"]:
            assert texts[source["article"]][source["start"]:source["end"]] == source["sentence"]
    dated = [e["date"] for e in events if e["date"]]
    assert dated == sorted(dated)
    assert len({e["id"] for e in events}) == len(events)
    lines = [e for e in events if e["geo_precision"] == "line"]
    assert lines and all(e["geometry"]["type"] != "Point" for e in lines)


def test_events_geojson_and_table(full_gazetteer, capsys) -> None:  # type: ignore[no-untyped-def]
    seed = str(next((ROOT / "seeds").glob("003_*.txt")))
    assert main(["events", seed, "--format", "geojson", *_cache(full_gazetteer)]) == 0
    collection = json.loads(capsys.readouterr().out)
    assert collection["type"] == "FeatureCollection" and collection["features"]
    for feature in collection["features"]:
        if feature["geometry"]["type"] == "Point":
            lon, lat = feature["geometry"]["coordinates"]
            assert (lat, lon) == (feature["properties"]["lat"], feature["properties"]["lon"])
    assert main(["events", seed, *_cache(full_gazetteer)]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:4] == ["date", "date_end", "type", "subtype"]


def test_events_bad_files_are_reported_and_the_batch_goes_on(full_gazetteer, tmp_path, capsys,  # type: ignore[no-untyped-def]
                                                             caplog) -> None:
    shutil.copy(next((ROOT / "seeds").glob("003_*.txt")), tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    code = main(["events", str(tmp_path), "--format", "json", *_cache(full_gazetteer)])
    captured = capsys.readouterr()
    assert code == 1
    assert {s["article"] for e in json.loads(captured.out) for s in e["sources"]} == {"good"}
    assert "empty.txt" in caplog.text and "binary.txt" in caplog.text


def test_events_empty_and_bad_usage(full_gazetteer, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "calm.txt").write_text("The weather was mild and the market opened as usual.\n", encoding="utf-8")
    assert main(["events", str(tmp_path / "calm.txt"), "--format", "json", *_cache(full_gazetteer)]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["events", str(tmp_path / "calm.txt"), "--jobs", "0", *_cache(full_gazetteer)]) == 2
