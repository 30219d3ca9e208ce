"""The same queries as :func:`geo.store.query`, run with dask-geopandas over a partitioned GeoParquet export.

>>> from geo.store.dask_query import dask_query                                        # doctest: +SKIP
>>> frame = dask_query("events-parquet/", near=(35.864, 36.8), radius_km=25, since="2020-02-01")  # doctest: +SKIP
>>> frame.attrs["partitions_read"], frame.attrs["partitions_total"]                    # doctest: +SKIP
(3, 37)

How a query runs:

1. Pruning, from the export's manifest (:mod:`geo.store.parquet`) alone, no file opened: a file (one dask
   partition; one month, or a part of a month holding more than ``FILE_ROWS`` events) is read only when its date
   range ``[min(date), max(coalesce(date_end, date))]`` overlaps ``since``/``until`` (the undated partition only
   with ``include_undated`` or no date filter) and its bbox meets the region's boxes; within it, only the row
   groups whose own bbox and date range pass.
2. Per partition, in a dask task: the chosen row groups are read with pyarrow; rows are prefiltered on the
   ``bbox`` covering column, dates, type and precision with Arrow compute, then tested exactly with the helpers
   :func:`geo.store.query` uses (intersection with the region, :data:`~geo.store.query.SLIVER` for areas,
   geodesic distance from the nearest point of the geometry) and the list and text filters.
3. The partitions are computed (threads, a ``distributed.LocalCluster`` or a cluster's scheduler), concatenated,
   given the dtypes the GeoPackage query returns, sorted by date then id, and cut to ``limit``.

The result has the attributes ``partitions_read``, ``partitions_total``, ``row_groups_read`` and
``row_groups_total`` in ``frame.attrs``.

Scaling out: start ``dask scheduler`` and ``dask worker tcp://HOST:8786`` on machines that see the export at the
same path (a shared file system) and have geo-events installed, then pass ``scheduler="tcp://HOST:8786"``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.errors import UsageError
from geo.store.parquet import UNDATED, read_manifest
from geo.store.query import (_LIST_COLUMNS, GEO_PRECISION_ORDER, _day, _distances_km, _drop_slivers,
                             _matches_list, _values, near_bboxes)

if TYPE_CHECKING:
    import geopandas
    import numpy as np
    import pyarrow
    from shapely.geometry.base import BaseGeometry

__all__ = ["dask_query"]

log = logging.getLogger(__name__)

BBox = tuple[float, float, float, float]
_GEOMETRY = "geometry"
_COVERING = "bbox"


@dataclass(frozen=True)
class _Filters:
    """Every filter of one query, in the form the tasks need (picklable, sent to the workers)."""

    constraints: tuple[tuple[BBox, ...], ...] = ()  # a row must meet one box of each
    regions: tuple[BaseGeometry, ...] = ()
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    since: str | None = None
    until: str | None = None
    include_undated: bool = False
    type: str | None = None
    precisions: tuple[str, ...] | None = None
    lists: dict[str, list[str]] = field(default_factory=dict)
    text: str | None = None
    limit: int | None = None

    def dates_meet(self, low: str | None, high: str | None) -> bool:
        """Whether a partition or row group with dates in ``[low, high]`` (None: undated) may hold a match."""
        if not (self.since or self.until):
            return True
        if low is None:
            return self.include_undated
        return not ((self.until and low > self.until) or (self.since and high is not None and high < self.since))

    def bbox_meets(self, bbox: Sequence[float] | None) -> bool:
        if not self.constraints:
            return True
        if bbox is None:
            return False
        xmin, ymin, xmax, ymax = bbox
        return all(any(xmax >= w and xmin <= e and ymax >= s and ymin <= n for w, s, e, n in boxes)
                   for boxes in self.constraints)


def _filters(*, bbox: BBox | None, polygon: BaseGeometry | None, near: tuple[float, float] | None,
             radius_km: float | None, since: str | dt.date | None, until: str | dt.date | None,
             include_undated: bool, outlet: str | Sequence[str] | None, article: str | Sequence[str] | None,
             claimed_by: str | Sequence[str] | None, type: str | None, max_geo_precision: str | None,
             text: str | None, limit: int | None) -> _Filters:
    """The query's filters checked and normalised as :func:`geo.store.query` does."""
    import shapely
    from shapely.geometry import box

    if (near is None) != (radius_km is None):
        raise UsageError("near and radius_km go together: pass both, e.g. near=(35.83, 36.8), radius_km=25")
    precisions = None
    if max_geo_precision:
        if max_geo_precision not in GEO_PRECISION_ORDER:
            raise UsageError(f"max_geo_precision={max_geo_precision!r} is not one of {', '.join(GEO_PRECISION_ORDER)}")
        precisions = GEO_PRECISION_ORDER[:GEO_PRECISION_ORDER.index(max_geo_precision) + 1]
    constraints: list[tuple[BBox, ...]] = []
    regions: list[BaseGeometry] = []
    if bbox is not None:
        west, south, east, north = bbox
        boxes = [(west, south, 180.0, north), (-180.0, south, east, north)] if west > east else [tuple(bbox)]
        constraints.append(tuple(boxes))  # type: ignore[arg-type]
        regions.append(shapely.union_all([box(*b) for b in boxes]))
    if polygon is not None:
        if not polygon.is_valid:
            log.warning("the query polygon is invalid (%s); repaired with make_valid", shapely.is_valid_reason(polygon))
            polygon = shapely.make_valid(polygon)
        constraints.append((polygon.bounds,))
        regions.append(polygon)
    if near is not None and radius_km is not None:
        constraints.append(tuple(near_bboxes(near[0], near[1], radius_km)))
    return _Filters(constraints=tuple(constraints), regions=tuple(regions), near=near, radius_km=radius_km,
                    since=_day(since, "since"), until=_day(until, "until"), include_undated=include_undated,
                    type=type.lower() if type else None, precisions=precisions,
                    lists={k: v for k, v in (("outlet", _values(outlet)), ("article", _values(article)),
                                             ("claimed_by", _values(claimed_by))) if v},
                    text=text, limit=limit)


