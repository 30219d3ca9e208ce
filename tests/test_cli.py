"""The ``geo`` command: help with examples, JSON on stdout, exit codes, global options anywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.cli import build_parser, main

COMMANDS = [[], ["gazetteer"], ["gazetteer", "lookup"], ["gazetteer", "info"], ["gazetteer", "rebuild"],
            ["gazetteer", "import"], ["gazetteer", "download"], ["gazetteer", "import-boundaries"],
            ["gazetteer", "download-boundaries"], ["places"], ["resolve"], ["eval"]]


@pytest.mark.parametrize("words", COMMANDS)
def test_every_command_help_has_an_example(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args([*words, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and "geo " in out.split("examples:")[1]


def test_version_and_module_entry_point() -> None:
    out = subprocess.run([sys.executable, "-m", "geo", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("geo ")


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["gazetteer", "lookup"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["gazetteer", "lookup", "Idlib", "--format", "xml"])
    assert info.value.code == 2


def _run(args: list[str], cache: Path, *extra_env: tuple[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "GEO_CACHE_DIR": str(cache), **dict(extra_env)}
    env.pop("GEO_PACKS", None)
    return subprocess.run([sys.executable, "-m", "geo", *args], capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.slow
def test_lookup_json_contract(full_gazetteer, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["gazetteer", "lookup", "Saraqeb", "--format", "json", "--cache-dir", str(full_gazetteer.cache_dir)])
    assert code == 0
    [first, *_] = json.loads(capsys.readouterr().out)
    for key in ("id", "geonameid", "source", "name", "kind", "feature_code", "country", "admin1", "lat", "lon",
                "population", "match", "geometry", "approximate"):
        assert key in first
    assert first["id"] == "geonames:164816" and first["geonameid"] == 164816
    assert set(first["match"]) == {"type", "name", "score"} and first["geometry"] is None


@pytest.mark.slow
def test_global_options_before_or_after_and_geometry_json(full_gazetteer, capsys) -> None:
    cache = str(full_gazetteer.cache_dir)
    assert main(["--cache-dir", cache, "gazetteer", "lookup", "M5 highway", "--format", "json", "--limit", "1"]) == 0
    [road] = json.loads(capsys.readouterr().out)
    assert road["kind"] == "road" and road["geometry"]["type"] == "LineString"
    lon, lat = road["geometry"]["coordinates"][0]  # GeoJSON is (lon, lat)
    assert 32 < lat < 37.5 and 35.5 < lon < 38


@pytest.mark.slow
def test_empty_result_is_empty_array_exit_0(full_gazetteer, capsys) -> None:
    cache = str(full_gazetteer.cache_dir)
    assert main(["gazetteer", "lookup", "Xqzvbnmwrt", "--format", "json", "--cache-dir", cache]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_expected_failures_exit_1_with_a_clear_message(tmp_path: Path) -> None:
    pack = tmp_path / "bad.csv"
    pack.write_text("id,name\n")
    result = _run(["gazetteer", "lookup", "Idlib", "--pack", str(pack), "--cache-dir", str(tmp_path / "c"),
                   "--kind", "country"], tmp_path)
    assert result.returncode == 1
    assert "bad.csv" in result.stderr and "header lacks" in result.stderr
    assert result.stdout == ""


@pytest.mark.slow
def test_info_json(full_gazetteer, capsys) -> None:
    assert main(["gazetteer", "info", "--format", "json", "--cache-dir", str(full_gazetteer.cache_dir)]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["places"] > 200_000 and info["places_by_source"]["geonames"] > 200_000


def test_packs_and_cache_dir_from_the_environment(tmp_path: Path) -> None:
    pack = tmp_path / "mine.csv"
    pack.write_text("id,name,alternate_names,kind,feature_code,country,admin1,lat,lon,population,geonameid,wkt,"
                    "approximate,source\nobs-9,Observation Point Nine,OP9,site,,SY,Idlib,35.75,36.6,,,,true,"
                    "approximate: test\n", encoding="utf-8")
    import os

    env = {**os.environ, "GEO_CACHE_DIR": str(tmp_path / "cache"), "GEO_PACKS": str(pack)}
    code = ("import sys; from geo.cli import main; from gazetteer.sources.countries import CountriesSource; "
            "import gazetteer.lookup as l; l.default_sources = lambda: [CountriesSource()]; "
            "sys.exit(main(sys.argv[1:]))")
    result = subprocess.run([sys.executable, "-c", code, "gazetteer", "lookup", "OP9", "--format", "json"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    [found] = json.loads(result.stdout)
    assert found["id"] == "pack:mine:obs-9" and found["kind"] == "site"
    assert (tmp_path / "cache").is_dir()


@pytest.mark.slow
def test_near_a_named_place_and_repeated_kinds(full_gazetteer, capsys) -> None:
    cache = str(full_gazetteer.cache_dir)
    assert main(["gazetteer", "lookup", "Ayvacik", "--near", "Samsun", "--format", "json", "--cache-dir", cache]) == 0
    assert json.loads(capsys.readouterr().out)[0]["admin1"] == "Samsun"
    assert main(["gazetteer", "lookup", "Idlib", "--kind", "admin1", "--kind", "country", "--format", "json",
                 "--cache-dir", cache]) == 0
    assert {r["kind"] for r in json.loads(capsys.readouterr().out)} == {"admin1"}
    assert main(["gazetteer", "lookup", "Idlib", "--near", "Narnia Nowhere Land", "--cache-dir", cache]) == 1
