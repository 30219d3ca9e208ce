"""Date expressions and publication dates: each rule with a news sentence that motivates it and a counter-example;
publication dates inferred on the seeds and on invented batches of other news."""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
from dataclasses import replace
from pathlib import Path

import pytest

from geo import dates, pubdate
from geo.articles import Article, article_from_text, read_articles
from geo.dates import DateExpression, DateMention, find_dates, infer_published, precision, scan

ROOT = Path(__file__).resolve().parent.parent
D = dt.date
SUN = D(2020, 3, 1)  # seed 002's date line: a Sunday
FRI = D(2020, 2, 28)


def _one(text: str, published: dt.date | None = SUN, **kw: object) -> DateMention:
    found = find_dates(text, published=published, **kw)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


def _texts(text: str, published: dt.date | None = SUN) -> list[str]:
    return [m.text for m in find_dates(text, published=published)]


def _days(m: DateMention) -> tuple[str | None, str | None, str, str, str]:
    return (m.date.isoformat() if m.date else None, m.date_end.isoformat() if m.date_end else None, m.precision,
            m.source, m.kind)


# --- weekdays -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "published", "expected"), [
    ("Turkey's defence chief said on Sunday the operation continues.", SUN, "2020-03-01"),  # same day
    ("Turkey said Sunday it was continuing a military operation.", SUN, "2020-03-01"),
    ("Dozens of its troops were killed there Thursday.", SUN, "2020-02-27"),
    ("Syrian soldiers were killed in drone strikes on Saturday.", SUN, "2020-02-29"),
    ("Turkey's defence ministry said on Thursday that two of its soldiers were killed.", D(2020, 2, 20),
     "2020-02-20"),
    ("Saturday night's attack killed five people.", SUN, "2020-02-29"),
    ("The talks collapsed last Thursday.", D(2020, 2, 27), "2020-02-20"),  # "last" on a Thursday: a week back
])
def test_weekday_is_the_latest_such_day_on_or_before_publication(text: str, published: dt.date,
                                                                 expected: str) -> None:
    assert _days(_one(text, published)) == (expected, expected, "day", "relative", "point")


def test_weekday_counter_examples() -> None:
    assert _texts("The Sunday Times reported that the deal was off.") == []
    assert _texts("The Good Friday Agreement ended decades of violence; Bloody Sunday is remembered.") == []


def test_weekday_after_a_future_cue_is_on_or_after_publication() -> None:
    assert _days(_one("NATO nations will meet on Friday to address the crisis.", FRI)) == (
        "2020-02-28", "2020-02-28", "day", "relative", "future")
    m = _one("Erdogan will likely meet Russian President Vladimir Putin for talks on Thursday or Friday, "
             "according to the Kremlin.")
    assert (m.text, *_days(m)) == ("on Thursday or Friday", "2020-03-05", "2020-03-06", "week", "relative", "future")


def test_a_future_cue_after_the_weekday_or_cancelled_by_said_does_not_count() -> None:
    m = _one("Turkey's communications director said on Friday, adding it will respond in kind.", FRI)
    assert m.kind == "point"
    assert _one("Turkey warned it will attack, officials said on Friday.", FRI).kind == "point"


def test_weekday_pair_in_the_past() -> None:
    assert _days(_one("Fighting raged on Thursday and Friday around Saraqeb.")) == (
        "2020-02-27", "2020-02-28", "week", "relative", "point")


# --- words, "ago", anaphora ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Shelling resumed yesterday in the south.", "2020-02-29"),
    ("The minister will speak today in parliament.", "2020-03-01"),
    ("The curfew starts tonight.", "2020-03-01"),
    ("A drone was shot down last night over Idlib.", "2020-02-29"),
    ("The strike hit the market hours ago, witnesses said.", "2020-03-01"),
    ("The convoy left three days ago.", "2020-02-27"),
])
def test_relative_words(text: str, expected: str) -> None:
    m = _one(text)
    assert (m.date, m.date_end, m.precision, m.source) == (D.fromisoformat(expected),) * 2 + ("day", "relative")


