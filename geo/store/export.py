"""Export a query result (:func:`geo.store.query`) to files GIS tools read: GeoJSON, GeoJSONSeq, GeoPackage, CSV,
KML/KMZ and GeoParquet.

>>> from geo.store import GpkgStore, query                                   # doctest: +SKIP
>>> from geo.store.export import export_events                               # doctest: +SKIP
>>> export_events(query(GpkgStore("events.gpkg")), "geojson", "events.geojson")  # doctest: +SKIP
412

Layout, the same in every format: one feature per event, the store's columns (CONTRACTS.md's event record with
nested values as JSON strings, plus the flat helpers ``place_id``, ``place_name``, ``claimed_by_joined``,
``outlets_joined``, ``n_sources``, ``articles_joined``), dates as ``YYYY-MM-DD`` text, ints as ints, null as
null. GeoJSON, GeoJSONSeq and KML spread the ``extra`` fields as their own properties (nested ones as JSON
strings); GeoPackage, CSV and Parquet keep them in one ``extra`` JSON column, as the store does.

Files are written atomically: to a temporary name in the target directory, then renamed into place, so a failed
export never leaves a half-written file. Text formats (geojson, geojsonseq, csv, kml) go to a stream when no path
is given; binary ones (gpkg, kmz, parquet) need a path.
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from geo.errors import UsageError
from geo.store import StoreError
from geo.store.export_geojson import (CHUNK, INT_COLUMNS, PRECISION, prepared_geometries, sink_bytes, write_geojson,
                                      write_geojsonseq)

if TYPE_CHECKING:
    import geopandas

__all__ = ["FORMATS", "export_events"]

log = logging.getLogger(__name__)

FORMATS = ("geojson", "geojsonseq", "gpkg", "csv", "kml", "kmz", "parquet")
_BINARY = frozenset({"gpkg", "kmz", "parquet"})
#: CSV cells starting with one of these are prefixed with ``'`` (OWASP's CSV-injection list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_events(frame: geopandas.GeoDataFrame, fmt: str, path: str | os.PathLike[str] | None = None, *,
                  stream: TextIO | None = None) -> int:
    """Write events to ``path`` (or ``stream``) in format ``fmt``; return the number of features written.

    Parameters
    ----------
    frame
        A query result (:func:`geo.store.query`): the store's columns, EPSG:4326.
    fmt
        One of :data:`FORMATS`:

        ``geojson``
            RFC 7946 FeatureCollection, one Feature per line: ``id`` = event id, (lon, lat), polygons with
            counter-clockwise outer rings and clockwise holes, at most 7 decimals, no ``crs``. Its ``bbox`` is the
            plain min/max of all coordinates (not RFC 7946 §5.2's antimeridian-crossing form); lines and polygons
            that cross the antimeridian are cut in two there (§3.1.9, :mod:`geo.store.antimeridian`).
        ``geojsonseq``
            RFC 8142 GeoJSON text sequence: the same Features, one per line, newline-separated, no RS (0x1e)
            prefix (GDAL, QGIS, jq and tippecanoe read this form).
        ``gpkg``
            GeoPackage, layer ``events``, EPSG:4326, mixed geometry type, R-tree spatial index. A query result
            also gets the store's indexes and ``meta`` table: the file is an event store of its own.
        ``csv``
            UTF-8 with a header: the flat columns, ``lat``, ``lon`` and ``wkt`` (lon lat order); nested values as
            JSON strings. Article text is untrusted, so a string cell starting with ``=``, ``+``, ``-``, ``@``, a
            tab or a carriage return is prefixed with ``'`` to keep spreadsheets from running it as a formula.
        ``kml``, ``kmz``
            One Placemark per event (see :mod:`geo.store.export_kml`); KMZ is a zip holding ``doc.kml``.
        ``parquet``
            GeoParquet 1.1 (:mod:`geo.store.parquet`): WKB geometry, a ``bbox`` covering column, rows in Hilbert
            order, row groups of 65,536 rows. When ``path`` is a directory (existing and empty, or a new one named
            with a trailing ``/``), monthly partitions ``month=2020-02/part-0.parquet`` (undated events under
            ``month=undated``), each Hilbert-sorted, plus a ``_partitions.json`` manifest of each file's and row
            group's bbox and date range, which :func:`geo.store.dask_query.dask_query` prunes with. ``month``
            reads back as a text partition column: ``geopandas.read_parquet(dir, filters=[("month", "=",
            "2020-02")])``.
    path
        The output file; None writes a text format to ``stream``.
    stream
        Where a text format goes when ``path`` is None (default ``sys.stdout``); a text stream, or a binary one
        (then UTF-8 bytes are written).

    Raises
    ------
    UsageError
        An unknown format, a binary format without a path, or a non-empty directory for partitioned parquet.
    StoreError
        The file cannot be written (missing directory, no permission); nothing is left behind.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if path is None:
        if fmt in _BINARY:
            raise UsageError(f"--format {fmt} needs -o FILE (it is a binary format and cannot go to stdout)")
        _write_text(frame, fmt, stream if stream is not None else sys.stdout)
    elif fmt == "gpkg":
        _write_gpkg(frame, Path(path))
    elif fmt == "parquet":
        _write_parquet(frame, path)
    elif fmt == "kmz":
        from geo.store.export_kml import write_kmz

        with _atomic(Path(path)) as out:
            write_kmz(frame, out)
    else:  # the text formats: UTF-8 bytes straight from Arrow's buffers
        with _atomic(Path(path)) as out:
            _write_text(frame, fmt, out)
    log.info("exported %d events as %s to %s", len(frame), fmt, path or "the stream")
    return len(frame)


def _write_text(frame: geopandas.GeoDataFrame, fmt: str, out: IO[Any]) -> None:
    if fmt == "geojson":
        write_geojson(frame, out)
    elif fmt == "geojsonseq":
        write_geojsonseq(frame, out)
    elif fmt == "csv":
        write_csv(frame, out)
    else:
        from geo.store.export_kml import write_kml

        write_kml(frame, out)


# -- files -----------------------------------------------------------------------------------------------------------

def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")


@contextmanager
def _atomic(path: Path) -> Iterator[IO[bytes]]:
    """A binary file for ``path`` that appears there only when the block ends without an error."""
    tmp = _temp_name(path)
    try:
        with open(tmp, "xb") as out:
            yield out
        os.replace(tmp, path)
    except OSError as exc:
        raise StoreError(f"cannot write the export {path} ({exc.strerror or exc}); check that the directory "
                         "exists and is writable") from exc
    finally:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)


