"""``geo map``: the map data (fast, no browser) and the offline page in headless Chromium (network blocked)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geo.mapdata import build_map_data, esc, event_layers, latlon, mention_points, safe_url, type_colour

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
PAYLOADS = ("<script>window.__pwned=1</script>", "<img src=x onerror=window.__pwned=2>",
            '"><svg onload=window.__pwned=3>')


def _record(**fields: Any) -> dict[str, Any]:
    """A minimal event record (CONTRACTS.md) at Saraqeb."""
    record: dict[str, Any] = {
        "id": "ev-1", "type": "remote_violence", "subtype": "air_strike", "summary": "Strike on Saraqeb.",
        "date": "2020-02-27", "date_end": "2020-02-27", "date_precision": "day",
        "place": {"id": "geonames:163345", "name": "Saraqib", "kind": "populated_place", "country": "SY",
                  "admin1": "Idlib", "mention": "Saraqeb"},
        "lat": 35.8646, "lon": 36.8005, "geometry": {"type": "Point", "coordinates": [36.8005, 35.8646]},
        "geo_precision": "settlement", "where_relation": "in", "actor1": "Syrian Air Force", "actor2": None,
        "fatalities": 33, "injured": None, "claimed_by": ["Anadolu"], "outlets": ["Reuters"],
        "sources": [{"article": "a1", "outlet": "Reuters", "url": "https://example.org/a?x=1&y=2",
                     "published": "2020-02-28", "sentence": "Strike on Saraqeb.", "start": 0, "end": 18}],
        "claims": [{"field": "fatalities", "value": 34, "claimed_by": "Anadolu", "article": "a1"},
                   {"field": "fatalities", "value": 33, "claimed_by": "Al Jazeera", "article": "a2"}],
        "merged_because": None,
    }
    record.update(fields)
    return record


def _hostile() -> dict[str, Any]:
    """An event whose every text field carries markup, in a layer of its own."""
    bad = " ".join(PAYLOADS)
    return _record(id="ev-hostile", summary=f"Summary {bad}", actor1=bad, claimed_by=[bad],
                   place={"id": "x:1", "name": bad, "kind": "populated_place", "country": "SY", "admin1": None,
                          "mention": bad},
                   sources=[{"article": "a9", "outlet": f"Outlet {bad}", "url": "javascript:window.__pwned=4",
                             "published": "2020-02-27", "sentence": f"Sentence {bad}", "start": 0, "end": 9},
                            {"article": "a9", "outlet": "Fine", "url": "data:text/html,<script>x</script>",
                             "published": None, "sentence": "Second.", "start": 10, "end": 17},
                            {"article": "a9", "outlet": "Linked", "url": 'https://ok.example/p?a=1&b="2"',
                             "published": None, "sentence": "Third.", "start": 20, "end": 26}])


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


# -- map data (no browser) -----------------------------------------------------------------------------------------

def test_axis_order_geojson_lon_lat_becomes_leaflet_lat_lon() -> None:
    data = build_map_data([_record(), _record(id="ev-road", geo_precision="line", geometry={
        "type": "LineString", "coordinates": [[36.18813, 32.5518], [37.16117, 36.20124]]})])
    assert (data.columns["y"][0], data.columns["x"][0]) == (35.8646, 36.8005)  # Saraqeb: lat 35.86 N, lon 36.80 E
    assert data.columns["c"] == [None, [[[32.5518, 36.18813], [36.20124, 37.16117]]]]
    assert data.columns["g"] == ["p", "l"]
    assert latlon([36.8005, 35.8646, 120.0]) == [35.8646, 36.8005]


def test_shapes_follow_geometry_and_precision() -> None:
    polygon = {"type": "Polygon", "coordinates": [[[35, 32], [42, 32], [42, 37], [35, 37], [35, 32]]]}
    data = build_map_data([
        _record(id="near", where_relation="near", geo_precision="near_settlement"),
        _record(id="admin1", geo_precision="admin1"),
        _record(id="area", geo_precision="country", geometry=polygon),
        _record(id="nowhere", lat=None, lon=None, geometry=None),
    ])
    assert data.columns["g"] == ["c", "c", "a"]
    assert data.columns["r"][0] == 10_000 and data.columns["r"][1] > 10_000
    assert data.columns["c"][2][0][0][0] == [32.0, 35.0]
    assert data.skipped == ["nowhere"]


def test_layer_membership_by_outlet_article_and_claimant() -> None:
    shared = _record(id="ev-2", sources=[{"article": "a1", "outlet": "Reuters"}, {"article": "a2", "outlet": None},
                                         {"article": "a3", "outlet": "Reuters"}], claimed_by=["SOHR", "SANA"])
    only = _record(id="ev-3", sources=[{"article": "a3", "outlet": "Reuters"}], claimed_by=[])
    assert [k for k, _ in event_layers(shared)] == ["outlet:Reuters", "article:a2"]
    assert [k for k, _ in event_layers(shared, "article")] == ["article:a1", "article:a2", "article:a3"]
    assert [k for k, _ in event_layers(only, "claimed-by")] == ["unclaimed"]
    data = build_map_data([shared, only])
    labels = [layer["label"] for layer in data.layers]
    assert labels == ["Reuters", "article a2 (outlet unknown)"]  # named outlets first
    assert [layer["count"] for layer in data.layers] == [2, 1]
    assert data.columns["L"] == [[0, 1], [0]]
    by_claimant = build_map_data([shared, only], by="claimed-by")
    assert [layer["label"] for layer in by_claimant.layers] == ["SANA", "SOHR", "unclaimed"]  # ties by name
    with pytest.raises(ValueError, match="by must be"):
        build_map_data([shared], by="colour")


def test_every_string_of_the_page_data_is_escaped() -> None:
    data = build_map_data([_hostile()], mentions=[{"text": PAYLOADS[1], "name": PAYLOADS[2], "lat": 1, "lon": 2,
                                                   "kind": "populated_place", "role": "literal"}]).to_json()
    strings = data["S"].split(">")  # joined by a character that escaped text never contains
    texts = list(_strings({**data, "S": strings}))
    assert any("&lt;script&gt;" in t for t in texts)
    for text in texts:
        assert "<" not in text and ">" not in text and '"' not in text and "'" not in text, text
    links = [strings[h] if h else None for h in data["SRC"]["h"]]  # 0: no link
    assert links == [None, None, "https://ok.example/p?a=1&amp;b=&quot;2&quot;"]
    assert [strings[x] for x in data["SRC"]["x"] if x] == [
        "javascript:window.__pwned=4", "data:text/html,&lt;script&gt;x&lt;/script&gt;"]


def test_safe_url_keeps_only_http_links() -> None:
    assert safe_url("https://example.org/x") == "https://example.org/x"
    assert safe_url("HTTP://example.org") == "HTTP://example.org"
    for bad in ("javascript:alert(1)", " javascript:alert(1)", "data:text/html,x", "//cdn.example/x", "ftp://x",
                "https://exa mple.org", None, 5):
        assert safe_url(bad) is None
    assert esc("<a href='x'>") == "&lt;a href=&#x27;x&#x27;&gt;"


def test_colours_by_type_and_legend_counts() -> None:
    data = build_map_data([_record(), _record(id="b", type="battle"), _record(id="c", type="battle"),
                           _record(id="d", type="new_type")])
    assert [(t["token"], t["count"]) for t in data.types] == [("remote_violence", 1), ("battle", 2),
                                                               ("new_type", 1)]
    assert data.types[1]["colour"] == type_colour("battle") != type_colour("remote_violence")
    assert data.types[2]["colour"] == type_colour(None)
    assert data.columns["t"] == [0, 1, 1, 2]


def test_dates_as_day_numbers_and_undated() -> None:
    data = build_map_data([_record(date="2020-02-27", date_end="2020-03-04"), _record(id="u", date=None,
                                                                                        date_end=None)])
    assert data.columns["d0"] == [18319, None] and data.columns["d1"] == [18325, None]


def test_mention_points_skip_abstentions() -> None:
    assert mention_points([{"text": "X", "lat": None, "lon": None}]) == []


def test_page_data_cannot_close_its_script_element() -> None:
    from geo.mapview import _json_script

    assert "</script" not in _json_script({"a": "</script><script>x"})


def test_page_text_is_never_a_template() -> None:
    pytest.importorskip("folium")
    from geo.mapview import map_html

    page = map_html(build_map_data([_record(summary="{{ 7*7 }} {% if 1 %}x{% endif %}")]), title="{{ 6*7 }}")
    assert "<title>{{ 6*7 }}</title>" in page and "{{ 7*7 }} {% if 1 %}x{% endif %}" in page


def test_offline_page_references_nothing_outside_itself(tmp_path: Path) -> None:
    pytest.importorskip("folium")
    pytest.importorskip("offlinefolium")
    from geo.mapassets import external_references
    from geo.mapview import map_html

    page = map_html(build_map_data([_record()]), title="t", offline=True)
    assert external_references(page) == set()
    assert "cdn.jsdelivr" not in page.split('id="geo-data"')[0].split("<style>")[0]
    online = map_html(build_map_data([_record()]), title="t")
    assert "https://cdn.jsdelivr.net/npm/leaflet@" in online and "tile.openstreetmap.org" in online


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geo.cli import main

    assert main(["map", str(SEEDS), "-o", str(tmp_path / "x.txt")]) == 2
    assert main(["map", str(SEEDS), "--db", "x.gpkg", "-o", str(tmp_path / "x.html")]) == 2
    assert main(["map", "--db", str(tmp_path / "none.gpkg"), "-o", str(tmp_path / "x.html")]) == 1
    assert "no event store" in capsys.readouterr().err


# -- the page in headless Chromium ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_records(geoparser: Any) -> list[dict[str, Any]]:
    """The seeds' events, straight from the extractor (independent of the map builder)."""
    from geo.articles import read_articles
    from geo.events import EventExtractor

    articles = sorted(read_articles([str(SEEDS)], errors=[]), key=lambda a: a.path)
    return [e.to_dict() for e in EventExtractor(geoparser).extract(articles)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); CI installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    pytest.importorskip("offlinefolium")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class Page:
    """An offline map opened with every non-file:/data: request blocked; console errors recorded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.geoMap && window.geoMap.ready", timeout=30_000)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def drawn(self) -> set[str]:
        self.page.wait_for_function("geoMap.ready")
        return set(self.page.evaluate("geoMap.drawnIds()"))


@pytest.fixture(scope="module", params=["cluster", "canvas"])
def seeds_page(request: pytest.FixtureRequest, browser: Any, seed_records: list[dict[str, Any]],
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    """The seeds' map, in each rendering: clustered SVG markers, or the canvas layer of large maps."""
    from geo.mapview import write_map

    path = write_map(build_map_data(seed_records), tmp_path_factory.mktemp("map") / "seeds.html", offline=True,
                     title="Seeds", mode=request.param)
    page = Page(browser, path)
    assert page.page.evaluate("geoMap.dots !== null") is (request.param == "canvas")
    yield page
    page.page.close()


