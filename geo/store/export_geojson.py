"""GeoJSON encoding for :func:`geo.store.export.export_events`: RFC 7946 Features built by columns, fast.

A Feature is ``{"type":"Feature","id":<event id>,"geometry":…,"properties":{…}}``: the properties are the frame's
columns in order (JSON text columns as JSON strings), then the ``extra`` fields spread as their own properties.
Each column becomes one Arrow string array of JSON values (strings escaped by vectorised replaces, numbers cast,
few-valued columns encoded once per distinct value), geometries are formatted in bulk (polygons oriented,
coordinates rounded to :data:`PRECISION` decimals, shortest form), and a tree of element-wise joins lays out each
chunk of Features as one UTF-8 buffer: no per-row dict and no per-row ``json.dumps``. Chunks are built by up to two
threads (Arrow and shapely release the GIL) and written in order.
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas
    import numpy as np

__all__ = ["CHUNK", "INT_COLUMNS", "PRECISION", "arrow_concat", "arrow_json", "arrow_utf8", "feature_chunks",
           "in_chunks", "json_value", "prepared_geometries", "sink_bytes", "write_geojson", "write_geojsonseq"]

log = logging.getLogger(__name__)

#: Integer columns of the store (read back as float64 when they hold nulls).
INT_COLUMNS = frozenset({"fatalities", "injured", "independent_reports", "n_sources"})
#: Decimal places kept in coordinates (7 ≈ 1 cm).
PRECISION = 7
#: Rows per chunk: bounds memory, and Arrow's buffers stay small.
CHUNK = 50_000
#: shapely type id → GeoJSON head, for the types whose WKT nests as GeoJSON coordinates do (sorted by id).
_WKT_TYPES = {1: '{"type":"LineString","coordinates":', 3: '{"type":"Polygon","coordinates":',
              5: '{"type":"MultiLineString","coordinates":', 6: '{"type":"MultiPolygon","coordinates":'}
#: Adjacent few-valued columns are merged while their combinations stay under this (fewer pieces to join).
_MERGE = 1 << 16
_encode_string: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]
_dumps = json.JSONEncoder(ensure_ascii=False, default=str).encode


def write_geojson(frame: geopandas.GeoDataFrame, out: IO[Any]) -> None:
    """An RFC 7946 FeatureCollection of ``frame`` to a text or binary stream, one Feature per line, bbox first;
    lines and polygons that cross the antimeridian cut there (:mod:`geo.store.antimeridian`)."""
    put = sink_bytes(out)
    frame = _cut_at_antimeridian(frame)
    box = _bbox(frame)
    put(('{"type":"FeatureCollection",' + (f'"bbox":{box},' if box else "") + '"features":[').encode())
    first = True
    for chunk in feature_chunks(frame, end=",\n"):
        put(b"\n" if first else b",\n")
        put(chunk[:-2])  # no comma after the last feature
        first = False
    put(b"\n]}\n")


def write_geojsonseq(frame: geopandas.GeoDataFrame, out: IO[Any]) -> None:
    """An RFC 8142 GeoJSON text sequence of ``frame``: one Feature per line, newline-terminated, no RS prefix;
    geometries cut at the antimeridian as in :func:`write_geojson`."""
    put = sink_bytes(out)
    for chunk in feature_chunks(_cut_at_antimeridian(frame)):
        put(chunk)


def _cut_at_antimeridian(frame: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """``frame``, or a shallow copy whose lines and polygons that cross the antimeridian are cut there."""
    import numpy as np

    from geo.store.antimeridian import crossing, cut_antimeridian

    geoms = np.asarray(frame.geometry.values)
    positions = crossing(geoms)
    if not len(positions):
        return frame
    out = frame.copy(deep=False)
    out[frame.geometry.name] = type(frame.geometry)(cut_antimeridian(geoms, positions), index=frame.index,
                                                    crs=frame.crs)
    return out


def sink_bytes(out: IO[Any]) -> Callable[[bytes | memoryview], Any]:
    """A function writing UTF-8 bytes to ``out``, decoding them when it is a text stream (``sys.stdout``)."""
    if isinstance(out, io.TextIOBase) or hasattr(out, "encoding"):
        return lambda data: out.write(bytes(data).decode("utf-8"))
    return out.write


def _bbox(frame: geopandas.GeoDataFrame) -> str | None:
    """``[W,S,E,N]`` of all geometries: the plain min/max of the coordinates (None when there are none)."""
    import numpy as np
    import shapely

    if not len(frame):
        return None
    bounds = shapely.bounds(np.asarray(frame.geometry.values))
    if np.isnan(bounds).all():
        return None
    west, south = np.nanmin(bounds[:, :2], axis=0).round(PRECISION).tolist()
    east, north = np.nanmax(bounds[:, 2:], axis=0).round(PRECISION).tolist()
    return f"[{west!r},{south!r},{east!r},{north!r}]"


def feature_chunks(frame: geopandas.GeoDataFrame, size: int = CHUNK, end: str = "\n", *,
                   workers: int | None = None) -> Iterator[memoryview]:
    """GeoJSON Features of ``frame``, each followed by ``end``, as one UTF-8 buffer per ``size`` rows, in order.

    Built by columns with Arrow compute: each column becomes one Arrow string array of JSON values (strings
    escaped by vectorised replaces, numbers cast, few-valued columns encoded once per distinct value and merged),
    geometries are formatted in bulk, and a tree of element-wise joins lays out the Features — no per-row dict, no
    per-row ``json.dumps``. Chunks are built by ``workers`` threads side by side (:func:`in_chunks`).
    """
    geometry = frame.geometry.name
    names = [n for n in frame.columns if n not in (geometry, "extra")]
    return in_chunks(frame, lambda part: _chunk(part, names, end), size=size, workers=workers)


def in_chunks(frame: geopandas.GeoDataFrame, build: Callable[[Any], memoryview], *, size: int = CHUNK,
              workers: int | None = None) -> Iterator[memoryview]:
    """``build(rows)`` for each ``size`` rows of ``frame``, in order, by ``workers`` threads (default: up to 2
    CPUs; Arrow and shapely release the GIL), holding at most ``workers + 1`` results at once."""
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    starts = range(0, len(frame), size)
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    if workers < 2 or len(starts) < 2:
        for start in starts:
            yield build(frame.iloc[start:start + size])
        return
    with ThreadPoolExecutor(workers, thread_name_prefix="export") as pool:
        pending: deque[Future[memoryview]] = deque()
        for start in starts:
            pending.append(pool.submit(build, frame.iloc[start:start + size]))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _chunk(part: geopandas.GeoDataFrame, names: list[str], end: str) -> memoryview:
    """The Features of the rows of ``part`` (see :func:`feature_chunks`)."""
    import numpy as np
    import pyarrow as pa

    pieces: list[Any] = ['{"type":"Feature",' + ('"id":' if "id" in names else "")]
    if "id" in names:
        pieces.append(arrow_json(part["id"], "id"))
    pieces += [',"geometry":', geojson_geometries(part.geometry.values)]
    coded: tuple[np.ndarray, list[str]] | None = None  # a run of few-valued columns, merged
    for i, name in enumerate(names):
        head = ("," if i else ',"properties":{') + _encode_string(name) + ":"
        column = _coded(part[name], name, head)
        if column is not None and coded is not None and len(coded[1]) * len(column[1]) <= _MERGE:
            coded = _merge(coded, column)
            continue
        if coded is not None:
            pieces.append(pa.array(np.asarray(coded[1], dtype=object)[coded[0]], type=pa.large_string()))
        coded = column
        if column is None:
            pieces += [head, arrow_json(part[name], name)]
    if coded is not None:
        pieces.append(pa.array(np.asarray(coded[1], dtype=object)[coded[0]], type=pa.large_string()))
    if not names:
        pieces.append(',"properties":{')
    if "extra" in part.columns:
        pieces.append(pa.array(_extras(part["extra"], set(names)), type=pa.large_string()))
    pieces.append("}}" + end)
    while len(pieces) > 1:  # a tree of joins: one join over ~70 arguments is several times slower
        pieces = [arrow_concat(*pieces[i:i + 16]) for i in range(0, len(pieces), 16)]
    return arrow_utf8(pieces[0])


def _coded(series: Any, name: str, head: str) -> tuple[np.ndarray, list[str]] | None:
    """``(codes, texts)`` with ``texts[codes]`` = ``head`` + the JSON of each value, for a column with few distinct
    values (judged on a sample of 1,000 rows); None for the others."""
    import numpy as np
    import pandas

    sample = series.iloc[::max(1, len(series) // 1000)]
    if sample.nunique(dropna=False) * 4 > len(sample):
        return None
    codes, uniques = pandas.factorize(series, use_na_sentinel=True)
    texts = [head + json_value(v, is_int=name in INT_COLUMNS) for v in np.asarray(uniques, dtype=object).tolist()]
    texts.append(head + "null")
    return np.where(codes < 0, len(texts) - 1, codes), texts


def _merge(left: tuple[np.ndarray, list[str]], right: tuple[np.ndarray, list[str]]) -> tuple[np.ndarray, list[str]]:
    """Two adjacent coded columns as one: a code per combination present, its text the two texts joined."""
    import numpy as np

    width = len(right[1])
    combined = left[0] * width + right[0]
    present = np.zeros(len(left[1]) * width, dtype=bool)
    present[combined] = True
    used = np.flatnonzero(present)
    renumber = np.cumsum(present) - 1
    return renumber[combined], [left[1][c // width] + right[1][c % width] for c in used.tolist()]


def arrow_utf8(strings: Any) -> memoryview:
    """The concatenated UTF-8 bytes of an Arrow ``large_string`` array without nulls (its data buffer, no copy)."""
    import numpy as np

    if hasattr(strings, "combine_chunks"):
        strings = strings.combine_chunks()
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int64)[strings.offset:strings.offset + len(strings) + 1]
    data = strings.buffers()[2]
    return memoryview(data)[int(offsets[0]):int(offsets[-1])] if data is not None else memoryview(b"")


def arrow_concat(*parts: Any) -> Any:
    """Element-wise concatenation of Arrow ``large_string`` arrays and Python strings (null if any is null)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(*(pa.scalar(p, type=pa.large_string()) if isinstance(p, str) else p
                                         for p in (*parts, "")))


