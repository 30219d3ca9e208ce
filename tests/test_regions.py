"""Query regions from user arguments: radius and bbox syntax, polygon files, region names and points."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import geopandas
import pytest
from shapely.geometry import Point, Polygon, box, mapping, shape

from gazetteer import Gazetteer
from gazetteer.index import keys_path
from geo.errors import GazetteerError, GeoError, SourceError, UsageError
from geo.store.regions import parse_bbox, parse_radius, point_named, polygon_from_file, region_named

#: Idlib governorate, roughly (lon, lat).
IDLIB = Polygon([(36.18, 35.45), (36.75, 35.40), (37.02, 35.62), (36.98, 36.02), (36.70, 36.25),
                 (36.45, 36.25), (36.25, 36.05), (36.12, 35.80)])
#: A self-intersecting "bowtie" around northern Syria.
BOWTIE = {"type": "Polygon", "coordinates": [[[36.0, 35.0], [38.0, 37.0], [38.0, 35.0], [36.0, 37.0], [36.0, 35.0]]]}
SARAQEB = (35.86447, 36.80591)  # lat, lon of Saraqib (GeoNames 164816)


def bare_cache(full_gazetteer: Gazetteer, folder: Path) -> Path:
    """A cache dir that shares the full index (symlinks) but has no imported data of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in (full_gazetteer.index_path, keys_path(full_gazetteer.index_path)):
        os.symlink(path, folder / path.name)
    return folder


@pytest.fixture()
def sy_gazetteer(full_gazetteer: Gazetteer, shared_dir: Path, tmp_path: Path) -> Gazetteer:
    """The full gazetteer plus the shared Syrian admin polygons (Who's On First), imported into a temp cache."""
    gaz = Gazetteer(cache_dir=bare_cache(full_gazetteer, tmp_path / "sy-cache"), packs=[])
    gaz.import_boundaries(shared_dir / "data" / "wof" / "wof_sy_admin.geojson")
    return gaz


@pytest.fixture()
def plain_gazetteer(full_gazetteer: Gazetteer, tmp_path: Path) -> Gazetteer:
    """The full gazetteer with no imported boundaries."""
    return Gazetteer(cache_dir=bare_cache(full_gazetteer, tmp_path / "plain-cache"), packs=[])


# -- numbers ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "km"), [("25km", 25.0), ("25 KM", 25.0), ("500m", 0.5), ("25", 25.0),
                                          ("0.5", 0.5), (".5km", 0.5), ("0", 0.0)])
def test_radius_units(text: str, km: float) -> None:
    assert parse_radius(text) == pytest.approx(km)


@pytest.mark.parametrize("text", ["", "far", "-5km", "25 miles", "25kmm", "km", "1e3"])
def test_bad_radius_is_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="not a distance"):
        parse_radius(text)


def test_bbox_parses_and_may_cross_the_antimeridian() -> None:
    assert parse_bbox("35.5,35,37.5,36.5") == (35.5, 35.0, 37.5, 36.5)
    assert parse_bbox(" 170, -20, -170, -10 ") == (170.0, -20.0, -170.0, -10.0)


@pytest.mark.parametrize(("text", "problem"), [
    ("1,2,3", "W,S,E,N"), ("a,b,c,d", "W,S,E,N"), ("1,2,3,4,5", "W,S,E,N"),
    ("35,36,37,95", "out of range"), ("200,35,210,36", "out of range"),
    ("35,36.5,37,36", "S >= N"), ("36,35,36,37", "W = E"),
])
def test_bad_bbox_is_usage_error(text: str, problem: str) -> None:
    with pytest.raises(UsageError, match=problem):
        parse_bbox(text)


# -- polygon files ------------------------------------------------------------------------------------------------

def _write_json(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("wrap", ["collection", "feature", "geometry"])
def test_geojson_polygon_in_every_wrapping(tmp_path: Path, wrap: str) -> None:
    geometry = mapping(IDLIB)
    feature = {"type": "Feature", "properties": {"name": "Idlib"}, "geometry": geometry}
    document = {"collection": {"type": "FeatureCollection", "features": [feature]}, "feature": feature,
                "geometry": geometry}[wrap]
    region = polygon_from_file(_write_json(tmp_path / "idlib.geojson", document))
    assert region.equals(IDLIB)


def test_features_are_unioned_and_points_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    west, east = box(36.0, 35.0, 36.5, 36.0), box(36.5, 35.0, 37.0, 36.0)
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": mapping(g)}
        for g in (west, east, Point(36.8, 35.86))]}
    with caplog.at_level(logging.WARNING):
        region = polygon_from_file(_write_json(tmp_path / "two.geojson", document))
    assert region.equals(box(36.0, 35.0, 37.0, 36.0))
    assert "not polygons (Point)" in caplog.text


