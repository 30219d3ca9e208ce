"""Event store on GeoPackage: write 1,000,000 synthetic events, then a polygon + 4-month query and a 25 km radius
query, each against the same filter done in memory with numpy/shapely; last, an append of 1,000 new events and
1,000 stored ones (the sqlite3 ``INSERT OR IGNORE`` path that ingest uses).

Usage::

    python bench/bench_store.py [--n 1000000] [--out DIR] [--db PATH]

Synthetic records: 30 % in north-west Syria (lon 35.5–37.5, lat 35–37), the rest over lon 25–60 / lat 12–42;
dates over three years; 95 % points, 5 % short LineStrings. Targets: write ≤ 15 s; each query ≤ 0.5 s.

What the figures measure: ``write`` is ``GpkgStore.write_events`` on a new file — the plain text and number fields
read by Arrow straight from the record dicts, nested values encoded as JSON by orjson and derived columns built
column by column (:func:`geo.store.gpkg_rows.arrow_batches`), written by GDAL from the Arrow table, then the UNIQUE
id and date indexes. Both
queries return the full GeoDataFrame: candidates come from the R-tree through sqlite3 (the radius decides most
points from their R-tree envelope alone), the rows through GDAL's Arrow reader. The in-memory figures are the
lower bound: indices only, from arrays already in memory.

Measured on 2 cores shared with other jobs (noisy), 1,000,000 events, before → after this layout of the code:
write 110 s → 40 s → 30 s (the Arrow struct read and orjson; of the 30 s: encoding about 10–14 s, GDAL 8–10 s
with its R-tree, the two indexes 2–3 s — the 15 s target is not met); polygon + 4 months 0.45 s → 0.22 s;
25 km radius 1.16 s → 0.21 s; append of 2,000 about 1 s. Writing from a second process (GDAL holds the GIL) did
not help on this VM: the encoder and GDAL each ran at half speed side by side (memory-bound work on two vCPUs);
tried again later with a child process fed an Arrow IPC stream: 16.9 / 23.1 s against 18.4 / 17.3 s in-process.

Two processes (geo.store.forked): GDAL holds the GIL while it writes (a Python thread beside it ran 0.5 % of its
speed), so a forked child encodes the last 70 % of the records while this process encodes and writes the first
30 %, then writes the child's batches as they come (Arrow IPC files, memory-mapped). 1M in one very slow phase
(records generated in 31 s): one process 25.7 / 29.7 s, two 21.1 / 22.1 s; 400k in another: 11.4 / 13.2 s against
9.0 / 10.3 s. The index build (3–5 s) still follows GDAL's write.

The speed of this VM varies by about 1.6× over hours (generating the records, untimed, takes 12 s in a fast
phase and 20 s in a slow one); in a fast phase the same code writes 1M in 17–19 s (encoding 9–10 s, GDAL 6.5 s,
CPU-bound — synchronous and journal settings change nothing — indexes 3 s) and the queries take 0.22 / 0.21 s
(median of 10 warm runs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.geometry import Polygon

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.store import GpkgStore, query  # noqa: E402

#: An Idlib-governorate-like polygon (lon, lat).
IDLIB = Polygon([(36.18, 35.45), (36.75, 35.40), (37.02, 35.62), (36.98, 36.02), (36.70, 36.25),
                 (36.45, 36.25), (36.25, 36.05), (36.12, 35.80)])
SARAQEB = (35.864, 36.800)  # (lat, lon)
SINCE, UNTIL = "2020-01-01", "2020-04-30"
START = dt.date(2019, 1, 1)


def draws(n: int, seed: int = 7) -> tuple[np.ndarray, ...]:
    """The random parts of ``n`` synthetic events: lon, lat (30 % in north-west Syria), day offset from START,
    span in days, and whether the event is a line."""
    rng = np.random.default_rng(seed)
    syria = rng.random(n) < 0.3
    lon = np.where(syria, rng.uniform(35.5, 37.5, n), rng.uniform(25, 60, n)).round(5)
    lat = np.where(syria, rng.uniform(35, 37, n), rng.uniform(12, 42, n)).round(5)
    day = rng.integers(0, 3 * 365, n)
    span = np.where(rng.random(n) < 0.7, 0, rng.integers(0, 10, n))
    line = rng.random(n) < 0.05
    return lon, lat, day, span, line


def synthetic(n: int, seed: int = 7) -> list[dict]:
    """``n`` event records shaped like CONTRACTS.md's, with small nested values."""
    lon, lat, day, span, line = draws(n, seed)
    outlets = ["Al Jazeera", "Anadolu Agency", "SANA", "Reuters", "AFP"]
    dates = [(START + dt.timedelta(days=int(d))).isoformat() for d in range(3 * 365 + 10)]
    records = []
    for i in range(n):
        x, y = float(lon[i]), float(lat[i])
        geometry = ({"type": "LineString", "coordinates": [[x, y], [x + 0.2, y + 0.1], [x + 0.4, y + 0.05]]}
                    if line[i] else {"type": "Point", "coordinates": [x, y]})
        outlet = outlets[i % 5]
        records.append({
            "id": f"ev-{i:016x}", "type": "battle", "subtype": "armed_clash", "acled_event_type": "Battles",
            "acled_sub_event_type": "Armed clash", "summary": f"Clashes near place {i}.",
            "date": dates[day[i]], "date_end": dates[day[i] + span[i]], "date_precision": "day",
            "date_from": "explicit",
            "place": {"id": f"geonames:{i}", "name": f"Place {i}", "kind": "populated_place", "country": "SY",
                      "admin1": "Idlib", "mention": f"Place {i}"},
            "lat": y, "lon": x, "geometry": geometry, "geo_precision": "line" if line[i] else "settlement",
            "where_relation": "in", "actor1": "Syrian army", "actor2": None, "assoc_actors": [],
            "fatalities": int(i % 7), "injured": None, "claimed_by": ["SOHR"], "outlets": [outlet],
            "sources": [{"article": f"a{i % 5000}", "outlet": outlet, "url": None, "published": dates[day[i]],
                         "sentence": "Clashes.", "start": 0, "end": 8}],
            "claims": [], "merged_because": None,
        })
    return records


