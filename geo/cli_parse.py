"""The geoparsing commands of ``geo``: ``places``, ``resolve`` and ``eval`` (argument parsing and printing only)."""

from __future__ import annotations

import argparse
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geo.errors import ArticleError, UnsupportedLanguageError, UsageError

__all__ = ["COMMANDS", "add_commands", "geoparser", "parser_options"]

log = logging.getLogger("geo")

_PLACE_COLUMNS = ("article", "start", "end", "text", "role", "cue", "id", "name", "kind", "country", "lat", "lon",
                  "confidence", "method")


def parser_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--overrides", metavar="FILE", default=os.environ.get("GEO_OVERRIDES"),
                        help="analyst corrections (CSV: article,start,end,name,place_id) applied to every result "
                             "(env GEO_OVERRIDES)")
    parser.add_argument("--spacy-model", metavar="NAME", default=os.environ.get("GEO_SPACY_MODEL"),
                        help="also merge this spaCy model's place entities (needs the [nlp] extra; env "
                             "GEO_SPACY_MODEL)")


def add_commands(commands: Any, subparser: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``places``, ``resolve`` and ``eval`` to the ``geo`` subcommands."""
    places = subparser(
        commands, "places", "find and resolve the place names of articles",
        "examples:\n"
        "  geo places seeds/\n"
        "  geo places seeds/003_9540e75d7a9aa565.txt --format json\n"
        "  echo 'Shelling hit Saraqeb in Idlib province.' | geo places - --format geojson\n"
        "Directories are read recursively; files starting with _ are not articles (_metadata.csv is read as the\n"
        "sidecar). Demonyms ('Turkish') are listed with role demonym.\n",
    )
    places.add_argument("paths", nargs="+", metavar="PATH", help="article files, directories, or - for stdin")
    places.add_argument("--format", choices=("table", "json", "geojson"), default="table",
                        help="table (default), one JSON array of articles, or a GeoJSON FeatureCollection")
    parser_options(places)

    resolve = subparser(
        commands, "resolve", "gold-name mode: resolve the toponym spans of a JSON Lines corpus",
        "examples:\n"
        "  geo resolve --in corpus.jsonl --out resolved.jsonl\n"
        "Reads id, text and toponyms[].start/end/name of each line; writes each line with every toponym\n"
        "extended by lat, lon, geonameid, place_id, kind and confidence (null when abstaining).\n",
    )
    resolve.add_argument("--in", dest="input", required=True, metavar="IN.jsonl")
    resolve.add_argument("--out", dest="output", required=True, metavar="OUT.jsonl")
    parser_options(resolve)

    evaluate = subparser(
        commands, "eval", "score the geoparser on a gold corpus (acc@161, AUC, P/R/F1)",
        "examples:\n"
        "  geo eval ../shared/eval/geovirus.jsonl\n"
        "  geo eval corpus.jsonl --mode e2e --format json\n"
        "gold: the gold spans are given and only resolved; e2e: the spans are found too (demonyms are not\n"
        "scored unless --include-demonyms).\n",
    )
    evaluate.add_argument("path", metavar="FILE.jsonl")
    evaluate.add_argument("--mode", choices=("gold", "e2e"), default="gold")
    evaluate.add_argument("--include-demonyms", action="store_true", help="score demonym mentions in e2e mode")
    evaluate.add_argument("--format", choices=("table", "json"), default="table")
    parser_options(evaluate)


def geoparser(args: argparse.Namespace) -> Any:
    from gazetteer import Gazetteer
    from geo.geoparse import Geoparser
    from geo.overrides import Overrides

    overrides = Overrides.from_file(args.overrides) if args.overrides else None
    return Geoparser(Gazetteer(cache_dir=args.cache_dir, packs=args.pack), overrides=overrides,
                     spacy_model=args.spacy_model)


def _features(record: dict[str, Any]) -> list[dict[str, Any]]:
    features = []
    for mention in record["mentions"]:
        if mention["lat"] is None:
            continue
        geometry = mention["geometry"] or {"type": "Point", "coordinates": [mention["lon"], mention["lat"]]}
        properties = {k: v for k, v in mention.items() if k not in ("geometry",)}
        properties["article"] = record["id"]
        properties["alternatives"] = json.dumps(mention["alternatives"], ensure_ascii=False)
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return features


def _cmd_places(args: argparse.Namespace) -> int:
    from geo.articles import read_articles
    from geo.output import to_json, to_table
    from gazetteer.progress import progress

    if args.paths.count("-") > 1:
        raise UsageError("'-' (stdin) may be given once")
    parser = geoparser(args)
    errors: list[str] = []
    records = []
    articles = sorted(read_articles(args.paths, errors=errors), key=lambda a: a.path)
    for article in progress(articles, "geoparsing", unit="article"):
        record: dict[str, Any] = {"id": article.id, "path": article.path, "title": article.title,
                                  "published": article.published.isoformat() if article.published else None,
                                  "content_hash": article.content_hash, "mentions": []}
        try:
            record["mentions"] = [m.to_dict() for m in parser.parse(article.text, article=article.id)]
        except UnsupportedLanguageError as exc:
            log.warning("%s: skipped: %s", article.path, exc)
            record["language"] = exc.language
            record["skipped"] = str(exc)
        records.append(record)
    if args.format == "json":
        print(to_json(records))
    elif args.format == "geojson":
        print(to_json({"type": "FeatureCollection", "features": [f for r in records for f in _features(r)]}))
    else:
        rows = [{**m, "article": r["id"]} for r in records for m in r["mentions"]]
        print(to_table(rows, _PLACE_COLUMNS))
    if errors:
        log.error("%d file(s) could not be read (see above)", len(errors))
        return 1
    return 0


def _cmd_resolve(args: argparse.Namespace) -> int:
    from geo.evaluate import read_corpus, resolve_corpus

    source, target = Path(args.input), Path(args.output)
    if source.resolve() == target.resolve():
        raise UsageError("--out must differ from --in")
    parser = geoparser(args)
    partial = target.with_name(target.name + ".partial")
    count = 0
    try:
        with partial.open("w", encoding="utf-8") as handle:
            for doc in resolve_corpus(read_corpus(source), parser):
                handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
                count += 1
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ArticleError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    log.info("resolved %d document(s) into %s", count, target)
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from geo.evaluate import evaluate, read_corpus
    from geo.output import to_json, to_lines

    summary = evaluate(read_corpus(args.path), geoparser(args), mode=args.mode,
                       include_demonyms=args.include_demonyms).summary()
    if args.format == "json":
        print(to_json(summary))
    else:
        print(to_lines(summary))
    return 0


COMMANDS: dict[tuple[str, str], Callable[[argparse.Namespace], int]] = {
    ("places", ""): _cmd_places,
    ("resolve", ""): _cmd_resolve,
    ("eval", ""): _cmd_eval,
}
