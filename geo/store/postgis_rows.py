"""Rows in and out of PostGIS for :class:`~geo.store.postgis.PgStore`: records → Arrow → CSV → ``COPY`` into a
temporary table → ``INSERT … ON CONFLICT``; and ``COPY (SELECT …) TO STDOUT`` → Arrow's CSV parser → the
GeoDataFrame the GeoPackage store returns."""

from __future__ import annotations

import io
import logging
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from geo.store import StoreError
from geo.store.frames import in_date_order
from geo.store.gpkg_rows import _COLUMNS, _INTS, _NAMES, _REALS, _shapes

if TYPE_CHECKING:
    import geopandas
    import psycopg
    import pyarrow
    from shapely.geometry.base import BaseGeometry

__all__ = ["POINT_X", "POINT_Y", "read_frame", "region_wkb"]

log = logging.getLogger(__name__)

_TEXT_C = frozenset({"id", "date", "date_end"})  # compared and sorted bytewise, as SQLite and Python do


def _type(name: str) -> str:
    if name in _INTS:
        return "bigint"
    if name in _REALS:
        return "double precision"
    return 'text COLLATE "C"' if name in _TEXT_C else "text"


_EVENT_COLUMNS: str = ", ".join(f'"{name}" {_type(name)}' + (" NOT NULL" if name == "id" else "")
                                for name, _ in _COLUMNS)


# -- COPY in and out -----------------------------------------------------------------------------------------------

_GEOM = "geom"
_X, _Y = "geom_x", "geom_y"
_IS_POINT = "GeometryType(geom) = 'POINT' AND NOT ST_IsEmpty(geom)"
#: The coordinates of a point geometry (NULL for any other): the generated columns ``px`` and ``py`` of schema
#: version 4 (:data:`~geo.store.postgis.MIGRATIONS`).
POINT_X, POINT_Y = f"CASE WHEN {_IS_POINT} THEN ST_X(geom) END", f"CASE WHEN {_IS_POINT} THEN ST_Y(geom) END"
#: The geometry as read: hex WKB, or for a point NULL and its x and y (floats print exactly: extra_float_digits).
_GEOMETRY_COLUMNS = f"CASE WHEN {_IS_POINT} THEN NULL ELSE encode(ST_AsBinary(geom), 'hex') END, {POINT_X}, {POINT_Y}"
#: The same from the point columns of schema version 4: no PostGIS call per point.
_GEOMETRY_FROM_POINTS = "CASE WHEN px IS NULL THEN encode(ST_AsBinary(geom), 'hex') END, px, py"
_COLUMN_LIST = ", ".join(f'"{name}"' for name in _NAMES)
#: New rows in the Hilbert order of ``ORDER BY geom``: the rows of one region share few table pages.
_MOVE = (f"INSERT INTO events ({_COLUMN_LIST}, geom) SELECT {_COLUMN_LIST}, CASE WHEN ST_NDims(geom) > 2 THEN "
         "ST_Force2D(ST_SetSRID(geom, 4326)) ELSE ST_SetSRID(geom, 4326) END FROM geo_new ORDER BY geom")
_UPDATE = ", ".join(f'"{name}" = EXCLUDED."{name}"' for name in (*_NAMES[1:], _GEOM))
_BATCH = 50_000
#: Rows from which a write into a smaller table drops the secondary indexes and builds them again after.
_BULK = 20_000


def _arrow_rows(columns: dict[str, list[Any]], geometries: list[Any]) -> pyarrow.Table:
    """The rows as an Arrow table for COPY: the columns with their SQL types, ``geom`` as hex WKB."""
    import binascii

    import numpy as np
    import pyarrow
    import shapely

    arrays = {}
    for name in _NAMES:
        values = columns[name]
        kind = pyarrow.int64() if name in _INTS else pyarrow.float64() if name in _REALS else pyarrow.string()
        try:
            array = pyarrow.array(values, type=kind, from_pandas=name in _REALS)  # NaN -> NULL, as in the GPKG
        except (pyarrow.ArrowException, TypeError, ValueError, OverflowError) as exc:
            if kind != pyarrow.string():
                raise StoreError(f"column {name!r} holds a value PostgreSQL cannot store as {kind} ({exc})") from exc
            array = pyarrow.array([_text(v) for v in values], type=kind)  # as SQLite's TEXT affinity
        data = array.buffers()[-1] if kind == pyarrow.string() else None
        if data is not None and not np.frombuffer(data, dtype=np.uint8).all():
            bad = next(columns["id"][i] for i, v in enumerate(array.to_pylist()) if v and "\x00" in v)
            raise StoreError(f"event {bad!r}: column {name!r} holds a NUL character, which PostgreSQL text cannot "
                             "store; remove it from the record")
        arrays[name] = array
    points, xy, others, shapes = _shapes(geometries)
    hexes: list[str | None] = [None] * len(geometries)
    if len(points):
        from geo.store.gpkg_rows import _point_wkb

        data = binascii.hexlify(_point_wkb(xy)).decode()
        for k, i in enumerate(points):
            hexes[i] = data[k * 42:(k + 1) * 42]
    for i, wkb in zip(others, shapely.to_wkb(shapes, hex=True, flavor="iso"), strict=True):
        hexes[i] = wkb
    arrays[_GEOM] = pyarrow.array(hexes, type=pyarrow.string())
    return pyarrow.table(arrays)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(int(value))
    return str(value)