def _plan(manifest: dict[str, Any], filters: _Filters) -> list[tuple[str, list[int]]]:
    """(file path relative to the export, row group indices) of each partition to read."""
    plan = []
    for entry in manifest["files"]:
        low = None if entry["month"] == UNDATED else entry["date_min"]
        if not (filters.dates_meet(low, entry["date_max"]) and filters.bbox_meets(entry["bbox"])):
            continue
        groups = [i for i, group in enumerate(entry["row_groups"])
                  if filters.dates_meet(None if low is None else group["date_min"], group["date_max"])
                  and filters.bbox_meets(group["bbox"])]
        if groups:
            plan.append((entry["path"], groups))
    return plan


# -- one partition (runs in a dask task) ---------------------------------------------------------------------------

def _prefilter(table: pyarrow.Table, filters: _Filters) -> pyarrow.Array | None:
    """A boolean mask of the rows that may match (bbox column, dates, type, precision); None keeps every row."""
    import pyarrow.compute as pc

    mask = None

    def both(condition: Any) -> None:
        nonlocal mask
        mask = condition if mask is None else pc.and_kleene(mask, condition)

    if filters.constraints:
        covering = table.column(_COVERING)
        xmin, ymin, xmax, ymax = (pc.struct_field(covering, name) for name in ("xmin", "ymin", "xmax", "ymax"))
        for boxes in filters.constraints:
            meets = None
            for w, s, e, n in boxes:
                one = pc.and_kleene(pc.and_kleene(pc.greater_equal(xmax, w), pc.less_equal(xmin, e)),
                              pc.and_kleene(pc.greater_equal(ymax, s), pc.less_equal(ymin, n)))
                meets = one if meets is None else pc.or_kleene(meets, one)
            both(meets)
    if filters.since or filters.until:
        date = table.column("date")
        dated = pc.is_valid(date)
        if filters.until:
            dated = pc.and_kleene(dated, pc.less_equal(date, filters.until))
        if filters.since:
            dated = pc.and_kleene(dated, pc.greater_equal(pc.coalesce(table.column("date_end"), date), filters.since))
        both(pc.or_kleene(dated, pc.is_null(date)) if filters.include_undated else dated)
    if filters.type:
        both(pc.or_kleene(pc.equal(pc.utf8_lower(table.column("type")), filters.type),
                    pc.equal(pc.utf8_lower(table.column("subtype")), filters.type)))
    if filters.precisions is not None:
        both(pc.is_in(table.column("geo_precision"), value_set=pyarrow_array(filters.precisions)))
    return None if mask is None else pc.fill_null(mask, False)


def pyarrow_array(values: Sequence[str]) -> pyarrow.Array:
    import pyarrow

    return pyarrow.array(list(values), type=pyarrow.large_string())


