"""The ``geo map`` command (argument parsing and printing only).

Events come from articles (``PATH…``, extracted now) or from the event store (``--db``); the ``geo query``
filters apply to both (articles' events are written to a temporary store and queried the same way).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from geo.errors import UsageError

__all__ = ["COMMANDS", "add_commands"]

log = logging.getLogger("geo")

MAP_EPILOG = """\
examples:
  geo map seeds/ -o maps/seeds.html
  geo map seeds/ -o maps/seeds-offline.html --offline --title 'Idlib, February 2020'
  geo map --db events.gpkg --within Syria --since 2020-02-27 -o maps/syria.html --by claimed-by
  geo map news/ --by article --outlet Reuters -o maps/reuters.html
Layers: one per outlet (--by outlet; reports without an outlet are layered by article), per article, or per
claimant; an event is in every layer that reported it and stays visible while any of them is ticked. The time
filter starts with all dates; undated events have their own layer; place mentions (from PATH input) are a layer
that starts hidden. --offline writes one self-contained file (no tiles, country borders instead).
"""

#: The ``geo query`` filter options that, when given, make ``geo map PATH…`` query its events.
_FILTERS = ("bbox", "polygon", "within", "near", "since", "until", "outlet", "article", "claimed_by", "type",
            "max_geo_precision", "text", "limit")


def add_commands(commands: Any, subparser: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``map`` to the ``geo`` subcommands."""
    from geo.cli_parse import parser_options
    from geo.cli_store import FILTERS_NOTE, filter_options
    from geo.mapdata import BY_CHOICES

    parser = subparser(commands, "map", "an interactive HTML map of events, layered by source and date",
                       MAP_EPILOG + FILTERS_NOTE)
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="article files, directories, globs; without PATH, events come from --db")
    parser.add_argument("-o", "--output", metavar="FILE.html", required=True, help="the map file to write")
    parser.add_argument("--by", choices=BY_CHOICES, default="outlet", help="source layers (default: outlet)")
    parser.add_argument("--offline", action="store_true",
                        help="one self-contained file that needs no network (needs folium-offline)")
    parser.add_argument("--title", metavar="TEXT", help="shown on the map and as the page title")
    parser.add_argument("--render", choices=("auto", "cluster", "canvas"), default="auto",
                        help="clustered SVG points or one canvas (default: by size, canvas above 20,000 events)")
    parser.add_argument("--jobs", type=int, metavar="N", help="worker processes for large batches (default: CPUs)")
    filter_options(parser)
    parser.set_defaults(db=None)
    parser_options(parser)


def _recording_extractor(geoparser: Any, jobs: int | None, mentions: list[dict[str, Any]]) -> Any:
    """An :class:`~geo.events.EventExtractor` that also keeps every article's mentions (for the mentions layer)."""
    from geo.events import EventExtractor

    class Recording(EventExtractor):
        def analyse_all(self, articles: Sequence[Any], **kwargs: Any) -> Iterator[Any]:
            for article, found, reports in super().analyse_all(articles, **kwargs):
                mentions.extend({**m, "article": article.id} for m in found)
                yield article, found, reports

    return Recording(geoparser, jobs=jobs)


def _records_from_paths(args: argparse.Namespace) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    from geo.articles import read_articles
    from geo.cli_parse import geoparser

    if args.paths.count("-") > 1:
        raise UsageError("'-' (stdin) may be given once")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    errors: list[str] = []
    articles = sorted(read_articles(args.paths, errors=errors), key=lambda a: a.path)
    mentions: list[dict[str, Any]] = []
    events = _recording_extractor(geoparser(args), args.jobs, mentions).extract(articles)
    records = [e.to_dict() for e in events]
    log.info("%d event(s) from %d article(s)", len(records), len(articles))
    if any(getattr(args, name) not in (None, False) for name in _FILTERS):
        records = _filtered(records, args)
    return records, mentions, len(errors)


def _filtered(records: list[dict[str, Any]], args: argparse.Namespace) -> list[dict[str, Any]]:
    """``records`` that match the query filters, through a temporary store (the same rules as ``geo query``)."""
    from geo.cli_store import run_query
    from geo.store import GpkgStore, records_from_frame

    with tempfile.TemporaryDirectory(prefix="geo-map-") as tmp:
        path = Path(tmp) / "events.gpkg"
        GpkgStore(path).write_events(records)
        kept = {r["id"] for r in records_from_frame(run_query(argparse.Namespace(**{**vars(args), "db": path})))}
    return [r for r in records if r["id"] in kept]


def _stored_mentions(db: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The place mentions the store keeps for the articles of ``records`` (stores written by ``geo ingest``)."""
    from geo.cli_store import open_db

    articles = {s["article"] for r in records for s in r.get("sources") or [] if s.get("article")}
    backend = open_db(db).ingest_backend()
    return backend.mentions(sorted(articles)) if hasattr(backend, "mentions") else []


def _cmd_map(args: argparse.Namespace) -> int:
    from geo.mapdata import build_map_data
    from geo.mapview import write_map

    output = Path(args.output)
    if output.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"-o {args.output}: a map is an HTML file; use a name ending in .html")
    if args.paths and args.db is not None:
        raise UsageError("give article PATHs or --db, not both")
    unreadable = 0
    if args.paths:
        records, mentions, unreadable = _records_from_paths(args)
    else:
        from geo.cli_store import run_query
        from geo.store import records_from_frame

        args.db = args.db or "events.gpkg"
        records = records_from_frame(run_query(args))
        mentions = _stored_mentions(args.db, records)
    data = build_map_data(records, by=args.by, mentions=mentions)
    write_map(data, output, title=args.title, offline=args.offline,
              mode=None if args.render == "auto" else args.render)
    print(f"wrote a map of {len(data)} event(s) to {output}" + (" (offline)" if args.offline else ""),
          file=sys.stderr)
    if unreadable:
        log.error("%d file(s) could not be read (see above)", unreadable)
        return 1
    return 0


COMMANDS: dict[tuple[str, str], Callable[[argparse.Namespace], int]] = {("map", ""): _cmd_map}
