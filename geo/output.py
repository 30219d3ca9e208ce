"""Render results for the terminal: JSON documents and plain-text tables (stdout only)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["to_json", "to_lines", "to_table"]


def to_json(document: Any) -> str:
    """One JSON document, UTF-8 characters kept, two-space indented."""
    return json.dumps(document, ensure_ascii=False, indent=2, default=str)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.5f}".rstrip("0").rstrip(".")
    text = str(value)
    return "".join(ch if ch.isprintable() else " " for ch in text)


def to_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """A left-aligned text table with a header row; ``(none)`` when there are no rows.

    Examples
    --------
    >>> print(to_table([{"name": "Idlib", "lat": 35.93062}], ["name", "lat"]))
    name   lat
    -----  --------
    Idlib  35.93062
    """
    if not rows:
        return "(none)"
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def to_lines(mapping: Mapping[str, Any]) -> str:
    """``key: value`` lines for a flat summary.

    >>> print(to_lines({"toponyms": 3, "f1": 0.9}))
    toponyms: 3
    f1: 0.9
    """
    return "\n".join(f"{key}: {value}" for key, value in mapping.items())
