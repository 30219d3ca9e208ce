"""Resolution: ``mentions + document -> list[Resolution]``.

Each distinct name of a document (one sense per discourse) is resolved by ranking the gazetteer's candidates with
what a careful analyst reads around it:

1. **containment and apposition** — "Ayvacik in Canakkale", "Qaminas, near Idlib city", "Atareb in Syria's Aleppo
   province": a candidate inside (or near) the container wins; decisive when present;
2. **the document's focus** — the countries of the other names (weighted by their confidence), distance to the
   other resolved places, a shared first-level division;
3. **the gazetteer's ranking** — match quality, prominence (kind, rank, population, number of names) and the kind
   asked for by the phrase ("province", "highway").

The three are re-weighed over a few rounds, since every resolution is context for the others. ``confidence`` is
a logistic function of the winner's margin, its support and its match; a name with no credible candidate is
abstained (``place=None``) — so is a small town of a country that no other name of a text about elsewhere is in,
when nothing in the text backs it — and a failure on one name never drops the rest of the document.
"""

from __future__ import annotations

import logging
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from gazetteer import Gazetteer
from gazetteer.matching import is_other_name
from gazetteer.model import Candidate, Place
from gazetteer.normalize import fold, loose, split_generic
from gazetteer.rank import distance_km
from geo.mentions import Mention, Resolution

__all__ = ["Resolver"]

log = logging.getLogger(__name__)

_ROUNDS = 3
#: Extra weight of the gazetteer's prominence against the document's context: a state or an ocean is the likelier
#: reading of its name than a small town of that name, unless the context says otherwise.
_PRIOR = 0.5
#: A country's capital named alone is that capital in news from anywhere, unless the text places a namesake.
_CAPITAL = 0.15
_DIRECTION = r"(?:(?:north|south|east|west|central|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+)"
_CONTAINER_GAP = re.compile(r"^\s*(?P<rel>,\s*near|,\s*in|,\s*outside(?:\s+of)?|,|\(|near|in|outside(?:\s+of)?)\s*"
                            r"(?:the\s+)?" + _DIRECTION + r"*$", re.IGNORECASE)
#: "the Mayo district of southern Khartoum": after a name with one of these generic words, "of" says "in"
_OF_GAP = re.compile(r"^\s*of\s+(?:the\s+)?" + _DIRECTION + r"*$", re.IGNORECASE)
_SUBAREA_CUES = frozenset("district neighbourhood neighborhood quarter suburb area camp village town".split())
#: Names that many cities give a part of themselves: "the Old City of Aleppo" is in Aleppo, whatever Old City the
#: gazetteer knows (Jerusalem's)
_CITY_PART_NAMES = frozenset({"old city", "old town", "old quarter", "city centre", "city center", "downtown"})
_LIST_GAP = re.compile(r"^\s*(?:,|,?\s+(?P<last>and|or))\s+$", re.IGNORECASE)
_POSSESSIVE_GAP = re.compile(r"^['’]s\s+" + _DIRECTION + r"*$", re.IGNORECASE)
#: Words stripped from a name the gazetteer lacks, to place it by its core ("Lake Erie", "Swat Valley").
_CORE_DROP_FIRST = frozenset("lake north south east west northern southern eastern western central upper lower "
                             "greater inner outer mount".split())
_CORE_DROP_LAST = frozenset("valley bay parish lake delta island islands peninsula plateau basin coast strait gulf "
                            "region province state district county governorate municipality area".split())
