"""Articles: read text, HTML and JSON files, directories, glob patterns and stdin, with the ``_metadata.csv``
sidecar and what the text itself states (a title line, a ``date YYYY-MM-DD`` line, a "20 February, 2020" dateline,
a "Source: Al Jazeera" line, a wire byline such as "BEIRUT, Feb 28 (Reuters) -").

Formats, by extension: ``.html``/``.htm`` pages are reduced to their main text (:mod:`geo.htmltext`; the article
text, and so every offset, is that extracted text) and the page's own title, date, outlet, URL and language;
``.json`` holds one object or an array of objects and ``.jsonl`` one object a line, each with ``text`` and
optionally ``id``, ``title``, ``url``, ``outlet``, ``published``, ``language``; anything else is plain text.
Directories are read recursively for article files only (:data:`ARTICLE_SUFFIXES`); a named file is read whatever
its extension. Sidecar values win over the page, the JSON fields and inference.

Text is UTF-8 (with or without a BOM) or UTF-16/32 with a BOM; other bytes that read as Windows-1252 text are
accepted with a warning. An article is identified by the hash of its content; its path is recorded, not used as
identity. A file (or JSON line) that cannot be read is reported by name and skipped, and the batch goes on.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import email.utils
import glob
import hashlib
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.errors import ArticleError
from geo.htmltext import html_to_text
from geo.wire import find_byline

__all__ = ["ARTICLE_SUFFIXES", "MAX_BYTES", "Article", "article_from_text", "decode_bytes", "read_articles"]

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
#: What a directory is searched for ("" is a file without an extension); a file named explicitly is read anyway.
ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".md", ".html", ".htm", ".json", ".jsonl", ""})
_HTML = frozenset({".html", ".htm"})
_JSON_FIELDS = ("title", "url", "outlet", "published", "language")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
#: At most this share of control characters (besides tab, newlines, form feed) for bytes to count as text.
_MAX_CONTROL = 0.01
#: At most this share of non-ASCII characters for bytes that are not UTF-8 to count as Windows-1252 text.
_MAX_NON_ASCII = 0.3
_SIDECAR = "_metadata.csv"
_SIDECAR_COLUMNS = ("file", "title", "outlet", "url", "published", "language")
_DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b", re.IGNORECASE | re.MULTILINE)
_MONTHS = {m: i for i, m in enumerate(("january february march april may june july august september october "
                                       "november december").split(), start=1)}
#: Before a date line's date: "Published: ", "Updated on "
_DATELINE_HEAD = r"^\s*(?:(?:published|updated|posted|last updated)(?:\s+on)?:?\s+)?"
#: After it: a time ("10:45 GMT"), then an outlet or a place after a dash or bar ("June 2, 2023 - Al Jazeera")
_DATELINE_TAIL = (r"(?:,?\s+\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
                  r"\s*(?:[-–—|·•]\s*[^\n]{0,80})?$")
_DATELINE = re.compile(_DATELINE_HEAD + r"(\d{1,2})\s+(" + "|".join(_MONTHS) + r"),?\s+(\d{4})" + _DATELINE_TAIL,
                       re.IGNORECASE | re.MULTILINE)
_DATELINE_US = re.compile(_DATELINE_HEAD + r"(" + "|".join(_MONTHS) + r")\s+(\d{1,2}),?\s+(\d{4})" + _DATELINE_TAIL,
                          re.IGNORECASE | re.MULTILINE)
_SOURCE_LINE = re.compile(r"^\s*Source:\s*([^,\n]+)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Article:
    """One article: its text exactly as decoded, and what is known about it.

    ``published_from`` says where the date came from: ``metadata`` (the sidecar), ``text`` (a date line or a
    dateline in the article), ``inferred`` (from the article's own dates and weekdays, see
    :func:`geo.dates.infer_published`) or ``unknown``. ``published_end`` is the latest possible publication day
    when only a range is known (``None`` means the same day as ``published``). ``agency`` is the wire agency a
    byline such as "(Reuters) -" names.
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
    published_end: dt.date | None = None
    agency: str | None = None


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
    """An :class:`Article` from decoded text; ``metadata`` (the sidecar, a page's or a JSON object's fields) wins
    over what the text states.

    A wire byline sets ``agency`` (and ``outlet`` when none is known), and the date when it states a year.

    >>> a = article_from_text("Clashes in Idlib\\n\\nBEIRUT, Feb 28 (Reuters) - Shelling hit Saraqeb.", path="x.txt")
    >>> (a.id, a.title, a.agency, a.outlet, a.published)
    ('x', 'Clashes in Idlib', 'Reuters', 'Reuters', None)
    """
    meta = metadata or {}
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    byline = find_byline(text)
    published, source = None, "unknown"
    if meta.get("published"):
        published, source = _date(meta["published"], path), "metadata"
    else:
        published = _published(text) or (byline.date if byline else None)
        source = "text" if published else "unknown"
    outlet = meta.get("outlet") or None
    if not outlet:
        found = _SOURCE_LINE.search(text)
        outlet = found.group(1).strip() if found else (byline.agency if byline else None)
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
        agency=byline.agency if byline else None,
    )


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; a file over :data:`MAX_BYTES` is refused before it is read."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(size + 1) if size <= MAX_BYTES else b""  # no buffer larger than the file
            if size < len(data) <= MAX_BYTES:  # it grew since, or its size was unknown (a pipe): read on, bounded
                data += handle.read(MAX_BYTES + 1 - len(data))
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if size > MAX_BYTES or len(data) > MAX_BYTES:
        raise ArticleError(f"{path}: {max(size, len(data)) / 1e6:.0f} MB is too large for an article (limit "
                           f"{MAX_BYTES // 2**20} MiB)")
    return data


