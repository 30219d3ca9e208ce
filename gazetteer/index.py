"""The persistent name index: one SQLite file under the cache directory.

Built from the sources on first use and whenever their fingerprint changes; built into a temporary file and
renamed into place under a file lock, so two processes starting at once never see or write a half-built index.
A file that cannot be read is rebuilt with a warning.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import sys
import time
import uuid
from difflib import SequenceMatcher
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from filelock import FileLock

from gazetteer.assemble import assemble
from gazetteer.errors import IndexCorruptError
from gazetteer.keystore import KeyStore, read_build_id, write_keystore
from gazetteer.model import Place
from gazetteer.normalize import fold, loose, skeleton
from gazetteer.progress import progress
from gazetteer.rank import prominence_signature
from gazetteer.sources.base import Source, SourceRecord
from gazetteer.sources.packs import PackSource

__all__ = [
    "SCHEMA_VERSION", "NameIndex", "PLACE_COLUMNS", "ensure_index", "fingerprint_of", "keys_path", "place_from_row",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 15

PLACE_COLUMNS = (
    "pid", "id", "geonameid", "source", "name", "kind", "feature_code", "country", "admin1", "lat", "lon",
    "population", "geometry", "approximate", "prominence",
)

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    pid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, geonameid INTEGER, source TEXT NOT NULL, name TEXT NOT NULL,
    kind TEXT NOT NULL, feature_code TEXT, country TEXT, admin1 TEXT, lat REAL NOT NULL, lon REAL NOT NULL,
    population INTEGER NOT NULL, geometry TEXT, approximate INTEGER NOT NULL, prominence REAL NOT NULL,
    provenance TEXT NOT NULL, names TEXT NOT NULL
);
CREATE TABLE skeletons (skeleton TEXT NOT NULL, loose TEXT NOT NULL, PRIMARY KEY (skeleton, loose)) WITHOUT ROWID;
CREATE TABLE demonyms (fold TEXT NOT NULL, demonym TEXT NOT NULL, pid INTEGER NOT NULL);
"""
_INDEXES = """
CREATE INDEX demonyms_fold ON demonyms (fold);
CREATE INDEX places_geonameid ON places (geonameid);
"""


def fingerprint_of(sources: Sequence[Source]) -> str:
    """Hash of the schema version, the Python version (the key rows are ``marshal`` data) and the sources."""
    text = f"schema={SCHEMA_VERSION}\npython={sys.version_info[:2]}\nrank={prominence_signature()}\n" + "\n".join(
        f"{s.name}={s.fingerprint()}" for s in sources)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def place_from_row(row: Sequence[Any]) -> Place:
    """Build a :class:`Place` from a ``places`` row selected with :data:`PLACE_COLUMNS`."""
    return Place(
        id=row[1], geonameid=row[2], source=row[3], name=row[4], kind=row[5], feature_code=row[6], country=row[7],
        admin1=row[8], lat=row[9], lon=row[10], population=row[11], geometry=row[12], approximate=bool(row[13]),
        prominence=row[14],
    )


def _place_tuple(p: Place) -> tuple[Any, ...]:
    """The positional arguments of :class:`Place` (without provenance), as stored in the key rows."""
    return (p.id, p.name, p.kind, p.lat, p.lon, p.source, p.geonameid, p.feature_code, p.country, p.admin1,
            p.population, p.geometry, p.approximate, p.prominence)


def _indexable(name: str) -> tuple[str, str, str] | None:
    folded = fold(name)
    if len(folded) < 2 or not folded.isascii():
        return None
    key = loose(name)
    if len(key) < 2:
        return None
    return key, skeleton(name), folded


#: At most this many loose keys per skeleton go to fuzzy matching.
SKELETON_KEYS = 400


