"""GeoNames dump files as GeoNames publishes them: ``allCountries``, per-country ``XX`` and ``citiesNNN`` tables
(``.txt`` or ``.zip``) in the 19-column layout, and the ``admin1CodesASCII.txt`` / ``admin2Codes.txt`` tables
that name their admin codes.

Reading streams row by row (allCountries has 12 million rows). A malformed row — wrong column count, a bad id or
coordinate, bytes that are not UTF-8 — is reported with its file and line and skipped; the rest go on.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gazetteer.errors import SourceError

__all__ = [
    "DumpRow", "Malformed", "kind_of", "read_admin_codes", "read_alternate_names", "read_country_info", "read_dump",
]

#: Columns of the GeoNames main table (readme.txt).
COLUMNS = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude", "feature_class", "feature_code",
    "country_code", "cc2", "admin1_code", "admin2_code", "admin3_code", "admin4_code", "population", "elevation",
    "dem", "timezone", "modification_date",
)

_SEA_CODES = {"SEA", "OCN", "GULF", "BAY", "BAYS", "STRT", "SD", "LGN", "CHN", "COVE", "FJD", "INLT"}
_MOUNTAIN_CODES = {"MT", "MTS", "HLL", "HLLS", "PK", "PKS", "RDGE", "VLC", "SPUR", "PLAT", "UPLD", "MESA"}
_ROAD_CODES = {"RD", "RDJCT", "TNL", "BDG", "RTE", "TRL", "ST"}
_REGION_CODES = {"RGN", "RGNE", "RGNH", "AREA", "PRT", "DSRT", "VAL", "PLN", "PEN", "OAS", "CST", "FRST", "ZN", "ZNB"}


def kind_of(feature_class: str, feature_code: str) -> str:
    """Map a GeoNames feature class and code to a CONTRACTS.md kind.

    Examples
    --------
    >>> kind_of("P", "PPLA2"), kind_of("A", "ADM1"), kind_of("H", "STM"), kind_of("S", "PSTB")
    ('populated_place', 'admin1', 'river', 'crossing')
    """
    code = feature_code.upper()
    if feature_class == "P":
        return "populated_place"
    if feature_class == "A":
        if code.startswith("PCL"):
            return "country"
        if code.startswith("ADM1"):
            return "admin1"
        if code.startswith("ADM"):
            return "admin2"
        if code == "ZN" or code == "ZNB":
            return "region"
        return "region"
    if feature_class == "H":
        if code in _SEA_CODES:
            return "sea"
        if code.startswith("STM") or code in {"CNL", "WAD", "WADS"}:
            return "river"
        return "site"
    if feature_class == "T":
        if code in {"ISL", "ISLS", "ISLET", "ISLF", "ATOL", "ISLT"}:
            return "island"
        if code in _MOUNTAIN_CODES:
            return "mountain"
        if code in _REGION_CODES:
            return "region"
        return "site"
    if feature_class == "L":
        return "region" if code in _REGION_CODES or code.startswith("RGN") else "site"
    if feature_class == "R":
        return "road" if code in _ROAD_CODES or code.startswith("RD") else "site"
    if feature_class == "S" and code in {"PSTB", "PSTC", "BCN"}:
        return "crossing" if code == "PSTB" else "site"
    if feature_class == "V":
        return "region"
    if feature_class == "U":
        return "sea"
    return "site"


@dataclass(frozen=True, slots=True)
class DumpRow:
    """One valid row of a GeoNames table."""

    geonameid: int
    name: str
    asciiname: str
    alternatenames: tuple[str, ...]
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country: str
    admin1_code: str
    admin2_code: str
    population: int
    modified: str


@dataclass(frozen=True, slots=True)
class Malformed:
    """A row that could not be read: file, 1-based line, and why."""

    file: str
    line: int
    problem: str


#: The most a zip member may inflate to (allCountries.txt is about 1.6 GB), and the highest compression ratio
#: accepted (text compresses 3–10×): beyond either the file is treated as a zip bomb.
MAX_MEMBER_BYTES = 8 * 1024**3
MAX_RATIO = 200


def _members(path: Path) -> Iterator[tuple[str, Iterator[bytes]]]:
    if path.suffix.lower() == ".zip":
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            hint = " (an HTML error page or a truncated download?)" if path.stat().st_size else " (empty file)"
            raise SourceError(f"{path} is not a readable zip file{hint}: {exc}") from None
        with archive:
            infos = [i for i in archive.infolist()
                     if i.filename.lower().endswith(".txt") and "readme" not in i.filename.lower()]
            if not infos:
                raise SourceError(f"{path} holds no GeoNames .txt table (members: {', '.join(archive.namelist())})")
            for info in infos:
                if info.file_size > MAX_MEMBER_BYTES or info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise SourceError(f"{path}:{info.filename} would inflate to {info.file_size} bytes from "
                                      f"{info.compress_size}: refusing a likely zip bomb")
                with archive.open(info) as handle:
                    yield f"{path}:{info.filename}", _capped(handle, info.file_size, f"{path}:{info.filename}")
    else:
        with open(path, "rb") as handle:
            yield str(path), iter(handle)


def _capped(handle: Iterable[bytes], declared: int, where: str) -> Iterator[bytes]:
    """Lines of a zip member, refusing to inflate past what its header declared (headers can lie)."""
    total = 0
    lines = iter(handle)
    while True:
        try:
            line = next(lines)
        except StopIteration:
            return
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            raise SourceError(f"{where} is damaged or truncated ({exc})") from None
        total += len(line)
        if total > declared + 1024:
            raise SourceError(f"{where} inflates beyond the {declared} bytes its header declares: refusing it")
        yield line


def _parse(fields: list[str]) -> DumpRow:
    lat, lon = float(fields[4]), float(fields[5])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"coordinates out of range: {fields[4]}, {fields[5]}")
    alternates = tuple(a for a in fields[3].split(",") if a and "://" not in a) if fields[3] else ()
    return DumpRow(
        geonameid=int(fields[0]), name=fields[1], asciiname=fields[2], alternatenames=alternates, lat=lat, lon=lon,
        feature_class=fields[6], feature_code=fields[7], country=fields[8], admin1_code=fields[10],
        admin2_code=fields[11], population=int(fields[14] or 0), modified=fields[18],
    )


def _tab_lines(path: Path) -> Iterator[tuple[str, int, list[str]] | Malformed]:
    """(member, line number, tab-separated fields) of every non-empty, non-comment line; Malformed if not UTF-8."""
    for where, handle in _members(path):
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                yield Malformed(where, number, "not UTF-8")
                continue
            if line and not line.startswith("#"):
                yield where, number, line.split("\t")


def read_dump(path: str | Path) -> Iterator[DumpRow | Malformed]:
    """Yield the rows of a GeoNames table file (``.txt`` or ``.zip``), and a :class:`Malformed` for each bad row."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"no GeoNames dump at {path}; run 'geo gazetteer download XX' or give the file's path")
    for item in _tab_lines(path):
        if isinstance(item, Malformed):
            yield item
            continue
        where, number, fields = item
        if len(fields) != len(COLUMNS):
            yield Malformed(where, number, f"{len(fields)} columns, expected {len(COLUMNS)}")
            continue
        try:
            yield _parse(fields)
        except ValueError as exc:
            yield Malformed(where, number, str(exc))


