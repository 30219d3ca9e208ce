"""The event store: event records (CONTRACTS.md) in one GeoPackage file, and queries over it.

>>> from geo.store import GpkgStore, query                         # doctest: +SKIP
>>> store = GpkgStore("events.gpkg")                               # doctest: +SKIP
>>> store.write_events([event.to_dict() for event in events])     # doctest: +SKIP
>>> query(store, near=(35.83, 36.8), radius_km=25, since="2020-02-01")  # doctest: +SKIP

Nothing heavy is imported here: geopandas, pyogrio and pyproj load on first use.
"""

from __future__ import annotations

from geo.errors import GeoError

__all__ = ["GEO_PRECISION_ORDER", "SCHEMA_VERSION", "GpkgStore", "PgStore", "StoreError", "WriteResult",
           "open_store", "query", "records_from_frame", "redact"]


class StoreError(GeoError):
    """An event store cannot be opened, read or written; the message names the file and the problem."""


from geo.store.gpkg import SCHEMA_VERSION, GpkgStore, WriteResult, records_from_frame  # noqa: E402
from geo.store.query import GEO_PRECISION_ORDER, query  # noqa: E402
from geo.store.postgis import PgStore, open_store, redact  # noqa: E402
