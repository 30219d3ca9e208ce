"""Events: each rule with the sentence that motivates it and a counter-example, then the seeds end to end against
the hand annotation in tests/fixtures/seed_events.json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from geo.actors import casualties, claimants, parse_number
from geo.articles import article_from_text, read_articles
from geo.eventeval import load_gold, score_events
from geo.events import EventExtractor, events_to_geodataframe
from geo.sentences import split_sentences
from geo.taxonomy import acled, event_types
from geo.triggers import find_triggers

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "fixtures" / "seed_events.json"


# -- sentences, triggers, figures, sources ---------------------------------------------------------------------

def test_sentences_keep_offsets_and_abbreviations() -> None:
    text = "The attack on Feb. 27 killed 34.\nU.S. officials said so. A caption line\n\nNext paragraph."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["The attack on Feb. 27 killed 34.", "U.S. officials said so.",
                                           "A caption line", "Next paragraph."]
    assert all(text[s.start:s.end] == s.text for s in sentences)


@pytest.mark.parametrize(("sentence", "subtype"), [
    ("At least 33 Turkish soldiers were killed in an air strike by Syrian government forces.", "air_strike"),
    ("26 Syrian soldiers were killed in Turkish drone strikes on Saturday.", "drone_strike"),
    ("Turkey shot down a regime plane over Idlib on Sunday.", "aircraft_downed"),
    ("Opposition fighters retook a strategic northwestern town from government forces on Thursday.",
     "territory_captured"),
    ("Greek police fired tear gas at migrants trying to push inside the Greek border.", "riot"),
    ("The Arakan Army said it had taken full control of Paletwa.", "territory_captured"),
    ("A guided bomb hit a residential building in Kharkiv, injuring 12 people.", "air_strike"),
    ("In Tulkarm, Israeli troops shot dead a Palestinian man during an arrest raid, WAFA said.", "attack"),
    ("A man stabbed three people to death at a festival in Solingen on Friday night.", "attack_on_civilians"),
    ("Rebel fighters advanced towards Homs and took the towns of Rastan and Talbiseh.", "territory_captured"),
    ("Israel struck Iran's main uranium enrichment facility at Natanz early on Friday.", "attack"),
    ("Iran responded by firing more than 100 ballistic missiles at Israel on Friday evening.", "shelling"),
    ("Nearly 300 migrants arrived in Edirne province on the border with Greece.", "migration"),
    ("Syria said it was closing its airspace for flights and drones in the northwest of the country.",
     "airspace_closure"),
    ("Russia deployed two warships to the Mediterranean Sea.", "deployment"),
    # the month May is no modal "may": a dateline does not make the report hypothetical
    ("KYIV, May 14 (Reuters) - Russian missiles struck a residential district of Kharkiv on Sunday.", "shelling"),
    ("On May 3, gunmen killed four villagers.", "attack"),
    ("Russia's defence ministry said its troops had repelled attacks near Soledar.", "armed_clash"),
    # names that are modals in lower case: "Can Dündar", "Will Smith"
    ("Can Dundar said police detained 20 journalists in Istanbul.", "arrest"),
    ("On Tuesday, an explosive device wounded three police officers in Jamundi, near Cali.", "explosive"),
    ("Police killed two suspects in a shootout in Culiacan on Monday.", "armed_clash"),
    ("Russia launched dozens of missiles at cities across Ukraine on Monday.", "shelling"),
    ("Hezbollah fired rockets into northern Israel on Tuesday.", "shelling"),
    ("Turkish troops shelled positions west of Tal Rifaat on Monday.", "shelling"),
    ("Shells landed in residential areas of Donetsk on Monday.", "shelling"),
    ("Indian and Pakistani troops exchanged fire overnight near Poonch.", "armed_clash"),
    ("Militants fired at an Israeli checkpoint in Tulkarm on Tuesday.", "attack"),
    ("Gunmen opened fire on tourists near Pahalgam on Tuesday.", "attack"),
    ("Thai jets dropped bombs near the Preah Vihear temple on Thursday.", "air_strike"),
    ("Uganda sent special forces to Juba on Tuesday.", "deployment"),
])
def test_triggers_type_real_sentences(sentence: str, subtype: str) -> None:
    assert find_triggers(sentence)[0].subtype == subtype


@pytest.mark.parametrize("sentence", [
    "In response, Turkey warned it will attack all known targets of the Syrian regime.",
    "Erdogan has warned Turkey would launch a full-scale offensive to repel Syrian forces.",
    "We don't have the desire or intention to clash with Russia, the minister added.",
    "The army test-fired a new missile on Monday.",
    "Russian planes were used to try to shoot down aircraft.",
    "Any aircraft that violates our airspace must be shot down.",
    "The regime and forces loyal to Assad, backed by Russian airstrikes, sought support.",
    "Troops may attack the village within days.",
    "Police can detain suspects for 48 hours.",
    "The army said it would repel any attack.",
    "Security forces launched a search operation in the forests of Anantnag district.",
])
def test_no_trigger_for_threats_negations_and_support(sentence: str) -> None:
    assert find_triggers(sentence) == []


def test_figures_take_the_closest_number_and_skip_subsets() -> None:
    assert casualties("Seven children were among 11 people killed when an air strike hit a school.") == ([11], [])
    assert casualties("with at least 134 civilians, including 44 children, killed in February") == ([134], [])
    assert casualties("Two of its soldiers were killed and five wounded following an airstrike.") == ([2], [5])
    assert casualties("adding retaliatory attacks killed “309 regime troops”.") == ([309], [])
    # counter-examples: numbers that are not casualties
    assert casualties("Turkey has 12 observation posts and bought S-400 missiles in 2019.") == ([], [])
    assert casualties("The offensive has displaced almost 1 million people.") == ([], [])
    assert parse_number("Thirty-four") == 34 and parse_number("dozens") == 12
    assert casualties("Two soldiers and 16 gunmen were killed in the battle.") == ([18], [])


def test_the_day_of_a_date_and_the_figure_of_another_verb_are_no_figures() -> None:
    assert casualties("GAZA, March 5 (Reuters) - Israeli air strikes killed at least 25 Palestinians.") == ([25], [])
    assert casualties("May 14 - Four soldiers were killed in an ambush.") == ([4], [])
    assert casualties("Militants killed 7 and wounded 12 on Friday.") == ([7], [12])
    assert casualties("The blast killed three people and 14 were wounded.") == ([3], [14])


def test_claimants_are_normalised() -> None:
    assert claimants("The Syrian Observatory for Human Rights reported 34 casualties.") == ["SOHR"]
    assert claimants("However, the official Syrian news agency, Syrian Arab News Agency (SANA) denies this.") \
        == ["SANA"]
    assert claimants("… on Thursday, state media and opposition activists said.") == ["state media",
                                                                                       "opposition activists"]
    # counter-example: a weekday before "said" is not a source
    assert claimants("A statement posted on Thursday said the town was hit.") == []


def test_taxonomy_maps_every_subtype_to_acled() -> None:
    types = event_types()
    assert {"air_strike", "territory_captured", "aircraft_downed", "migration", "riot", "summary"} <= set(types)
    assert acled("territory_captured", state_actor=True) == ("Battles", "Government regains territory")
    assert acled("territory_captured") == ("Battles", "Non-state actor overtakes territory")
    assert acled("attack", civilian_victims=True) == ("Violence against civilians", "Attack")
    assert types["summary"].acled_event_type is None


# -- reports of one article ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def extractor(geoparser):  # type: ignore[no-untyped-def]
    return EventExtractor(geoparser)


def _reports(extractor: EventExtractor, text: str, published: str = "2020-03-01") -> list:
    article = article_from_text(text, path="t.txt", metadata={"published": published})
    return extractor.reports(article)


def test_place_is_where_it_happened_not_every_place(extractor: EventExtractor) -> None:
    text = ("However, SANA denies this, stating that it was a Turkish drone that had been downed over the town of "
            "Saraqeb in Idlib on Sunday.")
    (report,) = _reports(extractor, text)
    assert report.place.name.startswith("Sar") and report.geo_precision == "settlement"
    assert report.date == dt.date(2020, 3, 1) and report.date_from == "relative"
    # counter-example: the demonym is an actor, the province is the place
    (report,) = _reports(extractor, "Two Turkish soldiers were killed in Idlib province on Thursday.")
    assert report.place.kind == "admin1" and report.place.country == "SY"
    assert report.actor2 == "Military Forces of Turkey" and report.fatalities == 2


def test_near_locates_the_named_place(extractor: EventExtractor) -> None:
    text = "A ministry statement on Thursday said the attack was thought to have hit Qaminas, near Idlib city."
    (report,) = _reports(extractor, text, "2020-02-20")
    assert report.place.name.startswith("Qam") and report.where_relation == "in"
    (report,) = _reports(extractor, "Shelling hit villages near Idlib city on Thursday.", "2020-02-20")
    assert report.geo_precision == "near_settlement" and report.where_relation == "near"
    # a direction or the outskirts before "of" locate the event near the place, not in it
    (report,) = _reports(extractor, "Air strikes hit a village 10 km south of Saraqeb on Monday, killing four.")
    assert (report.geo_precision, report.where_relation) == ("near_settlement", "near")
    (report,) = _reports(extractor, "The town of Saraqeb was shelled on Monday.")
    assert (report.geo_precision, report.where_relation) == ("settlement", "in")


def test_a_town_named_in_the_next_sentence(extractor: EventExtractor) -> None:
    text = ("Opposition fighters retook a strategic northwestern town from government forces on Thursday, "
            "activists said.\n\nDespite losing the town of Saraqeb, the army made gains to the south.")
    reports = _reports(extractor, text, "2020-02-28")
    first = min(reports, key=lambda r: r.start)
    assert first.subtype == "territory_captured" and first.place_from == "adjacent"
    assert first.place.name.startswith("Sar") and first.date == dt.date(2020, 2, 27)


def test_violence_needs_armed_context(extractor: EventExtractor) -> None:
    assert _reports(extractor, "So far 50 people have died of the virus in the province, officials said on Monday.") \
        == []
    assert _reports(extractor, "Fifteen thousand medical staff are deployed at ports and airports on Monday.") == []
    assert _reports(extractor, "Police seized 3,000 kilos of rotten meat in Manila on Monday.") == []
    assert find_triggers("Kroger is recalling shelled pistachios sold in 10-ounce bags.") == []
    # "rebel-held" says who holds a place, not that anyone fought: the earthquake's dead are no attack
    assert _reports(extractor, "In Aleppo the government said 1,262 people had died, while in the rebel-held "
                               "northwest, around Jandaris, rescue workers said at least 1,900 were dead.") == []
    # counter-examples: armed violence with the same words
    (report,) = _reports(extractor, "Two soldiers and 16 gunmen were killed in Reynosa on Monday.", "2009-06-09")
    assert report.subtype == "attack" and report.fatalities == 18
    assert find_triggers("Government forces shelled the town overnight.")[0].subtype == "shelling"


def test_statements_and_tallies(extractor: EventExtractor) -> None:
    assert _reports(extractor, "Erdogan said Turkey would not back down and urged Europe to help.") == []
    (tally,) = _reports(extractor, "Turkey has had 54 soldiers killed in Idlib since the beginning of February.",
                        "2020-02-28")
    assert tally.subtype == "summary" and tally.date == dt.date(2020, 2, 1) and tally.fatalities == 54
    # counter-example: a count since the event itself is that event
    (event,) = _reports(extractor, "Thirty-four Turkish troops have been killed in Syria since Thursday.")
    assert event.subtype == "attack" and event.date == dt.date(2020, 2, 27)


def test_other_region_and_other_news(extractor: EventExtractor) -> None:
    text = ("Russian forces shelled the town of Kupiansk in the Kharkiv region on Tuesday, killing three civilians "
            "and wounding five, the regional governor said.")
    (report,) = _reports(extractor, text, "2023-08-10")
    assert report.subtype == "shelling" and report.place.country == "UA"
    assert report.date == dt.date(2023, 8, 8) and report.fatalities == 3 and report.injured == 5
    assert report.actor1 == "Military Forces of Russia" and report.actor2 and report.actor2.startswith("Civilians")


def test_two_events_joined_by_and_are_two_reports(extractor: EventExtractor) -> None:
    """A sentence may tell two events, each with its trigger, place and actor: after "and" they are two reports,
    and a date given once dates both."""
    reports = _reports(extractor, "Russian jets bombed Saraqeb and Turkish drones struck Nayrab on Sunday.")
    assert [(r.subtype, r.place.name[:3], r.actor1, r.date) for r in reports] == [
        ("air_strike", "Sar", "Military Forces of Russia", dt.date(2020, 3, 1)),
        ("drone_strike", "An ", "Military Forces of Turkey", dt.date(2020, 3, 1))]
    reports = _reports(extractor, "Airstrikes killed five people in Ariha on Friday, and shelling wounded three in "
                                  "Jisr al-Shughur.")
    assert [(r.subtype, r.place.name[:3], r.fatalities, r.injured) for r in reports] == [
        ("air_strike", "Arī", 5, None), ("shelling", "Jis", None, 3)]
    # counter-examples: a casualty verb after "and" tells the first event's toll; a name before the trigger's verb
    # is not an actor that precedes it ("The RSF attacked an army base": the army is the target)
    # a loose spelling the text supports ("Kafr Nabouda" for Kafr Nabūdah, in Hama) is the event's place
    (report,) = _reports(extractor, "Shelling killed four civilians in Kafr Nabouda in Hama province on Monday.")
    assert report.place.name == "Kafr Nabūdah" and report.geo_precision == "settlement"
    # the part after "and" is typed by its strongest trigger ("shootout"), not by a casualty word before it
    text = ("Militants attacked a checkpoint in Lakki Marwat overnight, killing two policemen, and security forces "
            "killed four insurgents in a shootout in Miranshah.")
    assert [(r.subtype, r.fatalities) for r in _reports(extractor, text)] == [("attack", 2), ("armed_clash", 4)]
    (report,) = _reports(extractor, "Air strikes hit Ariha on Friday and killed five civilians.")
    assert (report.subtype, report.fatalities) == ("air_strike", 5)
    (report,) = _reports(extractor, "The RSF attacked an army base in El Obeid on Thursday.", "2023-06-02")
    assert report.actor1 != "Military Forces of Sudan"


def test_a_toll_is_folded_into_the_event_that_caused_it(extractor: EventExtractor) -> None:
    """"18 civilians were killed when shells hit a market": one shelling that killed 18, not a bare attack with
    the toll beside a shelling without one."""
    (report,) = _reports(extractor, "At least 18 civilians were killed when shells hit a market in Khartoum on "
                                    "Thursday.", "2023-06-02")
    assert (report.subtype, report.fatalities, report.actor2) == ("shelling", 18, "Civilians (Sudan)")
    # counter-example: two events of a sentence stay two
    reports = _reports(extractor, "Gunmen killed four villagers in Djibo on Friday, and an explosive device wounded "
                                  "three soldiers near Dori.", "2023-06-03")
    assert [(r.subtype, r.fatalities, r.injured) for r in reports] == [("attack", 4, None), ("explosive", None, 3)]


def test_a_toll_after_a_sentence_of_armed_violence(extractor: EventExtractor) -> None:
    """A sentence that only tells a toll takes its armed context from the sentence before it; an attribution
    that ended ("According to the governor, …") does not hide the place after it."""
    text = ("Russia said its air defences destroyed 20 Ukrainian drones over the Belgorod region overnight. The "
            "governor said two people were killed in the town of Shebekino.")
    reports = _reports(extractor, text, "2024-03-16")
    assert [(r.subtype, r.place.name, r.fatalities) for r in reports][-1] == ("attack", "Shebekino", 2)
    (report,) = _reports(extractor, "According to the regional governor, Oleh Syniehubov, a missile hit an "
                                    "industrial site in Kharkiv, wounding three workers.", "2024-03-16")
    assert (report.subtype, report.place.name, report.injured) == ("shelling", "Kharkiv", 3)
    # counter-example: after a sentence about a disease, a toll is no attack
    text = "The outbreak has spread across the province. Officials said two people were killed in Shebekino."
    assert _reports(extractor, text, "2024-03-16") == []


def test_a_country_named_before_a_noun_says_whose_not_where(extractor: EventExtractor) -> None:
    """"fired an anti-ship missile at a U.S. destroyer in the southern Red Sea": the destroyer is the United
    States', the event is at sea."""
    text = "On Sunday, the Houthis fired an anti-ship missile at a U.S. destroyer in the southern Red Sea."
    (report,) = _reports(extractor, text, "2024-01-12")
    assert report.place.name == "Red Sea"
    # counter-example: a country after "in" is where
    (report,) = _reports(extractor, "A missile hit a destroyer in Yemen on Sunday.", "2024-01-12")
    assert report.place.name == "Yemen"

