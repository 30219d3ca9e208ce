"""The ``geo query`` and ``geo export`` commands (argument parsing and printing only).

Both take the same filters (CONTRACTS.md "geo query / geo export"); regions are turned into geometries by
:mod:`geo.store.regions`, the query is :func:`geo.store.query`, files are written by :mod:`geo.store.export`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geo.errors import UsageError

__all__ = ["COMMANDS", "add_commands", "filter_options", "open_db", "run_query"]

log = logging.getLogger("geo")

#: Radius used when ``--near`` is given without ``--radius``.
DEFAULT_RADIUS = "25km"
QUERY_FORMATS = ("table", "json", "geojson", "csv")
EXPORT_FORMATS = ("geojson", "geojsonseq", "gpkg", "csv", "kml", "kmz", "parquet")
_TEXT_FORMATS = frozenset({"geojson", "geojsonseq", "csv", "kml"})
_SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".geojsonl": "geojsonseq", ".geojsons": "geojsonseq",
             ".geojsonseq": "geojsonseq", ".gpkg": "gpkg", ".csv": "csv", ".kml": "kml", ".kmz": "kmz",
             ".parquet": "parquet"}
_COLUMNS = ("date", "date_end", "type", "subtype", "place_name", "geo_precision", "fatalities", "outlets",
            "n_sources", "id")

FILTERS_NOTE = """\
Filters combine (AND). Lines and areas match when their geometry meets the region; --near measures from the
nearest point of each event's geometry. --within takes a country, admin-1/admin-2 region, region, island or sea
('NAME, CC' or a place id when the name is ambiguous); admin polygons come from 'geo gazetteer
download-boundaries CC' or 'geo gazetteer import-boundaries FILE'. Negative numbers need '=': --bbox=-10,30,5,45.
"""

QUERY_EPILOG = """\
examples:
  geo query --within Syria --since 2020-02-27
  geo query --near Saraqeb --radius 25km --format json
  geo query --near 35.86,36.80 --radius 500m --type battle
  geo query --bbox 35.5,35.0,37.5,36.5 --outlet Reuters --outlet 'Al Jazeera'
  geo query --polygon idlib.geojson --max-geo-precision settlement --format geojson > idlib.geojson
  geo query --within 'Idlib province' --db news/events.gpkg --format csv
  geo query --engine dask --parquet export/ --since 2020-02-01 --near Saraqeb --scheduler tcp://10.0.0.5:8786
""" + FILTERS_NOTE

EXPORT_EPILOG = """\
examples:
  geo export -o events.geojson
  geo export --within Turkey --format kml -o turkey.kml
  geo export --since 2020-02-27 --until 2020-03-01 -o week.gpkg
  geo export --claimed-by SOHR --format csv > sohr.csv
  geo export --format parquet -o events.parquet
