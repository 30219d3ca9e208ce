"""The persistent index: built on first use, atomically, rebuilt when stale or corrupt, safe under concurrency."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from gazetteer import Gazetteer
from gazetteer.normalize import fold
from gazetteer.index import SCHEMA_VERSION, SHADOWING_PROMINENCE, _shadow, _status, ensure_index, fingerprint_of
from gazetteer.sources.packs import PackSource

ROOT = Path(__file__).resolve().parent.parent


def test_built_on_first_use_then_reused(small_gazetteer: Gazetteer) -> None:
    assert not small_gazetteer.index_path.exists()
    assert small_gazetteer.lookup("Turkey")[0].place.country == "TR"
    assert small_gazetteer.index_path.exists()
    assert ensure_index(small_gazetteer.index_path, small_gazetteer.sources) == "fresh"
    leftovers = [p.name for p in small_gazetteer.index_path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_corrupt_index_is_rebuilt_with_a_warning(small_gazetteer: Gazetteer, caplog: pytest.LogCaptureFixture) -> None:
    path = small_gazetteer.index_path
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database" * 100)
    gaz = Gazetteer(cache_dir=path.parent, sources=small_gazetteer.sources, packs=[])
    with caplog.at_level(logging.WARNING):
        assert gaz.lookup("Greece")[0].place.country == "GR"
    assert "unreadable" in caplog.text


def test_truncated_index_is_rebuilt(small_gazetteer: Gazetteer) -> None:
    small_gazetteer.lookup("Greece")
    small_gazetteer.close()
    path = small_gazetteer.index_path
    path.write_bytes(path.read_bytes()[:4096])
    gaz = Gazetteer(cache_dir=path.parent, sources=small_gazetteer.sources, packs=[])
    assert gaz.lookup("Greece")[0].place.country == "GR"


def test_stale_index_is_rebuilt_when_a_source_changes(tmp_path: Path, small_sources: list) -> None:
    pack = tmp_path / "extra.csv"
    pack.write_text("id,name,alternate_names,kind,feature_code,country,admin1,lat,lon,population,geonameid,wkt,"
                    "approximate,source\nq,Qwertyville,,populated_place,PPL,SY,,35,36,,,,false,test\n")
    sources = [*small_sources, PackSource(pack)]
    gaz = Gazetteer(cache_dir=tmp_path / "c", sources=sources, packs=[])
    assert gaz.lookup("Qwertyville")
    gaz.close()
    pack.write_text(pack.read_text().replace("Qwertyville", "Asdfton"))
    assert _status(gaz.index_path, fingerprint_of(sources)) == "stale"
    gaz = Gazetteer(cache_dir=tmp_path / "c", sources=sources, packs=[])
    assert gaz.lookup("Asdfton") and not gaz.lookup("Qwertyville")


def test_a_build_removes_the_indexes_of_earlier_versions(tmp_path: Path, small_sources: list) -> None:
    cache = tmp_path / "c"
    cache.mkdir()
    older = [cache / f"gazetteer-v1.{ext}" for ext in ("sqlite", "keys", "sqlite.lock")]
    kept = [cache / f"gazetteer-v{SCHEMA_VERSION + 1}.sqlite", cache / "gazetteer-vX.sqlite", cache / "notes.txt"]
    for path in (*older, *kept):
        path.write_bytes(b"x" * 100)
    gaz = Gazetteer(cache_dir=cache, sources=small_sources, packs=[])
    assert gaz.lookup("Greece")
    assert not any(path.exists() for path in older)
    assert all(path.exists() for path in kept)  # a newer version's, and files that are not indexes, stay


_BUILD = """
import sys
from gazetteer.index import ensure_index
from gazetteer.sources.countries import CountriesSource
from gazetteer.sources.packs import PackSource, builtin_packs
from pathlib import Path
print(ensure_index(Path(sys.argv[1]), [CountriesSource(), *(PackSource(p) for p in builtin_packs())]))
"""


def test_two_processes_building_at_once_build_once(tmp_path: Path) -> None:
    path = tmp_path / "shared" / "index.sqlite"
    procs = [subprocess.Popen([sys.executable, "-c", _BUILD, str(path)], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT) for _ in range(2)]
    results = sorted(p.communicate(timeout=120)[0].strip() for p in procs)
    assert all(p.returncode == 0 for p in procs)
    assert results == ["built", "fresh"]
    gaz = Gazetteer(index_path=path, sources=[], packs=[])
    assert gaz.index.meta["complete"] == "1"


def test_info_reports_sources_counts_and_size(small_gazetteer: Gazetteer) -> None:
    info = small_gazetteer.info()
    assert info["places"] == sum(info["places_by_source"].values()) > 250
    assert info["index_bytes"] > 0 and info["build_seconds"] >= 0
    assert "countries" in info["sources"]


def test_damaged_or_foreign_key_table_is_rebuilt(small_gazetteer: Gazetteer) -> None:
    from gazetteer.index import keys_path

    small_gazetteer.lookup("Greece")
    small_gazetteer.close()
    keys = keys_path(small_gazetteer.index_path)
    keys.write_bytes(keys.read_bytes()[:100])  # truncated: header intact, slots gone
    gaz = Gazetteer(cache_dir=small_gazetteer.cache_dir, sources=small_gazetteer.sources, packs=[])
    assert gaz.lookup("Greece")[0].place.country == "GR"
    gaz.close()
    keys.write_bytes(b"GEOKEYS1" + bytes(100))  # a key table of another build
    gaz = Gazetteer(cache_dir=small_gazetteer.cache_dir, sources=small_gazetteer.sources, packs=[])
    assert gaz.lookup("Turkey")[0].place.country == "TR"


def _row(place_id: str, kind: str, country: str, prominence: float, *names: tuple[str, bool]) -> tuple:
    stored = (place_id, names[0][0], kind, 0.0, 0.0, "test", None, None, country, None, 0, None, False, prominence)
    return [(name, fold(name), primary) for name, primary in names], stored


def test_alternate_names_a_prominent_place_bears_are_shadowed() -> None:
    high, low = SHADOWING_PROMINENCE + 0.1, SHADOWING_PROMINENCE - 0.2
    rows = {
        1: _row("hk", "populated_place", "HK", 0.9, ("Hong Kong", True), ("Victoria", False)),
        2: _row("au", "admin1", "AU", high, ("Victoria", True)),
        3: _row("ny-city", "populated_place", "US", 0.7, ("New York City", True), ("New York", False)),
        4: _row("ny-state", "admin1", "US", high, ("New York", True)),
        # the same name twice, the prominent one in the north-east; the other also lists it as an alternate
        5: _row("q-north", "populated_place", "SY", high, ("Al-Qahtaniyah", True)),
        6: _row("q-south", "populated_place", "SY", low, ("Al-Qahtaniyah", True), ("Al Qahtaniyah", False)),
        7: _row("koln", "populated_place", "DE", 0.65, ("Köln", True), ("Cologne", False)),
        8: _row("cologne-us", "populated_place", "US", low, ("Cologne", True)),
    }
    flags = {stored[0]: [primary for _, _, primary in names] for names, stored in _shadow(rows).values()}
    assert flags["hk"] == [True, None]  # the Australian state bears the name
    assert flags["ny-city"] == [True, False]  # the state it lies in: no shadow
    assert flags["q-south"] == [True, False]  # its own name, spelt otherwise
    assert flags["koln"] == [True, False]  # only small places bear it
    assert flags["au"] == [True] and flags["ny-state"] == [True]


def test_a_town_s_alternate_name_unlike_its_own_is_shadowed_by_lesser_places() -> None:
    middling = (SHADOWING_PROMINENCE + 0.4) / 2  # above 0.4, below the shadowing prominence
    rows = {
        1: _row("columbus", "populated_place", "US", 0.65, ("Columbus", True), ("Franklin", False)),
        2: _row("franklin", "populated_place", "US", middling, ("Franklin", True)),
        3: _row("mumbai", "populated_place", "IN", 0.7, ("Mumbai", True), ("Bombay", False)),
        4: _row("bombay-hamlet", "populated_place", "NZ", 0.35, ("Bombay", True)),
        5: _row("uk", "country", "GB", 0.9, ("United Kingdom", True), ("Uk", False)),
        6: _row("uk-town", "populated_place", "RU", middling, ("Uk", True)),
        7: _row("kolkata", "populated_place", "IN", 0.68, ("Kolkata", True), ("Calcutta", False), ("Calcuta", False)),
        8: _row("calcutta-us", "populated_place", "US", middling, ("Calcutta", True)),
        9: _row("kulu", "populated_place", "IN", 0.53, ("Kulu", True), ("Sultanpur", False), ("Sultānpur", False)),
        10: _row("sultanpur", "populated_place", "IN", middling, ("Sultānpur", True)),
    }
    flags = {stored[0]: [primary for _, _, primary in names] for names, stored in _shadow(rows).values()}
    assert flags["columbus"] == [True, None]
    assert flags["mumbai"] == [True, False]  # its namesake is a hamlet
    assert flags["uk"] == [True, False]  # not a town: a country's short names are its own
    assert flags["kolkata"] == [True, False, False]  # an exonym in several spellings is not a local old name
    assert flags["kulu"] == [True, None, None]  # one spelling with and without its diacritics is one spelling