def test_a_bare_toll_after_an_event_is_its_toll(extractor: EventExtractor) -> None:
    """"Police fired tear gas and live rounds at protesters in Nairobi on Tuesday. At least five people were shot
    dead, a medics' group said.": one event that killed five, not a second attack somewhere in Kenya."""
    text = ("Kenyan police fired tear gas and live rounds at protesters who stormed parliament in Nairobi on Tuesday. "
            "At least five people were shot dead, the Kenya Medical Association said.")
    first, toll = _reports(extractor, text, "2024-06-25")
    assert (first.subtype, first.place.name, first.fatalities) == ("riot", "Nairobi", None)
    assert (toll.subtype, toll.place.name, toll.fatalities, toll.claimed_by) == ("riot", "Nairobi", 5,
                                                                                 ("Kenya Medical Association",))
    (event,) = extractor.extract([_article(text, "kenya", "Reuters", "2024-06-25")])
    assert (event.fatalities, event.place.name) == (5, "Nairobi")
    # counter-example: a toll with a place of its own is an event of its own
    text = ("Kenyan police fired tear gas at protesters in Nairobi on Tuesday. Two people were shot dead in Kisumu, "
            "witnesses said.")
    reports = _reports(extractor, text, "2024-06-25")
    assert [(r.place.name, r.fatalities) for r in reports] == [("Nairobi", None), ("Kisumu", 2)]

