"""GeoParquet 1.1 files of events: one Hilbert-sorted file, or a directory of monthly partitions with a manifest.

Directory layout (written by :func:`write_partitions`, read by :mod:`geo.store.dask_query`)::

    DIR/_partitions.json              the manifest (below); a name starting with "_" is skipped by readers
    DIR/month=2020-02/part-0.parquet  events whose ``date`` falls in February 2020
    DIR/month=2020-02/part-1.parquet  ... more files when a month holds more than ``file_rows`` events
    DIR/month=undated/part-0.parquet  events without a date

Every file is GeoParquet 1.1 (geometry as WKB in column ``geometry``, EPSG:4326, lon/lat) with a ``bbox`` covering
column (a struct of ``xmin``, ``ymin``, ``xmax``, ``ymax`` per row, declared in the ``geo`` metadata's
``covering``) and row groups of ``row_group_size`` rows. Rows are sorted by the Hilbert distance of their bbox
centre over the extent of the whole export (the same curve in every partition), so each row group covers a small
area and its min/max statistics on ``bbox.*`` let a reader skip it. All files share one Arrow schema.

The manifest ``_partitions.json`` lets an engine choose files and row groups without opening any file::

    {"format": "geo-events-partitions", "version": 1, "geoparquet": "1.1.0", "rows": 1000,
     "extent": [W, S, E, N],                          # Hilbert extent; null when no geometry
     "partitioning": "month", "row_group_size": 65536,
     "files": [{"path": "month=2020-02/part-0.parquet", "month": "2020-02", "rows": 412,
                "bbox": [W, S, E, N],                 # of the file's geometries, null when none
                "date_min": "2020-02-01",             # min(date), null for undated
                "date_max": "2020-03-04",             # max(coalesce(date_end, date)): an event may run past its month
                "row_groups": [{"rows": 412, "bbox": [...], "date_min": "...", "date_max": "..."}]}]}

Readers: ``geopandas.read_parquet(DIR)`` (``month`` comes back as a partition column), DuckDB
``read_parquet('DIR/**/*.parquet', hive_partitioning = true)``, Apache Sedona
``sedona.read.format("geoparquet").load("DIR")`` (Spark discovers ``month=`` as a partition column).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.store import StoreError

if TYPE_CHECKING:
    import geopandas
    import numpy as np
    import pyarrow

__all__ = ["FILE_ROWS", "MANIFEST", "ROW_GROUP_SIZE", "hilbert_sorted", "read_manifest", "write_file",
           "write_partitions"]

log = logging.getLogger(__name__)

MANIFEST = "_partitions.json"
MANIFEST_FORMAT = "geo-events-partitions"
MANIFEST_VERSION = 1
GEOPARQUET_VERSION = "1.1.0"
#: Rows per row group: small enough that a row group's bbox statistics are tight, large enough to read fast.
ROW_GROUP_SIZE = 65_536
#: Rows per file within a partition; a month holding more is split into ``part-0``, ``part-1``...
FILE_ROWS = 1_048_576
UNDATED = "undated"
_INT_COLUMNS = frozenset({"fatalities", "injured", "independent_reports", "n_sources"})
_REAL_COLUMNS = frozenset({"lat", "lon", "confidence"})


def _bounds(data: geopandas.GeoDataFrame) -> np.ndarray:
    """(n, 4) xmin, ymin, xmax, ymax of each geometry; NaN for a missing or empty one."""
    import numpy as np
    import shapely

    return np.asarray(shapely.bounds(data.geometry.values), dtype=np.float64).reshape(-1, 4)


def _extent(bounds: np.ndarray) -> list[float] | None:
    import numpy as np

    present = ~np.isnan(bounds).any(axis=1)
    if not present.any():
        return None
    kept = bounds[present]
    return [float(kept[:, 0].min()), float(kept[:, 1].min()), float(kept[:, 2].max()), float(kept[:, 3].max())]


def _hilbert(geoms: geopandas.GeoSeries, bounds: np.ndarray, extent: list[float] | None) -> np.ndarray:
    """Hilbert distance (level 16) of each bbox centre over ``extent``; missing geometries after every other."""
    import numpy as np

    out = np.full(len(geoms), np.iinfo(np.uint32).max + 1, dtype=np.int64)
    present = ~np.isnan(bounds).any(axis=1)
    if extent is None or not present.any():
        return out
    out[present] = geoms[present].hilbert_distance(total_bounds=extent, level=16).to_numpy().astype(np.int64)
    return out


def hilbert_sorted(data: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """``data`` in Hilbert order over its own extent (missing geometries last), index reset."""
    import numpy as np

    bounds = _bounds(data)
    order = np.argsort(_hilbert(data.geometry, bounds, _extent(bounds)), kind="stable")
    return data.iloc[order].reset_index(drop=True)


def _uniform(data: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """``data`` with column types that give every file the same Arrow schema: an all-null column becomes text
    (or an integer/real one by its name) rather than Arrow's ``null`` type, which a partition would otherwise get
    for a column empty only there."""
    import numpy as np
    import pandas

    fixes: dict[str, Any] = {}
    geometry = data.geometry.name
    text = pandas.StringDtype("pyarrow", na_value=np.nan)
    for name in data.columns:
        if name == geometry or data[name].dtype != object:
            continue
        column = data[name]
        if name in _INT_COLUMNS:
            fixes[name] = pandas.to_numeric(column, errors="coerce").astype("Int64")
        elif name in _REAL_COLUMNS:
            fixes[name] = pandas.to_numeric(column, errors="coerce").astype("float64")
        elif column.isna().all() or pandas.api.types.infer_dtype(column, skipna=True) == "string":
            fixes[name] = column.astype(text)
    return data.assign(**fixes) if fixes else data


#: Columns with few distinct values, dictionary-encoded in Parquet; the others (ids, JSON, text) are mostly unique,
#: where a dictionary only costs time (measured: half the write time).
_DICTIONARY = ("type", "subtype", "acled_event_type", "acled_sub_event_type", "date_precision", "date_from",
               "geo_precision", "where_relation", "claimed_by", "claimed_by_joined", "outlets", "outlets_joined",
               "actor1", "actor2", "assoc_actors", "claims", "merged_because")


def _options(data: geopandas.GeoDataFrame, row_group_size: int) -> dict[str, Any]:
    return {"index": False, "write_covering_bbox": True, "schema_version": GEOPARQUET_VERSION,
            "compression": "zstd", "row_group_size": row_group_size,
            "use_dictionary": [name for name in _DICTIONARY if name in data.columns]}


def write_file(data: geopandas.GeoDataFrame, path: str | os.PathLike[str], *,
               row_group_size: int = ROW_GROUP_SIZE) -> None:
    """One GeoParquet 1.1 file at ``path``: Hilbert-sorted over the data's extent, bbox covering column."""
    hilbert_sorted(_uniform(data)).to_parquet(path, **_options(data, row_group_size))