def in_memory_bound(xs: np.ndarray, ys: np.ndarray, d0: np.ndarray, d1: np.ndarray
                    ) -> tuple[float, np.ndarray, float, np.ndarray]:
    """The same two queries done in memory on representative points (numpy bbox + date prefilter, shapely
    ``contains_xy``; pyproj geodesic distances): (seconds, indices) for the polygon+dates and for the radius."""
    t = time.perf_counter()
    minx, miny, maxx, maxy = IDLIB.bounds
    pre = ((xs >= minx) & (xs <= maxx) & (ys >= miny) & (ys <= maxy) & (d0 <= np.datetime64(UNTIL))
           & (d1 >= np.datetime64(SINCE)))
    idx = np.flatnonzero(pre)
    shapely.prepare(IDLIB)
    hit = idx[shapely.contains_xy(IDLIB, xs[idx], ys[idx])]
    m_poly = time.perf_counter() - t
    t = time.perf_counter()
    lat, lon = SARAQEB
    idx = np.flatnonzero((np.abs(ys - lat) <= 0.3) & (np.abs(xs - lon) <= 0.4))
    _, _, metres = pyproj.Geod(ellps="WGS84").inv(np.full(len(idx), lon), np.full(len(idx), lat), xs[idx], ys[idx])
    near_hit = idx[np.asarray(metres) <= 25_000]
    return m_poly, hit, time.perf_counter() - t, near_hit


def time_queries(store: object, records: list[dict], *, target: float, runs: int, append_note: str = "") -> None:
    """Time the polygon + 4 months and the 25 km radius queries on ``store`` (the median of the warm runs, all
    but the first, with their range), next to the in-memory bound on the same records, then an append of 1,000
    new and 1,000 stored ids."""
    xs = np.array([r["lon"] for r in records])  # in-memory arrays, built outside the timings
    ys = np.array([r["lat"] for r in records])
    d0 = np.array([r["date"] for r in records], dtype="datetime64[D]")
    d1 = np.array([r["date_end"] for r in records], dtype="datetime64[D]")
    t_poly: list[float] = []
    t_near: list[float] = []
    for _ in range(runs):
        t = time.perf_counter()
        poly = query(store, polygon=IDLIB, since=SINCE, until=UNTIL)
        t_poly.append(time.perf_counter() - t)
        t = time.perf_counter()
        near = query(store, near=SARAQEB, radius_km=25)
        t_near.append(time.perf_counter() - t)
    for label, times, frame in (("polygon+4 months", t_poly, poly), ("25 km radius", t_near, near)):
        warm = sorted(times[1:] or times)  # the first run opens the connection and warms the caches
        print(f"{label:<17} {warm[len(warm) // 2]:6.3f} s median of {len(warm)} warm runs "
              f"({warm[0]:.3f}–{warm[-1]:.3f}; first {times[0]:.3f})  {len(frame):,} events "
              f"(GeoDataFrame; target ≤ {target} s)")
    m_poly, hit, m_near, near_hit = in_memory_bound(xs, ys, d0, d1)
    print(f"in-memory numpy/shapely (representative points only, indices only): polygon+dates {m_poly:.3f} s "
          f"({len(hit):,}), radius {m_near:.3f} s ({len(near_hit):,})")
    more = [{**r, "id": f"new-{i}"} for i, r in enumerate(records[:1000])] + records[:1000]
    t = time.perf_counter()
    result = store.write_events(more)  # type: ignore[attr-defined]
    print(f"append  {time.perf_counter() - t:6.2f} s  ({result.inserted:,} new, {result.skipped:,} already stored"
          f"{append_note})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=None, help="directory for the .gpkg (default: a temp dir)")
    parser.add_argument("--db", type=Path, default=None,
                        help="keep the store at this path; when it exists, skip the write and time the queries")
    args = parser.parse_args()

    t = time.perf_counter()
    records = synthetic(args.n)
    print(f"generated {len(records):,} records in {time.perf_counter() - t:.1f} s (not timed)")
    with tempfile.TemporaryDirectory(dir=args.out) as tmp:
        store = GpkgStore(args.db or Path(tmp) / "events.gpkg")
        if store.path.exists():
            print(f"write   skipped: {store.path} exists ({store.count():,} rows)")
        else:
            t = time.perf_counter()
            result = store.write_events(records)
            write = time.perf_counter() - t
            size = store.path.stat().st_size / 1e6
            print(f"write   {write:6.2f} s  ({result.inserted:,} rows, {size:.0f} MB; target ≤ 15 s)")

        time_queries(store, records, target=0.5, runs=11, append_note="; sqlite3 INSERT OR IGNORE")


if __name__ == "__main__":
    main()
