"""Shared fixtures: the shared reference data, a small fast gazetteer and the full embedded one.

The full index takes about a minute to build; it is built once per test session (or reused from
``$GEO_TEST_CACHE_DIR`` when set, for quick local runs).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gazetteer import Gazetteer
from gazetteer.sources.countries import CountriesSource
from gazetteer.sources.packs import PackSource, builtin_packs

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared, or skip when it is absent."""
    if not (SHARED / "data").is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def small_sources() -> list:
    """Fast real sources: countries/continents and the shipped packs (builds in about a second)."""
    return [CountriesSource(), *(PackSource(p) for p in builtin_packs())]


@pytest.fixture()
def small_gazetteer(tmp_path: Path, small_sources: list) -> Gazetteer:
    return Gazetteer(cache_dir=tmp_path / "cache", sources=small_sources, packs=[])


@pytest.fixture(scope="session")
def full_gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    """The real embedded gazetteer (cities500, regions, countries, packs), built once."""
    cache = os.environ.get("GEO_TEST_CACHE_DIR") or tmp_path_factory.mktemp("full-cache")
    gaz = Gazetteer(cache_dir=cache, packs=[])
    assert gaz.info()["places"] > 0  # build now, outside any single test's timing
    return gaz


@pytest.fixture(scope="session")
def geoparser(full_gazetteer: Gazetteer):  # type: ignore[no-untyped-def]
    """A geoparser over the full embedded gazetteer."""
    from geo.geoparse import Geoparser

    return Geoparser(full_gazetteer)
