"""Who did what to whom, how many died, and who says so — read from one sentence.

* :func:`casualties` — killed and injured figures ("At least 33 Turkish soldiers were killed", "injuring three
  soldiers", "Seven children were among 11 people killed" → 11).
* :func:`actors` — the side that acted and the side acted on, normalised the way ACLED names actors
  ("Syrian government forces" → "Military Forces of Syria", "Greek police" → "Police Forces of Greece").
* :func:`claimants` — who asserts the event ("the Syrian Observatory for Human Rights war monitor said" → SOHR).

Country names come from the geoparser's demonym and country mentions, never from a list of countries here.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from geo.lexicon import MONTHS, WEEKDAYS
from geo.mentions import ResolvedMention

__all__ = ["GENERIC_ACTORS", "NAMED_GROUP", "Actor", "actors", "casualties", "claimants", "named_groups",
           "parse_number"]

_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                      "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i > 1}
#: Vague quantities, counted the conservative way ACLED does.
_VAGUE = {"a dozen": 12, "dozens": 12, "dozens of": 12, "scores": 20, "scores of": 20, "hundreds": 100,
          "hundreds of": 100, "several": 3, "a few": 3}
_NUM = (r"(?:\d{1,3}(?:,\d{3})+|\d+|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|"
        r"four|five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
        r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a dozen|dozens(?: of)?|scores of|"
        r"hundreds(?: of)?|several)")
_QUAL = r"(?:(?:at least|up to|as many as|more than|over|nearly|almost|some|about|around|another|a further)\s+)?"
_KILL = r"(?:killed|dead|died|deaths|fatalities|casualties|lost their lives)"
_HURT = r"(?:wounded|injured|hurt|injuries)"


def parse_number(text: str) -> int | None:
    """An integer from digits or English words ("1,212", "Thirty-four", "dozens").

    >>> parse_number("Thirty-four"), parse_number("1,212"), parse_number("dozens of")
    (34, 1212, 12)
    """
    word = text.strip().lower()
    if word in _VAGUE:
        return _VAGUE[word]
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", word):
        return int(word.replace(",", ""))
    parts = re.split(r"[- ]", word)
    if parts[0] in _TENS:
        return _TENS[parts[0]] + (_UNITS.get(parts[1], 0) if len(parts) > 1 else 0)
    return _UNITS.get(word)


_NUMBER = re.compile(r"\b" + _QUAL + r"(" + _NUM + r")\b", re.IGNORECASE)
_UNIT_AFTER = re.compile(r"\s*(?:-|km|kilomet|mile|year|day|hour|week|month|percent|%)", re.IGNORECASE)
#: Verbs a figure follows ("killing 11", "wounding 12")
_KILL_FIRST, _HURT_FIRST = r"(?:killed|killing|kills|left|shot\s+dead|shooting\s+dead|shot\s+and\s+killed)", \
    r"(?:injuring|wounding|injured|wounded)"
#: One person after such a verb: "shot dead a Palestinian man", "killed a soldier".
_ONE = (r"\s+an?\s+(?:[\w-]+\s+){0,2}?(?:man|woman|boy|girl|child|teenager|person|civilian|soldier|officer|"
        r"policeman|policewoman|journalist|worker|farmer|fighter|militant|commander|protester|student|resident)\b")
#: Right after such a verb: the figure is that verb's ("killed 7 and wounded 12")
_AFTER_A_VERB = re.compile(r"\b(?:" + _KILL_FIRST + "|" + _HURT_FIRST + r")\s+[“\"‘']?" + _QUAL + r"$", re.IGNORECASE)
_MONTH_WORDS = "|".join(sorted(MONTHS, key=len, reverse=True))
#: A day of a date, not a figure: "March 5", "5 March", "Mar. 5"
_MONTH_BEFORE = re.compile(r"\b(?:" + _MONTH_WORDS + r")\.?\s+$", re.IGNORECASE)
_MONTH_AFTER = re.compile(r"(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + _MONTH_WORDS + r")\b", re.IGNORECASE)


def _figures(sentence: str, verb: str, verb_first: str) -> list[int]:
    """Figures before a verb ("34 soldiers were killed": the closest number within six words) or after it
    ("killing 11")."""
    numbers = [(m.start(1), m.end(1), parse_number(m.group(1))) for m in _NUMBER.finditer(sentence)
               if not _UNIT_AFTER.match(sentence[m.end(1):])
               and not re.search(r"\b(?:including|among them|of whom|of them)\s+$", sentence[:m.start()])
               and not _MONTH_BEFORE.search(sentence[:m.start(1)]) and not _MONTH_AFTER.match(sentence[m.end(1):])]
    found: dict[int, int] = {}
    for match in re.finditer(r"\b" + verb + r"\b", sentence, re.IGNORECASE):
        near = [n for n in numbers if n[1] <= match.start() and n[2] is not None
                and len(sentence[n[1]:match.start()].split()) <= 6
                and not re.search(r"[.;:]", sentence[n[1]:match.start()])
                and not _AFTER_A_VERB.search(sentence[:n[0]])]  # "killed 7 and wounded 12": 7 is the killed
        if near:
            total, first = near[-1][2] or 0, near[-1]
            for earlier in reversed([n for n in numbers if n[1] <= first[0] and n[2] is not None]):
                between = sentence[earlier[1]:first[0]]
                if not re.fullmatch(r"\s+(?:[\w-]+\s+){0,3}?(?:and|,)\s+", between) or _AFTER_A_VERB.search(
                        sentence[:earlier[0]]):
                    break
                total, first = total + (earlier[2] or 0), earlier   # "Two soldiers and 16 gunmen were killed"
            found[first[0]] = total
    for match in re.finditer(r"\b" + verb_first + r"\s+[“\"‘']?" + _QUAL + r"(" + _NUM + r")\b", sentence,
                             re.IGNORECASE):
        value = parse_number(match.group(1))
        if value is not None and not _UNIT_AFTER.match(sentence[match.end(1):]):
            found.setdefault(match.start(1), value)
    for match in re.finditer(r"\b" + verb_first + _ONE, sentence, re.IGNORECASE):
        found.setdefault(match.end(), 1)
    return [found[k] for k in sorted(found)]


def casualties(sentence: str) -> tuple[list[int], list[int]]:
    """Killed and injured figures stated in ``sentence``, in order of appearance (empty when none).

    >>> casualties("Two of its soldiers were killed and five wounded following an airstrike.")
    ([2], [5])
    >>> casualties("The attack left at least 34 Turkish soldiers dead.")
    ([34], [])
    >>> casualties("Troops shot dead a Palestinian man and wounded two others.")
    ([1], [2])
    """
    killed = _figures(sentence, _KILL, _KILL_FIRST)
    injured = _figures(sentence, _HURT, _HURT_FIRST)
    both = re.search(r"\b(?:killed|dead)\s+and\s+(" + _NUM + r")\s+" + _HURT, sentence, re.IGNORECASE)
    if both and parse_number(both.group(1)) is not None:
        injured.append(parse_number(both.group(1)) or 0)
    return killed, sorted(set(injured), key=injured.index)


@dataclass(frozen=True, slots=True)
class Actor:
    """An actor as normalised (``name``), as written (``text``), and where (offsets into the sentence)."""

    name: str
    text: str
    start: int
    end: int
    state: bool
    civilian: bool


_FORCES = (r"troops|soldiers|forces|army|military|regime|government|police|coast\s?guards?|border\s+(?:police|guards)"
           r"|jets|planes?|warplanes?|aircraft|drones?|navy|air\s+force|fighters|rebels|militants|opposition"
           r"|insurgents|militias?|militiamen|jihadists|gunmen|protesters|demonstrators|civilians|children|villagers"
           r"|migrants|gangs|gang\s+members|gangsters"
           r"|farmers|herders|fishermen|worshippers|students|pupils|passengers|patients|shoppers"
           r"|refugees|residents|pilots|units|positions|targets|helicopters|choppers|tanks|warships|gunboats")
#: Up to three words before a force's noun, none of them another force ("Rebels killed five soldiers": two actors).
_FORCE = re.compile(r"\b(?:(?:(?!(?:" + _FORCES + r")\b)[\w’'-]+\s+){0,3})(?:" + _FORCES + r")(?:\s+(?:" + _FORCES
                    + r"))*\b", re.IGNORECASE)
_STATE = re.compile(r"troops|soldiers|forces|army|military|regime|government|jets|planes?|warplanes?|aircraft|"
                    r"drones?|navy|air force|pilots|units|positions|helicopters|choppers|targets|tanks|warships|"
                    r"gunboats", re.I)
_POLICE = re.compile(r"police|coast\s?guards?|border\s+(?:police|guards)", re.I)
#: How the names this module gives a kind of actor begin ("Military Forces of Syria", "Rebel groups (Syria)"); any
#: other name is a named group's ("Hezbollah", "Rapid Support Forces").
GENERIC_ACTORS = ("Military Forces", "Police Forces", "Rebel groups", "Gangs", "Civilians", "Protesters", "Migrants")
#: A demonym in the plural names people ("Palestinians", "Israelis"), not the country's forces; "Swiss" is both.
_PEOPLE = re.compile(r"(?!Swiss\b)[A-Z][\w’'-]*s", re.UNICODE)
#: A protest trigger.
_PROTEST_VERB = re.compile(r"protest|demonstrat|rall(?:y|ied|ies)|march", re.IGNORECASE)
#: "backed by X", "rebels led by X": X stands behind a side, it is no agent of the deed.
_BACKED_BY = re.compile(r"\b(?:backed|led|supported|sponsored|headed|commanded|funded|armed)\s+by\s+(?:the\s+)?"
                        r"(?:\S+\s+){0,2}$")
#: Nouns after which "military" or "army" is an adjective, not an actor: "launched a military operation".
_ADJECTIVE_OF = re.compile(r"\s+(?:operations?|offensives?|campaigns?|exercises?|drills?|action|intervention|"
                           r"build-?up|escalation|solution|aid|assistance|cooperation|spending|budget|equipment|"
                           r"hardware|experts?|analysts?|sources|officials?|spokes\w+|courts?|tribunals?|service|"
                           r"zone)\b", re.IGNORECASE)
_NONSTATE = re.compile(r"rebels?|militants|opposition|insurgents|militias?|militiamen|jihadists|gunmen|terrorists?|"
                       r"fighters", re.I)
_CIVIL = re.compile(r"civilians|children|residents|villagers|women|farmers|herders|fishermen|worshippers|students|"
                    r"pupils|passengers|patients|shoppers", re.I)
_MIGRANT = re.compile(r"migrants|refugees", re.I)
_PROTEST = re.compile(r"protesters|demonstrators", re.I)


_CLAIM_VERBS = r"(?:said|says|reported|reports|claimed|claims|announced|stated|confirmed|told|added|adding|denies|" \
               r"denied|acknowledged|cited)"
#: A claim verb after an actor: the actor tells of the event ("…, police said").
_SAYS = re.compile(r"\s+" + _CLAIM_VERBS + r"\b")
#: … unless the claim is of its own deed ("the army said it had repelled", "said on Tuesday they had"), or is
#: itself the deed, quoted ("the Syrian military announced: “the closure of the airspace …”").
#: When a claim was made, between its verb and what it says: "said on Tuesday (it had …)".
_WHEN_SAID = r"(?:on\s+[A-Z]\w+day\s+|(?:today|yesterday)\s+)?"
_SAYS_IT = re.compile(r"\s+" + _CLAIM_VERBS + r"(?:\s*[:“\"]|\s+" + _WHEN_SAID
                      + r"(?:that\s+)?(?:it|they|its|their)\b)")
#: Words after which a force's phrase starts afresh, and the words in -ed that are no verbs before a force's noun.
_DETERMINERS = frozenset({"a", "an", "the", "this", "that", "these", "those", "its", "their", "his", "her"})
_ED_ADJECTIVES = frozenset({"armed", "suspected", "alleged", "unidentified", "masked", "organised", "organized",
                            "united", "allied", "trained", "disguised", "uniformed"})


def _opens_force(word: str) -> bool:
    """A word that may open a force's phrase: capitalised ("Syrian", "RSF"), "government", "regime", "army",
    "military" or "X-backed"."""
    return bool(word[:1].isupper() or word.lower() in ("pro-government", "government", "regime", "army", "military")
                or re.search(r"-backed", word))


#: A weapon or an attack after a demonym: the country's forces used it ("An Israeli strike on an apartment killed").
_WEAPON_AFTER = re.compile(r"\s+(?:air\s+|drone\s+|missile\s+|artillery\s+)?(?:strikes?|raids?|attacks?|missiles?|"
                           r"rockets?|drones?|shells?|shelling|bombardment|artillery|airstrikes?)\b", re.IGNORECASE)
#: An organisation that says "it" did the deed: "Hezbollah said it fired rockets at …" (a person says "he").
_SAID_IT = re.compile(r"(?:^|(?<=[\s“\"]))((?:[A-Z][\w’'-]+\s+){0,3}[A-Z][\w’'-]+)\s+(?:said|says|claimed|announced|"
                      r"confirmed)\s+" + _WHEN_SAID + r"(?:that\s+)?(?:it|they)\s+"
                      r"(?:(?!(?:was|is|were|are|would|will|could|may|might|be|been)\b)[\w-]+\s+){0,3}$")
#: Capitalised words that open such a phrase without naming who acts.
_NOT_SOURCE_NAMES = frozenset({"The", "It", "They", "Officials", "Police", "Army", "Witnesses", "Residents"})


def _country_of(span: tuple[int, int], offset: int, mentions: Sequence[ResolvedMention]) -> str | None:
    for item in mentions:
        place = item.place
        start = item.mention.start - offset
        if place is not None and place.kind == "country" and span[0] <= start < span[1] \
                and item.mention.role in ("demonym", "metonym", "literal"):
            return place.name
    return None


def _name(phrase: str, country: str | None, default: str | None) -> tuple[str, bool, bool] | None:
    head = phrase.split()[-1].lower()
    where = country or default
    if _MIGRANT.fullmatch(head):
        return "Migrants", False, True
    if _PROTEST.fullmatch(head):
        return f"Protesters ({where})" if where else "Protesters", False, False
    if _CIVIL.fullmatch(head):
        return f"Civilians ({where})" if where else "Civilians", False, True
    words = phrase.split()
    if country is None and len(words) >= 2 and all(w[:1].isupper() for w in words) \
            and re.search(r"(?:Forces|Army|Brigades?|Front|Militia|Guards?|Movement|Battalions?)$", phrase) \
            and not re.search(r"\b(?:regime|government|military|state|regular|armed)\b", phrase, re.I) \
            and not (len(words) == 2 and words[0].lower() == "national"):
        return phrase, False, False     # a named armed group: "Rapid Support Forces", "Arakan Army"
    if re.search(r"\b(?:regime|government|army|military)\b", phrase, re.I) and not re.search(r"opposition|rebel",
                                                                                          phrase, re.I):
        return (f"Military Forces of {where}", True, False) if where else None
    if re.search(r"\bgang(?:s|sters|\s+members)\b", phrase, re.I):
        return f"Gangs ({where})" if where else "Gangs", False, False
    if _NONSTATE.search(phrase) or re.search(r"backed by|opposition", phrase, re.I):
        return f"Rebel groups ({where})" if where else "Rebel groups", False, False
    if _POLICE.search(phrase):
        return (f"Police Forces of {where}", True, False) if where else None
    if _STATE.search(head) or re.search(r"\bair\s+force\b", phrase, re.IGNORECASE):
        if country is None and not re.search(r"regime|government|assad", phrase, re.I):
            return None
        return (f"Military Forces of {where}", True, False) if where else None
    return None


#: A named armed group ("Rapid Support Forces"), with the short form the text gives it ("(RSF)").
NAMED_GROUP = re.compile(r"\b((?:[A-Z][\w’'-]*\s+(?:(?:of|the|for|and)\s+){0,2}){1,5}(?:Forces|Army|Brigades?|Front|"
                         r"Militia|Guards?|Movement|Battalions?))\b(?:\s+\(([A-Z0-9]{2,6})\))?")


@functools.cache
def _named_armed_groups() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """The armed groups of ``geo/armed_groups.csv`` as one pattern (longest names first, case as written: "ISIS",
    not "Isis") and each spelling's (name, country whose forces it is, or "")."""
    text = resources.files("geo").joinpath("armed_groups.csv").read_text(encoding="utf-8")
    spellings: dict[str, tuple[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        for spelling in [row["name"], *filter(None, row["aliases"].split("|"))]:
            spellings[spelling] = (row["name"], row["state_of"])
    alternatives = "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True))
    return re.compile(r"(?<![\w-])(?:" + alternatives + r")(?![\w-])"), spellings


def named_groups(text: str) -> dict[str, str]:
    """Short forms of the named armed groups of a text (the initials of their capitalised words, or the short form
    in brackets after the name) → their names: "RSF" → "Rapid Support Forces".

    >>> named_groups("The Rapid Support Forces shelled the city. The RSF denied it.")
    {'RSF': 'Rapid Support Forces'}
    """
    out: dict[str, str] = {}
    for match in NAMED_GROUP.finditer(text):
        name = re.sub(r"^The\s+", "", match.group(1))
        if _name(name, None, None) != (name, False, False):
            continue    # a state's forces ("Turkish Armed Forces" reads as its country's elsewhere)
        initials = "".join(word[0] for word in name.split() if word[:1].isupper())
        for short in (match.group(2), initials if len(initials) >= 2 else None):
            if short:
                out.setdefault(short, name)
    return out


def actors(sentence: str, offset: int, mentions: Sequence[ResolvedMention], trigger_start: int, *,
           default_country: str | None = None, clause: tuple[int, int] | None = None,
           groups: dict[str, str] | None = None, mutual: bool = False) \
        -> tuple[Actor | None, Actor | None, list[Actor]]:
    """(actor1, actor2, all actors) of a sentence around the trigger at ``trigger_start``.

    ``actor1`` acts ("by Syrian government forces", the subject of an active verb), ``actor2`` is acted on (the
    subject of a passive "were killed", the object after the trigger); with ``mutual`` (a trigger such as "clashed",
    "exchanged fire"), two sides named before it are one each. ``offset`` is the sentence's offset in the article
    (mention offsets are article offsets). A country named as the subject of a military verb ("Turkey shot
    down") stands for its armed forces.
    """
    found: list[Actor] = []
    for match in _FORCE.finditer(sentence):
        phrase = match.group().strip()
        words = phrase.split()
        if words[-1].lower() in ("military", "army") and _ADJECTIVE_OF.match(sentence, match.end()):
            continue
        joins = [k for k, word in enumerate(words) if word.lower() in ("and", "or", "but")]
        if joins:  # "Saraqeb and Turkish drones": the actor is after the conjunction
            if joins[-1] >= 1 and words[joins[-1] - 1][:1].isupper() and words[joins[-1]].lower() == "and" \
                    and len(words) - joins[-1] == 3:
                # "Indian and Pakistani troops": two sides, each with the noun
                first = words[joins[-1] - 1]
                at = match.start() + len(" ".join(words[:joins[-1] - 1])) + (1 if joins[-1] > 1 else 0)
                country = _country_of((at, at + len(first)), offset, mentions)
                named = _name(f"{first} {words[-1]}", country, None) if country else None
                if named:
                    found.append(Actor(named[0], first, at, at + len(first), named[1], named[2]))
            words = words[joins[-1] + 1:]
        while words and not _opens_force(words[0]):
            words.pop(0)
        # the phrase starts after its last article or verb: "RSF attacked an army (base)" is "army", the RSF another
        # actor; "A Kenyan-led multinational police (mission)" is "Kenyan-led multinational police"
        cut = max((k + 1 for k, word in enumerate(words[:-1]) if word.lower() in _DETERMINERS
                   or (word.islower() and word.endswith("ed") and word not in _ED_ADJECTIVES)), default=0)
        words = words[cut:]
        if not words:
            words = phrase.split()[-1:]
        phrase = " ".join(words)
        start = match.end() - len(phrase)
        if start < trigger_start and len(sentence[trigger_start:match.end()].split()) > 1:
            # the trigger inside the phrase ("Russia deploys warships"): the phrase is what follows it
            phrase = " ".join(sentence[trigger_start:match.end()].split()[1:])
            start = match.end() - len(phrase)
        backed = re.match(r"(?:\S+[-‑](?:backed|allied|aligned|supported)\s+)+", phrase)
        own = (start + backed.end(), match.end()) if backed else (start, match.end())
        named = _name(phrase, _country_of(own, offset, mentions), default_country)
        if named:
            found.append(Actor(named[0], phrase, start, match.end(), named[1], named[2]))
    pattern, spellings = _named_armed_groups()
    for match in pattern.finditer(sentence):  # "Hezbollah fired rockets at …"
        name, state_of = spellings[match.group()]
        armed = Actor(f"Military Forces of {state_of}" if state_of else name, match.group(), match.start(),
                      match.end(), bool(state_of), False)
        # it names the force a phrase only described ("Al Shabaab militants", "Syrian Democratic Forces")
        found = [a for a in found if not (a.start <= armed.start < a.end or armed.start <= a.start < armed.end)]
        found.append(armed)
    for short, group in (groups or {}).items():  # "The RSF attacked …", named in full elsewhere in the text
        for match in re.finditer(r"\b" + re.escape(short) + r"\b", sentence):
            if not any(a.start <= match.start() < a.end for a in found):
                found.append(Actor(group, short, match.start(), match.end(), False, False))
    for item in mentions:   # "Turkey shot down ...", "Syrian air raid": a country acts through its forces
        start = item.mention.start - offset
        if item.place is None or item.place.kind != "country" or not 0 <= start < trigger_start \
                or any(a.start <= start < a.end for a in found):
            continue
        between = sentence[item.mention.end - offset:trigger_start]
        subject = item.mention.role in ("metonym", "literal") and len(between.split()) <= 3 \
            and not re.search(r"\b(?:said|says|told|claimed|in|of|to|from|by)\b|[,;:()—–]|\s-\s", between) \
            and not re.search(r"\b(?:in|of|to|from|by|at|into|near)\s+(?:the\s+)?$", sentence[:start])
        modifier = item.mention.role == "demonym" and (
            (len(between.split()) <= 1 and not between.strip(" "))
            or bool(_WEAPON_AFTER.match(sentence, item.mention.end - offset)))  # "An Israeli strike on … killed"
        if item.mention.role == "demonym" and _PEOPLE.fullmatch(item.mention.text):
            # "Palestinians protested": people, not their country's forces
            if subject or modifier or not between.strip():
                if _PROTEST_VERB.match(sentence, trigger_start):
                    found.append(Actor(f"Protesters ({item.place.name})", item.mention.text, start,
                                       item.mention.end - offset, False, False))
            continue
        if subject or modifier:
            found.append(Actor(f"Military Forces of {item.place.name}", item.mention.text, start,
                               item.mention.end - offset, True, False))
    said_it = _SAID_IT.search(sentence, 0, trigger_start)  # "Hezbollah said it fired rockets at …"
    if said_it and not any(a.start <= said_it.start(1) < a.end for a in found):
        name = re.sub(r"^The\s+", "", said_it.group(1))
        country = _country_of(said_it.span(1), offset, mentions)
        if country is not None:
            found.append(Actor(f"Military Forces of {country}", name, *said_it.span(1), True, False))
        elif name not in _NOT_SOURCE_NAMES:
            full = (groups or {}).get(name, name)
            found.append(Actor(full, name, *said_it.span(1), False, False))
    found.sort(key=lambda a: a.start)
    if clause is not None:
        found = [a for a in found if clause[0] <= a.start < clause[1]]
    by = next((a for a in found if re.search(r"\bby\s+(?:the\s+)?(?:\S+\s+){0,2}$", sentence[:a.start])
               and not _BACKED_BY.search(sentence[:a.start])), None)
    # a passive ("were killed"), or a headline's bare participle ("5 soldiers killed in Idlib", not "Rebels killed
    # five soldiers": an object after it makes it active)
    victim = re.compile(r"^\s*(?:(?:were|was|have been|had been|been|being|are|is)\b[^.;]{0,40}?\s"
                        r"(?:killed|wounded|injured|targeted|hit|downed|shot|attacked|struck)|(?:killed|dead|"
                        r"wounded|injured)\b(?=\s*(?:$|[,.;:(—–-]|(?:in|by|at(?!\s+least)|on|near|as|after|during|when|while|"
                        r"and|overnight|today|yesterday)\b)))", re.IGNORECASE)
    # an actor whose last word opens the trigger ("Russian jets" of "jets bombed") is still before it
    before = [a for a in found if a is not by and (a.end <= trigger_start or (
        a.start <= trigger_start and len(sentence[trigger_start:a.end].split()) == 1))
        # "Police said eight people were killed": a source; "the army said it had repelled an attack" acts
        and not (_SAYS.match(sentence, a.end) and not _SAYS_IT.match(sentence, a.end))]
    # the subject of a claim after the trigger tells of the event, it takes no part ("…, police said")
    after = [a for a in found if a.start >= trigger_start and a is not by and a not in before
             and not _SAYS.match(sentence, a.end)]
    passive_subject = next((a for a in reversed(before) if victim.match(sentence[a.end:])), None)
    if by is not None:
        target = passive_subject or (before[-1] if before else (after[0] if after else None))
        return by, target, found
    if passive_subject is not None:
        agent = next((a for a in reversed(before) if a.start > passive_subject.end), None)
        return agent or (after[0] if after else None), passive_subject, found
    if mutual and len(before) >= 2 and re.fullmatch(r"\s+and\s+(?:\S+\s+)?",
                                                                  sentence[before[-2].end:before[-1].start]):
        return before[-2], before[-1], found     # "Indian and Pakistani troops exchanged fire": one side each
    return (before[-1] if before else None), (after[0] if after else None), found


_SOURCES: tuple[tuple[str, str], ...] = (
    (r"syrian observatory|\bsohr\b", "SOHR"),
    (r"\bsana\b|syrian arab news agency|syria[’']s official news agency|syrian state news agency"
     r"|official syrian news agency", "SANA"),
    (r"anadolu", "Anadolu Agency"), (r"\bdha\b", "DHA"), (r"\breuters\b", "Reuters"), (r"\bafp\b", "AFP"),
    (r"\binterfax\b", "Interfax"), (r"\btass\b", "TASS"), (r"\bunited nations\b|^(?:the\s+)?un$", "United Nations"),
    (r"\bkremlin\b", "Kremlin"),
)
_SOURCE_WORD = (r"(?:[A-Z][\w’'.-]*|of|for|the|al-\w+|news|agency|ministry|defen[cs]e|war|monitor|officials?|"
                r"activists|media|state|state-run|state-owned|official|television|military|source|sources|human|"
                r"rights|army|police|government|opposition|rebel|local|chief|spokes\w+|governor|regional|"
                r"provincial|mayor|commander|witnesses|residents|medics|doctors|rescuers|\([A-Z]+\))")
_BEFORE_VERB = re.compile(r"(" + _SOURCE_WORD + r"(?:\s+(?:and\s+)?" + _SOURCE_WORD + r"){0,8})\s*,?\s+"
                          r"(?:(?:also|has|had|have|later|then|previously|earlier|reportedly)\s+)?"
                          + _CLAIM_VERBS + r"\b")
#: A preposition (or a Portuguese, Spanish or French particle of a name) right before a run of capitalised words.
_PLACE_PREPOSITION = re.compile(r"\b(?:in|at|near|from|to|into|outside|around|da|de|do|dos|das|du|des|del|la)\s+$")
_STATEMENT = re.compile(r"\b((?:[A-Z][\w’'.-]*\s+){0,3}[A-Z][\w’'.-]*)\s+(?:issued|released|published)\s+a\s+"
                        r"statement\b")
_ACCORDING = re.compile(r"\b(?:according to|citing|cited by|reported by)\s+(?:the\s+)?([^,.;“\"]{2,80}?)(?=[,.;“\"]|$"
                        r"|\s+(?:as|that|on|in)\b)", re.IGNORECASE)
_AFTER_VERB = re.compile(r",\s*(?:said|reported|announced|claimed)\s+((?:[A-Z][\w’'.-]*\s*){1,6})(?=[,.]|$)")
_DROP = re.compile(r"^(?:the|a|an|however|but|and|meanwhile|several|hours|later|shortly|though|although|as|while|"
                   r"when|of|for|[’']s)\s+", re.IGNORECASE)
_NOT_SOURCE = MONTHS | WEEKDAYS | {"today", "yesterday"}
_TITLES = re.compile(r"^(?:(?:turkish|russian|syrian|us|greek|president|defen[cs]e|foreign|interior|minister|"
                     r"secretary|general|spokesman|spokesperson|communications|director|head)\s+)+", re.IGNORECASE)


def _canonical(raw: str) -> str | None:
    text = raw.strip(" ,.;:“”\"'’")
    while _DROP.search(text):
        text = _DROP.sub("", text)
    text = re.sub(r"^[’']s\s+", "", text).replace("’", "'")
    if not text or text.lower() in ("he", "she", "it", "they", "we", "i", "this", "that", "which", "who") \
            or text.lower() in _NOT_SOURCE or not re.search(r"[a-z]{2}", text, re.IGNORECASE):
        return None
    for pattern, name in _SOURCES:
        if re.search(pattern, text, re.IGNORECASE):
            return name
    person = _TITLES.sub("", text)
    if person and person != text and person[:1].isupper():
        return person
    return text if len(text.split()) <= 8 else None


def claimants(sentence: str) -> list[str]:
    """Who the sentence says asserts its content, normalised, in order (empty when nobody is named).

    >>> claimants("26 soldiers were killed, according to the Syrian Observatory for Human Rights war monitor.")
    ['SOHR']
    >>> claimants("Defence Minister Hulusi Akar said on Friday that 309 troops were killed.")
    ['Hulusi Akar']
    """
    found: list[str] = []
    for pattern in (_BEFORE_VERB, _ACCORDING, _AFTER_VERB, _STATEMENT):
        for match in pattern.finditer(sentence):
            if pattern is _BEFORE_VERB and _PLACE_PREPOSITION.search(sentence, 0, match.start()):
                continue    # "troops, deployed near Palma and Mocimboa da Praia, said": a place, not who says
            for part in re.split(r"\s+and\s+", match.group(1)):
                name = _canonical(part)
                if name and name not in found:
                    found.append(name)
    return found