def arrow_json(series: Any, name: str) -> Any:
    """A non-null Arrow ``large_string`` array: the JSON text of each value of ``series`` (null for missing)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = series.dtype.kind
    if kind == "f":
        values = series.to_numpy(dtype=float, na_value=np.nan)
        missing = ~np.isfinite(values)
        if name in INT_COLUMNS and (values[~missing] == np.round(values[~missing])).all():
            texts = pa.array(np.where(missing, 0, values).astype(np.int64), mask=missing).cast(pa.large_string())
        else:
            texts = _decimal(pa.array(values, mask=missing).cast(pa.large_string()))  # shortest round-trip
        return pc.fill_null(texts, "null")
    if kind in "iub":
        return pc.fill_null(pa.array(series, from_pandas=True).cast(pa.large_string()), "null")
    try:
        raw = pa.array(series, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):  # not all text: dates, numbers in object columns
        return pa.array([json_value(v, is_int=name in INT_COLUMNS) if v is not None and v == v else "null"
                         for v in series.tolist()], type=pa.large_string())
    if isinstance(raw, pa.ChunkedArray):  # an Arrow-backed column read in batches
        raw = raw.combine_chunks()
    if pc.count_distinct(raw.slice(0, 1000)).as_py() * 4 < min(len(raw), 1000):  # few distinct values (by a
        coded = pc.dictionary_encode(raw)  # sample): encode those once, then look them up
        return pc.fill_null(pc.take(_json_strings(coded.dictionary), coded.indices), "null")
    return _json_strings(raw)


def _json_strings(raw: Any) -> Any:
    """JSON string literals of an Arrow ``large_string`` array (nulls as ``null``), as ``json.dumps`` writes them
    with ``ensure_ascii=False``."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    data = raw.buffers()[2]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    escaped = raw
    for char, replacement in (("\\", "\\\\"), ('"', '\\"')):
        if (data == ord(char)).any():  # a scan of the bytes is cheaper than a replace that finds nothing
            escaped = pc.replace_substring(escaped, char, replacement)
    texts = pc.fill_null(arrow_concat('"', escaped, '"'), "null")
    if not (data < 0x20).any():
        return texts
    control = pc.fill_null(pc.match_substring_regex(raw, "[\\x00-\\x1f]"), False)  # rare: json escapes them
    if pc.any(control).as_py():
        mask = control.to_numpy(zero_copy_only=False)
        fixed = [_encode_string(v) for v in np.asarray(raw.to_pylist(), dtype=object)[mask].tolist()]
        texts = pc.replace_with_mask(texts, control, pa.array(fixed, type=pa.large_string()))
    return texts