def _exact(geoms: np.ndarray, filters: _Filters) -> np.ndarray:
    """The region and radius test of :func:`geo.store.query`."""
    import numpy as np
    import shapely

    keep = np.ones(len(geoms), dtype=bool)
    for shared in filters.regions:
        # a copy per task: partitions run in threads, and preparing one geometry from two threads at once (or
        # its lazily built index) is not thread-safe in GEOS
        region = shapely.from_wkb(shapely.to_wkb(shared))
        shapely.prepare(region)
        keep &= shapely.intersects(region, geoms)
        _drop_slivers(region, geoms, keep)
    if filters.near is not None and filters.radius_km is not None:
        keep &= _distances_km(geoms, filters.near[0], filters.near[1]) <= filters.radius_km
    return keep


def _frame(table: pyarrow.Table, geoms: np.ndarray) -> geopandas.GeoDataFrame:
    """``table`` (no geometry column) as a GeoDataFrame with ``geoms``: text as pandas ``str``, integers as
    nullable ``Int64`` (the same dtypes in every partition; :func:`_like_store` settles them at the end)."""
    import geopandas
    import numpy as np
    import pandas
    import pyarrow

    text = pandas.StringDtype(na_value=np.nan)
    types = {pyarrow.string(): text, pyarrow.large_string(): text, pyarrow.int64(): pandas.Int64Dtype(),
             pyarrow.null(): text}
    frame = table.to_pandas(types_mapper=types.get, ignore_metadata=True)
    return geopandas.GeoDataFrame(frame, geometry=geopandas.GeoSeries(geoms, index=frame.index, crs=4326),
                                  crs=4326)


def _read_partition(path: str, row_groups: list[int], filters: _Filters) -> geopandas.GeoDataFrame:
    """The rows of ``row_groups`` of the GeoParquet file ``path`` matching every filter."""
    import pandas
    import pyarrow.parquet as pq
    import shapely

    table = pq.ParquetFile(path).read_row_groups(row_groups)
    mask = _prefilter(table, filters)
    if mask is not None:
        table = table.filter(mask)
    geoms = shapely.from_wkb(table.column(_GEOMETRY).to_numpy(zero_copy_only=False))
    if filters.regions or filters.near is not None:
        keep = _exact(geoms, filters)
        table, geoms = table.filter(keep), geoms[keep]
    frame = _frame(table.drop_columns([c for c in (_GEOMETRY, _COVERING) if c in table.column_names]), geoms)
    if len(frame) and (filters.lists or filters.text):
        keep_rows = pandas.Series(True, index=frame.index)
        for name, values in filters.lists.items():
            wanted = {v.casefold() for v in values}
            key = "article" if name == "article" else None
            keep_rows &= frame[_LIST_COLUMNS[name][0]].map(lambda cell, w=wanted, k=key: _matches_list(cell, w, k))
        if filters.text:
            needle = filters.text.casefold()
            keep_rows &= frame["summary"].map(lambda s: isinstance(s, str) and needle in s.casefold())
        frame = frame[keep_rows.to_numpy(dtype=bool)]
    if filters.limit is not None and len(frame) > filters.limit:  # the overall first rows are among these
        frame = frame.sort_values(["date", "id"], na_position="last", kind="stable").head(filters.limit)
    return frame.reset_index(drop=True)


def _empty(path: str) -> geopandas.GeoDataFrame:
    """An empty frame with the columns and per-partition dtypes of the file at ``path``."""
    import numpy as np
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    table = schema.empty_table()
    return _frame(table.drop_columns([c for c in (_GEOMETRY, _COVERING) if c in table.column_names]),
                  np.empty(0, dtype=object))


def _like_store(frame: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """``frame`` with the dtypes :func:`geo.store.query` returns: integers as ``int64`` (``float64`` with NaN when
    one is missing), text as ``str``, a text column without any value as ``object`` of None."""
    import numpy as np
    import pandas

    fixes: dict[str, Any] = {}
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pandas.Int64Dtype):
            fixes[name] = column.astype("float64") if column.isna().any() else column.astype("int64")
        elif isinstance(column.dtype, pandas.StringDtype) and column.isna().all():
            fixes[name] = np.full(len(frame), None, dtype=object)
    return frame.assign(**fixes) if fixes else frame


# -- the query -----------------------------------------------------------------------------------------------------

