"""Event records in PostgreSQL + PostGIS: the same store interface as :class:`~geo.store.GpkgStore`.

>>> store = open_store("postgresql://geo:secret@127.0.0.1:5432/news")   # doctest: +SKIP
>>> store.write_events(records)                                        # doctest: +SKIP
>>> store.query(near=(35.83, 36.8), radius_km=25, since="2020-02-01")  # doctest: +SKIP

Layout (created and upgraded by :data:`MIGRATIONS`): table ``events`` with the GeoPackage layer's columns (nested
values as the same JSON text, so both back ends return identical frames; ``id``, ``date``, ``date_end`` in the
"C" collation so they compare and sort as in SQLite and Python), ``geom geometry(Geometry, 4326)`` with a GiST
index. Radius queries take the lon/lat boxes of the circle from that index (split at the antimeridian, every
longitude near a pole) and then test ``ST_DWithin`` on ``geography(geom)`` (the spheroid; schema version 3
drops the GiST index on ``geography(geom)`` that versions 1 and 2 used for them). Schema version 4 adds the
generated columns ``px`` and ``py``, a point's coordinates (NULL for other geometries): a radius query decides
the points well inside or outside the circle from them by the haversine formula, and a read sends them instead of
calling ``ST_X``/``ST_Y``. Where the ``btree_gist``
extension can be created (PostgreSQL's contrib, a trusted extension), the geometry index also holds ``date`` and
``coalesce(date_end, date)``, so a region + date query finds its rows in the index alone. Bulk writes insert rows
in the Hilbert order of ``ORDER BY geom``, so the rows of one region share few table pages. ``geo_meta`` holding
``schema_version``; the ingest tables ``articles``, ``reports``, ``mentions`` (see :mod:`geo.store.postgis_ingest`).

Writing: records are encoded as for the GeoPackage (:func:`geo.store.gpkg_rows._columns`), turned into CSV by
Arrow, ``COPY``-ed into a temporary table and moved with ``INSERT … ON CONFLICT (id) DO NOTHING`` (or ``DO
UPDATE`` with ``replace=True``), all in one transaction. Reading: ``COPY (SELECT …) TO STDOUT`` as CSV, parsed
by Arrow into the GeoDataFrame the GeoPackage store returns.

psycopg 3 is imported on first use (``pip install 'geo-events[postgis]'``). Connection URLs are shown with the
password replaced by ``***`` (:func:`redact`) in every message and log line.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from geo.store import StoreError
from geo.store.gpkg import GpkgStore, WriteResult, _gc_paused, _take, _unique
from geo.store.gpkg_rows import _columns
from geo.store.postgis_rows import _EVENT_COLUMNS, POINT_X, POINT_Y, _arrow_rows, _copy_insert, read_frame

if TYPE_CHECKING:
    import geopandas
    import psycopg

    from geo.store.postgis_ingest import PgIngestBackend

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "PgStore", "is_postgres_url", "open_store", "redact"]

log = logging.getLogger(__name__)


#: Schema steps, in order; version N = the first N steps applied. Append, never edit a released step.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE EXTENSION IF NOT EXISTS postgis",
        f"CREATE TABLE events (fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, {_EVENT_COLUMNS}, "
        "geom geometry(Geometry, 4326), CONSTRAINT events_id UNIQUE (id))",
        "CREATE INDEX events_geom ON events USING gist (geom)",
        "CREATE INDEX events_geog ON events USING gist (geography(geom))",
        "CREATE INDEX events_date ON events (date, date_end)",
        "CREATE TABLE articles (fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, content_hash text NOT NULL "
        "UNIQUE, article_id text NOT NULL UNIQUE, path text, title text, outlet text, url text, published text "
        'COLLATE "C", published_end text COLLATE "C", published_from text, language text, agency text, text text '
        "NOT NULL, pipeline_version text, ingested_at text, n_mentions bigint, n_reports bigint)",
        "CREATE TABLE reports (fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, report_id text NOT NULL UNIQUE, "
        "content_hash text NOT NULL, article_id text NOT NULL, event_id text, subtype text, "
        'date text COLLATE "C", date_end text COLLATE "C", record text NOT NULL, place_geometry text)',
        "CREATE INDEX reports_date ON reports (date, date_end)",
        "CREATE INDEX reports_article ON reports (content_hash)",
        "CREATE INDEX reports_event ON reports (event_id)",
        "CREATE TABLE mentions (fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, content_hash text NOT NULL, "
        'article_id text NOT NULL, start bigint, "end" bigint, text text, role text, place_id text, name text, '
        "kind text, country text, lat double precision, lon double precision, confidence double precision, "
        "record text NOT NULL)",
        "CREATE INDEX mentions_article ON mentions (content_hash)",
        "CREATE INDEX mentions_place ON mentions (place_id)",
    ),
    (  # one GiST index on the geometry and the dates: a region + date query reads only the rows it returns
        "DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS btree_gist; "
        "CREATE INDEX events_geom_date ON events USING gist (geom, date, (coalesce(date_end, date))); "
        "DROP INDEX events_geom; "
        "EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'btree_gist is not available (%), events keep the GiST index on "
        "geom alone', SQLERRM; END $$",
    ),
    (  # radius queries take the lon/lat boxes of the circle from the geometry index (tighter than the geography
        # index's geocentric box, and no geography made for the rows outside them): the geography index goes
        "DROP INDEX IF EXISTS events_geog",
    ),
    (  # the coordinates of point events as plain numbers: a radius query decides most points by arithmetic (a
        # PostGIS call per row cost more than finding the rows), and a read sends them without calling ST_X/ST_Y
        f"ALTER TABLE events ADD COLUMN px double precision GENERATED ALWAYS AS ({POINT_X}) STORED, "
        f"ADD COLUMN py double precision GENERATED ALWAYS AS ({POINT_Y}) STORED",
    ),
)
#: The layout version this code writes; a database with a newer one is refused.
SCHEMA_VERSION = len(MIGRATIONS)
#: The first version with the point columns ``px`` and ``py``.
POINT_COLUMNS_VERSION = 4
_INHERITED: list[Any] = []  # connections of a parent process, kept unclosed after a fork
#: pg_advisory_xact_lock key taken while migrating (and by ingest writers, see postgis_ingest).
MIGRATION_LOCK = 0x67656F5F6D696772  # "geo_migr"


# -- URLs and secrets ----------------------------------------------------------------------------------------------

def is_postgres_url(db: str | os.PathLike[str]) -> bool:
    """Whether ``db`` names a PostgreSQL database (``postgresql://`` or ``postgres://``) rather than a file."""
    return isinstance(db, str) and db.lower().startswith(("postgresql://", "postgres://"))


def _secrets(url: str) -> list[str]:
    """The password of ``url`` as written and decoded (from the netloc or a ``password=`` parameter)."""
    found: list[str] = []
    try:
        parts = urlsplit(url)
        netloc = parts.netloc.rpartition("@")[0]
        if ":" in netloc:
            found.append(netloc.split(":", 1)[1])
        found += [value for key, value in parse_qsl(parts.query, keep_blank_values=True) if key == "password"]
    except ValueError:
        pass
    match = re.search(r"://[^:/@]*:([^@]*)@", url)  # also when urlsplit fails (a malformed port)
    if match:
        found.append(match.group(1))
    found += re.findall(r"[?&]password=([^&]*)", url)
    found += [unquote(s) for s in found]
    return sorted({s for s in found if s}, key=len, reverse=True)


def redact(url: str, text: str | None = None) -> str:
    """``text`` (default: ``url`` itself) with the password of ``url`` replaced by ``***``.

    >>> redact("postgresql://geo:s3cr%40t@db.example:5432/news")
    'postgresql://geo:***@db.example:5432/news'
    >>> redact("postgresql://geo:pw@h/db", 'invalid token "pw"')
    'invalid token "***"'
    """
    out = url if text is None else text
    for secret in _secrets(url):
        out = out.replace(secret, "***")
    return out


# -- the store -----------------------------------------------------------------------------------------------------

class PgStore:
    """Event records in a PostgreSQL database with PostGIS.

    Parameters
    ----------
    url
        ``postgresql://user:password@host:port/database`` (libpq URL; ``?sslmode=…`` and other parameters
        allowed). Nothing connects until the first call; :meth:`write_events` creates or upgrades the tables,
        reading a database without them raises :class:`~geo.store.StoreError`, and one with a newer
        schema version is refused.
    """

    def __init__(self, url: str) -> None:
        if not is_postgres_url(url):
            raise StoreError(f"{redact(url)} is not a PostgreSQL URL; use postgresql://user:password@host/db")
        self.url = url
        self.label = redact(url)
        self._version_seen: int | None = None  # the stored schema version, once connected
        self._conn: psycopg.Connection[Any] | None = None
        self._pid = 0

    def __repr__(self) -> str:
        return f"PgStore({self.label!r})"

    # -- connections -------------------------------------------------------------------------------------------

    def _error(self, exc: BaseException, doing: str) -> StoreError:
        """A :class:`StoreError` for a database error, the password scrubbed from every part of the message."""
        return StoreError(redact(self.url, f"cannot {doing} the event store {self.label} "
                                           f"({type(exc).__name__}: {str(exc).strip()})"))

    @contextmanager
    def connect(self, *, write: bool = False, doing: str = "read") -> Iterator[psycopg.Connection[Any]]:
        """The store's connection, committed after the block (rolled back on an error; group statements with
        ``conn.transaction()``). With ``write`` the schema is created or upgraded first, else it must exist.
        Database errors, including those raised inside the block, become :class:`StoreError` without the
        password.

        One connection is kept open per store and process, so a store is not shared between threads."""
        import psycopg

        conn = self._connection()
        try:
            if self._version_seen != SCHEMA_VERSION:  # not checked yet, or older (read as it is; upgraded on a write)
                self._migrate(conn) if write else self._check(conn)
            yield conn
            conn.commit()
        except psycopg.Error as exc:
            self.close()
            raise self._error(exc, doing) from None
        except BaseException:
            if not conn.closed:
                conn.rollback()
            raise

    def _connection(self) -> psycopg.Connection[Any]:
        import psycopg

        conn = self._conn
        if conn is not None and not conn.closed and self._pid == os.getpid():
            return conn
        if conn is not None and self._pid != os.getpid():
            _INHERITED.append(conn)  # a forked child must not close its parent's connection
        try:
            conn = psycopg.connect(self.url, connect_timeout=15, application_name="geo-events")
        except (psycopg.Error, ValueError) as exc:
            raise StoreError(redact(self.url, f"cannot connect to the event store {self.label} "
                                              f"({type(exc).__name__}: {str(exc).strip()}); check the URL, that "
                                              "the server runs and accepts this user")) from None
        self._conn, self._pid = conn, os.getpid()
        return conn

    def close(self) -> None:
        """Close the store's connection (a later call opens a new one)."""
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None

    def __enter__(self) -> PgStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _version(self, conn: psycopg.Connection[Any]) -> int | None:
        """The stored schema version; None without a ``geo_meta`` table."""
        if conn.execute("SELECT to_regclass('geo_meta')").fetchone() == (None,):
            return None
        row = conn.execute("SELECT value FROM geo_meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _refuse_newer(self, version: int | None) -> None:
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(f"{self.label} has event-store schema version {version}, newer than this version of "
                             f"geo-events reads ({SCHEMA_VERSION}); upgrade geo-events to open it")

    def _check(self, conn: psycopg.Connection[Any]) -> None:
        version = self._version(conn)
        conn.rollback()
        if version is None:
            raise StoreError(f"no event store at {self.label} (no geo_meta table); write events to it first")
        self._refuse_newer(version)
        self._version_seen = version

    @property
    def point_columns(self) -> bool:
        """Whether the stored schema (as of the last connection) has the point columns ``px`` and ``py``."""
        return (self._version_seen or 0) >= POINT_COLUMNS_VERSION

    def _migrate(self, conn: psycopg.Connection[Any]) -> None:
        """Apply the missing :data:`MIGRATIONS` steps in one transaction, under an advisory lock so that two
        processes never migrate at once (the second finds the work done).

        The lock is taken before the migrating transaction starts: a transaction reads the catalog as of its
        start, so one begun before the other process committed would not see the tables it created."""
        with conn.transaction():
            version = self._version(conn)
        self._refuse_newer(version)
        if version == SCHEMA_VERSION:
            self._version_seen = version
            return
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        conn.commit()
        try:
            with conn.transaction():
                if conn.execute("SELECT to_regclass('geo_meta')").fetchone() == (None,):
                    conn.execute("CREATE TABLE geo_meta (key text PRIMARY KEY, value text)")
                version = self._version(conn) or 0
                self._refuse_newer(version)
                for number, steps in enumerate(MIGRATIONS[version:], start=version + 1):
                    log.info("migrating the event store %s to schema version %d", self.label, number)
                    for step in steps:
                        conn.execute(step)  # type: ignore[arg-type]  # fixed SQL, no user values
                conn.execute("INSERT INTO geo_meta VALUES ('schema_version', %s) ON CONFLICT (key) DO UPDATE SET "
                             "value = EXCLUDED.value", (str(SCHEMA_VERSION),))
        finally:
            if not conn.closed and not conn.broken:
                conn.rollback()
                conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
                conn.commit()
        self._version_seen = SCHEMA_VERSION

    def migrate(self) -> int:
        """Create or upgrade the tables now; the schema version afterwards."""
        with self.connect(write=True, doing="migrate"):
            pass
        return SCHEMA_VERSION

    # -- writing -------------------------------------------------------------------------------------------------

    def write_events(self, records: Iterable[Mapping[str, Any]], *, replace: bool = False) -> WriteResult:
        """Add event records, deduplicated by ``id``, in one transaction (as :meth:`GpkgStore.write_events`).

        ``replace``: a record whose ``id`` is stored replaces it (the last one wins within the call); otherwise
        the stored one is kept (the first one wins within the call).
        """
        with _gc_paused():
            columns, geometries = _columns(records)
        total = len(geometries)
        if (keep := _unique(columns["id"], last=replace)) is not None:
            columns, geometries = _take(columns, geometries, keep)
        table = _arrow_rows(columns, geometries)
        with self.connect(write=True, doing="write to") as conn, conn.transaction():
            inserted, replaced = _copy_insert(conn, table, replace=replace)
        log.debug("wrote %d of %d records to %s", inserted + replaced, total, self.label)
        skipped = 0 if replace else total - inserted
        return WriteResult(inserted=inserted, replaced=replaced, skipped=skipped)

    # -- reading -------------------------------------------------------------------------------------------------

    def read_events(self, *, bbox: tuple[float, float, float, float] | None = None,
                    columns: list[str] | None = None) -> geopandas.GeoDataFrame:
        """The stored events as a GeoDataFrame (EPSG:4326, nested fields as JSON text, in insertion order), as
        :meth:`GpkgStore.read_events` returns them. ``bbox`` ``(W, S, E, N)``: features whose envelope meets it;
        ``columns``: attribute columns to keep (default: all)."""
        where, params = "", []
        if bbox is not None:
            where = "WHERE geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)"
            params = [float(v) for v in bbox]
        with self.connect() as conn:
            frame = read_frame(conn, where, params, order="fid", point_columns=self.point_columns)
        if columns is not None:
            frame = frame[[*columns, "geometry"]]
        return frame

    def query(self, **filters: Any) -> geopandas.GeoDataFrame:
        """Events matching the filters of :func:`geo.store.query` (same arguments, same frame)."""
        from geo.store.postgis_query import query

        return query(self, **filters)

    def count(self) -> int:
        """The number of stored events."""
        with self.connect() as conn:
            row = conn.execute("SELECT count(*) FROM events").fetchone()
        return int(row[0]) if row else 0

    def ingest_backend(self) -> PgIngestBackend:
        """The ingest storage of this database (:class:`geo.store.ingest.Ingester` uses it)."""
        from geo.store.postgis_ingest import PgIngestBackend

        return PgIngestBackend(self)


def open_store(db: str | os.PathLike[str]) -> GpkgStore | PgStore:
    """The event store ``db`` names: a ``postgresql://`` (or ``postgres://``) URL, else a GeoPackage path.

    >>> type(open_store("news/events.gpkg")).__name__
    'GpkgStore'
    >>> open_store("postgresql://geo:pw@localhost/news")
    PgStore('postgresql://geo:***@localhost/news')
    """
    if is_postgres_url(db):
        return PgStore(str(db))
    return GpkgStore(Path(db))
