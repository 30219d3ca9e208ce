"""One contract for every event store back end: the same records written to a GeoPackage and to PostGIS give the
same counts, the same round trip and, for every query filter, the same rows in the same order (same frame).

Records: the seeds' real events plus synthetic ones only where the seeds have nothing (the antimeridian, a pole,
areas overlapping a query region by much or by a sliver, hostile strings, unknown fields, missing geometry).
The PostGIS back end needs a server: one throw-away server is started for the session (``tests/pg_server.py``);
without server binaries the PostGIS cases are skipped with the reason, except under CI where they fail.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas
import pytest
from shapely.geometry import Polygon, box

from geo.articles import read_articles
from geo.errors import UsageError
from geo.events import EventExtractor
from geo.store import GpkgStore, WriteResult, query, records_from_frame
from geo.store.postgis import PgStore, open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pg_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
IDLIB = Polygon([(36.18, 35.45), (36.75, 35.40), (37.02, 35.62), (36.98, 36.02), (36.70, 36.25),
                 (36.45, 36.25), (36.25, 36.05), (36.12, 35.80)])
SARAQEB = (35.864, 36.800)
BACKENDS = ("gpkg", "postgis")
_DATABASES = iter(range(10**6))


server = pg_server.for_tests


def new_store(backend: str, tmp_path: Path) -> GpkgStore | PgStore:
    """An empty store of ``backend`` (a new file, or a new database on the session's server)."""
    if backend == "gpkg":
        return GpkgStore(tmp_path / f"events-{next(_DATABASES)}.gpkg")
    return PgStore(server().create_database(f"contract_{os.getpid()}_{next(_DATABASES)}"))


def run_query(store: GpkgStore | PgStore, **filters: Any) -> pandas.DataFrame:
    return store.query(**filters) if isinstance(store, PgStore) else query(store, **filters)


def _point(id_: str, lon: float, lat: float, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "date": "2020-01-01", "date_end": "2020-01-01", "lat": lat, "lon": lon,
            "geometry": {"type": "Point", "coordinates": [lon, lat]}, **fields}


def _area(id_: str, ring: list[tuple[float, float]], **fields: Any) -> dict[str, Any]:
    return {"id": id_, "date": "2020-02-20", "date_end": "2020-03-05", "geo_precision": "admin1",
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}, **fields}


#: Where the seeds have nothing. The antimeridian line is split there (RFC 7946): GeoJSON and geography agree.
EDGES: list[dict[str, Any]] = [
    _point("edge-east", 179.9, 0.0, outlets=["Edge Wire"], sources=[{"article": "edge-a"}]),
    _point("edge-west", -179.9, 0.0),
    _point("edge-pole", 10.0, 89.95, summary="Near the pole."),
    _point("edge-pole-b", 180.0, 89.9),
    {"id": "edge-antimeridian", "date": None, "geometry": {"type": "MultiLineString", "coordinates": [
        [[179.8, 0.2], [180.0, 0.2]], [[-180.0, 0.2], [-179.8, 0.2]]]}},
    _area("edge-area-big", [(36.5, 35.6), (37.5, 35.6), (37.5, 36.2), (36.5, 36.2), (36.5, 35.6)]),
    _area("edge-area-sliver", [(37.01, 35.5), (38.0, 35.5), (38.0, 36.5), (37.01, 36.5), (37.01, 35.5)]),
    _point("edge-hostile'; DROP TABLE events; --", 36.8, 35.9, summary="O'Brien \\ 100% a_b %s $1 \"q\"",
           outlets=["x' OR '1'='1"], claimed_by=["Ünïcode Agency"], custom={"nested": [1, "two", None]}),
    {**_point("edge-nan", 36.0, 35.0, fatalities=0, injured=None, summary=""), "lat": float("nan")},
    {"id": "edge-nogeom", "date": "2020-02-27", "date_end": "2020-02-27", "geometry": None, "summary": "Nowhere."},
]


@pytest.fixture(scope="module")
def seed_records(geoparser) -> list[dict]:  # type: ignore[no-untyped-def]
    articles = sorted(read_articles([ROOT / "seeds"]), key=lambda a: a.path)
    return [event.to_dict() for event in EventExtractor(geoparser, jobs=1).extract(articles)]


@pytest.fixture(scope="module")
def records(seed_records: list[dict]) -> list[dict]:
    return [*seed_records, *EDGES]


@pytest.fixture(scope="module")
def stores(records: list[dict], tmp_path_factory: pytest.TempPathFactory) -> dict[str, GpkgStore | PgStore]:
    """Both back ends holding ``records``."""
    out = {}
    for backend in BACKENDS:
        store = new_store(backend, tmp_path_factory.mktemp(backend))
        assert store.write_events(records) == WriteResult(len(records), 0, 0)
        out[backend] = store
    return out


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgis":
        server()
    return str(request.param)


