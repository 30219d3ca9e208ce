"""The event taxonomy: our ``type``/``subtype`` tokens and their ACLED event and sub-event types.

The tokens live in ``geo/taxonomy.csv`` (type, subtype, ACLED event type, ACLED sub-event type, description), so
the vocabulary is data a reader can check without reading code. ``summary`` records (tallies over a period) have
no ACLED type.

>>> acled("air_strike")
('Explosions/Remote violence', 'Air/drone strike')
>>> acled("territory_captured", state_actor=True)
('Battles', 'Government regains territory')
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

__all__ = ["EventType", "acled", "event_types", "family"]


@dataclass(frozen=True, slots=True)
class EventType:
    """One row of the taxonomy."""

    type: str
    subtype: str
    acled_event_type: str | None
    acled_sub_event_type: str | None
    description: str


@functools.cache
def event_types() -> dict[str, EventType]:
    """The taxonomy, keyed by subtype (loaded once, on first use)."""
    text = resources.files("geo").joinpath("taxonomy.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return {row["subtype"]: EventType(row["type"], row["subtype"], row["acled_event_type"] or None,
                                      row["acled_sub_event_type"] or None, row["description"]) for row in rows}


def family(subtype: str) -> str:
    """The ``type`` of a subtype (``air_strike`` → ``remote_violence``)."""
    return event_types()[subtype].type


def acled(subtype: str, *, state_actor: bool = False, civilian_victims: bool = False) -> tuple[str | None, str | None]:
    """ACLED (event type, sub-event type) of a subtype.

    A territory change by a state force is "Government regains territory"; an attack whose victims are civilians
    is "Violence against civilians / Attack".
    """
    row = event_types()[subtype]
    if subtype == "territory_captured" and state_actor:
        return row.acled_event_type, "Government regains territory"
    if subtype == "attack" and civilian_victims:
        return "Violence against civilians", "Attack"
    return row.acled_event_type, row.acled_sub_event_type
