"""Dates in news text: find date expressions and resolve them against the publication date.

One job: ``text -> list[DateMention]`` (:func:`find_dates`). Publication dates that a batch lacks are inferred in
:mod:`geo.pubdate` (:func:`infer_published`, re-exported here). Stdlib only.

Every expression is found by one rule of ``_RULES`` (a regex and a builder), then resolved against the
publication day, or a range ``[published, published_end]`` when only a range is known. The span of a mention
includes its lead word ("on Sunday", "since December", "in February"). When spans overlap, the longest wins.

======================  =================================================  ==========================================
rule                    news sentence                                      resolves to (published Sun 2020-03-01)
======================  =================================================  ==========================================
weekday                 "the defence chief said on Sunday"                 the latest Sunday on or before: 2020-03-01
weekday, "last"         "talks collapsed last Thursday"                    the latest Thursday before: 2020-02-27
weekday pair            "will meet Putin on Thursday or Friday"            future: 2020-03-05..2020-03-06
word                    "yesterday", "today", "tonight", "last night"      03-01 minus 1, 0, 0, 1 day
ago                     "hours ago", "three days ago", "one year ago"      03-01, 02-27, the year 2019
relative unit           "last week" (previous Mon-Sun week), "this year"   2020-02-17..2020-02-29 (see below), 2020
anaphora                "the previous day", "two days later"               the last day mentioned before, -1 / +2
month and day           "on Feb. 27", "February 27, 2020", "27 February"   2020-02-27 (the year: see below)
ISO and numeric         "2020-02-27", "27/02/2020" (day first)             2020-02-27; "05/03/2020" is ambiguous: none
month and year          "in September of 2018"                             2018-09-01..2018-09-30
month with a lead word  "in February", "since December", "early March"     a month, or a part of it
year with a lead word   "in 2016", "since 2012", "a 2018 deal"             a year
======================  =================================================  ==========================================

Resolution rules:

* A weekday is the latest such day on or before publication ("on Sunday" in a paper of Sunday is that day);
  after a future cue ("NATO nations will meet on Friday") it is the first such day on or after publication.
* "last week" is the previous Monday-Sunday week; when published on a Saturday or Sunday it also covers the week
  now ending ("the attack last week", written on Sunday 1 March about Thursday 27 February).
* A month part: early/beginning/start = days 1-10, mid/middle = 11-20, late/end = 21 to the last day; of a year:
  January-April, May-August, September-December.
* A month or day without a year is the latest one starting at most 31 days after publication ("Feb. 27" in
  March 2020 is 2020-02-27, "March 5" read on 28 February is 2020-03-05, "December 28" in January 2020 is
  2019-12-28); after "since", the latest on or before publication; after a future cue ("slated for May 5"), the
  first one not yet over when it is within half a year.
* ``precision``: ``day`` for one day, ``week`` up to 7 days, ``month`` up to 31, else ``year`` (``unknown`` when
  unresolved). With an unknown publication, relative expressions and years-less dates resolve to ``None``.
* ``kind``: ``since`` ("since December": up to publication), ``future`` (a future cue before it in the
  sentence - "will", "slated for", "scheduled", "expected to" - not cancelled by "said" in between; "next week";
  "by the end of February", a deadline not yet past; or an explicit date after publication), ``period`` (a span
  named: "in February", "last week"), else ``point``.

False positives avoided: "may request" (months are capitalised), "March" and "May" alone without a day, a year
or a lead word, "The Sunday Times", "Good Friday", "34 soldiers", "S-400", "SU-24", "the 12 observation posts".

>>> [(m.text, str(m.date), m.kind) for m in find_dates("Akar said on Sunday.", published=dt.date(2020, 3, 1))]
[('on Sunday', '2020-03-01', 'point')]
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.articles import Article

__all__ = ["DateExpression", "DateMention", "find_dates", "infer_published", "precision", "resolve", "scan"]

log = logging.getLogger(__name__)

Span = tuple[dt.date, dt.date]
SpanFn = Callable[[dt.date | None], Span | None]
_D = dt.timedelta(days=1)
_FULL = "January February March April May June July August September October November December".split()
_ABBR = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Sept": 9, "Oct": 10,
         "Nov": 11, "Dec": 12}
_MONTHS = {**{m: i for i, m in enumerate(_FULL, 1)}, **{m.upper(): i for i, m in enumerate(_FULL, 1)},
           **_ABBR, **{k.upper(): v for k, v in _ABBR.items()}}
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_NUMBERS = {w: i for i, w in enumerate("one two three four five six seven eight nine ten".split(), 1)} | {
    "a": 1, "an": 1, "several": 0, "few": 0, "a few": 0, "some": 0}


def _alt(words: Sequence[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_MON = (rf"(?P<mon>(?:{_alt(_FULL + [m.upper() for m in _FULL])})\b|"
        rf"(?:{_alt(list(_ABBR) + [a.upper() for a in _ABBR])})\b\.?)")
_WDS = _alt(_WEEKDAYS)
_DAYNUM = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_PREP = r"(?P<prep>(?i:since|in|during|until|till|through|throughout|by|before|after|from|at|on|as\s+of))\s+"
_PART = r"(?P<part>(?i:(?:the\s+)?(?:very\s+)?(?:end|beginning|start|middle)\s+of\s+|early\s+|late\s+|mid-|mid\s+))"
_PREFIX = rf"(?<![\w-])(?:{_PREP})?(?:{_PART})?"
_MONTH_PREPS = {"since", "in", "during", "until", "till", "through", "throughout", "by", "before", "after", "from",
                "as of"}
_NOT_AFTER_WEEKDAY = ("Times|Telegraph|Express|Mirror|Mail|Post|Herald|Star|Sport|People|Independent|Observer|"
                      "Tribune|Night\\s+Live|Mass|Service|Agreement|Accord|School|Bloody")
_NOT_BEFORE_WEEKDAY = {"bloody", "good", "black", "super", "ash", "palm", "easter", "holy", "maundy", "cyber",
                       "giving", "shrove", "whit", "low", "orthodox", "great"}
_YEAR_NOUNS = ("deal|agreement|accord|accords|election|elections|war|summit|attack|attacks|offensive|operation|"
               "ceasefire|truce|protests|uprising|coup|memorandum|law|referendum|census|campaign|invasion|"
               "earthquake|floods|crisis|talks|pact|report|budget|survey|constitution|treaty|cup|olympics")
_CUE = re.compile(r"\b(?:will|won['’]t|shall|is\s+to|are\s+to|(?:is|are)\s+due|due\s+to|slated|scheduled|set\s+to|"
                  r"expected\s+to|plans?\s+to|planned|planning|upcoming|forthcoming|going\s+to|to\s+be\s+held)\b|"
                  r"['’]ll\b", re.IGNORECASE)
_SAID = re.compile(r"\b(?:said|says|told|announced|reported|added|stated|according)\b", re.IGNORECASE)
_REPORTING = re.compile(r"\b(?:said|says|told(?:\s+[\w’'.-]+){0,3}|announced|reported|stated|added|confirmed|"
                        r"claimed|denied|warned|insisted|declared|tweeted|wrote|statement|conference|briefing|"
                        r"interview)\s*,?\s*$", re.IGNORECASE)
_BOUNDARY = re.compile(r"[.!?][\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z])|\n")


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in a text and the days it denotes.

    ``start``/``end`` are code-point offsets into the text passed in; ``date`` is the earliest possible day and
    ``date_end`` the latest (equal for one day); ``precision`` is ``day|week|month|year|unknown``; ``source``
    ``explicit`` (the text gives the date) or ``relative`` (resolved against publication); ``kind`` ``point``,
    ``since``, ``period`` or ``future`` (see the module docstring).
    """

    start: int
    end: int
    text: str
    date: dt.date | None
    date_end: dt.date | None
    precision: str
    source: str
    kind: str


