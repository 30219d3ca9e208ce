"""Records of the geoparsing stages: a :class:`Mention` found in a text, the :class:`Resolution` of it, and the
:class:`ResolvedMention` that pairs them (CONTRACTS.md's mention object).

Offsets are code-point offsets into the text exactly as given, so ``text[m.start:m.end] == m.text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gazetteer.model import Candidate, Place

__all__ = ["RECOGNIZERS", "ROLES", "Mention", "Resolution", "ResolvedMention"]

#: Roles of a mention (CONTRACTS.md).
ROLES = frozenset({"literal", "metonym", "demonym", "embedded"})
#: Who found a mention.
RECOGNIZERS = frozenset({"gazetteer", "cue", "demonym", "border", "spacy", "gold"})


@dataclass(frozen=True, slots=True)
class Mention:
    """A place name in a text.

    Parameters
    ----------
    start, end, text
        The proper-name span ("Aleppo" in "Aleppo province", "M5" in "the M5 highway").
    phrase_start, phrase_end, cue
        The whole phrase and its generic term ("province", "highway", "the town of", "border"); the phrase equals
        the name span and ``cue`` is ``None`` when there is no generic term.
    role
        One of :data:`ROLES`.
    recognizer
        What found it (one of :data:`RECOGNIZERS`, or two joined by ``+``).
    kinds
        Kinds the phrase asks for (``("admin1",)`` for "province").
    countries
        For a border phrase: the ISO codes of the countries it separates.
    weak
        Only a loose spelling match with no phrase cue: kept only when the rest of the document supports the
        place it resolves to.
    other_name
        Found only by an alternate name unlike the place's own (a former, other-language or nick name: "Derik"
        for Al-Malikiyah, "Google" for Topeka), with no phrase cue: kept only when the document gives that place
        some support (its country named, or a place near it).
    """

    start: int
    end: int
    text: str
    phrase_start: int
    phrase_end: int
    cue: str | None = None
    role: str = "literal"
    recognizer: str = "gazetteer"
    kinds: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    weak: bool = False
    other_name: bool = False

    def phrase(self, text: str) -> str:
        """The whole phrase in ``text`` ("Idlib province")."""
        return text[self.phrase_start:self.phrase_end]


@dataclass(frozen=True, slots=True)
class Resolution:
    """The place a mention refers to, or ``None`` (abstained), with the runners-up and why.

    ``method`` says what decided: ``containment`` ("Ayvacik in Canakkale"), ``context`` (the other places of the
    document), ``prominence`` (the gazetteer's ranking alone), ``demonym``, ``border``, ``override`` (an analyst's
    correction) or ``abstain``. ``support`` is how much the rest of the document backs the place (0–1; 1 when a
    container says so).
    """

    place: Place | None
    alternatives: tuple[Candidate, ...] = ()
    method: str = "abstain"
    confidence: float = 0.0
    support: float = 0.0


@dataclass(frozen=True, slots=True)
class ResolvedMention:
    """A mention and its resolution."""

    mention: Mention
    resolution: Resolution

    @property
    def place(self) -> Place | None:
        """The resolved place (``None`` when abstained)."""
        return self.resolution.place

    def to_dict(self) -> dict[str, Any]:
        """The mention object of CONTRACTS.md (``geo places --format json``)."""
        m, r, p = self.mention, self.resolution, self.resolution.place
        return {
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "phrase_start": m.phrase_start,
            "phrase_end": m.phrase_end,
            "cue": m.cue,
            "role": m.role,
            "recognizer": m.recognizer,
            "id": p.id if p else None,
            "geonameid": p.geonameid if p else None,
            "name": p.name if p else None,
            "kind": p.kind if p else None,
            "country": p.country if p else None,
            "admin1": p.admin1 if p else None,
            "lat": p.lat if p else None,
            "lon": p.lon if p else None,
            "geometry": p.geometry_json() if p else None,
            "approximate": p.approximate if p else None,
            "confidence": round(r.confidence, 3),
            "method": r.method,
            "alternatives": [
                {"id": c.place.id, "name": c.place.name, "lat": c.place.lat, "lon": c.place.lon,
                 "country": c.place.country, "score": round(c.score, 4)}
                for c in r.alternatives[:3]
            ],
        }