def _copy_insert(conn: psycopg.Connection[Any], table: pyarrow.Table, *, replace: bool) -> tuple[int, int]:
    """COPY the rows into a temporary table, then into ``events``; (rows inserted, rows replaced)."""
    import pyarrow.csv

    conn.execute(f"CREATE TEMP TABLE geo_new ({_EVENT_COLUMNS.replace(' NOT NULL', '')}, geom geometry) "
                 "ON COMMIT DROP")
    options = pyarrow.csv.WriteOptions(include_header=False, quoting_style="needed")
    with conn.cursor().copy(f"COPY geo_new ({_COLUMN_LIST}, geom) FROM STDIN (FORMAT csv)") as copy:
        for batch in table.to_batches(max_chunksize=_BATCH):
            buffer = io.BytesIO()
            pyarrow.csv.write_csv(batch, buffer, options)
            copy.write(buffer.getbuffer())
    rebuild = _drop_indexes(conn) if table.num_rows >= _BULK and _fewer_rows(conn, table.num_rows) else []
    try:
        return _move(conn, replace=replace)
    finally:
        for definition in rebuild:
            conn.execute(definition)  # type: ignore[arg-type]  # from pg_get_indexdef


def _fewer_rows(conn: psycopg.Connection[Any], n: int) -> bool:
    """Whether ``events`` holds fewer than ``n`` rows (counting at most ``n``)."""
    row = conn.execute("SELECT count(*) FROM (SELECT 1 FROM events LIMIT %s) AS head", (n,)).fetchone()
    return row is not None and row[0] < n


def _drop_indexes(conn: psycopg.Connection[Any]) -> list[str]:
    """Drop the secondary (non-unique) indexes of ``events`` for a bulk load; their definitions, to rebuild them
    after it in the same transaction (a sorted build is several times faster than row-by-row upkeep)."""
    rows = conn.execute("SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = "
                        "x.indexrelid WHERE x.indrelid = 'events'::regclass AND NOT x.indisunique").fetchall()
    conn.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')  # type: ignore[arg-type]  # a name from the catalogue
    return [definition for _, definition in rows]


def _move(conn: psycopg.Connection[Any], *, replace: bool) -> tuple[int, int]:
    if replace:
        row = conn.execute(f"WITH moved AS ({_MOVE} ON CONFLICT (id) DO UPDATE SET {_UPDATE} "  # type: ignore[arg-type]
                           "RETURNING xmax = 0 AS fresh) SELECT count(*) FILTER (WHERE fresh), count(*) FROM moved"
                           ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1]) - int(row[0])
    cursor = conn.execute(f"{_MOVE} ON CONFLICT (id) DO NOTHING")  # type: ignore[arg-type]
    return cursor.rowcount, 0


def read_frame(conn: psycopg.Connection[Any], where: str, params: list[Any], *, order: str | None,
               limit: int | None = None, point_columns: bool = False) -> geopandas.GeoDataFrame:
    """Rows of ``events`` (``where``: a condition with psycopg placeholders for ``params``) as the GeoDataFrame
    the GeoPackage store returns: same columns, same dtypes (read through Arrow's CSV parser). ``order``: an
    ``ORDER BY`` list, or None for any order (the caller sorts). ``point_columns``: the table has the ``px`` and
    ``py`` columns of schema version 4, which give the points' coordinates.

    The query runs without JIT compilation (its estimate of rows is often far off for spatial conditions, and
    compiling then costs more than the query) and with room to sort in memory.

    A text column without any value is an object column of None, as GDAL reads it; with ``limit``, that is
    decided on every row matching ``where``, as when the GeoPackage frame is cut after reading."""
    import geopandas
    import numpy as np
    import pandas
    import pyarrow
    import shapely

    geometry = _GEOMETRY_FROM_POINTS if point_columns else _GEOMETRY_COLUMNS
    sql = (f"COPY (SELECT {_COLUMN_LIST}, {geometry} FROM events {where}"
           f"{f' ORDER BY {order}' if order else ''}{' LIMIT %s' if limit is not None else ''}) TO STDOUT (FORMAT csv)")
    # for this transaction, in one round trip; extra_float_digits 1: the shortest text that reads back exactly
    conn.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true), "
                 "set_config('extra_float_digits', '1', true)")
    with conn.cursor().copy(sql, [*params, *([limit] if limit is not None else [])]):  # type: ignore[arg-type]
        chunks = _copy_out_rows(conn.pgconn)
    types = {name: pyarrow.int64() if name in _INTS else pyarrow.float64() if name in _REALS else pyarrow.string()
             for name in _NAMES}
    types.update({_GEOM: pyarrow.string(), _X: pyarrow.float64(), _Y: pyarrow.float64()})
    table = _parse_csv(b"".join(chunks), len(chunks), types) if chunks else pyarrow.schema(
        list(types.items())).empty_table()
    table = in_date_order(table)  # refine() then finds the rows in order; geometries are made in that order
    text = pandas.StringDtype(na_value=np.nan)
    frame = table.drop_columns([_GEOM, _X, _Y]).to_pandas(
        types_mapper={pyarrow.string(): text, pyarrow.large_string(): text}.get)
    empty = [name for name, column in zip(table.column_names, table.columns, strict=True)
             if name in _NAMES and pyarrow.types.is_string(column.type) and column.null_count == len(column)]
    if limit is not None:  # the dtypes of all the matching rows, as when the GeoPackage frame is cut after reading
        ints = sorted(_INTS & set(_NAMES))
        counts = ", ".join(f'count("{name}")' for name in (*empty, *ints))
        row = conn.execute(f"SELECT count(*), {counts} FROM events {where}", params).fetchone()  # type: ignore[arg-type]
        assert row is not None
        for name, count in zip(ints, row[1 + len(empty):], strict=True):
            if count < row[0]:
                frame[name] = frame[name].astype("float64")
        empty = [name for name, count in zip(empty, row[1:], strict=False) if not count]
    for name in empty:
        frame[name] = np.full(len(frame), None, dtype=object)  # as the GeoPackage reader
    wkb = table.column(_GEOM).to_numpy(zero_copy_only=False)
    shapes = np.full(len(wkb), None, dtype=object)
    sent = np.flatnonzero(pandas.notna(wkb))  # WKB only for the rows that are not points
    shapes[sent] = shapely.from_wkb(wkb[sent])
    xs = table.column(_X).to_numpy(zero_copy_only=False)
    points = np.flatnonzero(~np.isnan(xs))
    if len(points):  # points come as two numbers: no WKB to write, send and parse
        shapes[points] = shapely.points(xs[points], table.column(_Y).to_numpy(zero_copy_only=False)[points])
    return geopandas.GeoDataFrame(frame, geometry=shapes, crs="EPSG:4326")