_AREA_KINDS = frozenset({"country", "admin1", "admin2", "region", "island", "continent"})
_COARSE_KINDS = frozenset({"country", "continent", "sea"})
#: Kinds too wide to lie in a named place or to stand in for one ("deter Russia in Idlib")
_WIDE_KINDS = frozenset({"country", "continent", "sea", "region", "river", "border"})
#: Kinds whose English names take "the" ("the Sahel", "the Caucasus", "the Nile"), and the bonus of a reading of
#: such a kind when the text writes the name so; a province or a town is rarely named with it.
_DEFINITE_KINDS = frozenset({"region", "sea", "river", "mountain"})
_DEFINITE = 0.2
#: How much a division named after a town inside it falls behind that town when the name is written bare, and how
#: close to the division's point the town must be when the gazetteer gives it no division.
_TOWN_FIRST, _SEAT_KM = 0.1, 50.0
#: The weight of the other names' countries (confidence × √mentions each) from which a text is about somewhere,
#: and the population below which a town of another country, with nothing in such a text for it, is abstained.
_FOCUS_WEIGHT, _SMALL_TOWN = 2.0, 100_000
#: "and" after a name: the name before the comma was one of a list.
_AND_AFTER = re.compile(r"\s+and\s")
#: The weight of a first-level division (named, or holding places the text puts there) that makes a text about it.
_STATE_WEIGHT = 1.5
#: A town this close to a place the text settles is no stray, whatever its division (a town across a state line).
_NEIGHBOUR_KM = 100.0
#: What a loose spelling of the kind a phrase's generic word asks for gains back of its penalty.
_CUE_FIT = 0.3
#: The lead a town's reading of a bare name gets over the division named after it when a cue reads the name as that
#: town elsewhere in the text.
_CUED_TOWN = 0.3
#: A country or territory of fewer people, whose divisions a focused text about another country does not name
#: without support.
_SMALL_COUNTRY = 3_000_000
#: Common geographic nouns (English and French) that some countries' divisions are named by.
_GENERIC_NAMES = frozenset({"rivers", "lakes", "lake", "lac", "lacs", "highlands", "lowlands", "plateau", "plateaux",
                            "littoral", "delta", "coast", "coastal", "islands", "island", "mountains", "lagunes",
                            "savanes", "centre", "center", "central", "north", "south", "east", "west", "nord", "sud",
                            "est", "ouest", "capital", "border", "interior", "valley", "oasis", "desert"})
#: Candidates tied with the last of the ``limit`` kept are kept too, up to this many times ``limit``.
_TIES = 4
_THE = re.compile(r"\bthe\s+\Z", re.IGNORECASE)


@dataclass
class _Group:
    """One distinct name of the document and everything known about it."""

    key: str
    mentions: list[int]
    candidates: list[Candidate]
    metonym: bool = False
    definite: bool = False  # written after "the" ("the Sahel"), as English names regions, seas and rivers
    containers: set[tuple[int, str]] = field(default_factory=set)  # (group index, relation)
    contents: set[int] = field(default_factory=set)  # groups named as lying in this one ("Atlanta, Georgia")
    listed: set[int] = field(default_factory=set)  # groups named in a list with this one
    choice: int = 0
    scores: list[float] = field(default_factory=list)
    support: list[float] = field(default_factory=list)
    contained: list[bool] = field(default_factory=list)
    evidence: list[float] = field(default_factory=list)  # context support before weighing by match quality
    confidence: float = 0.0
    partial: bool = False
    kinds: tuple[str, ...] = ()  # the kinds its generic term asks for ("river" in "the Shabelle river")
    name: str = ""  # the name without its phrase ("nyanza" of "the provinces of Nyanza")
    foreign: list[bool] = field(default_factory=list)  # in a country no other name of a focused text is in
    astray: list[bool] = field(default_factory=list)  # in a division of the text's country that the text never names


def _stand_in(group: _Group, groups: Sequence[_Group]) -> Place | None:
    """The finest place below country level that the text says ``group``'s name lies in ("X in Y", "X, Y", "the X
    district of Y"), resolved by a real spelling with some confidence, when none of the name's readings lies there
    and the name is not one of a list; ``None`` otherwise."""
    if any(group.contained) or group.listed:
        return None
    places = []
    for k, relation in sorted(group.containers):
        other = groups[k]
        if relation != "in" or not other.candidates or other.confidence < 0.5:
            continue
        chosen = other.candidates[other.choice]
        if chosen.match.score >= 0.95 and chosen.place.country and chosen.place.kind not in _WIDE_KINDS:
            places.append(chosen.place)
    return min(places, key=lambda p: p.kind != "populated_place") if places else None


def _named_after(division: Place, town: Place) -> bool:
    """Whether ``division`` bears the name of ``town``, a town inside it: the town's division is this one, or the
    town lies within :data:`_SEAT_KM` of the division's point (the gazetteer may give no division, or the one
    before a division was created: Ménaka in Gao). By the town's own name: Bihar Sharif, also called "Bihar", does
    not put the state of Bihar behind it; a first-level seat or a city of a million is also its division's by the
    name both are sought by (Chattogram, the seat of the Chittagong division, still called Chittagong)."""
    if town.country != division.country:
        return False
    if _area_name(town.name) != _area_name(division.name):
        return (town.feature_code == "PPLA" or town.population >= 1_000_000) and division.kind == "admin1" \
            and distance_km(town.lat, town.lon, division.lat, division.lon) < _SEAT_KM
    if town.admin1 and division.kind == "admin1" and _area_name(town.admin1) == _area_name(division.name):
        return True
    return distance_km(town.lat, town.lon, division.lat, division.lon) < _SEAT_KM


def _small_town(place: Place) -> bool:
    """A town of fewer than :data:`_SMALL_TOWN` people that is no capital or seat of a first-level division."""
    return place.kind == "populated_place" and place.population < _SMALL_TOWN and place.feature_code not in (
        "PPLC", "PPLA")