# -- writing -------------------------------------------------------------------------------------------------------

def test_write_deduplicates_and_replace_overwrites(backend: str, records: list[dict], tmp_path: Path) -> None:
    store = new_store(backend, tmp_path)
    first, second = records[0], {**records[0], "summary": "Second copy."}
    assert store.write_events([first, records[1], second]) == WriteResult(2, 0, 1)  # the first one wins
    assert store.write_events(records + records[:2]) == WriteResult(len(records) - 2, 0, 4)
    assert store.count() == len(records)
    changed = {**records[0], "summary": "Replaced summary."}
    assert store.write_events([changed]) == WriteResult(0, 0, 1)
    assert store.write_events([changed, records[5]], replace=True) == WriteResult(0, 2, 0)
    assert store.write_events([{**changed, "summary": "A"}, {**changed, "summary": "B"}], replace=True) \
        == WriteResult(0, 1, 0)  # the last one wins
    assert store.write_events([_point("brand-new", 1.0, 2.0)], replace=True) == WriteResult(1, 0, 0)
    frame = store.read_events().set_index("id")
    assert frame.loc[changed["id"], "summary"] == "B" and store.count() == len(records) + 1
    assert len(run_query(store, bbox=(-180, -90, 180, 90))) == len(records)  # indexes followed the replace
    assert store.write_events([]) == WriteResult(0, 0, 0)


def test_line_ends_quotes_and_commas_in_values_read_back_exactly(backend: str, tmp_path: Path) -> None:
    """Text from articles holds line ends of every kind; PostGIS rows arrive as CSV, parsed first as if no value
    held one (then again when one does)."""
    store = new_store(backend, tmp_path)
    texts = ["two\nlines", "crlf\r\nend", "cr\ronly", 'a "quote", a comma', "trailing\n", "\n", "plain"]
    store.write_events([_point(f"t{i}", 36.0 + i / 100, 35.0, summary=text, actor1=text)
                        for i, text in enumerate(texts)])
    frame = run_query(store).set_index("id")
    assert [frame.loc[f"t{i}", "summary"] for i in range(len(texts))] == texts
    assert [frame.loc[f"t{i}", "actor1"] for i in range(len(texts))] == texts
    plain = new_store(backend, tmp_path)  # none: the fast parse alone
    plain.write_events([_point(f"p{i}", 36.0, 35.0, summary=f"Event {i}, said \"someone\".") for i in range(50)])
    assert sorted(run_query(plain)["summary"]) == sorted(f"Event {i}, said \"someone\"." for i in range(50))


def test_records_without_an_id_are_refused(backend: str, tmp_path: Path) -> None:
    from geo.store import StoreError

    store = new_store(backend, tmp_path)
    with pytest.raises(StoreError, match="without an id"):
        store.write_events([{"summary": "no id"}])


def test_round_trip_keeps_every_field(stores: dict[str, GpkgStore | PgStore], records: list[dict]) -> None:
    backs = {name: {r["id"]: r for r in records_from_frame(store.read_events())} for name, store in stores.items()}
    assert backs["gpkg"].keys() == backs["postgis"].keys() == {r["id"] for r in records}
    for record in records:
        got = backs["postgis"][record["id"]]
        assert json.dumps(got, sort_keys=True) == json.dumps(backs["gpkg"][record["id"]], sort_keys=True)
        assert set(record) <= set(got) and all(got[k] is None for k in set(got) - set(record))  # missing: null
        for key, value in record.items():
            if key == "geometry":
                assert (got[key] or {}).get("type") == (value or {}).get("type")
                assert json.dumps((got[key] or {}).get("coordinates")) == json.dumps((value or {}).get("coordinates"))
            elif isinstance(value, float) and value != value:
                assert got[key] is None  # NaN is stored as NULL by both
            else:
                assert got[key] == value, key


def test_frames_are_identical(stores: dict[str, GpkgStore | PgStore]) -> None:
    gpkg, pg = (run_query(stores[name]) for name in BACKENDS)
    pandas.testing.assert_frame_equal(pg, gpkg, check_exact=True)
    assert pg.crs == gpkg.crs and str(pg.crs) == "EPSG:4326"


# -- every query filter, both back ends ----------------------------------------------------------------------------

