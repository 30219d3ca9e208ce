"""Memory-heavy building blocks shared by the store and the maps."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large batch is built.

    Encoding a million records (or a 100k-event map page) allocates millions of small lists and tuples, none of
    them cyclic; the collections they set off would walk every live record again and again (a third to a half of
    the build time). The previous state is restored afterwards.

    >>> with gc_paused():
    ...     import gc; gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