Without --format the format follows the suffix of -o (.geojson, .geojsonl, .gpkg, .csv, .kml, .kmz, .parquet;
a directory, or a path ending in /, means monthly GeoParquet partitions), else geojson. Text formats (geojson,
geojsonseq, csv, kml) go to stdout when -o is - or omitted; the count written goes to stderr.
""" + FILTERS_NOTE


def filter_options(parser: argparse.ArgumentParser) -> None:
    """Add the query filters (``--db``, place, time, source) to ``parser``; :func:`run_query` reads them."""
    from geo.store.query import GEO_PRECISION_ORDER

    parser.add_argument("--db", metavar="FILE|URL", default="events.gpkg",
                        help="the event store: a GeoPackage (default: events.gpkg in the current directory) or "
                             "a postgresql://user@host/db URL (PostGIS)")
    where = parser.add_argument_group("where")
    where.add_argument("--bbox", metavar="W,S,E,N", help="lon/lat box; W > E crosses the antimeridian")
    area = where.add_mutually_exclusive_group()
    area.add_argument("--polygon", metavar="FILE", help="a polygon file: GeoJSON, GeoPackage (any OGR format) or "
                      ".wkt; reprojected to EPSG:4326 when it has another CRS")
    area.add_argument("--within", metavar="NAME", help="a named region: country, admin1, admin2, region, island, "
                      "sea; or a place id such as geonames:163843")
    where.add_argument("--near", metavar="PLACE|LAT,LON", help="events within --radius of this place or point")
    where.add_argument("--radius", metavar="DIST", help=f"with --near: 25km, 500m or 25 (km); default "
                       f"{DEFAULT_RADIUS}")
    when = parser.add_argument_group("when")
    when.add_argument("--since", metavar="DATE", help="ISO day, inclusive: events whose dates reach it")
    when.add_argument("--until", metavar="DATE", help="ISO day, inclusive")
    when.add_argument("--include-undated", action="store_true",
                      help="keep undated events when --since/--until is given")
    what = parser.add_argument_group("what and who")
    what.add_argument("--outlet", action="append", metavar="NAME", help="reported by this outlet; repeatable (any)")
    what.add_argument("--article", action="append", metavar="ID", help="from this article id; repeatable (any)")
    what.add_argument("--claimed-by", action="append", metavar="WHO", help="asserted by; repeatable (any)")
    what.add_argument("--type", metavar="TOKEN", help="event type or subtype (geo/taxonomy.csv), e.g. air_strike")
    what.add_argument("--max-geo-precision", choices=GEO_PRECISION_ORDER, metavar="TOKEN",
                      help=f"the coarsest location kept: {', '.join(GEO_PRECISION_ORDER)}")
    what.add_argument("--text", metavar="TEXT", help="words in the summary (case-insensitive)")
    what.add_argument("--limit", type=int, metavar="N", help="at most N events (the earliest)")


def add_commands(commands: Any, subparser: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``query`` and ``export`` to the ``geo`` subcommands."""
    query = subparser(commands, "query", "events from the event store that match filters (place, time, source)",
                      QUERY_EPILOG)
    filter_options(query)
    engine = query.add_argument_group("scale-out")
    engine.add_argument("--engine", choices=("store", "dask"), default="store",
                        help="store: the --db store (default); dask: dask-geopandas over a partitioned GeoParquet "
                             "export (--parquet DIR)")
    engine.add_argument("--parquet", metavar="DIR", help="with --engine dask: a 'geo export --format parquet -o DIR/'")
    engine.add_argument("--scheduler", metavar="ADDR", help="with --engine dask: 'local' (a LocalCluster) or a "
                        "scheduler address such as tcp://10.0.0.5:8786 (default: threads in this process)")
    query.add_argument("--format", choices=QUERY_FORMATS, default="table",
                       help="table (default), one JSON array of event records, a GeoJSON FeatureCollection, or CSV")

    export = subparser(commands, "export", "write matching events to a GIS or data file", EXPORT_EPILOG)
    filter_options(export)
    export.add_argument("--format", choices=EXPORT_FORMATS, help="default: from the suffix of -o, else geojson")
    export.add_argument("-o", "--output", metavar="PATH", default="-",
                        help="the file to write (a directory for partitioned parquet); - or omitted: stdout")


# -- running a query ----------------------------------------------------------------------------------------------