def _date_range(dates: pyarrow.Array, ends: pyarrow.Array) -> tuple[str | None, str | None]:
    """(min(date), max(coalesce(date_end, date))) of a slice; ISO text compares as dates."""
    import pyarrow.compute as pc

    low = pc.min(dates).as_py()
    high = pc.max(pc.coalesce(ends, dates)).as_py()
    return low, high


def write_partitions(data: geopandas.GeoDataFrame, directory: Path, *, row_group_size: int = ROW_GROUP_SIZE,
                     file_rows: int = FILE_ROWS) -> dict[str, Any]:
    """Write ``data`` as monthly GeoParquet partitions and the manifest into the existing empty ``directory``.

    Returns the manifest (also written to ``directory / MANIFEST``)."""
    import numpy as np
    import pandas
    import pyarrow
    import pyarrow.parquet as pq

    data = _uniform(data)
    bounds = _bounds(data)
    extent = _extent(bounds)
    hilbert = _hilbert(data.geometry, bounds, extent)
    dates = (data["date"].astype("string") if "date" in data.columns
             else pandas.Series(pandas.NA, index=data.index, dtype="string"))
    codes, uniques = pandas.factorize(dates.str[:7].fillna(UNDATED), sort=True)  # "undated" after "YYYY-MM"
    keys = np.asarray(uniques, dtype=object)
    order = np.lexsort((hilbert, codes))
    data = data.iloc[order].reset_index(drop=True)
    bounds, codes = bounds[order], codes[order]
    date_array = pyarrow.array(dates.iloc[order], from_pandas=True, type=pyarrow.large_string())
    end_array = (pyarrow.array(data["date_end"].astype("string"), from_pandas=True, type=pyarrow.large_string())
                 if "date_end" in data.columns else pyarrow.nulls(len(data), pyarrow.large_string()))
    starts = np.searchsorted(codes, np.arange(len(keys)))
    stops = np.append(starts[1:], len(data))
    files: list[dict[str, Any]] = []
    for key, start, stop in zip(keys.tolist(), starts.tolist(), stops.tolist(), strict=True):
        folder = directory / f"month={key}"
        folder.mkdir()
        for number, first in enumerate(range(start, stop, file_rows)):
            last = min(first + file_rows, stop)
            path = folder / f"part-{number}.parquet"
            data.iloc[first:last].to_parquet(path, **_options(data, row_group_size))
            groups = []
            offset = first
            meta = pq.read_metadata(path)
            for index in range(meta.num_row_groups):
                rows = meta.row_group(index).num_rows
                low, high = _date_range(date_array[offset:offset + rows], end_array[offset:offset + rows])
                groups.append({"rows": rows, "bbox": _extent(bounds[offset:offset + rows]), "date_min": low,
                               "date_max": high})
                offset += rows
            low, high = _date_range(date_array[first:last], end_array[first:last])
            files.append({"path": f"month={key}/{path.name}", "month": key, "rows": last - first,
                          "bbox": _extent(bounds[first:last]), "date_min": low, "date_max": high,
                          "row_groups": groups})
    manifest = {"format": MANIFEST_FORMAT, "version": MANIFEST_VERSION, "geoparquet": GEOPARQUET_VERSION,
                "rows": len(data), "extent": extent, "partitioning": "month", "row_group_size": row_group_size,
                "files": files}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    log.info("wrote %d events in %d files over %d partitions to %s", len(data), len(files), len(keys), directory)
    return manifest


def read_manifest(directory: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of a partitioned export; :class:`StoreError` naming the directory when there is none."""
    path = Path(directory) / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise StoreError(f"no {MANIFEST} in {directory}: not a partitioned GeoParquet export; write one with "
                         "'geo export --format parquet -o DIR/'") from exc
    except (OSError, ValueError) as exc:
        raise StoreError(f"cannot read {path} ({exc}); export the directory again") from exc
    if manifest.get("format") != MANIFEST_FORMAT or int(manifest.get("version", 0)) > MANIFEST_VERSION:
        raise StoreError(f"{path} is not a manifest this version of geo-events reads (format "
                         f"{manifest.get('format')!r}, version {manifest.get('version')!r}); upgrade geo-events")
    return manifest
