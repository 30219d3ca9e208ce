"""Reports: what one sentence of one article says happened — the stage ``article → list[Report]``.

A report is one event as one article tells it: type (``geo/taxonomy.csv``), date, place, actors, figures and who
claims it, with the sentence and its offsets. Reports of the same event are merged into events by
:mod:`geo.merge`; reports themselves are never changed, so a merge can be undone.

Rules (each tested with the sentence that motivates it and a counter-example in ``tests/test_events.py``):

* A sentence reports an event when it has a realis trigger (:mod:`geo.triggers`); statements with no physical
  event ("Erdogan said ...", "Turkey warned it will attack") have none.
* A weak trigger alone ("killed", "hit", "targeted") needs support: a casualty figure, a date, or a place finer
  than a country.
* A bare reference to an event told elsewhere ("Following the air attack, Erdogan held a meeting") is not a new
  report unless it adds a date or a figure ("the heinous attack on Feb. 27").
* A casualty tally over a period ("134 civilians killed in February", "1,300 civilians killed so far") is a
  ``summary`` report with the period as its date range; it is never merged with single events.
* The date is the date expression of the sentence closest to the trigger (:mod:`geo.dates`); with none, the
  publication day (``date_from = "publication"``), or ``unknown`` when the article has no date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from gazetteer.model import Place
from geo.actors import actors, casualties, claimants, named_groups
from geo.articles import Article
from geo.dates import DateMention, find_dates
from geo.dates import precision as precision_of_span
from geo.eventplace import EventPlace, adjacent_place, choose_place, focus_place, precision_of
from geo.mentions import ResolvedMention
from geo.sentences import Sentence, split_sentences
from geo.taxonomy import acled
from geo.triggers import Trigger, find_triggers, is_reference
from geo.wire import byline_span

__all__ = ["Report", "extract_reports", "report_id"]

_TALLY = re.compile(r"\b(?:killed|dead|died|deaths|casualties|displaced|neutrali[sz]ed)\b[^.;]{0,50}?"
                    r"\b(?:so far|thus far|to date|in total|since|this year|in (?:january|february|march|april|may"
                    r"|june|july|august|september|october|november|december))\b"
                    r"|\bbring(?:s|ing)? the (?:number|toll|total)\b|\bdeath toll\b",
                    re.IGNORECASE)
_WEAK = ("attack",)
#: Subtypes whose triggers ("killed", "died", "hit", "deployed") also describe disease, disasters and logistics:
#: they need armed actors or acts of violence in the sentence, and no other cause in the clause.
_ARMED_ONLY = frozenset({"attack", "deployment"})
_ARMED = re.compile(r"\b(?:attack\w*|strikes?|raids?|gunm[ae]n|gunfire|shot|shooting|bomb\w*|shell\w*|clash\w*|drones?|"
                    r"fighting|fighters|soldiers|troops|militants?|militias?|rebels?|insurgents|forces|army|armed|"
                    r"military|police|regime|ambush\w*|assault|massacre\w*|warships?|tanks|artillery|missiles?|"
                    r"jihadists?|terrorists?|combatants|offensive|operation|war)\b"
                    r"(?!-(?:held|controlled|run|dominated|occupied|linked|affiliated))", re.IGNORECASE)
_NOT_VIOLENCE = re.compile(r"\b(?:virus|flu|influenza|H\d+N\d+|disease|infect\w*|cholera|ebola|outbreak|epidemic|"
                           r"pandemic|illness|complications|pneumonia|crash\w*|accident\w*|earthquake|flood\w*|storm|"
                           r"cyclone|hurricane|landslide|drown\w*|heatwave|cancer|covid\w*|birds?|poultry|ducks?|"
                           r"swans?|pigs?|hogs?|cattle|medical staff|doctors|nurses|vaccin\w*)\b", re.IGNORECASE)
_TERRITORY = re.compile(r"\s*(?:of\s+)?(?:(?:full\s+|effective\s+)?control\s+of\s+)?(?:the\s+|a\s+|an\s+)?"
                        r"(?:[\w,-]+\s+){0,3}?"
                        r"(?:town|city|village|villages|territory|area|areas|base|airport|hill|district|region|"
                        r"province|positions?|outposts?|neighbou?rhoods?|highway|road|crossing|port|capital|palace|"
                        r"headquarters|compound|barracks|camp|bridge|refinery|dam|"
                        r"(?:square\s+)?(?:kilomet(?:re|er)s|miles|km))\b",
                        re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Report:
    """One event as one article reports it (see the module docstring)."""

    id: str
    article: str
    content_hash: str
    subtype: str
    acled_event_type: str | None
    acled_sub_event_type: str | None
    summary: str
    date: dt.date | None
    date_end: dt.date | None
    date_precision: str
    date_from: str
    place: Place | None
    mention: str | None
    where_relation: str | None
    geo_precision: str | None
    place_from: str | None
    actor1: str | None
    actor2: str | None
    assoc_actors: tuple[str, ...]
    fatalities: int | None
    injured: int | None
    claimed_by: tuple[str, ...]
    outlet: str | None
    url: str | None
    published: dt.date | None
    sentence: str
    start: int
    end: int
    trigger: str
    confidence: float
    sentence_index: int = 0
    refers_back: bool = False
    vague: bool = False


def report_id(content_hash: str, start: int, end: int, subtype: str) -> str:
    """A report's id: a hash of (article content hash, sentence span, type), stable across runs.

    >>> report_id("ab" * 32, 10, 80, "air_strike")
    'ev-...'
    """
    digest = hashlib.sha256(f"{content_hash}:{start}:{end}:{subtype}".encode()).hexdigest()
    return "ev-" + digest[:16]


def _date(dates: Sequence[DateMention], article: Article, at: int) -> tuple[dt.date | None, dt.date | None, str, str]:
    """The date of a trigger at ``at``: the closest point date of its clause or sentence, else the publication
    day and the day before (an undated event in the news happened "today or yesterday"), else unknown."""
    points = [d for d in dates if d.kind in ("point", "period")] or [d for d in dates if d.kind == "since"]
    if points:
        best = min(points, key=lambda d: abs(d.start - at))
        return best.date, best.date_end, best.precision, best.source
    if article.published is not None:
        end = article.published_end or article.published
        return article.published - dt.timedelta(days=1), end, "week", "publication"
    return None, None, "unknown", "unknown"


_VIOLENT = frozenset({"attack", "air_strike", "drone_strike", "armed_clash", "attack_on_civilians", "shelling",
                      "explosive"})


def _tally(clause: str, dates: Sequence[DateMention]) -> tuple[dt.date | None, dt.date | None] | None:
    """The period of a casualty tally ("54 soldiers killed since the beginning of February", "1,300 civilians
    killed so far"), or ``None`` when the clause reports a single event ("34 troops killed since Thursday")."""
    if not _TALLY.search(clause):
        return None
    long = [d for d in dates if d.kind in ("since", "period") and d.date and d.date_end
            and (d.date_end - d.date).days > 7]
    if long:
        return long[0].date, long[0].date_end
    if any(d.kind in ("since", "period", "point") and d.date for d in dates) and not re.search(
            r"so far|thus far|to date|in total|bring|toll", clause, re.IGNORECASE):
        return None
    return None, None


_CLAUSE = re.compile(r"(?:,\s*|\s+)(?=(?:after|following|as|when|while|whereas|since|before|despite)\s)"
                     r"|,\s*(?=(?:which|who|thought|believed|adding|saying|one of)\s)"
                     r"|;\s*|\s+[–—]\s+",
                     re.IGNORECASE)
_DEFINITE = re.compile(r"\b(?:the|this|that)\s+(?:\S+\s+){0,2}?(?:attack|strike|raid|incident|deaths|bombing|"
                       r"shelling|assault)s?\b", re.IGNORECASE)
#: A relative clause that tells a toll, right after a trigger (up to a few words of place or time between).
#: A war's own toll: a state of affairs, not an event.
_WAR_TALLY = re.compile(r"\b(?:war|conflict|fighting|violence|insurgency|uprising)\b[^.;]{0,80}?\bha(?:s|ve)\s+"
                        r"(?:\w+\s+)?(?:killed|left|claimed)\b", re.IGNORECASE)
#: Who says so, at the end of a clause: "…, according to the Sudan Doctors Network", "…, doctors said" (a source
#: is no sign that the deaths were of disease).
_ATTRIBUTION = re.compile(r",?\s+according\s+to\b[^;]*$|,\s+(?:[\w'’-]+\s+){1,4}(?:said|says|reported)\b[^;]*$",
                          re.IGNORECASE)
_RELATIVE_TOLL = re.compile(r"\b(?:that|which)\s+(?:killed|wounded|injured|left)\b")
_OTHER_TOLL = re.compile(r"(?:\s+(?:on|in|at|near)\s+(?:the\s+)?[\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})?\s*,?\s+"
                         + _RELATIVE_TOLL.pattern)
#: A nominal trigger in a prepositional phrase ("… in an ambush"), and an active verb of violence before it.
_IN_A = re.compile(r"\b(?:in|during)\s+(?:an?|the)\s+(?:[\w-]+\s+)?\Z", re.IGNORECASE)
_VERB_BEFORE = re.compile(r"\b(?:killed|wounded|injured|kidnapped|abducted)\b(?![^.;]*\b(?:killed|wounded|injured|"
                          r"kidnapped|abducted)\b)(?=\s+(?:at\s+least\s+)?(?:\d|one|two|three|four|five|six|seven|"
                          r"eight|nine|ten|dozens|scores|hundreds|several|a|an|the)\b)", re.IGNORECASE)
_PROGRESSIVE = re.compile(r"\b(?:is|are|was|were|been)\s+(?:\w+\s+)?$", re.IGNORECASE)
#: A day named relative to an article's date ("on Saturday", "overnight", "yesterday").
_DAY_WORDS = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|"
                        r"overnight)\b", re.IGNORECASE)
