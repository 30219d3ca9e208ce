"""The examples in the docstrings of the package modules run and give what they say (pytest collects only
``tests/``, so the modules' own examples are run here)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import gazetteer
import geo

MODULES = sorted(info.name for package in (geo, gazetteer)
                 for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
                 if not info.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed"