def test_a_day_named_in_an_undated_article_still_dates_the_event(extractor: EventExtractor) -> None:
    """An article with no date of its own cannot resolve "on Saturday", but the day still says the event happened
    (a weak trigger needs a figure, a date or a place); the report's date stays unknown."""
    article = article_from_text("Gunmen attacked a military post near Menaka on Saturday.", path="t.txt")
    assert article.published is None
    (report,) = extractor.reports(article)
    assert (report.subtype, report.place.name, report.date) == ("attack", "Ménaka", None)
    # counter-example: no day, no figure: a state of affairs
    assert extractor.reports(article_from_text("Gunmen attacked military posts near Menaka.", path="t.txt")) == []


def test_actors_with_no_country_of_their_own_are_of_the_event_s_country(extractor: EventExtractor) -> None:
    """In a text about Burkina Faso, "gunmen attacked a military post near Menaka" (Mali) are Mali's rebels."""
    text = ("Jihadists killed 51 soldiers near Deou in Burkina Faso's Oudalan province on Friday, the army said. In "
            "neighbouring Mali, gunmen attacked a military post near Menaka on Saturday.")
    report = _reports(extractor, text, "2023-02-20")[-1]
    assert (report.place.country, report.actor1) == ("ML", "Rebel groups (Mali)")
    # counter-example: an event in the article's country keeps it
    assert _reports(extractor, text, "2023-02-20")[0].actor1 == "Rebel groups (Burkina Faso)"


