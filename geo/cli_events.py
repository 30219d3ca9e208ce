"""The ``geo events`` command (argument parsing and printing only)."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from typing import Any

from geo.errors import UsageError

__all__ = ["COMMANDS", "add_commands"]

log = logging.getLogger("geo")

_COLUMNS = ("date", "date_end", "type", "subtype", "place_name", "geo_precision", "lat", "lon", "fatalities",
            "actor1", "actor2", "claimed_by", "outlets", "n_sources", "id")


def add_commands(commands: Any, subparser: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``events`` to the ``geo`` subcommands."""
    from geo.cli_parse import parser_options

    events = subparser(
        commands, "events", "extract reported events (what, where, when, who says so) from articles",
        "examples:\n"
        "  geo events seeds/\n"
        "  geo events seeds/*.txt --format json > events.json\n"
        "  geo events 'news/**/*.html' feed.jsonl --format geojson > events.geojson\n"
        "Articles: .txt, .html, .json, .jsonl, directories (recursive) and globs; a directory's _metadata.csv\n"
        "gives title, outlet, url, published. Reports of the same event across articles are merged; every\n"
        "report stays in 'sources' and disagreements in 'claims'. Types: geo/taxonomy.csv.\n",
    )
    events.add_argument("paths", nargs="+", metavar="PATH", help="article files, directories, globs, or - for stdin")
    events.add_argument("--format", choices=("table", "json", "geojson"), default="table",
                        help="table (default), one JSON array of event records, or a GeoJSON FeatureCollection")
    events.add_argument("--jobs", type=int, metavar="N", help="worker processes for large batches (default: CPUs)")
    parser_options(events)


def _row(record: dict[str, Any]) -> dict[str, Any]:
    place = record["place"] or {}
    return {**record, "place_name": place.get("name"), "n_sources": len(record["sources"]),
            "claimed_by": "; ".join(record["claimed_by"]), "outlets": "; ".join(record["outlets"])}


def _cmd_events(args: argparse.Namespace) -> int:
    from geo.articles import read_articles
    from geo.cli_parse import geoparser
    from geo.events import EventExtractor
    from geo.output import to_json, to_table

    if args.paths.count("-") > 1:
        raise UsageError("'-' (stdin) may be given once")
    errors: list[str] = []
    articles = sorted(read_articles(args.paths, errors=errors), key=lambda a: a.path)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    events = EventExtractor(geoparser(args), jobs=args.jobs).extract(articles)
    if args.format == "json":
        print(to_json([e.to_dict() for e in events]))
    elif args.format == "geojson":
        print(to_json({"type": "FeatureCollection", "features": [e.to_feature() for e in events]}))
    else:
        print(to_table([_row(e.to_dict()) for e in events], _COLUMNS))
    log.info("%d event(s) from %d article(s)", len(events), len(articles))
    if errors:
        log.error("%d file(s) could not be read (see above)", len(errors))
        return 1
    return 0


COMMANDS: dict[tuple[str, str], Callable[[argparse.Namespace], int]] = {("events", ""): _cmd_events}
