"""The ``geo`` command line: parses arguments, calls library code, prints results on stdout.

Logs and progress go to stderr. Exit status: 0 success (an empty result included), 1 expected failure
(:class:`~geo.errors.GeoError`), 2 bad usage.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

from geo import __version__
from geo.errors import GeoError, UsageError

__all__ = ["build_parser", "main"]

log = logging.getLogger("geo")

_LOOKUP_COLUMNS = ("id", "name", "kind", "country", "admin1", "lat", "lon", "population", "match", "score")

MAIN_EPILOG = """\
examples:
  geo places seeds/ --format json
  geo eval ../shared/eval/geovirus.jsonl --mode e2e
  geo gazetteer lookup Saraqeb
  geo gazetteer lookup Ayvacik --near Canakkale --format json
  geo gazetteer info
  geo --cache-dir /tmp/geo-cache gazetteer rebuild
"""


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Options accepted before or after the subcommand (the subparser copies do not override defaults)."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--cache-dir", metavar="DIR", default=default,
                        help="where the gazetteer index and downloads live (env GEO_CACHE_DIR)")
    parser.add_argument("--pack", metavar="FILE", action="append", default=default,
                        help="a user gazetteer pack, CSV or GeoJSON; repeatable (env GEO_PACKS, ':'-separated)")
    parser.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS if suppress else 0,
                        help="more log output on stderr (-vv for debug)")
    parser.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS if suppress else False,
                        help="only errors on stderr")


def _format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("table", "json"), default="table",
                        help="table for people (default) or one JSON document")


def _subparser(subparsers: Any, name: str, help_text: str, epilog: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help_text, description=help_text, epilog=epilog,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    _global_options(parser, suppress=True)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``geo`` command."""
    parser = argparse.ArgumentParser(
        prog="geo",
        description="Turn news articles into a map of reported events (offline geoparser and event mapper).",
        epilog=MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"geo {__version__}")
    _global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    gaz = _subparser(commands, "gazetteer", "look up places in the offline gazetteer; manage its index",
                     "examples:\n  geo gazetteer lookup 'Idlib province'\n  geo gazetteer info\n")
    gaz_commands = gaz.add_subparsers(dest="gazetteer_command", metavar="SUBCOMMAND")
    gaz_commands.required = True

    lookup = _subparser(
        gaz_commands, "lookup", "candidates for a place name, best first",
        "examples:\n"
        "  geo gazetteer lookup Saraqeb\n"
        "  geo gazetteer lookup Ayvacik --near 40.15,26.41\n"
        "  geo gazetteer lookup 'the M5 highway' --format json\n"
        "  geo gazetteer lookup Paris --country US --limit 3\n"
        "  geo gazetteer lookup Georgia --kind country\n"
        "  geo gazetteer lookup 'Kipoi' --online --user-agent 'newsroom-geo (me@example.org)'\n",
    )
    lookup.add_argument("name", nargs="+", metavar="NAME", help="the name as written; several names are looked "
                        "up in turn")
    lookup.add_argument("--country", metavar="CC", help="ISO 3166-1 alpha-2 code or country name")
    lookup.add_argument("--near", metavar="LAT,LON|PLACE", help="prefer places close to this point or place")
    lookup.add_argument("--kind", action="append", metavar="K", help="keep only this kind; repeatable")
    lookup.add_argument("--limit", type=int, default=10, metavar="N", help="at most N candidates (default 10)")
    _format_option(lookup)
    lookup.add_argument("--online", action="store_true",
                        help="ask an online geocoder (geopy) for names nothing local knows; answers are cached")
    lookup.add_argument("--online-service", default="nominatim", metavar="NAME", help="geopy service name")
    lookup.add_argument("--online-url", metavar="URL", help="the service's base URL (a self-hosted Nominatim)")
    lookup.add_argument("--user-agent", metavar="TEXT", help="user agent for the online service (env GEO_USER_AGENT)")

    info = _subparser(gaz_commands, "info", "index path, size, build time, sources and counts",
                      "examples:\n  geo gazetteer info\n  geo gazetteer info --format json\n")
    _format_option(info)

    imp = _subparser(
        gaz_commands, "import", "import GeoNames dump files (allCountries, XX, citiesNNN; .txt or .zip)",
        "examples:\n"
        "  geo gazetteer import ~/geonames/SY.zip ~/geonames/TR.zip\n"
        "  geo gazetteer import allCountries.zip --admin1 admin1CodesASCII.txt --admin2 admin2Codes.txt\n"
        "admin1CodesASCII.txt and admin2Codes.txt beside the first dump are used when present.\n",
    )
    imp.add_argument("paths", nargs="+", metavar="PATH", help="GeoNames table files")
    imp.add_argument("--admin1", metavar="FILE", help="admin1CodesASCII.txt (names of admin-1 codes)")
    imp.add_argument("--admin2", metavar="FILE", help="admin2Codes.txt (names of admin-2 codes)")
    imp.add_argument("--alternate-names", metavar="FILE", help="alternateNamesV2.txt or .zip (more names)")
    imp.add_argument("--country-info", metavar="FILE", help="countryInfo.txt (country facts and neighbours)")
    _format_option(imp)

    down = _subparser(
        gaz_commands, "download", "download GeoNames dumps and admin code tables, then import them",
        "examples:\n"
        "  geo gazetteer download SY TR\n"
        "  geo gazetteer download cities500 --base-url http://mirror.example/geonames/\n"
        "Files go to <cache-dir>/downloads; partial files are resumed. Base URL: --base-url or GEO_GEONAMES_URL.\n",
    )
    down.add_argument("datasets", nargs="+", metavar="XX", help="country codes, allCountries or citiesNNN")
    down.add_argument("--base-url", metavar="URL", help="GeoNames dump folder (default: GeoNames' own)")
    _format_option(down)

    bnd = _subparser(
        gaz_commands, "import-boundaries", "load admin polygons (GeoJSON, GPKG, shapefile) and link them to places",
        "examples:\n"
        "  geo gazetteer import-boundaries wof_sy_admin.geojson\n"
        "  geo gazetteer import-boundaries geoBoundaries-TUR-ADM1.geojson --level admin1 --name-field shapeName\n",
    )
    bnd.add_argument("path", metavar="FILE")
    bnd.add_argument("--level", choices=("admin1", "admin2", "country", "region"),
                     help="the level of every polygon (default: read from the file's level field)")
    bnd.add_argument("--name-field", metavar="F", help="the field holding names (default: name, NAME, shapeName…)")
    _format_option(bnd)

    dbn = _subparser(
        gaz_commands, "download-boundaries", "download admin polygons from geoBoundaries and import them",
        "examples:\n"
        "  geo gazetteer download-boundaries SY TR\n"
        "  geo gazetteer download-boundaries SY --level admin2\n"
        "API: --api or GEO_BOUNDARIES_URL (default geoBoundaries gbOpen).\n",
    )
    dbn.add_argument("countries", nargs="+", metavar="CC")
    dbn.add_argument("--level", choices=("admin1", "admin2", "country"), default="admin1")
    dbn.add_argument("--api", metavar="URL", help="geoBoundaries API base (…/api/current/gbOpen/)")
    _format_option(dbn)

    _subparser(gaz_commands, "rebuild", "rebuild the index from its sources now",
               "examples:\n  geo gazetteer rebuild\n  GEO_CACHE_DIR=/tmp/cache geo gazetteer rebuild\n")

    from geo import cli_events, cli_ingest, cli_map, cli_parse, cli_store

    cli_parse.add_commands(commands, _subparser)
    cli_events.add_commands(commands, _subparser)
    cli_ingest.add_commands(commands, _subparser)
    cli_store.add_commands(commands, _subparser)
    cli_map.add_commands(commands, _subparser)
    return parser


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.ERROR if getattr(args, "quiet", False) else (
        logging.DEBUG if getattr(args, "verbose", 0) >= 2 else logging.INFO if getattr(args, "verbose", 0) else
        logging.WARNING)
    logging.basicConfig(level=level, stream=sys.stderr, format="geo: %(levelname)s: %(message)s")


