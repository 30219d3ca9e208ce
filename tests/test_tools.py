"""The curated packs are what the tools in tools/ derive from package data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_areas_of_the_world_pack_are_what_the_tool_derives() -> None:
    pyogrio = pytest.importorskip("pyogrio")
    if not (Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres").is_dir():
        pytest.skip("this pyogrio has no Natural Earth fixture to derive the missing outlines from")
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "derive_pack_areas.py"), "--check"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
