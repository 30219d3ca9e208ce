"""Matching a query against name rows: the user-pack overlay, the per-lookup search state, exact and fuzzy
matching. The match functions read rows only through callables the :class:`~gazetteer.lookup.Gazetteer` passes
in (index first, then user packs)."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from gazetteer.model import Candidate, Match, Place
from gazetteer.normalize import ARTICLES, fold, loose, loose_from_fold, skeleton
from gazetteer.rank import MATCH_SCORES, distance_km, prominence, score, upper_bound
from gazetteer.sources.packs import PackSource

__all__ = ["KeysOf", "Overlay", "Rows", "RowsOf", "Search", "exact_matches", "fuzzy_matches"]

_FUZZY_MIN_RATIO = 0.8
_FUZZY_MIN_SPELLING = 0.75

#: The places with a name of one loose key: (names as (name, folded, is preferred), place), most prominent first.
Rows = list[tuple[tuple[tuple[str, str, bool], ...], Place]]
#: loose key → row lists, each with its "from a user pack" flag.
RowsOf = Callable[[str], list[tuple[Rows, bool]]]
#: consonant skeleton → loose keys.
KeysOf = Callable[[str], list[str]]


def _without_articles(folded: str) -> str:
    words = folded.split()
    return " ".join(w for w in words if w not in ARTICLES) if len(words) > 1 else folded


def _has_article(folded: str) -> bool:
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
        #: loose key → (names, place), most prominent place first, as in the index
        self.by_loose: dict[str, Rows] = {
            key: sorted(((tuple(names), place) for names, place in by_place.values()),
                        key=lambda row: -row[1].prominence)
            for key, by_place in grouped.items()
        }


class Search:
    """One lookup's state: its filters, the best match per place, and the running k-th best score."""

    __slots__ = ("best", "code", "heap", "kinds", "limit", "overridden", "point")

    def __init__(self, limit: int, code: str | None, point: tuple[float, float] | None,
                 kinds: frozenset[str] | None, overridden: set[str] | frozenset[str]) -> None:
        #: place id → (-score, -prominence, place id, place, match type, matched name, match score): sorting these
        #: tuples ranks best first, ties to the more prominent place, then by id
        self.best: dict[str, tuple[float, float, str, Place, str, str, float]] = {}
        self.heap: list[float] = []  # the `limit` best first-seen scores (a lower bound of the k-th best)
        self.limit, self.code, self.point, self.kinds, self.overridden = limit, code, point, kinds, overridden

    def hopeless(self, place_prominence: float, cue: tuple[str, ...]) -> bool:
        """True when no row of this prominence or less can enter the top ``limit`` any more."""
        return len(self.heap) >= self.limit and upper_bound(place_prominence, bool(cue)) < self.heap[0]

    def offer(self, place: Place, match_type: str, name: str, match_score: float, user: bool,
              cue: tuple[str, ...]) -> None:
        """Score a matched place and keep it if it passes the filters and beats its earlier match."""
        if (self.code and place.country != self.code) or (self.kinds and place.kind not in self.kinds):
            return
        if user is False and place.id in self.overridden:
            return  # a user pack row replaces the embedded record with the same id
        point = self.point
        km = distance_km(point[0], point[1], place.lat, place.lon) if point else None
        if cue:
            value = score(match_score, place.prominence, place.kind in cue, place.kind not in cue, km, user)
        else:
            value = score(match_score, place.prominence, False, False, km, user)
        old = self.best.get(place.id)
        if old is None:
            heap = self.heap
            heapq.heappush(heap, value)
            if len(heap) > self.limit:
                heapq.heappop(heap)
        elif -value >= old[0]:
            return
        self.best[place.id] = (-value, -place.prominence, place.id, place, match_type, name, match_score)

    def ranked(self) -> list[Candidate]:
        """The best ``limit`` candidates, best first (ties: more prominent, then by id)."""
        top = sorted(self.best.values())[:self.limit] if len(self.best) > 1 else list(self.best.values())
        return [Candidate(place, Match(kind, name, match), -neg_value)
                for neg_value, _, _, place, kind, name, match in top]


def exact_matches(search: Search, rows_of: RowsOf, text: str, cue: tuple[str, ...], scale: float = 1.0) -> None:
    """Offer every place with a name sharing the loose key of ``text`` (exact, alternate or normalized); match
    scores are multiplied by ``scale`` (below 1 for a shortened form of the query)."""
    q_fold = fold(text)
    q_loose = loose_from_fold(q_fold)
    if not q_loose:
        return
    q_casefold = text.casefold()
    q_code = text.isupper()
    short = len(q_loose) <= 3  # "US", "UK", "Osh": loose folds would merge unrelated short names
    q_bare = _without_articles(q_fold) if short else q_fold
    q_article: bool | None = None
    for rows, user in rows_of(q_loose):
        for names, place in rows:  # most prominent place first
            if len(search.heap) >= search.limit and search.hopeless(place.prominence, cue):
                break
            best: tuple[str, str, float] | None = None
            for name, name_fold, primary in names:
                if len(name) <= 4 and name.isupper() and not q_code:
                    continue  # codes ("HAJ", an airport) match only when written as codes
                if name_fold == q_fold:
                    if name.casefold() == q_casefold:
                        kind = "exact" if primary else "alternate"
                        best = (kind, name, MATCH_SCORES[kind])
                        if primary:
                            break
                    elif best is None or best[2] < MATCH_SCORES["normalized"]:
                        best = ("normalized", name, MATCH_SCORES["normalized"])
                elif best is None and (not short or _without_articles(name_fold) == q_bare):  # "Faw", "Al Faw"
                    if q_article is None:
                        q_article = _has_article(q_fold)
                    # "Al-Bara" is weaker evidence for a "Bara" with no article than for "Al Bara"
                    weaker = _has_article(name_fold) != q_article
                    best = ("normalized", name, MATCH_SCORES["loose_article" if weaker else "loose"])
            if best is not None:
                search.offer(place, best[0], best[1], best[2] * scale, user, cue)


def fuzzy_matches(search: Search, rows_of: RowsOf, keys_of: KeysOf, text: str, cue: tuple[str, ...]) -> None:
    """Bounded fallback: names sharing the consonant skeleton (or missing one consonant) and ≥ 0.8 similar."""
    q_loose, q_skel = loose(text), skeleton(text)
    q_letters = fold(text).replace(" ", "")
    if len(q_skel) < 3:
        return
    skeletons = [q_skel]
    if len(q_skel) >= 4:
        skeletons += [q_skel[:i] + q_skel[i + 1:] for i in range(len(q_skel))]
    keys: dict[str, float] = {}
    for skel in dict.fromkeys(skeletons):
        for key in keys_of(skel):
            if key not in keys:
                keys[key] = SequenceMatcher(None, q_loose, key).ratio()
    for key, ratio in keys.items():
        if ratio < _FUZZY_MIN_RATIO:
            continue
        for rows, user in rows_of(key):
            for names, place in rows:
                # the spelling itself must be close too, not only its transliteration key
                spelling, name = max((SequenceMatcher(None, q_letters, f.replace(" ", "")).ratio(), n)
                                     for n, f, _ in names)
                if spelling >= _FUZZY_MIN_SPELLING:
                    search.offer(place, "fuzzy", name, MATCH_SCORES["fuzzy"] * ratio, user, cue)
