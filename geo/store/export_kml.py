"""KML and KMZ export of a query result, for Google Earth and GIS tools (:func:`geo.store.export.export_events`).

One ``Document`` with one ``Placemark`` per event:

- ``<name>``: the event type and the place name (``battle — Saraqeb``);
- ``<description>``: the summary, then one line per source (outlet, published, URL) — plain text, XML-escaped, so
  article text never becomes live HTML in the balloon (no CDATA);
- ``<TimeStamp><when>`` for a one-day event, ``<TimeSpan><begin>/<end>`` for a longer one, nothing when undated
  (Google Earth's time slider reads these);
- ``<ExtendedData>``: one ``<Data name=…><value>`` per flat field (ids, type tokens, dates, place, actors, counts,
  the ``*_joined`` helpers) and per ``extra`` field, nulls left out; the nested JSON columns are not repeated;
- the geometry with ``lon,lat`` coordinates: Point, LineString, Polygon (outer ring counter-clockwise), Multi* and
  collections as ``MultiGeometry``.

A KMZ is a zip holding ``doc.kml``. Characters XML 1.0 forbids (control characters) are dropped from text.
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from geo.store.export_geojson import (arrow_concat, arrow_json, arrow_utf8, in_chunks, json_value,
                                      prepared_geometries, sink_bytes)

if TYPE_CHECKING:
    import geopandas

__all__ = ["write_kml", "write_kmz"]

log = logging.getLogger(__name__)

_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n<Document>\n'
         "<name>geo-events export</name>\n")
_TAIL = "</Document>\n</kml>\n"
#: Columns not repeated in ExtendedData: nested JSON (place, lists), the summary (in the description), extra.
_NOT_DATA = frozenset({"place", "assoc_actors", "claimed_by", "outlets", "sources", "claims", "summary", "extra"})
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_XML_ARROW = "[\\x{00}-\\x{08}\\x{0b}\\x{0c}\\x{0e}-\\x{1f}\\x{fffe}\\x{ffff}]"  # RE2 syntax
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")  # an XML ID (ASCII subset); RE2 and Python syntax
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def escape(value: Any) -> str:
    """``value`` as XML text or attribute content: ``& < > "`` escaped, characters XML forbids dropped.

    >>> escape('<script>alert("x")</script> & co')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co'
    """
    return _NOT_XML.sub("", str(value)).translate(_ESCAPES)


def write_kml(frame: geopandas.GeoDataFrame, out: IO[Any]) -> None:
    """The KML document of ``frame`` to a text or binary stream ``out``."""
    put = sink_bytes(out)
    put(_HEAD.encode())
    for chunk in _placemarks(frame):
        put(chunk)
    put(_TAIL.encode())


def write_kmz(frame: geopandas.GeoDataFrame, out: IO[bytes]) -> None:
    """A KMZ (zip with ``doc.kml``; no ZIP64, which libkml cannot read) of ``frame`` to the binary stream ``out``."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive, \
            archive.open("doc.kml", "w") as raw:
        write_kml(frame, raw)


def _placemarks(frame: geopandas.GeoDataFrame) -> Iterator[memoryview]:
    """The Placemarks of ``frame`` as UTF-8 buffers of :data:`~geo.store.export_geojson.CHUNK` rows."""
    geometry = frame.geometry.name
    names = [n for n in frame.columns if n != geometry and n not in _NOT_DATA]
    return in_chunks(frame, lambda part: _chunk(part, names))


def _chunk(part: geopandas.GeoDataFrame, names: list[str]) -> memoryview:
    """The Placemarks of the rows of ``part``, built by columns with Arrow compute."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def text(value: str) -> Any:
        return pa.scalar(value, type=pa.large_string())

    empty = text("")
    n = len(part)
    texts = {name: _text(part[name]) for name in names}
    nulls = pa.nulls(n, pa.large_string())
    ids = texts.get("id", nulls)
    pieces: list[Any] = [pc.if_else(pc.fill_null(pc.match_substring_regex(ids, _NCNAME.pattern), False),
                                    arrow_concat('<Placemark id="', ids, '">'), text("<Placemark>"))]
    label = pc.binary_join_element_wise(texts.get("type", nulls), texts.get("place_name", nulls), text(" — "),
                                        null_handling="skip")
    pieces += ["<name>", pc.fill_null(pc.if_else(pc.equal(label, ""), ids, label), text("event")), "</name>"]
    summaries = part["summary"].tolist() if "summary" in part.columns else [None] * n
    sources = part["sources"].tolist() if "sources" in part.columns else [None] * n
    described = pa.array([_description(_value(a), _value(b)) for a, b in zip(summaries, sources, strict=True)],
                         type=pa.large_string())
    pieces += ["<description>", _escape_all(described), "</description>"]
    if "date" in texts:
        date, end = texts["date"], texts.get("date_end", texts["date"])
        span = pc.fill_null(pc.not_equal(date, end), False)
        stamp = arrow_concat("<TimeStamp><when>", date, "</when></TimeStamp>")
        pieces.append(pc.fill_null(pc.if_else(span, arrow_concat(
            "<TimeSpan><begin>", date, "</begin><end>", end, "</end></TimeSpan>"), stamp), empty))
    pieces.append("<ExtendedData>")
    pieces += [pc.fill_null(arrow_concat(f'<Data name="{escape(name)}"><value>', texts[name], "</value></Data>"),
                            empty) for name in names]
    if "extra" in part.columns:
        pieces.append(pa.array(_extras(part["extra"], set(part.columns)), type=pa.large_string()))
    pieces += ["</ExtendedData>", pa.array(_geometries(part.geometry.values), type=pa.large_string()),
               "</Placemark>\n"]
    while len(pieces) > 1:
        pieces = [arrow_concat(*pieces[i:i + 16]) for i in range(0, len(pieces), 16)]
    return arrow_utf8(pieces[0])


def _text(series: Any) -> Any:
    """An Arrow ``large_string`` array of ``series`` as escaped plain text (null where missing): strings as they
    are, numbers as in the GeoJSON export (whole floats of int columns as ints)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if series.dtype.kind in "fiub":
        texts = arrow_json(series, str(series.name))
        return pc.if_else(pc.equal(texts, "null"), pa.scalar(None, type=pa.large_string()), texts)
    try:
        raw = pa.array(series, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):
        raw = pa.array([None if _value(v) is None else _plain(v) for v in series.tolist()], type=pa.large_string())
    return _escape_all(raw.combine_chunks() if isinstance(raw, pa.ChunkedArray) else raw)