def _gazetteer(args: argparse.Namespace) -> Any:
    from gazetteer import Gazetteer

    gaz = Gazetteer(cache_dir=args.cache_dir, packs=args.pack)
    if getattr(args, "online", False):
        from urllib.parse import urlsplit

        from gazetteer.sources.online import OnlineGeocoder

        url = urlsplit(args.online_url) if args.online_url else None
        gaz.online = OnlineGeocoder(gaz.cache_dir / "online-cache.sqlite", service=args.online_service,
                                    user_agent=args.user_agent, domain=url.netloc if url else None,
                                    scheme=url.scheme if url else None)
    return gaz


def _cmd_lookup(args: argparse.Namespace) -> int:
    if args.limit < 0:
        raise UsageError(f"--limit must be 0 or more, not {args.limit}")
    gaz = _gazetteer(args)
    results: list[dict[str, Any]] = []
    for name in args.name:
        for candidate in gaz.lookup(name, country=args.country, near=args.near, kinds=args.kind, limit=args.limit):
            record = candidate.to_dict()
            if len(args.name) > 1:
                record["query"] = name
            results.append(record)
    if args.format == "json":
        from geo.output import to_json

        print(to_json(results))
    else:
        from geo.output import to_table

        rows = [{**r, "match": f"{r['match']['type']}:{r['match']['name']}"} for r in results]
        columns = (("query",) if len(args.name) > 1 else ()) + _LOOKUP_COLUMNS
        print(to_table(rows, columns))
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    info = _gazetteer(args).info()
    if args.format == "json":
        from geo.output import to_json

        print(to_json(info))
    else:
        from geo.output import to_lines

        print(to_lines(info))
    return 0


