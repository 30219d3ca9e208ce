"""Ingest: N distinct articles into a new GeoPackage store, one transaction per article, then the same again.

Usage::

    python bench/bench_ingest.py [--articles N] [--cache-dir DIR] [--jobs N] [--batches K]

The articles are those of ``bench_events.py`` (GeoVirus texts, the seeds and edited variants). Reports the time of
the first ingest (in ``--batches`` successive ``geo ingest`` runs, so later batches merge into stored events), of a
second ingest of the same articles (must add nothing), and whether the store holds the same events as the batch
pipeline (``EventExtractor.extract``) on all the articles at once.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval" / "geovirus.jsonl"))
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--cache-dir")
    parser.add_argument("--jobs", type=int, help="worker processes (default: CPUs)")
    args = parser.parse_args()
    from bench_events import _variants

    from gazetteer import Gazetteer
    from geo.articles import article_from_text, read_articles
    from geo.events import EventExtractor
    from geo.geoparse import Geoparser
    from geo.store import GpkgStore, records_from_frame
    from geo.store.ingest import Ingester

    gaz = Gazetteer(cache_dir=args.cache_dir, packs=[])
    gaz.lookup("Idlib")
    seeds = sorted(read_articles([ROOT / "seeds"]), key=lambda a: a.path)
    eval_path = Path(args.eval)
    corpus = [json.loads(line)["text"] for line in eval_path.read_text(encoding="utf-8").splitlines()
              if line.strip()] if eval_path.is_file() else []
    texts = list(dict.fromkeys(corpus + [a.text for a in seeds]))
    texts += _variants(texts, max(0, args.articles - len(texts)), random.Random(7))
    articles = [article_from_text(text, path=f"bench/{i:05d}.txt", metadata={"published": "2020-03-01"})
                for i, text in enumerate(texts[:args.articles])]
    extractor = EventExtractor(Geoparser(gaz), jobs=args.jobs)
    with tempfile.TemporaryDirectory() as tmp:
        store = GpkgStore(Path(tmp) / "events.gpkg")
        size = -(-len(articles) // args.batches)
        started = time.perf_counter()
        for first in range(0, len(articles), size):
            Ingester(store, extractor).ingest(articles[first:first + size])
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = Ingester(store, extractor).ingest(articles)
        repeat = time.perf_counter() - started
        stored = {r["id"]: sorted(s["report"] for s in r["sources"]) for r in records_from_frame(store.read_events())}
        megabytes = store.path.stat().st_size / 1e6
    batch = {e.id: sorted(r.id for r in e.reports) for e in extractor.extract(articles)}
    print(f"ingest: {len(articles)} articles in {args.batches} runs, {extractor.jobs} processes: {seconds:.1f} s "
          f"({len(articles) / seconds:.0f} articles/s); store {megabytes:.1f} MB, {len(stored)} events")
    print(f"again: {again.added} added, {again.unchanged} unchanged in {repeat:.2f} s")
    same = sum(1 for k, v in batch.items() if stored.get(k) == v)
    print(f"same events as the batch pipeline: {same} of {len(batch)} (store has {len(stored)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