def test_the_subject_of_an_active_casualty_verb_acts(extractor: EventExtractor) -> None:
    """"Rebels killed five soldiers": one actor per noun of force, and the bare "killed" with an object is active
    (the rebels were the victims, read as a headline's "Rebels killed in Aleppo")."""
    (report,) = _reports(extractor, "Rebels killed five soldiers in Aleppo on Monday.")
    assert report.actor1 == "Rebel groups (Syria)" and report.fatalities == 5
    # counter-example: a headline's bare participle is a passive
    (report,) = _reports(extractor, "Five Turkish soldiers killed in Idlib on Monday.")
    assert (report.actor1, report.actor2) == (None, "Military Forces of Turkey")


def test_a_date_after_an_apposition_still_dates_the_trigger(extractor: EventExtractor) -> None:
    """"Heavy clashes continued around Sittwe, the state capital, on Sunday": the comma opens an apposition, the
    verb is the trigger's own; a weak trigger ("clashes") needs that date."""
    (report,) = _reports(extractor, "Heavy clashes continued around Sittwe, the state capital, on Sunday.",
                         "2024-03-05")
    assert (report.subtype, report.place.name, report.date) == ("armed_clash", "Sittwe", dt.date(2024, 3, 3))
    # counter-example: a verb after the comma is another clause's, whose date it is
    (report,) = _reports(extractor, "The army, which entered Idlib on Monday, was targeted in an air raid.",
                         "2020-03-05")
    assert report.date_from != "explicit"


def test_one_definite_target_makes_an_undated_attack_an_event(extractor: EventExtractor) -> None:
    """"The RSF also attacked the Abu Shouk displacement camp north of El Fasher": one target at a named place is
    one event (dated by the article), and "RSF" is the group the text names in full."""
    text = ("The paramilitary Rapid Support Forces shelled El Fasher on Saturday. The RSF also attacked the Abu "
            "Shouk displacement camp north of El Fasher, residents said.")
    report = _reports(extractor, text, "2024-05-12")[-1]
    assert (report.subtype, report.place.name, report.actor1) == ("attack", "El Fasher", "Rapid Support Forces")
    assert report.date_from == "publication"
    # counter-example: plural targets with no day, figure or named group are a state of affairs
    assert _reports(extractor, "Gunmen attacked military posts near Menaka.", "2024-05-12") == []


def test_who_says_so_takes_no_part(extractor: EventExtractor) -> None:
    """"…, police said": the subject of a claim after the trigger is its source, not its target; farmers are
    civilians; "army drones" act for the army."""
    (report,) = _reports(extractor, "In Yobe state, gunmen killed nine farmers near Damaturu on Sunday, police said.",
                         "2024-06-30")
    assert (report.actor1, report.actor2) == ("Rebel groups (Nigeria)", "Civilians (Nigeria)")
    assert report.claimed_by == ("police",)
    text = ("The Rapid Support Forces hold much of the city. In Omdurman, army drones struck RSF positions on "
            "Friday, the army said in a statement.")
    (report,) = _reports(extractor, text, "2024-05-12")
    assert (report.actor1, report.actor2) == ("Military Forces of Sudan", "Rapid Support Forces")
    # counter-example: police that act are an actor
    (report,) = _reports(extractor, "Police killed two gunmen in Kano on Sunday.", "2024-06-30")
    assert (report.actor1, report.actor2) == ("Police Forces of Nigeria", "Rebel groups (Nigeria)")


def test_a_force_phrase_starts_after_its_article_or_verb(extractor: EventExtractor) -> None:
    """"The RSF attacked an army base": the phrase of "army" does not reach back over "attacked an" (it made the
    RSF the army's); "A Kenyan-led multinational police mission" is Kenya's police (led is no "backed")."""
    text = "The Rapid Support Forces (RSF) attacked an army base in El Obeid on Thursday, the army said."
    (report,) = _reports(extractor, text, "2023-06-02")
    assert (report.actor1, report.actor2) == ("Rapid Support Forces", "Military Forces of Sudan")
    text = "A Kenyan-led multinational police mission was deployed in Port-au-Prince on Tuesday."
    (report,) = _reports(extractor, text, "2024-06-27")
    assert report.actor1 == "Police Forces of Kenya"
    # counter-example: Turkish-backed rebels are Syria's
    (report,) = _reports(extractor, "Turkish-backed rebels attacked Tal Rifaat on Monday.", "2020-03-01")
    assert report.actor1 == "Rebel groups (Syria)"