#: Casualty words that type a report "attack" only for want of a better trigger.
_CASUALTY_WORDS = frozenset({"killed", "killing", "died", "dead", "casualties", "death toll"})
#: A toll clause running into the event that caused it: "… were killed when shells hit", "… died after an air strike".
_TOLL_JOIN = re.compile(r"\b(?:killed|killing|died|dead|wounded|injured)\b[^.;]{0,60}?\b(?:when|as|after|in)\s+"
                        r"(?:\S+\s+){0,3}$", re.IGNORECASE)
#: "and" joining two clauses ("…bombed Saraqeb and Turkish drones struck Nayrab", "…in Ariha, and shelling…").
_AND = re.compile(r",?\s+and\s+", re.IGNORECASE)
_AND_END = re.compile(r",?\s+and\s+\Z", re.IGNORECASE)
#: A clause that happens at the same time as its neighbour: "... were killed when an air strike hit a school".
_SIMULTANEOUS = re.compile(r"(?:when|as|while)\s", re.IGNORECASE)
#: A sentence whose time is the previous sentence's: "Shortly after this, ...", "The ministry added that ...".
_CONTINUES = re.compile(r"[\s“\"]*(?:shortly|soon|moments|minutes|hours|several hours|later|the announcement came|"
                        r"this came|that came|(?:the|a)\s+(?:\w+\s+){0,2}(?:added|also said)|(?:he|she|it|they)\s+"
                        r"(?:added|also said))\b", re.IGNORECASE)
