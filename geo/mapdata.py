"""Events → the data a map draws: compact per-event columns, source layers, type colours, escaped text.

Pure Python (no folium): :func:`build_map_data` turns event records (CONTRACTS.md "Event record") into a
:class:`MapData` that :mod:`geo.mapview` embeds in the page as JSON and the page script draws.

Layering rule (CONTRACTS.md "Maps"): an event belongs to every source layer that reported it (``by="outlet"``:
the outlet of each report, or the article when the outlet is unknown; ``"article"``; ``"claimed-by"``: each
claimant, or "unclaimed"). The page keeps ONE drawn feature per event and shows it while any of its layers is
ticked, so unticking a layer hides exactly the events reported only there.

Safety: every string that reaches the page is HTML-escaped here (:func:`esc`), including layer names, legend
labels and URLs; links are kept only for http(s) URLs (:func:`safe_url`). The page script only concatenates
these escaped strings, it never inserts raw text.

Coordinates: GeoJSON is (lon, lat); Leaflet takes [lat, lon]. :func:`latlon` converts (and rounds).

>>> latlon([36.8, 35.8])
[35.8, 36.8]
>>> esc('"><svg onload=alert(1)>')
'&quot;&gt;&lt;svg onload=alert(1)&gt;'
>>> safe_url("javascript:alert(1)") is None, safe_url("https://example.org/a?b=1&c=2")
(True, 'https://example.org/a?b=1&amp;c=2')
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BY_CHOICES", "DEFAULT_COLOUR", "TYPE_COLOURS", "MapData", "build_map_data", "esc", "event_layers",
           "latlon", "mention_points", "safe_url", "type_colour"]

log = logging.getLogger(__name__)

BY_CHOICES = ("outlet", "article", "claimed-by")

#: Colour per event type (geo/taxonomy.csv types), colour-blind-friendly where possible.
TYPE_COLOURS: dict[str, str] = {
    "battle": "#d62728",
    "remote_violence": "#ff7f0e",
    "violence_against_civilians": "#8c1c5a",
    "strategic": "#1f77b4",
    "migration": "#2ca02c",
    "protest": "#9467bd",
    "riot": "#e377c2",
    "summary": "#7f7f7f",
}
DEFAULT_COLOUR = "#17becf"

#: Radius in metres of the uncertainty circle drawn for a point whose place is coarser than a settlement.
UNCERTAINTY_M: dict[str, float] = {"near_settlement": 10_000, "admin2": 25_000, "admin1": 60_000,
                                   "country": 200_000, "sea_or_airspace": 150_000}

_EPOCH = dt.date(1970, 1, 1)
_DIGITS = 5
_URL_OK = re.compile(r"^https?://[^\s\x00-\x1f\x7f]+$", re.IGNORECASE)


def esc(value: Any) -> str:
    """``value`` as HTML text, quotes included (``None`` → ``""``)."""
    return "" if value is None else html.escape(str(value), quote=True)


def safe_url(url: Any) -> str | None:
    """The escaped URL when it is an absolute http(s) URL without spaces or control characters, else ``None``."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    return esc(url) if _URL_OK.match(url) else None


def latlon(position: Sequence[float]) -> list[float]:
    """A GeoJSON position (lon, lat[, z]) as Leaflet's [lat, lon], rounded to about a metre."""
    return [round(float(position[1]), _DIGITS), round(float(position[0]), _DIGITS)]


def type_colour(token: str | None) -> str:
    """The colour of an event type token."""
    return TYPE_COLOURS.get(token or "", DEFAULT_COLOUR)


def _label(token: str | None) -> str:
    return (token or "unknown").replace("_", " ")


def event_layers(record: Mapping[str, Any], by: str = "outlet") -> list[tuple[str, str]]:
    """The source layers an event belongs to, as ``(key, label)`` pairs (raw text, not escaped), in order.

    ``by="outlet"``: each report's outlet, or ``article <id> (outlet unknown)``; ``"article"``: each report's
    article; ``"claimed-by"``: each claimant, or ``unclaimed``.

    >>> rec = {"sources": [{"article": "a1", "outlet": "Reuters"}, {"article": "a2", "outlet": None}],
    ...        "claimed_by": []}
    >>> event_layers(rec)
    [('outlet:Reuters', 'Reuters'), ('article:a2', 'article a2 (outlet unknown)')]
    >>> event_layers(rec, "claimed-by")
    [('unclaimed', 'unclaimed')]
    """
    if by not in BY_CHOICES:
        raise ValueError(f"by must be one of {', '.join(BY_CHOICES)}, not {by!r}")
    found: dict[str, str] = {}
    if by == "claimed-by":
        for who in record.get("claimed_by") or []:
            found.setdefault(f"claimant:{who}", str(who))
        return list(found.items()) or [("unclaimed", "unclaimed")]
    for source in record.get("sources") or []:
        article = source.get("article")
        if by == "outlet" and source.get("outlet"):
            found.setdefault(f"outlet:{source['outlet']}", str(source["outlet"]))
        elif article:
            label = f"article {article}" + (" (outlet unknown)" if by == "outlet" else "")
            found.setdefault(f"article:{article}", label)
    return list(found.items()) or [("none", "no source")]


