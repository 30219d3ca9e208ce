"""Spelling folds for place names as news writes them.

Three keys, from strict to loose, are computed for every name in the index and for every query:

``fold``
    Case, diacritics, apostrophes and ʿayn marks, punctuation and dotted abbreviations folded away:
    ``"Ma‘arrat an-Nu‘mān"`` → ``"maarrat an numan"``, ``"U.S."`` → ``"us"``, ``"Ayvacık"`` → ``"ayvacik"``.
``loose``
    ``fold`` plus the transliteration alternations of Arabic and Turkish names: Arabic articles dropped
    (al-/el-/an-/as-/ash-/ad-…), words joined, q/k, e/i, ou/o/u, ay/ai/ei, sh/ş, kh/h, final -ah/-a and
    doubled letters merged: ``"Jisr al-Shughour"`` and ``"Jisr ash Shughur"`` → ``"jisrsugur"``;
    ``"Deir ez-Zor"`` and ``"Dayr az Zawr"`` differ only in the skeleton.
``skeleton``
    ``loose`` without vowels; used only to find candidates for the bounded fuzzy fallback.

Examples
--------
>>> fold("Ma‘arrat an-Nu‘mān")
'maarrat an numan'
>>> loose("Maaret al-Numan") == loose("Ma‘arret an-Nu‘man")
True
>>> loose("Sheikhoun") == loose("Shaykhun")
True
>>> loose("al-Bara") == loose("Bārah")
True
>>> fold("U.S.")
'us'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from operator import itemgetter

__all__ = [
    "ARTICLES",
    "DEMONYM_ADJECTIVE",
    "GENERIC_TERMS",
    "LEADING_AREAS",
    "NAME_ABBREVIATIONS",
    "expand_abbreviations",
    "fold",
    "loose",
    "loose_from_fold",
    "skeleton",
    "skeleton_neighbours",
    "split_generic",
    "without_possessive",
]

#: Letters that Unicode decomposition does not reduce to ASCII.
_SPECIAL = str.maketrans(
    {
        "ı": "i", "İ": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d",
        "þ": "th", "Þ": "th", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "ħ": "h", "Ħ": "h",
        "ŧ": "t", "Ŧ": "t", "ŋ": "n", "ſ": "s",
    }
)
#: Any letter of :data:`_SPECIAL`: a cheap test before translating (``str.translate`` is slow on non-ASCII text).
_SPECIAL_LETTERS = re.compile("[" + "".join(re.escape(chr(c)) for c in _SPECIAL) + "]")
#: Apostrophes, ʿayn and hamza marks: removed without leaving a word break (Ma'arrat → maarrat).
_MARKS = re.compile("['\u2018\u2019\u02bb\u02bc\u02be\u02bf\u02c1\u02bd`\u00b4\u2032\u02b9\u02ca]")
_DOTTED_ABBR = re.compile(r"\b(?:[^\W\d_]\.){2,}")
_NON_ALNUM = re.compile(r"[\W_]+")
#: The combining diacritical marks block without U+034F (a combining class of 0): the marks that follow Latin
#: letters after NFKD, all dropped by :func:`fold` (the test of ``unicodedata.combining`` still runs on what is
#: left when that is not ASCII).
_COMBINING_DIACRITICS = re.compile("[\u0300-\u034e\u0350-\u036f]+")

#: Arabic definite articles and their assimilated forms, plus "the"; dropped from the loose key when another
#: word follows.
ARTICLES = frozenset(
    "al el il ul an as ash ad ar at az adh ath ez es ed er en et ech the".split()
)

#: Letter-sequence rewrites of the loose key, applied in order: the specification that :func:`loose_from_fold`
#: unrolls for speed (``tests/test_normalize.py`` checks the two agree on the seeds' names).
_LOOSE_REPLACE = (
    ("q", "k"), ("ck", "k"), ("dj", "j"), ("sh", "s"), ("kh", "h"), ("gh", "g"), ("ph", "f"), ("y", "i"),
    ("ei", "ai"), ("e", "i"), ("o", "u"),
)
_W_BEFORE_CONSONANT = re.compile(r"w(?=[^aeiou]|$)")
_DOUBLED = re.compile(r"(.)\1+")
#: A doubled letter anywhere: a cheaper test than :data:`_DOUBLED` (most keys have none).
_DOUBLED_PAIR = re.compile(r"(.)\1")
#: Replacement of a :data:`_DOUBLED` match (a callable: cheaper than expanding the ``\1`` template each time).
_FIRST_GROUP = itemgetter(1)
_VOWELS = re.compile(r"[aeiou]")

#: Generic terms a query may carry, mapped to the kinds they point to. Longest first when matching.
GENERIC_TERMS: dict[str, tuple[str, ...]] = {
    "governorate": ("admin1",),
    "province": ("admin1",),
    "state": ("admin1",),
    "region": ("admin1", "region"),
    "oblast": ("admin1",),
    "district": ("admin2", "admin1"),
    "division": ("admin1", "admin2"),
    "prefecture": ("admin1", "admin2"),
    "county": ("admin2", "admin1"),
    "municipality": ("admin2", "populated_place"),
    "countryside": ("admin1", "region", "populated_place"),
    "valley": ("region",),
    "city": ("populated_place",),
    "town": ("populated_place",),
    "village": ("populated_place",),
    "highway": ("road",),
    "motorway": ("road",),
    "freeway": ("road",),
    "expressway": ("road",),
    "road": ("road",),
    "border crossing": ("crossing",),
    "crossing": ("crossing",),
    "border gate": ("crossing",),
    "border": ("border",),
    "sea": ("sea",),
    "island": ("island",),
    "islands": ("island",),
    "river": ("river",),
    "mountains": ("mountain",),
    "mountain": ("mountain",),
    "nuclear power plant": ("site",),
    "nuclear power station": ("site",),
    "nuclear plant": ("site",),
    "power plant": ("site",),
    "dam": ("site",),
    "air base": ("site",),
    "airbase": ("site",),
    "airport": ("site",),
    "base": ("site",),
}
_LEADING_GENERIC = {
    "the town of": ("populated_place",),
    "the city of": ("populated_place",),
    "the village of": ("populated_place",),
    "town of": ("populated_place",),
    "city of": ("populated_place",),
    "village of": ("populated_place",),
    "the province of": ("admin1",),
    "province of": ("admin1",),
    "the island of": ("island",),
    "island of": ("island",),
}
_TRAILING_RE = re.compile(
    r"^(?P<core>.+?)[\s\-]+(?P<term>" + "|".join(sorted(map(re.escape, GENERIC_TERMS), key=len, reverse=True))
    + r")$",
    re.IGNORECASE,
)
_LEADING_RE = re.compile(
    r"^(?P<term>" + "|".join(sorted(map(re.escape, _LEADING_GENERIC), key=len, reverse=True)) + r")\s+(?P<core>.+)$",
    re.IGNORECASE,
)
#: A capitalised adjective of nationality or direction, between "the" and an area's word: "the central Mexican
#: state of Guanajuato", "the southern Syrian province of Daraa", "the Northern Indian states of Bihar" (case-
#: sensitive inside any pattern; "the Islamic State of Iraq" has neither such an adjective nor a lower-case "state").
DEMONYM_ADJECTIVE = r"(?-i:[A-Z][a-z]+(?:an|ese|i|ish)|(?:North|South|East|West)(?:ern)?|Central)"

#: Areas a phrase names before a name: "the province of X", also with up to two lower-case words before the
#: term ("the central state of Guanajuato", "the restive northern province of Idlib"); "state" only in lower
#: case ("the Islamic State of Iraq" is no state)
LEADING_AREAS: dict[str, tuple[str, ...]] = {
    "province": ("admin1",), "state": ("admin1",), "governorate": ("admin1",), "region": ("admin1", "region"),
    "district": ("admin2", "admin1"), "island": ("island",), "municipality": ("admin2", "populated_place"),
}
_LEADING_AREA_RE = re.compile(r"^(?P<term>[Tt]he\s+(?:(?:[a-z\-]+|" + DEMONYM_ADJECTIVE + r")\s+){0,2}"
                              r"(?P<area>province|state|governorate|region|municipality|"
                              r"district|island)\s+of)\s+(?P<core>.+)$")
_THE_RE = re.compile(r"^the\s+", re.IGNORECASE)
#: First words of the leading terms (and "the"), last words of the trailing ones: a query whose first and last
#: words (when ASCII) are none of these carries no generic term, and the regular expressions are skipped.
_LEADING_WORDS = frozenset(term.split(" ")[0] for term in _LEADING_GENERIC) | {"the"}
_TRAILING_WORDS = frozenset(term.split(" ")[-1] for term in GENERIC_TERMS)


def fold(name: str) -> str:
    """Fold case, diacritics, apostrophes, punctuation and dotted abbreviations.

    Parameters
    ----------
    name
        A place name as written.

    Returns
    -------
    str
        Lower-case ASCII-ish words separated by single spaces (non-Latin scripts keep their letters).

    Examples
    --------
    >>> fold("  Çanakkale ")
    'canakkale'
    >>> fold("Deir ez-Zor")
    'deir ez zor'
    """
    text = _DOTTED_ABBR.sub(_undot, name) if "." in name else name
    if text.isascii():  # fast path: most queries
        text = text.replace("'", "").replace("`", "").lower()
        return text if text.isalnum() else _NON_ALNUM.sub(" ", text).strip()  # one ASCII word: nothing to fold
    text = _MARKS.sub("", text.translate(_SPECIAL) if _SPECIAL_LETTERS.search(text) else text)
    text = _COMBINING_DIACRITICS.sub("", unicodedata.normalize("NFKD", text))
    if not text.isascii():
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        if _SPECIAL_LETTERS.search(text):
            text = text.translate(_SPECIAL)
    return _NON_ALNUM.sub(" ", text.casefold()).strip()


def _undot(match: re.Match[str]) -> str:
    return match.group(0).replace(".", "")


#: Arabic generic words that open many names, in their common spellings (Tell/Tall/Tal Rifaat, Kfar/Kafr…).
_WORD_FOLDS = {
    "tell": "tal", "tel": "tal", "tall": "tal", "kfar": "kafr", "kefr": "kafr", "kfr": "kafr",
    "jebel": "jabal", "jabel": "jabal", "djebel": "jabal", "jbel": "jabal", "wady": "wadi",
}


def _drop_final_h(word: str) -> str:
    """Taa marbuta: Barah → Bara, Qahtaniyah → Qahtaniya (words longer than three letters)."""
    return word[:-1] if len(word) > 3 and word[-1] == "h" and word[-2] in "aeiou" else word


def loose_from_fold(folded: str) -> str:
    """The loose key of an already folded name (saves folding twice)."""
    if " " in folded:
        words = folded.split(" ")
        last = words.pop()  # the last word stays, even an article
        words = [_WORD_FOLDS.get(w, w) for w in words if w not in ARTICLES]
        words.append(_WORD_FOLDS.get(last, last))
        if folded[-1] == "h" or "h " in folded:  # some word ends in h (no word fold does)
            words = [_drop_final_h(w) for w in words]
        text = "".join(words)
    elif len(folded) > 3 and folded[-1] == "h" and folded[-2] in "aeiou":  # one word: most queries
        text = folded[:-1]
    else:
        text = folded
    # The rewrites of _LOOSE_REPLACE, unrolled, each skipped when a letter it needs is missing (an ``in`` test is
    # cheaper than a call). y and o come before ck…ph: those rewrites neither read nor write them, so this order
    # gives the same key.
    if "q" in text:
        text = text.replace("q", "k")
    if "y" in text:
        text = text.replace("y", "i")
    text = text.replace("o", "u")
    if "c" in text:
        text = text.replace("ck", "k")
    if "j" in text:
        text = text.replace("dj", "j")
    if "h" in text:
        text = text.replace("sh", "s").replace("kh", "h").replace("gh", "g").replace("ph", "f")
    if "e" in text:
        text = text.replace("ei", "ai").replace("e", "i")
    if "w" in text:
        text = _W_BEFORE_CONSONANT.sub("u", text)
    return _DOUBLED.sub(_FIRST_GROUP, text) if _DOUBLED_PAIR.search(text) else text


def loose(name: str) -> str:
    """Return the transliteration-tolerant key of ``name``.

    Examples
    --------
    >>> loose("An Nayrab") == loose("Nairab")
    True
    >>> loose("Kafr Nabudah") == loose("Kafrnabouda")
    True
    """
    return loose_from_fold(fold(name))


def skeleton(name: str) -> str:
    """Return the consonant skeleton of the loose key (candidate generation for fuzzy matching).

    Examples
    --------
    >>> skeleton("Deir ez-Zor")
    'drzr'
    """
    key = loose(name)
    return key[:1] + _VOWELS.sub("", key[1:]) if key[:1] in "aeiou" else _VOWELS.sub("", key)


#: Abbreviated first words of place names (lower case) and their full forms.
NAME_ABBREVIATIONS: dict[str, str] = {"st": "Saint", "ste": "Sainte", "mt": "Mount", "ft": "Fort", "pt": "Port"}
_NAME_ABBREVIATION_RE = re.compile(r"\b(" + "|".join(NAME_ABBREVIATIONS) + r")\b\.?\s*(?=\S)", re.IGNORECASE)


def expand_abbreviations(name: str) -> str:
    """``name`` with the abbreviations that open place names written out ("St. Marc" → "Saint Marc", "Mt. Hermon"
    → "Mount Hermon"); an abbreviation that ends the name ("Main St") is left alone.

    Examples
    --------
    >>> expand_abbreviations("St. Marc"), expand_abbreviations("Ft Worth"), expand_abbreviations("Main St")
    ('Saint Marc', 'Fort Worth', 'Main St')
    """
    return _NAME_ABBREVIATION_RE.sub(lambda m: NAME_ABBREVIATIONS[m.group(1).lower()] + " ", name)


_POSSESSIVE_RE = re.compile(r"(?<=\w)['’]s$|(?<=[sS])['’]$")


def without_possessive(name: str) -> str:
    """``name`` without a possessive ending ("Syria's", "Turkey’s", "the Philippines'" → "the Philippines"); other
    names unchanged.

    Examples
    --------
    >>> without_possessive("Syria's"), without_possessive("the Philippines’"), without_possessive("Idlib")
    ('Syria', 'the Philippines', 'Idlib')
    """
    return _POSSESSIVE_RE.sub("", name)


#: The consonants of loose keys (q is written k, y is written i).
_CONSONANTS = "bcdfghjklmnprstvwxz"


def skeleton_neighbours(skel: str) -> list[str]:
    """The skeleton and every skeleton one edit away: a consonant dropped or added, or two swapped; none shorter
    than three letters. A misspelling ("Gaziatep", "Gazinatep") usually keeps the skeleton of the name or changes
    it by one such edit. (Replacing a consonant is left out: measured on generated misspellings, it found fewer
    right places than it added wrong ones, at a third more time.)

    Examples
    --------
    >>> neighbours = skeleton_neighbours("gztp")
    >>> all(s in neighbours for s in ("gztp", "gzntp", "ztp", "zgtp"))
    True
    >>> "gztb" in neighbours, "tp" in skeleton_neighbours("gtp")
    (False, False)
    """
    found = dict.fromkeys([skel])
    for i in range(len(skel) + 1):
        before, here, after = skel[:i], skel[i:i + 1], skel[i + 1:]
        for letter in _CONSONANTS:
            found[before + letter + here + after] = None  # added
        if here:
            found[before + after] = None  # dropped
            if after:
                found[before + after[0] + here + after[1:]] = None  # swapped with the next
    return [s for s in found if len(s) >= 3]


def split_generic(query: str) -> tuple[str, str | None, tuple[str, ...]]:
    """Split a generic term off a query: ``"Idlib province"`` → ``("Idlib", "province", ("admin1",))``.

    A leading "the" is always removed. When no generic term is found the cue is ``None`` and the kinds are empty.

    Examples
    --------
    >>> split_generic("the M5 highway")
    ('M5', 'highway', ('road',))
    >>> split_generic("the town of Saraqeb")
    ('Saraqeb', 'the town of', ('populated_place',))
    >>> split_generic("Golan Heights")
    ('Golan Heights', None, ())
    >>> split_generic("the central state of Guanajuato")
    ('Guanajuato', 'the central state of', ('admin1',))
    """
    text = " ".join(query.split())
    first = text.split(" ", 1)[0]
    last = text.rsplit(" ", 1)[-1].rsplit("-", 1)[-1]
    if (first.isascii() and first.lower() not in _LEADING_WORDS
            and last.isascii() and last.lower() not in _TRAILING_WORDS):
        return text, None, ()  # no generic term can match (the common case)
    lead = _LEADING_RE.match(text)
    if lead and (kinds := _kinds_of(_LEADING_GENERIC, lead.group("term"))) is not None:
        return lead.group("core"), lead.group("term"), kinds
    area = _LEADING_AREA_RE.match(text)
    if area:
        return area.group("core"), area.group("term"), LEADING_AREAS[area.group("area")]
    text = _THE_RE.sub("", text)
    trail = _TRAILING_RE.match(text)
    if trail and (kinds := _kinds_of(GENERIC_TERMS, trail.group("term"))) is not None:
        return trail.group("core"), trail.group("term"), kinds
    return text, None, ()


def _kinds_of(table: Mapping[str, tuple[str, ...]], term: str) -> tuple[str, ...] | None:
    """The kinds of a generic term the case-insensitive pattern matched; None when only Unicode case rules made it
    match (the long s of "ſea", the Kelvin sign) and no spelling of the table is equal."""
    kinds = table.get(term.lower())
    return kinds if kinds is not None else table.get(term.casefold())
