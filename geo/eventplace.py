"""Where an event happened: one place out of the places of its sentence, or of the sentences around it.

Rules, each with the sentence that motivates it:

* The place governed by a locative preposition wins over a place that only qualifies an actor: "Turkish soldiers
  killed in Idlib" → Idlib (the demonym is an actor, never the event's place).
* The finest of nested places: "downed over the town of Saraqeb in Idlib" → Saraqeb; a country or a province only
  when nothing finer is named.
* "X, near Y" locates X: "thought to have hit Qaminas, near Idlib city" → Qaminas; "near Y" alone → Y with
  ``near_settlement``.
* Origins and companions lose: "missiles from the Golan Heights, injuring three soldiers in Al-Qahtaniyah" →
  Al-Qahtaniyah; "in Edirne province on the border with Greece" → Edirne.
* A sentence that names its place only by a common noun ("retook a strategic northwestern town") takes the
  settlement named in the next or previous sentence ("Despite losing the town of Saraqeb ...").
* Otherwise the article's focus (the non-country place it names most), marked ``place_from = "article"``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from gazetteer.model import Place
from geo.cues import opens_dateline
from geo.mentions import ResolvedMention
from geo.sentences import Sentence

__all__ = ["PRECISION", "EventPlace", "choose_place", "focus_place", "lies_in", "precision_of"]

#: geo_precision tokens, finest first (CONTRACTS.md).
PRECISION = ("site", "settlement", "near_settlement", "admin2", "line", "admin1", "country", "sea_or_airspace")
_KIND_PRECISION = {"site": "site", "crossing": "site", "populated_place": "settlement", "admin2": "admin2",
                   "island": "admin2", "mountain": "admin2", "road": "line", "river": "line", "border": "line",
                   "admin1": "admin1", "region": "admin1", "country": "country", "continent": "country",
                   "sea": "sea_or_airspace", "airspace": "sea_or_airspace"}
_RELATION = {"in": "in", "at": "at", "inside": "in", "within": "in", "into": "in", "near": "near", "outside": "near",
             "around": "near", "over": "over", "along": "along", "on": "on", "towards": "towards",
             "toward": "towards", "across": "across", "between": "between", "off": "near", "from": "from",
             "to": "to", "with": "with", "of": "of", "through": "across", "throughout": "in"}
_PREP_WORD = re.compile(r"\b(" + "|".join(_RELATION) + r")\b", re.IGNORECASE)
#: Words before "of" that make it "near": a direction ("south of", "10 km north-west of"), "outskirts", "edge".
_DIRECTION_OF = re.compile(r"\b(?:(?:north|south|east|west)(?:-?(?:east|west))?|outskirts|edge|vicinity|"
                           r"suburbs)\s+$", re.IGNORECASE)
#: A sentence that opens on a place of its own: "In Khartoum, …", "Near Goma, …".
_SCENE = re.compile(r"\s*(?:In|At|Near|Around|Outside)\s+(?:the\s+)?[A-Z]")
#: Words before "of" that make it "in": "the town of Sake", "the province of Idlib".
_AREA_OF = re.compile(r"\b(?:town|city|village|hamlet|district|province|region|governorate|state|county|"
                      r"municipality|island|suburb|neighbou?rhood)\s+$", re.IGNORECASE)
_ANAPHOR = re.compile(r"\b(?:an?|the)\s+(?:[\w-]+\s+){0,3}?(?:town|city|village|base|outpost|post)\b",
                      re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class EventPlace:
    """The chosen place: its mention (``None`` when taken from the article), relation and precision."""

    place: Place
    mention: ResolvedMention | None
    relation: str
    precision: str
    place_from: str  # "sentence" | "adjacent" | "article"


def precision_of(place: Place, relation: str) -> str:
    """The geo_precision token of a place reached by ``relation`` ("near" a settlement → near_settlement)."""
    token = _KIND_PRECISION.get(place.kind, "country")
    if token == "settlement" and relation == "near":
        return "near_settlement"
    return token


def _usable(item: ResolvedMention) -> bool:
    """A place the event may be at. A weak mention (a loose spelling, "Jisr al-Shughur" for Jisr ash Shughūr) is one
    too: the geoparser keeps it only when the document supports it."""
    return item.place is not None and item.mention.role in ("literal", "metonym")


_NOT_A_PLACE_AFTER = re.compile(r"^\s+(?:has|have|had|is|was|will|would|says|said|launch(?:es|ed)|fail(?:s|ed)"
                                r"|issued|vow(?:s|ed)|warn(?:s|ed)|accus(?:es|ed)|den(?:ies|ied)|want(?:s|ed)"
                                r"|refus(?:es|ed)|agree(?:s|d)|decid(?:es|ed)|continu(?:es|ed)|sent|sends)\b",
                                re.IGNORECASE)
_NOT_A_PLACE_BEFORE = re.compile(r"\b(?:backed|supported|led|sponsored|armed|funded)\s+by\s+(?:the\s+)?$"
                                 r"|\bwith\s+(?:the\s+)?$|\b(?:citing|according\s+to)\b[^,;:]*$"
                                 r"|\b(?:authorities|officials|governor|ministry|minister|president|spokes\w+|"
                                 r"embassy|ambassador)\s+(?:of|in|from)\s+(?:the\s+)?(?:\S+\s+){0,3}$",
                                 re.IGNORECASE)


#: "X, near Y", "X base in southern Y", "the town of X in Y": the text before Y's preposition ends with a name.
_LOCATES = re.compile(r"(?P<name>[A-Z][\w’'‘-]*(?:\s+[A-Z][\w’'‘-]*)*)(?:\s+(?:base|town|city|village|"
                      r"district|area|camp|airport|crossing|province|region|governorate|highway|road))?,?\s*"
                      # an apposition ("Sake, a town near Goma") or an offset before the direction of "west of
                      # Goma" ("Sake, 25 kilometres west of Goma")
                      r"(?i:(?:(?:a|an)\s+(?:[a-z-]+\s+){0,2}?(?:town|city|village|district|area|camp|base|suburb|"
                      r"neighbou?rhood)\s+)?(?:(?:(?:about|some|around|nearly|roughly|just|only)\s+)?"
                      r"(?:\d[\d.,]*|a\s+few|several)\s*(?:km|kilomet(?:er|re)s?|miles?)\s+)?"
                      r"(?:(?:north|south|east|west)(?:-?(?:east|west))?\s+)?)$")
_ORG = (r"ministry|army|military|forces|government|police|president|presidency|officials?|authorities|parliament|"
        r"foreign|defen[cs]e|interior|news|agency|media|television|state|troops|soldiers|navy|air\s+force|embassy|"
        r"spokes\w+|leader|prime|communications|coast\s?guard|intelligence|association|council|union|committee|"
        r"society|federation|commission|institute|organi[sz]ation|red\s+(?:cross|crescent)")
_SUBJECT_START = re.compile(r"(?:^|[.;:!?“\"]\s*|\b(?:and|but|as|while|when|after|meanwhile|however),?\s+)"
                            r"(?:the\s+)?$", re.IGNORECASE)


#: A part of a toll after the whole ("killed 45 …, including 17 in a school in Deir al-Balah").
_SUBSET = re.compile(r",\s+including\s+(?:at\s+least\s+)?(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|"
                     r"dozens|several)", re.IGNORECASE)


def _relation(sentence: str, start: int) -> tuple[str, int]:
    """The relation the nearest preposition before ``start`` gives (at most four words back), and where that
    preposition starts (-1: none)."""
    head = sentence[:start]
    found = list(_PREP_WORD.finditer(head))
    last = found[-1] if found else None
    between = head[last.end():] if last is not None else ""
    if last is None or len(between.split()) > 4 or re.search(r"[,;:]", between) or re.search(
            r"\b(?:have|has|had|be|been|is|was|were|are|hit|struck|\w+ed)\b", between, re.IGNORECASE):
        return "", -1   # "to have hit Qaminas": the preposition governs a verb, not the name
    relation = _RELATION[last.group(1).lower()]
    if relation == "of" and _AREA_OF.search(head, 0, last.start()):
        return "in", last.start()  # "shelled the town of Sake"
    if relation == "of" and _DIRECTION_OF.search(head, 0, last.start()):
        return "near", last.start()  # "10 km south of Saraqeb", "north-west of Aleppo", "the outskirts of Kabul"
    return relation, last.start()


def _actor_not_place(sentence: str, item: ResolvedMention, offset: int) -> bool:
    """A name that stands for a government or a backer ("Ankara launches", "Turkey-backed", "backed by Ankara")."""
    place = item.place
    assert place is not None
    after = sentence[item.mention.end - offset:]
    before = sentence[:item.mention.phrase_start - offset]
    capital = place.kind == "country" or (place.feature_code or "").startswith("PPLC")
    if re.match(r"^[-‑](?:backed|led|allied|aligned|sponsored|supported)\b", after, re.IGNORECASE):
        return True
    if _NOT_A_PLACE_BEFORE.search(before):
        return True
    if capital and re.search(r"\bby\s+$", before):
        return True     # "downed by Turkey": the agent
    if place.kind == "country" and re.search(r"\b[Aa]n?\s+$", before) and re.match(r"^(?:\s+[a-z]|[-‑]\w)", after):
        return True     # "fired a missile at a U.S. destroyer", "a UK-flagged tanker": whose, not where
    if re.match(r"^(?:[’']s?)?\s+(?:\S+\s+){0,2}?(?:" + _ORG + r")\b", after, re.IGNORECASE) and \
            (capital or re.match(r"^[’']", after)):
        return True     # "Turkey's defence ministry said", "Syria's official news agency"
    if capital and _SUBJECT_START.search(before) and re.match(r"^(?:\s*,\s*\w+\s*,)?\s+[a-z]+", after):
        return True     # "Russia, meanwhile, deployed …", "Turkey launched …": the agent, not the place
    return capital and bool(_NOT_A_PLACE_AFTER.match(after)) and not _relation(before, len(before))[0]


def lies_in(inner: Place, outer: Place) -> bool:
    """True when ``inner`` lies in ``outer``: a place of a country in that country, a place whose admin-1 is
    named like ``outer`` in it (in "Idlib" whether a report took the name for the province or its capital)."""
    if inner.id == outer.id or inner.kind == "country":
        return False
    if outer.kind == "country":
        return inner.country == outer.country
    return inner.admin1 is not None and inner.admin1 == outer.name and inner.country == outer.country \
        and inner.kind != "admin1"


def _locator(sentence: Sentence, at: int, options: Sequence[ResolvedMention], item: ResolvedMention) -> bool:
    """True when the preposition at ``at`` follows another place name: that place is the event's, ``item`` only
    locates it."""
    found = _LOCATES.search(sentence.text[:at])
    if not found:
        return False
    end = sentence.start + found.end("name")
    return any(other is not item and other.mention.end == end for other in options)


def choose_place(sentence: Sentence, mentions: Sequence[ResolvedMention], trigger_start: int, *,
                 clause: tuple[int, int] | None = None, object_from: int | None = None) -> EventPlace | None:
    """The event's place among ``mentions`` of ``sentence`` (article offsets), or ``None`` when it names none.

    ``trigger_start`` is the trigger's offset in the sentence; places inside the trigger's ``clause`` (sentence
    offsets) are preferred, and so is the object of a verb of capture ending at ``object_from`` ("seizing
    control of the strategic M5 highway" → the M5, a line; "retook Saraqeb from government forces" → Saraqeb).
    """
    options = [m for m in mentions if _usable(m) and sentence.start <= m.mention.start < sentence.end]
    if datelines := {id(m) for m in options if opens_dateline(sentence.text, m.mention.start - sentence.start,
                                                                m.mention.end - sentence.start)}:
        # where the story was filed from: the event's place only when the sentence names no other
        options = [m for m in options if id(m) not in datelines] or options
    scored: list[tuple[float, ResolvedMention, str]] = []
    for item in options:
        place = item.place
        assert place is not None
        local = item.mention.start - sentence.start
        relation, at = _relation(sentence.text, item.mention.phrase_start - sentence.start)
        if _actor_not_place(sentence.text, item, sentence.start):
            continue
        if item.mention.role == "metonym" and relation not in ("in", "at", "over", "near", "along", "on", "into"):
            continue        # "Turkey said", "Ankara failed to inform": a government, not a place
        score = -0.4 * PRECISION.index(precision_of(place, relation))
        score += {"in": 2.0, "at": 2.0, "over": 2.0, "near": 1.2, "along": 2.0, "on": 1.0, "across": 1.0,
                  "towards": 0.8, "between": 1.0, "to": 0.3, "from": -1.0, "with": -1.5, "of": 0.0}.get(relation, 0)
        score -= 0.02 * abs(local - trigger_start) / 10
        if clause is not None and clause[0] <= local < clause[1]:
            score += 1.0
        if object_from is not None and 0 <= item.mention.phrase_start - sentence.start - object_from <= 40 \
                and re.fullmatch(r"(?:\s+(?:control\s+)?(?:of\s+)?(?:the|a|an)?\s*(?:[\w-]+\s+){0,2}?)?\s*",
                                 sentence.text[object_from:item.mention.phrase_start - sentence.start]):
            score += 2.5
        if any(lies_in(other.place, place) for other in options if other.place is not None):
            score -= 1.0
        if local > trigger_start and _SUBSET.search(sentence.text[trigger_start:local]) \
                and any(o is not item and trigger_start <= o.mention.start - sentence.start < local for o in options):
            score -= 3.0    # "killed 45 across the Gaza Strip, including 17 in a school in Deir al-Balah"
        if relation in ("near", "in") and at >= 0 and _locator(sentence, at, options, item):
            score -= 2.5    # "Qaminas, near Idlib city", "Al-Bara base in southern Idlib": Y only locates X
        scored.append((score, item, relation or "in"))
    if not scored:
        return None
    own = [s for s in scored if clause is not None and clause[0] <= s[1].mention.start - sentence.start < clause[1]]
    if own and max(own, key=lambda s: s[0])[2] not in ("from", "with"):
        scored = own    # the trigger's clause names a place: "Russia deploys warships to Syria's coast as …"
    score, best, relation = max(scored, key=lambda s: s[0])
    place = best.place
    assert place is not None
    if place.kind in ("road", "river", "border") and relation in ("in", "on"):
        relation = "along"
    return EventPlace(place, best, relation, precision_of(place, relation), "sentence")


def adjacent_place(sentences: Sequence[Sentence], index: int, mentions: Sequence[ResolvedMention]) \
        -> EventPlace | None:
    """A settlement named in the next or previous sentence, when sentence ``index`` names its place by a common
    noun only ("retook a strategic northwestern town")."""
    if not _ANAPHOR.search(sentences[index].text):
        return None
    for other in (index + 1, index - 1):
        if other == index + 1 and other < len(sentences) and _SCENE.match(sentences[other].text):
            continue    # "… shelled the city itself. In Khartoum, the army …": the next sentence sets a new scene
        if 0 <= other < len(sentences):
            scene = sentences[other]
            near = [m for m in mentions if _usable(m) and m.place is not None
                    and m.place.kind in ("populated_place", "site")
                    and scene.start <= m.mention.start < scene.end
                    # where the story was filed from is no antecedent of "the town"
                    and not opens_dateline(scene.text, m.mention.start - scene.start, m.mention.end - scene.start)]
            if near:
                place = near[0].place
                assert place is not None
                return EventPlace(place, near[0], "in", precision_of(place, "in"), "adjacent")
    return None


def focus_place(mentions: Sequence[ResolvedMention], text: str | None = None) -> Place | None:
    """The place an article is about: the non-country place it names most, else the country it names most; the
    town of a dateline in ``text`` (where the story was filed from) does not count."""
    counts: Counter[str] = Counter()
    places: dict[str, Place] = {}
    for item in mentions:
        if item.place is not None and item.mention.role == "literal" and not (
                text is not None and opens_dateline(text, item.mention.start, item.mention.end)):
            counts[item.place.id] += 1
            places[item.place.id] = item.place
    finer = [(n, pid) for pid, n in counts.items() if places[pid].kind not in ("country", "continent", "sea")]
    pool = finer if finer and max(finer)[0] >= 2 else [(n, pid) for pid, n in counts.items()]
    if not pool:
        return None
    return places[max(pool, key=lambda x: (x[0], -len(x[1])))[1]]