def _day(value: Any) -> int | None:
    """Days since 1970-01-01 of an ISO date (or datetime) string; ``None`` when absent or unreadable."""
    if not value:
        return None
    try:
        return (dt.date.fromisoformat(str(value)[:10]) - _EPOCH).days
    except ValueError:
        return None


def _shape(record: Mapping[str, Any]) -> tuple[str, Any, float | None]:
    """``(kind, coordinates in [lat, lon], radius_m)``; kind ``p`` point, ``c`` circle, ``l`` line, ``a`` area."""
    geometry = record.get("geometry") or {}
    gtype, coords = geometry.get("type"), geometry.get("coordinates")
    precision = record.get("geo_precision")
    if gtype in ("LineString", "MultiLineString") and coords:
        lines = [coords] if gtype == "LineString" else coords
        return "l", [[latlon(p) for p in line] for line in lines], None
    if gtype in ("Polygon", "MultiPolygon") and coords:
        polygons = [coords] if gtype == "Polygon" else coords
        return "a", [[[latlon(p) for p in ring] for ring in polygon] for polygon in polygons], None
    if gtype == "Point" and coords:
        point = latlon(coords)
    elif record.get("lat") is not None and record.get("lon") is not None:
        point = latlon([record["lon"], record["lat"]])
    else:
        return "", None, None
    radius = UNCERTAINTY_M.get(precision or "")
    if record.get("where_relation") == "near":
        radius = max(radius or 0, UNCERTAINTY_M["near_settlement"])
    return ("c", point, radius) if radius else ("p", point, None)


