"""Online fallback for names nothing local knows: any geopy geocoder (Nominatim by default).

Off unless asked for (``--online``). Requests are spaced by the service's policy (Nominatim: at most one per
second) with geopy's ``RateLimiter``; every answer — an empty one too — is cached in ``online-cache.sqlite``
in the cache directory with the service, the query and the time, so a name is asked once.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from gazetteer.errors import GazetteerError
from gazetteer.model import Place
from gazetteer.rank import prominence

__all__ = ["OnlineGeocoder"]

log = logging.getLogger(__name__)

#: Seconds between requests by service usage policy (Nominatim: 1 request/s).
MIN_DELAY = {"nominatim": 1.0}
_PLACE_TYPES = {"city", "town", "village", "hamlet", "suburb", "neighbourhood", "locality", "quarter",
                "isolated_dwelling", "municipality"}


def _kind(raw: dict[str, Any]) -> str:
    """Map a Nominatim class/type (or addresstype) to a CONTRACTS.md kind."""
    cls, typ = raw.get("class") or raw.get("category") or "", raw.get("type") or ""
    address_type = raw.get("addresstype") or ""
    if cls == "place" and typ in _PLACE_TYPES or address_type in _PLACE_TYPES:
        return "populated_place"
    if address_type == "country" or typ == "country":
        return "country"
    if address_type in ("state", "province", "region") or typ in ("state", "province"):
        return "admin1"
    if cls == "boundary":
        return "admin2"
    if cls == "natural" and typ in ("sea", "bay", "strait", "water"):
        return "sea"
    if cls == "waterway":
        return "river"
    if cls == "natural" and typ in ("peak", "volcano", "ridge", "mountain_range"):
        return "mountain"
    if cls == "highway":
        return "road"
    if cls == "place" and typ in ("island", "islet"):
        return "island"
    return "site"


class OnlineGeocoder:
    """A rate-limited, cached geopy geocoder.

    Parameters
    ----------
    cache_path
        SQLite file for cached answers.
    service
        A geopy service name (``nominatim``, ``photon``, ``pelias``…).
    user_agent
        Sent with every request (Nominatim requires an identifying one); default ``$GEO_USER_AGENT``.
    domain, scheme
        Where the service lives (tests point this at a server on 127.0.0.1).
    min_delay
        Seconds between requests; default by the service's policy.
    """

    def __init__(self, cache_path: Path, *, service: str = "nominatim", user_agent: str | None = None,
                 domain: str | None = None, scheme: str | None = None, min_delay: float | None = None,
                 timeout: float = 10.0) -> None:
        self.cache_path = Path(cache_path)
        self.service = service
        self.user_agent = user_agent or os.environ.get("GEO_USER_AGENT") or "geo-events (offline-first geoparser)"
        self.domain, self.scheme, self.timeout = domain, scheme, timeout
        self.min_delay = MIN_DELAY.get(service, 1.0) if min_delay is None else min_delay
        self._geocode: Any = None

    def _client(self) -> Any:
        if self._geocode is None:
            from geopy.extra.rate_limiter import RateLimiter
            from geopy.geocoders import get_geocoder_for_service

            try:
                cls = get_geocoder_for_service(self.service)
            except Exception as exc:  # geopy raises GeocoderNotFound
                raise GazetteerError(f"unknown online geocoder {self.service!r} ({exc})") from None
            options: dict[str, Any] = {"user_agent": self.user_agent, "timeout": self.timeout}
            if self.domain:
                options["domain"] = self.domain
            if self.scheme:
                options["scheme"] = self.scheme
            client = cls(**options)
            self._geocode = RateLimiter(client.geocode, min_delay_seconds=self.min_delay, max_retries=1,
                                        error_wait_seconds=self.min_delay, swallow_exceptions=False)
        return self._geocode

    def _cache(self) -> sqlite3.Connection:
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.cache_path, timeout=30)
        conn.execute("CREATE TABLE IF NOT EXISTS answers (service TEXT NOT NULL, query TEXT NOT NULL, "
                     "fetched_at TEXT NOT NULL, results TEXT NOT NULL, PRIMARY KEY (service, query))")
        return conn

    def lookup(self, name: str, *, limit: int = 5) -> list[Place]:
        """Places the service proposes for ``name`` (cached answer when there is one)."""
        query = " ".join(name.split())
        conn = self._cache()
        try:
            row = conn.execute("SELECT results FROM answers WHERE service = ? AND query = ?",
                               (self.service, query)).fetchone()
            if row is not None:
                raws = json.loads(row[0])
            else:
                raws = self._ask(query, limit)
                conn.execute("INSERT OR REPLACE INTO answers VALUES (?,?,?,?)",
                             (self.service, query, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                              json.dumps(raws, ensure_ascii=False)))
                conn.commit()
        finally:
            conn.close()
        return [self._place(raw, rank) for rank, raw in enumerate(raws[:limit])]

    def _ask(self, query: str, limit: int) -> list[dict[str, Any]]:
        from geopy.exc import GeopyError

        try:
            found = self._client()(query, exactly_one=False, limit=limit)
        except GeopyError as exc:
            raise GazetteerError(f"online geocoder {self.service} failed for {query!r}: {exc}") from None
        results = []
        for location in found or []:
            raw = dict(location.raw) if isinstance(location.raw, dict) else {}
            raw["_lat"], raw["_lon"], raw["_address"] = location.latitude, location.longitude, location.address
            results.append(raw)
        return results

    def _place(self, raw: dict[str, Any], rank: int) -> Place:
        osm = f"{raw.get('osm_type', '')}/{raw.get('osm_id', '')}".strip("/") or str(raw.get("place_id", rank))
        kind = _kind(raw)
        address: dict[str, Any] = raw["address"] if isinstance(raw.get("address"), dict) else {}
        country = (address.get("country_code") or "").upper() or None
        importance = float(raw.get("importance") or 0.0)
        name = raw.get("name") or str(raw.get("_address", "")).split(",")[0] or "?"
        return Place(
            id=f"online:{self.service}:{osm}", name=name, kind=kind, lat=float(raw["_lat"]), lon=float(raw["_lon"]),
            source=f"online:{self.service}", country=country, admin1=address.get("state"),
            prominence=max(prominence(kind, None, 0, 1), importance),
            provenance=json.dumps({"service": self.service, "address": raw.get("_address"), "osm": osm},
                                  ensure_ascii=False),
        )