def keys_by_skeletons(query: Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]], select: str,
                      skeletons: Sequence[str], shortest: int, longest: int) -> list[str]:
    """The loose keys ``select`` (``SELECT skeleton, loose FROM …`` of a table with both columns) finds for
    ``skeletons``, ``shortest`` to ``longest`` letters long, at most :data:`SKELETON_KEYS` per skeleton, each once;
    ``query`` runs SQL with parameters. One statement per 500 skeletons (SQLite's parameter limit is 999)."""
    taken: dict[str, int] = {}
    found: dict[str, None] = {}
    for start in range(0, len(skeletons), 500):
        chunk = tuple(skeletons[start:start + 500])
        marks = ",".join("?" * len(chunk))
        rows = query(f"{select} WHERE skeleton IN ({marks}) AND length(loose) BETWEEN ? AND ?",
                     (*chunk, shortest, longest))
        for skel, key in rows:
            if taken.get(skel, 0) < SKELETON_KEYS:
                taken[skel] = taken.get(skel, 0) + 1
                found[key] = None
    return list(found)


#: A place this prominent (an admin-1 region, a capital, a city of some 200,000) shadows the alternate names of
#: other places that spell its own name: :func:`_shadow`.
SHADOWING_PROMINENCE = 0.55
#: The prominence from which a place shadows a town's alternate names unlike the town's own name.
_SHADOWING_UNLIKE = 0.4
_DIVISIONS = frozenset({"country", "admin1", "admin2"})

ShadowRows = dict[int, tuple[list[tuple[str, str, bool | None]], tuple[Any, ...]]]


def _shadow(rows: ShadowRows) -> ShadowRows:
    """The rows of one key with the alternate names that are the preferred name of another prominent place
    (:data:`SHADOWING_PROMINENCE`) marked ``None`` instead of ``False``: a weaker match
    (:data:`~gazetteer.rank.MATCH_SCORES` ``shadowed``). A town's alternate name unlike its own name (similarity
    under 0.5) is shadowed by lesser places too (prominence from 0.4): "Franklin" is one of the towns called so
    before Columbus, Ohio, once Franklinton; "Bombay" is still Mumbai (its namesakes are hamlets), and "Calcutta"
    Kolkata (the town has the name in several spellings: an exonym of many languages, not a local old name).

    A writer who names "Victoria" means one of the places called so (the Australian state, the capitals of
    British Columbia and the Seychelles) before Hong Kong, once called Victoria; "St. Louis" is St. Louis, Missouri
    before Saint-Louis, Senegal. An exonym that no prominent place bears as its own name keeps its weight
    ("Cologne": Köln); so do a division and a town of one country that share a name (the state of New York and
    New York City, "Kuwait" for Kuwait City, "Veracruz" for the state named after its port): context decides.

    >>> hk = ([("Hong Kong", "hong kong", True), ("Victoria", "victoria", False)], ("hk", "Hong Kong", "ppl")
    ...        + (0,) * 5 + ("HK",) + (0,) * 4 + (0.9,))
    >>> au = ([("Victoria", "victoria", True)], ("au", "Victoria", "admin1") + (0,) * 5 + ("AU",) + (0,) * 4 + (0.7,))
    >>> _shadow({1: hk, 2: au})[1][0][1]
    ('Victoria', 'victoria', None)
    """
    prominent = [(stored[2], stored[8], pid, stored[13], {folded for _, folded, primary in names if primary})
                 for pid, (names, stored) in rows.items() if stored[13] >= _SHADOWING_UNLIKE]
    if not prominent:
        return rows
    for pid, (names, stored) in rows.items():
        country, division = stored[8], stored[2] in _DIVISIONS
        shadowing: set[str] = set()
        unlike: set[str] = set()
        for kind, other_country, other, weight, folds in prominent:
            if other != pid and not ((division or kind in _DIVISIONS) and other_country == country):
                (shadowing if weight >= SHADOWING_PROMINENCE else unlike).update(folds)
        own = {folded for _, folded, primary in names if primary}
        shadowing -= own  # its own name, however spelt
        unlike -= own
        if unlike and stored[2] == "populated_place" and len({f for _, f, primary in names if not primary}) < 2:
            # a lesser place's name shadows a town's alternate name unlike the town's own ("Franklin" for Columbus,
            # Ohio; not "UK" for the United Kingdom), unless the town has it in several spellings, diacritics aside:
            # an exonym that languages took over ("Calcutta", "Calcuta" for Kolkata; "Mecca", "Meca", "Mekka")
            name_fold = fold(stored[1])
            shadowing |= {f for f in unlike if SequenceMatcher(None, f, name_fold).ratio() < 0.5}
        if shadowing:
            names[:] = [(name, folded, None) if primary is False and folded in shadowing else (name, folded, primary)
                        for name, folded, primary in names]
    return rows


