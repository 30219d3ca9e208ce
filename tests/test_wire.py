"""Wire copy: republished agency text is one group, different reports and shared boilerplate are not."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest

from geo.articles import Article, article_from_text, read_articles
from geo.wire import independent_count, shingles, wire_groups

ROOT = Path(__file__).resolve().parent.parent
BOILERPLATE = "Follow us on Facebook, Twitter and Instagram to stay connected"


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    return sorted(read_articles([str(ROOT / "seeds")]), key=lambda a: a.id)


def _republished(seed: Article) -> str:
    """Seed 001 as another outlet runs it: its own headline, the first two paragraphs gone, a few words changed,
    its own boilerplate at the end."""
    paragraphs = seed.text.split("\n\n")
    body = "\n\n".join(paragraphs[2:])
    for old, new in (("Friday", "Saturday"), ("vowed", "promised"), ("air strike", "airstrike"),
                     ("Defence Minister", "Defense Minister"), ("309", "over 300")):
        body = body.replace(old, new, 1)
    return f"Turkey vows to respond after deadly Idlib strike\n\n{body}\n\n{BOILERPLATE}.\n"


def test_republished_seed_is_one_group_with_it(seeds: list[Article]) -> None:
    copy = article_from_text(_republished(seeds[1]), path="copy.txt")
    groups = wire_groups([*seeds, copy])
    assert groups["copy"] == seeds[1].id
    assert len(set(groups.values())) == len(seeds)  # the five seeds are five independent reports


def test_truncated_copy_with_a_byline_is_one_group_and_names_the_first_article(seeds: list[Article]) -> None:
    paragraphs = seeds[3].text.split("\n\n")
    truncated = "ANKARA (AA) - " + "\n\n".join(paragraphs[1:3])[:900]
    copy = article_from_text(truncated, path="aa.txt")
    groups = wire_groups([copy, seeds[3], seeds[4]])
    assert groups == {"aa": "aa", seeds[3].id: "aa", seeds[4].id: seeds[4].id}  # the first in input order
    assert copy.agency == "Anadolu Agency"


def test_different_seeds_are_different_groups(seeds: list[Article]) -> None:
    groups = wire_groups(seeds[:3])
    assert groups == {a.id: a.id for a in seeds[:3]}


def test_shared_boilerplate_alone_does_not_link(seeds: list[Article]) -> None:
    a = article_from_text(f"Shelling hit Saraqeb. {BOILERPLATE}", path="a.txt")
    b = article_from_text(f"Markets fell sharply. {BOILERPLATE}", path="b.txt")
    shared = len(shingles(a.text) & shingles(b.text))
    assert shared / min(len(shingles(a.text)), len(shingles(b.text))) >= 0.5  # the ratio alone would link them
    assert wire_groups([a, b]) == {"a": "a", "b": "b"}
    assert wire_groups([a, b], min_shared=shared) == {"a": "a", "b": "a"}  # what keeps them apart
    long_boilerplate = (f"\n\n{BOILERPLATE}. Subscribe to our newsletter for the latest news from Syria, Turkey "
                        "and the wider Middle East, delivered to your inbox every morning.")
    tagged = [article_from_text(s.text + long_boilerplate, path=f"{s.id}.txt") for s in seeds]
    assert len(set(wire_groups(tagged).values())) == len(seeds)


def test_groups_are_transitive_and_exact_duplicates_join(seeds: list[Article]) -> None:
    paragraphs = [p for p in seeds[1].text.split("\n\n") if len(p) > 80]
    first = article_from_text("\n\n".join(paragraphs[0:4]), path="first.txt")
    middle = article_from_text("\n\n".join(paragraphs[1:7]), path="middle.txt")  # most of first, most of last
    last = article_from_text("\n\n".join(paragraphs[4:8]), path="last.txt")  # nothing in common with first
    assert not shingles(first.text) & shingles(last.text)
    same = article_from_text(first.text, path="same.txt")
    groups = wire_groups([first, middle, last, same])
    assert set(groups.values()) == {"first"}
    assert independent_count(["first", "middle", "last", "same"], groups) == 1
    assert independent_count(["first", "unknown"], groups) == 2
    assert independent_count([], groups) == 0


def test_short_and_empty_texts_stand_alone() -> None:
    articles = [article_from_text(t, path=f"{i}.txt") for i, t in enumerate(["", "Idlib.", "Idlib.", "Two words"])]
    assert wire_groups(articles) == {"0": "0", "1": "1", "2": "1", "3": "3"}  # 1 and 2: the same content
    assert wire_groups([]) == {}


def test_five_thousand_articles_are_grouped_fast(seeds: list[Article]) -> None:
    words = re.findall(r"\w+", " ".join(s.text for s in seeds))
    rng = random.Random(5)
    articles, truth, originals = [], [], 0
    for i in range(5000):
        if articles and rng.random() < 0.3:  # a copy: cut at both ends, a few words changed
            j = rng.randrange(len(articles))
            source = articles[j].text.split()
            part = source[len(source) // 5:]
            for _ in range(3):
                part[rng.randrange(len(part))] = rng.choice(words)
            text, group = " ".join(part), truth[j]
        else:
            text, group = " ".join(rng.choice(words) for _ in range(120)), originals
            originals += 1
        articles.append(article_from_text(f"{text}\n{BOILERPLATE}", path=f"a{i}.txt"))
        truth.append(group)
    start = time.perf_counter()
    groups = wire_groups(articles)
    seconds = time.perf_counter() - start
    keys = {}
    for article, group in zip(articles, truth, strict=True):
        assert keys.setdefault(group, groups[article.id]) == groups[article.id]
    assert len(set(groups.values())) == originals
    assert seconds < 10, f"{seconds:.1f} s"  # under a second on a quiet machine; generous for a busy CI one