def json_value(value: Any, *, is_int: bool = False) -> str:
    """One cell as JSON: strings (JSON text columns too) as strings, whole floats of int columns as ints,
    NaN/inf as null, dates as ``YYYY-MM-DD``.

    >>> json_value(5.0, is_int=True), json_value(0.5), json_value(float("nan")), json_value('say "hi"')
    ('5', '0.5', 'null', '"say \\\\"hi\\\\""')
    """
    import datetime as dt
    import math

    if isinstance(value, str):
        return _encode_string(value)
    if hasattr(value, "item") and not isinstance(value, dt.datetime):  # numpy scalars
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "null"
        return str(int(value)) if is_int and value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0) and value.tzinfo is None:
            return _encode_string(value.date().isoformat())  # a day is a date, not a midnight datetime
        return _encode_string(value.isoformat())
    if isinstance(value, dt.date):
        return _encode_string(value.isoformat())
    return _dumps(value)


def _extras(series: Any, taken: set[str], *, end: str = "") -> list[str]:
    """``,"key":value`` fragments spreading each row's ``extra`` JSON (nested values as JSON strings), + ``end``."""
    import numpy as np
    import pandas

    codes, uniques = pandas.factorize(series, use_na_sentinel=True)
    table = []
    for text in np.asarray(uniques, dtype=object).tolist():
        fields = json.loads(text) if isinstance(text, str) else {}
        clash = taken.intersection(fields)
        if clash:
            log.debug("extra fields %s shadow columns of the same name; the columns are kept", sorted(clash))
        table.append("".join(
            "," + _encode_string(str(k)) + ":" + (_encode_string(_dumps(v)) if isinstance(v, dict | list)
                                                 else json_value(v))
            for k, v in fields.items() if k not in taken) + end)
    table.append(end)
    return [table[c] for c in codes.tolist()]


