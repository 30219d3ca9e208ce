"""Score extracted events against a hand annotation (``tests/fixtures/seed_events.json`` is the seeds' one).

Gold format: a JSON array of events, each with ``key``, ``types`` (acceptable subtypes), ``date``/``date_end``
(the acceptable range), ``place`` (``lat``, ``lon``, ``km``: how far the event's point may be), ``reports``
(``article`` id and a ``quote`` of the sentence that reports it), ``fatalities`` (acceptable range of the
conservative figure, or null), ``claimed_by`` (names of which one is expected among claimed_by/outlets) and
``optional``
(borderline events such as photo captions: neither missed when absent nor false when found).

A predicted event matches a gold event when one of its sources is a sentence containing one of the gold quotes
and that source's report has one of the gold types (a sentence may report two events of different types).
Precision counts predicted non-summary events that match some gold event; recall counts non-optional gold
events matched at least once; ``duplicates`` counts gold events matched by more than one predicted event (an
event should be found once). Date, place, type and attribution are scored on the matched pairs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gazetteer.rank import distance_km

__all__ = ["load_gold", "score_events"]


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """The gold events of ``path``."""
    return list(json.loads(Path(path).read_text(encoding="utf-8")))


def _matches(event: Mapping[str, Any], gold: Mapping[str, Any], texts: Mapping[str, str]) -> bool:
    for report in gold["reports"]:
        text = texts.get(report["article"], "")
        at = text.find(report["quote"])
        if at < 0:
            continue
        for source in event["sources"]:
            if source["article"] == report["article"] and source["start"] <= at < source["end"] \
                    and source.get("type", gold["types"][0]) in gold["types"]:
                return True
    return False


def score_events(events: Sequence[Mapping[str, Any]], gold: Sequence[Mapping[str, Any]],
                 texts: Mapping[str, str]) -> dict[str, Any]:
    """Precision, recall, duplicates and per-field accuracy of ``events`` (event records) against ``gold``.

    ``texts`` maps article ids to their text (to locate the gold quotes).
    """
    predicted = [e for e in events if e["subtype"] != "summary"]
    pairs = [(e, g) for e in predicted for g in gold if _matches(e, g, texts)]
    matched_events = {id(e) for e, _ in pairs}
    found: dict[str, list[Mapping[str, Any]]] = {}
    for event, item in pairs:
        found.setdefault(item["key"], []).append(event)
    required = [g for g in gold if not g["optional"]]
    recall = sum(1 for g in required if g["key"] in found) / len(required) if required else 1.0
    precision = len(matched_events) / len(predicted) if predicted else 1.0
    detail: list[dict[str, Any]] = []
    checks = {"date": 0, "place": 0, "type": 0, "attribution": 0, "fatalities": 0}
    for item in gold:
        events_of = found.get(item["key"], [])
        best = max(events_of, key=lambda e: len(e["sources"]), default=None)
        row: dict[str, Any] = {"key": item["key"], "found": len(events_of), "optional": item["optional"]}
        if best is not None:
            row["date_ok"] = bool(best["date"] and item["date"] <= best["date"] and
                                  (best["date_end"] or best["date"]) <= item["date_end"])
            row["place_ok"] = best["lat"] is not None and distance_km(best["lat"], best["lon"], item["place"]["lat"],
                                                              item["place"]["lon"]) <= item["place"]["km"]
            row["type_ok"] = best["subtype"] in item["types"]
            said = " ".join(best["claimed_by"] + best["outlets"]).lower()
            row["attribution_ok"] = not item["claimed_by"] or any(name.lower() in said
                                                                   for name in item["claimed_by"])
            figures = item.get("fatalities")
            row["fatalities_ok"] = figures is None or (best["fatalities"] is not None
                                                       and figures[0] <= best["fatalities"] <= figures[-1])
            row.update(date=best["date"], date_end=best["date_end"], place=(best["place"] or {}).get("name"),
                       subtype=best["subtype"], fatalities=best["fatalities"])
            for name in checks:
                checks[name] += int(row[f"{name}_ok"])
        detail.append(row)
    n = len(found) or 1
    return {
        "gold_events": len(gold), "required": len(required), "predicted": len(predicted),
        "precision": round(precision, 3), "recall": round(recall, 3),
        "duplicates": sum(1 for events_of in found.values() if len(events_of) > 1),
        **{f"{name}_accuracy": round(count / n, 3) for name, count in checks.items()},
        "unmatched_predictions": [e["summary"][:120] for e in predicted if id(e) not in matched_events],
        "detail": detail,
    }
