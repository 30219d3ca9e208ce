"""The :class:`Gazetteer`: look places up by name, best first.

>>> from gazetteer import Gazetteer
>>> gaz = Gazetteer()                                   # doctest: +SKIP
>>> [c.place.name for c in gaz.lookup("Khan Sheikhoun")][:1]    # doctest: +SKIP
['Khān Shaykhūn']
"""

from __future__ import annotations

import heapq
import json
import logging
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from gazetteer.config import default_cache_dir, packs_from_env
from gazetteer.errors import GazetteerError, IndexCorruptError
from gazetteer.index import SCHEMA_VERSION, NameIndex, ensure_index
from gazetteer.model import KINDS, Candidate, Match, Place
from gazetteer.normalize import ARTICLES, fold, loose, loose_from_fold, skeleton, split_generic
from gazetteer.rank import MATCH_SCORES, distance_km, prominence, score, upper_bound
from gazetteer.sources.base import Source
from gazetteer.sources.cities import CitiesSource
from gazetteer.sources.countries import CountriesSource
from gazetteer.sources.packs import PackSource, builtin_packs
from gazetteer.sources.regions import RegionsSource

__all__ = ["Gazetteer", "default_sources"]

log = logging.getLogger(__name__)

_LATLON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
_FUZZY_MIN_RATIO = 0.8
_FUZZY_MIN_SPELLING = 0.75

Near = tuple[float, float] | str | None


def _without_articles(folded: str) -> str:
    words = folded.split()
    return " ".join(w for w in words if w not in ARTICLES) if len(words) > 1 else folded


def _has_article(folded: str) -> bool:
    words = folded.split()
    return any(w in ARTICLES for w in words[:-1])


def default_sources() -> list[Source]:
    """The embedded sources, in priority order (later wins): cities, regions, countries, built-in packs."""
    return [CitiesSource(), RegionsSource(), CountriesSource(), *(PackSource(p) for p in builtin_packs())]


class _Overlay:
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
        self.by_loose: dict[str, list[tuple[tuple[tuple[str, str, bool], ...], Place]]] = {
            key: sorted(((tuple(names), place) for names, place in by_place.values()),
                        key=lambda row: -row[1].prominence)
            for key, by_place in grouped.items()
        }