def test_ago_for_longer_units() -> None:
    m = _one("The observation points were set up by Ankara one year ago.", FRI)
    assert _days(m) == ("2019-01-01", "2019-12-31", "year", "relative", "period")
    assert _one("Rebels lost the town two months ago.").date == D(2020, 1, 1)


def test_the_previous_day_counts_from_the_last_day_mentioned() -> None:
    text = "Rebels retook the town on Thursday. The previous day, government forces had shelled it."
    found = find_dates(text, published=SUN)
    assert [(m.text, m.date) for m in found] == [("on Thursday", D(2020, 2, 27)), ("The previous day", D(2020, 2, 26))]
    # asked for the second sentence only, it still looks back to "on Thursday"
    second = find_dates(text, published=SUN, start=text.index("The previous"))
    assert [(m.text, m.date) for m in second] == [("The previous day", D(2020, 2, 26))]
    assert _texts("It happened the day before the vote.") == []  # a day relative to an event, not to a date


# --- weeks, months, years relative to publication ----------------------------------------------------------

def test_last_week_is_the_previous_monday_to_sunday_week() -> None:
    m = _one("The death toll rose sharply last week.", D(2020, 2, 26))  # a Wednesday
    assert _days(m) == ("2020-02-17", "2020-02-23", "week", "relative", "period")
    # on a weekend "last week" may also be the week now ending (seed 000, a Sunday, about Thursday's attack)
    m = _one("The recent attack on Turkish troops last week left at least 34 Turkish soldiers dead.")
    assert (m.date, m.date_end) == (D(2020, 2, 17), D(2020, 2, 29))


def test_this_week_next_week_and_the_weekend() -> None:
    assert _days(_one("Aid convoys arrived earlier this week.", D(2020, 2, 27))) == (
        "2020-02-24", "2020-02-26", "week", "relative", "period")
    assert _days(_one("The talks will be held next week in Moscow.")) == (
        "2020-03-02", "2020-03-08", "week", "relative", "future")
    assert _days(_one("Over the weekend, fighting raged around Saraqeb.")) == (
        "2020-02-29", "2020-03-01", "week", "relative", "period")


@pytest.mark.parametrize(("text", "first", "last", "prec"), [
    ("Turkish forces moved into the area last month.", "2020-01-01", "2020-01-31", "month"),
    ("Troops were deployed earlier this month.", "2020-02-01", "2020-02-27", "month"),
    ("Some 950,000 civilians have fled the offensive this year.", "2020-01-01", "2020-02-28", "year"),
    ("Turkey bought Russian-made S-400 missiles last year.", "2019-01-01", "2019-12-31", "year"),
    ("The Turkish army entered Idlib at the end of last year.", "2019-09-01", "2019-12-31", "year"),
])
def test_months_and_years_relative_to_publication(text: str, first: str, last: str, prec: str) -> None:
    m = _one(text, FRI)
    assert (m.date, m.date_end, m.precision, m.source) == (D.fromisoformat(first), D.fromisoformat(last), prec,
                                                            "relative")


# --- explicit dates ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "span", "expected"), [
    ("Following the heinous attack on Feb. 27, the operation continues.", "on Feb. 27", "2020-02-27"),
    ("INTERACTIVE: Syria control map - Battle for Idlib - Feb 2, 2020", "Feb 2, 2020", "2020-02-02"),
    ("The ceasefire was signed on February 27, 2020 in Moscow.", "on February 27, 2020", "2020-02-27"),
    ("Turkish troops patrol the town of Atareb on 19 February [Getty]", "on 19 February", "2020-02-19"),
    ("The deal was reached on 27 February 2020.", "on 27 February 2020", "2020-02-27"),
    ("2 min read\n20 February, 2020\nTurkish troops patrol", "20 February, 2020", "2020-02-20"),
    ("Figures released 2020-02-27 show a rise.", "2020-02-27", "2020-02-27"),
    ("Report dated 27/02/2020 (day first).", "27/02/2020", "2020-02-27"),
    ("The vote on Thursday, Feb. 27, 2020 was close.", "on Thursday, Feb. 27, 2020", "2020-02-27"),
])
def test_calendar_dates(text: str, span: str, expected: str) -> None:
    m = _one(text)
    assert m.text == span and text[m.start:m.end] == span
    assert _days(m) == (expected, expected, "day", "explicit", "point")


