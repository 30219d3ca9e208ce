"""The rows of a query frame in the order every back end returns them: by date (missing last), then id; big
frames reordered with their columns taken side by side.

>>> import geopandas, shapely
>>> frame = geopandas.GeoDataFrame({"id": ["b", "a", "c"], "date": ["2020-03-01", "2020-03-01", None]},
...                                geometry=[shapely.Point(0, 0)] * 3, crs=4326)
>>> take_rows(frame, date_order(frame))["id"].tolist()
['a', 'b', 'c']
>>> sort_positions(["2020-03-01", None, "2019-12-31"], ["a", "b", "c"]).tolist()
[2, 0, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas
    import numpy as np
    import pyarrow

__all__ = ["SMALL", "date_order", "in_date_order", "sort_positions", "take_rows"]

#: Up to this many rows, reordering is done by one thread (and :func:`~geo.store.query.refine` takes a frame's
#: rows with pandas).
SMALL = 100_000
#: The day number given to a missing date: after every real one (Arrow's date32 days fit in 32 bits).
_MISSING = 2**40


def date_order(frame: geopandas.GeoDataFrame) -> np.ndarray:
    """Row positions of ``frame`` sorted by ``date`` (missing last), then ``id`` (:func:`sort_positions`);
    pandas' stable sort when a column is not text."""
    import pyarrow

    try:
        return sort_positions(*(pyarrow.array(frame[name], type=pyarrow.string(), from_pandas=True)
                                for name in ("date", "id")))
    except (pyarrow.ArrowException, TypeError, ValueError):
        plain = frame[["date", "id"]].reset_index(drop=True)
        return plain.sort_values(["date", "id"], na_position="last", kind="stable").index.to_numpy()


def sort_positions(dates: pyarrow.Array | Sequence[str | None], ids: pyarrow.Array | Sequence[str]) -> np.ndarray:
    """Positions that sort rows by date (missing last), then id, as text compares them; ``ids`` present.

    When every date is an ISO day (``YYYY-MM-DD``, where day order is text order) the days are compared as
    numbers, and rows already in order (as a store filled article by article often returns them) are found
    without sorting. Otherwise Arrow's stable sort of the text. Raises :class:`pyarrow.ArrowException` or
    ``TypeError`` for values that are not text."""
    import numpy as np
    import pyarrow
    import pyarrow.compute as pc

    dates, ids = _text(dates), _text(ids)
    days = _day_numbers(dates)
    if days is None:
        keys = pyarrow.table({"date": dates, "id": ids})
    else:
        if len(days) < 2:
            return np.arange(len(days))
        step = np.diff(days)
        if (step >= 0).all():  # dates in order: is each tie in id order?
            ties = np.flatnonzero(step == 0)
            if not len(ties) or pc.all(pc.less_equal(ids.take(ties), ids.take(ties + 1))).as_py():
                return np.arange(len(days))
        keys = pyarrow.table({"date": days, "id": ids})
    try:  # pyarrow ≥ 22 takes the null placement per key (and deprecates the option)
        order = pc.sort_indices(keys, sort_keys=[("date", "ascending", "at_end"), ("id", "ascending", "at_end")])
    except (pyarrow.ArrowException, TypeError, ValueError):
        order = pc.sort_indices(keys, sort_keys=[("date", "ascending"), ("id", "ascending")],
                                null_placement="at_end")
    return order.to_numpy()


def _text(values: Any) -> pyarrow.Array:
    """An Arrow text array of ``values`` (an Arrow array or chunked array, without going through Python objects,
    or a sequence)."""
    import pyarrow

    if isinstance(values, pyarrow.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pyarrow.Array):
        return values if values.type == pyarrow.string() else values.cast(pyarrow.string())
    return pyarrow.array(values, type=pyarrow.string())


def _day_numbers(dates: pyarrow.Array) -> np.ndarray | None:
    """Days since 1970 of ISO day texts (:data:`_MISSING` for a missing one); None when some text is not one."""
    import pyarrow
    import pyarrow.compute as pc

    lengths = pc.utf8_length(dates)
    if pc.min_max(lengths).as_py() not in ({"min": 10, "max": 10}, {"min": None, "max": None}):
        return None
    try:
        days = pc.cast(dates, pyarrow.date32()).cast(pyarrow.int64())
    except (pyarrow.ArrowException, ValueError):
        return None
    return days.fill_null(_MISSING).to_numpy()


def take_rows(frame: geopandas.GeoDataFrame, order: np.ndarray) -> geopandas.GeoDataFrame:
    """``frame.take(order)`` with a fresh index, its columns taken by two threads at once (Arrow's take releases
    the interpreter lock; a random reordering of a million rows of text is memory-bound, one column at a time)."""
    import geopandas
    import pandas

    names = list(frame.columns)

    def take(name: Any) -> Any:
        return frame[name].take(order).reset_index(drop=True)

    with ThreadPoolExecutor(max_workers=2) as pool:
        columns = dict(zip(names, pool.map(take, names), strict=True))
    geometry = frame.geometry.name
    out = pandas.DataFrame(columns, columns=pandas.Index(names))
    return geopandas.GeoDataFrame(out, geometry=geometry, crs=frame.crs)


def in_date_order(table: pyarrow.Table) -> pyarrow.Table:
    """``table`` (with text columns ``date`` and ``id``) with its rows in date order (:func:`sort_positions`),
    columns of a big one (over :data:`SMALL` rows) taken by two threads; as it is when in order already or when
    the columns are not text.

    Done on the Arrow table a back end reads, before its pandas columns and geometry objects are made, and the
    result keeps chunks of 65,536 rows: the GeoJSON writer took twice as long over a million rows reordered after
    the frame was made (each text column one million-row chunk, the geometries in a shuffled memory order)."""
    import numpy as np
    import pyarrow

    try:
        order = sort_positions(table.column("date"), table.column("id"))
    except (KeyError, pyarrow.ArrowException, TypeError, ValueError):
        return table
    if not (order[1:] < order[:-1]).any():
        return table
    indices = pyarrow.array(order.astype(np.int64))
    if len(order) <= SMALL:
        return table.take(indices)
    with ThreadPoolExecutor(max_workers=2) as pool:
        columns = list(pool.map(lambda column: column.take(indices), table.columns))
    taken = pyarrow.Table.from_arrays(columns, schema=table.schema)
    return pyarrow.Table.from_batches(taken.to_batches(max_chunksize=65_536), schema=table.schema)
