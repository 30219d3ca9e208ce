"""The exception tree of the project, re-exported for the pipeline.

The root, :class:`GeoError`, is defined in :mod:`gazetteer.errors` so the gazetteer can raise it without
depending on this package; pipeline errors subclass it here.
"""

from gazetteer.errors import GazetteerError, GeoError, IndexCorruptError, PackError, SourceError

__all__ = [
    "ArticleError", "EvalError", "GazetteerError", "GeoError", "IndexCorruptError", "OverrideError", "PackError",
    "SourceError", "UnsupportedLanguageError", "UsageError",
]


class UsageError(GeoError):
    """A command was given values it cannot use (the CLI exits 2)."""


class ArticleError(GeoError):
    """An article cannot be read; the message names the file and the problem."""


class OverrideError(GeoError):
    """An overrides file cannot be read; the message names the file, the line and the problem."""


class EvalError(GeoError):
    """An evaluation corpus cannot be read; the message names the file and the line."""


class UnsupportedLanguageError(GeoError):
    """The text is not in a language the recognizer reads (English)."""

    def __init__(self, language: str) -> None:
        super().__init__(f"text is in language {language!r}; only English ('en') is supported for now")
        self.language = language
