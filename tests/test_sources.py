"""One contract every gazetteer source passes (as geopy's backends share one test)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from gazetteer.model import KINDS
from gazetteer.rank import distance_km
from gazetteer.sources.base import Source
from gazetteer.sources.cities import CitiesSource
from gazetteer.sources.counties import CountiesSource
from gazetteer.sources.countries import CountriesSource
from gazetteer.sources.packs import PackSource, builtin_packs
from gazetteer.sources.regions import RegionsSource

SOURCES = {
    "cities": lambda: CitiesSource("cities15000"),
    "regions": RegionsSource,
    "countries": CountriesSource,
    "counties": CountiesSource,
    **{f"pack:{p.stem}": (lambda p=p: PackSource(p)) for p in builtin_packs()},
}
ID = re.compile(r"^[a-z]+(:[A-Za-z0-9_\-]+)+$")


@pytest.fixture(scope="module", params=sorted(SOURCES))
def source_and_records(request: pytest.FixtureRequest) -> tuple:
    source = SOURCES[request.param]()
    return source, list(source.records())


def test_source_contract(source_and_records: tuple) -> None:
    source, records = source_and_records
    assert isinstance(source, Source)
    assert source.fingerprint() == source.fingerprint() and source.fingerprint()
    if not records:  # alias packs add names to other sources' places
        assert isinstance(source, PackSource) and source.aliases
        return
    seen = set()
    for record in records:
        place = record.place
        assert ID.match(place.id), place.id
        assert place.id not in seen
        seen.add(place.id)
        assert place.kind in KINDS
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180
        assert record.names and record.names[0] == place.name
        assert place.geonameid is None or place.id == f"geonames:{place.geonameid}" or place.kind == "admin1"
        assert place.country is None or re.fullmatch(r"[A-Z]{2}", place.country)
        assert place.provenance and json.loads(place.provenance)
        if place.geometry:
            geom = shape(json.loads(place.geometry))
            assert geom.is_valid and geom.geom_type != "Point"
            assert geom.distance(Point(place.lon, place.lat)) < 0.1, place.id  # lon/lat order, on the feature


def test_real_rows_where_they_belong() -> None:
    cities = {r.place.geonameid: r for r in CitiesSource().records() if r.place.country in ("SY", "TR")}
    saraqib = cities[164816].place
    assert (round(saraqib.lat, 2), round(saraqib.lon, 2)) == (35.86, 36.81)
    assert cities[322692].admin1_code == "17" and cities[751427].admin1_code == "55"  # the two Ayvacık


def test_us_counties_lie_among_their_towns() -> None:
    counties = {r.place.id: r.place for r in CountiesSource().records()}
    assert len(counties) > 3000
    towns = {(r.place.name, r.admin1_code): r.place for r in CitiesSource().records()
             if r.place.country == "US"}
    # county → its seat (GeoNames: name, state code): the point lies within 40 km of the seat
    for fips, (seat, state, admin1) in {"18143": ("Scottsburg", "IN", "Indiana"),
                                        "24035": ("Centreville", "MD", "Maryland"),
                                        "06037": ("Los Angeles", "CA", "California"),
                                        "22071": ("New Orleans", "LA", "Louisiana")}.items():
        county = counties[f"uscounty:{fips}"]
        assert (county.kind, county.country, county.admin1, county.approximate) == ("admin2", "US", admin1, True)
        town = towns[(seat, state)]
        assert distance_km(county.lat, county.lon, town.lat, town.lon) < 40, (fips, seat)


def test_counties_build_from_a_script_without_a_main_guard(tmp_path: Path) -> None:
    # the ZIP points are read in a child interpreter; a multiprocessing worker would import this script again,
    # look the name up itself and wait forever for the index its parent is building
    script = tmp_path / "script.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})\n"
        "from gazetteer import Gazetteer\n"
        "from gazetteer.sources.counties import CountiesSource\n"
        f"gaz = Gazetteer(cache_dir={str(tmp_path / 'cache')!r}, sources=[CountiesSource()], packs=[])\n"
        "print(*sorted(c.place.id for c in gaz.lookup('Scott County', limit=20)))\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "uscounty:18143" in done.stdout.split()  # Scott County, Indiana
