"""How well the gazetteer alone places gold toponyms: no document context, the name only.

Usage::

    python bench/bench_lookup_accuracy.py [--eval FILE.jsonl] [--cache-dir DIR] [--failures N]

For each gold toponym of an evaluation corpus (default ../shared/eval/geovirus.jsonl; any file in that format),
look the name up and report:

- acc@161 of the top candidate (great-circle error under 161 km), mean and median error;
- recall@10: a candidate within 161 km among the first ten (what document context can still choose from);
- no-candidate share; and the most frequent failures, to guide curation (never copied into packs).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval" / "geovirus.jsonl"))
    parser.add_argument("--cache-dir")
    parser.add_argument("--failures", type=int, default=25, help="show the N most frequent failures")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from gazetteer import Gazetteer
    from gazetteer.rank import distance_km

    gaz = Gazetteer(cache_dir=args.cache_dir, packs=[])
    errors: list[float] = []
    recall = missing = 0
    failures: Counter[str] = Counter()
    for line in Path(args.eval).read_text(encoding="utf-8").splitlines():
        for toponym in json.loads(line)["toponyms"]:
            if toponym.get("lat") is None:
                continue
            found = gaz.lookup(toponym["name"], limit=10)
            if not found:
                missing += 1
                errors.append(20039.0)
                failures[f"{toponym['name']} (none)"] += 1
                continue
            km = [distance_km(toponym["lat"], toponym["lon"], c.place.lat, c.place.lon) for c in found]
            errors.append(km[0])
            recall += min(km) < 161
            if km[0] >= 161:
                failures[f"{toponym['name']} -> {found[0].place.name} ({found[0].place.country}, {km[0]:.0f} km)"] += 1
    n = len(errors)
    print(f"toponyms: {n}")
    print(f"acc@161 (top-1, name only): {sum(e < 161 for e in errors) / n:.3f}")
    print(f"recall@10 within 161 km: {recall / n:.3f}")
    print(f"no candidate: {missing / n:.3f}")
    print(f"median error km: {statistics.median(errors):.1f}; mean error km: {statistics.fmean(errors):.1f}")
    print("most frequent failures:")
    for text, count in failures.most_common(args.failures):
        print(f"  {count:3d}  {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