ARTICLE = "003_9540e75d7a9aa565"
BOWTIE = Polygon([(36.0, 35.3), (37.2, 36.4), (37.2, 35.3), (36.0, 36.4)])  # self-intersecting: repaired
FILTERS: list[dict[str, Any]] = [
    {},
    {"bbox": (36.0, 35.3, 37.2, 36.4)},
    {"bbox": (25.5, 40.5, 27.0, 42.0)},
    {"bbox": (179.0, -2, -179.0, 2)},  # across the antimeridian
    {"bbox": (-180, -90, 180, 90)},
    {"polygon": IDLIB},
    {"polygon": BOWTIE},
    {"polygon": box(10, 10, 11, 11)},
    {"polygon": IDLIB, "since": "2020-01-01", "until": "2020-04-30"},
    {"near": SARAQEB, "radius_km": 25},
    {"near": SARAQEB, "radius_km": 60},
    {"near": SARAQEB, "radius_km": 25, "type": "battle"},
    {"near": (0.0, 179.95), "radius_km": 30},
    {"near": (0.0, -179.95), "radius_km": 30},
    {"near": (90.0, 0.0), "radius_km": 20},
    {"near": (89.9, 90.0), "radius_km": 20},  # across the pole
    {"near": SARAQEB, "radius_km": 25, "polygon": IDLIB, "bbox": (36.0, 35.3, 37.2, 36.4)},
    {"since": "2020-02-27", "until": "2020-02-27"},
    {"since": "2020-02-27", "until": "2020-02-27", "include_undated": True},
    {"since": "2020-03-01"},
    {"until": "2020-02-20"},
    {"since": "2021-01-01"},
    {"outlet": "al jazeera"},
    {"outlet": ["SANA", "anadolu agency"]},
    {"outlet": "Al"},
    {"outlet": "x' OR '1'='1"},
    {"article": ARTICLE},
    {"article": "003"},
    {"claimed_by": "sohr"},
    {"claimed_by": "ÜNÏCODE AGENCY"},
    {"claimed_by": "SOHR's friend"},
    {"type": "remote_violence"},
    {"type": "AIR_STRIKE"},
    {"type": "protest"},
    {"max_geo_precision": "settlement"},
    {"max_geo_precision": "country"},
    {"text": "SARAQ"},
    {"text": "100% a_b"},
    {"text": "no such words anywhere"},
    {"limit": 3},
    {"limit": 0},
    {"outlet": "al jazeera", "limit": 2},
    {"since": "2020-02-01", "max_geo_precision": "admin1", "type": "battle", "limit": 5},
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f"{k}={v!s:.20}" for k, v in f.items()) or "all")
def test_every_filter_gives_the_same_rows(stores: dict[str, GpkgStore | PgStore], filters: dict[str, Any]) -> None:
    gpkg, pg = (run_query(stores[name], **filters) for name in BACKENDS)
    assert list(pg["id"]) == list(gpkg["id"])
    pandas.testing.assert_frame_equal(pg, gpkg, check_exact=True)


def test_filters_find_what_they_should(stores: dict[str, GpkgStore | PgStore]) -> None:
    """The shared answers are right, not only equal (the GeoPackage suite checks the seeds in detail)."""
    pg = stores["postgis"]
    ids: Callable[..., set[str]] = lambda **f: set(run_query(pg, **f)["id"])  # noqa: E731
    assert ids(near=(0.0, 179.95), radius_km=30) == {"edge-east", "edge-west", "edge-antimeridian"}
    assert ids(near=(90.0, 0.0), radius_km=20) == {"edge-pole", "edge-pole-b"}
    assert ids(bbox=(179.0, -2, -179.0, 2)) == {"edge-east", "edge-west", "edge-antimeridian"}
    idlib = ids(polygon=IDLIB)
    assert "edge-area-big" in idlib and "edge-area-sliver" not in idlib
    assert {"Saraqib", "M5 highway"} <= set(run_query(pg, near=SARAQEB, radius_km=25)["place_name"])
    assert ids(outlet="X' or '1'='1") == {"edge-hostile'; DROP TABLE events; --"}
    assert ids(text="100% A_B") == {"edge-hostile'; DROP TABLE events; --"}


@pytest.mark.parametrize("bad", [{"near": SARAQEB}, {"max_geo_precision": "street"}, {"since": "last week"}])
def test_bad_filters_are_usage_errors(stores: dict[str, GpkgStore | PgStore], bad: dict[str, Any]) -> None:
    for store in stores.values():
        with pytest.raises(UsageError):
            run_query(store, **bad)


def test_open_store_picks_the_back_end(tmp_path: Path) -> None:
    assert isinstance(open_store(tmp_path / "e.gpkg"), GpkgStore)
    assert isinstance(open_store(str(tmp_path / "e.gpkg")), GpkgStore)
    for url in ("postgresql://u:pw@localhost/db", "postgres://localhost/db", "POSTGRESQL://h/db"):
        assert isinstance(open_store(url), PgStore)
