"""Partitioned GeoParquet + dask: write N synthetic events as monthly, Hilbert-sorted GeoParquet partitions
(``export_events(frame, "parquet", "DIR/")``), then the Idlib polygon + 4-month query and the 25 km radius query
around Saraqeb with :func:`geo.store.dask_query.dask_query` (dask threads, then a ``distributed.LocalCluster``),
each next to the same filter done in memory with numpy/shapely.

Usage::

    python bench/bench_parquet.py [--n 10000000] [--out DIR] [--keep DIR] [--no-cluster]

Synthetic events: the distribution of ``synthetic()`` in bench/bench_store.py (30 % in north-west Syria, the rest
over lon 25–60 / lat 12–42, dates over three years, 95 % points, 5 % short lines), generated column by column with
numpy and Arrow (10M records as Python dicts would not fit the time or memory), nested values as short JSON text.

What the figures measure: ``write`` is the whole export of an in-memory GeoDataFrame (geometry preparation,
Hilbert distance over the data's extent, sort by month then Hilbert, one Parquet file per month with 64k-row row
groups and a bbox covering column, the manifest). Each query returns the full GeoDataFrame with the store's
dtypes, sorted; "partitions" are files (one per month here), pruned by the manifest, then row groups pruned by
their bbox and date range. The in-memory figures are the lower bound: indices only, from arrays already in memory,
representative points only.

Measured on 2 cores shared with other jobs (noisy): see the closing note of issue 7 for the figures.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_store import IDLIB, SARAQEB, SINCE, START, UNTIL, draws, in_memory_bound  # noqa: E402

from geo.store.dask_query import dask_query  # noqa: E402
from geo.store.export import export_events  # noqa: E402

OUTLETS = ["Al Jazeera", "Anadolu Agency", "SANA", "Reuters", "AFP"]


def synthetic_frame(n: int, seed: int = 7):  # type: ignore[no-untyped-def]
    """``n`` events with the store's columns (as :func:`geo.store.query` returns them), built with numpy/Arrow."""
    import geopandas
    import pandas
    import pyarrow as pa
    import pyarrow.compute as pc

    lon, lat, day, span, line = draws(n, seed)
    start = np.datetime64(START.isoformat())
    dates = pa.array((start + day).astype("datetime64[D]").astype(str))
    ends = pa.array((start + day + span).astype("datetime64[D]").astype(str))
    number = pa.array(np.arange(n)).cast(pa.string())
    which = np.arange(n) % len(OUTLETS)  # as synthetic() in bench_store.py
    outlet = pa.array(OUTLETS).take(pa.array(which))

    def join(*parts: object) -> pa.Array:
        return pc.binary_join_element_wise(*parts, "")

    def const(value: str) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array([value])).cast(
            pa.string())

    geoms = shapely.points(lon, lat)
    idx = np.flatnonzero(line)
    coords = np.stack([np.column_stack([lon[idx], lat[idx]]), np.column_stack([lon[idx] + 0.2, lat[idx] + 0.1]),
                       np.column_stack([lon[idx] + 0.4, lat[idx] + 0.05])], axis=1)
    geoms[idx] = shapely.linestrings(coords)
    columns = {
        "id": join("ev-", number), "type": const("battle"), "subtype": const("armed_clash"),
        "acled_event_type": const("Battles"), "acled_sub_event_type": const("Armed clash"),
        "summary": join("Clashes near place ", number, "."), "date": dates, "date_end": ends,
        "date_precision": const("day"), "date_from": const("explicit"),
        "place": join('{"id": "geonames:', number, '", "name": "Place ', number, '"}'),
        "place_id": join("geonames:", number), "place_name": join("Place ", number),
        "lat": pa.array(lat), "lon": pa.array(lon),
        "geo_precision": pa.array(np.where(line, "line", "settlement")), "where_relation": const("in"),
        "actor1": const("Syrian army"), "actor2": pa.nulls(n, pa.string()), "assoc_actors": const("[]"),
        "fatalities": pa.array(np.arange(n) % 7), "injured": pa.nulls(n, pa.int64()), "claimed_by": const('["SOHR"]'),
        "claimed_by_joined": const("SOHR"), "outlets": join('["', outlet, '"]'), "outlets_joined": outlet,
        "sources": join('[{"article": "a', pa.array(np.arange(n) % 5000).cast(pa.string()), '", "outlet": "', outlet,
                        '"}]'),
        "n_sources": pa.array(np.ones(n, dtype=np.int64)),
        "articles_joined": join("a", pa.array(np.arange(n) % 5000).cast(pa.string())), "claims": const("[]"),
        "merged_because": pa.nulls(n, pa.string()), "independent_reports": pa.nulls(n, pa.int64()),
        "confidence": pa.nulls(n, pa.float64()), "extra": pa.nulls(n, pa.string()),
    }
    text = pandas.StringDtype(na_value=np.nan)
    table = pa.table(columns)
    frame = table.to_pandas(types_mapper={pa.string(): text, pa.large_string(): text}.get)
    for name in ("actor2", "merged_because", "extra"):  # as the store returns a column without any value
        frame[name] = np.full(n, None, dtype=object)
    for name in ("injured", "independent_reports", "confidence"):
        frame[name] = np.full(n, np.nan)
    return geopandas.GeoDataFrame(frame, geometry=geoms, crs=4326), lon, lat, dates, ends