def test_numeric_dates_only_when_unambiguous() -> None:
    assert _texts("The decree of 05/03/2020 was published.") == []  # 5 March or May 3
    assert _one("Filed 02/27/2020 in New York.").date == D(2020, 2, 27)  # month first: 27 cannot be a month


def test_numbers_and_model_names_are_not_dates() -> None:
    text = ("At least 34 Turkish soldiers were killed. Turkey bought S-400 missiles; the jets were SU-24 Fencers; "
            "many of the 12 observation posts and 1,212 regime soldiers; 2 min read.")
    assert _texts(text) == []


def test_may_and_march_as_words_are_not_months() -> None:
    assert _texts("The Financial Times wrote that Turkey may request military assistance from NATO.") == []
    assert _texts("Thousands march on the capital. March organisers said Theresa May spoke.") == []
    assert _texts("He visited in May and on May 5.", published=D(2020, 6, 1)) == ["in May", "on May 5"]


@pytest.mark.parametrize(("text", "first", "last", "prec", "kind"), [
    ("At least 134 civilians were killed in February.", "2020-02-01", "2020-02-29", "month", "period"),
    ("Protests began in February 2019.", "2019-02-01", "2019-02-28", "month", "period"),
    ("Displacement peaked in February 2020.", "2020-02-01", "2020-02-29", "month", "period"),
    ("Turkey first intervened in Syria in 2016.", "2016-01-01", "2016-12-31", "year", "period"),
    ("The Sochi agreement signed in September of 2018 was meant to prevent it.", "2018-09-01", "2018-09-30",
     "month", "period"),
    ("Clashes intensified in mid-February.", "2020-02-11", "2020-02-20", "month", "period"),
    ("Aid deliveries resumed in early February.", "2020-02-01", "2020-02-10", "month", "period"),
    ("Aid stocks ran out at the beginning of February.", "2020-02-01", "2020-02-10", "month", "period"),
    ("Rebels withdrew at the end of January.", "2020-01-21", "2020-01-31", "month", "period"),
    ("Turkey's forces were killed following a 2018 deal between Ankara and Moscow.", "2018-01-01", "2018-12-31",
     "year", "period"),
])
def test_months_parts_and_years(text: str, first: str, last: str, prec: str, kind: str) -> None:
    m = _one(text, FRI)
    assert (m.date, m.date_end, m.precision, m.kind) == (D.fromisoformat(first), D.fromisoformat(last), prec, kind)


def test_a_date_without_a_year_takes_the_year_closest_before_or_around_publication() -> None:
    assert _one("The offensive began on December 28.", D(2020, 1, 5)).date == D(2019, 12, 28)
    m = _one("The negotiations, provisionally slated for March 5, will not take place.", FRI)
    assert _days(m) == ("2020-03-05", "2020-03-05", "day", "explicit", "future")
    assert _one("He was elected on 3 May.", D(2020, 3, 1)).date == D(2019, 5, 3)  # not two months ahead


# --- since, deadlines, future ---------------------------------------------------------------------------------

def test_since_is_a_range_up_to_publication() -> None:
    m = _one("Since December, Syrian government forces have steadily advanced into Idlib.")
    assert _days(m) == ("2019-12-01", "2020-03-01", "year", "explicit", "since")  # 92 days
    m = _one("Turkey has had 54 soldiers killed since the beginning of February.", FRI)
    assert _days(m) == ("2020-02-01", "2020-02-28", "month", "explicit", "since")
    m = _one("Thirty-four Turkish troops have been killed in Syria since Thursday.")
    assert _days(m) == ("2020-02-27", "2020-03-01", "week", "relative", "since")
    assert _one("The highway was reopened for the first time since 2012.").date == D(2012, 1, 1)


