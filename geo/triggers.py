"""Event triggers: the words of a sentence that report something happening, and whether it happened.

Each pattern maps to a subtype of the taxonomy (``geo/taxonomy.csv``). A trigger is dropped when the sentence only
says it might happen ("Turkey warned it will attack", "vowed to respond", "would launch a full-scale offensive"),
that it did not ("did not wish to clash"), or when it is a bare reference to an event told elsewhere ("Following
the air attack, Erdogan held a meeting").

>>> [(t.subtype, t.text) for t in find_triggers("At least 33 soldiers were killed in an air strike on Thursday.")]
[('air_strike', 'air strike'), ('attack', 'killed')]
>>> find_triggers("Turkey warned it will attack all known targets.")
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Trigger", "find_triggers"]


@dataclass(frozen=True, slots=True)
class Trigger:
    """A trigger: ``text == sentence[start:end]`` (offsets into the sentence), its subtype and strength (0–1)."""

    start: int
    end: int
    text: str
    subtype: str
    strength: float


_W = r"(?:[\w’'-]+\s+){0,%d}?"
#: (subtype, strength, pattern). Order matters only for ties: the first pattern wins on the same span.
_PATTERNS: tuple[tuple[str, float, str], ...] = (
    ("aircraft_downed", 1.0, r"\bshot\s+down\b|\bshoots?\s+down\b|\b(?:was|were|been|had been|being)\s+downed\b"
                             r"|\bdowned\b(?=\s+(?:an?|the|two|three|\d+|its|their)\b)|\btaken out a drone\b"),
    ("airspace_closure", 1.0, r"\bclos(?:ure|ing|ed|e)\s+(?:of\s+)?(?:the\s+|its\s+|their\s+)?airspace\b"
                              r"|\bairspace\s+(?:was\s+|is\s+|has been\s+)?closed\b|\bno-fly zone\b"),
    ("drone_strike", 0.9, r"\bdrone\s+(?:strikes?|attacks?)\b|\bdrones?\s+(?:struck|hit|attacked|bombed)\b"),
    ("air_strike", 0.9, r"\bair\s*(?:strikes?|raids?|attacks?)\b|\bairstrikes?\b|\baerial\s+(?:bombardment|attack)s?\b"
                        r"|\b(?:warplanes?|jets?|planes?|aircraft|helicopters?)\s+(?:struck|hit|bombed|pounded|"
                        r"targeted|attacked|carried out)\b|\bbomb(?:ed|ing|ings)\b(?!\s+campaign)"
                        r"|\bdropped\s+(?:\w+\s+){0,2}bombs\b|\b(?:guided|glide|gliding|aerial|barrel)\s+bombs?\b"),
    ("shelling", 0.8, r"\bshelling\b|\bshell(?:ed|s)\b(?=\s+(?:the|a|an|its|their|rebel|army|government|"
                      r"positions?|villages?|towns?|areas?|targets?|neighbou?rhoods?|districts?|homes|houses|"
                      r"residential|civilian|military|several|two|three|four|\d|(?-i:[A-Z]))|\s*[,.;])"
                      r"|\b(?:was|were|been|being)\s+shelled\b|\bshell\s+(?=(?-i:[A-Z]))"
                      r"|\bartillery\s+(?:fire|strikes?|shells?|attacks?)\b"
                      r"|\bmortar\s+(?:fire|shells?|shelling|rounds?|attacks?)\b|\bmortars?\s+(?:hit|struck|fell)\b"
                      r"|\b(?:rockets?|missiles?|shells)\s+(?:hit|struck|fell|landed|slammed)\b"
                      r"|\b(?:missile|rocket)\s+(?:strikes?|attacks?|fire|barrages?)\b"
                      r"|\b(?<!test-)(?:fired|launched|firing|launching)\s+(?:\S+\s+){0,4}?(?:rockets?|missiles?)"
                      r"\s+(?:at|into|towards)\b"
                      r"|(?<![-‑])\bfired\s+(?:\w+\s+){0,2}(?:rockets?|missiles?|mortars?|shells?)\b"
                      r"|\b(?:attacked|struck|hit|targeted|pounded|bombarded|shelled)\b[^.;]{0,60}?\bwith\s+"
                      r"(?:\w+\s+){0,2}(?:missiles|rockets|artillery)\b|\bhowitzers?\s+fire\b"),
    ("explosive", 0.9, r"\b(?:car|roadside|suicide)\s+bomb(?:s|ing|er)?\b|\bIEDs?\b|\blandmines?\b"
                       r"|\bexplosions?\b|\bexploded\b|\bexplosive\s+devices?\b|\bblasts?\b|\bdetonat(?:ed|ion)\b"
                       r"|\bgrenades?\b"),
    ("territory_captured", 0.9, r"\b(?:captur(?:ed|ing|es?)|seiz(?:ed|ing|es?)|retook|retaken|retakes?|retaking"
                                r"|recaptur(?:ed|ing|es?)|overr(?:an|un)"
                                r"|(?:took|taken|taking|seizing|seized|gained|wrested)\s+(?:full\s+|complete\s+|total\s+)?"
                                r"control|liberated|regain(?:ed|ing)?\s+(?:full\s+|complete\s+)?control|fell\s+to"
                                r"|losing\s+the\s+(?:town|city|village)"
                                r"|(?:took|taking|takes|take)\s+the\s+(?:towns?|city|cities|villages?)\s+of)\b"),
    ("riot", 0.9, r"\btear\s*gas\b|\b(?:hurled|threw|throwing|hurling)\s+(?:\w+\s+){0,2}(?:stones|rocks|"
                  r"molotov|bottles|bars)\b|\briot(?:s|ers|ing)?\b"),
    ("peaceful_protest", 0.8, r"\bprotest(?:s|ers|ed|ing)?\b|\bdemonstrat(?:ors|ion|ions|ed)\b|\brall(?:y|ies|ied)\b"
                              r"|\bmarched\b"),
    ("arrest", 0.8, r"(?<!during an )(?<!during the )\barrest(?:ed|s)?\b(?!\s+(?:raids?|operations?|campaigns?|"
                    r"warrants?)\b)|\bdetain(?:ed|s)\b"),
    ("abduction", 0.9, r"\babduct(?:ed|ion|s)?\b|\bkidnap(?:ped|ping|s)?\b"),
    ("attack_on_civilians", 0.9, r"\bmassacre[sd]?\b|\bexecuted\b|\bstabb(?:ed|ing)\s+(?:\w+\s+){0,3}?to\s+death\b"
                                 r"|\b(?:knife|stabbing|machete)\s+attacks?\b"),
    ("deployment", 0.7, r"\bdeploy(?:s|ed|ing|ment)?\b|\bsent\s+(?:\w+\s+){0,3}(?:troops|reinforcements|soldiers|"
                        r"warships|tanks|forces)\b|\b(?:amass|amassing|massing|massed)\s+(?:\w+\s+){0,2}(?:troops|forces)\b"
                        r"|\bpatrol(?:s|led|ling)?\b|\bconvoys?\b|\breinforcements\b|\bmobilis(?:ing|ed)\b"
                        r"|\bmobiliz(?:ing|ed)\b"),
    ("migration", 0.8, r"\b(?:migrants?|refugees?|asylum[- ]seekers?)\b[^.;]{0,60}?\b(?:arrived|arriving|massed|"
                       r"gathered|crossed|crossing|stranded|streaming|pouring|walking|reached)\b"
                       r"|\b(?:arrived|massed|gathered|stranded)\b[^.;]{0,40}?\b(?:migrants?|refugees?)\b"
                       r"|\b(?:people|civilians|thousands|crowds)\b[^.;]{0,30}?\b(?:were\s+|are\s+)?(?:massed|"
                       r"gathered|stranded|stuck)\s+(?:on|at|along|near)\b"),
    ("armed_clash", 0.7, r"\bclash(?:es|ed)?\b|\bfighting\b|\bfought\b|\bgun\s*battles?\b|\bfirefights?\b"
                         r"|\bshoot-?outs?\b|\bgunfights?\b"
                         r"|\bambush(?:ed)?\b|\bexchange[sd]?\s+of\s+fire\b|\bfires?\s+(?:a\s+)?(?:\S+\s+)?gun\b"
                         r"|\b(?:launch(?:ed|es|ing)?|began|begun|started|continu(?:ing|es|ed))\s+(?:an?\s+|the\s+|its\s+|their\s+)"
                         r"(?!(?:[\w-]+\s+){0,2}?(?:search|rescue|relief|evacuation|humanitarian|aid|recovery|clean-?up)"
                         r"\s+operation)(?:[\w-]+\s+){0,3}?(?:operation|offensive|assault|incursion)\b"
                         r"|\b(?:exchang(?:ed|es|ing)|trad(?:ed|ing))\s+(?:heavy\s+|small-arms\s+|artillery\s+|gun\s*)?fire\b"
                         r"|\bretaliat(?:ing|ed|ory\s+(?:attacks?|strikes?))\b"
                         r"|\b(?:repel(?:led|s)?|repuls(?:ed|es)|fought\s+off|beat\s+back)\s+(?:an?\s+|the\s+|several\s+|"
                         r"multiple\s+|\d+\s+)?(?:[\w-]+\s+)?(?:attacks?|assaults?|offensives?|attempts?)\b"),
    ("attack", 0.6, r"\b(?:killed|killing|died|neutrali[sz]ed|casualties|death\s+toll)\b|\bdead\b(?!\s+of\b)"
                    r"|\battack(?:ed|s)?\s+(?:on|against)\b|\battacked\b|\btargeted\b|\bhit\b"
                    r"|\bopened\s+fire\b|\bfired\s+(?:on|at|upon)\b|\bcame\s+under\s+(?:fire|attack)\b"
                    r"|\bstruck\s+(?:\S+\s+){0,5}?(?:facilit(?:y|ies)|sites?|targets?|bases?|positions?|depots?|"
                    r"airfields?|air\s*bases?|bridges?|convoys?|headquarters|infrastructure|refiner(?:y|ies)|ports?|"
                    r"plants?)\b"),
)
_COMPILED = tuple((subtype, strength, re.compile(p, re.IGNORECASE)) for subtype, strength, p in _PATTERNS)

#: Words that make what follows hypothetical or future. "will", "can" and "may" count in lower case only: "Will",
#: "Can" and "May" open names ("Can Dündar", "Will Smith") and dates ("May 14").
_IRREALIS = re.compile(
    r"\b(?:(?-i:will|can)|would|could|might|(?-i:may)(?!\s+\d)|shall|threat(?:en|ened|ens)?\s+to|vow(?:ed|s)?|pledg(?:ed|es)?\s+to"
    r"|promis(?:ed|es)?\s+to|plan(?:s|ned)?\s+to|intend(?:s|ed)?\s+to|intention|desire|wish(?:es)?\s+to|if|unless"
    r"|in\s+order\s+to|aim(?:s|ed)?\s+to|seeks?\s+to|urg(?:ed|es|ing)|call(?:ed|s)?\s+(?:on|for)|to\s+try\s+to"
    r"|tries\s+to|trying\s+to|must|need\s+to|ready\s+to|prepar(?:ed|ing)\s+to|risk|prevent|avert(?:ed)?|deter|stop|halt|should"
    r"|to\s+(?:respond|attack|launch|capture|seize|retake|recapture|repel|push|drive|shoot|strike))\b",
    re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|n[o’']t|never|no)\b", re.IGNORECASE)
#: A clause boundary: irrealis words before it do not reach a trigger after it.
_CLAUSE = re.compile(r"[;:]|,\s+(?:and|but|while|as|after|before|when|adding|saying)\b|\b(?:but|while|after|as)\b"
                     r"|[“\"]", re.IGNORECASE)
#: A bare definite reference to an event told elsewhere ("the attack", "the deadly air strike").
_REFERENCE = re.compile(r"\b(?:the|this|that|these|those|its|their)\s+(?:\S+\s+){0,2}$", re.IGNORECASE)
#: A trigger inside "backed by Russian airstrikes" describes support, not an event.
_BACKING = re.compile(r"\b(?:backed|supported|covered)\s+by\s+(?:\S+\s+){0,2}$", re.IGNORECASE)


def _clause_before(sentence: str, start: int) -> str:
    """The text of the clause that leads up to ``start``."""
    head = sentence[:start]
    cuts = [m.end() for m in _CLAUSE.finditer(head)]
    return head[cuts[-1]:] if cuts else head


def realis(sentence: str, start: int) -> bool:
    """True unless the clause before ``start`` makes the trigger hypothetical, future or negated."""
    clause = _clause_before(sentence, start)
    if re.search(r"\bto\s+(?:have\s+)?$", clause) and not re.search(r"\b(?:thought|believed|said|reported|"
                                                                    r"claimed|appears?|seems?)\s+to\s+have\s+$",
                                                                    clause):
        return False    # "an offensive to seize", "trying to push": a purpose, not an event
    return not (_IRREALIS.search(clause) or _NEGATION.search(clause))


def is_reference(sentence: str, trigger: Trigger) -> bool:
    """True when a noun trigger is a bare definite reference ("the attack", "following the air raid")."""
    if not trigger.text[:1].isalpha() or trigger.subtype in ("territory_captured", "aircraft_downed"):
        return False
    word = trigger.text.split()[-1].lower()
    nominal = word.endswith(("strike", "strikes", "raid", "raids", "attack", "attacks", "operation", "offensive",
                             "assault", "fighting", "clashes", "bombing", "shelling", "incident"))
    return nominal and bool(_REFERENCE.search(sentence[:trigger.start]))


def find_triggers(sentence: str) -> list[Trigger]:
    """The realis event triggers of ``sentence``, strongest and leftmost first; overlapping spans keep the first.

    Parameters
    ----------
    sentence
        One sentence.
    """
    found: list[Trigger] = []
    taken: list[tuple[int, int]] = []
    for subtype, strength, pattern in _COMPILED:
        for match in pattern.finditer(sentence):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            if realis(sentence, span[0]) and not _BACKING.search(sentence[:span[0]]):
                found.append(Trigger(span[0], span[1], match.group(), subtype, strength))
    return sorted(found, key=lambda t: (-t.strength, t.start))