def test_wkt_file(tmp_path: Path) -> None:
    path = tmp_path / "idlib.wkt"
    path.write_text(IDLIB.wkt + "\n", encoding="utf-8")
    assert polygon_from_file(path).equals(IDLIB)


def test_gpkg_with_a_projected_crs_is_reprojected(tmp_path: Path) -> None:
    path = tmp_path / "idlib-3857.gpkg"
    geopandas.GeoDataFrame({"name": ["Idlib"]}, geometry=[IDLIB], crs=4326).to_crs(3857).to_file(path)
    region = polygon_from_file(path)
    assert region.symmetric_difference(IDLIB).area < 1e-9
    assert region.contains(Point(SARAQEB[1], SARAQEB[0]))


def test_self_intersecting_polygon_is_repaired_with_a_warning(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        region = polygon_from_file(_write_json(tmp_path / "bowtie.geojson", BOWTIE))
    assert "invalid" in caplog.text and "make_valid" in caplog.text
    assert region.is_valid and region.area == pytest.approx(2.0)  # two triangles of 1 square degree
    assert region.contains(Point(36.5, 36.0)) and not region.contains(Point(37.0, 35.2))


def test_projected_coordinates_without_a_crs_are_refused(tmp_path: Path) -> None:
    metres = Polygon([(4_050_000, 4_270_000), (4_110_000, 4_270_000), (4_110_000, 4_330_000),
                      (4_050_000, 4_270_000)])
    path = tmp_path / "idlib-metres.wkt"
    path.write_text(metres.wkt, encoding="utf-8")
    with pytest.raises(SourceError, match=r"idlib-metres\.wkt.*outside lon/lat.*EPSG:4326"):
        polygon_from_file(path)
    geojson = _write_json(tmp_path / "metres.geojson", mapping(metres))  # GeoJSON has no CRS member here
    with pytest.raises(SourceError, match=r"metres\.geojson.*reproject"):
        polygon_from_file(geojson)


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("none.geojson", None, "no polygon file at"),
    ("empty.wkt", "", "is empty"),
    ("junk.wkt", "POLYGON ((nonsense", "not a WKT geometry"),
    ("junk.geojson", "<html>not geojson</html>", "cannot read polygon file"),
    ("point.geojson", json.dumps({"type": "Point", "coordinates": [36.8, 35.86]}), r"no polygon \(found Point\)"),
    ("nothing.geojson", json.dumps({"type": "FeatureCollection", "features": []}), "no (features|polygon)"),
])
def test_bad_polygon_files_name_the_file(tmp_path: Path, name: str, content: str | None, problem: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(GeoError, match=problem) as info:
        polygon_from_file(path)
    assert name in str(info.value) and not isinstance(info.value, UsageError)


# -- region names -------------------------------------------------------------------------------------------------

def test_country_by_name_and_by_id(plain_gazetteer: Gazetteer) -> None:
    syria, place = region_named(plain_gazetteer, "Syria")
    assert place.kind == "country" and place.country == "SY"
    assert syria.contains(Point(SARAQEB[1], SARAQEB[0])) and not syria.contains(Point(32.85, 39.93))  # Ankara
    again, same = region_named(plain_gazetteer, place.id)
    assert same.id == place.id and again.equals(syria)


def test_seas_and_pack_regions_have_outlines(plain_gazetteer: Gazetteer) -> None:
    sea, place = region_named(plain_gazetteer, "Mediterranean Sea")
    assert place.kind == "sea" and sea.geom_type in ("Polygon", "MultiPolygon")
    golan, place = region_named(plain_gazetteer, "the Golan Heights")
    assert place.kind == "region" and golan.contains(Point(place.lon, place.lat))


@pytest.mark.parametrize(("name", "kind", "inside", "outside"), [
    # (lon, lat) points: Brussels and Budapest are in the EU, Oslo is not
    ("European Union", "region", [(4.35, 50.85), (19.04, 47.50)], [(10.75, 59.91)]),
    ("Middle East", "region", [(36.29, 33.51), (51.39, 35.69)], [(69.21, 34.56)]),  # Damascus, Tehran; not Kabul
    ("USSR", "region", [(30.52, 50.45), (76.95, 43.24)], [(19.04, 47.50)]),  # Kyiv, Almaty; not Budapest
    ("Europe", "continent", [(2.35, 48.86), (19.04, 47.50)], [(32.85, 39.93)]),  # Paris, Budapest; not Ankara
    ("Hungary", "country", [(19.04, 47.50)], [(16.37, 48.21)]),  # Budapest; not Vienna
])
def test_groups_of_countries_and_continents_have_outlines(plain_gazetteer: Gazetteer, name: str, kind: str,
                                                          inside: list, outside: list) -> None:
    area, place = region_named(plain_gazetteer, name)
    assert place.kind == kind
    assert all(area.contains(Point(*point)) for point in inside)
    assert not any(area.contains(Point(*point)) for point in outside)


def test_admin1_without_boundaries_says_how_to_get_them(plain_gazetteer: Gazetteer) -> None:
    with pytest.raises(GazetteerError, match=r"Idlib \(admin1, SY\) has no boundary polygon.*"
                                             r"download-boundaries SY --level admin1.*import-boundaries FILE"):
        region_named(plain_gazetteer, "Idlib")


def test_admin1_with_imported_boundaries(sy_gazetteer: Gazetteer) -> None:
    idlib, place = region_named(sy_gazetteer, "Idlib")  # the province, not the city of the same name
    assert place.kind == "admin1" and place.country == "SY"
    assert idlib.contains(Point(SARAQEB[1], SARAQEB[0])) and not idlib.contains(Point(37.16117, 36.20124))
    again, _ = region_named(sy_gazetteer, "Idlib province")
    assert again.equals(idlib)


def test_unlinked_boundary_by_name_and_id(sy_gazetteer: Gazetteer) -> None:
    district, place = region_named(sy_gazetteer, "Jebel Saman")  # an admin-2 polygon no gazetteer row has
    assert place.id.startswith("boundary:") and district.contains(Point(37.16117, 36.20124))  # Aleppo city
    again, same = region_named(sy_gazetteer, place.id)
    assert same.id == place.id and again.equals(district)


def test_ambiguous_region_lists_candidates(plain_gazetteer: Gazetteer) -> None:
    provinces = plain_gazetteer.lookup("Punjab", kinds=("admin1",))
    assert {c.place.country for c in provinces} >= {"IN", "PK"}
    with pytest.raises(GazetteerError, match="ambiguous") as info:
        region_named(plain_gazetteer, "Punjab")
    message = str(info.value)
    for candidate in provinces[:2]:
        assert candidate.place.id in message and f"({candidate.place.kind}, {candidate.place.country})" in message
    # Qualified by the country, the name is no longer ambiguous (and this province has no polygon yet).
    for qualified in ("Punjab, IN", "Punjab, India"):
        with pytest.raises(GazetteerError, match=r"\(admin1, IN\) has no boundary polygon.*download-boundaries IN"):
            region_named(plain_gazetteer, qualified)


def test_points_unknown_names_and_ids_are_refused(plain_gazetteer: Gazetteer) -> None:
    with pytest.raises(GazetteerError, match=r"Saraqib.*not a region.*--near 'Saraqeb' --radius"):
        region_named(plain_gazetteer, "Saraqeb")
    with pytest.raises(GazetteerError, match="no region named 'Qwxzzy Land'"):
        region_named(plain_gazetteer, "Qwxzzy Land")
    with pytest.raises(GazetteerError, match="no place with id 'geonames:0'"):
        region_named(plain_gazetteer, "geonames:0")
    city = plain_gazetteer.lookup("Aleppo", kinds=("populated_place",))[0].place
    with pytest.raises(GazetteerError, match="not a region"):
        region_named(plain_gazetteer, city.id)
    with pytest.raises(UsageError):
        region_named(plain_gazetteer, "  ")


# -- points -------------------------------------------------------------------------------------------------------

def test_point_from_lat_lon_or_name(plain_gazetteer: Gazetteer, caplog: pytest.LogCaptureFixture) -> None:
    assert point_named(plain_gazetteer, "35.864, 36.8") == (35.864, 36.8, "35.864,36.8")
    assert point_named(plain_gazetteer, "-33.9,18.4")[:2] == (-33.9, 18.4)
    with caplog.at_level(logging.INFO, logger="geo.store.regions"):
        lat, lon, label = point_named(plain_gazetteer, "Saraqeb")
    assert (lat, lon) == pytest.approx(SARAQEB, abs=1e-4) and label == "Saraqib"
    assert "Saraqib" in caplog.text  # which place was used is logged


def test_ambiguous_point_warns(plain_gazetteer: Gazetteer, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        point_named(plain_gazetteer, "Ayvacik")
    assert "ambiguous" in caplog.text and caplog.text.count("Ayvacık") >= 2


@pytest.mark.parametrize("text", ["95,36", "35,200", "", "-91,0"])
def test_bad_points_are_usage_errors(plain_gazetteer: Gazetteer, text: str) -> None:
    with pytest.raises(UsageError):
        point_named(plain_gazetteer, text)


def test_unknown_point_name(plain_gazetteer: Gazetteer) -> None:
    with pytest.raises(GazetteerError, match="no place named 'Qwxzzy Land'.*LAT,LON"):
        point_named(plain_gazetteer, "Qwxzzy Land")


def test_region_shapes_are_lon_lat(plain_gazetteer: Gazetteer) -> None:
    turkey, _ = region_named(plain_gazetteer, "Turkey")
    assert shape(mapping(turkey)).contains(Point(32.85, 39.93))  # Ankara as (lon, lat)
