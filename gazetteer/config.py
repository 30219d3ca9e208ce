"""Where the gazetteer keeps its index, and which user packs to load (from arguments or the environment)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["default_cache_dir", "packs_from_env"]

APP_NAME = "geo-events"


def default_cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the cache directory: ``cache_dir``, else ``$GEO_CACHE_DIR``, else the user cache dir."""
    if cache_dir:
        return Path(cache_dir).expanduser()
    env = os.environ.get("GEO_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def packs_from_env() -> list[Path]:
    """Return the user packs named in ``$GEO_PACKS`` (``:``-separated)."""
    return [Path(p).expanduser() for p in os.environ.get("GEO_PACKS", "").split(os.pathsep) if p.strip()]