def test_deadlines_and_dates_after_publication_are_future() -> None:
    text = ("Erdogan pledged to push back Syrian forces if they did not retreat from a line of Turkish "
            "observation posts by the end of February.")
    assert _one(text, FRI).kind == "future"
    assert _one(text, D(2020, 3, 10)).kind == "period"  # a deadline already past
    assert _one("The summit is scheduled for next month.").kind == "future"
    assert _one("Elections are due on 12 April.").kind == "future"
    m = _one("The vote on March 5 decides the coalition.", FRI)  # no cue: after publication is enough
    assert _days(m) == ("2020-03-05", "2020-03-05", "day", "explicit", "future")
    # a cue that governs the verb, not the date: the date stays in the past
    m = _one("The officers will be tried for the attack on Feb. 27, the court said.")
    assert _days(m) == ("2020-02-27", "2020-02-27", "day", "explicit", "point")


# --- unknown and uncertain publication ------------------------------------------------------------------------

def test_unknown_publication() -> None:
    text = "Rebels retook the town on Thursday after the attack on Feb. 27; the Sochi deal of September 2018 held."
    found = find_dates(text, published=None)
    assert [(m.text, m.date, m.precision) for m in found] == [
        ("on Thursday", None, "unknown"), ("on Feb. 27", None, "unknown"),
        ("September 2018", D(2018, 9, 1), "month")]


def test_a_publication_range_spreads_relative_dates() -> None:
    week = {"published": D(2020, 2, 27), "published_end": D(2020, 3, 4)}
    assert _days(_one("The situation deteriorated sharply on Thursday.", **week)) == (
        "2020-02-27", "2020-02-27", "day", "relative", "point")
    assert _days(_one("Officials said on Sunday the border was open.", **week)) == (
        "2020-02-23", "2020-03-01", "month", "relative", "point")  # 8 days: month by the precision rule


def test_offsets_are_absolute_and_the_search_can_be_limited() -> None:
    text = "Akar said on Sunday. The attack on Feb. 27 killed 34. Talks were held in February."
    start, end = text.index("The attack"), text.index("Talks")
    found = find_dates(text, published=SUN, start=start, end=end)
    assert [(m.text, text[m.start:m.end]) for m in found] == [("on Feb. 27", "on Feb. 27")]


def test_precision_rule() -> None:
    assert [precision(D(2020, 2, 1), D(2020, 2, n)) for n in (1, 7, 8, 29)] == ["day", "week", "month", "month"]
    assert precision(D(2020, 1, 1), D(2020, 12, 31)) == "year"
    assert precision(D(2012, 1, 1), D(2020, 2, 28)) == "year"


# --- publication dates ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    articles = list(read_articles([ROOT / "seeds"]))
    assert len(articles) == 5
    return {a.id[:3]: a for a in articles}


def _by_id(articles: list[Article]) -> dict[str, Article]:
    return {a.id[:3]: a for a in articles}


def test_infer_published_on_the_seeds(seeds: dict[str, Article]) -> None:
    batch = list(seeds.values())
    out = _by_id(infer_published(batch))
    assert out["002"] is seeds["002"] and out["003"] is seeds["003"]  # known dates: unchanged
    assert (out["000"].published, out["000"].published_end, out["000"].published_from) == (SUN, None, "inferred")
    assert (out["001"].published, out["001"].published_end, out["001"].published_from) == (FRI, None, "inferred")
    a4 = out["004"]
    assert a4.published_from == "inferred" and a4.published is not None
    assert D(2020, 2, 27) <= a4.published <= FRI <= (a4.published_end or a4.published) <= D(2020, 3, 4)
    thursday = next(m for m in find_dates(a4.text, published=a4.published, published_end=a4.published_end)
                    if m.text == "on Thursday")
    assert (thursday.date, thursday.date_end) == (D(2020, 2, 27), D(2020, 2, 27))
    # the batch order does not matter
    assert _by_id(infer_published(batch[::-1])) == out


