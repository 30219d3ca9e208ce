"""The ``geo ingest`` command (argument parsing and printing only)."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from typing import Any

from geo.errors import UsageError

__all__ = ["COMMANDS", "add_commands"]

log = logging.getLogger("geo")


def add_commands(commands: Any, subparser: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``ingest`` to the ``geo`` subcommands."""
    from geo.cli_parse import parser_options

    ingest = subparser(
        commands, "ingest", "run the pipeline on articles and keep their events in a GeoPackage store",
        "examples:\n"
        "  geo ingest seeds/                          # into ./events.gpkg\n"
        "  geo ingest 'news/**/*.html' --db idlib.gpkg\n"
        "  geo ingest --reprocess --db idlib.gpkg     # after upgrading geo-events or the gazetteer\n"
        "Articles already stored (same text) are skipped; each article is committed on its own, so an\n"
        "interrupted ingest keeps what it finished. New reports merge with stored events. Then:\n"
        "  geo query --within Idlib --since 2020-02-01    geo export --format gpkg -o idlib-events.gpkg\n",
    )
    ingest.add_argument("paths", nargs="*", metavar="PATH", help="article files, directories, globs, or - for stdin")
    ingest.add_argument("--db", metavar="FILE|URL", default="events.gpkg",
                        help="the event store: a GeoPackage (default: events.gpkg in this directory) or a "
                             "postgresql://user@host/db URL (PostGIS)")
    ingest.add_argument("--reprocess", action="store_true",
                        help="run the pipeline again, replacing reports: on the PATHs given even when stored, or "
                             "without PATHs on every stored article (--outdated: only those of another version)")
    ingest.add_argument("--outdated", action="store_true",
                        help="with --reprocess: only articles stored by another pipeline version")
    ingest.add_argument("--format", choices=("table", "json"), default="table",
                        help="summary as lines (default) or one JSON object")
    ingest.add_argument("--jobs", type=int, metavar="N", help="worker processes for large batches (default: CPUs)")
    parser_options(ingest)


def _cmd_ingest(args: argparse.Namespace) -> int:
    from geo.articles import read_articles
    from geo.cli_parse import geoparser
    from geo.events import EventExtractor
    from geo.output import to_json, to_lines
    from geo.store import open_store, redact
    from geo.store.postgis import is_postgres_url
    from geo.store.ingest import Ingester

    if not args.paths and not args.reprocess:
        raise UsageError("give article PATHs to ingest, or --reprocess to run the stored articles again")
    if args.outdated and (not args.reprocess or args.paths):
        raise UsageError("--outdated goes with --reprocess and no PATHs")
    if args.paths.count("-") > 1:
        raise UsageError("'-' (stdin) may be given once")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    store = open_store(args.db)
    errors: list[str] = []
    articles = sorted(read_articles(args.paths, errors=errors), key=lambda a: a.path) if args.paths else []
    ingester = Ingester(store, EventExtractor(geoparser(args), jobs=args.jobs))
    if args.paths:
        result = ingester.ingest(articles, reprocess=args.reprocess)
    else:
        result = ingester.reprocess(outdated_only=args.outdated)
    db = args.db
    summary = {"db": redact(db) if is_postgres_url(db) else db, **result.to_dict(), "unreadable": len(errors)}
    print(to_json(summary) if args.format == "json" else to_lines(summary))
    if errors or result.failed:
        log.error("%d file(s) could not be read or stored (see above)", len(errors) + len(result.failed))
        return 1
    return 0


COMMANDS: dict[tuple[str, str], Callable[[argparse.Namespace], int]] = {("ingest", ""): _cmd_ingest}