def prepared_geometries(geoms: Any) -> np.ndarray:
    """Shapely geometries ready to write: polygon outer rings counter-clockwise, holes clockwise, coordinates
    rounded to :data:`PRECISION` decimals; missing and empty ones as None."""
    import numpy as np
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    out = np.full(len(geoms), None, dtype=object)
    kinds = shapely.get_type_id(geoms)
    present = (kinds >= 0) & ~shapely.is_empty(geoms)
    polygonal = present & np.isin(kinds, (3, 6, 7))  # Polygon, MultiPolygon, GeometryCollection
    if polygonal.any():
        geoms = geoms.copy()
        geoms[polygonal] = _orient(geoms[polygonal])
    if present.any():
        kept = geoms[present]
        xy, index = shapely.get_coordinates(kept, return_index=True)
        changed = np.unique(index[(np.round(xy, PRECISION) != xy).any(axis=1)])
        if len(changed):  # only the geometries rounding changes are copied
            kept = kept.copy()
            kept[changed] = shapely.transform(kept[changed], lambda c: np.round(c, PRECISION))
        out[present] = kept
    return out


def _orient(geoms: np.ndarray) -> np.ndarray:
    """Polygons with counter-clockwise outer rings and clockwise holes (shapely ≥ 2.1 in bulk, else one by one)."""
    import numpy as np
    import shapely

    if hasattr(shapely, "orient_polygons"):
        return shapely.orient_polygons(geoms, exterior_cw=False)  # type: ignore[no-any-return]
    from shapely.geometry import GeometryCollection, MultiPolygon, Polygon
    from shapely.geometry.polygon import orient

    def one(geom: Any) -> Any:
        if isinstance(geom, Polygon):
            return orient(geom, 1.0)
        if isinstance(geom, MultiPolygon):
            return MultiPolygon([orient(p, 1.0) for p in geom.geoms])
        return GeometryCollection([one(g) for g in geom.geoms]) if isinstance(geom, GeometryCollection) else geom

    return np.array([one(g) for g in geoms], dtype=object)


