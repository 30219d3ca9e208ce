"""Matching a query against name rows: the user-pack overlay, the per-lookup search state, exact and fuzzy
matching. The match functions read rows only through callables the :class:`~gazetteer.lookup.Gazetteer` passes
in (index first, then user packs)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from difflib import SequenceMatcher
from heapq import heappop, heappush, heappushpop
from typing import Any

from gazetteer.model import Candidate, Place, candidate_of, place_of
from gazetteer.normalize import ARTICLES, fold, loose, loose_from_fold, skeleton, skeleton_neighbours
from gazetteer.rank import (
    MATCH_SCORES, MATCH_WEIGHT, PROMINENCE_WEIGHT, USER_BONUS, distance_km, prominence, score, upper_bound,
)
from gazetteer.sources.packs import PackSource

__all__ = ["KeysOf", "Overlay", "Rows", "RowsOf", "Search", "StoredPlace", "exact_matches", "fuzzy_matches",
           "StoredRows", "is_other_name", "plain_matches"]

_FUZZY_MIN_RATIO = 0.8
_FUZZY_MIN_SPELLING = 0.75
#: How many letters a fuzzy match may add or drop (or a sixth of the query's letters, when more).
_FUZZY_MAX_LENGTH_GAP = 2
_EXACT, _ALTERNATE, _NORMALIZED = MATCH_SCORES["exact"], MATCH_SCORES["alternate"], MATCH_SCORES["normalized"]
_LOOSE, _LOOSE_ARTICLE = MATCH_SCORES["loose"], MATCH_SCORES["loose_article"]
_SHADOWED = MATCH_SCORES["shadowed"]

#: A place as the index's key table stores it: the positional fields of :class:`Place` from ``id`` to
#: ``prominence``; made into a :class:`Place` only when it is among the candidates returned.
StoredPlace = tuple[Any, ...]
#: The places with a name of one loose key, most prominent first: (names as (name, folded, is preferred: True,
#: False, or None for an alternate name another place bears, see :func:`gazetteer.index._shadow`), the place's row
#: number in the index or ``None``, place) — the index's own row layout, so its rows need no copy.
Rows = Sequence[tuple[tuple[tuple[str, str, bool | None], ...], int | None, Place | StoredPlace]]
#: The index's rows of one loose key: places as stored (see :data:`Rows`).
StoredRows = Sequence[tuple[tuple[tuple[str, str, bool | None], ...], int | None, StoredPlace]]
#: loose key → row lists, each with its "from a user pack" flag.
RowsOf = Callable[[str], list[tuple[Rows, bool]]]
#: (consonant skeletons, shortest, longest) → the loose keys of that many letters with one of these skeletons.
KeysOf = Callable[[Sequence[str], int, int], list[str]]


#: An alternate name whose loose key is less similar than this to that of the place's own name is another name,
#: not a spelling of it: a former or other-language name ("Derik" for Al-Malikiyah, "Artemivsk" for Bakhmut), or a
#: nickname, a neighbourhood or an error of the data ("Google" for Topeka, "Cobra" for San Vicente).
OTHER_NAME_BELOW = 0.5


def is_other_name(candidate: Candidate) -> bool:
    """Whether ``candidate`` was matched by an alternate name unlike its place's own name (see
    :data:`OTHER_NAME_BELOW`).

    Examples
    --------
    >>> from gazetteer.model import Match
    >>> topeka = Place("geonames:4280539", "Topeka", "populated_place", 39.04833, -95.67804, "geonames")
    >>> is_other_name(Candidate(topeka, Match("alternate", "Google", 0.96), 0.8))
    True
    >>> is_other_name(Candidate(topeka, Match("alternate", "Topika", 0.96), 0.8))
    False
    """
    if candidate.match.type != "alternate":
        return False
    return SequenceMatcher(None, loose(candidate.match.name), loose(candidate.place.name)).ratio() < OTHER_NAME_BELOW


def _without_articles(folded: str) -> str:
    words = folded.split()
    return " ".join(w for w in words if w not in ARTICLES) if len(words) > 1 else folded


_ARABIC_ARTICLES = ARTICLES - {"the"}


def _same_but_articles(name_fold: str, q_fold: str) -> bool:
    """Whether two folded names differ only in the forms of their Arabic articles, word for word ("jisr al
    shughur", "jisr ash shughur"); one article at least, and not in the last word.

    >>> _same_but_articles("jisr ash shughur", "jisr al shughur"), _same_but_articles("al bab", "al bab")
    (True, True)
    >>> _same_but_articles("tall abyad", "tall al abyad"), _same_but_articles("al quds", "as sudd")
    (False, False)
    """
    words, q_words = name_fold.split(), q_fold.split()
    if len(words) != len(q_words) or len(words) < 2:
        return False
    article = False
    for word, q_word in zip(words[:-1], q_words[:-1], strict=True):
        if word != q_word:
            if word not in _ARABIC_ARTICLES or q_word not in _ARABIC_ARTICLES:
                return False
            article = True
        elif word in _ARABIC_ARTICLES:
            article = True
    return article and words[-1] == q_words[-1]


def _without_the(folded: str) -> str:
    return " ".join(w for w in folded.split() if w != "the")


def _prominence_of(place: Place | StoredPlace) -> float:
    """The prominence of a place, stored or not."""
    return place[13] if isinstance(place, tuple) else place.prominence  # type: ignore[no-any-return]


def _has_article(folded: str) -> bool:
    if " " not in folded:  # one word (or none): no article before another word
        return False
    words = folded.split()
    return any(w in ARTICLES for w in words[:-1])


class Overlay:
    """User packs, held in memory and searched beside the index."""

    def __init__(self, packs: Sequence[PackSource]) -> None:
        grouped: dict[str, dict[str, tuple[list[tuple[str, str, bool]], Place]]] = defaultdict(dict)
        self.by_skeleton: dict[str, set[str]] = defaultdict(set)
        self.ids: set[str] = set()
        self.places: list[Place] = []
        for pack in packs:
            for record in pack.records():
                place = record.place
                value = prominence(place.kind, place.feature_code, place.population, len(record.names))
                place = replace(place, prominence=value)
                self.ids.add(place.id)
                self.places.append(place)
                for position, name in enumerate(record.names):
                    folded, key = fold(name), loose(name)
                    if not folded or not key:
                        continue
                    grouped[key].setdefault(place.id, ([], place))[0].append((name, folded, position == 0))
                    self.by_skeleton[skeleton(name)].add(key)
        #: loose key → (names, None, place), most prominent place first, as in the index
        self.by_loose: dict[str, Rows] = {
            key: sorted(((tuple(names), None, place) for names, place in by_place.values()),
                        key=lambda row: -_prominence_of(row[2]))
            for key, by_place in grouped.items()
        }


class Search:
    """One lookup's state: its filters, the best match per place, and the running k-th best score."""

    __slots__ = ("best", "code", "heap", "kinds", "limit", "overridden", "plain", "point")

    def __init__(self, limit: int, code: str | None, point: tuple[float, float] | None,
                 kinds: frozenset[str] | None, overridden: set[str] | frozenset[str]) -> None:
        #: place id → (-score, -prominence, place id, place, match type, matched name, match score): sorting these
        #: tuples ranks best first, ties to the more prominent place, then by id
        self.best: dict[str, tuple[float, float, str, Place | StoredPlace, str, str, float]] = {}
        self.heap: list[float] = []  # the `limit` best first-seen scores (a lower bound of the k-th best)
        self.limit, self.code, self.point, self.kinds, self.overridden = limit, code, point, kinds, overridden
        #: no filter, no distance and no user pack: :meth:`offer` keeps every place on its score alone
        self.plain = not (code or kinds or point or overridden)

    def hopeless(self, place_prominence: float, cue: tuple[str, ...], user: bool = True) -> bool:
        """True when no row of this prominence or less (from a user pack or not, as ``user`` says) can enter the
        top ``limit`` any more."""
        return len(self.heap) >= self.limit and upper_bound(place_prominence, bool(cue), user) < self.heap[0]

    def offer(self, place: Place | StoredPlace, match_type: str, name: str, match_score: float, user: bool,
              cue: tuple[str, ...]) -> None:
        """Score a matched place (a :class:`Place` or a :data:`StoredPlace`) and keep it if it passes the filters
        and beats its earlier match."""
        if isinstance(place, tuple):
            place_id, kind, country, place_prominence = place[0], place[2], place[8], place[13]
        else:
            place_id, kind, country, place_prominence = place.id, place.kind, place.country, place.prominence
        if (self.code and country != self.code) or (self.kinds and kind not in self.kinds):
            return
        if user is False and self.overridden and place_id in self.overridden:
            return  # a user pack row replaces the embedded record with the same id
        point = self.point
        if point:
            lat, lon = (place[3], place[4]) if isinstance(place, tuple) else (place.lat, place.lon)
            km: float | None = distance_km(point[0], point[1], lat, lon)
        else:
            km = None
        if cue:
            value = score(match_score, place_prominence, kind in cue, kind not in cue, km, user)
        else:
            value = score(match_score, place_prominence, False, False, km, user)
        best = self.best
        old = best.get(place_id)
        if old is None:
            heap = self.heap
            heappush(heap, value)
            if len(heap) > self.limit:
                heappop(heap)
        elif -value >= old[0]:
            return
        best[place_id] = (-value, -place_prominence, place_id, place, match_type, name, match_score)

    def ranked(self) -> list[Candidate]:
        """The best ``limit`` candidates, best first (ties: more prominent, then by id); stored places are made
        into :class:`Place` records here, for these candidates only."""
        best = self.best
        top = sorted(best.values())[:self.limit] if len(best) > 1 else list(best.values())
        return [candidate_of(place_of(place) if isinstance(place, tuple) else place, kind, name, match, -neg_value)
                for neg_value, _, _, place, kind, name, match in top]


def _best_name(names: Sequence[tuple[str, str, bool | None]], text: str, q_fold: str, q_casefold: str, short: bool,
               q_bare: str, q_article: bool) -> tuple[str, str, float] | None:
    """The best match of one place's names (of the query's loose key) against the query ``text``: (match type,
    matched name, match score), or ``None``. ``q_fold``, ``q_casefold``: the query folded and case-folded;
    ``short``: its loose key has three letters or fewer, when ``q_bare`` (the fold without articles) must match;
    ``q_article``: the query has an article before its last word."""
    kind: str | None = None
    matched, value = "", 0.0
    for name, name_fold, primary in names:
        if name == text:  # spelt as the query: same fold and case fold, and a code only if the query is one
            if primary:
                return "exact", name, _EXACT
            if primary is False or kind is None:  # a shadowed one (None) does not beat a normalized one
                kind, matched, value = "alternate", name, _SHADOWED if primary is None else _ALTERNATE
            continue
        if len(name) <= 4 and name.isupper() and not text.isupper():
            continue  # codes ("HAJ", an airport) match only when written as codes
        if name_fold == q_fold:
            if name.casefold() == q_casefold:
                if primary:
                    return "exact", name, _EXACT
                if primary is False or kind is None:
                    kind, matched, value = "alternate", name, _SHADOWED if primary is None else _ALTERNATE
            elif kind is None or value < _NORMALIZED:
                kind, matched, value = "normalized", name, _SHADOWED if primary is None else _NORMALIZED
        elif kind is None and " the " in f" {name_fold} {q_fold} " and _without_the(name_fold) == \
                _without_the(q_fold):  # "Democratic Republic of Congo": English drops "the" at will
            kind, matched, value = "normalized", name, _NORMALIZED
        elif kind is None and " " in q_fold and _same_but_articles(name_fold, q_fold):
            # "al-Shughur" for "ash Shughūr": an Arabic article assimilated or not is one spelling
            kind, matched, value = "normalized", name, _SHADOWED if primary is None else _NORMALIZED
        elif kind is None and (not short or _without_articles(name_fold) == q_bare):  # "Faw", "Al Faw"
            # "Al-Bara" is weaker evidence for a "Bara" with no article than for "Al Bara"; news drops the
            # article at will, so "Qamishli" is as good for "Al Qāmishlī" as for "Kamyshly"
            weaker = q_article and not _has_article(name_fold)
            kind, matched, value = "normalized", name, _LOOSE_ARTICLE if weaker else _LOOSE
    return None if kind is None else (kind, matched, value)


def _query_forms(text: str) -> tuple[str, str, str, bool, str, bool]:
    """(fold, loose key, case fold, short, fold without articles when short, has an article) of a query."""
    q_fold = fold(text)
    q_loose = loose_from_fold(q_fold)
    short = len(q_loose) <= 3  # "US", "UK", "Osh": loose folds would merge unrelated short names
    return (q_fold, q_loose, text.casefold(), short, _without_articles(q_fold) if short else q_fold,
            _has_article(q_fold))


def exact_matches(search: Search, rows_of: RowsOf, text: str, cue: tuple[str, ...], scale: float = 1.0) -> None:
    """Offer every place with a name sharing the loose key of ``text`` (exact, alternate or normalized); match
    scores are multiplied by ``scale`` (below 1 for a shortened form of the query)."""
    q_fold, q_loose, q_casefold, short, q_bare, q_article = _query_forms(text)
    if not q_loose:
        return
    heap, limit, offer, kept = search.heap, search.limit, search.offer, search.best
    plain = search.plain and not cue
    full = len(heap) >= limit  # the heap holds `limit` scores (it never shrinks)
    for rows, user in rows_of(q_loose):
        for names, _, place in rows:  # most prominent place first
            if full and search.hopeless(_prominence_of(place), cue, user):
                break
            found = _best_name(names, text, q_fold, q_casefold, short, q_bare, q_article)
            if found is None:
                continue
            kind, matched, value = found
            value *= scale
            if not plain:
                offer(place, kind, matched, value, user, cue)
                full = len(heap) >= limit
                continue
            # Search.offer without the filters, inlined: this loop is the hot path of every lookup
            place_id, place_prominence = (place[0], place[13]) if isinstance(place, tuple) else (place.id,
                                                                                                  place.prominence)
            total = MATCH_WEIGHT * value + PROMINENCE_WEIGHT * place_prominence  # score() without cue or distance
            if user:
                total += USER_BONUS
            old = kept.get(place_id)
            if old is None:
                if full:
                    heappushpop(heap, total)
                else:
                    heappush(heap, total)
                    full = len(heap) >= limit
            elif -total >= old[0]:
                continue
            kept[place_id] = (-total, -place_prominence, place_id, place, kind, matched, value)


def plain_matches(stored_rows: Callable[[str], StoredRows], text: str, limit: int) -> list[Candidate]:
    """:func:`exact_matches` and :meth:`Search.ranked` in one, for the commonest lookup: no generic term, no filter,
    rows from the index alone (each place once), read by ``stored_rows`` (loose key → rows).

    Examples
    --------
    >>> place = ("x:1", "Halab", "populated_place", 36.2, 37.16, "x", None, None, "SY", None, 0, None, False, 0.5)
    >>> rows = {loose("Halab"): [((("Halab", "halab", True),), 0, place)]}
    >>> [(c.place.name, c.match.type) for c in plain_matches(lambda key: rows.get(key, ()), "Ḩalab", 10)]
    [('Halab', 'normalized')]
    """
    q_fold, q_loose, q_casefold, short, q_bare, q_article = _query_forms(text)
    heap: list[float] = []
    kept: list[tuple[float, float, str, StoredPlace, str, str, float]] = []
    for names, _, place in stored_rows(q_loose):  # most prominent place first
        place_prominence = place[13]
        # upper_bound() without cue nor user pack: no row after this one can enter the top `limit` any more
        if len(heap) >= limit and MATCH_WEIGHT * _EXACT + PROMINENCE_WEIGHT * place_prominence < heap[0]:
            break
        found = _best_name(names, text, q_fold, q_casefold, short, q_bare, q_article)
        if found is None:
            continue
        kind, matched, value = found
        total = MATCH_WEIGHT * value + PROMINENCE_WEIGHT * place_prominence
        if len(heap) >= limit:
            heappushpop(heap, total)
        else:
            heappush(heap, total)
        kept.append((-total, -place_prominence, place[0], place, kind, matched, value))
    if len(kept) > 1:
        kept.sort()
    return [candidate_of(place_of(place), kind, matched, match, -neg_value)
            for neg_value, _, _, place, kind, matched, match in kept[:limit]]


def fuzzy_matches(search: Search, rows_of: RowsOf, keys_of: KeysOf, text: str, cue: tuple[str, ...]) -> None:
    """Bounded fallback: names whose consonant skeleton is that of ``text`` or one edit away (four consonants or
    more), whose loose key is at least 0.8 similar, and whose spelling is too (0.75, with about as many letters)."""
    q_loose, q_skel = loose(text), skeleton(text)
    q_letters = fold(text).replace(" ", "")
    if len(q_skel) < 3:
        return
    skeletons = skeleton_neighbours(q_skel) if len(q_skel) >= 4 else [q_skel]
    # a ratio 2M/(a+b) of at least 0.8 needs the shorter key to have two thirds of the longer one's letters
    size = len(q_loose)
    keys: dict[str, float] = {}
    matcher = SequenceMatcher(None, "", q_loose)  # the query's side is analysed once, for every key
    for key in keys_of(skeletons, -(-2 * size // 3), 3 * size // 2):
        if key not in keys:
            matcher.set_seq1(key)  # the quick ratio (letters in common) bounds the ratio from above
            keys[key] = matcher.ratio() if matcher.quick_ratio() >= _FUZZY_MIN_RATIO else 0.0
    slack = max(_FUZZY_MAX_LENGTH_GAP, len(q_letters) // 6)
    for key, ratio in keys.items():
        if ratio < _FUZZY_MIN_RATIO:
            continue
        for rows, user in rows_of(key):
            for names, _, place in rows:
                # the spelling itself must be close too, not only its transliteration key; and about as long: a
                # slip of the pen adds or drops a letter or two, not a word ("Fort Hood" is no "Forth")
                close = [(SequenceMatcher(None, q_letters, letters).ratio(), n) for n, f, _ in names
                         if abs(len(letters := f.replace(" ", "")) - len(q_letters)) <= slack]
                if close and (best := max(close))[0] >= _FUZZY_MIN_SPELLING:
                    # closeness counts for more than prominence among fuzzy matches: squared, both similarities
                    closeness = (ratio * best[0]) ** 2
                    search.offer(place, "fuzzy", best[1], MATCH_SCORES["fuzzy"] * closeness, user, cue)