_VAGUE = re.compile(r"\b(?:dozens|hundreds|scores|several|a few)\b", re.IGNORECASE)
_PERFECT = re.compile(r"\b(?:has|have|had|’ve|'ve)\s+(?:\w+\s+){0,2}?(?:been\s+)?\w+(?:ed|en|t|ing)?\b", re.IGNORECASE)
#: Past-tense attack verbs, and one target after them (an article, up to four words, a singular noun of a site).
#: Triggers whose two sides act alike ("clashed", "exchanged fire"): both named before it are actors.
_MUTUAL = re.compile(r"\bclash|\bfought\b|\bfighting\b|\bexchang|\btrad(?:ed|ing)\s|gun\s*battle|firefight|shoot-?out|"
                     r"gunfight", re.IGNORECASE)
_PAST_ATTACK = re.compile(r"attacked|targeted|stormed|raided|fired\s+(?:on|at|upon)|opened\s+fire", re.IGNORECASE)
_ONE_TARGET = re.compile(r"\s+(?:a|an|the)\s+(?:[\w'’\-]+\s+){0,4}?(?:camp|base|post|outpost|checkpoint|village|town|"
                         r"hospital|clinic|school|market|mosque|church|convoy|bus|house|home|building|station|"
                         r"position|barracks|prison|compound|hotel|restaurant|office|headquarters|airport|port|"
                         r"bank|police station|patrol|vehicle)\b(?!-)", re.IGNORECASE)
