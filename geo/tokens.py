"""Tokens of an English news text with what the recognizer needs to know about each: capitalisation, the gap
before it, whether it opens a sentence or sits in a headline.

>>> [t.text for t in tokenize("Turkey’s border with Al-Qahtaniyah, U.S. (2020)")]
['Turkey', 's', 'border', 'with', 'Al', 'Qahtaniyah', 'U.S.', '2020']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.lexicon import ABBREVIATIONS

__all__ = ["Token", "tokenize"]

_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W_](?:\w|['’`](?!s\b)(?=\w))*")
_SENTENCE_GAP = re.compile(r"[.!?:;]|\n|[\"“‘'(\[]$")
_HEADLINE_MIN_WORDS = 3


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the text.

    ``gap`` is the text between the previous token and this one; ``initial`` is true at a sentence or quote start
    and on headline-style lines, where capitals say nothing about names.
    """

    start: int
    end: int
    text: str
    gap: str
    initial: bool
    headline: bool

    @property
    def cap(self) -> bool:
        """Starts with a capital letter or is an alphanumeric code ("M5")."""
        return self.text[0].isupper()

    @property
    def upper(self) -> bool:
        """All capitals, two letters or more ("SANA", "US", "U.S.")."""
        letters = self.text.replace(".", "")
        return len(letters) >= 2 and letters.isalpha() and letters.isupper()

    @property
    def lower(self) -> str:
        """The word in lower case."""
        return self.text.lower()


def _headline_lines(text: str) -> list[tuple[int, int]]:
    """Spans of lines written in title case with no closing period (titles, section heads, captions)."""
    spans = []
    position = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", stripped) if len(w) > 3]
        if (len(words) >= _HEADLINE_MIN_WORDS and not stripped.endswith((".", "”", '"', ":"))
                and sum(w[0].isupper() for w in words) >= 0.7 * len(words)):
            spans.append((position, position + len(line)))
        position += len(line)
    return spans


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into :class:`Token` objects (offsets into ``text`` as given)."""
    headlines = _headline_lines(text)
    tokens: list[Token] = []
    previous_end = 0
    previous: str | None = None
    line = 0
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        gap = text[previous_end:start]
        if previous is None:
            initial = True
        elif _SENTENCE_GAP.search(gap):
            # "Dr. Kevin", "Feb. 27", "U.S. Army": the period belongs to an abbreviation
            initial = not (gap.startswith(".") and previous.lower() in ABBREVIATIONS and "\n" not in gap)
        else:
            initial = False
        while line < len(headlines) and headlines[line][1] <= start:
            line += 1
        headline = line < len(headlines) and headlines[line][0] <= start < headlines[line][1]
        tokens.append(Token(start, end, match.group(0), gap, initial, headline))
        previous_end, previous = end, match.group(0)
    return tokens