@dataclass(slots=True)
class MapData:
    """What the page draws. Every string in it is HTML-escaped; ``to_json`` gives the page's data object.

    Attributes
    ----------
    layers
        Source layers: ``{"key", "label", "count"}`` (escaped): named outlets or claimants first, most events
        first, then layers named after articles.
    types
        Event types present: ``{"token", "label", "colour", "count"}``.
    columns
        One list per field, one entry per drawn event: ``id``, ``g`` (shape kind), ``c`` (coordinates, [lat,
        lon]), ``r`` (radius m or null), ``t`` (type index), ``d0``/``d1`` (first/last day, days since
        1970-01-01, null when undated), ``L`` (layer indices), ``P`` (popup parts).
    strings
        Interned escaped strings the popup parts refer to by index.
    skipped
        Ids of events without coordinates (not drawn).
    """

    layers: list[dict[str, Any]] = field(default_factory=list)
    types: list[dict[str, Any]] = field(default_factory=list)
    columns: dict[str, list[Any]] = field(default_factory=dict)
    strings: list[str] = field(default_factory=list)
    mentions: list[list[Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    by: str = "outlet"

    def __len__(self) -> int:
        return len(self.columns.get("id", []))

    def to_json(self) -> dict[str, Any]:
        """The page's data object (plain JSON types)."""
        return {"by": self.by, "layers": self.layers, "types": self.types, "E": self.columns, "S": self.strings,
                "M": self.mentions}


class _Strings:
    """Interning of escaped strings: the same text is stored once and referred to by index."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, value: Any) -> int | None:
        if value is None or value == "":
            return None
        text = esc(value)
        if text not in self._index:
            self._index[text] = len(self.values)
            self.values.append(text)
        return self._index[text]


def _popup(record: Mapping[str, Any], s: _Strings) -> list[Any]:
    """Popup parts: [summary, subtype, date label, place, place precision, actors, fatalities, injured,
    sources, claims, claimants]; each source is [outlet, published, http(s) link, sentence (0 = the summary),
    article, any other URL as text]."""
    summary = esc(record.get("summary"))
    place = record.get("place") or {}
    where = " ".join(str(x) for x in (record.get("where_relation"), place.get("name")) if x)
    extra = ", ".join(str(x) for x in (place.get("admin1"), place.get("country")) if x)
    date = record.get("date")
    date_label = "undated" if not date else (
        date if not record.get("date_end") or record.get("date_end") == date else f"{date} – {record['date_end']}")
    date_label += f" ({record.get('date_precision') or 'unknown'})"
    actors = " vs ".join(str(a) for a in (record.get("actor1"), record.get("actor2")) if a)
    sources = []
    for src in record.get("sources") or []:
        sentence = esc(src.get("sentence"))
        link = safe_url(src.get("url"))
        sources.append([s(src.get("outlet")), s(src.get("published")), link,
                        0 if sentence and sentence == summary else sentence, s(src.get("article")),
                        None if link or not src.get("url") else esc(src.get("url"))])
    claims = [[s(c.get("field")), s(c.get("value")), s(c.get("claimed_by")), s(c.get("article"))]
              for c in record.get("claims") or []]
    return [summary, s(_label(record.get("subtype"))), s(date_label),
            s(f"{where}{f' ({extra})' if extra else ''}" if where else place.get("mention")),
            s(record.get("geo_precision")), s(actors), record.get("fatalities"), record.get("injured"),
            sources, claims, [s(c) for c in record.get("claimed_by") or []]]


def build_map_data(records: Iterable[Mapping[str, Any]], *, by: str = "outlet",
                   mentions: Iterable[Mapping[str, Any]] = ()) -> MapData:
    """The map data of event records (CONTRACTS.md event records, e.g. ``event.to_dict()``).

    Parameters
    ----------
    records
        Event records; events without coordinates are listed in ``skipped`` and not drawn.
    by
        Source layering: ``"outlet"``, ``"article"`` or ``"claimed-by"``.
    mentions
        Resolved place mentions (CONTRACTS.md mention objects, plus ``article``) for the mentions layer.
    """
    if by not in BY_CHOICES:
        raise ValueError(f"by must be one of {', '.join(BY_CHOICES)}, not {by!r}")
    strings = _Strings()
    layer_index: dict[str, int] = {}
    layer_labels: list[str] = []
    type_index: dict[str, int] = {}
    columns: dict[str, list[Any]] = {k: [] for k in ("id", "g", "c", "r", "t", "d0", "d1", "L", "P")}
    skipped: list[str] = []
    layer_counts: Counter[int] = Counter()
    type_counts: Counter[int] = Counter()
    for record in records:
        kind, coords, radius = _shape(record)
        if not kind:
            skipped.append(str(record.get("id")))
            continue
        indices = []
        for key, label in event_layers(record, by):
            if key not in layer_index:
                layer_index[key] = len(layer_labels)
                layer_labels.append(label)
            indices.append(layer_index[key])
        layer_counts.update(indices)
        token = str(record.get("type") or "unknown")
        t = type_index.setdefault(token, len(type_index))
        type_counts[t] += 1
        d0 = _day(record.get("date"))
        d1 = _day(record.get("date_end")) if d0 is not None else None
        for name, value in (("id", esc(record.get("id"))), ("g", kind), ("c", coords), ("r", radius), ("t", t),
                            ("d0", d0), ("d1", d1 if d1 is not None and d0 is not None and d1 >= d0 else d0),
                            ("L", indices), ("P", _popup(record, strings))):
            columns[name].append(value)
    if skipped:
        log.warning("%d event(s) without coordinates not drawn: %s", len(skipped), ", ".join(skipped[:5]))
    # named outlets/claimants first, most events first; then layers named after articles, by name
    order = sorted(layer_index.items(), key=lambda item: (item[0].startswith(("article:", "none", "unclaimed")),
                                                          -layer_counts[item[1]], layer_labels[item[1]]))
    position = {old: new for new, (_, old) in enumerate(order)}
    columns["L"] = [[position[k] for k in indices] for indices in columns["L"]]
    layers = [{"key": esc(key), "label": esc(layer_labels[i]), "count": layer_counts[i]} for key, i in order]
    types = [{"token": esc(token), "label": esc(_label(token)), "colour": type_colour(token),
              "count": type_counts[i]} for token, i in type_index.items()]
    return MapData(layers=layers, types=types, columns=columns, strings=strings.values,
                   mentions=mention_points(mentions), skipped=skipped, by=by)


def mention_points(mentions: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    """Resolved mentions as ``[lat, lon, tooltip]`` (escaped); abstained mentions are left out.

    >>> mention_points([{"text": "Saraqeb", "name": "Saraqib", "kind": "populated_place", "lat": 35.86,
    ...                  "lon": 36.8, "confidence": 0.9, "role": "literal", "article": "a1"}])
    [[35.86, 36.8, 'Saraqeb → Saraqib (populated place, literal, 0.90) · a1']]
    """
    points = []
    for m in mentions:
        if m.get("lat") is None or m.get("lon") is None:
            continue
        confidence = m.get("confidence")
        details = ", ".join(x for x in (_label(m.get("kind")), m.get("role"),
                                        f"{confidence:.2f}" if isinstance(confidence, int | float) else None) if x)
        tip = f"{m.get('text')} → {m.get('name')} ({details})" + (f" · {m['article']}" if m.get("article") else "")
        points.append([*latlon([m["lon"], m["lat"]]), esc(tip)])
    return points
