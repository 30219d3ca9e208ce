"""Importing GeoNames dumps: real rows, admin names, re-runs, malformed rows, interrupted imports, the CLI."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from gazetteer import Gazetteer
from gazetteer.errors import GazetteerError
from gazetteer.sources import geonames_dump
from gazetteer.sources.geonames_dump import Malformed, read_dump
from geo.cli import main


@pytest.fixture(scope="module")
def sy_rows(shared_dir: Path) -> list[str]:
    """The first 300 real rows of the shared Syria table, as text lines."""
    with zipfile.ZipFile(shared_dir / "data" / "geonames" / "SY.wof.zip") as archive:
        text = archive.read("SY.wof.txt").decode("utf-8")
    return text.splitlines()[:300]


def imported(tmp_path: Path, small_sources: list, *paths: Path, **options: object) -> tuple[Gazetteer, object]:
    gaz = Gazetteer(cache_dir=tmp_path / "cache", sources=small_sources, packs=[])
    return gaz, gaz.import_dumps(paths, **options)


def test_import_real_table_with_admin_names(tmp_path: Path, small_sources: list, shared_dir: Path) -> None:
    geonames = shared_dir / "data" / "geonames"
    gaz, report = imported(tmp_path, small_sources, geonames / "SY.wof.zip", geonames / "TR.wof.zip",
                           admin1=geonames / "admin1CodesASCII.txt")
    assert report.rows == 10572 + 52491 and report.malformed == 0
    assert report.kinds["admin1"] == 14 + 81 and report.kinds["populated_place"] > 60000
    ayvacik = gaz.lookup("Ayvacik", near=(40.15, 26.41))[0].place  # the Çanakkale one; admin name from the codes
    assert (ayvacik.geonameid, ayvacik.admin1) == (322692, "Canakkale")  # as GeoNames spells TR.17
    place = gaz.lookup("Gharbil")[0].place          # geonames:1721, a village of Quneitra governorate
    assert (place.id, place.geonameid, place.admin1, place.source) == ("geonames:1721", 1721, "Quneitra",
                                                                       "geonames-dump")
    assert place.lat == pytest.approx(32.89916) and place.lon == pytest.approx(35.64372)
    seat = gaz.lookup("Idlib", kinds=["populated_place"])[0].place
    assert seat.country == "SY" and seat.feature_code.startswith("PPL")
    assert gaz.info()["imported_places_by_kind"]["populated_place"] > 10000


def test_import_twice_changes_nothing(tmp_path: Path, small_sources: list, sy_rows: list[str]) -> None:
    dump = tmp_path / "SY.txt"
    dump.write_text("\n".join(sy_rows) + "\n", encoding="utf-8")
    gaz, first = imported(tmp_path, small_sources, dump)
    db = gaz.imported.path
    counts = [sqlite3.connect(db).execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("places", "names")]
    second = gaz.import_dumps([dump])
    again = [sqlite3.connect(db).execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("places", "names")]
    assert first.rows == second.rows == 300 and counts == again and counts[0] == first.places_total


def test_malformed_rows_are_reported_and_skipped(tmp_path: Path, small_sources: list, sy_rows: list[str]) -> None:
    good = sy_rows[:5]
    fields = good[0].split("\t")
    bad_lat = "\t".join([fields[0], *fields[1:4], "95.0", *fields[5:]])
    bad_cols = "\t".join(fields[:10])
    bad_id = "\t".join(["x12", *fields[1:]])
    dump = tmp_path / "mixed.txt"
    dump.write_bytes(("\n".join([good[1], bad_lat, good[2], bad_cols, bad_id]) + "\n").encode()
                     + b"99\tBad\xff\xfename\n" + (good[3] + "\n").encode())
    items = list(read_dump(dump))
    problems = [(i.line, i.problem) for i in items if isinstance(i, Malformed)]
    assert [line for line, _ in problems] == [2, 4, 5, 6]
    assert "out of range" in problems[0][1] and "10 columns" in problems[1][1] and "not UTF-8" in problems[3][1]
    seen: list[Malformed] = []
    _, report = imported(tmp_path, small_sources, dump, on_malformed=seen.append)
    assert report.rows == 3 and report.malformed == 4 and len(seen) == 4
    assert all(str(dump) in m.file for m in seen)


def test_interrupted_import_leaves_the_previous_store(tmp_path: Path, small_sources: list, sy_rows: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    first = tmp_path / "first.txt"
    first.write_text("\n".join(sy_rows[:100]) + "\n", encoding="utf-8")
    second = tmp_path / "second.txt"
    second.write_text("\n".join(sy_rows[100:]) + "\n", encoding="utf-8")
    gaz, report = imported(tmp_path, small_sources, first)
    assert report.places_total == 100
    real_read = geonames_dump.read_dump

    def interrupted(path: Path):  # yields some rows, then the user presses Ctrl-C
        for number, item in enumerate(real_read(path)):
            if number == 120:
                raise KeyboardInterrupt
            yield item

    monkeypatch.setattr("gazetteer.imported.read_dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        gaz.import_dumps([second])
    db = sqlite3.connect(gaz.imported.path)
    assert db.execute("SELECT COUNT(*) FROM places").fetchone()[0] == 100
    assert db.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 1


def test_missing_dump_is_a_clear_error(tmp_path: Path, small_sources: list) -> None:
    gaz = Gazetteer(cache_dir=tmp_path / "cache", sources=small_sources, packs=[])
    with pytest.raises(GazetteerError, match="no GeoNames dump at .*nowhere.zip"):
        gaz.import_dumps([tmp_path / "nowhere.zip"])
    assert not gaz.imported.exists()


def test_cli_import_json_and_exit_codes(tmp_path: Path, sy_rows: list[str], capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from gazetteer.sources.countries import CountriesSource

    monkeypatch.setattr("gazetteer.lookup.default_sources", lambda: [CountriesSource()])
    dump = tmp_path / "SY.txt"
    dump.write_text("\n".join(sy_rows[:50]) + "\n", encoding="utf-8")
    cache = str(tmp_path / "cache")
    assert main(["gazetteer", "import", str(dump), "--format", "json", "--cache-dir", cache]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"] == 50 and summary["malformed"] == 0 and summary["places_total"] == 50
    assert main(["gazetteer", "import", str(tmp_path / "absent.zip"), "--cache-dir", cache]) == 1
    assert "absent.zip" in capsys.readouterr().err


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_bad_archives_fail_clearly_and_lose_nothing(tmp_path: Path, small_sources: list, sy_rows: list[str]) -> None:
    good = tmp_path / "good.txt"
    good.write_text("\n".join(sy_rows[:20]) + "\n", encoding="utf-8")
    gaz, _ = imported(tmp_path, small_sources, good)
    html = tmp_path / "SY.zip"
    html.write_text("<html><body>503 Service Unavailable</body></html>", encoding="utf-8")
    no_table = _zip(tmp_path / "readme-only.zip", {"readme.txt": b"nothing here"})
    bomb = _zip(tmp_path / "bomb.zip", {"XX.txt": b"\t" * 5_000_000})  # 5 MB of tabs compress > 1000x
    whole = _zip(tmp_path / "whole.zip", {"SY.txt": ("\n".join(sy_rows) + "\n").encode()})
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    cases = [(html, "not a readable zip file (an HTML error page or a truncated download?)"),
             (no_table, "holds no GeoNames .txt table"), (bomb, "zip bomb"),
             (truncated, "not a readable zip file")]
    for path, message in cases:
        with pytest.raises(GazetteerError) as info:
            gaz.import_dumps([path])
        assert message in str(info.value) and str(path) in str(info.value)
        assert sqlite3.connect(gaz.imported.path).execute("SELECT COUNT(*) FROM places").fetchone()[0] == 20


def test_alternate_names_extend_imported_places(tmp_path: Path, small_sources: list, sy_rows: list[str]) -> None:
    dump = tmp_path / "SY.txt"
    dump.write_text("\n".join(sy_rows[:50]) + "\n", encoding="utf-8")
    gid, name = sy_rows[0].split("\t")[:2]  # geonames:1721 Gharbīl
    alternates = tmp_path / "alternateNamesV2.txt"
    alternates.write_text("\n".join([
        f"9000001\t{gid}\ten\tGharbeel Test Spelling\t\t\t\t\t\t",
        f"9000002\t{gid}\tlink\thttps://en.wikipedia.org/wiki/Gharbil\t\t\t\t\t\t",  # a link, not a name
        "9000003\t999999999\ten\tPlace Not Imported\t\t\t\t\t\t",
        "garbage line",
    ]) + "\n", encoding="utf-8")
    gaz, report = imported(tmp_path, small_sources, dump, alternate_names=alternates)
    assert report.alternate_names == 1 and report.malformed == 1
    assert gaz.lookup("Gharbeel Test Spelling")[0].place.geonameid == int(gid)
    assert gaz.lookup("Place Not Imported") == [] or all(
        c.place.source != "geonames-dump" for c in gaz.lookup("Place Not Imported"))


def test_country_info_beside_the_dump_is_read(tmp_path: Path, small_sources: list, sy_rows: list[str],
                                              shared_dir: Path) -> None:
    folder = tmp_path / "geonames"
    folder.mkdir()
    (folder / "SY.txt").write_text("\n".join(sy_rows[:10]) + "\n", encoding="utf-8")
    (folder / "countryInfo.txt").write_bytes((shared_dir / "data" / "geonames" / "countryInfo.txt").read_bytes())
    gaz, report = imported(tmp_path, small_sources, folder / "SY.txt")
    assert report.countries > 200
    turkey = gaz.imported.country("tr")
    assert turkey is not None and turkey["capital"] == "Ankara" and set(turkey["neighbours"]) >= {"SY", "GR"}
    bad = tmp_path / "countryInfo-bad.txt"
    bad.write_text("SY\tSYR\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="not a countryInfo row"):
        gaz.import_dumps([folder / "SY.txt"], country_info=bad)


def test_fuzzy_lookup_finds_imported_names_one_consonant_away(tmp_path: Path, small_sources: list,
                                                             sy_rows: list[str]) -> None:
    from gazetteer.normalize import skeleton

    dump = tmp_path / "SY.txt"
    dump.write_text("\n".join(sy_rows[:200]) + "\n", encoding="utf-8")
    gaz, _ = imported(tmp_path, small_sources, dump)
    names = [row.split("\t")[1] for row in sy_rows[:200]]
    # a consonant dropped from the middle of a name, so that the skeleton loses it
    name, misspelt = next((n, n[:i] + n[i + 1:]) for n in names if n.isascii() and " " not in n
                          and len(skeleton(n)) >= 5 for i in range(2, len(n) - 2)
                          if len(skeleton(n[:i] + n[i + 1:])) == len(skeleton(n)) - 1)
    found = gaz.lookup(misspelt)
    assert found and found[0].place.name == name and found[0].place.source == "geonames-dump"
    assert found[0].match.type == "fuzzy"