def decode_bytes(data: bytes, label: str) -> str:
    """Text from a file's bytes: UTF-8, a BOM's encoding, or else Windows-1252 with a warning.

    Parameters
    ----------
    data : bytes
        The whole file.
    label : str
        The file's name, for messages.

    Raises
    ------
    ArticleError
        The bytes are empty or whitespace, binary (NULs, many control bytes) or no text in these encodings.

    Examples
    --------
    >>> decode_bytes("Café in Idlib".encode("utf-16"), "a.txt")  # with its byte-order mark
    'Café in Idlib'
    >>> decode_bytes("“Café” in Idlib".encode("cp1252"), "b.txt")  # and a warning is logged
    '“Café” in Idlib'
    """
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data:
        raise ArticleError(f"{label}: binary data, not text (NUL bytes)")
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        if encoding:
            raise ArticleError(f"{label}: not {encoding.upper()} text despite its byte-order mark "
                               f"(byte {exc.start})") from exc
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = ""
        binary = len(_CONTROL.findall(data.decode("latin-1"))) > _MAX_CONTROL * len(data)
        if binary or not text or sum(not c.isascii() for c in text) > _MAX_NON_ASCII * len(text):
            raise ArticleError(f"{label}: {'binary data' if binary else 'not text'}; not UTF-8 (byte {exc.start}) "
                               f"nor Windows-1252 text; convert it with 'iconv -f ENCODING -t UTF-8'") from exc
        log.warning("%s: not UTF-8 (byte %d); read as Windows-1252 (cp1252)", label, exc.start)
    if not text.strip():
        raise ArticleError(f"{label}: the file is empty" + (" (whitespace only)" if text else ""))
    if "\x00" in text or len(_CONTROL.findall(text)) > _MAX_CONTROL * len(text):
        raise ArticleError(f"{label}: binary data, not text (control characters)")
    return text


def _page_date(value: str, label: str) -> str | None:
    """A page's publication date as ISO, or ``None`` (logged) when it is neither ISO nor RFC 2822."""
    try:
        return _date(value, label).isoformat()
    except ArticleError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        log.info("%s: ignoring the page's date %r (not ISO 8601 or RFC 2822)", label, value)
        return None


def _html_article(text: str, path: Path, sidecar: dict[str, str]) -> Article:
    body, page = html_to_text(text)
    if not body:
        raise ArticleError(f"{path}: no article text in this HTML page")
    page["published"] = _page_date(page["published"], str(path)) or "" if page.get("published") else ""
    return article_from_text(body, path=str(path), metadata={**page, **{k: v for k, v in sidecar.items() if v}})


