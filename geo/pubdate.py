"""Publication dates inferred for the articles of a batch that state none.

An article without a date line or sidecar date (``published_from == "unknown"``) gets a publication day, or a
range of days, from its own evidence, with ``published_from = "inferred"``; the year comes from the rest of the
batch. Articles with a known date are returned unchanged. Evidence and how it is weighed:

0. **The story**: in a batch of more than 20 articles, only the articles that share at least two of the batch's
   rarer names with this one (capitalised words that are not months, weekdays or common words) count below; a
   smaller batch is taken as one story. A mixed corpus thus never dates an article by another story's dates.
1. **Candidate days**: the years of the story's dated articles and of every full date a text of the story states
   ("Feb 2, 2020"), each widened by a month on both sides. No candidate year: the article stays unknown.
2. **Hard constraints** (a day failing one is dropped): publication is on or after every past explicit date of
   the article ("the heinous attack on Feb. 27"); it is before an explicit date announced as future ("talks
   provisionally slated for March 5", a future cue at most 40 characters before it); it is after the start of
   a "since" ("since 2012"). A date without a year is taken in the year nearest to the candidate day, so "Feb.
   27" allows about half a year after any February 27. Deadlines ("by the end of February") constrain nothing.
3. **Batch coincidences** (the score): each weekday of the article resolves, for a candidate day, to a date
   ("on Thursday" read on 2020-03-02 is 2020-02-27). The score is the number of distinct articles of the batch
   (the article itself included, by its explicit dates) that state one of these dates as past: a dated
   article's day, its resolved weekdays and dates, another article's full dates, or a day and month without a
   year ("Feb. 27"). Ties are broken by month references: "killed in February" favours days in February or the
   month after it.
4. **Choice**: the best-scored days form runs of consecutive days whose weekdays coincide with the same batch
   dates; the run whose coinciding dates are the latest is kept (news reports its latest events), then the one
   with more of them; when equally good coincidences lie more than a month apart (an unrelated batch), they are
   chance and none is kept. Without a kept coincidence, the run is the week starting on the latest past day the
   article dates ("floods on March 3": March 3 to 9); when several years give one, the year with more month
   references, then the batch's main year (dated articles weigh 2, full dates 1); a tie: the article stays
   unknown.
5. **Pinning**: a run of one day is that day. In a run of coincidences, a weekday on a reporting verb ("the
   defence chief said on Sunday", "Turkey said Sunday") is taken as the day of publication: outlets write the
   weekday even for the same day's statements, so "said on Friday" read on Friday. Otherwise the run is
   returned as a range (``published``..``published_end``) when it spans at most 7 days, else the article stays
   unknown. A precise day thus always rests on a coincidence with the batch or on a one-day intersection.

>>> import datetime as dt
>>> from geo.articles import article_from_text
>>> dated = article_from_text("Flood waters rose on Monday.", metadata={"published": "2024-03-05"})
>>> undated = article_from_text("Rescuers said on Monday that the river burst its banks on March 3.")
>>> [(a.published, a.published_from) for a in infer_published([dated, undated])][1]
(datetime.date(2024, 3, 4), 'inferred')
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from geo.articles import Article
from geo.dates import DateExpression, find_dates, scan
from geo.lexicon import COMMON_WORDS, MONTHS, STOPWORDS, WEEKDAYS

__all__ = ["infer_published"]

log = logging.getLogger(__name__)

_D = dt.timedelta(days=1)
_Span = tuple[dt.date, dt.date]
_NEWS_CYCLE_DAYS = 31  # tied coincidences further apart than this are chance: no run is chosen
_FUTURE_CUE_CHARS = 40  # a future cue this close to an explicit date makes it an upper bound ("slated for March 5")


@dataclass(frozen=True, slots=True)
class _Stated:
    """The dates one article states: full days, and days without a year as (month, day)."""

    days: frozenset[dt.date]
    month_days: frozenset[tuple[int, int]]


class _BatchDates:
    """Which articles of the batch state a day (by its full date, or by its month and day)."""

    def __init__(self, stated: Sequence[_Stated]) -> None:
        self.by_day: dict[dt.date, set[int]] = {}
        self.by_month_day: dict[tuple[int, int], set[int]] = {}
        self._following: dict[tuple[int, ...], set[int]] = {}
        self.known: dict[int, frozenset[int]] = {}  # stating(day), once computed
        self._relevant: dict[tuple[int, ...], list[int]] = {}
        for j, s in enumerate(stated):
            for day in s.days:
                self.by_day.setdefault(day, set()).add(j)
            for md in s.month_days:
                self.by_month_day.setdefault(md, set()).add(j)

    def following(self, years: tuple[int, ...]) -> set[int]:
        """The days (ordinals) up to six days after a stated day of these years (computed once per set of
        years)."""
        if years not in self._following:
            anchors = {day.toordinal() for day in self.by_day}
            for month, day in self.by_month_day:
                for year in years:
                    try:
                        anchors.add(dt.date(year, month, day).toordinal())
                    except ValueError:
                        continue
            self._following[years] = {anchor + k for anchor in anchors for k in range(7)}
        return self._following[years]

    def relevant(self, years: tuple[int, ...]) -> list[int]:
        """The days of :meth:`following` that are candidate days of these years, in order (computed once per set
        of years; not to be changed)."""
        if years not in self._relevant:
            spans = _candidate_spans(years)
            self._relevant[years] = sorted(day for day in self.following(years)
                                           if any(first <= day <= last for first, last in spans))
        return self._relevant[years]

    def stating(self, day: int) -> frozenset[int]:
        """The articles stating the day of ordinal ``day`` (computed once per day)."""
        if (found := self.known.get(day)) is None:
            date = dt.date.fromordinal(day)
            found = self.known[day] = frozenset(self.by_day.get(date, set()) |
                                                self.by_month_day.get((date.month, date.day), set()))
        return found


def _one_day(expr: DateExpression, pub: dt.date | None) -> dt.date | None:
    span = expr.span(pub)
    return span[0] if span is not None and span[0] == span[1] else None


def _stated(article: Article, exprs: Sequence[DateExpression]) -> _Stated:
    """A dated article states its day and its resolved past days; an undated one its explicit past days."""
    if article.published is not None and article.published_from != "inferred":
        found = find_dates(article.text, published=article.published, published_end=article.published_end)
        days = {m.date for m in found if m.date and m.precision == "day" and m.kind == "point"}
        if article.published_end in (None, article.published):
            days.add(article.published)
        return _Stated(frozenset(days), frozenset())
    past = [e for e in exprs if e.source == "explicit" and not e.since and e.cue is None and not e.deadline]
    full = {d for e in past if not e.yearless for d in [_one_day(e, None)] if d is not None}
    return _Stated(frozenset(full), frozenset(e.month_day for e in past if e.month_day))


def _years(articles: Sequence[Article], scans: Sequence[Sequence[DateExpression]]) -> Counter[int]:
    """Candidate years, weighted: 2 for each dated article, 1 for each full date stated in the batch."""
    weights: Counter[int] = Counter()
    for article, exprs in zip(articles, scans, strict=True):
        if article.published is not None:
            weights[article.published.year] += 2
        for expr in exprs:
            day = _one_day(expr, None) if expr.source == "explicit" and not expr.yearless else None
            if day is not None:
                weights[day.year] += 1
    return weights


_NAME = re.compile(r"\b[A-Z][a-z]{2,}\b")
_NOT_NAMES = frozenset(w.lower() for w in (list(MONTHS) + list(WEEKDAYS) + list(COMMON_WORDS) + list(STOPWORDS)))


def _related(articles: Sequence[Article], *, small: int = 20, shared: int = 2) -> list[frozenset[int]]:
    """For each article, the other articles of its story: those sharing at least ``shared`` names (capitalised
    words that are not months, weekdays or common words) of the batch's rarer ones. In a batch of at most
    ``small`` articles every article is in the story of every other (a small batch is one story). Only the
    story supplies years and coincidences, so a mixed corpus does not date an article by chance matches."""
    count = len(articles)
    if count <= small:
        everyone = frozenset(range(count))
        return [everyone - {i} for i in range(count)]
    names = [{w.lower() for w in _NAME.findall(a.text)} - _NOT_NAMES for a in articles]
    postings: dict[str, list[int]] = {}
    for i, found in enumerate(names):
        for name in found:
            postings.setdefault(name, []).append(i)
    limit = max(3, count // 20)
    out = []
    for i, found in enumerate(names):
        votes: Counter[int] = Counter()
        for name in found:
            if len(postings[name]) <= limit:
                votes.update(postings[name])
        out.append(frozenset(j for j, n in votes.items() if n >= shared and j != i))
    return out


def _likely_years(exprs: Sequence[DateExpression], years: Counter[int], keep: int = 3) -> Counter[int]:
    """The years worth trying for one article: those of its own full dates, and the ``keep`` years the batch
    weighs most (a mixed corpus spans many years; trying every one costs time and invites chance matches)."""
    own = {day.year for expr in exprs if expr.source == "explicit" and not expr.yearless
           for day in [_one_day(expr, None)] if day is not None}
    chosen = {year for year, _ in years.most_common(keep)} | (own & set(years))
    return Counter({year: years[year] for year in chosen})


def _candidate_spans(years: Iterable[int]) -> list[tuple[int, int]]:
    """The candidate days of these years (each widened by a month on both sides), as spans of ordinals."""
    return [(dt.date(year - 1, 12, 1).toordinal(), dt.date(year + 1, 1, 31).toordinal()) for year in years]


def _relevant_days(evidence: _Evidence, stated: _BatchDates, years: Counter[int]) -> list[int]:
    """The only days the inference can choose, in order (ordinals): the candidate days up to six days after a day
    the batch states (a weekday read on them meets a stated date) or after a day the article itself gives (the
    fallback). Scoring only these gives the same answer as scoring every day of the candidate years, at a
    fraction of the cost."""
    own: set[int] = set()
    for expr in evidence.days:
        for year in years:
            span = expr.for_year(year) if expr.for_year is not None and not expr.since else expr.span(None)
            if span is not None:
                own.add(span[0].toordinal())
    key = tuple(sorted(years))
    following, spans = stated.following(key), _candidate_spans(key)
    extra = {day for anchor in own for day in range(anchor, anchor + 7)
             if day not in following and any(first <= day <= last for first, last in spans)}
    batch = stated.relevant(key)
    return sorted(batch + list(extra)) if extra else batch


def _runs(days: Sequence[int], reading: Callable[[int], object] = lambda _d: None) -> list[list[int]]:
    """Runs of consecutive days (ordinals) that share a ``reading`` (the batch dates their weekdays coincide
    with)."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and day - runs[-1][-1] == 1 and reading(day) == reading(runs[-1][-1]):
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