def read_admin_codes(path: str | Path) -> dict[str, str]:
    """Read ``admin1CodesASCII.txt`` or ``admin2Codes.txt``: ``{"SY.12": "Idlib", …}``."""
    path = Path(path)
    codes: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                fields = line.rstrip("\n").split("\t")
                if len(fields) >= 2 and fields[0] and not fields[0].startswith("#"):
                    codes[fields[0]] = fields[1]
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read GeoNames admin codes {path} ({exc})") from None
    return codes


#: alternateNamesV2 "languages" that are codes or links, not names.
_NOT_NAMES = {"link", "wkdt", "post", "iata", "icao", "faac", "unlc", "tcid", "fr_1793", "phon", "piny"}


def read_alternate_names(path: str | Path) -> Iterator[tuple[int, str, str] | Malformed]:
    """Yield (geonameid, name, language) from ``alternateNamesV2.txt`` (or its zip), skipping codes and links."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"no alternate names file at {path}")
    for item in _tab_lines(path):
        if isinstance(item, Malformed):
            yield item
            continue
        where, number, fields = item
        if len(fields) < 4 or not fields[1].isdigit():
            yield Malformed(where, number, f"{len(fields)} columns or a bad geonameid")
        elif fields[2] not in _NOT_NAMES and fields[3]:
            yield int(fields[1]), fields[3], fields[2]


def read_country_info(path: str | Path) -> list[dict[str, object]]:
    """Read ``countryInfo.txt``: ISO codes, name, capital, area, population, continent, GeoNames id, neighbours."""
    path = Path(path)
    rows: list[dict[str, object]] = []
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.startswith("#") or not line.strip():
                    continue
                fields = line.rstrip("\n").split("\t")
                if len(fields) < 18 or len(fields[0]) != 2:
                    raise SourceError(f"{path}, line {number}: not a countryInfo row ({len(fields)} columns)")
                rows.append({
                    "iso": fields[0], "iso3": fields[1], "name": fields[4], "capital": fields[5],
                    "area_km2": float(fields[6] or 0), "population": int(fields[7] or 0), "continent": fields[8],
                    "geonameid": int(fields[16]) if fields[16].isdigit() else None,
                    "neighbours": [n for n in fields[17].split(",") if n],
                })
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SourceError(f"cannot read GeoNames countryInfo {path} ({exc})") from None
    return rows