def in_memory(xs: np.ndarray, ys: np.ndarray, d0: np.ndarray, d1: np.ndarray) -> tuple[float, int, float, int]:
    m_poly, hit, m_near, near_hit = in_memory_bound(xs, ys, d0, d1)
    return m_poly, len(hit), m_near, len(near_hit)


def run_queries(directory: Path, label: str, scheduler: object = None) -> None:
    for _ in range(2):  # the second run is the warm figure
        t = time.perf_counter()
        poly = dask_query(directory, scheduler=scheduler, polygon=IDLIB, since=SINCE, until=UNTIL)
        t_poly = time.perf_counter() - t
        t = time.perf_counter()
        near = dask_query(directory, scheduler=scheduler, near=SARAQEB, radius_km=25)
        t_near = time.perf_counter() - t
    for name, seconds, frame in (("polygon+4 months", t_poly, poly), ("25 km radius", t_near, near)):
        a = frame.attrs
        print(f"{label:8s} {name:16s} {seconds:6.3f} s  {len(frame):,} events; partitions {a['partitions_read']} of "
              f"{a['partitions_total']}, row groups {a['row_groups_read']} of {a['row_groups_total']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--out", type=Path, default=None, help="directory for the export (default: a temp dir)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the export at this path; when it exists, skip the write and time the queries")
    parser.add_argument("--no-cluster", action="store_true", help="skip the distributed.LocalCluster figures")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("distributed").setLevel(logging.WARNING)

    t = time.perf_counter()
    frame, xs, ys, dates, ends = synthetic_frame(args.n)
    d0 = np.asarray(dates.to_numpy(zero_copy_only=False), dtype="datetime64[D]")
    d1 = np.asarray(ends.to_numpy(zero_copy_only=False), dtype="datetime64[D]")
    print(f"generated {len(frame):,} events in {time.perf_counter() - t:.1f} s (not timed)")
    with tempfile.TemporaryDirectory(dir=args.out) as tmp:
        directory = args.keep or Path(tmp) / "events"
        if directory.exists():
            print(f"write   skipped: {directory} exists")
        else:
            t = time.perf_counter()
            export_events(frame, "parquet", f"{directory}/")
            write = time.perf_counter() - t
            size = sum(p.stat().st_size for p in directory.rglob("*.parquet")) / 1e6
            files = len(list(directory.rglob("*.parquet")))
            print(f"write   {write:6.2f} s  ({args.n:,} rows, {files} files, {size:.0f} MB)")
        del frame
        print(f"peak memory so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.1f} GB")

        run_queries(directory, "threads")
        if not args.no_cluster:
            from distributed import Client, LocalCluster

            t = time.perf_counter()
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                              silence_logs=logging.WARNING) as cluster, \
                    Client(cluster) as client:
                print(f"LocalCluster (2 worker processes) started in {time.perf_counter() - t:.1f} s")
                run_queries(directory, "cluster", client)
        m_poly, n_poly, m_near, n_near = in_memory(xs, ys, d0, d1)
        print(f"in-memory numpy/shapely (representative points only, indices only): polygon+dates {m_poly:.3f} s "
              f"({n_poly:,}), radius {m_near:.3f} s ({n_near:,})")


if __name__ == "__main__":
    main()
