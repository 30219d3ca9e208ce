"""Evaluation of geoparsing against a corpus of gold toponyms (JSON Lines, ../shared/eval/README.md's format).

Metrics (Gritta et al. 2018, 2019): acc@161 (share of gold toponyms placed under 161 km; an unplaced one counts
as a 20,039 km error), the AUC of the log error curve (lower is better), mean and median error, coverage (share
placed at all); in end-to-end mode also recognition precision, recall and F1 (a predicted span is right when it
overlaps a gold span). ``acc@161 area-aware`` also counts a country or admin-1 answer as right when the gold point
lies inside its polygon (a country is an area; its representative point is a convention).
"""

from __future__ import annotations

import json
import math
import os
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazetteer.rank import distance_km
from geo.errors import EvalError, UnsupportedLanguageError
from geo.geoparse import Geoparser
from geo.mentions import ResolvedMention

__all__ = ["Scores", "evaluate", "read_corpus", "resolve_corpus"]

MAX_ERROR_KM = 20039.0
_AREA_KINDS = frozenset({"country", "admin1"})


def read_corpus(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The documents of a JSON Lines corpus; a bad line raises :class:`EvalError` naming file and line."""
    file = Path(path)
    try:
        handle = file.open(encoding="utf-8")
    except OSError as exc:
        raise EvalError(f"cannot read {file}: {exc.strerror or exc}") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalError(f"{file}, line {number}: not JSON ({exc.msg})") from exc
            if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
                raise EvalError(f"{file}, line {number}: each line must be an object with a 'text' string")
            toponyms = doc.get("toponyms") or []
            if not isinstance(toponyms, list) or any(
                    not isinstance(t, dict) or not isinstance(t.get("start"), int) or not isinstance(t.get("end"), int)
                    for t in toponyms):
                raise EvalError(f"{file}, line {number}: 'toponyms' must be a list of objects with integer "
                                "'start' and 'end'")
            yield doc


@dataclass
class Scores:
    """Running totals of one evaluation."""

    mode: str
    errors: list[float] = field(default_factory=list)
    area_hits: int = 0
    placed: int = 0
    predicted: int = 0
    predicted_right: int = 0
    gold: int = 0
    gold_found: int = 0
    confident: int = 0
    confident_right: int = 0
    documents: int = 0
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The metrics as a JSON mapping."""
        n = len(self.errors)
        out: dict[str, Any] = {"mode": self.mode, "documents": self.documents, "toponyms": n}
        if self.mode == "e2e":
            precision = self.predicted_right / self.predicted if self.predicted else 0.0
            recall = self.gold_found / self.gold if self.gold else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            out.update(precision=round(precision, 4), recall=round(recall, 4), f1=round(f1, 4))
        if n:
            ordered = sorted(self.errors)
            auc = (sum((math.log(a + 1) + math.log(b + 1)) / 2 for a, b in zip(ordered, ordered[1:], strict=False))
                   / (math.log(MAX_ERROR_KM) * (n - 1))) if n > 1 else math.log(ordered[0] + 1) / math.log(MAX_ERROR_KM)
            out.update({
                "acc@161": round(sum(e < 161 for e in self.errors) / n, 4),
                "acc@161_area": round((sum(e < 161 for e in self.errors) + self.area_hits) / n, 4),
                "auc": round(auc, 4),
                "mean_km": round(statistics.fmean(self.errors), 1),
                "median_km": round(statistics.median(self.errors), 1),
                "coverage": round(self.placed / n, 4),
                "confident_share": round(self.confident / n, 4),
                "acc@161_when_confident": round(self.confident_right / self.confident, 4) if self.confident else None,
            })
        if self.skipped:
            out["skipped"] = self.skipped
        return out


def _inside_area(item: ResolvedMention, lat: float, lon: float) -> bool:
    place = item.place
    if place is None or place.kind not in _AREA_KINDS or not place.geometry:
        return False
    from shapely.geometry import Point, shape

    geometry = place.geometry_json() or {}
    return geometry.get("type") in ("Polygon", "MultiPolygon") and bool(shape(geometry).contains(Point(lon, lat)))


def _score(scores: Scores, gold: dict[str, Any], item: ResolvedMention | None, confident_at: float) -> None:
    if gold.get("lat") is None or gold.get("lon") is None:
        return
    place = item.place if item is not None else None
    km = distance_km(gold["lat"], gold["lon"], place.lat, place.lon) if place is not None else MAX_ERROR_KM
    scores.errors.append(km)
    if place is not None:
        scores.placed += 1
        if km >= 161 and _inside_area(item, gold["lat"], gold["lon"]):  # type: ignore[arg-type]
            scores.area_hits += 1
        if item is not None and item.resolution.confidence >= confident_at:
            scores.confident += 1
            scores.confident_right += km < 161


def _scored(item: ResolvedMention, include_demonyms: bool) -> bool:
    role = item.mention.role
    return role != "embedded" and (include_demonyms or role != "demonym")


def evaluate(documents: Iterable[dict[str, Any]], parser: Geoparser, *, mode: str = "gold",
             include_demonyms: bool = False, confident_at: float = 0.8) -> Scores:
    """Score ``parser`` on gold documents in ``gold`` (given spans) or ``e2e`` (found spans) mode."""
    if mode not in ("gold", "e2e"):
        raise EvalError(f"unknown mode {mode!r}; use gold or e2e")
    scores = Scores(mode)
    for doc in documents:
        text, toponyms = doc["text"], doc.get("toponyms") or []
        scores.documents += 1
        if mode == "gold":
            resolved = parser.resolve_spans(text, [(t["start"], t["end"]) for t in toponyms])
            for gold, item in zip(toponyms, resolved, strict=True):
                _score(scores, gold, item, confident_at)
            continue
        try:
            found = [m for m in parser.parse(text) if _scored(m, include_demonyms)]
        except UnsupportedLanguageError as exc:
            scores.skipped.append(f"{doc.get('id')}: {exc}")
            found = []
        scores.predicted += len(found)
        scores.predicted_right += sum(any(m.mention.start < t["end"] and t["start"] < m.mention.end
                                          for t in toponyms) for m in found)
        scores.gold += len(toponyms)
        for gold in toponyms:
            match = next((m for m in found if m.mention.start < gold["end"] and gold["start"] < m.mention.end), None)
            scores.gold_found += match is not None
            _score(scores, gold, match, confident_at)
    return scores


def resolve_corpus(documents: Iterable[dict[str, Any]], parser: Geoparser) -> Iterator[dict[str, Any]]:
    """Gold-name mode for ``geo resolve``: each document with its toponyms extended by the resolution."""
    for doc in documents:
        toponyms = doc.get("toponyms") or []
        resolved = parser.resolve_spans(doc["text"], [(t["start"], t["end"]) for t in toponyms],
                                        article=str(doc.get("id")) if doc.get("id") is not None else None)
        out = dict(doc)
        out["toponyms"] = []
        for gold, item in zip(toponyms, resolved, strict=True):
            place = item.place
            out["toponyms"].append({
                **gold,
                "lat": place.lat if place else None,
                "lon": place.lon if place else None,
                "geonameid": place.geonameid if place else None,
                "place_id": place.id if place else None,
                "kind": place.kind if place else None,
                "confidence": round(item.resolution.confidence, 3) if place else None,
            })
        yield out
