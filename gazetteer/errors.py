"""The one exception tree of the project.

``GeoError`` is the root; callers catch it to handle every expected failure. ``geo.errors`` re-exports these
and adds the pipeline's own subclasses. Messages state the value and the fix.
"""

from __future__ import annotations

__all__ = ["GeoError", "GazetteerError", "IndexCorruptError", "PackError", "SourceError"]


class GeoError(Exception):
    """Root of every expected failure (bad input, missing data); the CLI exits 1 on these."""


class GazetteerError(GeoError):
    """A gazetteer problem: an unusable index, a bad query value."""


class IndexCorruptError(GazetteerError):
    """The persistent name index cannot be read; it is rebuilt."""


class SourceError(GazetteerError):
    """A data source (registry package, dump, pack) cannot be read."""


class PackError(SourceError):
    """A curated pack has a bad row; the message names the file and the row.

    Parameters
    ----------
    path
        The pack file.
    row
        1-based line number in the file (the header is line 1), or ``None`` for file-level problems.
    problem
        What is wrong with it.
    """

    def __init__(self, path: str, row: int | None, problem: str) -> None:
        where = f"{path}, line {row}" if row is not None else str(path)
        super().__init__(f"bad gazetteer pack {where}: {problem}")
        self.path = path
        self.row = row
        self.problem = problem
