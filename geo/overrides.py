"""Analyst corrections: a CSV of fixed resolutions applied on every run, so a correction survives re-processing.

Columns (header required): ``article`` (the article id — its file stem — or ``*`` for every article), ``start``
and ``end`` (the mention's span; optional), ``name`` (the mention's text; used when no span is given),
``place_id`` (the right place, e.g. ``geonames:166161``; empty or ``none`` when the name is not a place), and an
optional ``note``. A span rule wins over a name rule, an article's rule over a ``*`` rule.

>>> rules = Overrides.from_text("article,start,end,name,place_id\\n*,,,Moria,pack:levant:moria\\n", "x.csv")
>>> rules.find("any", Mention(0, 5, "Moria", 0, 5)).place_id
'pack:levant:moria'
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from geo.errors import OverrideError
from geo.mentions import Mention

__all__ = ["Override", "Overrides"]


@dataclass(frozen=True, slots=True)
class Override:
    """One correction: where it applies and the place (``None``: not a place)."""

    article: str
    start: int | None
    end: int | None
    name: str | None
    place_id: str | None
    note: str = ""


class Overrides:
    """A set of :class:`Override` rules, looked up by article and mention."""

    def __init__(self, rules: list[Override]) -> None:
        self.rules = rules
        self._spans = {(r.article, r.start, r.end): r for r in rules if r.start is not None}
        self._names = {(r.article, r.name.casefold()): r for r in rules if r.start is None and r.name}

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Overrides:
        """Read an overrides CSV (UTF-8)."""
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise OverrideError(f"cannot read overrides file {file}: {exc}") from exc
        return cls.from_text(text, str(file))

    @classmethod
    def from_text(cls, text: str, label: str) -> Overrides:
        """Parse overrides CSV text; ``label`` names the source in errors."""
        reader = csv.DictReader(io.StringIO(text))
        missing = {"article", "place_id"} - set(reader.fieldnames or ())
        if missing:
            raise OverrideError(f"{label}: missing column(s) {', '.join(sorted(missing))}; "
                                "expected article,start,end,name,place_id[,note]")
        rules = []
        for line, row in enumerate(reader, start=2):
            article = (row.get("article") or "").strip()
            start, end = (row.get("start") or "").strip(), (row.get("end") or "").strip()
            name = (row.get("name") or "").strip() or None
            place = (row.get("place_id") or "").strip()
            if not article:
                raise OverrideError(f"{label}, line {line}: 'article' is empty (use * for every article)")
            if bool(start) != bool(end) or (start and not (start.isdigit() and end.isdigit())):
                raise OverrideError(f"{label}, line {line}: start and end must both be given as whole numbers")
            if not start and not name:
                raise OverrideError(f"{label}, line {line}: give a span (start, end) or a name")
            rules.append(Override(article, int(start) if start else None, int(end) if end else None, name,
                                  None if place.lower() in ("", "none") else place, (row.get("note") or "").strip()))
        return cls(rules)

    def find(self, article: str, mention: Mention) -> Override | None:
        """The rule for a mention of an article, or ``None``."""
        for scope in (article, "*"):
            rule = self._spans.get((scope, mention.start, mention.end))
            if rule is not None:
                return rule
        for scope in (article, "*"):
            rule = self._names.get((scope, mention.text.casefold()))
            if rule is not None:
                return rule
        return None
