"""Benchmark `geo gazetteer import` on a large GeoNames-layout file generated from the shared SY/TR tables.

Usage::

    python bench/bench_import.py [--rows 1000000] [--workdir DIR]

The file repeats the real rows of ../shared/data/geonames/SY.wof.zip and TR.wof.zip with new ids, shifted
coordinates and a suffix that keeps names distinct (so the name keys spread as in a real dump). Reported:
import rows/s and wall time, peak RSS of the importing process, store size per million rows, and lookup latency
(mean over 2,000 names) before and after the import, with the embedded index already built.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "geonames"


def generate(path: Path, rows: int, rng: random.Random) -> list[str]:
    """Write ``rows`` dump rows; return a sample of the names written."""
    base: list[list[str]] = []
    for name in ("SY.wof.zip", "TR.wof.zip"):
        with zipfile.ZipFile(SHARED / name) as archive:
            member = name.replace(".zip", ".txt")
            base += [line.split("\t") for line in archive.read(member).decode("utf-8").splitlines() if line]
    sample: list[str] = []
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(rows):
            fields = list(base[i % len(base)])
            copy = i // len(base)
            if copy:
                suffix = f" {copy:x}"
                fields[0] = str(20_000_000 + i)
                fields[1] += suffix
                fields[2] += suffix
                fields[3] = ",".join(a + suffix for a in fields[3].split(",") if a)
                fields[4] = f"{max(-90.0, min(90.0, float(fields[4]) + rng.uniform(-2, 2))):.5f}"
                fields[5] = f"{float(fields[5]) + rng.uniform(-2, 2):.5f}"
            handle.write("\t".join(fields) + "\n")
            if rng.random() < 4000 / rows:
                sample.append(fields[2] or fields[1])
    return sample


def latency(cache: Path, names: list[str]) -> float:
    code = ("import sys, time; from gazetteer import Gazetteer; g = Gazetteer(cache_dir=sys.argv[1], packs=[]); "
            "g.lookup('warm'); names = sys.stdin.read().splitlines(); t = time.perf_counter(); "
            "[g.lookup(n) for n in names]; print((time.perf_counter() - t) / len(names) * 1e6)")
    out = subprocess.run([sys.executable, "-c", code, str(cache)], input="\n".join(names), capture_output=True,
                         text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", help="where to write the file and the cache (default: a temporary dir)")
    parser.add_argument("--cache-dir", help="reuse a cache dir whose embedded index is built (copied, not changed)")
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="geo-import-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    cache = work / "cache"
    cache.mkdir(exist_ok=True)
    if args.cache_dir:
        for path in Path(args.cache_dir).glob("gazetteer-*"):
            if not path.name.endswith(".lock"):
                (cache / path.name).write_bytes(path.read_bytes())
    rng = random.Random(27)
    dump = work / "XX.txt"
    started = time.time()
    names = generate(dump, args.rows, rng)[:2000]
    print(f"generated {args.rows} rows ({dump.stat().st_size / 1e6:.0f} MB) in {time.time() - started:.1f} s")
    build = f"from gazetteer import Gazetteer; Gazetteer(cache_dir={str(cache)!r}, packs=[]).lookup('warm')"
    subprocess.run([sys.executable, "-c", build], check=True, cwd=ROOT)
    before = latency(cache, names)
    started = time.time()
    code = ("import resource, sys; from geo.cli import main; rc = main(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(rc)")
    run = subprocess.run([sys.executable, "-c", code, "--cache-dir", str(cache), "-q", "gazetteer", "import",
                          str(dump), "--admin1", str(SHARED / "admin1CodesASCII.txt")], check=True, cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.time() - started
    peak = int(run.stderr.strip().splitlines()[-1]) / 1024
    store = next(cache.glob("imported-*.sqlite"))
    size = sum(p.stat().st_size for p in cache.glob("imported-*"))
    after = latency(cache, names)
    print(f"import: {seconds:.1f} s, {args.rows / seconds:,.0f} rows/s")
    print(f"peak RSS of the import process: {peak:.0f} MB")
    print(f"store: {size / 1e6:.0f} MB ({size / 1e6 / (args.rows / 1e6):.0f} MB per million rows) at {store}")
    print(f"lookup latency, mean over {len(names)} names: {before:.0f} µs before, {after:.0f} µs after the import")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