#: Event-place precisions finer than a region.
_FINE = frozenset({"site", "settlement", "near_settlement", "admin2"})
_WEAK_WORDS = frozenset({"fighting", "fought", "clash", "clashes", "clashed", "patrol", "patrols", "convoy", "convoys"})


def _clauses(sentence: Sentence) -> list[tuple[int, int]]:
    """Clause spans (offsets into the sentence) cut before "after", "as", "when", "since"… and at semicolons; a
    relative clause between commas (", which entered Idlib at the end of last year,") is a clause of its own."""
    text = sentence.text
    cuts = {0, len(text)}
    for match in _CLAUSE.finditer(text):
        cuts.add(match.end())
        if re.match(r"(?:which|who|one of)\s", text[match.end():]):
            close = text.find(",", match.end())
            if close > 0:
                cuts.add(close + 1)
    ordered = sorted(cuts)
    return [(a, b) for a, b in zip(ordered, ordered[1:], strict=False) if b > a]


def _coordinated(sentence: Sentence, clauses: list[tuple[int, int]], triggers: Sequence[Trigger],
                 mentions: Sequence[ResolvedMention]) -> list[tuple[int, int]]:
    """``clauses`` with each cut again before an "and" that opens another event: a trigger of another subtype (not
    a casualty word, which tells the first event's toll) and a place of its own after the "and", and a place before
    it ("Russian jets bombed Saraqeb and Turkish drones struck Nayrab"; not "air strikes hit Ariha and killed five").
    Two reports of one subtype in a sentence stay one: a report's id is that of its sentence and subtype."""
    places = [m.mention.start - sentence.start for m in mentions
              if m.place is not None and m.mention.role == "literal"
              and sentence.start <= m.mention.start < sentence.end]
    out: list[tuple[int, int]] = []
    for begin, stop in clauses:
        for match in _AND.finditer(sentence.text, begin, stop):
            cut = match.end()
            # each part's trigger as extract_reports takes it: the first of `triggers` (in their order) inside it
            first = next((t for t in triggers if begin <= t.start < match.start()), None)
            second = next((t for t in triggers if cut <= t.start < stop), None)
            if first is None or second is None or second.subtype in _WEAK or second.subtype == first.subtype:
                continue
            if any(begin <= at < match.start() for at in places) and any(cut <= at < stop for at in places):
                out.append((begin, cut))
                begin = cut
        out.append((begin, stop))
    return out


def _own_toll_text(text: str, clause: tuple[int, int], trigger: Trigger, triggers: Sequence[Trigger]) -> str:
    """The part of the clause whose figures are the trigger's: a figure in a relative clause of another attack
    named after it is that attack's ("an air strike …, targeting a commander it blamed for a rocket attack … that
    killed 12 children": the 12 are not the air strike's), and a protest kills no one by a relative clause ("rallied
    …, demanding accountability for the collapse of a station canopy that killed 15 people"). ``triggers`` are the
    sentence's."""
    begin, stop = clause
    if trigger.subtype == "peaceful_protest" and (relative := _RELATIVE_TOLL.search(text, trigger.end, stop)):
        return text[begin:relative.start()]  # "rallied …, demanding accountability for a collapse that killed 15"
    for other in sorted(triggers, key=lambda t: t.start):
        if trigger.end <= other.start < stop and other.subtype not in ("attack", trigger.subtype) \
                and _OTHER_TOLL.match(text, other.end):
            return text[begin:other.start]
    return text[begin:stop]


def _toll_joined(reports: list[Report], sentence: str) -> list[Report]:
    """The reports of one sentence, with a bare toll folded into the typed event it was taken from: "At least 18
    civilians were killed when shells hit a market" is one shelling that killed 18, not an attack and a shelling.
    The toll is a report typed only by its casualty word whose clause runs into the other's "when", "as", "after"
    or "in"."""
    toll = next((r for r in reports if r.subtype == "attack" and r.trigger.lower() in _CASUALTY_WORDS), None)
    if toll is None:
        return reports
    for k, other in enumerate(reports):
        if other is toll or other.subtype not in _VIOLENT or other.subtype == "attack":
            continue
        at = sentence.find(other.trigger)
        if at > 0 and _TOLL_JOIN.search(sentence[:at]):
            reports[k] = replace(other, fatalities=other.fatalities if other.fatalities is not None else
                                 toll.fatalities, injured=other.injured if other.injured is not None else toll.injured,
                                 actor2=other.actor2 or toll.actor2)
            return [r for r in reports if r is not toll]
    return reports