@dataclass(frozen=True, slots=True)
class DateExpression:
    """A found expression before resolution: what :mod:`geo.pubdate` reasons with.

    ``span`` maps one publication day (``None`` = unknown) to the days denoted. ``cue`` is the distance in
    characters from a future cue ("will", "slated for") to the expression, ``None`` without one; ``reporting``
    marks a weekday of a reporting verb ("said on Sunday"); ``month_day`` is set for a day without a year;
    ``anaphoric`` is the day offset from the last day mentioned before ("the previous day" = -1); ``for_year``
    gives the days of a year-less date in a given year.
    """

    start: int
    end: int
    text: str
    rule: str
    source: str
    span: SpanFn
    period: bool = False
    since: bool = False
    future: bool = False
    deadline: bool = False
    cue: int | None = None
    reporting: bool = False
    yearless: bool = False
    month_day: tuple[int, int] | None = None
    anaphoric: int | None = None
    for_year: Callable[[int], Span | None] | None = None


def precision(first: dt.date, last: dt.date) -> str:
    """``day`` for one day, ``week`` for up to 7, ``month`` up to 31, else ``year``.

    >>> precision(dt.date(2020, 2, 1), dt.date(2020, 2, 29))
    'month'
    """
    days = (last - first).days + 1
    return "day" if days <= 1 else "week" if days <= 7 else "month" if days <= 31 else "year"


