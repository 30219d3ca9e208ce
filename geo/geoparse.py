"""The geoparser: one call from text to resolved place mentions.

>>> from geo import Geoparser                                        # doctest: +SKIP
>>> [(m.mention.text, m.place.name) for m in Geoparser().parse("Shelling hit Maarat al-Numan.")]  # doctest: +SKIP
[("Maarat al-Numan", "Ma‘arrat an Nu‘mān")]
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace

from gazetteer import Gazetteer
from geo.errors import UnsupportedLanguageError
from geo.language import detect
from geo.mentions import Mention, Resolution, ResolvedMention
from geo.overrides import Overrides
from geo.recognize import Recognizer
from geo.resolve import Resolver

__all__ = ["Geoparser"]

log = logging.getLogger(__name__)

#: A weak mention (a loose spelling match, nothing else) is kept only when the document supports its place.
_MIN_SUPPORT = 0.2
#: A mention by another name of its place (``Mention.other_name``) is kept only when the document gives the place
#: some support: its country named, or a place near it.
_MIN_OTHER_NAME_SUPPORT = 0.01


class Geoparser:
    """Find and resolve the place names of English texts.

    Parameters
    ----------
    gazetteer
        The gazetteer to use (default: the embedded one, opened on first use).
    overrides
        Analyst corrections applied to every result (see :class:`~geo.overrides.Overrides`).
    spacy_model
        Also run this spaCy model's NER and merge its place entities (needs the ``[nlp]`` extra).
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, overrides: Overrides | None = None,
                 spacy_model: str | None = None) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer()
        self.recognizer = Recognizer(self.gazetteer)
        self.resolver = Resolver(self.gazetteer)
        self.overrides = overrides
        self.spacy_model = spacy_model
        self._nlp = None

    def recognize(self, text: str) -> list[Mention]:
        """Mentions of ``text`` (recognition only), after the language check."""
        language = detect(text)
        if language not in (None, "en"):
            raise UnsupportedLanguageError(language)
        mentions = self.recognizer.recognize(text)
        if self.spacy_model:
            from geo.nlp import merge_entities

            mentions = merge_entities(self.recognizer, text, mentions, self.spacy_model)
        return mentions

    def parse(self, text: str, *, article: str | None = None) -> list[ResolvedMention]:
        """Recognise and resolve the place mentions of ``text``, in text order.

        Parameters
        ----------
        text
            The article text.
        article
            The article's id, used to apply analyst overrides.

        Raises
        ------
        UnsupportedLanguageError
            When the text is not English.
        """
        mentions = self.recognize(text)
        resolutions = self.resolver.resolve(text, mentions)
        resolved = [ResolvedMention(m, r) for m, r in zip(mentions, resolutions, strict=True)
                    if not (m.weak and r.support < _MIN_SUPPORT)
                    and not (m.other_name and r.support < _MIN_OTHER_NAME_SUPPORT)]
        return self._override(text, resolved, article)

    def resolve_spans(self, text: str, spans: Iterable[tuple[int, int]], *,
                      article: str | None = None) -> list[ResolvedMention]:
        """Gold-name mode: resolve the given ``(start, end)`` spans (none is dropped), in the given order."""
        mentions = [self.recognizer.mention_at(text, start, end) for start, end in spans]
        resolutions = self.resolver.resolve(text, mentions)
        return self._override(text, [ResolvedMention(m, r) for m, r in zip(mentions, resolutions, strict=True)],
                              article, keep_all=True)

    def _override(self, text: str, resolved: Sequence[ResolvedMention], article: str | None, *,
                  keep_all: bool = False) -> list[ResolvedMention]:
        if self.overrides is None or article is None:
            return list(resolved)
        out = []
        for item in resolved:
            rule = self.overrides.find(article, item.mention)
            if rule is None:
                out.append(item)
            elif rule.place_id is None:
                if keep_all:
                    out.append(ResolvedMention(item.mention, Resolution(None, (), "override", 1.0)))
            else:
                found = self.gazetteer.get(rule.place_id)
                if not found:
                    log.warning("override for %r in %s names unknown place %s; ignored", item.mention.text, article,
                                rule.place_id)
                    out.append(item)
                    continue
                out.append(ResolvedMention(item.mention, replace(item.resolution, place=found[0], method="override",
                                                                 confidence=1.0)))
        return out
