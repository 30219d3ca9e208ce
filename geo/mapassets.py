"""Assets of offline maps: Leaflet/plugin JS and CSS inlined from an installed package, a borders basemap.

``folium-offline`` (import name ``offlinefolium``, no clash with ``folium``) ships the CDN files folium links to,
keyed by their URL; :func:`inline_assets` replaces each ``<script src=…>`` and ``<link rel=stylesheet href=…>``
of a rendered page by the file's text, and refuses to write a page that would still fetch anything.
The basemap is the Natural Earth 110m country borders shipped in ``countryinfo`` (already a core dependency).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from geo.errors import GeoError

__all__ = ["MapAssetError", "country_borders", "external_references", "inline_assets"]

log = logging.getLogger(__name__)

_SCRIPT = re.compile(r'<script\s+src="(?P<url>[^"]+)"\s*>\s*</script>', re.IGNORECASE)
_LINK = re.compile(r'<link\s+rel="stylesheet"\s+href="(?P<url>[^"]+)"\s*/?>', re.IGNORECASE)
_REFERENCE = re.compile(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["\']?(?!data:|#)([^"\'\s>]+)',
                        re.IGNORECASE)
_CSS_URL = re.compile(r'url\(\s*["\']?(?!data:|#)([^)"\']+)', re.IGNORECASE)


class MapAssetError(GeoError):
    """An offline map cannot be made self-contained (an asset is missing from the installed packages)."""


@lru_cache(maxsize=1)
def _resources() -> dict[str, str]:
    try:
        from offlinefolium import elements  # type: ignore[import-not-found]
    except ImportError:
        raise MapAssetError("--offline needs the folium-offline package for Leaflet's JS and CSS; "
                            "run 'pip install folium-offline'") from None
    return dict(elements._res)


def _asset(url: str) -> str:
    resources = _resources()
    text = resources.get(url)
    if text is None and url.startswith("//"):
        text = resources.get("https:" + url)
    if text is None:
        raise MapAssetError(f"no offline copy of {url} in folium-offline; this map element cannot be offline")
    return text


def inline_assets(page: str) -> str:
    """``page`` with every linked script and stylesheet replaced by its inlined text.

    Raises
    ------
    MapAssetError
        When an asset has no offline copy, or when the page still references anything outside itself.
    """
    page = _SCRIPT.sub(lambda m: "<script>" + _asset(m["url"]).replace("</script", "<\\/script") + "</script>",
                       page)
    page = _LINK.sub(lambda m: "<style>" + _asset(m["url"]).replace("</style", "<\\/style") + "</style>", page)
    left = external_references(page)
    if left:
        raise MapAssetError(f"the offline page still references {', '.join(sorted(left)[:5])}")
    return page


def external_references(page: str) -> set[str]:
    """URLs the page would fetch: ``src``/``href`` of scripts, links, images, frames and CSS ``url()`` (not
    ``data:`` or fragments). Links inside popups are built at run time and are not fetched."""
    found = set(_REFERENCE.findall(page))
    for style in re.findall(r"<style[^>]*>(.*?)</style>", page, flags=re.IGNORECASE | re.DOTALL):
        found.update(_CSS_URL.findall(style))
    return found


@lru_cache(maxsize=1)
def country_borders(digits: int = 3) -> dict[str, Any]:
    """Country borders as one GeoJSON FeatureCollection (Natural Earth 110m via ``countryinfo``), rounded."""
    from countryinfo import CountryInfo

    features: dict[str, Any] = {}
    for row in CountryInfo.all().values():
        for feature in (row.get("geoJSON") or {}).get("features") or []:
            key = str(feature.get("id") or (feature.get("properties") or {}).get("name"))
            if key not in features and feature.get("geometry"):
                geometry = feature["geometry"]
                features[key] = {"type": "Feature", "properties": {},
                                 "geometry": {"type": geometry["type"],
                                              "coordinates": _round(geometry["coordinates"], digits)}}
    log.debug("basemap: %d country borders", len(features))
    return {"type": "FeatureCollection", "features": list(features.values())}


def _round(coords: Any, digits: int) -> Any:
    if coords and isinstance(coords[0], int | float):
        return [round(float(c), digits) for c in coords]
    return [_round(c, digits) for c in coords]
