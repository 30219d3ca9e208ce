"""Maps of synthetic events: file size, generation time and load-to-idle in headless Chromium (network blocked).

    python bench/bench_map.py                      # 1k, 10k, 100k with the automatic rendering
    python bench/bench_map.py --sizes 100000 --render cluster canvas

Events are synthetic but shaped like real ones (CONTRACTS.md records: 90% points, 5% "near" circles, 3% roads,
2% areas; 1-3 sources from 30 outlets; 5% undated; a one-sentence summary). "load" is navigation start to the
page script's ready flag (all events added to their layers, or drawn on the canvas); "idle" adds two animation
frames after it (the first paint); "filter" is one untick of the largest outlet layer (hide and redraw); "zoom"
and "pan" are one zoom-in and one 300 px pan without animation, each until two frames later; "drag" is a
20-step mouse drag, "worst_frame_ms" the longest gap between frames during it, "release_s" the redraw after it.
"steps_ms" are the page's own marks (ms since navigation start: data unpacked, script start, layers built,
first draw). "loadavg" is the machine's 1-minute load average at the time (the machine is shared: wall times
scale with it; "*_cpu_s" less so).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.mapdata import build_map_data  # noqa: E402
from geo.mapview import map_html  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
WORDS = ("shelling hit the town killing civilians according to the observatory government forces advanced near "
         "the highway while drones struck positions overnight and residents fled toward the border").split()
TYPES = ("battle", "remote_violence", "strategic", "migration", "violence_against_civilians", "protest", "riot")


def synthetic(n: int, seed: int = 8) -> list[dict[str, Any]]:
    """``n`` event records in and around Syria and Turkey."""
    rnd = random.Random(seed)
    outlets = [f"Outlet {i}" for i in range(30)]
    start = dt.date(2020, 1, 1)
    records = []
    for i in range(n):
        lat, lon = rnd.uniform(32.5, 41.5), rnd.uniform(26.0, 44.0)
        shape = rnd.random()
        geometry: dict[str, Any]
        if shape < 0.03:
            coords = [[round(lon + k * 0.05, 5), round(lat + rnd.uniform(-0.03, 0.03), 5)] for k in range(6)]
            geometry, precision = {"type": "LineString", "coordinates": coords}, "line"
        elif shape < 0.05:
            ring = [[lon, lat], [lon + 0.3, lat], [lon + 0.3, lat + 0.2], [lon, lat + 0.2], [lon, lat]]
            geometry, precision = {"type": "Polygon", "coordinates": [ring]}, "admin2"
        else:
            geometry = {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}
            precision = "near_settlement" if shape < 0.10 else "settlement"
        day = None if rnd.random() < 0.05 else start + dt.timedelta(days=rnd.randrange(365))
        summary = " ".join(rnd.choice(WORDS) for _ in range(18)).capitalize() + "."
        sources: list[dict[str, Any]] = [{"article": f"art-{rnd.randrange(n)}", "outlet": rnd.choice(outlets),
                    "url": f"https://news.example/{i}/{k}", "published": day.isoformat() if day else None,
                    "sentence": summary if k == 0 else " ".join(rnd.choice(WORDS) for _ in range(15)) + ".",
                    "start": 0, "end": 100} for k in range(rnd.choice((1, 1, 1, 2, 3)))]
        claims = ([{"field": "fatalities", "value": v, "claimed_by": w, "article": "art-1"}
                   for v, w in ((3, "SOHR"), (5, "SANA"))] if rnd.random() < 0.1 else [])
        records.append({
            "id": f"ev-{i:016x}", "type": rnd.choice(TYPES), "subtype": "synthetic", "summary": summary,
            "date": day.isoformat() if day else None, "date_end": day.isoformat() if day else None,
            "date_precision": "day" if day else "unknown",
            "place": {"id": f"x:{i}", "name": f"Place {i % 5000}", "kind": "populated_place", "country": "SY",
                      "admin1": "Idlib", "mention": f"Place {i % 5000}"},
            "lat": lat, "lon": lon, "geometry": geometry, "geo_precision": precision,
            "where_relation": "near" if precision == "near_settlement" else "in",
            "actor1": "Military Forces of Syria", "actor2": None, "fatalities": rnd.choice((None, 0, 1, 4)),
            "injured": None, "claimed_by": ["SOHR"], "outlets": sorted({s["outlet"] for s in sources}),
            "sources": sources, "claims": claims, "merged_because": None})
    return records


FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def load_in_chromium(path: Path, timeout_s: float) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
        t0 = time.perf_counter()
        page.goto(path.as_uri(), timeout=timeout_s * 1000)
        page.wait_for_function("window.geoMap && window.geoMap.ready", timeout=timeout_s * 1000, polling=50)
        load = time.perf_counter() - t0
        page.evaluate(FRAMES)
        idle = time.perf_counter() - t0
        steps = page.evaluate("window.geoTimings")
        drawn = page.evaluate("geoMap.count()")

        def timed(action: Any) -> float:
            t = time.perf_counter()
            action()
            page.evaluate(FRAMES)
            return round(time.perf_counter() - t, 2)

        box = page.locator(".leaflet-control-layers-overlays input").first
        filtered = timed(box.uncheck)
        after_filter = page.evaluate("geoMap.count()")
        box.check()
        page.evaluate(FRAMES)
        zoom = timed(lambda: page.evaluate("() => { geoMap.map.setZoom(geoMap.map.getZoom() + 1, {animate: false}); }"))
        pan = timed(lambda: page.evaluate("() => { geoMap.map.panBy([300, 200], {animate: false}); }"))
        # a mouse drag across the map: the longest gap between frames while dragging, and the redraw after it
        page.evaluate("() => { window.gaps = []; let last = performance.now(); const tick = now => { "
                      "window.gaps.push(now - last); last = now; "
                      "if (!window.stopFrames) requestAnimationFrame(tick); }; requestAnimationFrame(tick); }")
        page.mouse.move(640, 450)
        page.mouse.down()
        t = time.perf_counter()
        page.mouse.move(340, 250, steps=20)
        page.evaluate(FRAMES)
        drag = round(time.perf_counter() - t, 2)
        worst_frame = page.evaluate("() => { window.stopFrames = true; return Math.round(Math.max(...window.gaps)); }")
        release = timed(page.mouse.up)  # the drag's end: redraw at the new position
        redraw = page.evaluate("geoMap.dots ? geoMap.dots.ms : null")
        browser.close()
    return {"load_s": round(load, 2), "idle_s": round(idle, 2), "filter_s": filtered, "zoom_s": zoom, "pan_s": pan,
            "drag_s": drag, "worst_frame_ms": worst_frame, "release_s": release, "canvas_redraw_ms": redraw,
            "drawn": drawn, "drawn_after_filter": after_filter, "steps_ms": steps, "page_errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--render", nargs="+", default=["auto"], choices=("auto", "cluster", "canvas"))
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed for one page load")
    parser.add_argument("--out", type=Path, help="keep the maps in this directory")
    parser.add_argument("--repeat", type=int, default=1, help="load each map this many times; report the median")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-map-"))
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.sizes:
        records = synthetic(n)
        for render in args.render:
            t0, c0 = time.perf_counter(), time.process_time()
            data = build_map_data(records)
            t1, c1 = time.perf_counter(), time.process_time()
            page = map_html(data, title=f"{n} events", offline=True, mode=None if render == "auto" else render)
            t2, c2 = time.perf_counter(), time.process_time()
            path = out / f"map-{n}-{render}.html"
            path.write_text(page, encoding="utf-8")
            row = {"events": n, "render": render, "mb": round(path.stat().st_size / 1e6, 1),
                   "data_s": round(t1 - t0, 2), "page_s": round(t2 - t1, 2), "data_cpu_s": round(c1 - c0, 2),
                   "page_cpu_s": round(c2 - c1, 2), "loadavg": round(os.getloadavg()[0], 1),
                   "loads_s": []}
            runs = [load_in_chromium(path, args.timeout) for _ in range(args.repeat)]
            runs.sort(key=lambda r: r["load_s"])
            row.update(runs[len(runs) // 2], loads_s=[r["load_s"] for r in runs])  # the median run
            results.append(row)
            print(json.dumps(row), flush=True)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
