"""Recognition rules: each with the sentence that motivates it and a counter-example (real news sentences)."""

from __future__ import annotations

import pytest

from geo.geoparse import Geoparser
from geo.mentions import Mention


class _Parsed:
    """The geoparser's mentions (recognition plus the pipeline's check of weak mentions against the document)."""

    def __init__(self, parser: Geoparser) -> None:
        self.parser = parser

    def recognize(self, text: str) -> list[Mention]:
        return [m.mention for m in self.parser.parse(text)]


@pytest.fixture(scope="module")
def recognizer(geoparser):  # type: ignore[no-untyped-def]
    return _Parsed(geoparser)


def _names(recognizer: _Parsed, text: str, roles: tuple[str, ...] = ("literal", "metonym")) -> list[str]:
    return [m.text for m in recognizer.recognize(text) if m.role in roles and m.recognizer != "border"]


def _role(recognizer: _Parsed, text: str, name: str) -> str | None:
    return next((m.role for m in recognizer.recognize(text) if m.text == name), None)


def test_known_names_in_their_news_spellings(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = "Turkey on Thursday launched an operation to recapture the frontline towns of Nayrab and Saraqeb."
    assert _names(recognizer, text) == ["Turkey", "Nayrab", "Saraqeb"]


def test_person_after_a_title(recognizer) -> None:  # type: ignore[no-untyped-def]
    assert _names(recognizer, "Defence Minister Hulusi Akar said on Friday the attacks continued.") == []
    # counter-example: a title word opening a place-bearing organisation name keeps the place
    assert "Queensland" in _names(recognizer, "Queensland Premier Peter Beattie has declared an emergency.")


def test_a_person_stays_a_person_in_the_whole_text(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = "President Vladimir Putin spoke by phone. Later, Putin met the envoy in Moscow."
    assert _names(recognizer, text) == ["Moscow"]


def test_a_surname_after_the_full_name_stays_a_person(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = "Scientist Bruce Ivins worked at Fort Detrick. A judge issued a peace order against Ivins in July."
    assert "Ivins" not in _names(recognizer, text)
    # counter-example: the town of that name, with no person of that name in the text
    assert _names(recognizer, "The family drove from Ivins, Utah, to the coast on Monday.")[:2] == ["Ivins", "Utah"]


def test_people_after_abbreviated_titles_and_words_for_people(recognizer) -> None:  # type: ignore[no-untyped-def]
    assert _names(recognizer, "Experts like Dr. Moll believe the new strain is also dangerous.") == []
    assert _names(recognizer, "Her son Jack died today in the special care unit in Glasgow.") == ["Glasgow"]
    # counter-example: the same word after a word that is not a title or a person ("near Mol")
    assert _names(recognizer, "The plant near Mol in Belgium was closed.") == ["Mol", "Belgium"]


def test_a_name_before_a_comma_and_a_verb_of_saying_is_not_its_subject(recognizer) -> None:  # type: ignore[no-untyped-def]
    """"A resident of Binnish, told AFP": the town ends an apposition; it is not the one speaking, and so it is
    not taken for a person everywhere in the text."""
    text = "Abu Ahmad, a resident of Binnish, told AFP that shelling hit Binnish again overnight."
    assert _names(recognizer, text) == ["Binnish", "Binnish"]
    assert _names(recognizer, "“The roads are closed,” Akar told reporters.") == []


def test_an_alternate_name_unlike_the_place_s_own_needs_the_document_s_support(recognizer) -> None:  # type: ignore[no-untyped-def]
    """GeoNames gives Topeka the alternate name "Google" and San Vicente (Philippines) "Cobra": alone in a text
    they are no places; a Kurdish name of a Syrian town ("Kobani" for Ayn al-Arab) stays one beside Syria."""
    assert _names(recognizer, "The Weather Channel and Google's FluTrends websites report more cases.") == []
    assert _names(recognizer, "The government's emergency committee Cobra met to discuss the outbreak.") == []
    found = recognizer.parser.parse("Kurdish fighters said Kobani was quiet, as was the rest of northern Syria.")
    kobani = next(item for item in found if item.mention.text == "Kobani")
    assert (kobani.place.country, kobani.place.kind) == ("SY", "populated_place")
    # counter-example: a spelling of the place's own name is no other name ("Saraqeb" for Saraqib)
    assert _names(recognizer, "Troops fought their way into Saraqeb on Monday.") == ["Saraqeb"]


def test_a_big_town_by_a_loose_spelling_after_in(recognizer) -> None:  # type: ignore[no-untyped-def]
    """News spells Al Ḩudaydah "Hodeidah" and Al Qāmishlī "Qamishli", loose transliterations of the gazetteer's
    names; after "in" or "near", a town of 100,000 people or more needs no other place in the text to back it."""
    found = recognizer.parser.parse("Fighting continued in Hodeidah on Monday.")
    assert [(m.mention.text, m.place.country, m.place.kind) for m in found] == [
        ("Hodeidah", "YE", "populated_place")]
    assert _names(recognizer, "A car bomb went off near Qamishli, residents said.") == ["Qamishli"]
    # counter-examples: a person's name that loosely spells a town's (Putian), written after "in" or elsewhere
    assert _names(recognizer, "In Putin's view, the talks had failed.") == []
    assert _names(recognizer, "Putin met the Turkish delegation on Monday.") == []


def test_the_name_of_an_armed_group_is_no_place(recognizer) -> None:  # type: ignore[no-untyped-def]
    """"the Fano militia" (Amhara) is no Fano (Italy); "the Santa Rosa de Lima gang" has no Lima in it."""
    assert _names(recognizer, "Fighting between the federal army and the Fano militia spread across Amhara.") == [
        "Amhara"]
    assert _names(recognizer, "The Jalisco cartel and the Santa Rosa de Lima gang fight over fuel theft.") == [
        "Jalisco"]
    # counter-examples: the same name as a place, and a province that names a cartel
    assert _names(recognizer, "Troops retook Fano, on the Adriatic coast, on Monday.")[0] == "Fano"
    assert _names(recognizer, "He was attacked by the Sinaloa cartel in Culiacan.") == ["Sinaloa", "Culiacan"]


def test_an_area_s_word_after_an_adjective_of_nationality(recognizer) -> None:  # type: ignore[no-untyped-def]
    """"the central Mexican state of Guanajuato" is the state, not its capital; "the municipality of Argelia"
    (Cauca) is no Algeria."""
    found = recognizer.parser.parse("Gunmen opened fire in the central Mexican state of Guanajuato on Saturday.")
    assert [(m.mention.text, m.place.kind) for m in found if m.mention.text == "Guanajuato"] == [
        ("Guanajuato", "admin1")]
    found = recognizer.parser.parse("Soldiers were held in the municipality of Argelia, in Cauca, Colombia.")
    argelia = next(m for m in found if m.mention.text == "Argelia")
    assert (argelia.place.country, argelia.place.kind) == ("CO", "populated_place")


def test_a_word_after_an_article_inside_a_longer_name_is_no_place(recognizer) -> None:  # type: ignore[no-untyped-def]
    """"Bustan al-Qasr" (a district of Aleppo the gazetteer lacks) is no "Qasr" (Al Qasr, Jordan); "Bab el-Oued"
    (Algiers) is no El Oued."""
    assert _names(recognizer, "Shelling destroyed homes in Bustan al-Qasr, a district of Aleppo.") == ["Aleppo"]
    assert _names(recognizer, "He was undergoing treatment in Bab el-Oued hospital in Algiers.") == ["Algiers"]
    # counter-examples: a name written with its article after a lower-case word, and a whole name that is known
    assert "al-Bab" in _names(recognizer, "Turkish-backed rebels entered al-Bab on Monday, north-east of Aleppo.")
    assert _names(recognizer, "Rebels withdrew from Jisr al-Shughur and Maarat al-Numan.") == [
        "Jisr al-Shughur", "Maarat al-Numan"]


def test_a_month_and_a_day_are_a_date(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = "She went to the Queen Elizabeth University Hospital in Glasgow on October 6 where she was treated."
    assert _names(recognizer, text) == ["Glasgow"]


def test_names_opened_by_an_abbreviation_with_a_period(recognizer) -> None:  # type: ignore[no-untyped-def]
    assert _names(recognizer, "The family drove from Ivins, Utah, to St. George on Monday.") == [
        "Ivins", "Utah", "St. George"]
    assert _names(recognizer, "Flooding hit St. Marc and the north of Haiti.") == ["St. Marc", "Haiti"]
    # counter-example: a sentence that ends after the abbreviation of a street is not joined to the next one
    assert "St. Police" not in _names(recognizer, "He lived on Main St. Police said the road was closed.")


def test_verb_of_saying_person_versus_metonym(recognizer) -> None:  # type: ignore[no-untyped-def]
    assert _names(recognizer, "“All known targets are under fire,” Akar said.") == []
    assert _role(recognizer, "Russia said Ankara failed to inform it.", "Russia") == "metonym"
    assert _role(recognizer, "However Washington has refused Turkey's requests in the past.", "Washington") == "metonym"
    # counter-example: a capital that does something other than speak is literal
    assert _role(recognizer, "Nearly 300 migrants arrived in Ankara on Friday.", "Ankara") == "literal"


def test_first_name_before_a_town_name_is_a_person(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = "US Permanent Representative to NATO Kay Bailey Hutchison spoke in a press conference."
    assert _names(recognizer, text) == ["US"]
    # counter-example: a country before an organisation word is a place (GeoVirus-style "US Centers")
    assert _names(recognizer, "The US Centers for Disease Control confirmed the case.") == ["US"]


def test_outlets_and_agencies_are_not_places(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = ("The state-run Turkish Anadolu news agency said so, and the Interfax news agency reported it, "
            "Bloomberg reported on Thursday, according to Reuters and Al Jazeera.")
    assert _names(recognizer, text) == []
    # counter-example: a place inside an outlet name is emitted with role embedded
    assert _role(recognizer, "The TV channel Russia 24 reported the shooting.", "Russia") == "embedded"


def test_organisations_versus_places(recognizer) -> None:  # type: ignore[no-untyped-def]
    assert _names(recognizer, "Erdogan asked the EU and NATO for support.") == []
    assert _names(recognizer, "Refugees hoped to reach Europe by land or sea.") == ["Europe"]


def test_months_weekdays_and_common_words(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = "Since December, forces advanced. Several hours later, May and March passed. Police said so."
    assert _names(recognizer, text) == []
    # counter-example: a capitalised place name mid-sentence after "in" is kept
    assert _names(recognizer, "The outbreak began in Reading last week.") == ["Reading"]


def test_currencies_are_not_places(recognizer) -> None:  # type: ignore[no-untyped-def]
    assert _names(recognizer, "The UN appealed for US$2.8 million; the crop is worth $US 1.5 billion.") == []
    assert _names(recognizer, "A fine of NZ$4,000 was imposed in Auckland.") == ["Auckland"]
    # counter-example: the country written before an amount with a space
    assert _names(recognizer, "The US $1 billion aid package was approved.") == ["US"]


def test_diseases_named_after_places_are_not_places(recognizer) -> None:  # type: ignore[no-untyped-def]
    assert _names(recognizer, "About 60 percent of West Nile virus cases in the state happen in Texas.") == ["Texas"]
    assert _names(recognizer, "The Soviet Union prepared Marburg virus samples; Lassa fever is endemic.") == [
        "Soviet Union"]
    # counter-examples: the river, and a big city before the word
    assert _names(recognizer, "The Nile flooded the fields near Khartoum.") == ["Nile", "Khartoum"]
    assert _names(recognizer, "Doctors in Wuhan said the Wuhan virus spread.")[:1] == ["Wuhan"]


def test_a_disease_s_name_is_remembered_in_the_text(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = "Marburg virus causes Marburg hemorrhagic fever. The Marburg outbreak has spread to Uige."
    assert _names(recognizer, text) == ["Uige"]
    # before the text says it is a disease too: "Rwanda reports Marburg outbreak" (it was Maribor, Slovenia)
    text = "Rwanda reports Marburg outbreak\n\nRwanda has confirmed 26 cases of Marburg virus disease in Kigali."
    assert _names(recognizer, text) == ["Rwanda", "Rwanda", "Kigali"]
    # a name of two words, of which the direction is no part of the place's name: "West Nile cases"
    text = "West Nile cases climb in Dallas County\n\nOfficials reported four cases of West Nile virus on Thursday."
    assert _names(recognizer, text) == ["Dallas County"]
    # counter-example: after a locative word it is the town again
    assert _names(recognizer, "Marburg virus was first described by researchers in Marburg.") == ["Marburg"]


def test_places_that_open_institution_and_newspaper_names_are_embedded(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = ("A professor at Michigan State University told The Los Angeles Times and the China Daily that the "
            "patient was moved from Aberdeen University hospital to Glasgow.")
    assert _names(recognizer, text) == ["Glasgow"]
    assert _names(recognizer, text, roles=("embedded",))[:3] == ["Michigan State", "Los Angeles", "China"]
    # counter-examples: an organisation that is not an institution keeps its place ("Queensland Health"), and a
    # place before a lower-case word is literal
    assert _names(recognizer, "Queensland Health confirmed a case at a university in Brisbane.") == [
        "Queensland", "Brisbane"]


def test_small_places_and_words_that_open_an_organisation_name(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = "The United States Food and Drug Administration and the Killeen Police Department said so on Monday."
    assert _names(recognizer, text) == ["United States"]
    # counter-example: a state before an organisation word names the state's organisation and the state
    assert _names(recognizer, "Queensland Health said the patient was treated in Killeen.") == ["Queensland",
                                                                                                 "Killeen"]


def test_names_news_writes_with_dots_apostrophes_and_sentence_openers(recognizer) -> None:  # type: ignore[no-untyped-def]
    assert _names(recognizer, "Cases rose in the U.K. and in Washington, D.C. on Monday.") == [
        "U.K.", "Washington", "D.C."]
    assert _names(recognizer, "The virus hit Côte d'Ivoire, then the Democratic Republic of Congo.") == [
        "Côte d'Ivoire", "Democratic Republic of Congo"]
    assert _names(recognizer, "In Canada, the product only reached two stores.") == ["Canada"]
    assert _names(recognizer, "Neighbouring Israel has a blockade on Gaza.") == ["Israel", "Gaza"]
    # a place that opens the name of its airport is the place; the person the airport is named after is not
    assert _names(recognizer, "The flight landed at İstanbul Atatürk International Airport.") == ["İstanbul"]
    # counter-examples: an undotted acronym that is only an alternate code, and a first name at a sentence start
    assert _names(recognizer, "Bruce Ivins worked there. Ivins said nothing.") == []


def test_a_lake_or_mountain_name_opened_by_its_feature_word(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = "Swans died on the coast of Lake Champlain near Burlington."
    found = [m for m in recognizer.recognize(text) if m.text == "Champlain"]
    assert found and found[0].phrase(text) == "Lake Champlain" and found[0].cue == "lake"
    # counter-example: a capitalised first name before a small town's name is still a person's
    assert "Erie" not in _names(recognizer, "Bruce Erie said the swans had died.")


def test_a_name_inside_a_phrase_before_a_verb_of_saying_stays_a_place(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = 'Mark Kitsmore, 54, of Tyler said, "Honestly, I am fine." A lab in Lelystad confirmed the virus.'
    assert _names(recognizer, text) == ["Tyler", "Lelystad"]
    # counter-example: a name that is the subject of the verb is still a person, in the whole text
    assert _names(recognizer, "Tyler said the camp was full. Later Tyler told reporters more.") == []


def test_hyphenated_names_with_a_small_word_inside(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = "Cholera may reach the earthquake ravaged capital, Port-au-Prince, and flights from Stratford-upon-Avon."
    assert _names(recognizer, text) == ["Port-au-Prince", "Stratford-upon-Avon"]
    # counter-example: a route written with hyphens is two places
    assert _names(recognizer, "Traffic on the Damascus-to-Aleppo highway stopped.") == ["Damascus", "Aleppo"]


def test_a_possessive_inside_a_name(recognizer) -> None:  # type: ignore[no-untyped-def]
    assert _names(recognizer, "Ducks were found in Queen Anne's County in Maryland.") == ["Queen Anne's County",
                                                                                         "Maryland"]
    # counter-example: a possessive after a name ends it
    assert _names(recognizer, "Turkey's Erdogan spoke to Russia's Putin.") == ["Turkey", "Russia"]


def test_an_indefinite_article_does_not_open_a_loose_name(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = "A New Jersey woman who is a former resident of Lubbock told media earlier."
    assert _names(recognizer, text) == ["New Jersey", "Lubbock"]  # not "A New" (Änew, by its loose key)
    # counter-example: "A" that is part of a name written in full
    assert _names(recognizer, "A Coruña is in Spain.") == ["A Coruña", "Spain"]


def test_common_words_need_a_major_place_of_their_own_name(recognizer) -> None:  # type: ignore[no-untyped-def]
    # "Public" is an alternate name of a district of Uganda in the embedded data; "Media" of Médéa
    text = "The All India Institute of Hygiene and Public Health said Media reports were wrong."
    assert "Public" not in _names(recognizer, text) and "Media" not in _names(recognizer, text)
    # counter-example: a common word that is the name of a major place, after a locative word
    assert _names(recognizer, "The convoy drove on to Most and Usti.")[:1] == ["Most"]


def test_a_capital_by_an_alternate_name_does_not_stop_a_person_s_name(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = "Water expert Ben Carter, of Cedar City, Utah, said the claims had no merit."
    assert _names(recognizer, text) == ["Cedar City", "Utah"]  # "Ben" is an alternate name of Bern
    # counter-examples: a capital by its own name before a title, and a dotted abbreviation
    assert _names(recognizer, "Kyiv Mayor Vitali Klitschko said the shelters were open.")[:1] == ["Kyiv"]
    assert "D.C." in _names(recognizer, "A patient was admitted to a hospital in Washington, D.C. on Monday.")


def test_model_numbers_are_not_places(recognizer) -> None:  # type: ignore[no-untyped-def]
    assert _names(recognizer, "They destroyed a SA-17 and a SA-22 air defense system.") == []
    assert _names(recognizer, "The aircraft flew over SA on Sunday.") in ([], ["SA"])  # bare code: either is fine


def test_the_proper_name_span_and_the_phrase(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = "forces seized the strategic M5 highway and parts of Aleppo province, near the town of Saraqeb."
    found = {m.text: m for m in recognizer.recognize(text)}
    m5, aleppo, saraqeb = found["M5"], found["Aleppo"], found["Saraqeb"]
    assert (text[m5.phrase_start:m5.phrase_end], m5.cue, m5.kinds) == ("M5 highway", "highway", ("road",))
    m5 = [m for m in recognizer.recognize("Forces control the M5 highway.") if m.text == "M5"][0]
    assert (m5.phrase_start, m5.phrase_end) == (15, 29)
    assert (text[aleppo.phrase_start:aleppo.phrase_end], aleppo.cue) == ("Aleppo province", "province")
    assert (text[saraqeb.phrase_start:saraqeb.phrase_end], saraqeb.cue) == ("the town of Saraqeb", "the town of")
    # counter-example: a capitalised term opening an organisation name is not a cue ("the US State Department")
    state = [m for m in recognizer.recognize("the US State Department said") if m.text == "US"][0]
    assert state.cue is None


def test_english_an_before_a_name_is_no_arabic_article(recognizer) -> None:  # type: ignore[no-untyped-def]
    """"An Israeli strike" is an Israeli strike, not a place "An Israeli"; "An Nabk" keeps its article."""
    found = recognizer.recognize("BEIRUT, Nov 21 (Reuters) - An Israeli strike on a house killed three people.")
    assert [(m.text, m.role) for m in found if m.text.endswith("Israeli")] == [("Israeli", "demonym")]
    assert _names(recognizer, "An American soldier died in the attack.", roles=("demonym",)) == ["American"]
    # counter-example: the Arabic article of a name the gazetteer knows whole
    assert _names(recognizer, "An Nabk was shelled on Monday.") == ["An Nabk"]


def test_demonyms_of_two_words(recognizer) -> None:  # type: ignore[no-untyped-def]
    """"South Korean", "South Sudanese", "Sri Lankan" are demonyms of their own (not "Sudanese" of Sudan); "South
    American" and "Latin American" are a continent's people, not the United States'."""
    found = recognizer.parser.parse("South Korean and South Sudanese officials met Sri Lankan envoys.")
    assert [(m.mention.text, m.place.country) for m in found] == [
        ("South Korean", "KR"), ("South Sudanese", "SS"), ("Sri Lankan", "LK")]
    assert _names(recognizer, "Cases rose in the South American country of Chile.", roles=("demonym", "literal")) \
        == ["Chile"]
    # counter-examples: a direction before another country's demonym places something in it; a country's name of
    # three words is the name, not a demonym and a word
    assert _names(recognizer, "Floods hit the northern Indian states of Bihar and Assam.", roles=("demonym",)) == [
        "Indian"]
    found = recognizer.recognize("Benin, Cape Verde, Central African Republic and Gambia joined.")
    assert "Central African Republic" in [m.text for m in found]


def test_names_of_a_list_before_a_plural_area_word(recognizer) -> None:  # type: ignore[no-untyped-def]
    """"the Kharkiv, Poltava and Dnipropetrovsk regions": three regions, not three cities."""
    found = recognizer.parser.parse("Eleven drones were shot down over the Kharkiv, Poltava and Dnipropetrovsk "
                                    "regions, the air force said.")
    assert [(m.mention.text, m.place.kind, m.place.country) for m in found] == [
        ("Kharkiv", "admin1", "UA"), ("Poltava", "admin1", "UA"), ("Dnipropetrovsk", "admin1", "UA")]
    # counter-example: a name outside the list keeps its own reading ("Kharkiv" the city, written alone)
    found = recognizer.parser.parse("A missile hit Kharkiv, and power was cut in the Sumy and Poltava regions.")
    assert [(m.mention.text, m.place.kind) for m in found] == [
        ("Kharkiv", "populated_place"), ("Sumy", "admin1"), ("Poltava", "admin1")]


def test_the_name_of_a_street_is_no_place(recognizer) -> None:  # type: ignore[no-untyped-def]
    """"Cook Street" (Cook, Minnesota) and "Clay-Kiser Road" (Clay, Kentucky) are streets of the town the text is
    about."""
    assert _names(recognizer, "The shooting happened near 11th Street and Cook Street in Springfield, Ill.") == [
        "Springfield", "Ill"]
    assert _names(recognizer, "The blaze began on Clay-Kiser Road, north of Paris, Ky.") == ["Paris", "Ky"]
    # counter-example: a county, and a town before a comma, stay places
    assert _names(recognizer, "He lives in Cook County, near Clay, Kentucky.") == ["Cook County", "Clay", "Kentucky"]


def test_the_name_of_a_ship_is_no_place(recognizer) -> None:  # type: ignore[no-untyped-def]
    """"The Marlin Luanda, a Marshall Islands-flagged tanker" is a ship, not Marlin (Texas)."""
    assert _names(recognizer, "The Marlin Luanda, a Marshall Islands-flagged tanker, was hit southeast of Aden.") \
        == ["Marshall Islands", "Aden"]
    assert _names(recognizer, "Missiles struck the tanker Marlin Luanda in the Gulf of Aden.") == ["Gulf of Aden"]
    # counter-example: a port in apposition is a place
    assert _names(recognizer, "The ship docked at Haifa, an Israeli port, on Monday.") == ["Haifa"]


def test_a_given_name_that_is_a_country_s_opens_a_person_s_name(recognizer) -> None:  # type: ignore[no-untyped-def]
    """"Jordan Peterson", "Paris Hilton", "Chad Smith": persons, even though Jordan, Paris and Chad are a country, a
    capital and a country; the surname is no place afterwards either ("Smith" in Rome)."""
    assert _names(recognizer, "Paris Hilton and Jordan Peterson attended the gala.") == []
    assert _names(recognizer, "Italy's premier met Chad Smith in Rome.") == ["Italy", "Rome"]
    # counter-examples: a name the gazetteer knows whole, a title after the country, the country alone
    assert _names(recognizer, "Tourists flocked to Victoria Falls on Monday.") == ["Victoria Falls"]
    assert _names(recognizer, "Jordan King Abdullah met the delegation.") == ["Jordan"]
    assert _names(recognizer, "Israel Katz said Israel would respond.") == ["Israel"]


def test_the_generic_word_of_a_longer_name_is_no_place(recognizer) -> None:  # type: ignore[no-untyped-def]
    """"the Jordan Valley": no "Valley" (The Valley, Anguilla); "Madison Square Garden": no "Garden"."""
    assert _names(recognizer, "Settlers attacked a village in the Jordan Valley on Monday.") == ["Jordan"]
    assert "Garden" not in _names(recognizer, "Madison Square Garden hosted the event.")
    # counter-example: the feature known whole
    assert _names(recognizer, "Tourists flocked to Victoria Falls on Monday.") == ["Victoria Falls"]


def test_demonyms_always_emitted(recognizer) -> None:  # type: ignore[no-untyped-def]
    found = [(m.text, m.role, m.countries) for m in recognizer.recognize("Turkish soldiers and Syrians fled.")]
    assert found == [("Turkish", "demonym", ("TR",)), ("Syrians", "demonym", ("SY",))]


def test_border_phrases(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = "at least 30,000 people were massed on Turkey’s land border with Greece"
    mentions = recognizer.recognize(text)
    assert [m.text for m in mentions if m.recognizer != "border"] == ["Turkey", "Greece"]
    border = [m for m in mentions if m.recognizer == "border"]
    assert [(m.text, m.countries) for m in border] == [("Turkey’s land border with Greece", ("TR", "GR"))]
    # the other side of "the Turkish border" comes from the document
    text = "More than a million Syrians are streaming towards the Turkish border."
    assert [m.countries for m in recognizer.recognize(text) if m.recognizer == "border"] == [("TR", "SY")]
    # counter-example: "border police" is about police, and a border with no second country is not a line
    assert [m for m in recognizer.recognize("Greek border police fired tear gas.") if m.recognizer == "border"] == []



def test_the_other_side_of_a_border_counts_the_places_named(recognizer) -> None:  # type: ignore[no-untyped-def]
    # no country but Egypt's neighbours Israel and Sudan is named; the towns are in Palestine
    text = ("Israeli strikes hit Khan Younis and Jabalia, as fighting spread to Rafah near the Egyptian border. "
            "In Sudan, the army lost Wad Madani and El Fasher.")
    borders = [m.countries for m in recognizer.recognize(text) if m.recognizer == "border"]
    assert borders == [("EG", "PS")]
    # counter-example: the country named most, not the nearest ("his borders with Greece, Bulgaria" are Turkey's)
    text = ("Turkey said it would no longer stop migrants. Erdogan has threatened to open his borders with Greece, "
            "Bulgaria, and thus Europe. Turkish officials in Ankara and Istanbul agreed.")
    assert [m.countries for m in recognizer.recognize(text) if m.recognizer == "border"][:1] == [("GR", "TR")]


def test_unknown_names_marked_by_phrases(recognizer) -> None:  # type: ignore[no-untyped-def]
    found = recognizer.recognize("Shelling hit the village of Kfar Zibdah overnight.")
    assert [(m.text, m.recognizer) for m in found] == [("Kfar Zibdah", "cue")]
    # counter-example: an unknown capitalised name with no place phrase is not guessed to be a place
    assert recognizer.recognize("Zibdahwe Quorkle visited them.") == []


def test_a_plural_place_word_before_a_list_cues_each_name(geoparser) -> None:  # type: ignore[no-untyped-def]
    """"the towns of Nabatieh and Bint Jbeil" are towns (Nabatieh was its governorate); "the provinces of Idlib,
    Hama and Aleppo" are provinces (all three were the cities)."""
    text = ("Israeli jets struck the towns of Nabatieh and Bint Jbeil. Floods hit the provinces of Idlib, Hama and "
            "Aleppo.")
    kinds = {m.mention.text: m.place.kind for m in geoparser.parse(text)}
    assert kinds == {"Israeli": "country", "Nabatieh": "populated_place", "Bint Jbeil": "populated_place",
                     "Idlib": "admin1", "Hama": "admin1", "Aleppo": "admin1"}


def test_weather_words_open_sentences(recognizer) -> None:  # type: ignore[no-untyped-def]
    """"Tsunami waves reached …" is no Tsuha (Japan, whose alternate name is Tsunami)."""
    assert _names(recognizer, "Tsunami waves of up to 1.2 metres reached the coast of Toyama.") == ["Toyama"]


def test_names_inside_feature_fire_and_road_names(recognizer) -> None:  # type: ignore[no-untyped-def]
    """"the Texas Hill Country" has no Hill (New Hampshire), "the Eaton fire" no Eaton (a fire's name), "the Pacific
    Coast Highway" no Pacific Ocean (a road's name)."""
    text = ("Floods swept the Texas Hill Country. The Eaton fire burned near Pasadena, and the Palisades fire spread "
            "toward Malibu along the Pacific Coast Highway.")
    assert _names(recognizer, text) == ["Texas", "Pasadena", "Malibu"]
    # counter-examples: the sea named alone stays, and a road named after its province lies in it
    assert _names(recognizer, "The fire spread toward the Pacific near Malibu.") == ["Pacific", "Malibu"]
    assert _names(recognizer, "He was stopped on Ontario Provincial Highway 11 near Huntsville.")[:1] == ["Ontario"]
    # a loose spelling that opens such a name is no place: "Little Village" (a Chicago neighbourhood) is no Lytle
    assert _names(recognizer, "In Little Village, a man was wounded in a shooting in Chicago.") == ["Chicago"]


def test_headline_capitals_say_nothing(recognizer) -> None:  # type: ignore[no-untyped-def]
    text = "Putin Refuses To Negotiate With Erdogan And Attacks Turkish Forces In Syria\n\nBody text."
    assert _names(recognizer, text) == ["Syria"]


def test_a_site_known_only_with_its_generic_word(recognizer) -> None:  # type: ignore[no-untyped-def]
    # "Tishrin" alone is no place the gazetteer knows; "Tishrin Dam" is, so "the Tishrin dam" is a mention
    found = [m for m in recognizer.recognize("Fighters shelled the area near the Tishrin dam on Friday.")]
    assert [(m.text, m.cue) for m in found] == [("Tishrin", "dam")]
    # counter-example: an unknown name before "dam" or "highway" is not taken for a place
    assert _names(recognizer, "Engineers inspected the Blorvik dam and the Kowalski highway.") == []