def geojson_geometries(geoms: Any) -> Any:
    """GeoJSON geometry texts as an Arrow ``large_string`` array (``null`` for a missing or empty geometry), numbers
    in their shortest form (at most :data:`PRECISION` decimals): points formatted by Arrow, lines and polygons
    rewritten from GEOS's trimmed WKT, anything else (multipoints, collections, 3D) through :mod:`json`."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import shapely

    prepared = prepared_geometries(geoms)
    kinds = shapely.get_type_id(prepared)
    out = pa.array(np.full(len(prepared), "null", dtype=object), type=pa.large_string())
    points = (kinds == 0) & ~shapely.has_z(prepared)
    if points.any():
        xy = shapely.get_coordinates(prepared[points])
        x, y = (_decimal(pa.array(xy[:, i]).cast(pa.large_string())) for i in (0, 1))
        out = pc.replace_with_mask(out, pa.array(points), arrow_concat('{"type":"Point","coordinates":[', x, ",", y,
                                                                        "]}"))
    flat = np.isin(kinds, list(_WKT_TYPES)) & ~shapely.has_z(prepared)  # their WKT nests like GeoJSON
    if flat.any():
        body = pa.array(shapely.to_wkt(prepared[flat], rounding_precision=PRECISION, trim=True),
                        type=pa.large_string())
        body = pc.replace_substring_regex(body, r"^[A-Z]+ ", "", max_replacements=1)
        body = pc.replace_substring_regex(body, r"([^ (),]+) ([^ (),]+)", r"[\1,\2]")
        for old, new in (("(", "["), (")", "]"), (", ", ",")):
            body = pc.replace_substring(body, old, new)
        heads = pa.array(np.array(list(_WKT_TYPES.values()), dtype=object)[np.searchsorted(
            list(_WKT_TYPES), kinds[flat])], type=pa.large_string())
        out = pc.replace_with_mask(out, pa.array(flat), arrow_concat(heads, body, "}"))
    others = np.flatnonzero(~points & ~flat & (kinds >= 0))  # type id -1: missing
    if len(others):
        from shapely.geometry import mapping

        texts = [_dumps(mapping(g)).replace(" ", "") for g in prepared[others].tolist()]
        mask = np.zeros(len(prepared), dtype=bool)
        mask[others] = True
        out = pc.replace_with_mask(out, pa.array(mask), pa.array(texts, type=pa.large_string()))
    return out


def _decimal(texts: Any) -> Any:
    """Arrow's float texts with ``.0`` added to whole numbers (Arrow writes 36.0 as ``36``; Python as ``36.0``)."""
    import pyarrow.compute as pc

    return pc.if_else(pc.match_substring_regex(texts, "[.eE]"), texts, arrow_concat(texts, ".0"))