def _json_article(obj: object, path: Path, where: str, article_id: str, sidecar: dict[str, str]) -> Article:
    label = f"{path}, {where}"
    if not isinstance(obj, dict):
        raise ArticleError(f"{label}: expected a JSON object with a 'text' field, found {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ArticleError(f"{label}: no 'text' (a non-empty string is required)")
    meta = {k: str(obj[k]).strip() for k in _JSON_FIELDS if obj.get(k) not in (None, "")}
    meta.update((k, v) for k, v in sidecar.items() if v)
    if meta.get("published"):
        meta["published"] = _date(meta["published"], label).isoformat()
    given = obj.get("id")
    return article_from_text(text, path=str(path), metadata=meta,
                             article_id=str(given) if given not in (None, "") else article_id)


def _json_articles(text: str, path: Path, sidecar: dict[str, str],
                   report: Callable[[ArticleError], None]) -> Iterator[Article]:
    items: list[tuple[object, str, str]] = []
    if path.suffix.lower() == ".jsonl":
        for n, line in enumerate(text.split("\n"), start=1):  # not splitlines(): JSON strings may hold U+2028
            if not line.strip():
                continue
            try:
                items.append((json.loads(line), f"line {n}", f"{path.stem}-{n}"))
            except (ValueError, RecursionError) as exc:
                report(ArticleError(f"{path}, line {n}: not valid JSON ({exc})"))
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ArticleError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from exc
        except RecursionError as exc:
            raise ArticleError(f"{path}: JSON nested too deeply") from exc
        if isinstance(data, list):
            items = [(obj, f"element {n}", f"{path.stem}-{n}") for n, obj in enumerate(data, start=1)]
        else:
            items = [(data, "line 1", path.stem)]
    for obj, where, article_id in items:
        try:
            yield _json_article(obj, path, where, article_id, sidecar)
        except ArticleError as exc:
            report(exc)


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


def _in_folder(folder: Path) -> list[Path]:
    """The article files under ``folder``, sorted; ``_*`` and hidden files and folders left out."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
                  and not any(part.startswith(("_", ".")) for part in p.relative_to(folder).parts))


def _files(paths: Iterable[str]) -> Iterator[Path | None | ArticleError]:
    """Files to read (``None`` for stdin), or the error for an argument that names none."""
    for raw in paths:
        if raw == "-":
            yield None
            continue
        path = Path(raw)
        if not path.exists() and any(c in raw for c in "*?["):
            matches = sorted(Path(p) for p in glob.glob(raw, recursive=True))
            # a pattern's matches are articles, or files of the extension the pattern itself names
            wanted = ARTICLE_SUFFIXES | {Path(raw).suffix.lower()}
            found = [p for p in matches if p.is_file() and p.suffix.lower() in wanted
                     and not p.name.startswith(("_", "."))]
            found += [f for p in matches if p.is_dir() for f in _in_folder(p)]
            if not found:
                yield ArticleError(f"{raw}: no article files match this pattern")
            yield from sorted(set(found))
        elif path.is_dir():
            found = _in_folder(path)
            if not found:
                log.warning("%s: no article files in this directory", path)
            yield from found
        elif not path.name.startswith("_"):
            yield path


def read_articles(paths: Iterable[str | os.PathLike[str]], *, errors: list[str] | None = None,
                  stdin_text: str | None = None) -> Iterator[Article]:
    """Articles from files, directories, glob patterns and ``-`` (stdin).

    Parameters
    ----------
    paths : iterable of str or path-like
        Files (read whatever their extension), directories (read recursively, sorted, for
        :data:`ARTICLE_SUFFIXES` only; ``_*`` and hidden files are not articles), patterns such as
        ``news/**/*.html`` (expanded when no file has that name) and ``-`` for stdin.
    errors : list of str, optional
        Each problem (an unreadable, binary, empty or oversized file, a bad JSON line, a pattern matching
        nothing) is logged and appended here; the file or line is skipped and the batch goes on.
    stdin_text : str, optional
        The text to read for ``-`` instead of standard input.

    Yields
    ------
    Article
        One per text or HTML file, one per JSON object.
    """
    def report(exc: ArticleError) -> None:
        log.error("%s", exc)
        if errors is not None:
            errors.append(str(exc))

    sidecars: dict[Path, dict[str, dict[str, str]]] = {}
    for path in _files(str(p) for p in paths):
        if isinstance(path, ArticleError):
            report(path)
            continue
        if path is None:
            yield article_from_text(stdin_text if stdin_text is not None else sys.stdin.read(), path="-")
            continue
        try:
            if not path.exists():
                raise ArticleError(f"{path}: no such file")
            folder = path.parent.resolve()
            if folder not in sidecars:
                sidecars[folder] = _sidecar(folder)
            sidecar = sidecars[folder].get(path.name, {})
            text = decode_bytes(_read_bytes(path), str(path))
            suffix = path.suffix.lower()
            if suffix in _HTML:
                yield _html_article(text, path, sidecar)
            elif suffix in (".json", ".jsonl"):
                yield from _json_articles(text, path, sidecar, report)
            else:
                yield article_from_text(text, path=str(path), metadata=sidecar)
        except ArticleError as exc:
            report(exc)
