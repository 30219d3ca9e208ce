"""The public API: explicit ``__all__``, nothing heavy at import, one exception tree."""

from __future__ import annotations

import subprocess
import sys

import gazetteer
import geo
from geo import errors


def test_all_is_explicit_and_importable() -> None:
    for module in (gazetteer, geo, errors):
        for name in module.__all__:
            assert hasattr(module, name), (module.__name__, name)


def test_one_exception_tree() -> None:
    for name in ("GazetteerError", "IndexCorruptError", "PackError", "SourceError", "UsageError"):
        assert issubclass(getattr(errors, name), errors.GeoError)


def test_import_loads_no_data_or_heavy_libraries() -> None:
    code = ("import sys, geo, geo.cli, gazetteer; "
            "print(sorted(m for m in ('folium','geopandas','shapely','countryinfo','spacy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