def _escape_all(raw: Any) -> Any:
    """:func:`escape` over an Arrow string array, vectorised."""
    import numpy as np
    import pyarrow.compute as pc

    data = raw.buffers()[2]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    if (data < 0x20).any() or (data == 0xEF).any():  # control characters, maybe U+FFFE/U+FFFF
        raw = pc.replace_substring_regex(raw, _NOT_XML_ARROW, "")
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        if (data == ord(char)).any():
            raw = pc.replace_substring(raw, char, entity)
    return raw


def _geometries(geoms: Any) -> list[str]:
    """KML geometry elements (empty for a missing geometry); points formatted in bulk."""
    import numpy as np
    import shapely

    prepared = prepared_geometries(geoms)
    out = [""] * len(prepared)
    points = np.flatnonzero(shapely.get_type_id(prepared) == 0)
    xy = shapely.get_coordinates(prepared[points]).tolist()
    for i, (x, y) in zip(points.tolist(), xy, strict=True):
        out[i] = f"<Point><coordinates>{x!r},{y!r}</coordinates></Point>"
    for i, geom in enumerate(prepared.tolist()):
        if geom is not None and not out[i]:
            out[i] = kml_geometry(geom)
    return out


def _extras(series: Any, taken: set[str]) -> list[str]:
    """``<Data>`` elements of each row's ``extra`` fields (not shadowing a column), each distinct text once."""
    import numpy as np
    import pandas

    codes, uniques = pandas.factorize(series, use_na_sentinel=True)
    table = ["".join(f'<Data name="{escape(k)}"><value>{escape(v)}</value></Data>' for k, v in _extra(text, taken))
             for text in np.asarray(uniques, dtype=object).tolist()] + [""]
    return [table[c] for c in codes.tolist()]


def _value(value: Any) -> Any:
    """None for a missing cell (None, NaN, pandas NA)."""
    import pandas

    return None if value is None or value is pandas.NA or value != value else value


def _description(summary: Any, sources: Any) -> str:
    """The summary, then ``outlet, published: url`` per source, as plain text."""
    lines = [str(summary)] if summary else []
    try:
        reports = json.loads(sources) if isinstance(sources, str) else []
    except ValueError:
        reports = []
    described = [", ".join(str(s[k]) for k in ("outlet", "published") if s.get(k))
                 + (f": {s['url']}" if s.get("url") else "") for s in reports if isinstance(s, dict)]
    if described:
        lines += ["", "Sources:", *(f"- {line}" for line in described)]
    return "\n".join(lines)


def _plain(value: Any, *, is_int: bool = False) -> str:
    """A cell as plain text: strings as they are, whole floats of int columns as ints, the rest as JSON."""
    return value if isinstance(value, str) else json_value(value, is_int=is_int)


def _extra(text: Any, taken: set[str]) -> list[tuple[str, str]]:
    """(name, text) of each ``extra`` field not shadowing a column; nested values as JSON text."""
    if not isinstance(text, str):
        return []
    fields = json.loads(text)
    return [(str(k), json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else _plain(v))
            for k, v in fields.items() if k not in taken and v is not None]


def kml_geometry(geom: Any) -> str:
    """KML for a shapely geometry, ``lon,lat`` coordinates.

    >>> from shapely.geometry import Point
    >>> kml_geometry(Point(36.8, 35.86))
    '<Point><coordinates>36.8,35.86</coordinates></Point>'
    """
    kind = geom.geom_type
    if kind == "Point":
        return f"<Point><coordinates>{_coords(geom)}</coordinates></Point>"
    if kind in ("LineString", "LinearRing"):
        return f"<LineString><tessellate>1</tessellate><coordinates>{_coords(geom)}</coordinates></LineString>"
    if kind == "Polygon":
        inner = "".join(f"<innerBoundaryIs><LinearRing><coordinates>{_coords(ring)}</coordinates></LinearRing>"
                        "</innerBoundaryIs>" for ring in geom.interiors)
        return (f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{_coords(geom.exterior)}</coordinates>"
                f"</LinearRing></outerBoundaryIs>{inner}</Polygon>")
    return "<MultiGeometry>" + "".join(kml_geometry(g) for g in geom.geoms if not g.is_empty) + "</MultiGeometry>"


def _coords(geom: Any) -> str:
    import shapely

    return " ".join(f"{x!r},{y!r}" for x, y in shapely.get_coordinates(geom).tolist())