def _one(day: dt.date) -> Span:
    return day, day


def _month(year: int, month: int) -> Span:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _part(span: Span, part: str | None) -> Span:
    """A part of a month or a year: early (and beginning, start), mid (middle), late (and end)."""
    first, last = span
    if not part:
        return span
    if (last - first).days < 40:
        bounds = {"early": (1, 10), "mid": (11, 20), "late": (21, last.day)}[part]
        return first.replace(day=bounds[0]), first.replace(day=bounds[1])
    months = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[part]
    return _month(first.year, months[0])[0], _month(first.year, months[1])[1]


def _part_word(raw: str | None) -> str | None:
    if not raw:
        return None
    word = raw.lower()
    return ("early" if any(w in word for w in ("early", "beginning", "start")) else
            "mid" if "mid" in word else "late")


def _closest(pub: dt.date, make: Callable[[int], Span | None], mode: str = "around") -> Span | None:
    """The occurrence of a year-less date for ``pub``: ``around`` the latest starting at most 31 days after it,
    ``since`` the latest starting on or before it, ``future`` the first ending on or after it if within half a
    year (else ``around``: "will be tried for the attack on Feb. 27" read on March 1 is the past February 27)."""
    spans = [s for s in (make(y) for y in (pub.year - 1, pub.year, pub.year + 1)) if s is not None]
    upcoming = min((s for s in spans if s[1] >= pub), default=None)
    if mode == "future" and upcoming is not None and (upcoming[0] - pub).days <= 183:
        return upcoming
    limit = pub + (0 if mode == "since" else 31) * _D
    return max((s for s in spans if s[0] <= limit), default=None)


def _safe_day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _day_span(month: int, day: int, day2: int | None, part: str | None) -> Callable[[int], Span | None]:
    def make(year: int) -> Span | None:
        first, last = _safe_day(year, month, day), _safe_day(year, month, day2 or day)
        return (first, last) if first and last and first <= last else None
    if day == 0:  # a month alone
        return lambda year: _part(_month(year, month), part)
    return make


def _weekday_fn(wd: int, wd2: int | None, mode: str) -> SpanFn:
    """Resolve a weekday (or a pair) by ``mode``: past (on/before), strict (before), future (on/after), next."""
    def fn(pub: dt.date | None) -> Span | None:
        if pub is None:
            return None
        if mode in ("past", "strict"):
            last_wd = wd2 if wd2 is not None else wd
            back = (pub.weekday() - last_wd) % 7 or (7 if mode == "strict" else 0)
            last = pub - back * _D
            return last - ((last_wd - wd) % 7) * _D, last
        ahead = (wd - pub.weekday()) % 7 or (7 if mode == "next" else 0)
        first = pub + ahead * _D
        return first, first + (((wd2 - wd) % 7) if wd2 is not None else 0) * _D
    return fn


def _context(text: str, start: int) -> tuple[int | None, bool]:
    """(distance from a future cue in the sentence before ``start``, whether a reporting verb precedes)."""
    window = text[max(0, start - 120):start]
    cut = [b.end() for b in _BOUNDARY.finditer(window)]
    clause = window[cut[-1]:] if cut else window
    cues = list(_CUE.finditer(clause))
    cue = None
    if cues and not _SAID.search(clause[cues[-1].end():]) and len(clause) - cues[-1].end() <= 80:
        cue = len(clause) - cues[-1].end()
    return cue, bool(_REPORTING.search(text[max(0, start - 80):start]))


@dataclass(frozen=True, slots=True)
class _Rule:
    """A rule, and where its matches can be: every match contains an ``anchor`` (a key of ``_ANCHORS``: a month
    name, a weekday, "ago"...), starts at most ``before`` runs of whitespace before it and is read by the regex
    engine up to at most ``after`` runs of whitespace after it (see :func:`_windows`)."""

    name: str
    pattern: re.Pattern[str]
    build: Callable[[re.Match[str], str], DateExpression | None]
    anchor: str
    before: int
    after: int


def _expr(m: re.Match[str], text: str, rule: str, span: SpanFn, *, source: str = "explicit",
          past: bool = False, context: tuple[int | None, bool] | None = None, **flags: object) -> DateExpression:
    """A DateExpression with the flags every rule shares: lead word, future cue, reporting verb (``context``:
    ``_context`` at the start of the match when the rule has it already)."""
    start, end = m.span("core") if "core" in m.groupdict() else m.span()
    prep = (m.groupdict().get("prep") or m.groupdict().get("pre") or "").lower().split()
    cue, reporting = context if context is not None and start == m.start() else _context(text, start)
    since = prep == ["since"]
    future = bool(flags.pop("future", False)) or (cue is not None and source == "relative" and not past and
                                                   not since)
    return DateExpression(start, end, text[start:end], rule, source, span, since=since, future=future and not since,
                          deadline=prep == ["by"], cue=None if past or since else cue,
                          reporting=reporting, **flags)  # type: ignore[arg-type]


