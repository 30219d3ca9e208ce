"""Event records as rows of the GeoPackage layer (:mod:`geo.store.gpkg`): the column layout, the values of each
column (nested fields as JSON text, helper columns derived), geometry blobs for :mod:`sqlite3` and an Arrow table
for GDAL.

Everything is built column by column (a list comprehension per column; points in one numpy array), several times
faster than a loop over rows; JSON goes through one reused C encoder.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from itertools import chain
from typing import TYPE_CHECKING, Any

import orjson

from geo.store import StoreError

if TYPE_CHECKING:
    import numpy as np
    import pyarrow

_SRS_ID = 4326
#: Columns of the record stored as JSON text.
_JSON = ("place", "assoc_actors", "claimed_by", "outlets", "sources", "claims")
#: (column, kind) in layer order; kind: text, real, int, json, or helper (derived, not a record field).
_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "text"), ("type", "text"), ("subtype", "text"), ("acled_event_type", "text"),
    ("acled_sub_event_type", "text"), ("summary", "text"), ("date", "text"), ("date_end", "text"),
    ("date_precision", "text"), ("date_from", "text"), ("place", "json"), ("place_id", "helper"),
    ("place_name", "helper"), ("lat", "real"), ("lon", "real"), ("geo_precision", "text"),
    ("where_relation", "text"), ("actor1", "text"), ("actor2", "text"), ("assoc_actors", "json"),
    ("fatalities", "int"), ("injured", "int"), ("claimed_by", "json"), ("claimed_by_joined", "helper"),
    ("outlets", "json"), ("outlets_joined", "helper"), ("sources", "json"), ("n_sources", "helper"),
    ("articles_joined", "helper"), ("claims", "json"), ("merged_because", "text"),
    ("independent_reports", "int"), ("confidence", "real"), ("extra", "helper"),
)
_NAMES: tuple[str, ...] = tuple(name for name, _ in _COLUMNS)
_HELPERS = frozenset(name for name, kind in _COLUMNS if kind == "helper")
_INTS = frozenset({"fatalities", "injured", "independent_reports", "n_sources"})
_REALS = frozenset({"lat", "lon", "confidence"})
_KNOWN = frozenset(_NAMES) - _HELPERS | {"geometry"}
#: Columns holding a record field as it is (text or number).
_PLAIN: tuple[str, ...] = tuple(name for name, kind in _COLUMNS if kind in ("text", "real", "int"))
_JOIN = "; "
_OPTIONS = orjson.OPT_NON_STR_KEYS  # {1: …} → {"1": …}, as json.dumps
_dumps = orjson.dumps
_POINT_HEADER = b"GP\x00\x01" + struct.pack("<i", _SRS_ID)  # little-endian, no envelope
_ENVELOPE_HEADER = b"GP\x00\x03" + struct.pack("<i", _SRS_ID)  # little-endian, [minx, maxx, miny, maxy]


# -- encoding ------------------------------------------------------------------------------------------------------

def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else None if value is None else str(value)


def _encode_json(value: Any) -> str:
    """Compact JSON text of ``value`` (UTF-8 characters kept), by orjson (several times faster than :mod:`json`
    for the small nested values of a record); values orjson refuses (integers over 64 bits) go through
    :mod:`json`, which raises ``TypeError`` for a value that has no JSON form."""
    try:
        return _dumps(value, option=_OPTIONS).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _columns(records: Iterable[Mapping[str, Any]], *, plain: bool = True) -> tuple[dict[str, list[Any]], list[Any]]:
    """The values of each of :data:`_NAMES` (JSON text for nested ones) and the GeoJSON geometries; without
    ``plain``, the id and the derived and nested columns only (Arrow reads the others, see :func:`arrow_batches`).

    Built column by column (a list comprehension per column), several times faster than a loop over rows."""
    records = list(records)
    columns: dict[str, list[Any]] = {"id": [r.get("id") for r in records]}
    if not all(columns["id"]):
        bad = next(r for r in records if not r.get("id"))
        raise StoreError(f"an event record without an id cannot be stored: {dict(bad)!r:.200}")
    nested: dict[str, list[Any]] = {}
    for name, kind in _COLUMNS[1:]:
        if kind == "helper" or (not plain and kind != "json"):
            continue
        values = [r.get(name) for r in records]
        if kind == "json":
            nested[name] = values
            values = _json_column(values)
        elif name in ("date", "date_end"):
            values = [v if v is None or isinstance(v, str) else _iso(v) for v in values]
        columns[name] = values
    places = [p or {} for p in nested["place"]]
    columns["place_id"] = [p.get("id") for p in places]
    columns["place_name"] = [p.get("name") for p in places]
    columns["claimed_by_joined"] = [_JOIN.join(v) if v else "" for v in nested["claimed_by"]]
    columns["outlets_joined"] = [_JOIN.join(v) if v else "" for v in nested["outlets"]]
    sources = [s or () for s in nested["sources"]]
    columns["n_sources"] = [len(s) for s in sources]
    columns["articles_joined"] = [_articles(s) for s in sources]
    columns["extra"] = [None if _KNOWN.issuperset(r) else _encode_json({k: r[k] for k in sorted(r.keys() - _KNOWN)})
                        for r in records]
    return columns, [r.get("geometry") for r in records]


def _json_column(values: list[Any]) -> list[str | None]:
    """JSON text of each value (None stays None), as :func:`_encode_json` writes it."""
    dumps, options = _dumps, _OPTIONS
    try:
        return [None if v is None else "[]" if v == [] else dumps(v, option=options).decode() for v in values]
    except TypeError:  # a value orjson refuses: one by one
        return [None if v is None else _encode_json(v) for v in values]


def _encode(records: Iterable[Mapping[str, Any]]) -> tuple[list[tuple[Any, ...]], list[bytes | None],
                                                             list[tuple[float, float, float, float] | None]]:
    """Rows in :data:`_NAMES` order, their GeoPackage geometry blobs and envelopes (None: no geometry)."""
    columns, geometries = _columns(records)
    rows = list(zip(*(columns[name] for name in _NAMES), strict=True))
    blobs, bounds = _geometries(geometries)
    return rows, blobs, bounds


def _articles(sources: Sequence[Mapping[str, Any]]) -> str:
    if len(sources) == 1:
        article = sources[0].get("article")
        return str(article) if article else ""
    return _JOIN.join(dict.fromkeys(str(s["article"]) for s in sources if s.get("article")))


def _shapes(geometries: list[Any]) -> tuple[list[int], np.ndarray, list[int], np.ndarray]:
    """GeoJSON geometries split into points (indices, an (n, 2) lon/lat array; read in bulk) and the other
    non-empty ones (indices, shapely geometries); missing and empty ones are in neither."""
    import numpy as np
    import shapely
    from shapely.geometry import shape

    points = [i for i, g in enumerate(geometries) if g and g.get("type") == "Point"]
    coords = [geometries[i]["coordinates"] for i in points]
    if set(map(len, coords)) <= {2}:
        xy = np.fromiter(chain.from_iterable(coords), float, count=2 * len(coords)).reshape(-1, 2)
    else:  # 3-D or empty points
        points = [i for i, c in zip(points, coords, strict=True) if len(c) >= 2]
        xy = np.array([geometries[i]["coordinates"][:2] for i in points], dtype=float).reshape(-1, 2)
    others: list[int] = []
    if len(points) < len(geometries):
        point_set = set(points)
        others = [i for i, g in enumerate(geometries) if g and i not in point_set]
    shapes = np.empty(len(others), dtype=object)
    lines = [k for k, i in enumerate(others) if geometries[i].get("type") == "LineString"]
    with suppress(ValueError, TypeError, shapely.errors.GEOSException):  # 3-D, ragged or short lines: one by one
        vertices = [geometries[others[k]]["coordinates"] for k in lines]
        flat = np.array(list(chain.from_iterable(vertices)), dtype=float)
        if lines and flat.ndim == 2 and flat.shape[1] == 2:
            parts = np.repeat(np.arange(len(lines)), list(map(len, vertices)))
            shapes[lines] = shapely.linestrings(flat, indices=parts)
    for k in np.flatnonzero(shapes == None).tolist():  # noqa: E711  (elementwise)
        shapes[k] = shape(geometries[others[k]])
    nonempty = ~shapely.is_empty(shapes)
    return points, xy, [i for i, keep in zip(others, nonempty, strict=True) if keep], shapes[nonempty]


def _point_wkb(xy: np.ndarray, header: bytes = b"") -> bytes:
    """ISO WKB of 2-D points (each after ``header``) back to back, from one numpy array: all have one layout."""
    import numpy as np

    layout = np.dtype([("header", "u1", (len(header),)), ("order", "u1"), ("type", "<u4"), ("x", "<f8"),
                       ("y", "<f8")])
    out = np.zeros(len(xy), dtype=layout)
    out["header"] = np.frombuffer(header, dtype="u1")
    out["order"], out["type"], out["x"], out["y"] = 1, 1, xy[:, 0], xy[:, 1]
    return out.tobytes()


def _geometries(geometries: list[Any]) -> tuple[list[bytes | None], list[tuple[float, float, float, float] | None]]:
    """GeoPackage geometry blobs (header, envelope for non-points, ISO WKB) and (minx, maxx, miny, maxy)
    envelopes of GeoJSON geometries (None for a missing or empty one)."""
    import shapely

    blobs: list[bytes | None] = [None] * len(geometries)
    bounds: list[tuple[float, float, float, float] | None] = [None] * len(geometries)
    points, xy, others, shapes = _shapes(geometries)
    data, size = _point_wkb(xy, _POINT_HEADER), len(_POINT_HEADER) + 21
    for k, (i, (x, y)) in enumerate(zip(points, xy.tolist(), strict=True)):
        blobs[i] = data[k * size:(k + 1) * size]
        bounds[i] = (x, x, y, y)
    boxes = shapely.bounds(shapes).tolist()
    for i, (minx, miny, maxx, maxy), wkb in zip(others, boxes, shapely.to_wkb(shapes, flavor="iso"), strict=True):
        bounds[i] = (minx, maxx, miny, maxy)
        blobs[i] = _ENVELOPE_HEADER + struct.pack("<4d", minx, maxx, miny, maxy) + wkb
    return blobs, bounds


def _arrow_type(name: str) -> pyarrow.DataType:
    import pyarrow

    return pyarrow.int64() if name in _INTS else pyarrow.float64() if name in _REALS else pyarrow.string()


def arrow_schema() -> pyarrow.Schema:
    """The schema of the tables and batches built here: the columns of :data:`_NAMES`, then ``geom`` (WKB)."""
    import pyarrow

    return pyarrow.schema([*((name, _arrow_type(name)) for name in _NAMES), ("geom", pyarrow.binary())])


def arrow_batches(records: Sequence[Mapping[str, Any]], *, size: int = 100_000) -> Iterator[pyarrow.RecordBatch]:
    """The records (ids present and unique: the caller checks) as Arrow batches of :func:`arrow_schema` for a new
    layer, ``size`` records at a time: as :func:`_arrow_table` builds them from :func:`_columns`, with the plain
    text and number fields read by Arrow straight from the dicts (about twice as fast).

    Raises :class:`pyarrow.ArrowException` (or ``TypeError``/``ValueError``/``OverflowError``) for a value Arrow
    does not take as its column's type (a date object, a number in a text field): the caller then takes the
    general path."""
    import pyarrow

    fields = pyarrow.struct([(name, _arrow_type(name)) for name in _PLAIN])
    for start in range(0, len(records), size):
        chunk = records[start:start + size]
        plain = pyarrow.array(chunk, type=fields)
        columns, geometries = _columns(chunk, plain=False)
        yield from _arrow_table(columns, geometries, plain=plain).to_batches()


def _arrow_table(columns: dict[str, list[Any]], geometries: list[Any], *,
                 plain: pyarrow.StructArray | None = None) -> pyarrow.Table:
    """The rows as an Arrow table for GDAL (ISO WKB in ``geom``); ``plain``: the plain columns, read already.
    Raises :class:`pyarrow.ArrowException` (or ``TypeError``/``ValueError``) for a value GDAL would not store as
    SQLite does (a non-text value in a text column, a NUL character); the caller then takes the sqlite3 path."""
    import numpy as np
    import pyarrow
    import pyarrow.compute

    import shapely

    arrays = {}
    for name in _NAMES:
        kind = _arrow_type(name)
        if plain is not None and name in _PLAIN and name != "id":
            array = plain.field(name)
            if name in _REALS and array.null_count < len(array):  # NaN -> NULL, as SQLite
                array = pyarrow.compute.if_else(pyarrow.compute.is_nan(array), None, array)
        else:
            array = pyarrow.array(columns[name], type=kind, from_pandas=name in _REALS)  # NaN -> NULL, as SQLite
        data = array.buffers()[-1] if kind == pyarrow.string() else None
        if data is not None and not np.frombuffer(data, dtype=np.uint8).all():  # GDAL would cut the text there
            raise ValueError(f"a NUL character in column {name}")
        arrays[name] = array
    points, xy, others, shapes = _shapes(geometries)
    offsets = pyarrow.py_buffer((np.arange(len(points) + 1, dtype=np.int32) * 21).tobytes())
    wkb = pyarrow.concat_arrays([  # points, then the others, then one NULL; each row takes its own
        pyarrow.Array.from_buffers(pyarrow.binary(), len(points), [None, offsets, pyarrow.py_buffer(_point_wkb(xy))]),
        pyarrow.array(shapely.to_wkb(shapes, flavor="iso"), type=pyarrow.binary()),
        pyarrow.nulls(1, type=pyarrow.binary())])
    order = np.full(len(geometries), len(points) + len(others), dtype=np.int64)
    order[points], order[others] = np.arange(len(points)), np.arange(len(points), len(points) + len(others))
    arrays["geom"] = wkb.take(pyarrow.array(order))
    return pyarrow.table(arrays)