def _copy_out_rows(pgconn: Any) -> list[bytes]:
    """The rows of the ``COPY … TO STDOUT`` psycopg has started on ``pgconn``, read from libpq directly.

    psycopg's ``Copy`` iteration runs a chain of Python generators per message, and COPY sends one message per
    row: on 15,000 rows that took about 20 ms more than this loop (about a tenth of a radius query). Waiting is
    done with :func:`select.select`, so Ctrl-C still interrupts; an error at the end of the COPY raises
    :class:`psycopg.DatabaseError` (then psycopg's ``Copy`` block cancels and cleans up as for any error)."""
    import select

    import psycopg
    from psycopg import pq

    rows: list[bytes] = []
    get, consume, append, socket = pgconn.get_copy_data, pgconn.consume_input, rows.append, pgconn.socket
    while True:
        size, data = get(1)
        if size > 0:
            append(bytes(data))  # ``data`` is valid until the next call
        elif size == 0:  # no whole row buffered yet
            select.select([socket], [], [])
            consume()
        elif size == -1:  # the end of the data
            break
        else:
            raise psycopg.OperationalError(pgconn.get_error_message())
    while True:  # the command's result
        consume()
        if not pgconn.is_busy():
            break
        select.select([socket], [], [])
    failed = []
    while (result := pgconn.get_result()) is not None:  # every result: the connection is then idle, not active
        if result.status != pq.ExecStatus.COMMAND_OK:
            failed.append(result.error_message.decode("utf-8", "replace").strip() or "COPY failed")
    if failed:
        raise psycopg.DatabaseError(failed[0])
    return rows


def _parse_csv(data: bytes, rows: int, types: dict[str, pyarrow.DataType]) -> pyarrow.Table:
    """The ``rows`` rows of PostgreSQL's CSV ``data`` as an Arrow table of ``types``.

    First parsed as if no value held a line end (Arrow then splits the text into blocks parsed side by side);
    COPY sends one message per row, so a value with a line end shows as a parse error or more rows than
    messages, and the text is parsed again with line ends allowed in quoted values."""
    import pyarrow
    import pyarrow.csv

    convert = pyarrow.csv.ConvertOptions(column_types=types, null_values=[""], strings_can_be_null=True,
                                         quoted_strings_can_be_null=False)
    read = pyarrow.csv.ReadOptions(column_names=list(types), block_size=1 << 20)
    with suppress(pyarrow.ArrowInvalid):
        table = pyarrow.csv.read_csv(io.BytesIO(data), read_options=read, convert_options=convert,
                                     parse_options=pyarrow.csv.ParseOptions(newlines_in_values=False))
        if table.num_rows == rows:
            return table
    return pyarrow.csv.read_csv(io.BytesIO(data), read_options=read, convert_options=convert,
                                parse_options=pyarrow.csv.ParseOptions(newlines_in_values=True))


def region_wkb(geometry: BaseGeometry) -> bytes:
    """ISO WKB of a shapely geometry, for ``ST_GeomFromWKB(%s, 4326)``."""
    import shapely

    return bytes(shapely.to_wkb(geometry, flavor="iso"))