def _cmd_rebuild(args: argparse.Namespace) -> int:
    gaz = _gazetteer(args)
    gaz.rebuild()
    info = gaz.info()
    print(f"rebuilt {info['index_path']}: {info['places']} places, {info['names']} names "
          f"in {info['build_seconds']:.1f} s")
    return 0


def _cmd_import_boundaries(args: argparse.Namespace) -> int:
    report = _gazetteer(args).import_boundaries(args.path, level=args.level, name_field=args.name_field)
    return _print_boundaries([report], args.format)


def _cmd_download_boundaries(args: argparse.Namespace) -> int:
    reports = _gazetteer(args).download_boundaries(args.countries, level=args.level, api=args.api)
    return _print_boundaries(reports, args.format)


def _print_boundaries(reports: list[dict[str, Any]], output: str) -> int:
    if output == "json":
        from geo.output import to_json

        print(to_json(reports if len(reports) > 1 else reports[0]))
        return 0
    for report in reports:
        print(f"{report['polygons']} polygons from {report['file']}: {report['linked']} linked to places, "
              f"{len(report['unlinked'])} kept under their own ids")
        for name in report["unlinked"]:
            print(f"  unlinked: {name}")
    return 0


def _cmd_download(args: argparse.Namespace) -> int:
    report = _gazetteer(args).download_dumps(args.datasets, url=args.base_url)
    return _print_import(report, args.format)


def _cmd_import(args: argparse.Namespace) -> int:
    shown = 0

    def warn(row: Any) -> None:
        nonlocal shown
        shown += 1
        if shown <= 20:
            log.warning("skipped %s line %d: %s", row.file, row.line, row.problem)

    report = _gazetteer(args).import_dumps(args.paths, admin1=args.admin1, admin2=args.admin2,
                                           alternate_names=args.alternate_names, country_info=args.country_info,
                                           on_malformed=warn)
    if report.malformed > 20:
        log.warning("%d malformed rows skipped in all (first 20 shown)", report.malformed)
    return _print_import(report, args.format)


def _print_import(report: Any, output: str) -> int:
    summary = report.to_dict()
    if output == "json":
        from geo.output import to_json

        print(to_json(summary))
    else:
        print(f"imported {summary['rows']} rows from {len(summary['files'])} file(s) in {summary['seconds']} s; "
              f"{summary['malformed']} malformed skipped; {summary['places_total']} imported places in all")
        for kind, count in summary["kinds"].items():
            print(f"  {kind}: {count}")
    return 0


_COMMANDS = {
    ("gazetteer", "lookup"): _cmd_lookup,
    ("gazetteer", "info"): _cmd_info,
    ("gazetteer", "rebuild"): _cmd_rebuild,
    ("gazetteer", "import"): _cmd_import,
    ("gazetteer", "download"): _cmd_download,
    ("gazetteer", "import-boundaries"): _cmd_import_boundaries,
    ("gazetteer", "download-boundaries"): _cmd_download_boundaries,
}


def _handler(args: argparse.Namespace) -> Any:
    from geo import cli_events, cli_ingest, cli_map, cli_parse, cli_store

    key = (args.command, str(getattr(args, f"{args.command}_command", "")))
    for table in (_COMMANDS, cli_parse.COMMANDS, cli_events.COMMANDS, cli_ingest.COMMANDS, cli_map.COMMANDS):
        if key in table:
            return table[key]
    return cli_store.COMMANDS[key]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``geo`` command; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args)
    handler = _handler(args)
    try:
        return handler(args)
    except UsageError as exc:
        print(f"geo: error: {exc}", file=sys.stderr)
        return 2
    except GeoError as exc:
        print(f"geo: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("geo: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
