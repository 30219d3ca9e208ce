"""Merge reports of the same event, within and across articles — explainably and reversibly.

Two reports are one event when all of these hold (each failure is a reason to keep them apart):

* compatible types: the same subtype, or both acts of violence (strikes, shelling, clashes, attacks); a
  ``summary`` (a tally over a period) never merges;
* overlapping dates (``[date, date_end]`` ranges); undated reports never merge;
* places within a distance that depends on the coarser precision (10 km between settlements, 25 km near one,
  50 km for districts, 150 km or containment for provinces, the same country for countries); a settlement inside
  the province the other report names is compatible ("Al-Bara base in southern Idlib" and "in Idlib province");
* no contradiction in who acted or who was hit (both named and different → apart);
* casualty figures of the same order (the larger at most 2.5 times the smaller: 22, 30, 33 and 34 merge; 2 and
  33 do not).

Beyond these tests, coarse places need evidence: two reports placed only at country level, or placed by the
article's focus rather than their sentence, merge only when they also share the subtype, the figures, an actor,
or sit in adjacent sentences of one article (a definite reference, "the attack", counts for the report it
follows). A report joins the event it has the strongest evidence with and must be compatible with every report
already in it, so merging never chains two incompatible reports through a third. ``merged_because`` says which
tests passed. Reports are kept as they are, so the merge can be undone or redone with other rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from gazetteer.rank import distance_km
from geo.actors import GENERIC_ACTORS
from geo.eventplace import PRECISION, lies_in
from geo.reports import Report

__all__ = ["VIOLENCE", "compatible", "could_merge", "earliest", "merge_reports"]

VIOLENCE = _VIOLENCE = frozenset({"air_strike", "drone_strike", "shelling", "explosive", "armed_clash", "attack",
                       "attack_on_civilians"})
_RADIUS_KM = {"site": 10, "settlement": 10, "near_settlement": 25, "admin2": 50, "line": 100, "admin1": 150,
              "country": 1500, "sea_or_airspace": 1500}


#: How many days before its article's day a report dated by the article may still be of an event.
_LATE = dt.timedelta(days=3)


def earliest(report: Report) -> dt.date | None:
    """The earliest day a dated report may be of: its date, or :data:`_LATE` days before the day of the article
    that dates it."""
    if report.date is None:
        return None
    return report.date - _LATE if report.date_from == "publication" else report.date


def _km(a: Report, b: Report) -> float:
    assert a.place is not None and b.place is not None
    return distance_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon)


def _inside(inner: Report, outer: Report) -> bool:
    i, o = inner.place, outer.place
    assert i is not None and o is not None
    return lies_in(i, o) or (o.kind in ("admin1", "region") and i.country == o.country and _km(inner, outer) <= 120)


def _place_reason(a: Report, b: Report) -> str | None:
    if a.place is None or b.place is None:
        return "one report names no place" if a.place is None and b.place is None else None
    if a.place.id == b.place.id:
        return f"same place ({a.place.name})"
    if a.place.country and b.place.country and a.place.country != b.place.country:
        return None     # a drone strike in Russia's Belgorod region is not the bomb that hit Kharkiv, 70 km away
    pa = PRECISION.index(a.geo_precision or "country")
    pb = PRECISION.index(b.geo_precision or "country")
    fine, coarse = (a, b) if pa <= pb else (b, a)
    distance = _km(a, b)
    if distance <= _RADIUS_KM[coarse.geo_precision or "country"] and \
            (coarse.geo_precision != "country" or fine.place.country in (None, coarse.place.country)):  # type: ignore
        return f"places {distance:.0f} km apart ({fine.place.name} / {coarse.place.name})"  # type: ignore[union-attr]
    if _inside(fine, coarse):
        return f"{fine.place.name} lies in {coarse.place.name}"  # type: ignore[union-attr]
    return None


def _base(a: Report, b: Report) -> str | None:
    """The hard tests: type, date, place, actors, figures. Why they pass, or ``None``."""
    if "summary" in (a.subtype, b.subtype):
        return None
    if a.subtype == b.subtype:
        kind = f"same type ({a.subtype})"
    elif a.subtype in _VIOLENCE and b.subtype in _VIOLENCE:
        kind = f"compatible types ({a.subtype}, {b.subtype})"
    else:
        return None
    if a.date is None or b.date is None:
        return None
    a_end, b_end = a.date_end or a.date, b.date_end or b.date
    # a report dated only by its article ("today or yesterday") may tell of an event a few days before: a headline
    # over a lead that says "on Sunday"
    a_start, b_start = earliest(a) or a.date, earliest(b) or b.date
    if a_start > b_end or b_start > a_end:
        return None
    start, end = max(a_start, b_start), min(a_end, b_end)
    when = f"dates overlap ({start.isoformat()}{'' if start == end else '..' + end.isoformat()})"
    where = _place_reason(a, b)
    if where is None:
        return None
    if not _same_sides(a, b):
        return None
    if a.fatalities and b.fatalities:
        low, high = sorted((a, b), key=lambda r: r.fatalities or 0)
        if (high.fatalities or 0) > 2.5 * (low.fatalities or 0) and not low.vague:
            return None
    figures = f", fatalities {a.fatalities} and {b.fatalities} of the same order" \
        if a.fatalities and b.fatalities else ""
    return f"{kind}, {when}, {where}{figures}"


def _same_sides(a: Report, b: Report) -> bool:
    """False when the reports name different sides: another actor, or the attacker of one is the victim of the
    other. Two sides named in either order (police and migrants clashing) are the same sides."""
    if a.actor1 and a.actor2 and {a.actor1, a.actor2} == {b.actor1, b.actor2}:
        return True
    if a.actor1 and b.actor1 and not _same_actor(a.actor1, b.actor1):
        return False
    if a.actor2 and b.actor2 and not _same_actor(a.actor2, b.actor2):
        return False
    return not ((a.actor1 and a.actor1 == b.actor2) or (b.actor1 and b.actor1 == a.actor2))


def _same_actor(one: str, other: str) -> bool:
    """The same actor, or a named armed group and the rebels one report calls it ("Houthis" and "Rebel groups
    (Yemen)" for "The Houthis said five of their fighters were killed")."""
    if one == other:
        return True
    generic = [name for name in (one, other) if name.startswith("Rebel groups")]
    named = [name for name in (one, other) if not name.startswith(GENERIC_ACTORS)]
    return len(generic) == 1 and len(named) == 1


def _evidence(a: Report, b: Report, leads: frozenset[str] = frozenset()) -> float:
    """How strongly two base-compatible reports point to one event, beyond type, date and place."""
    score = 0.0
    if a.subtype == b.subtype:
        score += 1.0 if a.subtype in _VIOLENCE else 2.0     # a rarer type says more
    score += 1.5 if a.fatalities and b.fatalities else 0.0
    score += 1.0 if a.actor1 and a.actor1 == b.actor1 else 0.0
    score += 1.0 if a.actor2 and a.actor2 == b.actor2 else 0.0
    score += 1.0 if a.place and b.place and a.place.id == b.place.id and a.place_from != "article" \
        and b.place_from != "article" else 0.0
    if a.article == b.article:
        gap = abs(a.sentence_index - b.sentence_index)
        score += 1.0 if gap <= 2 else 0.0
        later, earlier = (a, b) if a.sentence_index > b.sentence_index else (b, a)
        score += 1.5 if later.refers_back and earlier.id in leads else 0.0
    return score


def _needed(a: Report, b: Report) -> float:
    """Evidence two reports need: none between settlements, more the coarser the places."""
    coarse = max(PRECISION.index(r.geo_precision) if r.geo_precision else len(PRECISION) for r in (a, b))
    if "article" in (a.place_from, b.place_from) or coarse >= PRECISION.index("country"):
        return 2.0
    return 1.0 if coarse >= PRECISION.index("admin2") else 0.0


def could_merge(a: Report, b: Report) -> bool:
    """True when ``a`` and ``b`` pass the hard tests (type, dates, place, sides, figures), evidence aside."""
    return _base(a, b) is not None


def compatible(a: Report, b: Report) -> str | None:
    """Why ``a`` and ``b`` report the same event, or ``None`` when they do not."""
    why = _base(a, b)
    if why is None or _evidence(a, b) < _needed(a, b):
        return None
    return why


def merge_reports(reports: Sequence[Report]) -> list[tuple[list[Report], list[str]]]:
    """Group reports into events: ``[(reports, reasons)]``, each group ordered by report id, groups by first id.

    A report joins the group it has the strongest evidence with (every member base-compatible, at least one
    member compatible with enough evidence); ``reasons`` holds, for each report after the first, why it joined.
    """
    groups: list[tuple[list[Report], list[str]]] = []
    index: dict[tuple[str, int], list[int]] = {}
    ordered = sorted(reports, key=lambda r: (r.article, r.sentence_index, r.id))
    leads = _leads(ordered)
    for report in ordered:
        family = "violence" if report.subtype in _VIOLENCE else report.subtype
        days = _days(report)
        best: tuple[float, int, str] | None = None
        if report.subtype != "summary" and days:
            seen: set[int] = set()
            for day in days:
                for number in index.get((family, day), []):
                    if number in seen:
                        continue
                    seen.add(number)
                    members = groups[number][0]
                    base = [_base(report, other) for other in members]
                    if not all(base):
                        continue
                    scored = [(_evidence(report, other, leads) - _needed(report, other), str(why))
                              for other, why in zip(members, base, strict=True)]
                    margin, why = max(scored)
                    if margin >= 0 and (best is None or margin > best[0]):
                        best = (margin, number, why)
        if best is not None:
            groups[best[1]][0].append(report)
            groups[best[1]][1].append(best[2])
        else:
            for day in days:
                index.setdefault((family, day), []).append(len(groups))
            groups.append(([report], []))
    return sorted(groups, key=lambda g: min(r.id for r in g[0]))


def _leads(ordered: Sequence[Report]) -> frozenset[str]:
    """Each article's lead report: its first act of violence, what "the attack" later in the article means."""
    leads: dict[str, str] = {}
    for report in ordered:
        if report.subtype in _VIOLENCE:
            leads.setdefault(report.article, report.id)
    return frozenset(leads.values())


def _days(report: Report, cap: int = 45) -> list[int]:
    """The days (ordinals) a report's date range covers, at most ``cap`` of them (a report dated by its article:
    from :data:`_LATE` days before)."""
    if report.date is None:
        return []
    first = (earliest(report) or report.date).toordinal()
    last = (report.date_end or report.date).toordinal()
    return list(range(first, min(last, first + cap) + 1))
