"""Wire copy: which agency a byline names, and which articles are the same agency text republished.

Outlets republish agency copy with small edits: another headline, the first paragraphs dropped, a few words
changed, the end cut, their own boilerplate around it. :func:`wire_groups` groups such near-duplicates so a
report carried by ten outlets counts as one source (:func:`independent_count`), and :func:`agency_from_byline`
reads the agency from a byline such as ``BEIRUT, Feb 28 (Reuters) -``.

Similarity is the containment of word 5-gram shingles (casefolded, punctuation dropped),
``|A ∩ B| / min(|A|, |B|)``, so a truncated copy is contained in its source, and two texts must share at least
``min_shared`` shingles. Groups are transitive (A like B, B like C: one group).

Candidate pairs come from an inverted index of about one shingle in four, chosen by the shingle's own words (so
the same shingles in every text, in every run); only candidate pairs are compared, on all their shingles. The
index is a sample: two texts sharing ``n`` shingles have none of the sampled ones in common, and go unnoticed,
with a probability of about ``0.75 ** n`` (1% at 16 shared shingles, 0.01% at 32). Real copies share hundreds.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import string
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.articles import Article

__all__ = ["AGENCIES", "Byline", "agency_from_byline", "byline_span", "find_byline", "independent_count", "shingles",
           "wire_groups"]

#: Agency names as bylines write them (casefolded) -> the name we record.
AGENCIES: Mapping[str, str] = {
    "reuters": "Reuters", "thomson reuters foundation": "Reuters",
    "ap": "Associated Press", "associated press": "Associated Press",
    "afp": "Agence France-Presse", "agence france-presse": "Agence France-Presse",
    "aa": "Anadolu Agency", "anadolu": "Anadolu Agency", "anadolu agency": "Anadolu Agency",
    "dpa": "Deutsche Presse-Agentur", "xinhua": "Xinhua", "ansa": "ANSA", "efe": "EFE",
    "upi": "United Press International", "pa": "PA Media", "pa media": "PA Media",
    "ians": "Indo-Asian News Service", "pti": "Press Trust of India", "ani": "Asian News International",
    "tass": "TASS", "ria novosti": "RIA Novosti", "interfax": "Interfax", "kyodo": "Kyodo News",
    "yonhap": "Yonhap", "bernama": "Bernama", "sana": "Syrian Arab News Agency", "irna": "IRNA",
    "kuna": "Kuwait News Agency", "wam": "Emirates News Agency", "spa": "Saudi Press Agency",
    "bloomberg": "Bloomberg", "cnn": "CNN", "europa press": "Europa Press",
}
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_MONTH = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
#: A dateline place: capitalised words ("BEIRUT", "DAMASCUS, Syria", "Ras al-Ain", "Deir ez-Zor"), with the small
#: words of place names between them; "Clashes in Idlib (Reuters) -" is no dateline.
_PLACE_WORD = r"[^\W\d_a-z][\w.'’/-]*"
_PLACE = (_PLACE_WORD + r"(?:,?[ \t]+(?:(?:al|el|ad|as|ash|ez|es|de|del|di|da|du|la|le|los|of|upon|am|der|sur)"
          r"(?:[ \t]+|-))?" + _PLACE_WORD + r"){0,4}")
#: ``PLACE[, DATE] (AGENCY) -`` at the start of a line: the date "Feb 28[, 2020]" or "28 February[ 2020]", then the
#: agency in brackets and a dash or colon ("(EFE).-" too).
_BYLINE = re.compile(
    r"^[ \t]*(?:(?P<place>" + _PLACE + r")[ \t]*)?"
    r"(?:,[ \t]*(?:(?P<m1>" + _MONTH + r")[ \t]+(?P<d1>\d{1,2})|(?P<d2>\d{1,2})[ \t]+(?P<m2>" + _MONTH + r"))"
    r"(?:,?[ \t]+(?P<year>\d{4}))?[ \t]*)?"
    r"\([ \t]*(?P<agency>(?i:" + "|".join(sorted((re.escape(k) for k in AGENCIES), key=len, reverse=True)) +
    r"))[ \t]*\)\.?[ \t]*[-–—:]", re.MULTILINE)
_BYLINE_REACH = 1500
_PUNCTUATION = str.maketrans(dict.fromkeys(string.punctuation + "‘’‚‛“”„‟«»‹›–—―…·•′″", " "))
_K = 5
#: One shingle in about this many (a power of two) goes into the index that finds candidate pairs.
_SAMPLE = 4
#: A text of at most this many shingles is compared with every article it shares a sampled shingle with.
_SHORT = 64
#: A shingle held by more articles than this indexes only the first of them: it is boilerplate, or a story so
#: widely republished that its first copies are enough to find the group.
_POSTING_CAP = 8


@dataclass(frozen=True, slots=True)
class Byline:
    """A wire byline: the agency (normalised), the dateline place, and the date when the byline states a year."""

    agency: str
    place: str | None = None
    date: dt.date | None = None


def find_byline(text: str) -> Byline | None:
    """The wire byline near the start of ``text`` ("BEIRUT, Feb 28 (Reuters) -", "(AP) —"), or ``None``.

    A byline giving a month and day but no year has ``date`` ``None``: the year is never guessed.

    Examples
    --------
    >>> find_byline("Title line\\n\\nBEIRUT, Feb 28 (Reuters) - Syrian forces shelled Saraqeb.")
    Byline(agency='Reuters', place='BEIRUT', date=None)
    >>> find_byline("ISTANBUL, 28 February 2020 (AA) - Turkey's defence ministry said")
    Byline(agency='Anadolu Agency', place='ISTANBUL', date=datetime.date(2020, 2, 28))
    >>> find_byline("The minister told (AP) reporters on Friday that talks would go on.") is None
    True
    """
    found = _BYLINE.search(text[:_BYLINE_REACH])
    if not found:
        return None
    place, year = found.group("place"), found.group("year")
    date = None
    if year:
        month = _MONTHS.index((found.group("m1") or found.group("m2"))[:3].casefold()) + 1
        try:
            date = dt.date(int(year), month, int(found.group("d1") or found.group("d2")))
        except ValueError:
            date = None
    return Byline(AGENCIES[found.group("agency").casefold()], place.strip() if place else None, date)


def byline_span(text: str) -> tuple[int, int] | None:
    """Where the wire byline near the start of ``text`` lies (offsets), or ``None``: its date says when the story
    was filed, not when what it tells happened.

    >>> byline_span("SOLINGEN, Germany, Aug 24 (Reuters) - A man stabbed three people on Friday night.")
    (0, 37)
    """
    found = _BYLINE.search(text[:_BYLINE_REACH])
    return found.span() if found else None


def agency_from_byline(text: str) -> str | None:
    """The wire agency a byline near the start of ``text`` names, normalised, or ``None``.

    >>> agency_from_byline("ANKARA (AA) - Turkey's defence ministry said on Friday")
    'Anadolu Agency'
    """
    found = find_byline(text)
    return found.agency if found else None


def _words(text: str) -> list[str]:
    return text.casefold().translate(_PUNCTUATION).split()


def _grams(words: list[str]) -> Iterator[tuple[str, ...]]:
    return zip(*(words[i:] for i in range(_K)), strict=False)


def shingles(text: str) -> frozenset[int]:
    """The word 5-gram shingles of ``text`` (casefolded, punctuation dropped), as hashes.

    Hashes of strings change between Python processes (``PYTHONHASHSEED``): compare shingles made in one process
    only. A text shorter than five words has none.

    >>> len(shingles("Shelling hit Saraqeb, and the M5 highway!")), shingles("Shelling hit SARAQEB") == frozenset()
    (3, True)
    """
    return frozenset(map(hash, _grams(_words(text))))


def _sample(words: list[str]) -> frozenset[int]:
    """About one shingle in :data:`_SAMPLE`: those whose first and last words' lengths add up to a multiple of it,
    so the same shingles in every text that holds them, in every run."""
    lengths = list(map(len, words))
    skip = map((_SAMPLE - 1).__and__, map(operator.add, lengths, lengths[_K - 1:]))
    return frozenset(map(hash, compress(_grams(words), map(operator.not_, skip))))


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: list[int], a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)  # the root is the group's first article


def wire_groups(articles: Sequence[Article], *, threshold: float = 0.5, min_shared: int = 8) -> dict[str, str]:
    """Group near-duplicate articles (wire copy republished) and name each group by its first article.

    Parameters
    ----------
    articles : sequence of Article
        In input order; the first article of a group names it.
    threshold : float
        The shingle containment ``|A ∩ B| / min(|A|, |B|)`` at or above which two articles are copies.
    min_shared : int
        Shingles two articles must also share, so a common sentence of boilerplate ("Follow us on Facebook,
        Twitter and Instagram") does not link two short articles.

    Returns
    -------
    dict of str to str
        Each article id -> the id of its group's first article (its own id when it has no copy). Articles with
        the same content hash, or the same id, are one group.

    Examples
    --------
    >>> from geo.articles import article_from_text
    >>> story = "Turkish troops shelled Syrian government positions near Saraqeb on Friday after an air raid " \\
    ...         "killed 33 soldiers in Idlib province, the defence ministry in Ankara said in a statement."
    >>> a = article_from_text("Turkey strikes back\\n\\n" + story, article_id="a")
    >>> b = article_from_text("Ankara retaliates\\n\\n" + story.replace("Friday", "Saturday"), article_id="b")
    >>> c = article_from_text("Floods in Bangladesh displaced thousands of families, officials said.", article_id="c")
    >>> wire_groups([a, b, c])
    {'a': 'a', 'b': 'a', 'c': 'c'}
    """
    sizes: list[int] = []  # shingles in each text (at most): words - 4
    samples: list[frozenset[int]] = []  # the sampled shingles of each text
    sets: dict[int, frozenset[int]] = {}  # all shingles, made only for the articles compared

    def shingles_of(i: int) -> frozenset[int]:
        if i not in sets:
            sets[i] = shingles(articles[i].text)
        return sets[i]

    parent = list(range(len(articles)))
    first: dict[tuple[str, str], int] = {}
    # sampled shingle -> the first articles holding it: an int for one article (most), an array for more
    index: dict[int, int | array[int]] = {}
    for i, article in enumerate(articles):
        for key in (("id", article.id), ("hash", article.content_hash)):
            if key in first:
                _union(parent, first[key], i)
            first.setdefault(key, i)
        words = _words(article.text)  # not kept: long-lived lists of words slow the garbage collector down
        sample = _sample(words)
        sizes.append(len(words) - _K + 1)
        samples.append(sample)
        seen = index.keys() & sample
        index.update(dict.fromkeys(sample - seen, i))
        held: list[int] = []  # earlier articles holding a sampled shingle of this one
        for shingle in seen:
            posting = index[shingle]
            if isinstance(posting, int):
                index[shingle] = array("l", (posting, i))
                held.append(posting)
                continue
            held.extend(posting)
            if len(posting) < _POSTING_CAP:
                posting.append(i)
        for j in set(held):
            if _find(parent, j) == _find(parent, i):
                continue
            # the sample is consistent (the sample of the shared shingles is the shared part of the samples), so
            # the samples' containment estimates the texts': compare all shingles when it is at least half the
            # threshold, or when the shorter text is short (cheap to compare)
            if min(sizes[i], sizes[j]) > _SHORT and \
                    2 * len(sample & samples[j]) < threshold * min(len(sample), len(samples[j])):
                continue
            mine, other = shingles_of(i), shingles_of(j)
            if len(mine & other) >= max(min_shared, threshold * min(len(mine), len(other))):
                _union(parent, j, i)
    return {article.id: articles[_find(parent, first[("id", article.id)])].id for article in articles}


def independent_count(article_ids: Iterable[str], groups: Mapping[str, str]) -> int:
    """How many independent reports ``article_ids`` are: the number of wire groups among them.

    An id missing from ``groups`` counts as its own group.

    >>> independent_count(["a", "b", "c", "x"], {"a": "a", "b": "a", "c": "c"})
    3
    """
    return len({groups.get(i, i) for i in article_ids})