def _toll_of_the_sentence_before(reports: list[Report], index: int) -> list[Report]:
    """``reports`` with a bare toll of sentence ``index`` that names no place, actor or date of its own made a report
    of the one event of the sentence before: "Police fired tear gas and live rounds at protesters in Nairobi on
    Tuesday. At least five people were shot dead, a medics' group said." is a second report (with its own claimant)
    of the event in Nairobi, not an attack somewhere in Kenya. Only when no report of the sentence before has a
    toll (it would be a second figure for the same deaths)."""
    toll = reports[-1] if reports else None
    if toll is None or toll.sentence_index != index or toll.subtype != "attack" or toll.place_from == "sentence" \
            or toll.actor1 is not None or toll.date_from not in ("publication", "unknown") or not re.search(
                r"\b(?:killed|died|dead)\b", toll.trigger, re.IGNORECASE):
        return reports
    before = [r for r in reports if r.sentence_index == index - 1]
    causes = [r for r in before if r.subtype in _VIOLENT | {"riot"}]
    if len(causes) != 1 or any(r.fatalities is not None for r in before) \
            or any(r.sentence_index == index for r in reports[:-1]):
        return reports
    cause = causes[0]
    return reports[:-1] + [replace(
        toll, id=report_id(toll.content_hash, toll.start, toll.end, cause.subtype), subtype=cause.subtype,
        acled_event_type=cause.acled_event_type, acled_sub_event_type=cause.acled_sub_event_type,
        date=cause.date, date_end=cause.date_end, date_precision=cause.date_precision, date_from=cause.date_from,
        place=cause.place, mention=cause.mention, where_relation=cause.where_relation,
        geo_precision=cause.geo_precision, place_from="adjacent", actor1=cause.actor1,
        actor2=toll.actor2 or cause.actor2, refers_back=True)]


def _surnames(names: Sequence[str]) -> dict[str, str]:
    """Map a bare surname to the full name the article uses ("Akar" → "Hulusi Akar")."""
    full = [n for n in names if len(n.split()) >= 2 and n[:1].isupper()]
    out: dict[str, str] = {}
    for name in names:
        if len(name.split()) == 1:
            longer = [f for f in full if f.split()[-1] == name]
            if len(set(longer)) == 1:
                out[name] = longer[0]
    return out


