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

from geo.memory import gc_paused

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
    """What the page draws, as columns (few, flat lists: cheap to build, to serialize and to parse in the page).

    Every string in it is HTML-escaped; ``to_json`` gives the page's data object.

    Attributes
    ----------
    layers
        Source layers: ``{"key", "label", "count"}`` (escaped): named outlets or claimants first, most events
        first, then layers named after articles.
    types
        Event types present: ``{"token", "label", "colour", "count"}``.
    columns
        One list per field, one entry per drawn event: ``id``; ``g`` (shape kind: ``p`` point, ``c`` circle,
        ``l`` line, ``a`` area); ``y``/``x`` (lat/lon of points and circles, else null); ``c`` (coordinates of
        lines and areas, [lat, lon], else null); ``r`` (radius m or null); ``t`` (type index); ``d0``/``d1``
        (first/last day, days since 1970-01-01, null when undated); ``L`` (layer indices; events with the same
        layers share one list). Popup fields, as indices into ``strings`` (0: the empty string, an absent
        value): ``s`` summary, ``u`` subtype, ``w`` date label, ``pl`` place, ``pp`` place precision, ``a``
        actors, ``k`` claimants; ``f``/``i`` fatalities/injured (numbers or null);
        ``sn``/``cn`` how many rows of ``sources``/``claims`` the event owns (in event order).
    sources
        One row per report, events in order: ``o`` outlet, ``p`` published, ``h`` http(s) link, ``q`` sentence,
        ``a`` article, ``x`` any other URL (shown as text); indices into ``strings`` (0: absent).
    claims
        One row per claim, events in order: ``f`` field, ``v`` value, ``b`` claimant, ``a`` article.
    strings
        Interned escaped strings the popup fields refer to by index.
    skipped
        Ids of events without coordinates (not drawn).
    """

    layers: list[dict[str, Any]] = field(default_factory=list)
    types: list[dict[str, Any]] = field(default_factory=list)
    columns: dict[str, list[Any]] = field(default_factory=dict)
    sources: dict[str, list[Any]] = field(default_factory=dict)
    claims: dict[str, list[Any]] = field(default_factory=dict)
    strings: list[str] = field(default_factory=list)
    mentions: list[list[Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    by: str = "outlet"

    def __len__(self) -> int:
        return len(self.columns.get("id", []))

    def to_json(self) -> dict[str, Any]:
        """The page's data object (plain JSON types). Compact for the browser to parse: the shape kinds as one
        string, and the strings as one, joined by ``>`` (which escaped text never contains)."""
        return {"by": self.by, "layers": self.layers, "types": self.types,
                "E": {**self.columns, "g": "".join(self.columns.get("g", []))}, "SRC": self.sources,
                "CL": self.claims, "S": ">".join(self.strings), "M": self.mentions}


def _esc_all(values: list[str]) -> list[str]:
    """``[esc(v) for v in values]``, in one pass over one joined string (values without NUL)."""
    if not values:
        return []
    joined = "\x00".join(values)
    if joined.count("\x00") != len(values) - 1:
        return [esc(v) for v in values]
    return html.escape(joined, quote=True).split("\x00")


class _Strings:
    """Interning of texts: the same text is stored once and referred to by its index; index 0 is the empty text
    (an absent value). Escaped all at once at the end.

    Hot loops call ``add(text, len(index))`` (the index's ``setdefault``) themselves: no Python call per text.
    """

    def __init__(self) -> None:
        self.index: dict[Any, int] = {"": 0}
        self.add = self.index.setdefault

    def __call__(self, value: Any) -> int:
        return self.add("" if value is None else value if type(value) is str else str(value), len(self.index))

    def escaped(self) -> list[str]:
        # dicts keep insertion order: position == index
        return _esc_all([text if type(text) is str else str(text) for text in self.index])


def _number(value: Any) -> float | int | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) and value == value else None


_COLUMNS = ("id", "g", "y", "x", "c", "r", "t", "d0", "d1", "L", "s", "u", "w", "pl", "pp", "a", "k", "f", "i",
            "sn", "cn")


def _transpose(names: Sequence[str], rows: list[tuple[Any, ...]]) -> dict[str, list[Any]]:
    """Rows of tuples as one list per column."""
    return {name: list(column) for name, column in zip(names, zip(*rows, strict=True) if rows else
                                                       [() for _ in names], strict=True)}


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
    with gc_paused():
        return _build(records, by, mention_points(mentions))


def _build(records: Iterable[Mapping[str, Any]], by: str, mentions: list[list[Any]]) -> MapData:
    """:func:`build_map_data`: one pass over the records collecting row tuples, then columns by transposing."""
    s = _Strings()
    layer_index: dict[str, int] = {}
    layer_labels: list[str] = []
    type_index: dict[str, int] = {}
    days: dict[Any, int | None] = {}
    rows: list[tuple[Any, ...]] = []
    sources: list[tuple[Any, ...]] = []
    claims: list[tuple[Any, ...]] = []
    skipped: list[str] = []
    combos: dict[tuple[tuple[str, str], ...], list[int]] = {}
    combo_counts: Counter[tuple[tuple[str, str], ...]] = Counter()
    type_counts: Counter[int] = Counter()
    for record in records:
        kind, coords, radius = _shape(record)
        if not kind:
            skipped.append(str(record.get("id")))
            continue
        pairs = tuple(event_layers(record, by))
        indices = combos.get(pairs)  # events with the same layers share one list
        if indices is None:
            for key, label in pairs:
                if key not in layer_index:
                    layer_index[key] = len(layer_labels)
                    layer_labels.append(label)
            indices = combos[pairs] = [layer_index[key] for key, _ in pairs]
        combo_counts[pairs] += 1
        token = str(record.get("type") or "unknown")
        t = type_index.setdefault(token, len(type_index))
        type_counts[t] += 1
        date, date_end = record.get("date"), record.get("date_end")
        d0 = days[date] if date in days else days.setdefault(date, _day(date))
        d1 = days[date_end] if date_end in days else days.setdefault(date_end, _day(date_end))
        point = kind in ("p", "c")
        rid = record.get("id")
        rows.append(("" if rid is None else str(rid), kind, coords[0] if point else None,
                     coords[1] if point else None, None if point else coords, radius, t, d0,
                     (d1 if d1 is not None and d1 >= d0 else d0) if d0 is not None else None, indices,
                     *_popup(record, s, sources, claims)))
    cols = _transpose(_COLUMNS, rows)
    if skipped:
        log.warning("%d event(s) without coordinates not drawn: %s", len(skipped), ", ".join(skipped[:5]))
    cols["id"] = _esc_all(cols["id"])
    layer_counts: Counter[int] = Counter()
    for pairs, count in combo_counts.items():
        for k in combos[pairs]:
            layer_counts[k] += count
    # named outlets/claimants first, most events first; then layers named after articles, by name
    order = sorted(layer_index.items(), key=lambda item: (item[0].startswith(("article:", "none", "unclaimed")),
                                                          -layer_counts[item[1]], layer_labels[item[1]]))
    position = {old: new for new, (_, old) in enumerate(order)}
    for indices in combos.values():  # renumbered in place, once per distinct list
        indices[:] = [position[k] for k in indices]
    layers = [{"key": esc(key), "label": esc(layer_labels[i]), "count": layer_counts[i]} for key, i in order]
    types = [{"token": esc(token), "label": esc(_label(token)), "colour": type_colour(token),
              "count": type_counts[i]} for token, i in type_index.items()]
    return MapData(layers=layers, types=types, columns=cols,
                   sources=_transpose(("o", "p", "h", "q", "a", "x"), sources),
                   claims=_transpose(("f", "v", "b", "a"), claims), strings=s.escaped(),
                   mentions=mentions, skipped=skipped, by=by)


def _popup(record: Mapping[str, Any], s: _Strings, sources: list[tuple[Any, ...]],
           claims: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """The popup columns of ``record`` (``s`` … ``cn`` of :data:`_COLUMNS`); its reports and claims are appended to
    their tables. Texts are interned (0: absent); this runs once per event, so it avoids Python-level calls."""
    add, index = s.add, s.index
    place = record.get("place") or {}
    relation, name = record.get("where_relation"), place.get("name")
    where = f"{relation} {name}" if relation and name else str(relation or name or "")
    admin1, country = place.get("admin1"), place.get("country")
    extra = f"{admin1}, {country}" if admin1 and country else str(admin1 or country or "")
    date, date_end = record.get("date"), record.get("date_end")
    date_label = "undated" if not date else (date if not date_end or date_end == date else f"{date} – {date_end}")
    actor1, actor2 = record.get("actor1"), record.get("actor2")
    reports = record.get("sources") or []
    for source in reports:
        url = source.get("url")
        text = url.strip() if isinstance(url, str) else ""
        link = text if text and _URL_OK.match(text) else ""
        sources.append((add(source.get("outlet") or "", len(index)), add(source.get("published") or "", len(index)),
                        add(link, len(index)), add(source.get("sentence") or "", len(index)),
                        add(source.get("article") or "", len(index)), 0 if link else s(url)))
    rows = record.get("claims") or []
    for claim in rows:
        value = claim.get("value")
        claims.append((add(claim.get("field") or "", len(index)), add("" if value is None else str(value), len(index)),
                       add(claim.get("claimed_by") or "", len(index)), add(claim.get("article") or "", len(index))))
    return (add(record.get("summary") or "", len(index)),
            add((record.get("subtype") or "unknown").replace("_", " "), len(index)),
            add(f"{date_label} ({record.get('date_precision') or 'unknown'})", len(index)),
            add(f"{where} ({extra})" if where and extra else where or place.get("mention") or "", len(index)),
            add(record.get("geo_precision") or "", len(index)),
            add(f"{actor1} vs {actor2}" if actor1 and actor2 else actor1 or actor2 or "", len(index)),
            add(", ".join(map(str, filter(None, record.get("claimed_by") or []))), len(index)),
            _number(record.get("fatalities")), _number(record.get("injured")), len(reports), len(rows))


def mention_points(mentions: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    """Resolved mentions as ``[lat, lon, tooltip]`` (escaped); abstained mentions are left out.

    >>> mention_points([{"text": "Halab", "name": "Aleppo", "kind": "populated_place", "lat": 36.2,
    ...                  "lon": 37.16, "confidence": 0.9, "role": "literal", "article": "a1"}])
    [[36.2, 37.16, 'Halab → Aleppo (populated place, literal, 0.90) · a1']]
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
