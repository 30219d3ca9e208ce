"""geo-events: turn news articles into a map of reported events.

The gazetteer lives in the sibling package :mod:`gazetteer`; this package holds the pipeline and the ``geo``
command line.

>>> import geo
>>> geo.__version__.count(".") >= 1
True
"""

from importlib import metadata as _metadata

from geo.errors import GeoError
from geo.geoparse import Geoparser

try:
    __version__ = _metadata.version("geo-events")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["GeoError", "Geoparser", "__version__"]
