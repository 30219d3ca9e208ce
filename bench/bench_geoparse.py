"""Geoparsing: accuracy on a gold corpus (both modes), calibration, and speed on distinct texts.

Usage::

    python bench/bench_geoparse.py [--eval FILE.jsonl] [--cache-dir DIR] [--seeds DIR]

Reports, for the corpus (default ../shared/eval/geovirus.jsonl):

- gold-name mode: acc@161 plain and area-aware, AUC, mean/median km, coverage, and calibration (share of
  toponyms with confidence ≥ 0.8 and their acc@161; the target is ≥ 0.8);
- end-to-end mode: recognition precision/recall/F1 (demonyms not scored) and the same resolution metrics;
- speed: articles/s for the corpus texts plus the seeds, each text parsed once by a fresh geoparser (nothing
  cached from an earlier pass), index load excluded but reported; peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval" / "geovirus.jsonl"))
    parser.add_argument("--seeds", default=str(ROOT / "seeds"))
    parser.add_argument("--cache-dir")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from gazetteer import Gazetteer
    from geo.articles import read_articles
    from geo.evaluate import evaluate, read_corpus
    from geo.geoparse import Geoparser

    started = time.perf_counter()
    gaz = Gazetteer(cache_dir=args.cache_dir, packs=[])
    gaz.info()  # open (or build) the index
    gaz.lookup("Idlib")
    load = time.perf_counter() - started
    docs = list(read_corpus(args.eval))
    texts = [d["text"] for d in docs] + [a.text for a in read_articles([args.seeds])]

    fresh = Geoparser(gaz)
    started = time.perf_counter()
    mentions = sum(len(fresh.parse(text)) for text in texts)
    seconds = time.perf_counter() - started
    print(f"index load: {load:.2f} s (excluded)")
    print(f"speed: {len(texts)} distinct articles, {mentions} mentions in {seconds:.2f} s = "
          f"{len(texts) / seconds:.0f} articles/s (end to end, no spaCy, nothing cached before)")

    for mode in ("gold", "e2e"):
        summary = evaluate(docs, Geoparser(gaz), mode=mode).summary()
        print(f"{mode}: {json.dumps(summary)}")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
