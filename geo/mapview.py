"""The map page (folium): Leaflet map, basemap, controls and the page script over :class:`~geo.mapdata.MapData`.

folium makes the page (map, tiles, scale bar, fullscreen button, asset links); ``geo/mapview.js`` draws the
events from the embedded data, with the source-layer toggles, the time filter, the legend and popups built on
click. Rendering follows size: up to :data:`CLUSTER_MAX` events, points are clustered (Leaflet.markercluster)
and drawn as SVG with tooltips; above, every event is drawn on one canvas without tooltips, which keeps 100k
events loading in a few seconds.

>>> from geo.mapdata import build_map_data
>>> page = map_html(build_map_data([]), title="Empty")   # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import os
from importlib.resources import files
from pathlib import Path
from typing import Any

from geo.mapdata import MapData, esc

__all__ = ["ATTRIBUTION", "CLUSTER_MAX", "map_html", "rendering", "write_map"]

log = logging.getLogger(__name__)

#: Above this many events, points are drawn on a canvas without clustering.
CLUSTER_MAX = 20_000

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
    import folium
    from branca.element import Element
    from folium.elements import JSCSSMixin
    from folium.plugins import Fullscreen, MarkerCluster
    from jinja2 import Template

    mode = mode or rendering(len(data))
    if mode not in ("cluster", "canvas"):
        raise ValueError(f"mode must be cluster or canvas, not {mode!r}")
    fmap = folium.Map(location=[20, 0], zoom_start=2, tiles=None if offline else "OpenStreetMap", max_zoom=18,
                      control_scale=True, prefer_canvas=mode == "canvas", world_copy_jump=False)
    fmap.default_js = [js for js in fmap.default_js if js[0] == "leaflet"]
    fmap.default_css = [css for css in fmap.default_css if css[0] == "leaflet_css"]
    Fullscreen(position="topleft").add_to(fmap)
    root: Any = fmap.get_root()  # a branca Figure
    root.header.add_child(Element(f"<title>{esc(title or 'geo-events map')}</title>"), name="geo_title")
    root.header.add_child(Element(f"<style>{_CSS}</style>"), name="geo_css")
    script = files("geo").joinpath("mapview.js").read_text(encoding="utf-8")
    root.header.add_child(Element(f"<script>{script}</script>"), name="geo_script")
    options: dict[str, Any] = {"mode": mode, "cluster": mode == "cluster", "title": esc(title) if title else None,
                               "attribution": ATTRIBUTION}
    if offline:
        from geo.mapassets import country_borders

        options["basemap"] = country_borders()
    root.html.add_child(Element('<script type="application/json" id="geo-data">' + _json_script(data.to_json())
                                + "</script>"), name="geo_data")
    root.html.add_child(Element('<script type="application/json" id="geo-options">' + _json_script(options)
                                + "</script>"), name="geo_options")

    class _Events(JSCSSMixin):  # type: ignore[misc]
        _template = Template("""{% macro script(this, kwargs) %}
geoEventsMap({{ this._parent.get_name() }}, JSON.parse(document.getElementById("geo-data").textContent),
             JSON.parse(document.getElementById("geo-options").textContent));
{% endmacro %}""")

    events = _Events()
    events.default_js = list(MarkerCluster.default_js) if mode == "cluster" else []
    events.default_css = list(MarkerCluster.default_css) if mode == "cluster" else []
    fmap.add_child(events)
    page: str = root.render()
    if offline:
        from geo.mapassets import inline_assets

        page = inline_assets(page)
    return page


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