def test_seed_dates_resolved_against_the_inferred_publication(seeds: dict[str, Article]) -> None:
    out = _by_id(infer_published(list(seeds.values())))
    a0 = out["000"]
    found = {m.text: m for m in find_dates(a0.text, published=a0.published)}
    assert found["on Sunday"].date == SUN and found["on Feb. 27"].date == D(2020, 2, 27)
    a1 = out["001"]
    found = {m.text: m for m in find_dates(a1.text, published=a1.published)}
    assert (found["on Tuesday"].date, found["on Wednesday"].date) == (D(2020, 2, 25), D(2020, 2, 26))
    assert found["in February"].date == D(2020, 2, 1) and found["by the end of February"].kind == "future"


def test_without_a_dated_article_or_a_full_date_nothing_is_inferred(seeds: dict[str, Article]) -> None:
    batch = [seeds["000"], seeds["004"]]  # weekdays and "Feb. 27" but no year anywhere
    assert infer_published(batch) == batch


def test_a_caption_date_alone_gives_a_range_not_a_day(seeds: dict[str, Article]) -> None:
    (a1,) = infer_published([seeds["001"]])  # only "Feb 2, 2020" dates it: no coincidence with a batch
    assert a1.published_from == "inferred" and a1.published_end is not None


def _article(text: str, name: str, published: str | None = None) -> Article:
    return article_from_text(text, path=f"{name}.txt", metadata={"published": published} if published else None)


FLOODS = [
    article_from_text("Floods kill dozens in Kenya\n5 March, 2024\nHeavy rains on Monday swept away homes in "
                      "Garissa county, and the death toll rose to 40 on Tuesday, the Kenya Red Cross said.",
                      path="ke1.txt"),
    _article("Rescue teams reached villages cut off by the floods on Monday. The rains, which began last week, "
             "turned deadly when the Tana river burst its banks on March 3, killing at least 20 people.", "ke2"),
    _article("Kenya's interior minister said on Monday that 20,000 people had been displaced since the Tana "
             "river burst its banks on March 3.", "ke3"),
    _article("Seasonal floods are a recurring problem in the region, and aid groups say more must be done.", "ke4"),
]


def test_floods_batch() -> None:
    out = infer_published(FLOODS)
    assert out[0].published == D(2024, 3, 5) and out[0].published_from == "text"
    # Monday coincides with the dated article's Monday (March 4): a week of possible days, none pinned
    assert (out[1].published, out[1].published_end, out[1].published_from) == (
        D(2024, 3, 4), D(2024, 3, 10), "inferred")
    # "the minister said on Monday": the day of publication
    assert (out[2].published, out[2].published_end) == (D(2024, 3, 4), None)
    assert out[3] is FLOODS[3] and out[3].published_from == "unknown"  # no evidence: stays unknown
    monday = find_dates(out[1].text, published=out[1].published, published_end=out[1].published_end)[0]
    assert (monday.text, monday.date, monday.date_end) == ("on Monday", D(2024, 3, 4), D(2024, 3, 4))


QUAKE = [
    _article("A powerful earthquake struck Morocco's High Atlas late on Friday, killing more than 600 people, "
             "the interior ministry said on Saturday.", "ma1", "2023-09-09"),
    _article("Rescuers dug through rubble on Sunday in villages flattened by the quake that struck on Friday "
             "night. King Mohammed VI declared three days of mourning on Saturday, officials said on Sunday. "
             "Aid flights are expected to arrive next week.", "ma2"),
    _article("The government will meet on Tuesday to plan reconstruction, and donors are expected next week.",
             "ma3"),
]


def test_earthquake_batch() -> None:
    out = infer_published(QUAKE)
    assert out[0] is QUAKE[0]
    # Friday and Saturday coincide with the dated report (September 8 and 9); "said on Sunday" pins the day
    assert (out[1].published, out[1].published_end, out[1].published_from) == (D(2023, 9, 10), None, "inferred")
    # only a future weekday and "next week": no evidence, stays unknown (never a precise date without evidence)
    assert out[2] is QUAKE[2]


