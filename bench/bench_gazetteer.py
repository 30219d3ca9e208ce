"""Benchmark the embedded gazetteer: index build, first lookup, lookups per second, peak memory.

Usage::

    python bench/bench_gazetteer.py [--cache-dir DIR] [--skip-build] [--names N] [--json]

Figures (issue "Foundation and the embedded gazetteer"):

- build: seconds to build the index from the registry packages into an empty cache dir;
- first lookup, warm cache: a new process opens the built index and answers one lookup;
- lookups/s over >= 10,000 distinct real names — the toponyms of ../shared/eval/geovirus.jsonl, capitalised
  phrases of the seed articles, names drawn from the index itself — plus generated misspellings (one letter
  dropped, doubled or swapped); no result cache (every lookup goes to the index); best of three passes;
- peak RSS of the build (a child process) and of the lookup process.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def real_names(gaz: object, want: int, rng: random.Random) -> list[str]:
    """Distinct names as news writes them: GeoVirus gold toponyms, seed phrases, then index names."""
    names: dict[str, None] = {}
    eval_file = SHARED / "eval" / "geovirus.jsonl"
    if eval_file.exists():
        for line in eval_file.read_text(encoding="utf-8").splitlines():
            for toponym in json.loads(line)["toponyms"]:
                names[toponym["name"]] = None
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        for phrase in re.findall(r"\b[A-Z][\w‘’'\-]+(?:\s+[A-Z][\w‘’'\-]+)*", seed.read_text(encoding="utf-8")):
            names[phrase] = None
    conn = sqlite3.connect(gaz.index_path)  # type: ignore[attr-defined]
    pool = [r[0] for r in conn.execute("SELECT name FROM places ORDER BY pid")]
    conn.close()
    rng.shuffle(pool)
    for name in pool:
        if len(names) >= want:
            break
        names[name] = None
    return list(names)


def misspell(name: str, rng: random.Random) -> str:
    """One edit: drop, double or swap a letter."""
    if len(name) < 4:
        return name + name[-1]
    i = rng.randrange(1, len(name) - 1)
    op = rng.choice(("drop", "double", "swap"))
    if op == "drop":
        return name[:i] + name[i + 1:]
    if op == "double":
        return name[:i] + name[i] + name[i:]
    return name[:i - 1] + name[i] + name[i - 1] + name[i + 1:]


def rate(gaz: object, names: list[str], repeats: int = 3) -> tuple[float, int]:
    """Lookups per second over ``names`` (best of ``repeats`` passes, as timeit does), and how many found any."""
    best = float("inf")
    found = 0
    for _ in range(repeats):
        started = time.perf_counter()
        found = 0
        for name in names:
            found += bool(gaz.lookup(name))  # type: ignore[attr-defined]
        best = min(best, time.perf_counter() - started)
    return len(names) / best, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache-dir", help="reuse this cache dir (default: a new temporary one)")
    parser.add_argument("--skip-build", action="store_true", help="do not time a fresh build; use --cache-dir")
    parser.add_argument("--names", type=int, default=12000, help="distinct real names (default 12000)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from gazetteer import Gazetteer

    cache = Path(args.cache_dir) if args.cache_dir else Path(tempfile.mkdtemp(prefix="geo-bench-"))
    figures: dict[str, object] = {"cache_dir": str(cache)}
    gaz = Gazetteer(cache_dir=cache, packs=[])
    if not args.skip_build:  # in a child process, so its peak memory is measured on its own
        started = time.perf_counter()
        build = f"from gazetteer import Gazetteer; Gazetteer(cache_dir={str(cache)!r}, packs=[]).rebuild()"
        subprocess.run([sys.executable, "-c", build], check=True, cwd=ROOT)
        figures["build_seconds"] = round(time.perf_counter() - started, 1)
        figures["build_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    figures["index_mb"] = round(sum(p.stat().st_size for p in cache.glob("gazetteer-*")) / 1e6, 1)
    probe = ("import time; t=time.perf_counter(); from gazetteer import Gazetteer; "
             f"g=Gazetteer(cache_dir={str(cache)!r}, packs=[]); r=g.lookup('Saraqeb'); "
             "print(time.perf_counter()-t, r[0].place.id)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    seconds, first_id = out.stdout.split()
    figures["first_lookup_warm_seconds"] = round(float(seconds), 3)
    figures["first_lookup_result"] = first_id
    rng = random.Random(20200227)
    names = real_names(gaz, args.names, rng)
    figures["distinct_names"] = len(names)
    gaz.lookup("warm-up")
    exact_rate, found = rate(gaz, names)
    figures["lookups_per_second_real_names"] = round(exact_rate)
    figures["real_names_found_share"] = round(found / len(names), 3)
    index_names = [n for n in names[-5000:]]
    exact_only, _ = rate(gaz, index_names)
    figures["lookups_per_second_exact_index_names"] = round(exact_only)
    misspelled = [misspell(n, rng) for n in rng.sample(names, min(3000, len(names)))]
    fuzzy_rate, fuzzy_found = rate(gaz, misspelled)
    figures["lookups_per_second_misspelled"] = round(fuzzy_rate)
    figures["misspelled_found_share"] = round(fuzzy_found / len(misspelled), 3)
    figures["lookup_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