def test_two_sides_named_before_a_mutual_trigger_are_one_each(extractor: EventExtractor) -> None:
    """"Indian and Pakistani troops exchanged fire": India and Pakistan, one side each, and "the Indian army said"
    is the source; soldiers who "clashed" at a named place make an event without a day."""
    text = "In Poonch, Indian and Pakistani troops exchanged fire overnight, the Indian army said."
    (report,) = _reports(extractor, text, "2025-04-23")
    assert (report.subtype, report.actor1, report.actor2) == ("armed_clash", "Military Forces of India",
                                                             "Military Forces of Pakistan")
    (report,) = _reports(extractor, "Soldiers clashed with armed men in Culiacan.", "2024-09-16")
    assert (report.subtype, report.place.name) == ("armed_clash", "Culiacán")
    # counter-example: allies of a one-sided strike stay on one side
    (report,) = _reports(extractor, "Russian and Syrian jets bombed Saraqeb on Sunday.", "2020-03-02")
    assert report.actor2 is None


def test_who_acts_when_the_trigger_is_a_noun_or_the_people_are_a_demonym(extractor: EventExtractor) -> None:
    """"gunmen killed four police officers in an ambush": the verb before the nominal trigger says who acts; "a
    military operation" is no actor of the place's country; "Palestinians protested" are protesters, not
    Palestine's forces."""
    (report,) = _reports(extractor, "In Michoacan, gunmen killed four police officers in an ambush near Uruapan on "
                                    "Saturday.", "2023-12-18")
    assert (report.actor1, report.actor2, report.fatalities) == ("Rebel groups (Mexico)", "Police Forces of Mexico", 4)
    (report,) = _reports(extractor, "Israeli forces launched a military operation in Jenin on Monday, with drone "
                                    "strikes, killing at least eight people.", "2023-07-03")
    assert report.actor1 == "Military Forces of Israel"
    (report,) = _reports(extractor, "Palestinians protested in Ramallah against the operation on Monday.",
                         "2023-07-03")
    assert report.actor1 is not None and report.actor1.startswith("Protesters (")
    # the subject of "said" that tells of others' deed is the source ("Police said eight people were killed")
    (report,) = _reports(extractor, "Police said eight people were killed in Guayaquil on Tuesday.", "2024-01-10")
    assert (report.actor1, report.fatalities, report.claimed_by) == (None, 8, ("Police",))
    # counter-example: a demonym before a weapon is still the country's forces
    (report,) = _reports(extractor, "Israeli strikes killed 20 people in Gaza on Monday.", "2023-07-03")
    assert report.actor1 == "Military Forces of Israel"

def test_named_armed_groups_are_actors_by_name(extractor: EventExtractor) -> None:
    """Groups news names without a force's noun ("Hezbollah fired rockets") are actors by their name; a name that
    a force phrase only described ("Al Shabaab militants", "the Syrian Democratic Forces") is the group's."""
    (report,) = _reports(extractor, "Hezbollah fired rockets at Kiryat Shmona on Wednesday.", "2024-07-31")
    assert report.actor1 == "Hezbollah"
    (report,) = _reports(extractor, "Al Shabaab militants attacked a hotel in Kismayo on Friday.", "2024-07-13")
    assert report.actor1 == "Al Shabaab"
    (report,) = _reports(extractor, "Fighters of the Syrian Democratic Forces clashed with Turkish-backed rebels "
                                    "near Manbij on Monday.", "2024-12-10")
    assert report.actor1 == "Syrian Democratic Forces"
    (report,) = _reports(extractor, "Myanmar's Tatmadaw shelled villages near Lashio on Monday.", "2024-07-30")
    assert report.actor1 == "Military Forces of Myanmar"
    # counter-example: case as written ("Isis" is no ISIS), and no name, no group
    (report,) = _reports(extractor, "Gunmen attacked a temple of Isis near Aswan on Monday.", "2024-07-30")
    assert report.actor1 == "Rebel groups (Egypt)"


def test_the_leader_of_a_side_and_the_place_of_a_part_of_the_toll(extractor: EventExtractor) -> None:
    """"Syrian rebels led by Hayat Tahrir al-Sham captured Hama": HTS leads the rebels, it did not act on them;
    "killed 45 across the Gaza Strip, including 17 in a school in Deir al-Balah": the event is the Strip's."""
    (report,) = _reports(extractor, "Syrian rebels led by Hayat Tahrir al-Sham captured the central city of Hama on "
                                    "Thursday.", "2024-12-05")
    assert report.actor2 is None and report.actor1 in ("Rebel groups (Syria)", "Hayat Tahrir al-Sham")
    (report,) = _reports(extractor, "Israeli air strikes killed at least 45 Palestinians across the Gaza Strip on "
                                    "Wednesday, including 17 in a school in Deir al-Balah.", "2024-10-09")
    assert (report.place.name, report.fatalities) == ("Gaza Strip", 45)
    # counter-example: "including at X" names where, not a part of a toll; "killed by" is an agent
    (report,) = _reports(extractor, "Hezbollah fired rockets at northern Israel on Wednesday, including at Kiryat "
                                    "Shmona.", "2024-07-31")
    assert report.place.name != "Israel"
    (report,) = _reports(extractor, "Two gunmen were killed by Mexican army troops in Acapulco on Monday.",
                         "2007-01-09")
    assert report.actor1 == "Military Forces of Mexico"

def test_gangs_and_a_protest_s_cause(extractor: EventExtractor) -> None:
    """Gangs are an actor of their own; a protest "demanding accountability for a collapse that killed 15" killed
    no one."""
    (report,) = _reports(extractor, "Gangs attacked a second prison in the Croix-des-Bouquets suburb on Sunday.",
                         "2024-03-03")
    assert report.actor1 == "Gangs (Haiti)"
    (report,) = _reports(extractor, "Tens of thousands of people rallied in Belgrade on Saturday, demanding "
                                    "accountability for the collapse of a station canopy in Novi Sad that killed 15 "
                                    "people.", "2025-03-15")
    assert (report.subtype, report.fatalities) == ("peaceful_protest", None)
    # counter-example: deaths in a protest are its toll
    (report,) = _reports(extractor, "At least 17 people were killed on Monday in protests in Juliaca.", "2023-01-10")
    assert report.fatalities == 17

