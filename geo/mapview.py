"""The map page (folium): Leaflet map, basemap, controls and the page script over :class:`~geo.mapdata.MapData`.

folium makes the page (map, tiles, scale bar, fullscreen button, asset links); ``geo/mapview.js`` draws the
events from the embedded data, with the source-layer toggles, the time filter, the legend and popups built on
click. Rendering follows size: up to :data:`CLUSTER_MAX` events, points are clustered (Leaflet.markercluster)
and drawn as SVG with tooltips; above, points and uncertainty circles are drawn by one canvas layer from typed
arrays (hit-tested on click and hover; lines, areas and mentions share one Leaflet canvas), which keeps 100k
events loading in a few seconds. The page data goes in after folium renders the page, through placeholders (never
through a Jinja template), as JSON that cannot close its script element, gzip-compressed (base64) above
:data:`COMPRESS_OVER` bytes.

>>> from geo.mapdata import build_map_data
>>> page = map_html(build_map_data([]), title="Empty")   # doctest: +SKIP
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import os
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

from geo.mapdata import MapData, esc
from geo.memory import gc_paused

__all__ = ["ATTRIBUTION", "CLUSTER_MAX", "COMPRESS_OVER", "map_html", "rendering", "write_map"]

log = logging.getLogger(__name__)

#: Above this many events, points are drawn on a canvas without clustering.
CLUSTER_MAX = 20_000

#: Page data above this many bytes of JSON is embedded gzip-compressed (in base64) and unpacked by the page: a
#: third of the file size, and less for the browser to read and parse than the JSON itself.
COMPRESS_OVER = 5_000_000

#: Data sources credited on every map (the online tiles add their own credit).
ATTRIBUTION = ('Places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0) · borders: '
               '<a href="https://www.naturalearthdata.com/">Natural Earth</a> (public domain)')

_CSS = """
.geo-box{background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);
 font:12px/1.4 system-ui,sans-serif;max-width:320px}