def test_inferred_articles_are_new_records_and_known_ones_are_kept(seeds: dict[str, Article]) -> None:
    known = replace(seeds["000"], published=SUN, published_from="metadata")
    assert infer_published([known])[0] is known


# --- the fast search and inference give what the plain ones give --------------------------------------------------

def _signature(expr: DateExpression) -> tuple[object, ...]:
    days = [None, D(2019, 12, 31), D(2020, 2, 28), D(2020, 3, 1), D(2020, 7, 15), D(2021, 1, 4)]
    return (expr.start, expr.end, expr.text, expr.rule, expr.source, expr.period, expr.since, expr.future,
            expr.deadline, expr.cue, expr.reporting, expr.yearless, expr.month_day, expr.anaphoric,
            [expr.span(day) for day in days],
            None if expr.for_year is None else [expr.for_year(year) for year in (2019, 2020, 2021)])


def _scan_everywhere(text: str, start: int = 0, end: int | None = None) -> list[DateExpression]:
    """:func:`scan` the plain way: every rule searched over the whole text."""
    found: list[tuple[int, DateExpression]] = []
    for order, rule in enumerate(dates._RULES):
        for match in rule.pattern.finditer(text, start, len(text) if end is None else end):
            if (built := rule.build(match, text)) is not None:
                found.append((order, built))
    return list(dates._longest_first(found))  # the same choice among them; the windows are what is tested


_FRAGMENTS = [
    "on {wd}", "last {wd}", "{wd} or {wd2}", "since {mon}", "in {mon} {year}", "{mon} {d}, {year}", "{d} {mon}",
    "the {d}th of {mon}", "early {mon}", "mid-{mon}", "the very beginning of {mon}", "{year}-0{m}-1{m}",
    "{d}/{m}/{year}", "0{m}.1{m}.{year}", "yesterday", "TODAY", "tonight's", "last  night", "this\nmorning",
    "three days ago", "a few weeks   ago", "last week", "over the weekend", "earlier this year", "next month",
    "the previous day", "two days later", "the day after the vote", "in {year}", "a {year} deal", "the year {year}",
    "will meet on {wd}", "slated for {mon} {d}", "by the end of {mon}", "said on {wd}", "{year} per\n\n cent",
    "{mon} {d}-{d2}", "{mon} {d} km", "The Sunday Times", "Good Friday", "May", "may request", "as  of {mon} {d}",
    "this past {wd}", "{wd}, {mon} {d}", "S-400", "ſince {mon}", "İn {mon}", "ınto {mon}", "the weeK ago",
    "Chicago", "holiday", "{wd}’s", "late {wd} night", "in       \n\n   {mon}", "{mon}          5",
]
_SEPARATORS = [" ", " ", " ", "   ", "\n", "\n\n", "\t", "\xa0", ", ", ". ", " - ", "–", "(", ") ", "“", "", "-", "/"]


def _invented_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    months = ["January", "March", "May", "June", "Sept.", "Dec", "FEBRUARY", "Feb."]
    weekdays = ["Monday", "Thursday", "Friday", "Sunday"]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 40)):
            parts.append(rng.choice(_FRAGMENTS).format(
                wd=rng.choice(weekdays), wd2=rng.choice(weekdays), mon=rng.choice(months), d=rng.randint(1, 31),
                d2=rng.randint(1, 31), m=rng.randint(1, 9), year=rng.choice([1999, 2016, 2020, 2099])))
            parts.append(rng.choice(_SEPARATORS))
        texts.append("".join(parts))
    return texts


def test_scan_finds_what_a_search_of_the_whole_text_finds(seeds: dict[str, Article]) -> None:
    texts = [a.text for a in seeds.values()] + _invented_texts(150, seed=3)
    rng = random.Random(5)
    for text in texts:
        assert [_signature(e) for e in scan(text)] == [_signature(e) for e in _scan_everywhere(text)]
        start = rng.randrange(len(text) + 1)
        end = rng.randrange(start, len(text) + 1)
        assert [_signature(e) for e in scan(text, start=start, end=end)] == [
            _signature(e) for e in _scan_everywhere(text, start, end)]