def test_a_source_s_name_and_a_war_s_own_toll(extractor: EventExtractor) -> None:
    """"…, according to the Sudan Doctors Network": a source named after doctors is no sign of disease deaths;
    "The war, which began in April 2023, has killed tens of thousands" is a state of affairs; "the Rapid Support
    Forces" hold no Rapid City."""
    text = ("In North Darfur, the RSF attacked the Zamzam displacement camp again on Wednesday, killing at least 10 "
            "people, according to the Sudan Doctors Network.")
    (report,) = _reports(extractor, text, "2025-03-21")
    assert (report.subtype, report.fatalities, report.place.name) == ("attack", 10, "North Darfur")
    text = "The war, which began in April 2023, has killed tens of thousands of people."
    assert [r.subtype for r in _reports(extractor, text, "2025-03-21")] == ["summary"]
    (report,) = _reports(extractor, "The Rapid Support Forces shelled El Fasher on Monday.", "2025-03-21")
    assert report.place.name == "El Fasher"
    assert "Rapid" not in {m.mention.text for m in extractor.geoparser.parse("The Rapid Support Forces shelled "
                                                                              "the city on Monday.")}
    # counter-example: deaths of disease, as doctors say, are no attack
    assert _reports(extractor, "Fifty people died of cholera in Khartoum on Monday, doctors said.", "2025-03-21") == []

def test_a_toll_in_a_relative_clause_of_another_attack_is_that_attack_s(extractor: EventExtractor) -> None:
    """"An Israeli air strike hit Beirut's southern suburbs, targeting a commander it blamed for a rocket attack on
    the Golan Heights that killed 12 children": the 12 are the rocket attack's."""
    text = ("An Israeli air strike hit Beirut's southern suburbs on Tuesday, targeting a commander it blamed for a "
            "rocket attack on the Golan Heights that killed 12 children.")
    assert _reports(extractor, text, "2024-07-30")[0].fatalities is None
    # counter-example: the trigger's own relative clause
    (report,) = _reports(extractor, "An Israeli air strike that killed 5 people hit Beirut on Tuesday.", "2024-07-30")
    assert report.fatalities == 5

def test_a_town_taken_is_news_in_any_tense(extractor: EventExtractor) -> None:
    """"Ukrainian troops had seized the town of Sudzha" (no day) and "taken control of 1,000 square kilometres of
    Russia's Kursk region" are captures of territory."""
    (report,) = _reports(extractor, "Russian officials said Ukrainian troops had seized the town of Sudzha.",
                         "2024-08-12")
    assert (report.subtype, report.place.name) == ("territory_captured", "Sudzha")
    text = "Ukrainian forces have taken control of 1,000 square kilometres of Russia's Kursk region, he said on Monday."
    assert [r.subtype for r in _reports(extractor, text, "2024-08-12")] == ["territory_captured"]
    # counter-example: troops sent, with no day, are background
    assert _reports(extractor, "Turkey has sent thousands of troops into Syria.", "2020-03-02") == []


def test_an_organisation_that_says_it_did_the_deed_acts(extractor: EventExtractor) -> None:
    """"Hezbollah said it fired rockets at the Israeli town of Metula": the organisation that says "it" acted is
    the actor (and the claimant)."""
    text = "Hezbollah said it fired rockets at the Israeli town of Metula on Tuesday."
    (report,) = _reports(extractor, text, "2024-10-02")
    assert (report.subtype, report.actor1, report.claimed_by) == ("shelling", "Hezbollah", ("Hezbollah",))
    # counter-example: "it was" is no deed of the speaker
    (report,) = _reports(extractor, "Erdogan said it was an attack on Turkish troops in Idlib on Thursday.",
                         "2020-02-28")
    assert report.actor1 is None


def test_a_dateline_is_the_event_s_place_only_when_nothing_else_is(extractor: EventExtractor) -> None:
    """"GAZA, March 5 (Reuters) - Israeli air strikes killed 25 Palestinians in the Gaza Strip": the story was filed
    from Gaza city, the strikes were in the Strip (the city, a finer place inside it, had won)."""
    text = "GAZA, March 5 (Reuters) - Israeli air strikes killed at least 25 Palestinians in the Gaza Strip."
    (report,) = _reports(extractor, text, "2024-03-05")
    assert report.place.name == "Gaza Strip"
    # counter-example: with no other place, the dateline's town is the place
    (report,) = _reports(extractor, "KHARTOUM (Reuters) - Heavy fighting raged on Friday.", "2023-06-03")
    assert report.place.name == "Khartoum"


def test_a_country_s_weapon_is_its_forces(extractor: EventExtractor) -> None:
    """"An Israeli strike on an apartment in Beirut killed …", "Israeli tanks entered Rafah": the country's forces
    act."""
    text = "An Israeli strike on an apartment in Beirut killed a senior commander late on Monday."
    (report,) = _reports(extractor, text, "2024-09-24")
    assert report.actor1 == "Military Forces of Israel"
    (report,) = _reports(extractor, "Israeli tanks entered Rafah on Monday, killing five.", "2024-05-08")
    assert report.actor1 == "Military Forces of Israel"
    # counter-example: fuel tanks are no forces
    (report,) = _reports(extractor, "Fuel tanks exploded in Kano on Monday.", "2024-05-08")
    assert report.actor1 is None


def test_a_dateline_names_no_actor_and_no_focus(extractor: EventExtractor) -> None:
    """"ERBIL, Iraq (AP) - A drone struck …": the dateline's country is no subject (it gave "Military Forces of
    Iraq"), and its town is not what the article is about (a headline with no place took Port Sudan)."""
    text = "ERBIL, Iraq (AP) - A drone struck the Sarsang oil field in Duhok province on Tuesday, officials said."
    (report,) = _reports(extractor, text, "2025-07-16")
    assert (report.actor1, report.place.name, report.place.kind) == (None, "Dohuk", "admin1")
    text = ("RSF kills dozens in attack on camp\n\nPORT SUDAN (AFP) - The Rapid Support Forces killed more than 100 "
            "people in an assault on the Zamzam camp near El Fasher, the UN said on Sunday. The group also shelled "
            "camps around El Fasher.")
    assert _reports(extractor, text, "2025-04-14")[0].place.name != "Port Sudan"
    # counter-example: a country that acts stays the actor
    text = "Thailand said it launched F-16 air strikes on Cambodian military targets in Preah Vihear on Thursday."
    assert _reports(extractor, text, "2025-07-24")[0].actor1 == "Military Forces of Thailand"