def test_offline_seeds_map_loads_without_errors_or_requests(seeds_page: Page) -> None:
    assert seeds_page.errors == []
    assert seeds_page.blocked == []
    assert seeds_page.page.title() == "Seeds"


def test_every_event_is_drawn(seeds_page: Page, seed_records: list[dict[str, Any]]) -> None:
    assert seeds_page.page.evaluate("geoMap.count()") == len(seed_records) > 20
    assert seeds_page.drawn() == {r["id"] for r in seed_records}


def test_unticking_an_outlet_hides_the_events_reported_only_there(seeds_page: Page,
                                                                  seed_records: list[dict[str, Any]]) -> None:
    only_aj = {r["id"] for r in seed_records if {s.get("outlet") for s in r["sources"]} == {"Al Jazeera"}}
    assert only_aj and any("Al Jazeera" in r["outlets"] and r["id"] not in only_aj for r in seed_records)
    box = seeds_page.page.locator(".leaflet-control-layers label", has_text="Al Jazeera").locator("input")
    box.uncheck()
    try:
        assert seeds_page.drawn() == {r["id"] for r in seed_records} - only_aj
    finally:
        box.check()
    assert seeds_page.drawn() == {r["id"] for r in seed_records}


def test_time_filter_hides_events_outside_it(seeds_page: Page, seed_records: list[dict[str, Any]]) -> None:
    page = seeds_page.page
    day = page.evaluate("Math.round(Date.parse('2020-02-27') / 86400000)")
    expected = {r["id"] for r in seed_records
                if r["date"] is None or (r["date"] <= "2020-02-27" <= (r["date_end"] or r["date"]))}
    assert len(expected) < len(seed_records)
    page.select_option(".geo-day", str(day))
    try:
        assert seeds_page.drawn() == expected
        assert "2020-02-27 – 2020-02-27" in page.inner_text(".geo-range")
    finally:
        page.select_option(".geo-day", "")
    page.locator(".geo-from").fill(str(day + 1))  # the range slider itself
    later = {r["id"] for r in seed_records if r["date"] is None or (r["date_end"] or r["date"]) > "2020-02-27"}
    try:
        assert seeds_page.drawn() == later
    finally:
        page.select_option(".geo-day", "")


