"""Curated packs: the schema, the shipped packs, and a clear error for every kind of bad row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gazetteer import Gazetteer, PackError
from gazetteer.model import KINDS
from gazetteer.sources.packs import PACK_COLUMNS, PackSource, builtin_packs

HEADER = ",".join(PACK_COLUMNS)
GOOD = 'edirne-gate,Edirne Gate,Test Gate,crossing,,TR,Edirne,41.70,26.36,,,,false,approximate: test row\n'


def write(tmp_path: Path, body: str, name: str = "user.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("row, problem", [
    ('x,X,,road,,SY,,,,,,"LINESTRING (36 35, 37",true,approximate: bad\n', "invalid WKT"),
    ("x,X,,populated_place,,SY,,95.0,36.0,,,,false,test\n", "lat 95.0 is out of range"),
    ("x,X,,populated_place,,SY,,35.0,190,,,,false,test\n", "lon 190 is out of range"),
    ("x,X,,village,,SY,,35.0,36.0,,,,false,test\n", "unknown kind 'village'"),
    ("x,X,,populated_place,,SY,,35.0,36.0,,,,false,\n", "empty 'source'"),
    ("x,X,,populated_place,,SY,,35.0,36.0,,,,maybe,test\n", "approximate must be true or false"),
    ("x,X,,populated_place,,SY,,,,,,,false,test\n", "needs lat and lon, or wkt"),
    ("x,X,,populated_place,,SY,,abc,36.0,,,,false,test\n", "lat 'abc' is not a number"),
    ('x,X,,region,,SY,,,,,,"POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))",true,test\n', "invalid geometry"),
    ('x,X,,road,,SY,,,,,,"LINESTRING (35 36, 200 37)",true,test\n', "out of range"),
])
def test_bad_row_names_file_and_line(tmp_path: Path, row: str, problem: str) -> None:
    path = write(tmp_path, GOOD + row)
    with pytest.raises(PackError) as info:
        list(PackSource(path).records())
    assert info.value.row == 3
    assert str(path) in str(info.value) and "line 3" in str(info.value)
    assert problem in str(info.value)


def test_duplicate_ids_and_missing_columns(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="duplicate id 'edirne-gate'"):
        list(PackSource(write(tmp_path, GOOD + GOOD)).records())
    bad = tmp_path / "short.csv"
    bad.write_text("id,name\nx,X\n", encoding="utf-8")
    with pytest.raises(PackError, match="header lacks column"):
        list(PackSource(bad).records())
    with pytest.raises(PackError, match="no such file"):
        list(PackSource(tmp_path / "absent.csv").records())


def test_geojson_pack_and_line_representative_point(tmp_path: Path) -> None:
    path = tmp_path / "lines.geojson"
    feature = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[36.0, 35.0], [37.0, 36.0]]},
               "properties": {"id": "r1", "name": "Test Road", "kind": "road", "source": "approximate: test",
                              "approximate": "true", "country": "SY"}}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    [record] = list(PackSource(path).records())
    place = record.place
    assert place.id == "pack:lines:r1" and place.kind == "road" and place.approximate
    assert (place.lat, place.lon) == pytest.approx((35.5, 36.5))  # mid-length point, lat/lon from (lon, lat)
    assert place.geometry_json()["type"] == "LineString"


def test_shipped_packs_are_valid_and_sourced() -> None:
    paths = builtin_packs()
    assert any(p.stem == "levant" for p in paths)
    for path in paths:
        source = PackSource(path)
        for record in source.records():
            place = record.place
            assert place.kind in KINDS
            assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180
            assert json.loads(place.provenance)["source"]
        for alias in source.aliases:
            assert alias.source and (alias.kind in KINDS or alias.kind == "demonym")


def test_user_pack_outranks_embedded_on_ties(tmp_path: Path, small_sources: list) -> None:
    # A user place with the same name, kind, population and names as the embedded country: a tie.
    embedded = Gazetteer(cache_dir=tmp_path / "c", sources=small_sources, packs=[])
    [greece] = embedded.get("geonames:390903")
    names = "|".join(n.replace('"', "") for n in embedded.names(greece.id)[1:])
    row = f'gr,Greece,"{names}",country,PCLI,GR,,39.0,22.0,{greece.population},,,false,test: a user copy\n'
    gaz = Gazetteer(cache_dir=tmp_path / "c", sources=small_sources, packs=[write(tmp_path, row)])
    first = gaz.lookup("Greece")[0]
    assert first.place.id == "pack:user:gr"
    assert "geonames:390903" in [c.place.id for c in gaz.lookup("Greece")]


def test_user_pack_row_with_geonameid_replaces_embedded_record(tmp_path: Path, small_sources: list) -> None:
    row = "gr,Hellas Test,Greece,country,PCLI,GR,,38.0,23.7,10716322,390903,,false,test: override\n"
    gaz = Gazetteer(cache_dir=tmp_path / "c", sources=small_sources, packs=[write(tmp_path, row)])
    ids = [c.place.id for c in gaz.lookup("Greece")]
    assert ids.count("geonames:390903") == 1
    assert gaz.lookup("Greece")[0].place.name == "Hellas Test"


def test_bad_user_pack_fails_lookup_clearly(tmp_path: Path, small_sources: list) -> None:
    path = write(tmp_path, "x,X,,nowhere,,SY,,35,36,,,,false,test\n")
    gaz = Gazetteer(cache_dir=tmp_path / "c", sources=small_sources, packs=[path])
    with pytest.raises(PackError, match="unknown kind 'nowhere'"):
        gaz.lookup("Greece")


def test_fuzzy_lookup_finds_user_pack_names_one_consonant_away(tmp_path: Path, small_sources: list) -> None:
    pack = write(tmp_path, "kh,Khirbat al Marjanah,,populated_place,,SY,Idlib,35.9,36.6,,,,false,test: a user row\n")
    gaz = Gazetteer(cache_dir=tmp_path / "cache", sources=small_sources, packs=[pack])
    # exact; a consonant added; dropped; two swapped
    for misspelt in ("Khirbat al Marjanah", "Khirbat al Marjanat", "Khirbat al Maranah", "Khirbat al Majranah"):
        found = gaz.lookup(misspelt)
        assert [c.place.id for c in found] == ["pack:user:kh"], misspelt
    assert gaz.lookup("Khirbat al Marjanah")[0].match.type == "exact"
    assert gaz.lookup("Khirbat al Maranah")[0].match.type == "fuzzy"
    assert gaz.lookup("Khirbat al Marjanah", fuzzy=True, kinds=["road"]) == []
