"""Assemble source records into the places of the index: merge, link admin-1 names, mark seats, rank.

Pure: takes records, returns records. Later sources win: a pack row with a GeoNames id replaces the embedded
record of that id and keeps its names.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from gazetteer.model import Place
from gazetteer.normalize import fold, loose
from gazetteer.rank import prominence
from gazetteer.sources.base import SourceRecord
from gazetteer.sources.packs import Alias
from gazetteer.sources.regions import link_admin1

__all__ = ["assemble"]

log = logging.getLogger(__name__)


def _merge(records: Iterable[SourceRecord]) -> dict[str, SourceRecord]:
    merged: dict[str, SourceRecord] = {}
    for record in records:
        old = merged.get(record.place.id)
        if old is None:
            merged[record.place.id] = record
            continue
        place = record.place
        if not place.population and old.place.population:
            place = replace(place, population=old.place.population)
        names = tuple(dict.fromkeys((*record.names, *old.names)))
        merged[place.id] = SourceRecord(place=place, names=names, admin1_code=record.admin1_code or old.admin1_code,
                                        demonyms=tuple(dict.fromkeys((*record.demonyms, *old.demonyms))))
    return merged


def _name_admin1(merged: dict[str, SourceRecord]) -> None:
    """Give towns their admin-1 name, and mark the most populous namesake town of each region as its seat.

    A town is a namesake when its own name has the loose key of any name of the region: the town Odesa and the
    region "Odeska", also called Odesa."""
    cities = [r for r in merged.values() if r.admin1_code and r.place.admin1 is None]
    regions = [r for r in merged.values() if r.place.kind == "admin1" and r.place.source == "csc"]
    links = link_admin1(cities, regions)
    region_names = {r.place.id: r.place.name for r in regions}
    region_keys = {r.place.id: {loose(name) for name in (r.place.name, *r.names)} - {""} for r in regions}
    seats: dict[str, tuple[int, str]] = {}
    for record in cities:
        region_id = links.get((record.place.country or "", record.admin1_code or ""))
        if region_id is None:
            continue
        region_name = region_names[region_id]
        merged[record.place.id] = replace(record, place=replace(record.place, admin1=region_name))
        if record.place.feature_code == "PPL" and loose(record.place.name) in region_keys[region_id]:
            if record.place.population >= seats.get(region_id, (-1, ""))[0]:
                seats[region_id] = (record.place.population, record.place.id)
    for _, place_id in seats.values():
        record = merged[place_id]
        merged[place_id] = replace(record, place=replace(record.place, feature_code="PPLA"))


def _apply_aliases(merged: dict[str, SourceRecord], aliases: Sequence[Alias]) -> None:
    if not aliases:
        return
    wanted = {(a.country, "country" if a.kind == "demonym" else a.kind, fold(a.target)) for a in aliases}
    index: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for record in merged.values():
        place = record.place
        key = (place.country or "", place.kind, fold(place.name))
        if key in wanted:  # a country, a division, or a town ("Deir al-Balah" for Dayr al Balaḩ)
            index[key].append(place.id)
    for alias in aliases:
        demonym = alias.kind == "demonym"
        for place_id in index.get((alias.country, "country" if demonym else alias.kind, fold(alias.target)), ()):
            record = merged[place_id]
            merged[place_id] = replace(record, demonyms=(*record.demonyms, alias.alias)) if demonym else \
                replace(record, names=(*record.names, alias.alias))


def _admin1_weight(merged: dict[str, SourceRecord]) -> dict[tuple[str, str], int]:
    """Population of the largest town per (country, admin-1 name): a lower bound of the region's size, used to
    rank regions that have no population of their own (never stored as their population)."""
    weight: dict[tuple[str, str], int] = defaultdict(int)
    for record in merged.values():
        place = record.place
        if place.kind == "populated_place" and place.admin1:
            key = (place.country or "", place.admin1)
            weight[key] = max(weight[key], place.population)
    return weight


def assemble(records: Iterable[SourceRecord], aliases: Sequence[Alias] = ()) -> list[SourceRecord]:
    """Merge, link and rank records; return them with ``prominence`` set.

    Parameters
    ----------
    records
        Records of every source, in priority order (later wins on the same id).
    aliases
        Extra names from alias packs.
    """
    merged = _merge(records)
    _apply_aliases(merged, aliases)  # first: an alias of a region also names its seat ("Donetsk")
    _name_admin1(merged)
    weight = _admin1_weight(merged)
    out = []
    for record in merged.values():
        place: Place = record.place
        population = place.population
        if place.kind == "admin1" and not population:
            population = weight.get((place.country or "", place.name), 0)
        value = prominence(place.kind, place.feature_code, population, len(record.names))
        out.append(replace(record, place=replace(place, prominence=value)))
    return out