def extract_reports(article: Article, mentions: Sequence[ResolvedMention], *,
                    country_name: Callable[[str], str | None] | None = None) -> list[Report]:
    """The reports of one article.

    Parameters
    ----------
    article
        The article (its text, publication date and outlet).
    mentions
        Its resolved place mentions (:meth:`geo.geoparse.Geoparser.parse`).
    country_name
        Name of a country from its ISO code, for actors such as "Civilians (Ukraine)" when the article names
        places of a country but never the country itself.
    """
    sentences = split_sentences(article.text)
    focus = focus_place(mentions, article.text)
    country_of = _country_namer(mentions, country_name)
    default_country = _main_country(mentions, country_of)
    groups = named_groups(article.text)
    out: list[Report] = []
    before: list[DateMention] = []      # the dates of the last sentence that had some
    byline = byline_span(article.text) or (0, 0)
    # the byline's date says when the story was filed ("SOLINGEN, Aug 24 (Reuters) - … on Friday night")
    all_dates = [d for d in find_dates(article.text, published=article.published,
                                       published_end=article.published_end) if d.kind != "future" and d.date
                 and not byline[0] <= d.start < byline[1]]
    for sentence in sentences:
        sentence_dates = [d for d in all_dates if sentence.start <= d.start < sentence.end]
        triggers = find_triggers(sentence.text)
        if not triggers:
            before = sentence_dates or before
            continue
        previous, before = (before, sentence_dates) if sentence_dates else (before, before)
        done: set[str] = set()
        clauses = _coordinated(sentence, _clauses(sentence), triggers, mentions)
        busy = [(a, b) for a, b in clauses if any(a <= t.start < b for t in triggers)]
        free_dates = [d for d in sentence_dates if not any(a <= d.start - sentence.start < b for a, b in busy)]
        if len(sentence.text.split()) < 4 and not re.search(r"\d", sentence.text):
            busy = []       # a subheading ("Retaliatory strikes"), not a report
        whole = claimants(sentence.text) if busy else []
        by_clause = {(a, b): claimants(sentence.text[a:b]) for a, b in busy}
        for number, (begin, stop) in enumerate(busy):
            trigger = next(t for t in triggers if begin <= t.start < stop)
            own = [d for d in sentence_dates if begin <= d.start - sentence.start < stop]
            for other in (busy[number - 1] if number else None, busy[number + 1] if number + 1 < len(busy) else None):
                # "… when X", and "X on Sunday and Y": the other clause's date is this one's too
                if other and not own and (_SIMULTANEOUS.match(sentence.text[max(begin, other[0]):]) or _AND_END.search(
                        sentence.text[min(begin, other[0]):min(stop, other[1])])):
                    own = [d for d in sentence_dates if other[0] <= d.start - sentence.start < other[1]]
            usable = [d for d in own + free_dates if _attached(sentence.text, d.start - sentence.start,
                                                               d.end - sentence.start, trigger)]
            if not usable and _CONTINUES.match(sentence.text):
                usable = list(previous)
            others = {c for span, found in by_clause.items() if span != (begin, stop) for c in found}
            said = tuple(dict.fromkeys(by_clause[(begin, stop)] + [c for c in whole if c not in others]))
            report = _report(article, sentence, sentences, (begin, stop), trigger, mentions, usable,
                             focus, default_country, said, country_of, groups, triggers)
            if report is not None and report.subtype not in done:
                done.add(report.subtype)
                out.append(report)
        out[len(out) - len(done):] = _toll_joined(out[len(out) - len(done):], sentence.text)
        out = _toll_of_the_sentence_before(out, sentence.index)
    names = _surnames([c for r in out for c in r.claimed_by])
    if names:
        out = [replace(r, claimed_by=tuple(dict.fromkeys(names.get(c, c) for c in r.claimed_by))) for r in out]
    return out


def _armed(sentence: Sentence, sentences: Sequence[Sentence]) -> bool:
    """Whether armed violence is named in the sentence, or in the one before it when this one only tells a toll
    ("Russia said it destroyed 20 Ukrainian drones over Belgorod. The governor said two people were killed in
    Nikolskoye."), and that one names no other cause."""
    if _ARMED.search(sentence.text):
        return True
    before = sentences[sentence.index - 1].text if sentence.index > 0 else ""
    return bool(_ARMED.search(before)) and not _NOT_VIOLENCE.search(before)


def _captured_place(sentence: Sentence, trigger: Trigger, mentions: Sequence[ResolvedMention]) -> bool:
    """True when what was captured is a place: a place name or a place noun within a few words after the
    trigger ("retook Saraqeb", "capturing more than 20 villages", "seizing control of the M5 highway"), or the
    trigger is itself about a place ("losing the town of")."""
    if re.search(r"town|city|village", trigger.text, re.IGNORECASE):
        return True
    after = sentence.text[trigger.end:trigger.end + 60]
    if _TERRITORY.match(after):
        return True
    start = sentence.start + trigger.end
    return any(m.place is not None and 0 <= m.mention.phrase_start - start <= 30 for m in mentions) or any(
        m.place is not None and 0 <= sentence.start + trigger.start - m.mention.end <= 40
        and re.search(r"\b(?:was|were|has been|had been|been)\s+$", sentence.text[:trigger.start])
        for m in mentions)


def _named_finely(chosen: EventPlace | None) -> bool:
    """Whether the sentence itself names the event's place, finer than a region."""
    return chosen is not None and chosen.place_from == "sentence" and chosen.precision in _FINE


def _specific_target(text: str, trigger: Trigger, chosen: EventPlace | None) -> bool:
    """True when a past-tense attack verb has one definite target at a place the sentence names finer than a
    region ("The RSF also attacked the Abu Shouk displacement camp north of El Fasher"), or sides "clashed" at
    such a place: one event, not a state of affairs ("Gunmen attacked military posts near Menaka")."""
    if chosen is None or not _named_finely(chosen):
        return False
    if trigger.text.lower() == "clashed":  # "Soldiers clashed with armed men in the Tierra Blanca neighbourhood"
        return chosen.relation in ("in", "at", "near")
    return bool(_PAST_ATTACK.fullmatch(trigger.text) and _ONE_TARGET.match(text, trigger.end))