def test_scan_of_odd_spacing_and_letters() -> None:
    for text in ["Fighting resumed since       \n\n   December, and in March        5 observers left.",
                 "Troops left on İn February; ſince March; talks began ınto May and 2020 per\n\n\n cent.",
                 "The 5 weeK ago rule; ago; A FEW WEEKS AGO; the day after Monday’s vote."]:
        assert [_signature(e) for e in scan(text)] == [_signature(e) for e in _scan_everywhere(text)]
    assert scan("Talks began on Sunday.", start=-5, end=99) == scan("Talks began on Sunday.")


@functools.cache
def _every_character() -> str:
    return "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))


def test_rules_match_whitespace_only_by_backslash_s() -> None:
    r"""The windows of :func:`geo.dates.scan` count on it: a match crosses a run of whitespace only by a ``\s``,
    never one under a repeat of a group."""
    import re._parser as sre  # the regex parser of the standard library

    space = set(re.findall(r"\s", _every_character()))

    def check(items: object, repeated: bool) -> None:
        for op, arg in items:  # type: ignore[attr-defined]
            name = str(op)
            if name == "IN":
                assert all(str(o) != "NEGATE" and (str(o) != "CATEGORY" or str(a) in (
                    "CATEGORY_SPACE", "CATEGORY_DIGIT", "CATEGORY_WORD")) for o, a in arg)
                assert not any(str(o) == "CATEGORY" and str(a) == "CATEGORY_SPACE" for o, a in arg) or not repeated
                assert not any(str(o) == "LITERAL" and chr(a) in space for o, a in arg)
            elif name in ("LITERAL", "NOT_LITERAL", "ANY"):
                assert name == "LITERAL" and chr(arg) not in space
            elif name in ("MAX_REPEAT", "MIN_REPEAT"):
                low, high, sub = arg
                single = len(sub) == 1 and str(sub[0][0]) == "IN"
                check(sub, repeated or (high > 1 and not single))
            elif name == "SUBPATTERN":
                check(arg[-1], repeated)
            elif name == "BRANCH":
                for branch in arg[1]:
                    check(branch, repeated)
            elif name in ("ASSERT", "ASSERT_NOT"):
                check(arg[1], repeated)
            else:
                assert name in ("AT", "GROUPREF"), name

    for rule in dates._RULES:
        check(sre.parse(rule.pattern.pattern), False)


def test_lowercasing_keeps_every_case_insensitive_match() -> None:
    """The anchors of the case-insensitive rules are found in ``text.lower()`` unless the text has one of the
    letters a case-insensitive regex reads as a letter that lower-casing does not give."""
    letters = set("".join(w for words in dates._ANCHOR_WORDS.values() for w in words))
    for letter in letters:
        for char in set(re.findall(f"(?i){letter}", _every_character())):
            assert char in dates._ODD_CASE or (char.lower() == letter and len(char.lower()) == 1), (letter, char)


def test_scan_is_cached_and_returns_a_new_list() -> None:
    text = "Talks collapsed last Thursday and resumed on March 5, 2020."
    first = scan(text)
    first.clear()
    again = scan(text)
    assert [e.text for e in again] == ["last Thursday", "on March 5, 2020"]
    assert again is not scan(text) and again == scan(text)


_EVIDENCE = [
    "The heinous attack on Feb. 27 killed 33, and talks are provisionally slated for March 5. Fighting has raged "
    "since December and since 2012; troops arrived in mid-February and late January, officials said on Sunday.",
    "Troops were killed on Thursday and on Dec. 30; a summit is scheduled for January 3 and for Feb. 29. The "
    "ceasefire of 28 February 2020 held through Friday or Saturday, and rebels attacked in November.",
    "Polls open on Monday after the vote of 2019-11-04 and the clash of 6/10/2018; the next round is slated for "
    "April 12, 2021 and will begin on Tuesday. Prices rose in March and in early December.",
]