def test_a_place_located_by_an_offset_is_the_event_s(extractor: EventExtractor) -> None:
    """"the town of Sake, 25 kilometres west of Goma": Goma only locates Sake; "Sake, a town near Goma" too."""
    for text in ("M23 rebels shelled the town of Sake, 25 kilometres west of Goma, on Wednesday, killing six people.",
                 "M23 rebels shelled Sake, a town near Goma, on Wednesday."):
        (report,) = _reports(extractor, text, "2024-02-08")
        assert (report.place.name, report.where_relation) == ("Sake", "in"), text
    # counter-example: with no place before it, the place of "near" is the event's
    (report,) = _reports(extractor, "M23 rebels shelled villages 25 kilometres west of Goma on Wednesday.",
                         "2024-02-08")
    assert (report.place.name, report.where_relation) == ("Goma", "near")



def test_a_dateline_town_is_no_antecedent_of_the_town(extractor: EventExtractor) -> None:
    """"YANGON (Reuters) - The Arakan Army said it had taken full control of Paletwa …. The group said it had
    captured the last army camp in the town": "the town" is not Yangon, where the story was filed from."""
    text = ("YANGON, Jan 16 (Reuters) - The Arakan Army said on Tuesday it had taken full control of Paletwa, a "
            "township in Myanmar's Chin State, after weeks of fighting with the military. The group said it had "
            "captured the last army camp in the town on Monday.")
    reports = _reports(extractor, text, "2024-01-16")
    assert [r.subtype for r in reports] == ["territory_captured", "territory_captured"]
    assert all(r.place is not None and r.place.name != "Yangon" for r in reports)
    # a named army of no state is a group of its own, and it says it did the deed "on Tuesday"
    assert reports[0].actor1 == "Arakan Army"
    # counter-example: a town named in the sentence before is still the antecedent
    text = ("KINSHASA, Feb 8 (Reuters) - M23 rebels shelled Sake on Monday. The army said it had retaken the town "
            "on Tuesday.")
    assert [r.place.name for r in _reports(extractor, text, "2024-02-08")] == ["Sake", "Sake"]


def test_a_state_s_army_is_no_named_group(extractor: EventExtractor) -> None:
    """Title case does not make a state's forces a group of their own: "Myanmar Army", "Government Forces"."""
    (report,) = _reports(extractor, "Myanmar Army Retakes Border Town of Paletwa on Monday", "2024-01-16")
    assert report.actor1 == "Military Forces of Myanmar"
    (report,) = _reports(extractor, "Government Forces Retake Saraqeb In Idlib On Monday", "2020-03-03")
    assert report.actor1 == "Military Forces of Syria"


def test_a_name_ending_in_a_hyphenated_capital_ends_its_sentence() -> None:
    """"… in Pauktaw and Mrauk-U. Thousands fled": the capital after the hyphen is no initial."""
    sentences = split_sentences("Clashes were reported in Pauktaw and Mrauk-U. Thousands fled. Robert O. Smith said.")
    assert [s.text for s in sentences] == ["Clashes were reported in Pauktaw and Mrauk-U.", "Thousands fled.",
                                           "Robert O. Smith said."]


# -- merging and records ---------------------------------------------------------------------------------------

def _article(text: str, name: str, outlet: str, published: str):  # type: ignore[no-untyped-def]
    return article_from_text(text, path=f"{name}.txt", metadata={"outlet": outlet, "published": published})


def test_reports_of_one_event_merge_and_keep_their_claims(extractor: EventExtractor) -> None:
    one = _article("At least 33 Turkish soldiers were killed in an air strike in Idlib province on Thursday, "
                   "officials said.", "a", "Al Jazeera", "2020-02-28")
    two = _article("Thirty-four Turkish soldiers were killed in an air strike in Idlib on Thursday, the Syrian "
                   "Observatory for Human Rights said.", "b", "Anadolu Agency", "2020-02-28")
    other = _article("Two Turkish soldiers were killed in an air strike in Idlib province on Thursday.", "c",
                     "The New Arab", "2020-02-20")
    events = extractor.extract([one, two, other])
    merged = [e for e in events if len(e.reports) == 2]
    assert len(events) == 2 and len(merged) == 1
    record = merged[0].to_dict()
    assert record["fatalities"] == 33 and record["date"] == "2020-02-27"
    assert {c["value"] for c in record["claims"] if c["field"] == "fatalities"} == {33, 34}
    assert set(record["outlets"]) == {"Al Jazeera", "Anadolu Agency"} and "SOHR" in record["claimed_by"]
    assert record["merged_because"] and "dates overlap" in record["merged_because"]
    assert record["id"] == min(s["report"] for s in record["sources"])
    for source in record["sources"]:
        text = {"a": one.text, "b": two.text}[source["article"]]
        assert text[source["start"]:source["end"]] == source["sentence"]


def test_a_byline_date_is_when_the_story_was_filed(extractor: EventExtractor) -> None:
    """"ADDIS ABABA, Aug 15 (Reuters) - A drone strike killed at least 26 people … on Sunday": the strike was on
    Sunday the 13th, not on the byline's day; the headline over it, dated only by the article, is the same event."""
    text = ("Ethiopian drone strike kills dozens in Amhara region\n\nADDIS ABABA, Aug 15 (Reuters) - A drone strike "
            "killed at least 26 people in the town of Finote Selam in Ethiopia's Amhara region on Sunday, residents "
            "said.")
    (event,) = extractor.extract([_article(text, "amhara", "Reuters", "2023-08-15")])
    assert (event.date, event.date_end, len(event.reports)) == (dt.date(2023, 8, 13), dt.date(2023, 8, 13), 2)
    # counter-example: with no day of its own, the event is of the article's day or the day before
    text = "ADDIS ABABA, Aug 15 (Reuters) - A drone strike killed at least 26 people in Finote Selam, residents said."
    (report,) = _reports(extractor, text, "2023-08-15")
    assert (report.date, report.date_end, report.date_from) == (dt.date(2023, 8, 14), dt.date(2023, 8, 15),
                                                                "publication")