class Gazetteer:
    """Places by name, from the embedded index plus curated and user packs.

    Nothing is read at construction; the index is opened (and built on first use) by the first lookup.

    Parameters
    ----------
    cache_dir
        Where the index lives; default ``$GEO_CACHE_DIR`` or the user cache dir.
    packs
        User packs (CSV or GeoJSON). Default: ``$GEO_PACKS``. Their places win ties against embedded data.
    sources
        The embedded sources (default :func:`default_sources`); tests pass smaller ones.
    index_path
        Use this index file instead of ``<cache_dir>/gazetteer-v<N>.sqlite``.
    """

    def __init__(
        self,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        packs: Iterable[str | os.PathLike[str]] | None = None,
        sources: Sequence[Source] | None = None,
        index_path: str | os.PathLike[str] | None = None,
    ) -> None:
        self.cache_dir = default_cache_dir(cache_dir)
        self.index_path = Path(index_path) if index_path else self.cache_dir / f"gazetteer-v{SCHEMA_VERSION}.sqlite"
        self.pack_paths = [Path(p) for p in (packs_from_env() if packs is None else packs)]
        self._sources = list(sources) if sources is not None else None
        self._index: NameIndex | None = None
        self._overlay: _Overlay | None = None

    # -- set-up -------------------------------------------------------------------------------------------
    @property
    def sources(self) -> list[Source]:
        """The embedded sources the index is built from."""
        if self._sources is None:
            self._sources = default_sources()
        return self._sources

    @property
    def index(self) -> NameIndex:
        """The open name index, built or rebuilt first when missing, stale or unreadable."""
        if self._index is None:
            for force in (False, False, True):  # a concurrent rebuild may swap the files between two opens
                ensure_index(self.index_path, self.sources, force=force)
                try:
                    self._index = NameIndex(self.index_path)
                    break
                except IndexCorruptError as exc:
                    log.warning("%s", exc)
            else:
                self._index = NameIndex(self.index_path)
        return self._index

    @property
    def overlay(self) -> _Overlay:
        """The user packs, parsed and validated (a bad row raises :class:`~gazetteer.errors.PackError`)."""
        if self._overlay is None:
            self._overlay = _Overlay([PackSource(p, user=True) for p in self.pack_paths])
        return self._overlay

    def rebuild(self) -> None:
        """Rebuild the index from the sources now."""
        if self._index is not None:
            self._index.close()
            self._index = None
        ensure_index(self.index_path, self.sources, force=True)

    def close(self) -> None:
        """Close the index file."""
        if self._index is not None:
            self._index.close()
            self._index = None

    # -- queries ------------------------------------------------------------------------------------------
    def lookup(
        self,
        name: str,
        *,
        country: str | None = None,
        near: Near = None,
        kinds: Iterable[str] | None = None,
        limit: int = 10,
    ) -> list[Candidate]:
        """Return the places a name may refer to, best first (``[]`` when none).

        Parameters
        ----------
        name
            As written; may carry a generic term ("Idlib province", "the M5 highway", "the town of Saraqeb").
        country
            ISO 3166-1 alpha-2 code or country name: keep only places in that country.
        near
            ``(lat, lon)``, ``"lat,lon"`` or a place name: rank closer places higher.
        kinds
            Keep only these kinds (CONTRACTS.md tokens).
        limit
            At most this many candidates.
        """
        text = " ".join((name or "").split())
        if not text or limit <= 0:
            return []
        wanted_kinds = self._kinds(kinds)
        code = self._country_code(country) if country else None
        point = self._near_point(near)
        variants: list[tuple[str, tuple[str, ...]]]
        if " " in text:  # generic terms need two words at least
            core, term, cue = split_generic(text)
            full = text[4:] if text[:4].lower() == "the " else text
            # The cue counts for the full name too: "Red Sea" is the sea before the province of that name.
            variants = [(full, cue), (core, cue)] if term else [(full, ())]
        else:
            variants = [(text, ())]
        search = _Search(limit, code, point, wanted_kinds, self.overlay.ids if self.pack_paths else frozenset())
        for variant, cue_kinds in variants:
            self._exact_matches(search, variant, cue_kinds)
        if not search.best:
            for variant, cue_kinds in variants:
                self._fuzzy_matches(search, variant, cue_kinds)
        return search.ranked()

    def demonym(self, word: str) -> list[Place]:
        """Return the countries whose people or adjective is ``word`` ("Turkish", "Syrians")."""
        return self.index.by_demonym(fold(word))

    def get(self, place_id: str) -> list[Place]:
        """Return the place with this id (a list of zero or one)."""
        found = [p for p in self.overlay.places if p.id == place_id]
        return found or self.index.by_id(place_id)

    def names(self, place_id: str) -> list[str]:
        """Return every indexed name of a place."""
        return self.index.names_of(place_id)

    def info(self) -> dict[str, Any]:
        """Sources, counts, index path and size, build time."""
        index = self.index
        meta = index.meta
        return {
            "index_path": str(self.index_path),
            "index_bytes": self.index_path.stat().st_size,
            "schema_version": int(meta.get("schema_version", 0)),
            "built_at": meta.get("built_at"),
            "build_seconds": float(meta.get("build_seconds", "nan")),
            "places": int(meta.get("places", 0)),
            "names": int(meta.get("names", 0)),
            "places_by_source": index.counts(),
            "sources": json.loads(meta.get("sources", "{}")),
            "user_packs": [str(p) for p in self.pack_paths],
            "user_pack_places": len(self.overlay.places),
        }

    # -- internals ----------------------------------------------------------------------------------------
    @staticmethod
    def _kinds(kinds: Iterable[str] | None) -> frozenset[str] | None:
        if kinds is None:
            return None
        wanted = frozenset(kinds)
        unknown = wanted - KINDS
        if unknown:
            raise GazetteerError(f"unknown kind(s) {', '.join(sorted(unknown))}; use one of {', '.join(sorted(KINDS))}")
        return wanted or None

    def _country_code(self, country: str) -> str:
        value = country.strip()
        if len(value) == 2 and value.isalpha():
            return value.upper()
        found = self.lookup(value, kinds=("country",), limit=1)
        if not found:
            raise GazetteerError(f"unknown country {country!r}; give an ISO 3166-1 alpha-2 code such as SY or TR")
        return found[0].place.country or ""

    def _near_point(self, near: Near) -> tuple[float, float] | None:
        if near is None:
            return None
        if isinstance(near, tuple):
            lat, lon = float(near[0]), float(near[1])
        else:
            parsed = _LATLON.match(near)
            if parsed:
                lat, lon = float(parsed.group(1)), float(parsed.group(2))
            else:
                found = self.lookup(near, limit=1)
                if not found:
                    raise GazetteerError(f"cannot place near={near!r}: no such place; give LAT,LON instead")
                return found[0].place.lat, found[0].place.lon
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise GazetteerError(f"near point {lat},{lon} is out of range (LAT,LON in degrees)")
        return lat, lon

    def _sources_of(self, key: str) -> list[tuple[list[tuple[tuple[tuple[str, str, bool], ...], Place]], bool]]:
        """The index rows, then the user-pack rows, of a loose key, each list with its "from a user pack" flag."""
        found = [(self.index.by_loose(key), False)]
        if self.pack_paths and key in self.overlay.by_loose:
            found.append((self.overlay.by_loose[key], True))
        return found

    def _exact_matches(self, search: _Search, text: str, cue: tuple[str, ...]) -> None:
        """Offer every place with a name sharing the loose key of ``text`` (exact, alternate or normalized)."""
        q_fold = fold(text)
        q_loose = loose_from_fold(q_fold)
        if not q_loose:
            return
        q_casefold = text.casefold()
        short = len(q_loose) <= 3  # "US", "UK", "Osh": loose folds would merge unrelated short names
        q_bare = _without_articles(q_fold) if short else q_fold
        q_article: bool | None = None
        for rows, user in self._sources_of(q_loose):
            for names, place in rows:  # most prominent place first
                if len(search.heap) >= search.limit and search.hopeless(place.prominence, cue):
                    break
                best: tuple[str, str, float] | None = None
                for name, name_fold, primary in names:
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
                    search.offer(place, best[0], best[1], best[2], user, cue)

    def _fuzzy_matches(self, search: _Search, text: str, cue: tuple[str, ...]) -> None:
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
            found = self.index.loose_keys_by_skeleton(skel)
            if self.pack_paths:
                found = [*found, *self.overlay.by_skeleton.get(skel, ())]
            for key in found:
                if key not in keys:
                    keys[key] = SequenceMatcher(None, q_loose, key).ratio()
        for key, ratio in keys.items():
            if ratio < _FUZZY_MIN_RATIO:
                continue
            for rows, user in self._sources_of(key):
                for names, place in rows:
                    # the spelling itself must be close too, not only its transliteration key
                    spelling, name = max((SequenceMatcher(None, q_letters, f.replace(" ", "")).ratio(), n)
                                         for n, f, _ in names)
                    if spelling >= _FUZZY_MIN_SPELLING:
                        search.offer(place, "fuzzy", name, MATCH_SCORES["fuzzy"] * ratio, user, cue)


class _Search:
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