def _explicit(m: re.Match[str], text: str, rule: str, month: int, day: int = 0, year: int | None = None,
              day2: int | None = None) -> DateExpression | None:
    """A calendar date, month or part of a month: fixed when the year is given, else chosen by publication."""
    part = _part_word(m.groupdict().get("part"))
    make = _day_span(month, day, day2, part)
    since = (m.groupdict().get("prep") or "").lower() == "since"
    if year is not None:
        fixed = make(year)
        if fixed is None:
            return None
        return _expr(m, text, rule, lambda _pub: fixed, period=day == 0)

    context = None if since else _context(text, m.start())
    mode = "since" if context is None else "future" if context[0] is not None else "around"

    def span(pub: dt.date | None) -> Span | None:
        return None if pub is None else _closest(pub, make, mode)
    return _expr(m, text, rule, span, context=context, period=day == 0, yearless=True, for_year=make,
                 month_day=(month, day) if day and not day2 else None)


def _int(m: re.Match[str], name: str) -> int | None:
    value = m.groupdict().get(name)
    return int(value) if value else None


def _month_no(m: re.Match[str]) -> int:
    return _MONTHS[m.group("mon").rstrip(".")]


def _b_iso(m: re.Match[str], text: str) -> DateExpression | None:
    return _explicit(m, text, "iso", int(m["month"]), int(m["day"]), int(m["year"])) \
        if 1 <= int(m["month"]) <= 12 else None


def _b_numeric(m: re.Match[str], text: str) -> DateExpression | None:
    a, b = int(m["a"]), int(m["b"])
    if a == b or (a > 12 and b <= 12):
        day, month = a, b
    elif b > 12 and a <= 12:
        day, month = b, a
    else:
        return None  # "05/03/2020": 5 March or May 3
    return _explicit(m, text, "numeric", month, day, int(m["year"]))


def _b_month_day(m: re.Match[str], text: str) -> DateExpression | None:
    day, day2 = int(m["day"]), _int(m, "day2")
    if not 1 <= day <= 31 or (day2 is not None and not day < day2 <= 31):
        return None
    return _explicit(m, text, "month_day", _month_no(m), day, _int(m, "year"), day2)


def _b_month(m: re.Match[str], text: str) -> DateExpression | None:
    """A month alone needs a lead word: "in February", "since December", "mid-February", "last March"."""
    prep = (m.groupdict().get("prep") or "").lower()
    prep = " ".join(prep.split())
    rel, year = (m.groupdict().get("rel") or "").lower(), _int(m, "year")
    if year is None and not rel and not m.groupdict().get("part") and prep not in _MONTH_PREPS:
        return None
    month = _month_no(m)
    if not rel:
        return _explicit(m, text, "month", month, 0, year)
    make = _day_span(month, 0, None, _part_word(m.groupdict().get("part")))

    def span(pub: dt.date | None) -> Span | None:
        if pub is None:
            return None
        spans = [s for s in (make(y) for y in (pub.year - 1, pub.year, pub.year + 1)) if s]
        if rel == "next":
            return min(s for s in spans if s[0] > pub)
        if rel == "this":
            return make(pub.year)
        return max(s for s in spans if s[1] < pub.replace(day=1))
    return _expr(m, text, "month", span, source="relative", past=rel != "next", future=rel == "next", period=True)


def _b_year(m: re.Match[str], text: str) -> DateExpression | None:
    prep = " ".join((m.groupdict().get("prep") or "").lower().split())
    if "core" not in m.groupdict() and not m.groupdict().get("part") and prep not in _MONTH_PREPS:
        return None
    year = int(m["year"])
    span = _part((dt.date(year, 1, 1), dt.date(year, 12, 31)), _part_word(m.groupdict().get("part")))
    return _expr(m, text, "year", lambda _pub: span, period=True)


def _b_weekday(m: re.Match[str], text: str) -> DateExpression | None:
    before = text[max(0, m.start() - 20):m.start()].split()
    if before and before[-1].lower().strip("“\"(") in _NOT_BEFORE_WEEKDAY and not m["pre"]:
        return None
    pre = " ".join((m["pre"] or "").lower().split())
    wd, wd2 = _WEEKDAYS.index(m["wd"]), (_WEEKDAYS.index(m["wd2"]) if m["wd2"] else None)
    context = _context(text, m.start())
    cue = context[0]
    mode = ("strict" if pre in ("last", "this past") else "next" if pre == "next" else
            "future" if cue is not None and pre not in ("since",) else "past")
    return _expr(m, text, "weekday", _weekday_fn(wd, wd2, mode), source="relative", past=mode == "strict",
                 future=mode == "next", context=context)