def test_reports_in_two_countries_are_two_events(extractor: EventExtractor) -> None:
    """A drone strike in Russia's Belgorod region and a bomb on Kharkiv, 70 km apart on the same night, are two
    events: the distance alone had merged them."""
    text = ("A guided bomb hit a residential building in Kharkiv overnight, injuring 12 people, the governor said. "
            "Ukrainian drones attacked an oil depot in Russia's Belgorod region overnight, starting a fire.")
    events = extractor.extract([_article(text, "kharkiv", "Reuters", "2024-09-03")])
    assert sorted(e.place.name for e in events) == ["Belgorod", "Kharkiv"]
    # counter-example: a town and the region around it in one country are one event
    text = ("A guided bomb hit a residential building in Kharkiv overnight, injuring 12 people, the governor said. "
            "The bomb attack on the Kharkiv region overnight injured 12, officials said.")
    (event,) = extractor.extract([_article(text, "kharkiv", "Reuters", "2024-09-03")])
    assert event.place.name == "Kharkiv"

def test_a_named_group_and_the_rebels_a_report_calls_it_are_one_side(extractor: EventExtractor) -> None:
    """"US and British warplanes struck Houthi targets … in the capital Sanaa" and "The Houthis said five of their
    fighters were killed in 73 strikes on the provinces of Sanaa, …": the Houthis and "their fighters" (rebels) are
    one side, the reports one event."""
    text = ("DUBAI, Jan 12 (Reuters) - U.S. and British warplanes struck more than a dozen Houthi targets in Yemen "
            "overnight, including in the capital Sanaa, officials said on Friday. The Houthis said five of their "
            "fighters were killed in 73 strikes on the provinces of Sanaa, Hodeidah and Taiz.")
    (event,) = extractor.extract([_article(text, "yemen", "Reuters", "2024-01-12")])
    assert (event.to_dict()["actor2"], event.fatalities, len(event.reports)) == ("Houthis", 5, 2)
    # counter-example: two named groups are two sides
    text = ("Hezbollah fired rockets at Metula on Monday. Hamas fired rockets at Metula on Monday.")
    assert len(extractor.extract([_article(text, "two", "Reuters", "2024-01-12")])) == 2

def test_ids_are_stable_and_adding_articles_renames_nothing(extractor: EventExtractor) -> None:
    seeds = sorted(read_articles([ROOT / "seeds"]), key=lambda a: a.path)
    first = {e.id for e in extractor.extract(seeds[:3])}
    again = {e.id for e in extractor.extract(seeds[:3])}
    assert first == again
    extra = article_from_text("Shelling hit the town of Kupiansk on Tuesday, officials said.", path="x.txt",
                              metadata={"published": "2023-08-10"})
    more = {e.id for e in extractor.extract(seeds[:3] + [extra])}
    assert first <= more


def test_worker_processes_give_the_same_events(geoparser, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seeds = sorted(read_articles([ROOT / "seeds"]), key=lambda a: a.path)
    serial = [e.to_dict() for e in EventExtractor(geoparser, jobs=1).extract(seeds)]
    monkeypatch.setattr(EventExtractor, "PARALLEL_MIN", 2)
    parallel = [e.to_dict() for e in EventExtractor(geoparser, jobs=2).extract(seeds)]
    assert parallel == serial


def test_geodataframe_and_geojson_axis_order(extractor: EventExtractor) -> None:
    article = _article("Shelling hit the town of Saraqeb on Tuesday, activists said.", "s", "AFP", "2020-02-28")
    events = extractor.extract([article])
    frame = events_to_geodataframe(events)
    record = events[0].to_dict()
    assert frame.crs.to_epsg() == 4326 and frame.geometry.iloc[0].x == pytest.approx(record["lon"])
    assert record["geometry"]["coordinates"] == [record["lon"], record["lat"]]
    assert 35 < record["lat"] < 37 and 36 < record["lon"] < 38
    assert json.loads(frame["sources"].iloc[0])[0]["outlet"] == "AFP"


# -- the seeds against the annotation --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_events(extractor: EventExtractor) -> tuple[list[dict], dict[str, str]]:
    articles = sorted(read_articles([ROOT / "seeds"]), key=lambda a: a.path)
    return [e.to_dict() for e in extractor.extract(articles)], {a.id: a.text for a in articles}


def test_seed_events_against_the_annotation(seed_events: tuple[list[dict], dict[str, str]]) -> None:
    events, texts = seed_events
    scores = score_events(events, load_gold(GOLD), texts)
    assert scores["recall"] >= 0.85 and scores["precision"] >= 0.8, scores
    assert scores["date_accuracy"] >= 0.8 and scores["place_accuracy"] >= 0.8, scores
    assert scores["duplicates"] <= 5, scores


def test_seed_feb27_strike_is_one_event_with_all_figures(seed_events: tuple[list[dict], dict[str, str]]) -> None:
    events, _ = seed_events
    strike = [e for e in events if e["date"] == "2020-02-27" and e["date_end"] == "2020-02-27"
              and e["fatalities"] and e["fatalities"] >= 20]
    assert len(strike) == 1
    record = strike[0]
    assert len({s["article"] for s in record["sources"]}) >= 3
    figures = {c["value"] for c in record["claims"] if c["field"] == "fatalities"}
    assert {33, 34} <= figures and record["fatalities"] == min(f for f in figures if f >= 20)
    assert record["place"]["country"] == "SY"


def test_seed_plane_or_drone_is_a_claim(seed_events: tuple[list[dict], dict[str, str]]) -> None:
    events, _ = seed_events
    downed = [e for e in events if e["subtype"] == "aircraft_downed" and e["date"] == "2020-03-01"]
    assert downed
    assert any({"Anadolu Agency", "SANA"} <= set(e["claimed_by"]) for e in downed)
