"""Reports and articles as JSON-able dicts and back, so the store can re-merge stored reports with new ones.

Every field of :class:`~geo.reports.Report` (with its :class:`~gazetteer.model.Place`) and of
:class:`~geo.articles.Article` round-trips: dates as ISO text, tuples as lists. A field this version does not know
(written by a newer one) is ignored; a field it needs and does not find takes its default.

>>> import datetime as dt
>>> from geo.articles import Article
>>> article = Article(id="a", path="a.txt", text="Text.", content_hash="h", published=dt.date(2020, 2, 27))
>>> article_from_dict(article_to_dict(article)) == article
True
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from gazetteer.model import Place
from geo.articles import Article
from geo.reports import Report

__all__ = ["article_from_dict", "article_to_dict", "report_from_dict", "report_to_dict"]

_REPORT_FIELDS = {f.name: f for f in dataclasses.fields(Report)}
_PLACE_FIELDS = {f.name for f in dataclasses.fields(Place)}
_ARTICLE_FIELDS = {f.name for f in dataclasses.fields(Article)}
_DATES = ("date", "date_end", "published", "published_end")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def report_to_dict(report: Report) -> dict[str, Any]:
    """A report as a JSON-able dict (its place as a dict of :class:`Place` fields)."""
    out: dict[str, Any] = {}
    for name in _REPORT_FIELDS:
        value = getattr(report, name)
        if name == "place" and value is not None:
            value = {f: _plain(getattr(value, f)) for f in _PLACE_FIELDS}
        out[name] = _plain(value)
    return out


def report_from_dict(data: dict[str, Any]) -> Report:
    """The report :func:`report_to_dict` wrote."""
    values: dict[str, Any] = {}
    for name in _REPORT_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "place" and value is not None:
            value = Place(**{k: v for k, v in value.items() if k in _PLACE_FIELDS})
        elif name in _DATES and value is not None:
            value = dt.date.fromisoformat(value)
        elif isinstance(value, list):
            value = tuple(value)
        values[name] = value
    return Report(**values)


def article_to_dict(article: Article, *, text: bool = True) -> dict[str, Any]:
    """An article's fields as a JSON-able dict (without ``text`` when ``text`` is false)."""
    return {name: _plain(getattr(article, name)) for name in sorted(_ARTICLE_FIELDS) if text or name != "text"}


def article_from_dict(data: dict[str, Any]) -> Article:
    """The article :func:`article_to_dict` wrote (``text`` must be present)."""
    values = {k: v for k, v in data.items() if k in _ARTICLE_FIELDS}
    for name in _DATES:
        if values.get(name) is not None:
            values[name] = dt.date.fromisoformat(values[name])
    return Article(**values)