def _b_word(m: re.Match[str], text: str) -> DateExpression | None:
    word = " ".join(m["w"].lower().split())
    offset = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(word, 0)
    later = word in ("tomorrow", "later today")
    return _expr(m, text, "word", lambda p: None if p is None else _one(p + offset * _D), source="relative",
                 past=offset < 0 or word == "earlier today", future=later)


def _b_ago(m: re.Match[str], text: str) -> DateExpression | None:
    raw = " ".join((m["n"] or "").lower().split())
    n = int(raw) if raw.isdigit() else _NUMBERS.get(raw, 0)
    unit = m["unit"].lower().rstrip("s")

    def span(pub: dt.date | None) -> Span | None:
        if pub is None:
            return None
        if unit in ("minute", "hour"):
            return _one(pub - (n // 24 if unit == "hour" else 0) * _D)
        if unit == "day":
            return _one(pub - n * _D)
        if unit == "week":
            return pub - (7 * n + 3) * _D, pub - (7 * n - 3) * _D
        if unit == "month":
            total = pub.year * 12 + pub.month - 1 - max(n, 1)
            return _month(total // 12, total % 12 + 1)
        return dt.date(pub.year - max(n, 1), 1, 1), dt.date(pub.year - max(n, 1), 12, 31)
    return _expr(m, text, "ago", span, source="relative", past=True, period=unit in ("week", "month", "year"))


def _b_relative(m: re.Match[str], text: str) -> DateExpression | None:
    """"last week", "this month", "earlier this year", "the end of last year", "over the weekend"."""
    rel, unit = " ".join(m["rel"].lower().split()), m["unit"].lower()
    raw_part = (m["part"] or "").lower().strip()
    if rel == "the" and unit != "weekend":
        return None
    future = rel == "next" or raw_part == "later"
    context = _context(text, m.start())
    cue = context[0]
    ahead = future or (rel in ("this", "the") and cue is not None and raw_part != "earlier")
    part = None if raw_part in ("earlier", "later") else _part_word(raw_part)

    def span(pub: dt.date | None) -> Span | None:
        if pub is None:
            return None
        step = {"last": -1, "next": 1}.get(rel, 0)
        if unit == "weekend":
            if ahead:
                sat = pub + ((5 - pub.weekday()) % 7) * _D
                sat += 7 * _D if rel == "next" and sat == pub else 0 * _D
                return sat, sat + _D
            sat = pub - ((pub.weekday() - 5) % 7) * _D - (7 * _D if rel == "last" and pub.weekday() >= 5 else 0 * _D)
            return sat, min(sat + _D, pub)
        if unit == "week":
            monday = pub - pub.weekday() * _D + 7 * step * _D
            first, last = monday, monday + 6 * _D
            if rel == "last" and pub.weekday() >= 5:  # on a weekend, "last week" may be the week now ending
                last = pub - _D
        elif unit == "month":
            total = pub.year * 12 + pub.month - 1 + step
            first, last = _part(_month(total // 12, total % 12 + 1), part)
        else:
            first, last = _part((dt.date(pub.year + step, 1, 1), dt.date(pub.year + step, 12, 31)), part)
        if step == 0 and raw_part == "earlier":
            return first, max(first, pub - _D)
        if step == 0 and raw_part == "later":
            return min(last, pub + _D), last
        if step == 0 and not ahead:
            return first, min(last, pub)
        return first, last
    return _expr(m, text, "relative", span, source="relative", past=rel == "last" or raw_part == "earlier",
                 future=future, period=True, context=context)


def _b_anaphora(m: re.Match[str], text: str) -> DateExpression | None:
    following = text[m.end():m.end() + 12].split()
    if "before" in m["ana"].lower() or "after" in m["ana"].lower():
        if following and (following[0].lower() in ("the", "a", "an", "his", "her", "its", "their")
                          or following[0][:1].isupper()):
            return None  # "the day before the vote": a day relative to an event, not to a date
    words = m["ana"].lower().split()
    n = int(words[0]) if words[0].isdigit() else _NUMBERS.get(words[0], 1)
    back = any(w in words for w in ("previous", "before", "earlier"))
    offset = -n if back else n
    return _expr(m, text, "anaphora", lambda p: None if p is None else _one(p + offset * _D), source="relative",
                 past=back, anaphoric=offset)


# Each rule: name, its regex in three parts (before the anchor, the anchor, after it), the builder, and the kind of
# text every match contains (a key of _ANCHORS) inside the middle part.
_RULE_TABLE: list[tuple[str, str, str, str, Callable[[re.Match[str], str], DateExpression | None], str]] = [
    ("iso", _PREFIX, r"(?P<year>\d{4})-(?P<month>[01]\d)-(?P<day>[0-3]\d)", r"\b", _b_iso, "iso"),
    ("numeric", rf"{_PREFIX}(?<![\w/.-])", rf"(?P<a>[0-3]?\d)(?P<sep>[/.])(?P<b>[0-3]?\d)(?P=sep){_YEAR}",
     r"\b(?![/.]\d)", _b_numeric, "year"),
    ("month_day", rf"{_PREFIX}(?:(?:{_WDS}),?\s+)?", _MON,
     rf"\s*{_DAYNUM}(?:\s*[-–]\s*(?P<day2>[0-3]?\d))?\b(?!\s*(?:[:\d%]|percent|per\s+cent|km\b))"
     rf"(?:,?\s+{_YEAR}\b)?", _b_month_day, "month"),
    ("day_month", rf"{_PREFIX}(?:(?:{_WDS}),?\s+)?(?:the\s+)?(?<![\d,.])\b{_DAYNUM}\s+(?:of\s+)?", _MON,
     rf"(?:,?\s+{_YEAR}\b)?", _b_month_day, "month"),
    ("month", rf"{_PREFIX}(?:(?P<rel>(?i:last|this\s+past|this|next))\s+)?", _MON,
     rf"(?:,?\s+(?:of\s+)?{_YEAR}\b)?(?![-–/]\d|\s*\d)", _b_month, "month"),
    ("year", rf"{_PREFIX}(?:the\s+year\s+)?", _YEAR, r"\b(?![-–/]\d|\s*(?:%|percent|per\s+cent))", _b_year, "year"),
    ("year_adjective", r"\b(?i:a|an|the|its|their|his|her)\s+", rf"(?P<core>{_YEAR})",
     rf"\s+(?=(?i:{_YEAR_NOUNS})\b)", _b_year, "year"),
    ("weekday", r"(?<![\w-])(?P<pre>(?i:(?:(?:early|late)\s+)?(?:on|since|until|by|from|before|after|last|"
                r"this\s+past|this|next|overnight)\s+|(?:early|late)\s+))?", rf"(?P<wd>{_WDS})",
     rf"(?:['’]s)?(?:\s*(?:or|and|to|through|-|–)\s*(?P<wd2>{_WDS})(?:['’]s)?)?"
     rf"(?:\s+(?i:morning|afternoon|evening|night))?\b(?!\s+(?:{_NOT_AFTER_WEEKDAY})\b)", _b_weekday, "weekday"),
    ("word", r"(?<![\w-])", r"(?P<w>(?i:yesterday|today|tonight|tomorrow|last\s+night|this\s+(?:morning|afternoon|"
                            r"evening)|earlier\s+today|later\s+today))", r"(?:['’]s)?\b", _b_word, "word"),
    ("ago", r"(?<![\w-])(?:(?P<n>\d+|(?i:a\s+few|an?|one|two|three|four|five|six|seven|eight|nine|ten|several|few|"
            r"some))\s+)?(?P<unit>(?i:minutes?|hours?|days?|weeks?|months?|years?))\s+", r"(?i:ago)", r"\b", _b_ago,
     "ago"),
    ("relative", r"(?<![\w-])(?P<prep>(?i:since|by|until|in|at|during|from|before|after|over)\s+)?"
                 r"(?P<part>(?i:(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+|early\s+|late\s+|mid-|earlier\s+|"
                 r"later\s+))?(?P<rel>(?i:last|this|next|the))\s+", r"(?P<unit>(?i:week|weekend|month|year))", r"\b",
     _b_relative, "unit"),
    ("anaphora", r"(?<![\w-])", r"(?P<ana>(?i:the\s+(?:previous|next|following)\s+day|the\s+day\s+(?:before|after)|"
                                r"(?:a|one|two|three|four|five|six|seven|\d+)\s+days?\s+(?:earlier|later)))", r"\b",
     _b_anaphora, "day"),
]

# What every match of a rule contains. A regex for the text, or words to find in the lower-cased text for the rules'
# case-insensitive words: "yesterday" and "today" contain "day", "tonight" and "last night" contain "night". An ISO
# date contains "-01-" to "-19-", a numeric date a year.
_ANCHOR_WORDS = {"word": ("day", "night", "tomorrow", "morning", "afternoon", "evening"), "ago": ("ago",),
                 "unit": ("week", "month", "year"), "day": ("day",)}
_ANCHORS: dict[str, re.Pattern[str]] = {
    "iso": re.compile(r"-[01]\d-"),
    "month": re.compile(_alt(sorted({m[:3] for m in _FULL} | {m[:3].upper() for m in _FULL}))),
    "year": re.compile(r"(?:1[89]|20)\d\d"),
    "weekday": re.compile(_WDS),
}
# The words in any case, for a text whose lower-casing would not keep the offsets or the matches: "İ" (two
# characters lower-cased), and "ı" and "ſ", which a case-insensitive regex takes for "i" and "s".
_ANCHORS_ANY_CASE = {kind: re.compile(rf"(?i:{_alt(words)})") for kind, words in _ANCHOR_WORDS.items()}
_ODD_CASE = ("\u0130", "\u0131", "\u017f")
_RUNS_BACK = {n: re.compile(rf"\S*(?:\s+\S+){{0,{n}}}") for n in range(20)}
_RUNS_AHEAD = {n: re.compile(rf"\S*(?:\s+\S+){{0,{n}}}\s*") for n in range(20)}


def _runs_of_whitespace(regex: str) -> int:
    r"""How many runs of whitespace a match of ``regex`` can touch at most: its ``\s`` (a rule has no other way to
    match whitespace, and none under a repeat - see the tests)."""
    return regex.count(r"\s")


_RULES = [_Rule(name, re.compile(before + anchor + after), build, kind,
                _runs_of_whitespace(before + anchor), _runs_of_whitespace(anchor + after))
          for name, before, anchor, after, build, kind in _RULE_TABLE]


def _windows(text: str, reverse: str, hits: Sequence[int], rule: _Rule, start: int,
             end: int) -> list[tuple[int, int]]:
    r"""The parts of ``text[start:end]`` that can hold a match of ``rule``, merged; ``hits`` are its anchors.

    A match contains an anchor and starts at most ``rule.before`` runs of whitespace before it; the regex engine
    reads at most one character past ``rule.after`` runs of whitespace after it (each ``\s`` of the rule matches
    in one run at most). A window runs from the start of the ``before``-th run of non-space before the anchor's
    run to the start of the ``after + 1``-th after it, so a search inside it (``pattern.finditer(text, lo, hi)``:
    lookbehinds and ``\b`` see the text before ``lo``) finds what a search of the whole text finds there, and
    nothing more: what the search reads is the same.
    """
    back, ahead = _RUNS_BACK[rule.before], _RUNS_AHEAD[rule.after]
    size = len(text)
    out: list[tuple[int, int]] = []
    for hit in hits:
        if out and hit < out[-1][1]:  # the window of this anchor starts before the last one ends
            lo = out[-1][0]
        else:
            found = back.match(reverse, size - 1 - hit, size - start)
            lo = size - found.end() if found else hit
        found = ahead.match(text, hit, end)
        hi = found.end() if found else end
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _find_all(text: str, words: Sequence[str], start: int, end: int) -> list[int]:
    found = []
    for word in words:
        at = text.find(word, start, end)
        while at >= 0:
            found.append(at)
            at = text.find(word, at + 1, end)
    return sorted(found)


def _anchor_hits(text: str, start: int, end: int) -> dict[str, list[int]]:
    """Where the anchors of each kind start in ``text[start:end]`` (some more, never fewer)."""
    hits = {kind: [m.start() for m in pattern.finditer(text, start, end)] for kind, pattern in _ANCHORS.items()}
    low = text.lower()
    if text.isascii() or (len(low) == len(text) and not any(c in text for c in _ODD_CASE)):
        hits.update({kind: _find_all(low, words, start, end) for kind, words in _ANCHOR_WORDS.items()})
    else:
        hits.update({kind: [m.start() for m in pattern.finditer(text, start, end)]
                     for kind, pattern in _ANCHORS_ANY_CASE.items()})
    return hits


@functools.lru_cache(maxsize=4096)
def _scan(text: str, start: int, end: int) -> tuple[DateExpression, ...]:
    found: list[tuple[int, DateExpression]] = []
    hits = _anchor_hits(text, start, end)
    reverse = text[::-1] if any(hits.values()) else ""
    for order, rule in enumerate(_RULES):
        rule_hits = hits[rule.anchor]
        if not rule_hits:
            continue
        for lo, hi in _windows(text, reverse, rule_hits, rule, start, end):
            for match in rule.pattern.finditer(text, lo, hi):
                built = rule.build(match, text)
                if built is not None:
                    found.append((order, built))
    return _longest_first(found)


def _longest_first(found: list[tuple[int, DateExpression]]) -> tuple[DateExpression, ...]:
    """Non-overlapping expressions from ``(rule order, expression)`` pairs: the longest first, then the earliest,
    then the earlier rule; in text order."""
    found.sort(key=lambda f: (f[1].start - f[1].end, f[1].start, f[0]))
    chosen: list[DateExpression] = []
    for _, expr in found:
        if all(expr.end <= c.start or expr.start >= c.end for c in chosen):
            chosen.append(expr)
    return tuple(sorted(chosen, key=lambda e: e.start))


def scan(text: str, *, start: int = 0, end: int | None = None) -> list[DateExpression]:
    """The date expressions of ``text[start:end]``, unresolved, in text order (offsets into ``text``).

    Each rule is searched only around the words it needs (a month name, a weekday, "ago"...); results are cached,
    so scanning the same text again costs nothing (the list returned is a new one each time).
    """
    size = len(text)
    start, end = min(max(start, 0), size), size if end is None else min(max(end, 0), size)  # as a regex search
    return list(_scan(text, start, end))


def resolve(expr: DateExpression, published: dt.date | None, published_end: dt.date | None = None, *,
            anchor: dt.date | None = None) -> DateMention:
    """Resolve one expression against a publication day or range (``None``: unknown).

    A relative expression resolves at both ends of the range and spans both; a date without a year takes the
    year for the middle of the range. ``anchor`` is the last day mentioned before, for "the previous day".
    """
    p0, p1 = published, published_end or published
    first_last: Span | None
    if expr.anaphoric is not None and anchor is not None:
        first_last = _one(anchor + expr.anaphoric * _D)
    elif p0 is None or p1 is None:
        first_last = expr.span(None)
    elif expr.source == "explicit":
        first_last = expr.span(p0 + ((p1 - p0).days // 2) * _D)
    else:
        a, b = expr.span(p0), expr.span(p1)
        first_last = (min(a[0], b[0]), max(a[1], b[1])) if a and b else None
    if first_last is None:
        return DateMention(expr.start, expr.end, expr.text, None, None, "unknown", expr.source,
                           "since" if expr.since else "future" if expr.future or expr.cue is not None else "point")
    first, last = first_last
    if expr.since:
        return DateMention(expr.start, expr.end, expr.text, first, p1, precision(first, p1) if p1 else "unknown",
                           expr.source, "since")
    if (expr.deadline and (p0 is None or last >= p0)) or expr.future or (p1 is not None and first > p1) \
            or (p1 is None and expr.cue is not None):
        kind = "future"
    else:
        kind = "period" if expr.period else "point"
    return DateMention(expr.start, expr.end, expr.text, first, last, precision(first, last), expr.source, kind)


def _resolve_all(exprs: Sequence[DateExpression], published: dt.date | None, published_end: dt.date | None,
                 anchor: dt.date | None = None) -> list[DateMention]:
    out = []
    for expr in exprs:
        mention = resolve(expr, published, published_end, anchor=anchor)
        out.append(mention)
        if mention.precision == "day" and mention.kind == "point":
            anchor = mention.date
    return out


def find_dates(text: str, *, published: dt.date | None, published_end: dt.date | None = None,
               start: int = 0, end: int | None = None) -> list[DateMention]:
    """The date expressions of ``text[start:end]`` resolved against publication (see the module docstring).

    Parameters
    ----------
    text
        The article text; offsets of the mentions are into it, also when ``start`` is given.
    published, published_end
        The publication day, or the earliest and latest possible days; ``None`` when unknown.
    start, end
        The part of the text to search (a sentence); "the previous day" may refer back before ``start``.

    Examples
    --------
    >>> found = find_dates("Turkey may request help after the attack on Feb. 27 and talks slated for March 5.",
    ...                    published=dt.date(2020, 2, 28))
    >>> [(m.text, m.date.isoformat(), m.kind) for m in found]
    [('on Feb. 27', '2020-02-27', 'point'), ('March 5', '2020-03-05', 'future')]
    """
    exprs = scan(text, start=start, end=end)
    anchor = None
    if start > 0 and any(e.anaphoric is not None for e in exprs):
        before = [m for m in _resolve_all(scan(text, start=max(0, start - 2000), end=start), published, published_end)
                  if m.precision == "day" and m.kind == "point"]
        anchor = before[-1].date if before else None
    return _resolve_all(exprs, published, published_end, anchor)


def infer_published(articles: Sequence[Article]) -> list[Article]:
    """Publication dates for the articles of a batch that lack one; see :func:`geo.pubdate.infer_published`."""
    from geo.pubdate import infer_published as infer

    return infer(articles)