def keys_path(path: Path) -> Path:
    """The key table that goes with the index file at ``path``."""
    return path.with_suffix(".keys")


def _write(path: Path, keys_file: Path, records: list[SourceRecord], meta: dict[str, str]) -> None:
    """Write the SQLite index and its key table; rows go out in batches to keep the build's memory low."""
    conn = sqlite3.connect(path)
    try:
        conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        place_rows: list[tuple[Any, ...]] = []
        skeleton_rows: list[tuple[str, str]] = []
        demonym_rows: list[tuple[str, str, int]] = []
        keys: dict[str, dict[int, tuple[list[tuple[str, str, bool | None]], tuple[Any, ...]]]] = {}
        n_names = 0

        def flush() -> None:
            conn.executemany(f"INSERT INTO places VALUES ({','.join('?' * 17)})", place_rows)
            conn.executemany("INSERT OR IGNORE INTO skeletons VALUES (?,?)", skeleton_rows)
            place_rows.clear()
            skeleton_rows.clear()

        indexed = progress(records, "indexing gazetteer", total=len(records), unit="place")
        for pid, record in enumerate(indexed, start=1):
            p = record.place
            place_rows.append((pid, p.id, p.geonameid, p.source, p.name, p.kind, p.feature_code, p.country,
                               p.admin1, p.lat, p.lon, p.population, p.geometry, int(p.approximate),
                               p.prominence, p.provenance, json.dumps(record.names, ensure_ascii=False)))
            stored = _place_tuple(p)
            for position, name in enumerate(record.names):  # names are unique per record
                found = _indexable(name)
                if found is None:
                    continue
                key, skel, folded = found
                per_place = keys.setdefault(key, {})
                if pid not in per_place:
                    per_place[pid] = ([], stored)
                per_place[pid][0].append((name, folded, position == 0))
                skeleton_rows.append((skel, key))
                n_names += 1
            for demonym in record.demonyms:
                demonym_rows.append((fold(demonym), demonym, pid))
            if len(place_rows) >= 20_000:
                flush()
        flush()
        conn.executemany("INSERT INTO demonyms VALUES (?,?,?)", demonym_rows)
        by_prominence = (  # most prominent first, so a lookup can stop once nothing left can make its top N
            (key, tuple((tuple(names), pid, stored) for pid, (names, stored) in
                        sorted(_shadow(rows).items(), key=lambda item: (-item[1][1][13], item[0]))))
            for key, rows in keys.items()
        )
        write_keystore(keys_file, by_prominence, len(keys), meta["build_id"])
        n_keys = len(keys)
        keys.clear()
        conn.executescript(_INDEXES)
        meta = {**meta, "places": str(len(records)), "names": str(n_names), "keys": str(n_keys), "complete": "1"}
        conn.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
        conn.commit()
        conn.execute("ANALYZE")
        conn.commit()
    finally:
        conn.close()


