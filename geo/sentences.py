"""Sentences: split an article into sentences with code-point offsets into its text.

A line break that ends a paragraph, a headline or a photo caption ends a sentence; inside a paragraph a
sentence ends at ``.``, ``!`` or ``?`` (after any closing quote or bracket) followed by white space and a
capital, a digit or an opening quote — unless the period belongs to an abbreviation ("Feb. 27", "U.S. troops",
"Gen. Smith") or an initial.

>>> [s.text for s in split_sentences("Shelling hit the town on Feb. 27. Gen. Ali said so.\\nA caption")]
['Shelling hit the town on Feb. 27.', 'Gen. Ali said so.', 'A caption']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.lexicon import ABBREVIATIONS

__all__ = ["Sentence", "split_sentences"]

_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: ``text == article_text[start:end]``; ``index`` counts sentences; ``paragraph`` lines."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int


def _abbreviation(text: str, period: int) -> bool:
    """True when the period at ``period`` closes an abbreviation or an initial rather than a sentence."""
    word = re.search(r"([A-Za-z.]+)$", text[:period])
    if not word:
        return False
    token = word.group(1)
    if "." in token:                      # U.S., a.m.
        return True
    if len(token) == 1 and token.isupper():  # an initial: "Robert O. Smith"; not the end of a name ("Mrauk-U.")
        return text[word.start(1) - 1:word.start(1)] not in ("-", "‑")
    return token.lower() in ABBREVIATIONS


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``, in order, trimmed of surrounding white space.

    Parameters
    ----------
    text
        The article text exactly as decoded.

    Returns
    -------
    list of Sentence
        Offsets are code points into ``text``.
    """
    out: list[Sentence] = []
    for paragraph, line in enumerate(_LINE.finditer(text)):
        begin = line.start()
        cuts: list[int] = []
        for end in _END.finditer(line.group()):
            stop = end.start()
            if line.group()[stop] == "." and end.end() - stop == 1 and _abbreviation(line.group(), stop):
                continue
            cuts.append(begin + end.end())
        cuts.append(line.end())
        for cut in cuts:
            piece = text[begin:cut]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece.rstrip())
            if trail > lead:
                out.append(Sentence(len(out), begin + lead, begin + trail, piece[lead:trail], paragraph))
            begin = cut
    return out