def _generic_division(place: Place) -> bool:
    """A division named by a common geographic noun ("Rivers", Nigeria; "Lakes", South Sudan; "Littoral",
    Cameroon; "Lac", Chad): in a text about another country such a word names something else ("the Northern
    Rivers" of New South Wales, "the Lac Vert camp" in Goma)."""
    return place.kind in ("admin1", "admin2") and place.name.casefold() in _GENERIC_NAMES


def _fits(place: Place, kinds: tuple[str, ...]) -> bool:
    """Whether ``place`` is of a kind a cue asks for; a region may be a division ("the Bekaa Valley" is the Beqaa
    governorate)."""
    return place.kind in kinds or ("region" in kinds and place.kind in ("admin1", "admin2"))


def _alternatives(group: _Group, order: Sequence[int], chosen: int) -> tuple[Candidate, ...]:
    """Up to three candidates of ``group`` other than the ``chosen`` one, in ``order``, with their scores."""
    return tuple(Candidate(group.candidates[i].place, group.candidates[i].match, round(group.scores[i], 4))
                 for i in order if i != chosen)[:3]


def _key(phrase: str) -> str:
    """The key of one distinct name of a document (case and spacing folded)."""
    return " ".join(phrase.casefold().split())


def _area_name(name: str) -> str:
    return loose(split_generic(name)[0])


def _inside(candidate: Place, container: Place, relation: str) -> bool:
    """Whether ``candidate`` lies in (or, for "near", close to) ``container``."""
    if candidate.id == container.id:
        return False
    km = distance_km(candidate.lat, candidate.lon, container.lat, container.lon)
    if container.kind == "country":
        return candidate.country == container.country and candidate.kind not in ("country", "continent")
    if container.kind == "continent":
        return km < 5000
    if candidate.country and container.country and candidate.country != container.country:
        return False
    same_admin1 = bool(candidate.admin1) and _area_name(candidate.admin1 or "") == _area_name(container.name)
    if container.kind in ("admin1", "admin2"):
        return same_admin1 or (not candidate.admin1 and km < 250)
    if container.kind == "populated_place":
        return km < (40 if relation == "near" else 60) or same_admin1
    geometry = container.geometry_json()
    if geometry and geometry.get("type") in ("Polygon", "MultiPolygon"):
        from shapely.geometry import Point, shape

        return bool(shape(geometry).buffer(0.1).contains(Point(candidate.lon, candidate.lat)))
    return km < 300


def _match_strength(candidate: Candidate) -> float:
    """The match score, lowered when a small place matched through an alternate name unlike its own ("Idaho" for
    Idaho Springs, "Delaware" for West Point): such aliases are often another, larger place's name."""
    score = candidate.match.score
    place = candidate.place
    if candidate.match.type != "alternate" or place.kind in _AREA_KINDS or place.kind in _COARSE_KINDS:
        return score
    if SequenceMatcher(None, fold(candidate.match.name), fold(place.name)).ratio() < 0.6:
        return score - 0.15
    return score


def _lists(text: str, mentions: Sequence[Mention]) -> list[list[int]]:
    """The lists of three names or more, as mention indexes: names joined by commas, the last one by "and" or "or"
    ("Missouri, Ohio, Oregon and Utah"); "Dallas and Paris, Texas" is not one."""
    runs: list[list[int]] = []
    run: list[int] = []
    for index in range(len(mentions)):
        joined = _LIST_GAP.match(text[mentions[index - 1].phrase_end:mentions[index].phrase_start]) if run else None
        if not joined:
            runs.append(run)
            run = [index]
        elif joined.group("last"):  # "and"/"or" closes the list
            runs.append([*run, index])
            run = []
        else:
            run.append(index)
    return [r for r in (*runs, run) if len(r) >= 3]


def _is_area(group: _Group) -> bool:
    """The name's first candidate is a country or continent (not something inside another place)."""
    return bool(group.candidates) and group.candidates[0].place.kind in ("country", "continent")


def _proximity(km: float) -> float:
    """1 near, falling to 0 at a few thousand km."""
    return max(0.0, 1.0 - math.log10(1.0 + km) / math.log10(1.0 + 3000.0))


