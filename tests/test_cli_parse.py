"""``geo places``, ``geo resolve`` and ``geo eval`` on real files: shapes, bad input, exit codes."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from geo.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _cache(full_gazetteer) -> list[str]:  # type: ignore[no-untyped-def]
    return ["--cache-dir", str(full_gazetteer.cache_dir)]


def test_places_json_contract_on_the_seeds(full_gazetteer, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["places", str(ROOT / "seeds"), "--format", "json", *_cache(full_gazetteer)]) == 0
    articles = json.loads(capsys.readouterr().out)
    assert [a["id"] for a in articles] == sorted(p.stem for p in (ROOT / "seeds").glob("0*.txt"))
    assert articles[1]["title"] == "33 Turkish soldiers killed in Syrian air raid in Idlib"
    assert articles[2]["published"] == "2020-03-01" and articles[3]["published"] == "2020-02-20"
    text = (ROOT / "seeds" / f"{articles[3]['id']}.txt").read_text(encoding="utf-8")
    keys = {"start", "end", "text", "phrase_start", "phrase_end", "cue", "role", "recognizer", "id", "geonameid",
            "name", "kind", "country", "admin1", "lat", "lon", "geometry", "confidence", "method", "alternatives"}
    for mention in articles[3]["mentions"]:
        assert keys <= set(mention)
        assert text[mention["start"]:mention["end"]] == mention["text"]
        assert 0 <= mention["confidence"] <= 1 and len(mention["alternatives"]) <= 3
    aleppo = next(m for m in articles[3]["mentions"] if m["text"] == "Aleppo")
    assert (aleppo["cue"], text[aleppo["phrase_start"]:aleppo["phrase_end"]]) == ("province", "Aleppo province")


def test_places_geojson_puts_lon_first(full_gazetteer, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin", io.StringIO("Shelling hit Saraqeb and the M5 highway in Idlib province."))
    assert main(["places", "-", "--format", "geojson", *_cache(full_gazetteer)]) == 0
    features = json.loads(capsys.readouterr().out)["features"]
    saraqeb = next(f for f in features if f["properties"]["text"] == "Saraqeb")
    lon, lat = saraqeb["geometry"]["coordinates"]
    assert 36 < lon < 37.5 and 35 < lat < 36.5 and (saraqeb["properties"]["lat"], saraqeb["properties"]["lon"]) == \
        (lat, lon)
    m5 = next(f for f in features if f["properties"]["text"] == "M5")
    assert m5["geometry"]["type"] == "LineString"


def test_places_reports_bad_files_and_goes_on(full_gazetteer, tmp_path, capsys, caplog) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(ROOT / "seeds" / "003_9540e75d7a9aa565.txt", tmp_path / "good.txt")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 in Idlib".encode("latin-1"))
    (tmp_path / "french.txt").write_text("La Turquie a lancé une opération militaire dans le nord de la Syrie, "
                                         "selon le ministère de la Défense.", encoding="utf-8")
    code = main(["places", str(tmp_path), "--format", "json", *_cache(full_gazetteer)])
    captured = capsys.readouterr()
    assert code == 1
    articles = {a["id"]: a for a in json.loads(captured.out)}
    assert set(articles) == {"good", "french", "latin1"} and articles["good"]["mentions"]
    assert articles["french"]["language"] == "fr" and articles["french"]["mentions"] == []
    assert articles["latin1"]["mentions"][0]["text"] == "Idlib"     # Windows-1252, read with a warning
    for name, problem in (("binary.txt", "binary"), ("empty.txt", "empty"), ("latin1.txt", "Windows-1252")):
        assert name in caplog.text and problem in caplog.text


def test_places_table_and_untrusted_text(full_gazetteer, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin", io.StringIO("Clashes in Idlib.\x1b[31m <script>alert(1)</script> ' OR 1=1"))
    assert main(["places", "-", *_cache(full_gazetteer)]) == 0
    out = capsys.readouterr().out
    assert "Idlib" in out and "\x1b" not in out


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A small gold corpus written by hand from the seeds (the annotator's spans and coordinates)."""
    text = (ROOT / "seeds" / "003_9540e75d7a9aa565.txt").read_text(encoding="utf-8")
    gold = [("Qaminas", 35.90, 36.65), ("Nayrab", 35.83, 36.76), ("Moscow", 55.75, 37.62)]
    toponyms = []
    for name, lat, lon in gold:
        start = text.index(name)
        toponyms.append({"start": start, "end": start + len(name), "name": name, "lat": lat, "lon": lon,
                         "wiki": "ignored"})
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "s3", "text": text, "source": "kept", "toponyms": toponyms}) + "\n",
                    encoding="utf-8")
    return path


def test_resolve_keeps_fields_and_extends_toponyms(full_gazetteer, corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.jsonl"
    assert main(["resolve", "--in", str(corpus), "--out", str(out), *_cache(full_gazetteer)]) == 0
    [doc] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert doc["source"] == "kept" and doc["id"] == "s3"
    for toponym in doc["toponyms"]:
        assert {"lat", "lon", "geonameid", "place_id", "kind", "confidence", "wiki"} <= set(toponym)
    assert doc["toponyms"][0]["place_id"] == "geonames:166161"
    assert not list(tmp_path.glob("*.partial"))


def test_eval_reports_the_metrics(full_gazetteer, corpus, capsys) -> None:  # type: ignore[no-untyped-def]
    for mode in ("gold", "e2e"):
        assert main(["eval", str(corpus), "--mode", mode, "--format", "json", *_cache(full_gazetteer)]) == 0
        summary = json.loads(capsys.readouterr().out)
        assert summary["toponyms"] == 3 and summary["acc@161"] == 1.0 and summary["coverage"] == 1.0
        assert {"auc", "mean_km", "median_km", "acc@161_area"} <= set(summary)
        if mode == "e2e":
            assert summary["recall"] == 1.0 and 0 < summary["precision"] < 1 and "f1" in summary


def test_eval_bad_corpus_names_the_line(tmp_path, capsys, full_gazetteer) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok", "toponyms": []}\nnot json\n', encoding="utf-8")
    assert main(["eval", str(bad), *_cache(full_gazetteer)]) == 1
    assert "bad.jsonl, line 2" in capsys.readouterr().err


def test_geovirus_eval_runs(full_gazetteer, shared_dir, capsys) -> None:  # type: ignore[no-untyped-def]
    """The development corpus end to end (targets are measured in bench/, not pinned here)."""
    assert main(["eval", str(shared_dir / "eval" / "geovirus.jsonl"), "--mode", "e2e", "--format", "json",
                 *_cache(full_gazetteer)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["documents"] == 229 and summary["toponyms"] == 2170 and 0 < summary["f1"] <= 1