def test_the_m5_event_is_a_polyline(seeds_page: Page, seed_records: list[dict[str, Any]]) -> None:
    m5 = [r["id"] for r in seed_records if (r["place"] or {}).get("id") == "pack:levant:m5"
          and r["geometry"]["type"] == "LineString"]
    assert m5
    for event_id in m5:
        kind = seeds_page.page.evaluate(
            "id => { const l = geoMap.layerOf(id); return [l instanceof L.Polyline, l instanceof L.Polygon, "
            "l.getLatLngs().flat().length]; }", event_id)
        assert kind[0] is True and kind[1] is False and kind[2] > 10


def test_popup_shows_escaped_text_and_runs_nothing(browser: Any, tmp_path: Path) -> None:
    from geo.mapview import write_map

    hostile = _hostile()
    path = write_map(build_map_data([hostile, _record()]), tmp_path / "hostile.html", offline=True,
                     title=" ".join(PAYLOADS))
    page = Page(browser, path)
    try:
        p = page.page
        p.evaluate("id => new Promise(done => geoMap.containers[0].zoomToShowLayer(geoMap.layerOf(id), "
                   "() => setTimeout(done, 400)))", "ev-hostile")  # zoom in / spiderfy, then a real click
        x, y = p.evaluate("id => { const m = geoMap.map, pt = m.latLngToContainerPoint(geoMap.layerOf(id).getLatLng()),"
                          " box = m.getContainer().getBoundingClientRect(); return [box.left + pt.x, box.top + pt.y];}",
                          "ev-hostile")
        p.mouse.click(x, y)
        popup = p.locator(".leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text()
        for payload in PAYLOADS:
            assert payload in text  # shown as text
        assert "Strike on Saraqeb." not in text and "Summary <script>" in text
        assert p.evaluate("window.__pwned") is None
        assert p.locator(".leaflet-popup-content a").evaluate_all("as => as.map(a => a.href)") == [
            'https://ok.example/p?a=1&b=%222%22']
        assert "Linked" in text and "javascript:window.__pwned=4" in text  # shown as text, not a link
        assert "data:text/html,<script>x</script>" in text
        assert p.locator(".leaflet-control-layers label", has_text=PAYLOADS[1]).count() == 1
        assert p.locator(".geo-title").inner_text() == " ".join(PAYLOADS)
        assert p.locator("img, .leaflet-container svg svg, script:not([type])").count() == p.locator(
            "script:not([type])").count()  # no injected img or svg element
        assert p.evaluate("window.__pwned") is None
        assert page.errors == [] and page.blocked == []
        assert "Competing claims" in text and "34" in text and "33" in text
    finally:
        p.close()


def test_large_page_data_is_embedded_compressed(monkeypatch: pytest.MonkeyPatch) -> None:
    import base64
    import gzip

    from geo import mapview

    data = build_map_data([_hostile(), _record()])
    plain = mapview._data_script(data)
    assert plain.startswith('<script type="application/json" id="geo-data">')
    monkeypatch.setattr(mapview, "COMPRESS_OVER", 0)
    packed = mapview._data_script(data)
    assert 'data-encoding="gzip+base64"' in packed and "<" not in packed.split(">", 1)[1].split("</script>")[0]
    text = gzip.decompress(base64.b64decode(packed.split(">", 1)[1].split("</script>")[0])).decode()
    assert json.loads(text) == json.loads(plain.split(">", 1)[1].split("</script>")[0]) == data.to_json()
    # canvas maps: the texts in a script of their own, unpacked by the page after its first draw
    core, texts = mapview._data_script(data, texts_later=True).split("</script>")[:2]
    assert 'id="geo-data-texts"' in texts
    unpacked = [gzip.decompress(base64.b64decode(part.split(">", 1)[1])).decode() for part in (core, texts)]
    assert {**json.loads(unpacked[0]), "S": unpacked[1]} == data.to_json()


def test_canvas_points_open_escaped_popups_on_click(browser: Any, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from geo import mapview
    from geo.mapview import write_map

    monkeypatch.setattr(mapview, "COMPRESS_OVER", 0)  # the page data as large maps embed it: gzip, base64
    hostile = _hostile()
    hostile.update(lat=34.5, lon=38.3, geometry={"type": "Point", "coordinates": [38.3, 34.5]})  # on its own
    near = _record(id="ev-near", where_relation="near", geo_precision="near_settlement")  # a canvas circle
    path = write_map(build_map_data([hostile, _record(), near]), tmp_path / "canvas.html", offline=True,
                     mode="canvas", title="canvas")
    assert 'id="geo-data-texts" data-encoding="gzip+base64"' in path.read_text(encoding="utf-8")
    page = Page(browser, path)
    try:
        p = page.page
        p.wait_for_function("geoMap.texts")  # unpacked after the first draw
        assert p.evaluate("geoMap.count()") == 3 and p.evaluate("geoMap.dots.drawn") == 3
        assert p.locator(".leaflet-marker-icon, path.leaflet-interactive").count() == 0  # nothing in the DOM

        tips: list[str] = []

        def pixel(x: float, y: float) -> int:
            """The alpha of the points canvas at a page position."""
            return int(p.evaluate("([x, y]) => { const c = geoMap.dots._container, r = c.getBoundingClientRect();"
                                  " return c.getContext('2d').getImageData(Math.round(x - r.left), "
                                  "Math.round(y - r.top), 1, 1).data[3]; }", [x, y]))

        def click(event_id: str) -> str:
            p.evaluate("() => { geoMap.map.closePopup(); }")
            p.wait_for_function("!document.querySelector('.leaflet-popup')")  # closed popups fade out first
            p.evaluate("id => { geoMap.map.setView(geoMap.pointOf(id), geoMap.map.getZoom(), {animate: false}); }",
                       event_id)  # centred, whatever the last popup's autopan did
            x, y = p.evaluate("id => { const m = geoMap.map, pt = m.latLngToContainerPoint(geoMap.pointOf(id)), "
                              "box = m.getContainer().getBoundingClientRect(); return [box.left + pt.x, "
                              "box.top + pt.y]; }", event_id)
            assert pixel(x, y) == 255  # painted
            p.mouse.move(x, y)
            tips.append(p.locator(".leaflet-tooltip").inner_text())  # hover names the event under the cursor
            p.mouse.click(x, y)
            popup = p.locator(".leaflet-popup-content")
            popup.wait_for()
            return str(popup.inner_text())

        text = click("ev-hostile")
        for payload in PAYLOADS:
            assert payload in text  # shown as text
        assert "Summary <script>" in text and "Strike on Saraqeb." not in text
        assert p.locator(".leaflet-popup-content a").evaluate_all("as => as.map(a => a.href)") == [
            'https://ok.example/p?a=1&b=%222%22']
        assert "javascript:window.__pwned=4" in text and "data:text/html,<script>x</script>" in text
        assert tips == [f"remote violence · in {' '.join(PAYLOADS)} (SY)"]
        assert p.evaluate("window.__pwned") is None
        text = click("ev-1")  # Saraqeb: the point and the "near" circle under it, point first
        assert text.index("Strike on Saraqeb.") < text.index("(near_settlement)")
        p.evaluate("() => { geoMap.map.closePopup(); }")
        p.wait_for_function("!document.querySelector('.leaflet-popup')")
        p.evaluate("() => { geoMap.map.setView(geoMap.pointOf('ev-hostile'), 8, {animate: false}); }")
        x, y = p.evaluate("id => { const m = geoMap.map, pt = m.latLngToContainerPoint(geoMap.pointOf(id)), "
                          "box = m.getContainer().getBoundingClientRect(); return [box.left + pt.x, "
                          "box.top + pt.y]; }", "ev-hostile")
        boxes = [p.locator(".leaflet-control-layers label", has_text=label).locator("input")
                 for label in (PAYLOADS[1], "Fine", "Linked")]  # the outlets of the hostile event's reports
        for box in boxes:
            assert pixel(x, y) == 255
            box.uncheck()
        assert p.evaluate("geoMap.count()") == 2 and pixel(x, y) == 0  # no longer drawn or counted
        for box in boxes:
            box.check()
        assert p.evaluate("geoMap.count()") == 3 and pixel(x, y) == 255
        p.mouse.click(640, 890)  # nothing there: no popup
        p.wait_for_timeout(300)
        assert p.locator(".leaflet-popup-content").count() == 0
        assert page.errors == [] and page.blocked == []
    finally:
        p.close()


def test_cli_writes_an_offline_map_of_the_seeds(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 seed_records: list[dict[str, Any]], full_gazetteer: Any) -> None:
    from geo.cli import main

    cache = str(full_gazetteer.cache_dir)
    out = tmp_path / "maps" / "seeds.html"
    assert main(["--cache-dir", cache, "map", str(SEEDS), "-o", str(out), "--offline", "--by", "claimed-by"]) == 0
    assert f"{len(seed_records)} event(s)" in capsys.readouterr().err
    page = out.read_text(encoding="utf-8")
    data = json.loads(page.split('id="geo-data">', 1)[1].split("</script>", 1)[0])
    assert len(data["E"]["id"]) == len(seed_records) and data["by"] == "claimed-by"
    assert len(data["M"]) > 50  # the mentions layer


def test_cli_maps_an_ingested_store_with_its_mentions(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      seed_records: list[dict[str, Any]], full_gazetteer: Any) -> None:
    from geo.cli import main

    cache, db = str(full_gazetteer.cache_dir), str(tmp_path / "events.gpkg")
    assert main(["--cache-dir", cache, "ingest", str(SEEDS), "--db", db, "--jobs", "1"]) == 0
    out = tmp_path / "store.html"
    assert main(["--cache-dir", cache, "map", "--db", db, "-o", str(out), "--offline"]) == 0
    page = out.read_text(encoding="utf-8")
    data = json.loads(page.split('id="geo-data">', 1)[1].split("</script>", 1)[0])
    assert sorted(data["E"]["id"]) == sorted(r["id"] for r in seed_records)
    assert len(data["M"]) > 50  # the mentions the store keeps
    since = "2020-03-01"
    assert main(["--cache-dir", cache, "map", "--db", db, "-o", str(out), "--since", since]) == 0
    page = out.read_text(encoding="utf-8")
    data = json.loads(page.split('id="geo-data">', 1)[1].split("</script>", 1)[0])
    expected = {r["id"] for r in seed_records if r["date"] and (r["date_end"] or r["date"]) >= since}
    assert set(data["E"]["id"]) == expected and expected