def _check_readings(evidence: pubdate._Evidence, stated: pubdate._BatchDates, days: list[int]) -> None:
    def feasible(day: dt.date) -> bool:
        return (all((s := evidence.nearest(e, day)) is None or s[0] <= day for e in evidence.past) and
                all((s := evidence.nearest(e, day)) is None or s[0] > day for e in evidence.future))

    def score(day: dt.date) -> tuple[int, int, frozenset[int]]:
        refs = [ref for e in evidence.weekdays if (ref := pubdate._one_day(e, day)) is not None]
        found = {ref.toordinal(): stated.stating(ref.toordinal()) for ref in refs}
        months = sum((s := e.span(day)) is not None and s[0] <= day <= s[1] + 31 * dt.timedelta(days=1)
                     for e in evidence.months)
        return len(set().union(*found.values())), months, frozenset(r for r, f in found.items() if f)

    readable = [dt.date.fromordinal(d) for d in days]
    assert evidence.feasible(days) == [d.toordinal() for d in readable if feasible(d)]
    assert evidence.scores(days, stated) == [score(d) for d in readable]
    assert evidence.recent(days) == [d.toordinal() for d in readable if (
        latest := evidence.latest_day(d)) is not None and (d - latest).days <= 6]


def test_day_readings_of_the_evidence_equal_the_readings_day_by_day() -> None:
    """The spans of days :mod:`geo.pubdate` works out at once equal what reading each day gives."""
    stated = pubdate._BatchDates([pubdate._Stated(frozenset({D(2020, 2, 27), D(2019, 12, 29), D(2020, 11, 5)}),
                                                  frozenset({(3, 1), (2, 28), (12, 26)}))])
    days = list(range(D(2018, 11, 1).toordinal(), D(2021, 2, 1).toordinal(), 1))
    days = days[:600] + days[640:]  # a gap, as candidate days have
    for text in _EVIDENCE:
        exprs = scan(text)
        evidence = pubdate._Evidence(exprs)
        assert evidence.past and evidence.future and evidence.days and evidence.months and evidence.weekdays
        _check_readings(evidence, stated, days)
        for expr in exprs:  # one by one: the constraints of one expression do not hide those of another
            _check_readings(pubdate._Evidence([expr]), stated, days)


def test_a_weekday_read_a_week_later_is_a_week_later() -> None:
    week = dt.timedelta(days=7)
    for expr in scan("He said on Sunday, last Friday, next Monday, this past Tuesday, since Wednesday, and "
                     "will meet on Thursday or Friday; it begins Saturday."):
        for k in range(30):
            day = D(2019, 12, 20) + k * dt.timedelta(days=1)
            span, later = expr.span(day), expr.span(day + week)
            assert span is not None and later == (span[0] + week, span[1] + week)


def test_a_mixed_corpus_dates_an_article_only_by_its_own_story() -> None:
    # 24 unrelated stories, each dated, each naming its own places and people
    others = [article_from_text(f"Officials in Town{chr(65 + i)}ville said on Monday that Mayor Person{chr(65 + i)}son "
                                f"opened a bridge on March {i + 1}, 2019.", path=f"o{i}.txt",
                                metadata={"published": f"2019-03-{i + 4:02d}"}) for i in range(24)]
    lonely = article_from_text("Rescuers in Kisumu said on Monday that the Nyando river burst its banks on March 3.",
                               path="lonely.txt")
    assert infer_published(others + [lonely])[-1].published_from == "unknown"
    # the same article with a dated report of its own story in the batch: the year and the day come from it
    story = article_from_text("The Nyando river burst its banks near Kisumu on March 3, 2024, officials said.",
                              path="story.txt", metadata={"published": "2024-03-04"})
    found = infer_published(others + [story, lonely])[-1]
    assert found.published_from == "inferred" and found.published == dt.date(2024, 3, 4)