def _read_meta(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    finally:
        conn.close()


def _status(path: Path, fingerprint: str) -> str:
    """``fresh``, ``missing``, ``stale`` or ``corrupt``."""
    if not path.exists():
        return "missing"
    try:
        meta = _read_meta(path)
    except sqlite3.DatabaseError:
        return "corrupt"
    if meta.get("complete") != "1" or read_build_id(keys_path(path)) != meta.get("build_id"):
        return "corrupt"
    return "fresh" if meta.get("fingerprint") == fingerprint else "stale"


def build_index(path: Path, sources: Sequence[Source]) -> None:
    """Build the index of ``sources`` at ``path`` (into a temporary file, then renamed)."""
    started = time.time()
    records: list[SourceRecord] = []
    aliases = []
    for source in progress(sources, "reading gazetteer sources", total=len(sources), unit="source"):
        log.info("reading %s", source.name)
        records.extend(source.records())
        if isinstance(source, PackSource):
            aliases.extend(source.aliases)
    assembled = assemble(records, aliases)
    del records  # the assembled copies replace them
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp_keys = path.with_name(f".{keys_path(path).name}.{os.getpid()}.tmp")
    try:
        tmp.unlink(missing_ok=True)
        meta = {
            "schema_version": str(SCHEMA_VERSION),
            "fingerprint": fingerprint_of(sources),
            "sources": json.dumps({s.name: s.fingerprint() for s in sources}),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "build_id": uuid.uuid4().hex,
        }
        _write(tmp, tmp_keys, assembled, meta)
        elapsed = time.time() - started
        conn = sqlite3.connect(tmp)
        conn.execute("INSERT INTO meta VALUES ('build_seconds', ?)", (f"{elapsed:.1f}",))
        conn.commit()
        conn.close()
        # Key table first, then the index: a reader that sees the new index always finds its key table;
        # one that sees a new key table beside the old index finds the build ids differ and waits for the lock.
        os.replace(tmp_keys, keys_path(path))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        tmp_keys.unlink(missing_ok=True)
    log.info("gazetteer index built in %.1f s: %s", time.time() - started, path)


def ensure_index(path: Path, sources: Sequence[Source], *, force: bool = False) -> str:
    """Make sure a fresh index of ``sources`` is at ``path``; return what was done.

    Returns
    -------
    str
        ``fresh`` (nothing to do) or ``built``.
    """
    fingerprint = fingerprint_of(sources)
    if not force and _status(path, fingerprint) == "fresh":
        return "fresh"
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        status = _status(path, fingerprint)
        if status == "fresh" and not force:
            return "fresh"  # another process built it while we waited
        if status == "corrupt":
            log.warning("gazetteer index %s is unreadable or incomplete; rebuilding it", path)
        elif status == "stale":
            log.warning("gazetteer index %s is out of date with its sources; rebuilding it", path)
        else:
            log.warning("building the gazetteer index at %s (first use; takes about a minute)", path)
        build_index(path, sources)
    _remove_older_versions(path)
    return "built"


def _remove_older_versions(path: Path) -> None:
    """Delete the index files an earlier schema version left beside ``path`` (``gazetteer-v<N>.*`` with a lower
    N), which nothing reads any more: each is a few hundred MB. Only when ``path`` has the default name."""
    found = re.fullmatch(r"gazetteer-v(\d+)\.sqlite", path.name)
    if not found:
        return
    freed = 0
    for old in path.parent.glob("gazetteer-v*"):
        version = re.fullmatch(r"gazetteer-v(\d+)\.(?:sqlite|keys|sqlite\.lock)", old.name)
        if version and int(version.group(1)) < int(found.group(1)):
            try:
                size = old.stat().st_size
                old.unlink()
            except OSError as exc:  # in use on a system that forbids it, or not ours: leave it
                log.debug("could not remove %s: %s", old, exc)
                continue
            freed += size
    if freed:
        log.info("removed the indexes of earlier versions from %s (%.0f MB)", path.parent, freed / 1e6)


class NameIndex:
    """Read access to a built index file.

    Parameters
    ----------
    path
        The SQLite file written by :func:`ensure_index`.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self.meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
            self._conn.execute("PRAGMA mmap_size = 268435456")  # read pages in place, no copies
        except sqlite3.DatabaseError as exc:
            raise IndexCorruptError(
                f"gazetteer index {self.path} cannot be read ({exc}); run 'geo gazetteer rebuild'"
            ) from exc
        self._keys = KeyStore(keys_path(self.path))
        if self._keys.build_id != self.meta.get("build_id"):
            raise IndexCorruptError(f"gazetteer key table {self._keys.path} does not belong to {self.path}; "
                                    "run 'geo gazetteer rebuild'")

    def close(self) -> None:
        """Close the connection and unmap the key table."""
        self._conn.close()
        self._keys.close()

    def _query(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise IndexCorruptError(
                f"gazetteer index {self.path} is damaged ({exc}); run 'geo gazetteer rebuild'"
            ) from exc

    def by_loose(self, key: str) -> list[tuple[tuple[tuple[str, str, bool | None], ...], Place]]:
        """Return, most prominent place first, each place with a name whose loose key is ``key`` and those names
        as (name, folded name, is preferred name)."""
        found = self._keys.get(key)
        if not found:
            return []
        return [(names, Place(*stored)) for names, _, stored in found]

    def stored_rows(self, key: str) -> tuple[tuple[tuple[tuple[str, str, bool | None], ...], int, tuple[Any, ...]],
                                             ...]:
        """As :meth:`by_loose`, as stored: (names, row number, place as the positional arguments of :class:`Place`
        without provenance, which :func:`~gazetteer.model.place_of` makes into the record)."""
        return self._keys.get(key) or ()

    def has_key(self, key: str) -> bool:
        """True when some indexed name has the loose key ``key``."""
        return self._keys.get(key) is not None

    def loose_keys_by_skeletons(self, skeletons: Sequence[str], shortest: int, longest: int) -> list[str]:
        """Loose keys of ``shortest`` to ``longest`` letters whose consonant skeleton is one of ``skeletons`` (at
        most :data:`SKELETON_KEYS` per skeleton): candidates for fuzzy matching."""
        return keys_by_skeletons(self._query, "SELECT skeleton, loose FROM skeletons", skeletons, shortest, longest)

    def by_id(self, place_id: str) -> list[Place]:
        """Places with this id (zero or one)."""
        cols = ", ".join(PLACE_COLUMNS)
        return [place_from_row(r) for r in self._query(f"SELECT {cols} FROM places WHERE id = ?", (place_id,))]

    def by_geonameid(self, geonameid: int) -> list[Place]:
        """Places with this GeoNames id."""
        cols = ", ".join(PLACE_COLUMNS)
        return [place_from_row(r)
                for r in self._query(f"SELECT {cols} FROM places WHERE geonameid = ?", (geonameid,))]

    def names_of(self, place_id: str) -> list[str]:
        """Every indexed name of a place, the preferred one first."""
        rows = self._query("SELECT names FROM places WHERE id = ?", (place_id,))
        return list(json.loads(rows[0][0])) if rows else []

    def provenance(self, place_id: str) -> str | None:
        """The raw source row or derivation note of a place."""
        rows = self._query("SELECT provenance FROM places WHERE id = ?", (place_id,))
        return rows[0][0] if rows else None

    def by_demonym(self, folded: str) -> list[Place]:
        """Places whose people are called ``folded`` (folded form)."""
        cols = ", ".join(f"p.{c}" for c in PLACE_COLUMNS)
        rows = self._query(f"SELECT {cols} FROM demonyms d JOIN places p ON p.pid = d.pid WHERE d.fold = ?",
                           (folded,))
        return [place_from_row(r) for r in rows]

    def counts(self) -> dict[str, int]:
        """Number of places per source."""
        return dict(self._query("SELECT source, COUNT(*) FROM places GROUP BY source ORDER BY source", ()))
