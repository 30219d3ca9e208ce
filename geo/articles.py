"""Articles: read text files, directories and stdin, with the ``_metadata.csv`` sidecar and what the text itself
states (a title line, a ``date YYYY-MM-DD`` line, a "20 February, 2020" dateline, a "Source: Al Jazeera" line).

An article is identified by the hash of its content; its path is recorded, not used as identity. A file that
cannot be read as text is reported by name and skipped, and the batch goes on.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.errors import ArticleError

__all__ = ["Article", "article_from_text", "read_articles"]

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
_SIDECAR = "_metadata.csv"
_SIDECAR_COLUMNS = ("file", "title", "outlet", "url", "published", "language")
_DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b", re.IGNORECASE | re.MULTILINE)
_MONTHS = {m: i for i, m in enumerate(("january february march april may june july august september october "
                                       "november december").split(), start=1)}
_DATELINE = re.compile(r"^\s*(\d{1,2})\s+(" + "|".join(_MONTHS) + r"),?\s+(\d{4})\s*$", re.IGNORECASE | re.MULTILINE)
_DATELINE_US = re.compile(r"^\s*(" + "|".join(_MONTHS) + r")\s+(\d{1,2}),?\s+(\d{4})\s*$",
                          re.IGNORECASE | re.MULTILINE)
_SOURCE_LINE = re.compile(r"^\s*Source:\s*([^,\n]+)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Article:
    """One article: its text exactly as decoded, and what is known about it.

    ``published_from`` says where the date came from: ``metadata`` (the sidecar), ``text`` (a date line or a
    dateline in the article) or ``unknown``.
    """

    id: str
    path: str
    text: str
    content_hash: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: dt.date | None = None
    published_from: str = "unknown"
    language: str | None = None


def _date(value: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise ArticleError(f"{label}: published date {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def _title(text: str) -> str | None:
    """The first line when it reads as a title (short, no closing period)."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            words = line.split()
            if len(line) <= 200 and 3 <= len(words) and not line.endswith((".", ":", "”", '"')) \
                    and not _DATE_LINE.match(line):
                return line
            return None
    return None


def _published(text: str) -> dt.date | None:
    found = _DATE_LINE.search(text[:2000])
    if found:
        try:
            return dt.date.fromisoformat(found.group(1))
        except ValueError:
            return None
    for pattern, order in ((_DATELINE, (3, 2, 1)), (_DATELINE_US, (3, 1, 2))):
        found = pattern.search(text[:3000])
        if found:
            year, month, day = (found.group(i) for i in order)
            try:
                return dt.date(int(year), _MONTHS[month.lower()], int(day))
            except ValueError:
                return None
    return None


def article_from_text(text: str, *, path: str = "-", article_id: str | None = None,
                      metadata: dict[str, str] | None = None) -> Article:
    """An :class:`Article` from decoded text; sidecar ``metadata`` wins over what the text states."""
    meta = metadata or {}
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    published, source = None, "unknown"
    if meta.get("published"):
        published, source = _date(meta["published"], path), "metadata"
    else:
        published = _published(text)
        source = "text" if published else "unknown"
    outlet = meta.get("outlet") or None
    if not outlet:
        found = _SOURCE_LINE.search(text)
        outlet = found.group(1).strip() if found else None
    return Article(
        id=article_id or (Path(path).stem if path != "-" else digest[:16]),
        path=path,
        text=text,
        content_hash=digest,
        title=meta.get("title") or _title(text),
        outlet=outlet,
        url=meta.get("url") or None,
        published=published,
        published_from=source,
        language=meta.get("language") or None,
    )


def _decode(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ArticleError(f"{path}: {size / 1e6:.0f} MB is too large for an article (limit "
                               f"{MAX_BYTES // 2**20} MiB)")
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise ArticleError(f"{path}: the file is empty")
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{path}: binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{path}: not UTF-8 text (byte {exc.start}); convert it with "
                           f"'iconv -f LATIN1 -t UTF-8' or similar") from exc


def _sidecar(folder: Path) -> dict[str, dict[str, str]]:
    file = folder / _SIDECAR
    if not file.is_file():
        return {}
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ArticleError(f"{file}: cannot read the metadata sidecar ({exc})") from exc
    return {row["file"]: {k: (row.get(k) or "").strip() for k in _SIDECAR_COLUMNS}
            for row in rows if row.get("file")}


def _files(paths: Iterable[str]) -> Iterator[Path | None]:
    for raw in paths:
        if raw == "-":
            yield None
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(("_", ".")))
            if not found:
                log.warning("%s: no article files in this directory", path)
            yield from found
        elif path.name.startswith("_"):
            continue
        else:
            yield path


def read_articles(paths: Iterable[str | os.PathLike[str]], *, errors: list[str] | None = None,
                  stdin_text: str | None = None) -> Iterator[Article]:
    """Articles from files, directories (recursively, sorted; ``_*`` files are not articles) and ``-`` (stdin).

    Unreadable files are logged and appended to ``errors`` (when given), then skipped.
    """
    sidecars: dict[Path, dict[str, dict[str, str]]] = {}
    for path in _files(str(p) for p in paths):
        if path is None:
            import sys

            text = stdin_text if stdin_text is not None else sys.stdin.read()
            yield article_from_text(text, path="-")
            continue
        try:
            if not path.exists():
                raise ArticleError(f"{path}: no such file")
            folder = path.parent.resolve()
            if folder not in sidecars:
                sidecars[folder] = _sidecar(folder)
            yield article_from_text(_decode(path), path=str(path), metadata=sidecars[folder].get(path.name))
        except ArticleError as exc:
            log.error("%s", exc)
            if errors is not None:
                errors.append(str(exc))
