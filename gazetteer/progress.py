"""Progress bars for heavy work: on stderr, shown only when stderr is a terminal (tqdm decides)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["bar", "progress"]

T = TypeVar("T")


def progress(items: Iterable[T], desc: str, *, total: int | None = None, unit: str = "item") -> Iterator[T]:
    """Iterate ``items`` with a progress bar."""
    from tqdm import tqdm

    return iter(tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, disable=None, leave=False))


def bar(desc: str, *, total: int | None = None, initial: int = 0, unit: str = "B") -> Any:
    """A progress bar updated by hand (``.update(n)``, ``.close()``), e.g. for bytes downloaded."""
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, desc=desc, unit=unit, unit_scale=True, file=sys.stderr,
                disable=None, leave=False)