.geo-title{font-size:15px;font-weight:600}
.geo-legend .geo-swatch{display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:5px;
 border:1px solid #222;vertical-align:-1px}
.geo-legend .geo-shapes{margin-top:4px;color:#444;font-size:11px}
.geo-time input[type=range]{width:190px;vertical-align:middle}
.leaflet-control-layers-list{max-height:45vh;max-width:340px;overflow-y:auto;overflow-wrap:anywhere}
.geo-pop .geo-url{color:#666;overflow-wrap:anywhere}
.geo-pop{font:12px/1.4 system-ui,sans-serif}
.geo-pop .geo-head{padding-left:6px;margin-bottom:4px;font-size:13px}
.geo-pop .geo-sum{margin:6px 0}
.geo-pop table.geo-claims{border-collapse:collapse;margin:4px 0}
.geo-pop table.geo-claims td,.geo-pop table.geo-claims th{border:1px solid #ccc;padding:2px 5px;vertical-align:top}
.geo-pop caption{text-align:left;font-weight:600}
.geo-pop ol.geo-src{padding-left:18px;margin:4px 0}
.geo-pop q{color:#333;font-style:italic}
"""


def rendering(n_events: int) -> str:
    """``"cluster"`` (clustered SVG points with tooltips) or ``"canvas"`` (one canvas, popups only)."""
    return "cluster" if n_events <= CLUSTER_MAX else "canvas"


def _json_script(value: Any) -> str:
    """JSON safe inside a ``<script>`` element (``<`` and line separators escaped)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def map_html(data: MapData, *, title: str | None = None, offline: bool = False, mode: str | None = None) -> str:
    """The map page of ``data`` as one HTML document.

    Parameters
    ----------
    data
        What to draw (:func:`geo.mapdata.build_map_data`).
    title
        Shown on the map and as the page title (escaped).
    offline
        Inline every script and stylesheet (from ``folium-offline``) and draw a country-borders basemap instead
        of online tiles: the page then works with no network.
    mode
        ``"cluster"`` or ``"canvas"``; default from the number of events (:func:`rendering`).
    """
    with gc_paused():  # many small objects, none cyclic: no use scanning every live record again
        return _map_html(data, title=title, offline=offline, mode=mode)


def _map_html(data: MapData, *, title: str | None, offline: bool, mode: str | None) -> str:
    import folium
    from branca.element import Element
    from folium.elements import JSCSSMixin
    from folium.plugins import Fullscreen, MarkerCluster
    from jinja2 import Template

    mode = mode or rendering(len(data))
    if mode not in ("cluster", "canvas"):
        raise ValueError(f"mode must be cluster or canvas, not {mode!r}")
    # no prefer_canvas: canvas mode draws points on its own layer and gives lines, areas and mentions one shared
    # Leaflet canvas (mapview.js); one canvas per pane would hide the clicks of the panes below it
    fmap = folium.Map(location=[20, 0], zoom_start=2, tiles=None if offline else "OpenStreetMap", max_zoom=18,
                      control_scale=True, prefer_canvas=False, world_copy_jump=False)
    fmap.default_js = [js for js in fmap.default_js if js[0] == "leaflet"]
    fmap.default_css = [css for css in fmap.default_css if css[0] == "leaflet_css"]
    Fullscreen(position="topleft").add_to(fmap)
    root: Any = fmap.get_root()  # a branca Figure
    # Our text goes in after rendering, through placeholders: branca compiles an Element's text as a Jinja
    # template, which would be slow for megabytes of data and would evaluate "{{ … }}" in untrusted text.
    for name in ("title", "css", "script"):
        root.header.add_child(Element(_slot(name)), name=f"geo_{name}")
    root.html.add_child(Element(_slot("data") + _slot("options")), name="geo_data")
    options: dict[str, Any] = {"mode": mode, "cluster": mode == "cluster", "title": esc(title) if title else None,
                               "attribution": ATTRIBUTION}
    if offline:
        from geo.mapassets import country_borders

        options["basemap"] = country_borders()

    class _Events(JSCSSMixin):  # type: ignore[misc]
        _template = Template("""{% macro script(this, kwargs) %}
geoEventsLoad({{ this._parent.get_name() }}, "geo-data", "geo-options");
{% endmacro %}""")

    events = _Events()
    events.default_js = list(MarkerCluster.default_js) if mode == "cluster" else []
    events.default_css = list(MarkerCluster.default_css) if mode == "cluster" else []
    fmap.add_child(events)
    page: str = root.render()
    if offline:
        from geo.mapassets import inline_assets

        page = inline_assets(page)
    parts = {
        "title": f"<title>{esc(title or 'geo-events map')}</title>",
        "css": f"<style>{_CSS}</style>",
        "script": "".join("<script>" + files("geo").joinpath(name).read_text(encoding="utf-8") + "</script>"
                          for name in ("mapcanvas.js", "mapview.js")),
        "data": _data_script(data, texts_later=mode == "canvas"),
        "options": f'<script type="application/json" id="geo-options">{_json_script(options)}</script>',
    }
    return _SLOT.sub(lambda m: parts[m[1]], page, count=len(parts))  # one pass: inserted text is not rescanned


def _data_script(data: MapData, *, texts_later: bool = False) -> str:
    """The page data's ``<script id="geo-data">``: JSON, or gzip in base64 above :data:`COMPRESS_OVER` bytes.

    With ``texts_later`` (canvas mode), compressed data keeps its texts (``S``, most of its size) in a script of
    their own, ``geo-data-texts``, which the page unpacks after its first draw: popups and tooltips need them,
    drawing does not.
    """
    page_data = data.to_json()
    texts = page_data["S"]
    core = _json_script({**page_data, "S": None}) if texts_later else ""
    if len(core) + len(texts) > COMPRESS_OVER and texts_later:
        return _packed("geo-data", core) + _packed("geo-data-texts", texts)
    text = _json_script(page_data)
    if len(text) <= COMPRESS_OVER:
        return f'<script type="application/json" id="geo-data">{text}</script>'
    return _packed("geo-data", text)


def _packed(element_id: str, text: str) -> str:
    packed = base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=1, mtime=0)).decode("ascii")
    return f'<script type="application/octet-stream" id="{element_id}" data-encoding="gzip+base64">{packed}</script>'


def _slot(name: str) -> str:
    return f"<!--geo-slot:{name}-->"


_SLOT = re.compile(r"<!--geo-slot:(\w+)-->")


def write_map(data: MapData, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write the page of ``data`` to ``path`` (parents created; written atomically); options as :func:`map_html`."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    page = map_html(data, **options)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    log.info("wrote %s: %d event(s), %.1f MB", target, len(data), target.stat().st_size / 1e6)
    return target
