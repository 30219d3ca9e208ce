"""Boundary polygons: loaded from real Who's On First admin polygons, linked to places, used as areas."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from gazetteer import Gazetteer, GazetteerError
from gazetteer.errors import SourceError


@pytest.fixture()
def gaz(tmp_path: Path, small_sources: list) -> Gazetteer:
    return Gazetteer(cache_dir=tmp_path / "cache", sources=small_sources, packs=[])


@pytest.fixture()
def sy_admin(shared_dir: Path) -> Path:
    return shared_dir / "data" / "wof" / "wof_sy_admin.geojson"


def test_polygons_link_to_regions_and_serve_as_areas(full_gazetteer: Gazetteer, tmp_path: Path,
                                                       sy_admin: Path) -> None:
    gaz = Gazetteer(cache_dir=tmp_path / "c", index_path=full_gazetteer.index_path,
                    sources=full_gazetteer.sources, packs=[])
    report = gaz.import_boundaries(sy_admin)
    assert report["polygons"] == 78 and report["linked"] >= 13
    idlib = gaz.lookup("Idlib province")[0].place
    assert idlib.kind == "admin1" and idlib.geometry_json()["type"] in ("Polygon", "MultiPolygon")
    polygon = shape(idlib.geometry_json())  # GeoJSON is (lon, lat): Saraqib lies inside, Aleppo city outside
    assert polygon.contains(Point(36.80591, 35.86447)) and not polygon.contains(Point(37.16117, 36.20124))
    assert gaz.area("Idlib").place.id == idlib.id
    district = gaz.area("Jebel Saman")  # an admin-2 district no gazetteer row has: kept under its own id
    assert district.place.id.startswith("boundary:") and shape(district.place.geometry_json()).contains(
        Point(37.16117, 36.20124))
    with pytest.raises(GazetteerError, match="import-boundaries"):
        gaz.area("Atlantis Region")


def test_invalid_polygon_is_repaired_with_a_warning(gaz: Gazetteer, tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[26.0, 41.0], [27.0, 42.0], [27.0, 41.0], [26.0, 42.0],
                                                  [26.0, 41.0]]]}
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Test Bowtie Region", "admin_level": 1}, "geometry": bowtie}]}))
    with caplog.at_level(logging.WARNING):
        report = gaz.import_boundaries(path)
    assert "repaired" in caplog.text and report["polygons"] == 1
    area = shape(gaz.area("Test Bowtie Region").place.geometry_json())
    assert area.is_valid and area.area > 0


def test_bad_boundary_files(gaz: Gazetteer, tmp_path: Path, sy_admin: Path) -> None:
    with pytest.raises(SourceError, match="no boundaries file"):
        gaz.import_boundaries(tmp_path / "none.geojson")
    with pytest.raises(SourceError, match="no field 'NAME_9'"):
        gaz.import_boundaries(sy_admin, name_field="NAME_9")
    junk = tmp_path / "junk.geojson"
    junk.write_text("<html>not geojson</html>")
    with pytest.raises(SourceError, match="cannot read boundaries"):
        gaz.import_boundaries(junk)


def test_download_boundaries_from_a_local_geoboundaries(full_gazetteer: Gazetteer, tmp_path: Path,
                                                        sy_admin: Path) -> None:
    import http.server
    import threading

    gaz = Gazetteer(cache_dir=tmp_path / "c", index_path=full_gazetteer.index_path,
                    sources=full_gazetteer.sources, packs=[])

    regions = json.loads(sy_admin.read_text(encoding="utf-8"))
    regions["features"] = [dict(f, properties={"shapeName": f["properties"]["name"], "shapeType": "ADM1"})
                           for f in regions["features"] if f["properties"]["placetype"] == "region"]
    payload = json.dumps(regions).encode()
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            seen.append(self.path)
            port = self.server.server_address[1]
            if self.path == "/api/SYR/ADM1/":
                body = json.dumps({"boundaryISO": "SYR", "boundaryType": "ADM1",
                                   "gjDownloadURL": f"http://127.0.0.1:{port}/files/SYR-ADM1.geojson"}).encode()
            elif self.path == "/files/SYR-ADM1.geojson":
                body = payload
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_HEAD(self) -> None:  # noqa: N802
            self.send_error(404)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        api = f"http://127.0.0.1:{httpd.server_address[1]}/api/"
        [report] = gaz.download_boundaries(["SY"], api=api, pause=0)
        with pytest.raises(GazetteerError, match="unknown country"):
            gaz.download_boundaries(["Narnia Republic"], api=api)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert seen[:2] == ["/api/SYR/ADM1/", "/files/SYR-ADM1.geojson"]
    assert report["polygons"] == 15 and report["linked"] >= 13
    assert shape(gaz.area("Idlib").place.geometry_json()).contains(Point(36.80591, 35.86447))