def _finish(tmp: Path, path: Path, write: Callable[[Path], None]) -> None:
    """Run ``write(tmp)`` (a library writing a file by name), then rename ``tmp`` to ``path``; StoreError on failure."""
    try:
        write(tmp)
        os.replace(tmp, path)
    except (OSError, RuntimeError) as exc:  # pyogrio raises RuntimeErrors, pyarrow OSErrors
        raise StoreError(f"cannot write the export {path} ({exc}); check that the directory exists and is "
                         "writable") from exc
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal"), tmp.with_name(tmp.name + "-wal")):
            with suppress(OSError):
                leftover.unlink(missing_ok=True)


def typed(frame: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """``frame`` with its integer columns as nullable ``Int64`` (the store reads them as float64 with NaN)."""
    fixes = {}
    for name in INT_COLUMNS & set(frame.columns):
        if frame[name].dtype.kind in "fO":
            with suppress(TypeError, ValueError):  # a non-integral value: left as it is
                fixes[name] = frame[name].astype("Int64")
    return frame.assign(**fixes) if fixes else frame


# -- CSV -------------------------------------------------------------------------------------------------------------

def write_csv(frame: geopandas.GeoDataFrame, out: IO[str]) -> None:
    """The flat columns, ``lat``/``lon`` and a ``wkt`` column; formula-looking string cells prefixed with ``'``."""
    import numpy as np
    import pandas
    import pyarrow
    import pyarrow.csv
    import shapely

    geometry = frame.geometry.name
    prepared = prepared_geometries(frame.geometry.values)
    table = pandas.DataFrame(typed(frame).drop(columns=[geometry]))
    points = shapely.get_type_id(prepared) == 0
    for name, get in (("lat", shapely.get_y), ("lon", shapely.get_x)):  # fill a missing lat/lon from a point
        column = table[name].astype("float64") if name in table.columns else pandas.Series(np.nan, table.index)
        fill = points & column.isna().to_numpy()
        if fill.any():
            column[fill] = get(prepared[fill])
        table[name] = column
    table["wkt"] = shapely.to_wkt(prepared, rounding_precision=PRECISION, trim=True)
    for name in table.columns:
        if table[name].dtype.kind in "OT" or str(table[name].dtype) in ("str", "string"):
            table[name] = neutralise_formulas(table[name].astype("string"))
    put = sink_bytes(out)  # Arrow's CSV writer: ~10x pandas' to_csv; values quoted only when needed
    for start in range(0, max(len(table), 1), CHUNK):
        sink = pyarrow.BufferOutputStream()
        pyarrow.csv.write_csv(pyarrow.Table.from_pandas(table.iloc[start:start + CHUNK], preserve_index=False),
                              sink, pyarrow.csv.WriteOptions(include_header=start == 0, quoting_style="needed"))
        put(memoryview(sink.getvalue()))


def neutralise_formulas(series: Any) -> Any:
    """``series`` with each string starting with ``=``, ``+``, ``-``, ``@``, tab or CR prefixed with ``'``.

    >>> import pandas
    >>> neutralise_formulas(pandas.Series(["=HYPERLINK(1)", "Idlib", "@x"])).tolist()
    ["'=HYPERLINK(1)", 'Idlib', "'@x"]
    """
    try:
        risky = series.str.startswith(_FORMULA_START, na=False).to_numpy(dtype=bool)
    except AttributeError:  # not only strings: test each value
        risky = series.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_START)).to_numpy(dtype=bool)
    if not risky.any():
        return series
    series = series.copy()
    series[risky] = "'" + series[risky]
    return series


