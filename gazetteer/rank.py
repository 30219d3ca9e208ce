"""Ranking: how prominent a place is, and how a candidate scores against a query.

Prominence mixes the feature's kind and rank (capital, admin seat, town), its population and how many names it
has (a proxy for how often it is written about: many Syrian towns have population 0 in GeoNames). The candidate
score mixes prominence with the quality of the name match, a bonus when the query's generic term ("province",
"highway") asks for the place's kind, and a penalty for distance from a ``near`` point.

Examples
--------
>>> prominence("populated_place", "PPLC", 2_000_000, 80) > prominence("populated_place", "PPL", 2_000, 3)
True
>>> round(distance_km(35.93, 36.63, 35.86, 36.81), 1)
18.0
"""

from __future__ import annotations

import math

__all__ = [
    "MATCH_SCORES", "MATCH_WEIGHT", "PROMINENCE_WEIGHT", "USER_BONUS", "distance_km", "prominence",
    "prominence_signature", "score", "upper_bound",
]

_KIND_BASE = {
    "continent": 1.0, "country": 0.95, "sea": 0.8, "admin1": 0.65, "region": 0.7, "island": 0.6, "river": 0.6,
    "road": 0.6, "border": 0.6, "admin2": 0.55, "mountain": 0.5, "crossing": 0.5, "airspace": 0.5, "site": 0.45,
}
#: Kinds that have no population of their own.
_UNPOPULATED_KINDS = frozenset({"continent", "sea", "region", "island", "river", "mountain", "road", "border",
                                "crossing", "site", "airspace", "admin1", "admin2"})
#: Weights of kind/rank, population and number of names in :func:`prominence`.
_WEIGHTS = (0.45, 0.35, 0.20)
_CODE_BASE = {"PPLC": 0.85, "PPLA": 0.7, "PPLG": 0.6, "PPLA2": 0.6, "PPLA3": 0.5, "PPLA4": 0.45, "PPL": 0.4}

#: Score of each match type (fuzzy is further multiplied by the square of the product of the key and spelling
#: similarities: see :func:`~gazetteer.matching.fuzzy_matches`).
#: ``shadowed``: an alternate or normalized match of a name that another, prominent place bears as its own
#: (:func:`gazetteer.index._shadow`); still reported as ``alternate`` or ``normalized``.
MATCH_SCORES = {"exact": 1.0, "alternate": 0.96, "normalized": 0.95, "shadowed": 0.85, "loose": 0.7,
                "loose_article": 0.6, "fuzzy": 0.6}

_EARTH_HALF_CIRCUMFERENCE_KM = 20037.5
#: Weights of the match score and of prominence in :func:`score`, and the bonus of a user pack's place.
MATCH_WEIGHT, PROMINENCE_WEIGHT, USER_BONUS = 0.6, 0.4, 0.02


def prominence(kind: str, feature_code: str | None, population: int, n_names: int) -> float:
    """Return a 0–1 prominence from kind and rank, population and number of names.

    Seas, rivers, regions, roads and other features that have no population of their own — and divisions whose
    size is unknown — are ranked on kind and names alone, so the Pacific is not outranked by every small town
    called Pacific, nor the county of Suffolk by a town of that name.
    """
    base = _KIND_BASE.get(kind) or _CODE_BASE.get(feature_code or "", 0.35)
    pop = min(1.0, math.log10(max(population, 0) + 1) / 7.0)
    names = min(1.0, math.log10(max(n_names, 0) + 1) / 2.3)
    w_base, w_pop, w_names = _WEIGHTS
    if population <= 0 and kind in _UNPOPULATED_KINDS:
        w_base += w_pop
        w_pop = 0.0
    return round(w_base * base + w_pop * pop + w_names * names, 5)


def prominence_signature() -> str:
    """The prominence tables as text: part of the index fingerprint, since prominence is stored in the index."""
    return repr((sorted(_KIND_BASE.items()), sorted(_CODE_BASE.items()), _WEIGHTS, sorted(_UNPOPULATED_KINDS)))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def score(match: float, place_prominence: float, kind_cue: bool = False, kind_miss: bool = False,
          km: float | None = None, user: bool = False) -> float:
    """Combine the evidence for one candidate; higher is better.

    Parameters
    ----------
    match
        The match score (see :data:`MATCH_SCORES`).
    place_prominence
        From :func:`prominence`.
    kind_cue, kind_miss
        The query's generic term asks for this place's kind / for another kind.
    km
        Distance from the ``near`` point, if one was given.
    user
        The place comes from a user pack (wins ties against embedded data).

    Notes
    -----
    :func:`~gazetteer.matching.exact_matches` computes the same sum inline when there is no cue and no distance.
    """
    value = MATCH_WEIGHT * match + PROMINENCE_WEIGHT * place_prominence
    if kind_cue:
        value += 0.25
    elif kind_miss:
        value -= 0.1
    if km is not None:
        value -= 0.6 * math.log10(1 + km) / math.log10(1 + _EARTH_HALF_CIRCUMFERENCE_KM)
    if user:
        value += USER_BONUS
    return value


def upper_bound(place_prominence: float, cue: bool, user: bool = True) -> float:
    """The best :func:`score` a place of this prominence can reach (a perfect match, no distance penalty); ``user``
    false: a place known not to come from a user pack (a tighter bound)."""
    return score(1.0, place_prominence, kind_cue=cue, user=user)