_Pieces = list[tuple[int, int, int]]  # (first day, last day, the day an expression starts on then), as ordinals


class _Days:
    """Some days (ordinals, in order): their years, and which of them lie in a span."""

    def __init__(self, days: Sequence[int]) -> None:
        self.days = days
        self.years: list[int] = []
        at = 0
        while at < len(days):
            year = dt.date.fromordinal(days[at]).year
            self.years.append(year)
            at = bisect_right(days, dt.date(year, 12, 31).toordinal(), at)

    def where(self, first: int, last: int) -> range:
        """The indices of the days from ``first`` to ``last``."""
        return range(bisect_left(self.days, first), bisect_right(self.days, last))


class _Evidence:
    """One undated article's expressions, sorted by the part they play in the inference.

    :meth:`feasible`, :meth:`scores` and :meth:`recent` read many days (ordinals) at once: what :meth:`nearest`
    and the spans of the expressions give on each day, worked out for spans of days (a date without a year is
    read the same up to the midpoint between two occurrences, a weekday the same a week later).
    """

    def __init__(self, exprs: Sequence[DateExpression]) -> None:
        explicit = [e for e in exprs if e.source == "explicit" and not e.deadline]
        self.past = [e for e in explicit if e.since or e.cue is None]
        self.future = [e for e in explicit if not e.since and e.cue is not None and e.cue <= _FUTURE_CUE_CHARS]
        self.days = [e for e in self.past if not e.since and _is_day(e)]
        self.months = [e for e in explicit if e.yearless and e.period and not e.since and e.cue is None]
        self.weekdays = [e for e in exprs if e.rule == "weekday" and not e.since]
        self.reporting = [e for e in self.weekdays if e.reporting and not e.future]
        self._year_spans: dict[tuple[int, int], _Span | None] = {}

    def _in_year(self, expr: DateExpression, year: int) -> _Span | None:
        key = (id(expr), year)
        if key not in self._year_spans:
            assert expr.for_year is not None
            self._year_spans[key] = expr.for_year(year)
        return self._year_spans[key]

    def nearest(self, expr: DateExpression, day: dt.date) -> _Span | None:
        """The days of ``expr`` read on ``day``; a date without a year is taken in the year nearest to ``day``."""
        if expr.for_year is None or expr.since:
            return expr.span(day)
        spans = [span for year in (day.year - 1, day.year, day.year + 1)
                 for span in [self._in_year(expr, year)] if span is not None]
        return min(spans, key=lambda s: abs((s[0] - day).days), default=None)

    def _starts(self, expr: DateExpression, days: _Days) -> _Pieces | None:
        """Where :meth:`nearest` starts on the ``days``: the same day for a full date; for a date without a year,
        the occurrence nearest to the day among those of its year and the years around (ties: the earlier), so
        the one up to the midpoint between two occurrences. ``None``: neither (read it day by day)."""
        if expr.for_year is not None and not expr.since:
            pieces: _Pieces = []
            for year in days.years:
                first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
                starts = [span[0].toordinal() for y in (year - 1, year, year + 1)
                          for span in [self._in_year(expr, y)] if span is not None]
                for i, start in enumerate(starts):
                    lo = first if i == 0 else max(first, (starts[i - 1] + start) // 2 + 1)
                    hi = last if i == len(starts) - 1 else min(last, (start + starts[i + 1]) // 2)
                    if lo <= hi:
                        pieces.append((lo, hi, start))
            return pieces
        if expr.source == "explicit" and not expr.yearless:  # a full date: read the same on any day
            span = expr.span(None)
            return [] if span is None else [(days.days[0], days.days[-1], span[0].toordinal())]
        return None

    def _each_day(self, expr: DateExpression, days: Sequence[int]) -> list[int | None]:
        """The start of :meth:`nearest` on each day (the slow way)."""
        out: list[int | None] = []
        for day in days:
            span = self.nearest(expr, dt.date.fromordinal(day))
            out.append(None if span is None else span[0].toordinal())
        return out

    def feasible(self, days: Sequence[int]) -> list[int]:
        """The days that no explicit date rules out: publication is not before a past date nor on or after a
        future one (see :meth:`nearest`)."""
        if not days:
            return []
        index = _Days(days)
        bad = bytearray(len(days))
        for expr, past in [(e, True) for e in self.past] + [(e, False) for e in self.future]:
            if past and expr.since and expr.yearless:
                continue  # "since December" read on a day is the latest December begun by then: never after it
            pieces = self._starts(expr, index)
            if pieces is None:
                for i, (day, start) in enumerate(zip(days, self._each_day(expr, days), strict=True)):
                    if start is not None and (start > day if past else start <= day):
                        bad[i] = 1
                continue
            for lo, hi, start in pieces:
                where = index.where(lo, min(hi, start - 1)) if past else index.where(max(lo, start), hi)
                bad[where.start:where.stop] = b"\x01" * len(where)
        return [day for day, out in zip(days, bad, strict=True) if not out]

    def _weekday_offsets(self, expr: DateExpression) -> list[int | None]:
        """The day a weekday denotes, read on a day of each weekday (Monday first), as an offset from it; ``None``
        if not one day. A weekday read a week later is a week later, so one week tells every day."""
        monday = dt.date(2001, 1, 1)
        offsets: list[int | None] = []
        for k in range(7):
            day = monday + k * _D
            span = expr.span(day)
            offsets.append((span[0] - day).days if span is not None and span[0] == span[1] else None)
        return offsets

    def _month_counts(self, days: Sequence[int]) -> list[int]:
        """For each day, how many month references fit it: read on the day (the latest occurrence starting at
        most 31 days after it, in its year or the years around), the month began by then and ended at most 31
        days before."""
        counts = [0] * len(days)
        if not self.months or not days:
            return counts
        index = _Days(days)
        for expr in self.months:
            for year in index.years:
                first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
                spans = [(span[0].toordinal(), span[1].toordinal()) for y in (year - 1, year, year + 1)
                         for span in [self._in_year(expr, y)] if span is not None]
                for i, (start, end) in enumerate(spans):
                    lo = max(first, start)  # read on days from start - 31; fits from start
                    hi = min(last, end + 31, spans[i + 1][0] - 32 if i + 1 < len(spans) else last)
                    for k in index.where(lo, hi):
                        counts[k] += 1
        return counts

    def scores(self, days: Sequence[int], stated: _BatchDates,
               related: frozenset[int] | None = None) -> list[tuple[int, int, frozenset[int]]]:
        """For each day: (batch articles supporting the weekdays read on it, month references fitting it, the
        dates as ordinals). Only ``related`` articles support (default: all)."""
        offsets = [self._weekday_offsets(e) for e in self.weekdays]
        by_weekday = [[delta for offset in offsets if (delta := offset[weekday]) is not None] for weekday in range(7)]
        months = self._month_counts(days)
        empty: frozenset[int] = frozenset()
        out: list[tuple[int, int, frozenset[int]]] = []
        known, stating = stated.known, stated.stating
        for day, fitting in zip(days, months, strict=True):
            supporters: frozenset[int] = empty
            dates: list[int] = []
            for delta in by_weekday[(day + 6) % 7]:
                if (found := known.get(day + delta)) is None:
                    found = stating(day + delta)
                if found and related is not None:
                    found = found & related
                if found:
                    supporters = supporters | found if supporters else found
                    dates.append(day + delta)
            out.append((len(supporters), fitting, frozenset(dates)) if dates else (0, fitting, empty))
        return out

    def recent(self, days: Sequence[int]) -> list[int]:
        """The days on which the latest past day the article dates is at most six days back."""
        index = _Days(days)
        near = bytearray(len(days))
        for expr in self.days:
            pieces = self._starts(expr, index)
            if pieces is None:
                for i, (day, start) in enumerate(zip(days, self._each_day(expr, days), strict=True)):
                    if start is not None and day - 6 <= start <= day:
                        near[i] = 1
                continue
            for lo, hi, start in pieces:
                where = index.where(max(lo, start), min(hi, start + 6))
                near[where.start:where.stop] = b"\x01" * len(where)
        return [day for day, out in zip(days, near, strict=True) if out]

    def latest_day(self, day: dt.date) -> dt.date | None:
        """The latest past day the article dates, read on ``day``."""
        found = [s[0] for e in self.days for s in [self.nearest(e, day)] if s is not None and s[0] <= day]
        return max(found, default=None)

    def pinned(self, run: Sequence[int]) -> int | None:
        """The latest day of ``run`` (ordinals) that a reporting weekday ("said on Sunday") resolves to."""
        for day in reversed(run):
            date = dt.date.fromordinal(day)
            if any(_one_day(e, date) == date for e in self.reporting):
                return day
        return None


def _is_day(expr: DateExpression) -> bool:
    if not expr.yearless:
        return _one_day(expr, None) is not None
    return expr.month_day is not None


def _infer_one(exprs: Sequence[DateExpression], stated: _BatchDates, years: Counter[int],
               related: frozenset[int] | None = None) -> tuple[dt.date, dt.date] | None:
    """[published, published_end] for one undated article, or ``None`` without enough evidence."""
    evidence = _Evidence(exprs)
    if not years or not (evidence.weekdays or evidence.days or evidence.months):
        return None
    likely = _likely_years(exprs, years)
    feasible = evidence.feasible(_relevant_days(evidence, stated, likely))
    if not feasible:
        return None
    scores = dict(zip(feasible, evidence.scores(feasible, stated, related), strict=True))
    best = max(s[:2] for s in scores.values())
    run: list[int] | None = None
    day = dt.date.fromordinal
    if best[0] > 0:
        runs = _runs([d for d in feasible if scores[d][:2] == best], lambda d: scores[d][2])
        run = max(runs, key=lambda r: (max(scores[r[0]][2]), len(scores[r[0]][2]), r[-1]))
        newest = max(scores[run[0]][2])
        if any(abs(max(scores[r[0]][2]) - newest) > _NEWS_CYCLE_DAYS for r in runs):
            run = None  # equally good coincidences months apart: chance, not evidence (an unrelated batch)
        elif (pinned := run[0] if len(run) == 1 else evidence.pinned(run)) is not None:
            return day(pinned), day(pinned)
    if run is None:
        ranked = sorted(((max(scores[d][1] for d in r), years[day(r[0]).year]), r)
                        for r in _runs(evidence.recent(feasible)))
        if not ranked or (len(ranked) > 1 and ranked[-1][0] == ranked[-2][0]):
            return None
        run = ranked[-1][1]
    if run[-1] - run[0] < 7:
        return day(run[0]), day(run[-1])
    latest = evidence.latest_day(day(run[-1]))
    if latest is not None and run[0] <= latest.toordinal():
        return latest, min(day(run[-1]), latest + 6 * _D)
    return None


def infer_published(articles: Sequence[Article]) -> list[Article]:
    """The batch with publication dates inferred where missing (see the module docstring for the rules).

    Parameters
    ----------
    articles
        One batch: the dates of its dated articles and the full dates of all supply the years and the
        coincidences.

    Returns
    -------
    list of Article
        In the same order; an article with a date is the same object; an inferred one is a new record with
        ``published``, ``published_end`` (``None`` for one day) and ``published_from="inferred"``; one without
        evidence is unchanged (``published_from="unknown"``).
    """
    scans = [scan(a.text) for a in articles]
    weights = [_years([a], [exprs]) for a, exprs in zip(articles, scans, strict=True)]
    stated = _BatchDates([_stated(a, exprs) for a, exprs in zip(articles, scans, strict=True)])
    related = _related(articles)
    out: list[Article] = []
    for i, (article, exprs) in enumerate(zip(articles, scans, strict=True)):
        if article.published is not None:
            out.append(article)
            continue
        story = related[i] | {i}
        years: Counter[int] = sum((weights[j] for j in story), Counter())
        found = _infer_one(exprs, stated, years, frozenset(story))
        if found is None:
            log.info("%s: no evidence for a publication date; it stays unknown", article.path)
            out.append(article)
            continue
        first, last = found
        log.info("%s: publication inferred as %s", article.path,
                 first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}")
        out.append(replace(article, published=first, published_end=None if first == last else last,
                           published_from="inferred"))
    return out