def _day(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise UsageError(f"{option} {value!r} is not an ISO date; use YYYY-MM-DD, e.g. {option} 2020-02-27") \
            from None


def _spatial(args: argparse.Namespace) -> dict[str, Any]:
    """The spatial keyword arguments of :func:`geo.store.query` from ``--bbox/--polygon/--within/--near``."""
    from geo.store import regions

    found: dict[str, Any] = {}
    if args.polygon is not None:
        found["polygon"] = regions.polygon_from_file(args.polygon)
    if args.within is None and args.near is None:
        return found
    from gazetteer import Gazetteer

    gazetteer = Gazetteer(cache_dir=args.cache_dir, packs=args.pack)
    if args.within is not None:
        found["polygon"], place = regions.region_named(gazetteer, args.within)
        log.info("within %s (%s, %s)", place.name, place.id, place.kind)
    if args.near is not None:
        lat, lon, label = regions.point_named(gazetteer, args.near)
        if args.radius is None:
            log.info("no --radius: using %s around %s", DEFAULT_RADIUS, label)
        found["near"] = (lat, lon)
        found["radius_km"] = regions.parse_radius(args.radius or DEFAULT_RADIUS)
    return found


def open_db(db: str) -> Any:
    """The store ``--db`` names (a GeoPackage path that must exist, or a ``postgresql://`` URL)."""
    from geo.store import StoreError, open_store
    from geo.store.postgis import is_postgres_url

    if not is_postgres_url(db) and not Path(db).is_file():
        raise StoreError(f"no event store at {db}; run 'geo ingest PATH…' first, or pass --db FILE")
    return open_store(db)


def run_query(args: argparse.Namespace) -> Any:
    """The matching events as a GeoDataFrame, sorted by date."""
    from geo.store import query
    from geo.store.regions import parse_bbox, parse_radius

    if args.limit is not None and args.limit < 0:
        raise UsageError(f"--limit must be 0 or more, not {args.limit}")
    since, until = _day(args.since, "--since"), _day(args.until, "--until")
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    bbox = parse_bbox(args.bbox) if args.bbox is not None else None
    if args.radius is not None:
        if args.near is None:
            raise UsageError("--radius goes with --near, e.g. --near Saraqeb --radius 25km")
        parse_radius(args.radius)
    filters = dict(bbox=bbox, **_spatial(args), since=since, until=until, include_undated=args.include_undated,
                   outlet=args.outlet, article=args.article, claimed_by=args.claimed_by, type=args.type,
                   max_geo_precision=args.max_geo_precision, text=args.text, limit=args.limit)
    if getattr(args, "engine", "store") == "dask":
        from geo.store.dask_query import dask_query

        if not args.parquet:
            raise UsageError("--engine dask reads a partitioned GeoParquet export: give --parquet DIR (written by "
                             "'geo export --format parquet -o DIR/')")
        frame = dask_query(args.parquet, scheduler=args.scheduler, **filters)
        log.info("%d event(s) match in %s (%s of %s partitions read)", len(frame), args.parquet,
                 frame.attrs.get("partitions_read"), frame.attrs.get("partitions_total"))
        return frame
    if getattr(args, "parquet", None) or getattr(args, "scheduler", None):
        raise UsageError("--parquet and --scheduler go with --engine dask")
    store = open_db(args.db)
    frame = query(store, **filters)
    log.info("%d event(s) match in %s", len(frame), store)
    return frame


def _row(record: dict[str, Any]) -> dict[str, Any]:
    place = record.get("place") or {}
    return {**record, "place_name": place.get("name"), "n_sources": len(record.get("sources") or []),
            "outlets": "; ".join(record.get("outlets") or [])}


def _cmd_query(args: argparse.Namespace) -> int:
    from geo.output import to_json, to_table
    from geo.store import records_from_frame

    frame = run_query(args)
    if args.format in ("geojson", "csv"):
        from geo.store.export import export_events

        export_events(frame, args.format, None, stream=sys.stdout)
        return 0
    records = records_from_frame(frame)
    if args.format == "json":
        print(to_json(records))
    else:
        print(to_table([_row(r) for r in records], _COLUMNS))
    return 0


def _format_of(text: str, output: Path | None) -> str:
    """The format a ``-o`` path implies: by suffix, parquet for a directory, else geojson."""
    if output is None:
        return "geojson"
    if output.is_dir() or text.endswith(("/", os.sep)):
        return "parquet"
    return _SUFFIXES.get(output.suffix.lower(), "geojson")


def _cmd_export(args: argparse.Namespace) -> int:
    output = None if args.output in (None, "-") else Path(args.output)
    fmt = args.format or _format_of(args.output, output)
    if output is None and fmt not in _TEXT_FORMATS:
        raise UsageError(f"--format {fmt} is a binary format; give a file with -o PATH")
    frame = run_query(args)
    from geo.store.export import export_events

    if output is None:
        count = export_events(frame, fmt, None, stream=sys.stdout)
        sys.stdout.flush()
    else:
        count = export_events(frame, fmt, args.output)  # as typed: a trailing / asks for a parquet directory
    print(f"wrote {count} event(s) to {output or 'stdout'} ({fmt})", file=sys.stderr)
    return 0


COMMANDS: dict[tuple[str, str], Callable[[argparse.Namespace], int]] = {
    ("query", ""): _cmd_query,
    ("export", ""): _cmd_export,
}