class Resolver:
    """Rank gazetteer candidates for the mentions of one document.

    Parameters
    ----------
    gazetteer
        Where candidates come from.
    limit
        How many candidates to consider per name.
    """

    def __init__(self, gazetteer: Gazetteer, *, limit: int = 10) -> None:
        self.gazetteer = gazetteer
        self.limit = limit
        self._cache: dict[tuple[str, str | None], list[Candidate]] = {}
        self._extents: dict[str, float] = {}
        self._populations: dict[str, int] = {}

    def _small_division(self, place: Place) -> bool:
        """A division of a country or territory of under :data:`_SMALL_COUNTRY` people: the sheadings of the Isle
        of Man ("Middle", "Michael"), the parishes of Barbados, whose names are common words and given names."""
        if place.kind not in ("admin1", "admin2") or not place.country:
            return False
        people = self._populations.get(place.country)
        if people is None:
            people = self._populations[place.country] = max((p.population for p in
                                                             self.gazetteer.country(place.country)), default=0)
        return people < _SMALL_COUNTRY

    def candidates(self, name: str, *, kinds: Sequence[str] | None = None) -> list[Candidate]:
        """Candidates for a name or phrase, best first (cached)."""
        key = (name, ",".join(kinds) if kinds else None)
        found = self._cache.get(key)
        if found is None:
            found = self.gazetteer.lookup(name, limit=self.limit * _TIES, kinds=kinds)
            if len(found) > self.limit:  # the namesakes tied with the last one kept all stay: 16 Wayne Counties
                last = found[self.limit - 1].score
                found = found[:self.limit] + [c for c in found[self.limit:] if c.score >= last]
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[key] = found
        return found

    def resolve(self, text: str, mentions: Sequence[Mention]) -> list[Resolution]:
        """Resolve every mention of ``text``; returns one :class:`Resolution` per mention, in order."""
        results: list[Resolution | None] = [None] * len(mentions)
        groups: list[_Group] = []
        by_key: dict[str, int] = {}
        for index, mention in enumerate(mentions):
            try:
                fixed = self._fixed(mention)
            except Exception as exc:  # one failing name never drops the rest of the document
                log.warning("could not resolve %r: %s", mention.text, exc)
                results[index] = Resolution(None, (), "abstain", 0.0)
                continue
            if fixed is not None:
                results[index] = fixed
                continue
            phrase = mention.phrase(text)
            if mention.cue and mention.cue not in phrase.casefold():  # "Poltava" of "the Kharkiv and Poltava regions"
                phrase = f"{mention.text} {mention.cue}"
            key = _key(phrase)
            if key not in by_key:
                partial = False
                try:
                    found = self.candidates(phrase)
                    if not found and phrase != mention.text:
                        found = self.candidates(mention.text)
                    if not found or all(c.match.type == "fuzzy" for c in found):
                        # "Greater Mumbai", "North Dallas": the core's real spelling before a look-alike's
                        core = self._partial(mention.text)
                        if core or not found:
                            found, partial = core, True
                except Exception as exc:
                    log.warning("could not look up %r: %s", phrase, exc)
                    found = []
                by_key[key] = len(groups)
                groups.append(_Group(key, [], found, partial=partial, kinds=mention.kinds, name=_key(mention.text)))
            group = groups[by_key[key]]
            group.mentions.append(index)
            group.metonym |= mention.role == "metonym"
            group.definite |= mention.phrase_start == mention.start and _THE.search(
                text[max(0, mention.start - 12):mention.start]) is not None
        self._link_containers(text, mentions, groups, by_key)
        fixed_places = [r.place for r in results if r is not None and r.place is not None]
        self._rank(groups, fixed_places)
        for group in groups:
            resolution = self._resolution(group, _stand_in(group, groups))
            for index in group.mentions:
                results[index] = resolution
        return [r if r is not None else Resolution(None) for r in results]

    def _partial(self, name: str) -> list[Candidate]:
        """Candidates for the core of a feature name the gazetteer lacks: "Lake Erie" → Erie, "Salinas Valley" →
        Salinas, "North Dallas" → Dallas (a nearby stand-in, with lowered confidence)."""
        words = name.split()
        while len(words) > 1 and words[0].lower() in _CORE_DROP_FIRST:
            words = words[1:]
        while len(words) > 1 and words[-1].lower() in _CORE_DROP_LAST:
            words = words[:-1]
        core = " ".join(words)
        if core == name:
            return []
        return self.gazetteer.lookup(core, limit=self.limit, fuzzy=False)

    # -- per mention ------------------------------------------------------------------------------------------
    def _fixed(self, mention: Mention) -> Resolution | None:
        """Demonyms and borders resolve without ranking."""
        if mention.role == "demonym" and mention.countries:
            found = self.gazetteer.country(mention.countries[0])
            return Resolution(found[0], (), "demonym", 0.95) if found else Resolution(None)
        if mention.recognizer == "border" and len(mention.countries) == 2:
            found = self.gazetteer.border(*mention.countries)
            if not found:
                return Resolution(None)
            return Resolution(found[0], (), "border", 0.7 if found[0].approximate else 0.9)
        return None

    # -- containment ----------------------------------------------------------------------------------------
    @staticmethod
    def _link_containers(text: str, mentions: Sequence[Mention], groups: list[_Group],
                         by_key: dict[str, int]) -> None:
        def group_of(index: int) -> int | None:
            mention = mentions[index]
            if mention.role == "demonym" or mention.recognizer == "border":
                return None
            return by_key.get(_key(mention.phrase(text)))

        lists = _lists(text, mentions)
        listed: set[int] = set()  # mentions in a list of divisions or countries: a comma there is no apposition
        for run in lists:  # each name of a list knows the others
            members = {g for g in map(group_of, run) if g is not None}
            for g in members:
                groups[g].listed |= members - {g}
            if sum(bool(groups[g].candidates) and groups[g].candidates[0].place.kind in ("admin1", "country")
                   for g in members) >= 3:
                listed.update(run)
        for index in range(len(mentions) - 1):
            inner, outer = group_of(index), group_of(index + 1)
            if inner is None or outer is None or inner == outer:
                continue
            inner_end, after = mentions[index].phrase_end, mentions[index + 1]
            # a phrase may reach back into this name ("the Old City of Aleppo": "City of Aleppo"): then the gap
            # ends where the next name starts
            between = text[inner_end:after.phrase_start if after.phrase_start >= inner_end else after.start]
            found = _CONTAINER_GAP.match(between)
            if found and found.group("rel") in (",", "(") and (_is_area(groups[inner]) or index in listed):
                found = None  # "in Russia, Romania and Macedonia", "Missouri, Ohio, Oregon and Utah": a list
            if found and found.group("rel") == "," and _AND_AFTER.match(text, mentions[index + 1].phrase_end) and \
                    not {c.place.country for c in groups[inner].candidates} & {
                        c.place.country for c in groups[outer].candidates}:
                # "in Yorkshire, Nottinghamshire and along the River Trent": a list, not Yorkshire (known only as
                # towns of the United States) somewhere in Nottinghamshire
                found = None
            if found or ((mentions[index].cue in _SUBAREA_CUES or _key(mentions[index].text) in _CITY_PART_NAMES)
                         and _OF_GAP.match(between)):
                relation = "near" if found and "near" in found.group("rel").lower() else "in"
                groups[inner].containers.add((outer, relation))
                if relation == "in":
                    groups[outer].contents.add(inner)
                # "Atareb in Syria's Aleppo province": Aleppo province contains Atareb too
                if index + 2 < len(mentions) and _POSSESSIVE_GAP.match(
                        text[mentions[index + 1].phrase_end:mentions[index + 2].phrase_start]):
                    third = group_of(index + 2)
                    if third is not None and third != inner:
                        groups[inner].containers.add((third, relation))
            elif _POSSESSIVE_GAP.match(between):  # "Syria's Idlib region": Syria contains Idlib
                groups[outer].containers.add((inner, "in"))
                groups[inner].contents.add(outer)

    # -- ranking ----------------------------------------------------------------------------------------------
    def _rank(self, groups: list[_Group], fixed: list[Place]) -> None:
        for group in groups:
            group.scores = [c.score for c in group.candidates]
            group.support = [0.0] * len(group.candidates)
            group.contained = [False] * len(group.candidates)
            group.evidence = [0.0] * len(group.candidates)
            group.foreign = [False] * len(group.candidates)
            group.astray = [False] * len(group.candidates)
            group.confidence = 0.5
        for _ in range(_ROUNDS):
            chosen = [(g, g.candidates[g.choice].place) for g in groups if g.candidates]
            for group in groups:
                if group.candidates:
                    self._score(group, groups, chosen, fixed)
            for group in groups:
                if group.candidates:
                    group.choice = max(range(len(group.scores)), key=lambda k: (group.scores[k], -k))
                    group.confidence = self._confidence(group)
        self._towns_by_cue(groups)

    def _towns_by_cue(self, groups: list[_Group]) -> None:
        """One sense per text: a bare name read as a division is the town that a cue reads it as elsewhere in the
        text ("the eastern Libyan city of Derna", a dateline's "MARRAKECH, Morocco (Reuters) -"), when every cued
        reading of the name is that town."""
        towns: dict[str, set[str]] = defaultdict(set)
        for group in groups:
            if group.kinds and group.candidates:
                towns[group.name].add(group.candidates[group.choice].place.id)
        for group in groups:
            found = towns.get(group.name)
            if group.kinds or not group.candidates or not found or len(found) != 1 \
                    or group.candidates[group.choice].place.kind not in ("admin1", "admin2"):
                continue
            (town,) = found
            k = next((i for i, c in enumerate(group.candidates) if c.place.id == town
                      and c.place.kind == "populated_place" and c.match.score >= 0.95), None)
            if k is not None:
                group.scores[k] = max(group.scores) + _CUED_TOWN
                group.choice = k
                group.confidence = self._confidence(group)

    def _score(self, group: _Group, groups: list[_Group], chosen: list[tuple[_Group, Place]],
               fixed: list[Place]) -> None:
        countries: dict[str, float] = defaultdict(float)
        # (country, first-level division): the weight of the divisions the text names, and of its towns said to lie
        # in one ("Kerrville, Texas")
        states: dict[tuple[str, str], float] = defaultdict(float)
        settled: list[Place] = []  # places the text puts in a division, names as one, or names unambiguously
        admin1s: set[str] = set()
        admin1_countries: set[str] = set()  # countries of which the document names a first-level division
        anchors: list[Place] = []
        for other, place in chosen:
            if other is group or other.name == group.name:  # "the provinces of Nyanza" is no context for "Nyanza"
                continue
            weight = other.confidence * len(other.mentions) ** 0.5
            if place.country:
                countries[place.country] += weight
            if place.kind == "admin1":
                admin1s.add(_area_name(place.name))
                admin1_countries.add(place.country or "")
                states[(place.country or "", _area_name(place.name))] += weight
                settled.append(place)
            elif place.admin1:
                admin1s.add(_area_name(place.admin1))
                if place.kind == "admin2" or (other.contained and other.contained[other.choice]):
                    # "Kerr County", "Ingram, Texas"; not a guess that agrees with the others
                    states[(place.country or "", _area_name(place.admin1))] += weight
                    settled.append(place)
            if place.kind not in _COARSE_KINDS and other.confidence >= 0.4:
                anchors.append(place)
                if len(other.candidates) == 1 and other.candidates[0].match.score >= 0.95:
                    settled.append(place)  # a name with one reading ("the Golan Heights")
        for place in fixed:
            if place.country:
                countries[place.country] += 0.3
        total = sum(countries.values()) or 1.0
        state_focus: dict[str, float] = defaultdict(float)  # country: the weight of its heaviest division
        for (code, _), weight in states.items():
            state_focus[code] = max(state_focus[code], weight)
        containers = [(groups[k].candidates[groups[k].choice].place, relation)
                      for k, relation in group.containers if groups[k].candidates]
        # the candidates, by real spellings, of the names said to lie in this one
        contents = [c for k in group.contents for c in groups[k].candidates if c.match.score >= 0.95]
        # the kinds (and countries) of the other names of a list this name is in: "Missouri, Ohio, Oregon"
        mates = [groups[g].candidates[groups[g].choice].place for g in group.listed if groups[g].candidates]
        # (country, division) of the candidates that are towns named as their first-level division, or that lie in
        # a division this name may also be ("Odessa": the city Odesa, in the oblast Odeska, also called Odessa)
        divisions = {(c.place.country, _area_name(c.place.name)) for c in group.candidates if c.place.kind == "admin1"}
        seats = {(c.place.country, _area_name(c.place.admin1)) for c in group.candidates
                 if c.place.kind != "admin1" and c.place.admin1
                 and (_area_name(c.place.admin1) == _area_name(c.place.name)
                      or (c.place.country, _area_name(c.place.admin1)) in divisions)}
        # a town with no division given that a division of its name surrounds (Aberdeen and the Aberdeen council
        # area: the gazetteer gives British towns no first-level division)
        bare_seats = seats | {(d.place.country, _area_name(d.place.name)) for d in group.candidates
                              if d.place.kind == "admin1" for c in group.candidates
                              if c.place.kind == "populated_place" and not c.place.admin1
                              and _named_after(d.place, c.place)}
        # divisions named after a town the name also reads as ("Rafah", "Kherson"): news names the town by the bare
        # name and the division with its word ("Rafah governorate"), so the town comes first unless a cue asks
        towns = [] if group.kinds else [c.place for c in group.candidates
                                        if c.place.kind == "populated_place" and c.match.score >= 0.95]
        # a country read by an alternate name that its capital bears as its own ("Tunis" for Tunisia) is not the
        # country named alone
        capitals = {c.place.country for c in group.candidates
                    if c.place.feature_code == "PPLC" and c.match.type == "exact"}
        for k, candidate in enumerate(group.candidates):
            place = candidate.place
            share = countries.get(place.country or "", 0.0) / total
            if place.kind == "country":  # an area is near the places inside it
                near = 1.0 if any(a.country == place.country for a in anchors) else 0.0
            elif place.kind == "admin1":
                name = _area_name(place.name)
                near = 1.0 if any(a.admin1 and _area_name(a.admin1) == name for a in anchors) else 0.0
            else:
                near = 0.0
            if not near:
                near = max((_proximity(distance_km(place.lat, place.lon, a.lat, a.lon)) for a in anchors
                            if a.id != place.id), default=0.0)
            if place.kind == "admin1":
                # named among its siblings ("Oregon" with "Ohio" and "Idaho"), a division is likelier than its
                # namesakes in other divisions ("Oregon, Ohio"); the town it is named after (Idlib city in Idlib
                # province) stays as likely as before
                admin1 = 1.0 if place.country in admin1_countries and (
                    place.country, _area_name(place.name)) not in bare_seats else 0.0
            else:
                admin1 = 1.0 if place.admin1 and _area_name(place.admin1) in admin1s else 0.0
            # context re-ranks real spellings of a name; it cannot turn a loose transliteration into the answer
            match = _match_strength(candidate)
            evidence = 0.35 * share + 0.3 * near + 0.15 * admin1
            if mates and 2 * sum(m.kind == place.kind and (place.kind in _COARSE_KINDS or m.country == place.country)
                                 for m in mates) >= len(mates):
                evidence += 0.2  # of a kind with most of the names listed with it
            support = evidence * match ** 2
            real = candidate.match.score >= 0.95  # a real spelling of the name, not a loose transliteration
            # the prior counts prominence once more, in full for a real spelling only: a loose transliteration of a
            # capital ("Bienne" for Vienna) does not outrank the towns that bear the name itself ("Beni")
            prior = _PRIOR * place.prominence * (1.0 if real else candidate.match.score)
            value = candidate.score + prior + support - (candidate.match.score - match)
            if place.kind in _COARSE_KINDS and real and not (
                    place.kind == "country" and candidate.match.type != "exact" and place.country in capitals):
                value += 0.25
            elif place.feature_code == "PPLC" and real:
                value += _CAPITAL
            if place.kind in _AREA_KINDS and real and (
                    place.country, _area_name(place.name)) not in seats and any(
                    _inside(inner.place, place, "in") for inner in contents):
                # "Atlanta, Georgia": the Georgia that holds an Atlanta, not the country; a division and the town
                # it is named after (Idlib, Çanakkale) are left to the other evidence
                value += 0.5
            contained = False
            for container, relation in containers:
                if _inside(place, container, relation):
                    value += 1.0 if real else 0.4
                    contained = True
                elif container.kind in _AREA_KINDS or relation == "near":
                    value -= 0.3
            namesakes = [town for town in towns if _named_after(place, town)] \
                if place.kind in ("admin1", "admin2") else []
            if namesakes and not any(_inside(inner.place, place, "in") and all(
                    distance_km(inner.place.lat, inner.place.lon, t.lat, t.lon) > _SEAT_KM for t in namesakes)
                    for inner in contents):  # "Buffalo, New York" is the state; "Queens, New York" the city
                # a city of a million people is even more often what the bare name means
                value -= 2 * _TOWN_FIRST if any(t.population >= 1_000_000 for t in namesakes) else _TOWN_FIRST
            if group.kinds and _fits(place, group.kinds) and not real:
                # "Duhok province": a division the phrase asks for, by a loose spelling (Dohuk), before a town
                # that bears the spelling as an alternate name (Dihok)
                value += _CUE_FIT
            if group.definite and place.kind in _DEFINITE_KINDS and real:
                value += _DEFINITE  # "from the Sahel towards coastal states": the region, not Burkina Faso's Sahel
            if group.metonym and (place.feature_code == "PPLC" or place.kind == "country"):
                value += 0.3
            group.scores[k], group.support[k], group.contained[k] = value, support, contained
            group.evidence[k] = evidence
            group.foreign[k] = share == 0.0 and total >= _FOCUS_WEIGHT
            # a town of a first-level division the text never names, in a text about another division of the same
            # country ("Hunt" in a text about the Texas Hill Country is no McFarland, California), with nothing
            # near it
            group.astray[k] = bool(
                place.kind == "populated_place" and place.admin1 and not contained
                and state_focus.get(place.country or "", 0.0) >= _STATE_WEIGHT
                and states.get((place.country or "", _area_name(place.admin1)), 0.0) == 0.0
                and not any(a.kind != "admin1" and distance_km(place.lat, place.lon, a.lat, a.lon) < _NEIGHBOUR_KM
                            for a in settled))

    @staticmethod
    def _confidence(group: _Group) -> float:
        k = group.choice
        best = group.scores[k]
        others = [s for i, s in enumerate(group.scores) if i != k]
        margin = best - max(others) if others else 0.6
        candidate = group.candidates[k]
        x = (5.0 * min(margin, 0.8) + 2.0 * (candidate.match.score - 0.8) + 2.5 * group.support[k]
             + (1.5 if group.contained[k] else 0.0) - 1.0)
        return 1.0 / (1.0 + math.exp(-x))

    def _resolution(self, group: _Group, stand_in: Place | None = None) -> Resolution:
        """The resolution of a ranked group; ``stand_in``: the place the text says it lies in, which stands in for
        it when it has no reading there (see :func:`_stand_in`)."""
        if not group.candidates:
            if stand_in is not None:  # "Seytenga, in Burkina Faso's Seno province": somewhere in Seno
                return Resolution(stand_in, (), "partial", 0.3, 1.0)
            return Resolution(None, (), "abstain", 0.0)
        k = group.choice
        order = sorted(range(len(group.candidates)), key=lambda i: -group.scores[i])
        alternatives = _alternatives(group, order, k)
        candidate = group.candidates[k]
        evidence = 1.0 if group.contained[k] else group.evidence[k]
        if stand_in is not None and candidate.place.kind not in _WIDE_KINDS and (
                candidate.place.country != stand_in.country) and group.support[k] < 0.2:
            # "the Mayo district of southern Khartoum": no Mayo in Sudan is known (County Mayo is in Ireland); the
            # support stays the name's own, so that a weak mention ("Santiago's Plaza Italia") is not kept by it
            return Resolution(stand_in, (candidate, *alternatives)[:3], "partial", 0.5 * group.confidence,
                              group.support[k])
        if group.partial:
            if group.foreign[k] and group.support[k] < 0.1 and candidate.place.kind not in _COARSE_KINDS:
                # "the West Midlands" in a text about England: no Midlands of Zimbabwe stands in for it
                return Resolution(None, (candidate, *alternatives)[:3], "abstain", 0.0, evidence)
            return Resolution(candidate.place, alternatives, "partial", 0.5 * group.confidence, evidence)
        if group.contained[k]:
            method = "containment"
        elif group.support[k] >= 0.2 and order[0] != 0 or group.support[k] >= 0.35:
            method = "context"
        else:
            method = "prominence"
        place = candidate.place
        if (group.foreign[k] and (_small_town(place) or self._small_division(place) or _generic_division(place))
                and group.support[k] < 0.1 and not group.contained[k]) or (group.astray[k] and _small_town(place)):
            # "Jan Davis" in a text about Queensland is no Davis, California; "Middle" in a text about Somalia no
            # sheading of the Isle of Man
            return Resolution(None, (candidate, *alternatives)[:3], "abstain", 0.0, evidence)
        if candidate.match.type == "fuzzy" and group.support[k] < 0.15 and not group.contained[k]:
            return Resolution(None, (candidate, *alternatives)[:3], "abstain", 0.0, evidence)
        if group.kinds and not _fits(place, group.kinds) and (
                candidate.match.score < 0.95 or is_other_name(candidate)) and group.support[k] < 0.2 \
                and not group.contained[k]:
            # "the Shabelle river": no river of that name is known, and a town spelt like it (Sabile, Latvia) with
            # nothing in the text for it is no answer; a reading of the kind asked for, when there is one, is
            fitting = next((i for i in order if _fits(group.candidates[i].place, group.kinds)), None)
            if fitting is None:
                return Resolution(None, (candidate, *alternatives)[:3], "abstain", 0.0, evidence)
            return Resolution(group.candidates[fitting].place, _alternatives(group, order, fitting), method,
                              0.5 * group.confidence, group.evidence[fitting])
        return Resolution(candidate.place, alternatives, method, group.confidence * self._extent(candidate.place),
                          evidence)

    def _extent(self, place: Place) -> float:
        """How well one point stands for the place: 1 up to a radius of ~160 km, falling to 0.6 for a
        continent-sized country (so ``confidence`` estimates the chance the point is within 161 km of the
        place meant)."""
        factor = self._extents.get(place.id)
        if factor is None:
            factor = 1.0
            geometry = place.geometry_json() if place.kind in _AREA_KINDS else None
            if geometry and geometry.get("type") in ("Polygon", "MultiPolygon"):
                from shapely.geometry import shape

                km2 = shape(geometry).area * 111.32 ** 2 * math.cos(math.radians(place.lat))
                radius = math.sqrt(max(km2, 0.0) / math.pi)
                if radius > 160:
                    factor = max(0.6, 1.0 - 0.4 * math.log10(radius / 160) / math.log10(1500 / 160))
            self._extents[place.id] = factor
        return factor