def _compute(collection: Any, scheduler: Any) -> Any:
    """``collection.compute()`` on local threads, a new ``LocalCluster`` ("local"), a ``distributed.Client`` or a
    scheduler address."""
    if scheduler is None or scheduler in ("threads", "sync", "synchronous", "processes"):
        return collection.compute(scheduler=scheduler or "threads")
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        return scheduler.compute(collection).result()
    if scheduler == "local":
        workers = max(1, min(os.cpu_count() or 1, 4))
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.WARNING) as cluster, \
                Client(cluster) as client:
            log.info("dask LocalCluster with %d worker processes", workers)
            return client.compute(collection).result()
    if isinstance(scheduler, str) and "://" in scheduler:
        with Client(scheduler) as client:
            return client.compute(collection).result()
    raise UsageError(f"scheduler={scheduler!r} is not a dask scheduler; use None (threads), 'local' (a "
                     "LocalCluster) or an address such as tcp://scheduler:8786")


def dask_query(directory: str | os.PathLike[str], *, scheduler: Any = None, bbox: BBox | None = None,
               polygon: BaseGeometry | None = None, near: tuple[float, float] | None = None,
               radius_km: float | None = None, since: str | dt.date | None = None,
               until: str | dt.date | None = None, include_undated: bool = False,
               outlet: str | Sequence[str] | None = None, article: str | Sequence[str] | None = None,
               claimed_by: str | Sequence[str] | None = None, type: str | None = None,
               max_geo_precision: str | None = None, text: str | None = None,
               limit: int | None = None) -> geopandas.GeoDataFrame:
    """Events of a partitioned GeoParquet export matching every filter, as :func:`geo.store.query` returns them.

    Parameters
    ----------
    directory
        A directory written by ``geo export --format parquet -o DIR/`` (it holds ``_partitions.json``).
    scheduler
        None: dask's local threads; ``"local"``: a ``distributed.LocalCluster`` started for this query (one
        worker process per core, up to 4); an address such as ``"tcp://scheduler:8786"``: a running cluster whose
        workers see ``directory`` at the same path; or a ``distributed.Client``.
    bbox, polygon, near, radius_km, since, until, include_undated, outlet, article, claimed_by, type, \
max_geo_precision, text, limit
        As in :func:`geo.store.query`, with the same meaning.

    Returns
    -------
    geopandas.GeoDataFrame
        The same rows, order, columns and dtypes as :func:`geo.store.query` on a GeoPackage holding the same
        events; ``attrs`` holds ``partitions_read``, ``partitions_total``, ``row_groups_read`` and
        ``row_groups_total``.

    Raises
    ------
    StoreError
        ``directory`` holds no manifest (not a partitioned export) or a file cannot be read.
    UsageError
        A bad filter (as :func:`geo.store.query`) or scheduler.
    """
    import dask
    import dask.dataframe
    import dask_geopandas  # noqa: F401  (registers the GeoDataFrame collection type with dask)
    import geopandas

    filters = _filters(bbox=bbox, polygon=polygon, near=near, radius_km=radius_km, since=since, until=until,
                       include_undated=include_undated, outlet=outlet, article=article, claimed_by=claimed_by,
                       type=type, max_geo_precision=max_geo_precision, text=text, limit=limit)
    root = Path(directory).resolve()
    manifest = read_manifest(root)
    plan = _plan(manifest, filters)
    files = manifest["files"]
    counts = {"partitions_read": len(plan), "partitions_total": len(files),
              "row_groups_read": sum(len(groups) for _, groups in plan),
              "row_groups_total": sum(len(entry["row_groups"]) for entry in files)}
    log.info("reading %d of %d partitions (%d of %d row groups) of %s", counts["partitions_read"],
             counts["partitions_total"], counts["row_groups_read"], counts["row_groups_total"], root)
    if plan:
        meta = _empty(str(root / plan[0][0]))
        parts = [dask.delayed(_read_partition, pure=True)(str(root / path), groups, filters) for path, groups in plan]
        collection = dask.dataframe.from_delayed(parts, meta=meta, verify_meta=False)
        frame = _compute(collection, scheduler)
    elif files:
        frame = _empty(str(root / files[0]["path"]))
    else:
        frame = geopandas.GeoDataFrame(geometry=geopandas.GeoSeries([], crs=4326), crs=4326)
    frame = _like_store(geopandas.GeoDataFrame(frame, geometry=_GEOMETRY, crs=4326))
    frame = frame.sort_values(["date", "id"], na_position="last", kind="stable") if len(frame) else frame
    frame = frame.reset_index(drop=True)
    if limit is not None:
        frame = frame.head(limit)
    frame.attrs.update(counts)
    return frame