def _attached(text: str, start: int, end: int, trigger: Trigger) -> bool:
    """False when a comma and another verb stand between a date and the trigger ("The army, which entered Idlib
    at the end of last year, was targeted in an air raid": the date belongs to "entered")."""
    if not text[:start].strip(" “\"'"):
        return True     # "Since December, Syrian government forces have advanced …": it opens the sentence
    between = text[end:trigger.start] if end <= trigger.start else text[trigger.end:start]
    if end <= trigger.start and "," in between and re.search(r"\b\w{3,}ed\s+(?:\w+\s+)?$", text[:start]):
        return False    # "troops, deployed since 2021 to protect …, said they had repelled": the date is "deployed"'s
    # the verb must stand after the comma: "clashes continued around Sittwe, the state capital, on Monday" keeps
    # its date (the verb is the trigger's own, the comma opens an apposition)
    return not ("," in between and re.search(r"\b\w{3,}ed\b", between.split(",", 1)[1]))


def _report(article: Article, sentence: Sentence, sentences: Sequence[Sentence], clause: tuple[int, int],
            trigger: Trigger, mentions: Sequence[ResolvedMention], dates: Sequence[DateMention],
            focus: Place | None, default_country: str | None, said: tuple[str, ...],
            country_of: Callable[[str], str | None] = lambda code: None,
            groups: dict[str, str] | None = None, triggers: Sequence[Trigger] = ()) -> Report | None:
    """The report of one clause's trigger, or ``None`` when the rules of the module docstring reject it.

    ``dates`` are the date expressions that may date this trigger (its clause's, and those of clauses that
    report nothing themselves); ``said`` who the clause (or the sentence's attribution) says claims it;
    ``triggers`` all the sentence's.
    """
    begin, stop = clause
    text = sentence.text[begin:stop]
    killed, injured = casualties(_own_toll_text(sentence.text, clause, trigger, triggers))
    subtype = trigger.subtype
    capture = trigger.end if subtype == "territory_captured" else None
    chosen: EventPlace | None = choose_place(sentence, mentions, trigger.start, clause=clause, object_from=capture) \
        or adjacent_place(sentences, sentence.index, mentions)
    if subtype in _ARMED_ONLY and (not _armed(sentence, sentences) or _NOT_VIOLENCE.search(_ATTRIBUTION.sub("", text))):
        return None     # "50 people have died of the virus", "medical staff are deployed": not armed violence
    if subtype == "territory_captured" and not _captured_place(sentence, trigger, mentions):
        return None     # "police seized 3,000 kilos of meat": goods, not territory
    weak = subtype in _WEAK or trigger.text.lower() in _WEAK_WORDS
    # an article with no date of its own cannot date "on Saturday", which still says when
    dated = bool(dates) or (article.published is None and _DAY_WORDS.search(text) is not None)
    if weak and not (killed or injured or dated or _specific_target(sentence.text, trigger, chosen)):
        return None
    if trigger.text.lower() in _WEAK_WORDS and _PROGRESSIVE.search(sentence.text[:trigger.start]) \
            and not (killed or injured):
        return None     # "Assad's army is fighting for control over Idlib": a state of affairs
    perfect = bool(_PERFECT.search(sentence.text[max(0, trigger.start - 40):trigger.end]))
    # "Ukrainian troops had seized the town of Sudzha": a town taken is news, in whatever tense
    taken_town = capture is not None and _named_finely(chosen)
    if not dated and not (killed or injured) and perfect and not taken_town:
        return None     # "Turkey has sent thousands of troops into Syria": background, not a dated event
    subject = re.match(r"\s*(?:the|this|that)\s+(?:\S+\s+){0,2}$", text[:max(0, trigger.start - begin)],
                       re.IGNORECASE)
    if is_reference(sentence.text, trigger) and not (killed or injured or any(d.source == "explicit" for d in dates)
                                                     or (subject and chosen and chosen.precision in
                                                         ("site", "settlement"))):
        return None     # "Following the air attack, Erdogan held a meeting"; kept: "The air raid targeted X base"
    period = _tally(sentence.text, dates)
    if period is None and _WAR_TALLY.search(sentence.text):
        period = (None, None)   # "The war, which began in April 2023, has killed tens of thousands of people"
    if period is None and perfect and killed and _VAGUE.search(text) \
            and not any(d.precision == "day" for d in dates):
        period = (None, None)   # "the regime has pressed ahead with an assault, killing hundreds of civilians"
    if period is not None and subtype in _VIOLENT:
        subtype = "summary"
    if chosen is None and focus is not None:
        chosen = EventPlace(focus, None, "in", precision_of(focus, "in"), "article")
    # actors with no country of their own ("gunmen", "civilians") are of the country the sentence puts the event in
    actor_country = (country_of(chosen.place.country) if chosen is not None and chosen.place_from == "sentence"
                     and chosen.place.country else None) or default_country
    # "gunmen killed four police officers in an ambush": the verb before the nominal trigger says who did what
    verb = _VERB_BEFORE.search(sentence.text, begin, trigger.start) \
        if _IN_A.search(sentence.text, begin, trigger.start) else None
    actor1, actor2, named = actors(sentence.text, sentence.start, mentions, verb.start() if verb else trigger.start,
                                   default_country=actor_country, clause=clause, groups=groups,
                                   mutual=bool(_MUTUAL.search(trigger.text)))
    state = bool(actor1 and actor1.state)
    civilian = bool(actor2 and actor2.civilian)
    if subtype == "summary":
        assert period is not None
        date, date_end = period
        precision = precision_of_span(date, date_end) if date and date_end else "unknown"
        date_from = "explicit" if date else "unknown"
    else:
        date, date_end, precision, date_from = _date(dates, article, sentence.start + trigger.start)
    acled_type, acled_sub = acled(subtype, state_actor=state, civilian_victims=civilian) \
        if subtype != "summary" else (None, None)
    assoc = tuple(dict.fromkeys(a.name for a in named if a.name not in {getattr(actor1, "name", None),
                                                                         getattr(actor2, "name", None)}))
    confidence = trigger.strength * (1.0 if chosen and chosen.place_from == "sentence" else 0.8) \
        * (1.0 if date_from in ("explicit", "relative") else 0.85)
    return Report(
        id=report_id(article.content_hash, sentence.start, sentence.end, subtype),
        article=article.id, content_hash=article.content_hash, subtype=subtype,
        acled_event_type=acled_type, acled_sub_event_type=acled_sub,
        summary=" ".join(sentence.text.split()), date=date, date_end=date_end, date_precision=precision,
        date_from=date_from, place=chosen.place if chosen else None,
        mention=chosen.mention.mention.text if chosen and chosen.mention else None,
        where_relation=chosen.relation if chosen else None, geo_precision=chosen.precision if chosen else None,
        place_from=chosen.place_from if chosen else None,
        actor1=actor1.name if actor1 else None, actor2=actor2.name if actor2 else None, assoc_actors=assoc,
        fatalities=min(killed) if killed else None, injured=min(injured) if injured else None,
        claimed_by=said, outlet=article.outlet or article.agency, url=article.url,
        published=article.published, sentence=sentence.text, start=sentence.start, end=sentence.end,
        trigger=trigger.text, confidence=round(confidence, 3), sentence_index=sentence.index,
        refers_back=bool(_DEFINITE.search(sentence.text[:trigger.end])), vague=bool(killed and _VAGUE.search(text)))


def _country_namer(mentions: Sequence[ResolvedMention],
                   country_name: Callable[[str], str | None] | None = None) -> Callable[[str], str | None]:
    """Name of a country from its code: as the article names it, else by ``country_name``."""
    names = {item.place.country: item.place.name for item in mentions
             if item.place is not None and item.place.kind == "country" and item.place.country}

    def name_of(code: str) -> str | None:
        return names.get(code) or (country_name(code) if country_name else None)
    return name_of


def _main_country(mentions: Sequence[ResolvedMention], country_of: Callable[[str], str | None]) -> str | None:
    """The country whose places the article names most (the "regime" of an article about Idlib is Syria's), named by
    ``country_of`` (see :func:`_country_namer`)."""
    counts: dict[str, int] = {}
    for item in mentions:
        place = item.place
        if place is not None and item.mention.role == "literal" and place.kind != "country" and place.country:
            counts[place.country] = counts.get(place.country, 0) + 1
    if not counts:
        return None
    return country_of(max(counts, key=lambda c: counts[c]))
