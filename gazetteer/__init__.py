"""An offline gazetteer for news place names: GeoNames cities, countries, regions and curated packs.

>>> from gazetteer import Gazetteer
>>> "Gazetteer" in __all__
True
"""

from gazetteer.errors import GazetteerError, GeoError, IndexCorruptError, PackError, SourceError
from gazetteer.lookup import Gazetteer, default_sources
from gazetteer.model import KINDS, Candidate, Match, Place
from gazetteer.normalize import fold, loose

__all__ = [
    "KINDS",
    "Candidate",
    "GazetteerError",
    "GeoError",
    "Gazetteer",
    "IndexCorruptError",
    "Match",
    "PackError",
    "Place",
    "SourceError",
    "default_sources",
    "fold",
    "loose",
]
