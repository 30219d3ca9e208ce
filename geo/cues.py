"""Phrase cues around a name: generic terms ("Aleppo province", "the town of Saraqeb", "the M5 highway"), verbs
of saying that make a name a metonym or a person ("Ankara said", "Akar said"), and border phrases ("Turkey's land
border with Greece", "the Turkish-Syrian border").

Functions here read the text and tokens only; the recognizer decides what to do with what they find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gazetteer.normalize import DEMONYM_ADJECTIVE, GENERIC_TERMS, LEADING_AREAS
from geo.lexicon import AUXILIARIES, REPORT_VERBS
from geo.tokens import Token

__all__ = ["BorderPhrase", "border_phrases", "leading_cue", "opens_dateline", "reporting_verb_follows",
           "source_cue_precedes", "trailing_cue"]

_TRAILING = sorted(GENERIC_TERMS, key=len, reverse=True)
_TRAILING_RE = re.compile(r"(?P<gap>[ \-\u00a0\u202f])(?P<term>" + "|".join(map(re.escape, _TRAILING)) + r")(?!\w)",
                          re.IGNORECASE)
_CAPITALISED_AFTER = re.compile(r" [A-Z]")
# "the province of", "the northern province of", "the central state of" (a lower-case "state": "the Islamic State
# of Iraq" is no state of Iraq), "the states of" (before a list), "the town of"
_LEADING_RE = re.compile(r"(?:(?P<the>the)\s+(?:(?:(?-i:[a-z\-]+)|" + DEMONYM_ADJECTIVE + r")\s+){0,2}(?:(?P<area>"
                         + "|".join(sorted(set(LEADING_AREAS) - {"state"})) + r")s?|(?P<state>(?-i:state))s?)|"
                         r"(?:(?:the)\s+)?(?P<term>town|city|village|port city|border town|hamlet|suburb|"
                         r"neighbourhood|neighborhood))\s+of\s+$", re.IGNORECASE)
_LEADING_KINDS = {"town": ("populated_place",), "city": ("populated_place",), "village": ("populated_place",),
                  "port city": ("populated_place",), "border town": ("populated_place",),
                  "capital": ("populated_place",), "hamlet": ("populated_place",), "suburb": ("populated_place",),
                  "neighbourhood": ("populated_place",), "neighborhood": ("populated_place",), **LEADING_AREAS}
_THE_BEFORE = re.compile(r"(?:^|\s)the\s+$", re.IGNORECASE)
#: "River" before a river's name, as British English writes it.
_RIVER_BEFORE = re.compile(r"(?:\b[Tt]he\s+)?\bRiver\s+$")


#: What follows the place of a dateline ("KHARTOUM, May 12 (Reuters) - ", "GOMA, Democratic Republic of Congo (AP)
#: - ", "BAKU/YEREVAN (Reuters) - ", "MAPUTO - "): other places after a slash or commas, a day, an agency, a dash.
_DATELINE_AFTER = re.compile(r"(?:/[A-Z][\w' .-]*?)?(?:,\s*[A-Z][\w'.]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w'.]*){0,4})"
                             r"{0,2}(?:,?\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)?\s*(?:\([^)\n]{1,40}\)\s*)?"
                             r"[-–—]{1,2}\s")
_DATELINE_BEFORE = re.compile(r"[ \t]*(?:[A-Z][A-Z' .-]*/)*")




def opens_dateline(text: str, start: int, end: int) -> bool:
    """Whether the name at ``text[start:end]`` opens a dateline ("KHARTOUM, May 12 (Reuters) - ", "BAKU/YEREVAN
    (Reuters) - "): the place the story was filed from, a town.

    >>> opens_dateline("GOMA, Democratic Republic of Congo (AP) - Rebels shelled Sake.", 0, 4)
    True
    >>> opens_dateline("Rebels shelled Goma - and Sake.", 15, 19)
    False
    """
    line = text.rfind("\n", 0, start) + 1
    return bool(_DATELINE_BEFORE.fullmatch(text, line, start) and _DATELINE_AFTER.match(text, end))


def trailing_cue(text: str, end: int) -> tuple[int, str, tuple[str, ...]] | None:
    """A generic term right after a name ending at ``end``: (phrase end, term, kinds), or ``None``.

    >>> trailing_cue("in Aleppo province, which", 9)
    (18, 'province', ('admin1',))
    >>> trailing_cue("the M5 highway", 6)
    (14, 'highway', ('road',))
    >>> trailing_cue("Idlib\u00a0province", 5)
    (14, 'province', ('admin1',))
    >>> trailing_cue("Idlib provinces", 5) is None
    True
    """
    found = _TRAILING_RE.match(text, end)
    if not found:
        return None
    term = found.group("term")
    if term[0].isupper() and _CAPITALISED_AFTER.match(text, found.end()):
        return None  # "the US State Department": the term opens an organisation name
    return found.end(), term, GENERIC_TERMS[term.lower()]


def leading_cue(text: str, start: int) -> tuple[int, str, tuple[str, ...]] | None:
    """A phrase such as "the town of" right before a name starting at ``start``: (phrase start, cue, kinds).

    >>> leading_cue("over the town of Saraqeb", 17)
    (5, 'the town of', ('populated_place',))
    >>> leading_cue("in the central state of Guanajuato", 24)
    (3, 'the central state of', ('admin1',))
    >>> leading_cue("fighters of the Islamic State of Iraq", 33) is None
    True
    >>> leading_cue("in the central Mexican state of Guanajuato", 32)
    (3, 'the central Mexican state of', ('admin1',))
    >>> leading_cue("in the northern Indian states of Bihar", 33)
    (3, 'the northern Indian states of', ('admin1',))
    >>> leading_cue("along the River Trent", 16)
    (6, 'river', ('river',))
    """
    window = text[max(0, start - 50):start]
    river = _RIVER_BEFORE.search(window)
    if river:  # British usage: "the River Trent", "River South Esk"
        return start - len(window) + river.start(), "river", GENERIC_TERMS["river"]
    found = _LEADING_RE.search(window)
    if not found:
        return None
    phrase_start = start - len(window) + found.start()
    term = (found.group("term") or found.group("area") or found.group("state")).lower()
    return phrase_start, " ".join(window[found.start():].split()), _LEADING_KINDS[term]


def the_before(text: str, start: int) -> int:
    """``start`` moved back over a directly preceding "the " ("the M5 highway")."""
    found = _THE_BEFORE.search(text[max(0, start - 5):start])
    return start - len(found.group(0).lstrip()) if found else start


def reporting_verb_follows(tokens: list[Token], j: int) -> bool:
    """True when the name ending at token ``j`` is the subject of a verb of saying ("Ankara said", "Washington
    has refused", "Moscow and Ankara agreed").

    >>> from geo.tokens import tokenize
    >>> t = tokenize("However Washington has refused Turkey's requests")
    >>> reporting_verb_follows(t, 1), reporting_verb_follows(t, 4)
    (True, False)
    """
    k = j + 1
    steps = 0
    while k < len(tokens) and steps < 4:
        token = tokens[k]
        if any(ch in token.gap for ch in ",.;:!?\n"):
            return False
        word = token.lower
        if word in REPORT_VERBS:
            return True
        if word in AUXILIARIES or (word == "and" and k + 1 < len(tokens) and tokens[k + 1].cap):
            k += 2 if word == "and" else 1
            steps += 1
            continue
        return False
    return False


def source_cue_precedes(tokens: list[Token], i: int) -> bool:
    """True for "according to X" and "told X" / "X reported"-style attributions before token ``i``."""
    if i >= 2 and tokens[i - 2].lower == "according" and tokens[i - 1].lower == "to":
        return True
    return i >= 1 and tokens[i - 1].lower in ("told", "tells") and "\n" not in tokens[i].gap


@dataclass(frozen=True, slots=True)
class BorderPhrase:
    """A border named by two countries (or one, the other taken from the document)."""

    start: int
    end: int
    phrase_start: int
    phrase_end: int
    first: int  # index of the first country mention
    second: int | None  # index of the second, or None when the text names only one side


_POSSESSIVE_WITH = re.compile(r"^['’]s\s+(?:(?:land|sea|maritime|southern|northern|eastern|western|common|"
                              r"shared|long|porous|mountainous)\s+)*borders?\s+with\s+(?:the\s+)?$", re.IGNORECASE)
_DASH = re.compile(r"^\s?[-–/]\s?$")
_BORDER_AFTER = re.compile(r"\s+border(?:s)?\b", re.IGNORECASE)
_BETWEEN = re.compile(r"border\s+between\s+(?:the\s+)?$", re.IGNORECASE)
_AND = re.compile(r"^\s+and\s+(?:the\s+)?$", re.IGNORECASE)
_WITH_BEFORE = re.compile(r"(?:the|its|their|a|his|her)\s+(?:(?:land|sea|southern|northern|eastern|western|long|"
                          r"common|shared)\s+)*borders?\s+with\s+(?:the\s+)?$", re.IGNORECASE)
_ONE_SIDE_AFTER = re.compile(r"\s+border(?:s)?\b(?!\s+(?:police|guards?|officials?|security|services|gates?|"
                             r"crossings?|towns?|areas?|regions?|provinces?|cities|city|villages?))", re.IGNORECASE)


def border_phrases(text: str, spans: list[tuple[int, int]]) -> list[BorderPhrase]:
    """Border phrases over country mentions ``spans`` (start, end), in text order.

    >>> s = "Turkey’s land border with Greece and the Turkish-Syrian border"
    >>> [(b.first, b.second) for b in border_phrases(s, [(0, 6), (26, 32), (41, 48), (49, 55)])]
    [(0, 1), (2, 3)]
    """
    found: list[BorderPhrase] = []
    used: set[int] = set()
    for a, (start_a, end_a) in enumerate(spans):
        if a in used:
            continue
        nxt = spans[a + 1] if a + 1 < len(spans) else None
        if nxt is not None:
            between = text[end_a:nxt[0]]
            if _POSSESSIVE_WITH.match(between):
                found.append(BorderPhrase(start_a, nxt[1], start_a, nxt[1], a, a + 1))
                used |= {a, a + 1}
                continue
            after = _BORDER_AFTER.match(text, nxt[1])
            if _DASH.match(between) and after:
                found.append(BorderPhrase(start_a, nxt[1], the_before(text, start_a), after.end(), a, a + 1))
                used |= {a, a + 1}
                continue
            if _BETWEEN.search(text[max(0, start_a - 30):start_a]) and _AND.match(between):
                begin = start_a - len(_BETWEEN.search(text[max(0, start_a - 30):start_a]).group(0))  # type: ignore
                found.append(BorderPhrase(start_a, nxt[1], begin, nxt[1], a, a + 1))
                used |= {a, a + 1}
                continue
        with_before = _WITH_BEFORE.search(text[max(0, start_a - 40):start_a])
        if with_before:
            begin = start_a - len(with_before.group(0))
            found.append(BorderPhrase(start_a, end_a, begin, end_a, a, None))
            used.add(a)
            continue
        one_side = _ONE_SIDE_AFTER.match(text, end_a)
        if one_side:
            found.append(BorderPhrase(start_a, one_side.end(), the_before(text, start_a), one_side.end(), a, None))
            used.add(a)
    return found
