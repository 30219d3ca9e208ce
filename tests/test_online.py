"""The online fallback, tested against a fake Nominatim on 127.0.0.1: off by default, cached, rate-limited."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from gazetteer import Gazetteer
from gazetteer.sources.online import OnlineGeocoder

# A Nominatim /search answer in its real JSON shape (jsonv2 with addressdetails), for a village near the
# Greek-Turkish border that no embedded source has.
ANSWER = [{
    "place_id": 96587512, "osm_type": "node", "osm_id": 297853913, "lat": "40.9240891", "lon": "26.2946329",
    "class": "place", "type": "village", "addresstype": "village", "name": "Kipoi", "importance": 0.3,
    "display_name": "Kipoi, Municipality of Alexandroupoli, Evros, East Macedonia and Thrace, Greece",
    "address": {"village": "Kipoi", "state": "East Macedonia and Thrace", "country": "Greece",
                "country_code": "gr"},
}]


class _Nominatim(http.server.BaseHTTPRequestHandler):
    requests: list[tuple[float, str, str]]

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        parts = urlsplit(self.path)
        query = parse_qs(parts.query).get("q", [""])[0]
        self.requests.append((time.monotonic(), query, self.headers.get("User-Agent", "")))
        body = json.dumps(ANSWER if query == "Kipoi" else []).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def nominatim() -> Iterator[tuple[str, type[_Nominatim]]]:
    handler = type("Handler", (_Nominatim,), {"requests": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"127.0.0.1:{httpd.server_address[1]}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_online_only_when_asked_cached_and_rate_limited(tmp_path: Path, small_sources: list, nominatim) -> None:
    domain, handler = nominatim
    offline = Gazetteer(cache_dir=tmp_path / "c", sources=small_sources, packs=[])
    assert all(c.place.source != "online:nominatim" for c in offline.lookup("Kipoi"))
    assert handler.requests == []
    online = OnlineGeocoder(tmp_path / "c" / "online-cache.sqlite", domain=domain, scheme="http", min_delay=0.3,
                            user_agent="geo-events tests")
    gaz = Gazetteer(cache_dir=tmp_path / "c", sources=small_sources, packs=[], online=online)
    [kipoi] = gaz.lookup("Kipoi")
    place = kipoi.place
    assert (place.source, place.kind, place.country) == ("online:nominatim", "populated_place", "GR")
    assert (place.lat, place.lon) == pytest.approx((40.924, 26.295), abs=1e-3)
    assert place.id == "online:nominatim:node/297853913" and kipoi.match.type == "exact"
    assert gaz.lookup("Nowhere Zyx") == [] and gaz.lookup("Nowhere Qwv") == []
    times = [t for t, _, _ in handler.requests]
    assert len(times) == 3 and all(b - a >= 0.29 for a, b in zip(times, times[1:], strict=False))
    assert {agent for _, _, agent in handler.requests} == {"geo-events tests"}
    gaz.lookup("Kipoi")  # cached, with its source and time: no new request
    assert len(handler.requests) == 3
    assert gaz.lookup("Greece")[0].place.source != "online:nominatim"  # local answers need no service
    assert len(handler.requests) == 3


def test_cli_online_flag(tmp_path: Path, nominatim, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    from gazetteer.sources.countries import CountriesSource
    from geo.cli import main

    domain, handler = nominatim
    monkeypatch.setattr("gazetteer.lookup.default_sources", lambda: [CountriesSource()])
    args = ["gazetteer", "lookup", "Kipoi", "--format", "json", "--cache-dir", str(tmp_path / "c")]
    assert main(args) == 0 and json.loads(capsys.readouterr().out) == []
    assert main([*args, "--online", "--online-url", f"http://{domain}", "--user-agent", "cli test"]) == 0
    [found] = json.loads(capsys.readouterr().out)
    assert found["id"] == "online:nominatim:node/297853913" and found["country"] == "GR"
    assert handler.requests[-1][2] == "cli test"