# -- GeoPackage and Parquet ------------------------------------------------------------------------------------------

def _write_gpkg(frame: geopandas.GeoDataFrame, path: Path) -> None:
    """Layer ``events`` (mixed geometry column ``geom``, EPSG:4326, R-tree) via pyogrio, through Arrow when
    available. A query result (the store's columns, ids unique) also gets the store's indexes and ``meta``
    (:func:`geo.store.gpkg.finish_layer`): the file is an event store that ``geo query --db`` reads."""
    import sqlite3

    import pyogrio

    from geo.store.gpkg import finish_layer
    from geo.store.gpkg_rows import _NAMES

    data = typed(frame).set_geometry(prepared_geometries(frame.geometry.values), crs=4326)
    if not path.suffix:
        log.warning("%s has no .gpkg suffix; GDAL will still read it as a GeoPackage", path)
    a_store = set(_NAMES) <= set(frame.columns) and frame["id"].notna().all() and frame["id"].is_unique
    options = {"layer": "events", "driver": "GPKG", "geometry_type": "Unknown", "promote_to_multi": False,
               "layer_options": {"GEOMETRY_NAME": "geom"}}

    def write(tmp: Path) -> None:
        try:
            pyogrio.write_dataframe(data, tmp, use_arrow=True, **options)
        except (ImportError, RuntimeError) as exc:  # no Arrow writer in this build: the slower path
            if not isinstance(exc, ImportError) and "arrow" not in str(exc).lower():
                raise
            pyogrio.write_dataframe(data, tmp, **options)
        if a_store:
            try:
                finish_layer(tmp)
            except sqlite3.DatabaseError as exc:
                raise RuntimeError(f"cannot add the store's indexes ({exc})") from exc

    _finish(path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp.gpkg"), path, write)


def _write_parquet(frame: geopandas.GeoDataFrame, path: str | os.PathLike[str]) -> None:
    """GeoParquet 1.1 (:mod:`geo.store.parquet`): one Hilbert-sorted file, or monthly partitions when ``path`` is a
    directory."""
    from geo.store.parquet import write_file, write_partitions

    target = Path(path)
    partitioned = target.is_dir() or os.fspath(path).endswith(("/", os.sep))
    data = typed(frame).set_geometry(prepared_geometries(frame.geometry.values), crs=4326)
    if not partitioned:
        _finish(_temp_name(target), target, lambda tmp: write_file(data, tmp))
        return
    if target.is_dir() and any(target.iterdir()):
        raise UsageError(f"{target} is not empty; partitioned parquet goes into a new or empty directory")
    # the partitions are built in a sibling directory, then renamed onto the (new or empty) target at once
    tmp = _temp_name(target)

    def write(tmp_dir: Path) -> None:
        tmp_dir.mkdir()
        write_partitions(data, tmp_dir)

    try:
        _finish(tmp, target, write)
    finally:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
