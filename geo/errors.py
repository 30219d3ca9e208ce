"""The exception tree of the project, re-exported for the pipeline.

The root, :class:`GeoError`, is defined in :mod:`gazetteer.errors` so the gazetteer can raise it without
depending on this package; pipeline errors subclass it here.
"""

from gazetteer.errors import GazetteerError, GeoError, IndexCorruptError, PackError, SourceError

__all__ = ["GazetteerError", "GeoError", "IndexCorruptError", "PackError", "SourceError", "UsageError"]


class UsageError(GeoError):
    """A command was given values it cannot use (the CLI exits 2)."""
