"""Events: accuracy on the seeds against their hand annotation, and speed on ≥ 1,000 distinct articles.

Usage::

    python bench/bench_events.py [--eval FILE.jsonl] [--cache-dir DIR] [--articles N]

Reports:

- the seeds against ``tests/fixtures/seed_events.json``: precision, recall, duplicates (gold events found as more
  than one event), and the share of matched events with the right day range, place (within the annotated
  distance, 10 km for settlements), type, attribution and fatality figure;
- speed: ``geo events`` on N distinct articles (default 1,000): the GeoVirus texts, the seeds, and variants
  generated from both (a sentence dropped, sentences rotated, figures and weekdays changed, so every text has its
  own content hash and about the length of its source), each article geoparsed and its events extracted and
  merged across the whole batch, with as many worker processes as CPUs (``--jobs``); index load excluded but
  reported. The target is ≤ 20 s on this machine.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


def _variants(texts: list[str], count: int, rng: random.Random) -> list[str]:
    """``count`` distinct texts made from ``texts``, each about as long as its source: one sentence dropped,
    the sentences of a paragraph rotated, figures and weekdays changed (a republished, edited story)."""
    out: list[str] = []
    seen = set(texts)
    while len(out) < count:
        paragraphs = rng.choice(texts).split("\n")
        index = rng.randrange(len(paragraphs))
        sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", paragraphs[index])
        if len(sentences) > 3:
            sentences.pop(rng.randrange(len(sentences)))
            turn = rng.randrange(len(sentences))
            sentences = sentences[turn:] + sentences[:turn]
        paragraphs[index] = " ".join(sentences)
        text = "\n".join(paragraphs)
        text = re.sub(r"\b\d{1,3}\b", lambda m: str(int(m.group()) + rng.randint(1, 9)), text)
        text = re.sub("|".join(_WEEKDAYS), lambda m: rng.choice(_WEEKDAYS), text)
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval" / "geovirus.jsonl"))
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--cache-dir")
    parser.add_argument("--jobs", type=int, help="worker processes (default: CPUs)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from gazetteer import Gazetteer
    from geo.articles import article_from_text, read_articles
    from geo.eventeval import load_gold, score_events
    from geo.events import EventExtractor
    from geo.geoparse import Geoparser

    started = time.perf_counter()
    gaz = Gazetteer(cache_dir=args.cache_dir, packs=[])
    gaz.info()
    gaz.lookup("Idlib")
    load = time.perf_counter() - started
    print(f"index load: {load:.2f} s (excluded)")

    seeds = sorted(read_articles([ROOT / "seeds"]), key=lambda a: a.path)
    events = [e.to_dict() for e in EventExtractor(Geoparser(gaz)).extract(seeds)]
    scores = score_events(events, load_gold(ROOT / "tests" / "fixtures" / "seed_events.json"),
                          {a.id: a.text for a in seeds})
    print("seeds: " + json.dumps({k: v for k, v in scores.items() if k not in ("detail", "unmatched_predictions")}))
    for row in scores["detail"]:
        wrong = [k[:-3] for k, v in row.items() if k.endswith("_ok") and not v]
        print(f"  {row['key']:34} found {row['found']}{' (optional)' if row['optional'] else ''}"
              f"{'  wrong: ' + ', '.join(wrong) if wrong else ''}")
    for text in scores["unmatched_predictions"]:
        print(f"  not in the annotation: {text}")

    corpus = []
    eval_path = Path(args.eval)
    if eval_path.is_file():
        corpus = [json.loads(line)["text"] for line in eval_path.read_text(encoding="utf-8").splitlines()
                  if line.strip()]
    texts = list(dict.fromkeys(corpus + [a.text for a in seeds]))
    texts += _variants(texts, max(0, args.articles - len(texts)), random.Random(7))
    articles = [article_from_text(text, path=f"bench/{i:05d}.txt",
                                  metadata={"published": "2020-03-01"} if i % 3 == 0 else None)
                for i, text in enumerate(texts)]
    extractor = EventExtractor(Geoparser(gaz), jobs=args.jobs)
    started = time.perf_counter()
    found = extractor.extract(articles)
    seconds = time.perf_counter() - started
    reports = sum(len(e.reports) for e in found)
    chars = sum(len(t) for t in texts) / len(texts)
    print(f"speed: {len(articles)} distinct articles ({chars:.0f} characters on average, {extractor.jobs} "
          f"processes) -> {reports} reports, {len(found)} events in {seconds:.2f} s = "
          f"{len(articles) / seconds:.0f} articles/s (target: 1,000 in <= 20 s)")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: {rss_mb:.0f} MB (largest worker process: {workers_mb:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
