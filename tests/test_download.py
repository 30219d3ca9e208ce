"""Downloading GeoNames dumps, tested only against a local HTTP server on 127.0.0.1 that the test starts."""

from __future__ import annotations

import http.server
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from gazetteer import Gazetteer
from gazetteer.errors import GazetteerError, SourceError
from gazetteer.sources.download import download_files


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves files from ``root`` with Range support; ``cut`` names files whose first GET stops half-way."""

    root: Path
    cut: set[str]
    log: list[tuple[str, str, str | None]]

    def _body(self) -> bytes | None:
        path = self.root / self.path.lstrip("/")
        return path.read_bytes() if path.is_file() else None

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        body = self._body()
        self.log.append(("HEAD", self.path, None))
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        body = self._body()
        ranged = self.headers.get("Range")
        self.log.append(("GET", self.path, ranged))
        if body is None:
            self.send_error(404)
            return
        start = int(ranged.split("=")[1].rstrip("-")) if ranged else 0
        self.send_response(206 if ranged else 200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        name = self.path.lstrip("/")
        if name in self.cut:  # drop the connection half-way through, once
            self.cut.discard(name)
            self.wfile.write(body[start:start + (len(body) - start) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body[start:])

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server(tmp_path: Path, shared_dir: Path) -> Iterator[tuple[str, type[_Handler]]]:
    root = tmp_path / "www"
    root.mkdir()
    with zipfile.ZipFile(shared_dir / "data" / "geonames" / "SY.wof.zip") as archive:
        rows = archive.read("SY.wof.txt").decode("utf-8").splitlines()[:400]
    with zipfile.ZipFile(root / "SY.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("SY.txt", "\n".join(rows) + "\n")
        archive.writestr("readme.txt", "test dump built from the shared SY table\n")
    for name in ("admin1CodesASCII.txt", "admin2Codes.txt", "countryInfo.txt"):
        (root / name).write_bytes((shared_dir / "data" / "geonames" / name).read_bytes())
    handler = type("Handler", (_Handler,), {"root": root, "cut": set(), "log": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_download_resumes_a_dropped_transfer(tmp_path: Path, server: tuple[str, type[_Handler]]) -> None:
    url, handler = server
    handler.cut.add("SY.zip")
    [path] = download_files(["SY.zip"], tmp_path / "dl", url=url, pause=0)
    assert path.read_bytes() == (handler.root / "SY.zip").read_bytes()
    gets = [r for r in handler.log if r[0] == "GET"]
    assert gets[0][2] is None and gets[1][2] is not None and gets[1][2].startswith("bytes=")
    assert not list((tmp_path / "dl").glob("*.part"))
    handler.log.clear()
    download_files(["SY.zip"], tmp_path / "dl", url=url, pause=0)  # complete already: only a HEAD
    assert [r[0] for r in handler.log] == ["HEAD"]


def test_download_then_import(tmp_path: Path, small_sources: list, server: tuple[str, type[_Handler]]) -> None:
    url, _ = server
    gaz = Gazetteer(cache_dir=tmp_path / "cache", sources=small_sources, packs=[])
    report = gaz.download_dumps(["sy"], url=url, pause=0)
    assert report.rows == 400 and report.malformed == 0 and report.countries > 200
    syria = gaz.imported.country("SY")
    assert syria is not None and syria["geonameid"] == 163843 and "TR" in syria["neighbours"]
    place = gaz.lookup("Gharbil")[0].place
    assert place.geonameid == 1721 and place.admin1 == "Quneitra"


def test_download_errors_are_clear(tmp_path: Path, small_sources: list, server: tuple[str, type[_Handler]]) -> None:
    url, _ = server
    with pytest.raises(SourceError, match="HTTP 404"):
        download_files(["XX.zip"], tmp_path / "dl", url=url, pause=0)
    with pytest.raises(SourceError, match="after 2 attempts"):
        download_files(["SY.zip"], tmp_path / "dl", url="http://127.0.0.1:9/", retries=1, pause=0, timeout=2)
    gaz = Gazetteer(cache_dir=tmp_path / "cache", sources=small_sources, packs=[])
    with pytest.raises(GazetteerError, match="unknown GeoNames dataset 'Syria'"):
        gaz.download_dumps(["Syria"], url=url)
