"""Resolution with document context: containment, focus, metonyms, abstention, overrides, gold-name mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazetteer.rank import distance_km
from geo.errors import OverrideError, UnsupportedLanguageError
from geo.geoparse import Geoparser
from geo.overrides import Overrides


def _place(parser: Geoparser, text: str, name: str):  # type: ignore[no-untyped-def]
    return next(m for m in parser.parse(text) if m.mention.text == name)


def test_containment_is_decisive(geoparser) -> None:  # type: ignore[no-untyped-def]
    found = _place(geoparser, "Another group arrived at the coast of Ayvacik in Canakkale, western Turkey.", "Ayvacik")
    assert (found.place.admin1, found.resolution.method) == ("Çanakkale", "containment")
    # counter-example: without the container the name alone is ambiguous (two Ayvacık, Çanakkale and Samsun)
    alone = _place(geoparser, "Another group arrived at the coast of Ayvacik.", "Ayvacik")
    assert alone.resolution.confidence < found.resolution.confidence


def test_a_place_the_text_puts_in_another_stands_in_when_no_reading_lies_there(geoparser) -> None:  # type: ignore[no-untyped-def]
    """"the Mayo district of Khartoum": the gazetteer knows no Mayo in Sudan (County Mayo is in Ireland); the
    district is somewhere in Khartoum, which stands in for it (method "partial")."""
    mayo = _place(geoparser, "Shells hit a market in the Mayo district of southern Khartoum, the Sudan Doctors' "
                             "Union said.", "Mayo")
    assert (mayo.place.name, mayo.place.country, mayo.resolution.method) == ("Khartoum", "SD", "partial")
    stroud = _place(geoparser, "The car was pulled over on Highway 11 in Stroud, Ontario, on Friday.", "Stroud")
    assert (stroud.place.kind, stroud.place.country, stroud.resolution.method) == ("admin1", "CA", "partial")
    # counter-examples: a country is not put in a town ("deter Russia in Idlib"), and a reading inside the
    # container is chosen as before
    russia = _place(geoparser, "Turkey asked for air-defence missiles to deter Russia in Idlib.", "Russia")
    assert (russia.place.kind, russia.place.country) == ("country", "RU")
    ayvacik = _place(geoparser, "Another group arrived at the coast of Ayvacik in Canakkale.", "Ayvacik")
    assert (ayvacik.place.admin1, ayvacik.resolution.method) == ("Çanakkale", "containment")
    # a part many cities have: "the Old City of Aleppo" is in Aleppo (the Old City the gazetteer knows is
    # Jerusalem's, which stays the answer there)
    old_city = _place(geoparser, "Shelling destroyed homes in the Old City of Aleppo on Tuesday.", "Old City")
    assert (old_city.place.name, old_city.place.country, old_city.resolution.method) == ("Aleppo", "SY", "partial")
    jerusalem = _place(geoparser, "Crowds gathered in Jerusalem's Old City for prayers.", "Old City")
    assert distance_km(jerusalem.place.lat, jerusalem.place.lon, 31.7767, 35.2345) < 5
    # a mention the document does not back is not kept by its stand-in ("Plaza" of "Santiago's Plaza Italia")
    found = geoparser.parse("Police fired tear gas at protesters in Santiago's Plaza Italia, Chile's capital.")
    assert [m.mention.text for m in found] == ["Santiago", "Chile"]


def test_congo_is_the_congo_the_text_is_about(geoparser) -> None:  # type: ignore[no-untyped-def]
    east = _place(geoparser, "Troops clashed with rebels near Goma, the capital of North Kivu province in eastern "
                             "Congo.", "Congo")
    assert (east.place.kind, east.place.country) == ("country", "CD")
    west = _place(geoparser, "Flooding hit Brazzaville and Pointe-Noire in Congo.", "Congo")
    assert (west.place.kind, west.place.country) == ("country", "CG")


def test_a_valley_is_the_division_named_like_it(geoparser) -> None:  # type: ignore[no-untyped-def]
    """"the Bekaa Valley": the gazetteer has no valley, but the Beqaa governorate (a loose spelling) is the region;
    a river's name is not read as a town's ("the Shabelle river" stays unresolved)."""
    found = _place(geoparser, "Israeli jets struck targets in the Bekaa Valley on Monday.", "Bekaa")
    assert (found.place.country, found.place.kind) == ("LB", "admin1")
    assert _place(geoparser, "Floods hit villages along the Shabelle river.", "Shabelle").place is None


def test_a_feature_no_one_knows_is_no_look_alike_of_another_kind(geoparser) -> None:  # type: ignore[no-untyped-def]
    """No river Shabelle and no district Hodan are known: a town spelt like them far away (Sabile, Latvia; Houdan,
    France) is no answer; the river stays unresolved, the district is somewhere in Mogadishu."""
    river = _place(geoparser, "Floods displaced thousands in Beledweyne, on the Shabelle river in central Somalia.",
                   "Shabelle")
    assert (river.place, river.resolution.method) == (None, "abstain")
    district = _place(geoparser, "A car bomb exploded in Mogadishu's Hodan district on Saturday.", "Hodan")
    assert (district.place.name, district.resolution.method) == ("Mogadishu", "partial")  # not Houdan: the city
    # counter-examples: a feature of the kind asked for, and a town asked for by its own name
    euphrates = _place(geoparser, "Heavy fighting was reported near the Euphrates river east of Raqqa.", "Euphrates")
    assert euphrates.place.kind == "river"
    saraqeb = _place(geoparser, "Troops entered the town of Saraqeb on Monday.", "Saraqeb")
    assert (saraqeb.place.country, saraqeb.place.kind) == ("SY", "populated_place")


def test_us_counties_resolve_to_the_county_of_the_state_named(geoparser) -> None:  # type: ignore[no-untyped-def]
    text = "Health officials confirmed a case in Scott County, Indiana, and another in Queen Anne's County."
    scott = _place(geoparser, text, "Scott County")
    assert (scott.place.kind, scott.place.admin1, scott.place.id) == ("admin2", "Indiana", "uscounty:18143")
    queen_annes = _place(geoparser, text, "Queen Anne's County")
    assert (queen_annes.place.kind, queen_annes.place.admin1) == ("admin2", "Maryland")
    # counter-example: the same name in another state's county, when that state is named
    other = _place(geoparser, "Flooding closed roads in Scott County, Iowa.", "Scott County")
    assert (other.place.admin1, other.place.id) == ("Iowa", "uscounty:19163")


def test_a_container_is_the_reading_that_holds_what_is_named_in_it(geoparser) -> None:  # type: ignore[no-untyped-def]
    text = ("Samples from Medan, Indonesia, and from Bangkok, Thailand, were flown to a laboratory in Atlanta, "
            "Georgia.")
    georgia = _place(geoparser, text, "Georgia")
    assert (georgia.place.kind, georgia.place.country) == ("admin1", "US")
    # counter-example: the country, when it is the one that holds the town
    tbilisi = _place(geoparser, "Protesters gathered in Tbilisi, Georgia.", "Georgia")
    assert (tbilisi.place.kind, tbilisi.place.country) == ("country", "GE")


def test_an_ocean_named_alone_is_the_ocean_in_any_country_s_news(geoparser) -> None:  # type: ignore[no-untyped-def]
    text = "Officials in Virginia said geese that winter in Alaska cross the Pacific each spring."
    pacific = _place(geoparser, text, "Pacific")
    assert (pacific.place.kind, pacific.place.country) == ("sea", None)
    # counter-example: a town of that name, when the text says where it is
    town = _place(geoparser, "The fair opened in Pacific, Missouri, on Friday.", "Pacific")
    assert (town.place.kind, town.place.admin1) == ("populated_place", "Missouri")


def test_a_capital_named_alone_is_the_capital_in_news_from_elsewhere(geoparser) -> None:  # type: ignore[no-untyped-def]
    text = "Scientists at the laboratory on Plum Island, NY, said the samples were sent to the agency in Rome."
    rome = _place(geoparser, text, "Rome")
    assert (rome.place.country, rome.place.feature_code) == ("IT", "PPLC")
    # counter-examples: a namesake the text places, or one next to the places the text names
    georgia = _place(geoparser, "The plant in Rome, Georgia, closed on Friday.", "Rome")
    assert (georgia.place.country, georgia.place.admin1) == ("US", "Georgia")
    utica = _place(geoparser, "Officials in Syracuse and Utica, New York, said the report came from Rome.", "Rome")
    assert (utica.place.country, utica.place.admin1) == ("US", "New York")


def test_the_core_of_an_unknown_name_before_a_look_alike(geoparser) -> None:  # type: ignore[no-untyped-def]
    def gold(text: str, name: str):  # type: ignore[no-untyped-def]  # a span given, as in gold-name mode
        start = text.index(name)
        return geoparser.resolve_spans(text, [(start, start + len(name))])[0].resolution

    mumbai = gold("Cases rose across Greater Mumbai this week.", "Greater Mumbai")
    assert (mumbai.place.name, mumbai.place.country, mumbai.method) == ("Mumbai", "IN", "partial")
    # counter-example: a misspelt name with no core to fall back on keeps its fuzzy candidates (and, with no
    # context to back one, abstains)
    gaziantep = gold("Refugees reached Gaziatep on Monday.", "Gaziatep")
    assert gaziantep.alternatives[0].place.name == "Gaziantep"


def test_near_a_city(geoparser) -> None:  # type: ignore[no-untyped-def]
    found = _place(geoparser, "the attack, thought to have hit Qaminas, near Idlib city.", "Qaminas")
    assert found.resolution.method == "containment"
    assert distance_km(found.place.lat, found.place.lon, 35.93, 36.63) < 15


def test_a_list_of_countries_is_not_apposition(geoparser) -> None:  # type: ignore[no-untyped-def]
    found = _place(geoparser, "similar cases were found in Russia, Romania, and Macedonia.", "Russia")
    assert found.place.kind == "country" and found.place.country == "RU"


def test_document_focus_picks_the_nearby_namesake(geoparser) -> None:  # type: ignore[no-untyped-def]
    text = ("The Israeli Air Force attacked the Syrian army from the Golan Heights, injuring three soldiers in "
            "Al-Qahtaniyah and the Al-Quneitra administrative center.")
    found = _place(geoparser, text, "Al-Qahtaniyah")
    assert found.place.admin1 == "Quneitra"
    # counter-example: beside Qamishli the same name is the Hasakah town
    other = _place(geoparser, "Kurdish fighters left Qamishli and Al-Qahtaniyah on Sunday.", "Al-Qahtaniyah")
    assert other.place.admin1 != "Quneitra"


def test_a_division_named_among_its_siblings_is_the_division(geoparser) -> None:  # type: ignore[no-untyped-def]
    """Towns called California (in Missouri) and Oregon (in Ohio) sit inside divisions the text names, but in a list
    of states the names are states; a town named as its own province (Idlib city) keeps its reading."""
    text = "Health officials confirmed new cases in Missouri, Ohio, California, Oregon and Pennsylvania on Tuesday."
    for name in ("California", "Oregon", "Missouri"):
        found = _place(geoparser, text, name)
        assert (found.place.kind, found.place.country, found.place.name) == ("admin1", "US", name)
    text = "The outbreak spread from Idlib to Aleppo and Hama provinces, while Latakia reported no cases."
    assert _place(geoparser, text, "Idlib").place.kind == "populated_place"
    # so does a town whose division this name may also be (the oblast "Odeska" is also called Odessa)
    text = "Missiles hit Odessa overnight. Fighting went on in the Donetsk region and in Russia's Belgorod region."
    assert _place(geoparser, text, "Odessa").place.kind == "populated_place"


def test_a_name_written_after_the_is_a_region_before_a_province(geoparser) -> None:  # type: ignore[no-untyped-def]
    """English names regions, seas and rivers with "the": "the Sahel" is the region, not Burkina Faso's province of
    that name, even in a text about Burkina Faso."""
    text = "Violence spread from the Sahel to Benin after attacks in Burkina Faso."
    assert _place(geoparser, text, "Sahel").place.kind == "region"
    # counter-example: named as the province (its generic word, the country), it stays the province
    text = "Gunmen attacked Djibo in Burkina Faso's Sahel region; later Sahel saw more attacks."
    assert (_place(geoparser, text, "Sahel").place.kind, _place(geoparser, text, "Sahel").place.country) == (
        "admin1", "BF")


def test_the_province_or_state_of_with_words_between(geoparser) -> None:  # type: ignore[no-untyped-def]
    text = "Gunmen killed 12 people at a bar in the central state of Guanajuato late on Saturday."
    found = _place(geoparser, text, "Guanajuato").place
    assert (found.kind, found.country) == ("admin1", "MX")
    # counter-examples: the city where no such phrase stands, and "State" inside an organisation's name
    assert _place(geoparser, "Gunmen killed 12 people at a bar in Guanajuato.", "Guanajuato").place.kind == \
        "populated_place"
    iraq = _place(geoparser, "Fighters of the Islamic State of Iraq attacked Mosul.", "Iraq")
    assert iraq.place is None or iraq.place.kind == "country"


def test_names_of_a_list_are_of_a_kind(geoparser) -> None:  # type: ignore[no-untyped-def]
    """In a list of states, Washington and Georgia are states (not the capital, not the country), and "Oregon, Ohio"
    inside the list is two items, not a town in Ohio; a two-name apposition still places a town in its state."""
    text = "Farms in Iowa, Nebraska, Washington, Oregon, Ohio and Georgia were placed under quarantine."
    for name in ("Washington", "Georgia", "Oregon"):
        found = _place(geoparser, text, name)
        assert (found.place.kind, found.place.country, found.place.name) == ("admin1", "US", name), name
    town = _place(geoparser, "The family lives in Oregon, Ohio, near Toledo.", "Oregon")
    assert (town.place.kind, town.place.admin1) == ("populated_place", "Ohio")


def test_prominence_wins_without_context(geoparser) -> None:  # type: ignore[no-untyped-def]
    found = _place(geoparser, "The minister travelled to Paris on Monday.", "Paris")
    assert found.place.country == "FR"
    texan = _place(geoparser, "Storms hit Dallas and Paris, Texas, on Monday.", "Paris")
    assert texan.place.country == "US" and texan.resolution.method == "containment"


def test_a_loose_spelling_of_a_capital_does_not_outrank_the_name_s_own_bearers(geoparser) -> None:  # type: ignore[no-untyped-def]
    """"Beni" is the name of a town in DR Congo and a department of Bolivia; Vienna's alternate name "Bienne" is
    only a loose transliteration of it, and Vienna's prominence alone does not make it the answer."""
    found = _place(geoparser, "Fighting was reported in Beni on Monday.", "Beni")
    assert found.place.name == "Beni" and found.place.country in ("CD", "BO")
    congo = _place(geoparser, "Fighting was reported in Beni, near Butembo, in North Kivu.", "Beni")
    assert (congo.place.country, congo.place.kind) == ("CD", "populated_place")
    # counter-example: with no bearer of the name itself, the loose spelling of a big town stands
    assert _place(geoparser, "Fighting continued in Hodeidah on Monday.", "Hodeidah").place.country == "YE"


def test_a_bare_name_is_the_town_before_the_division_named_after_it(geoparser) -> None:  # type: ignore[no-untyped-def]
    """GeoNames gives Rafah, Nablus and Gaza no first-level division, and their governorates bear the same names;
    written bare, the name is the town, as Kherson and Idlib are."""
    for text, name in (("Israeli air strikes hit Rafah overnight, medics said.", "Rafah"),
                       ("Troops raided a refugee camp in Nablus on Monday.", "Nablus"),
                       ("Russian shelling hit Kherson on Sunday.", "Kherson")):
        found = _place(geoparser, text, name)
        assert found.place.kind == "populated_place", (name, found.place)
    # GeoNames puts Ménaka in Gao, the region it was in before the Ménaka region was made around it
    assert _place(geoparser, "Gunmen attacked a military post near Menaka on Saturday.", "Menaka").place.kind == \
        "populated_place"
    # GeoNames calls the city Chattogram, with "Chittagong" as an alternate name: still the division's namesake
    found = _place(geoparser, "Protesters clashed with police across Bangladesh. In Dhaka, protesters set fire to "
                              "a police station. Police fired tear gas at demonstrators in Chittagong, Rangpur and "
                              "Sylhet.", "Chittagong")
    assert (found.place.country, found.place.kind) == ("BD", "populated_place")
    # a city of a million people even more so; a town far from it said to lie in the name makes it the state
    assert _place(geoparser, "Flu cases rose at a school in Queens, New York.", "New York").place.kind == \
        "populated_place"
    assert _place(geoparser, "Flu cases rose at a school in Buffalo, New York.", "New York").place.kind == "admin1"
    # counter-example: the division's word asks for the division
    found = _place(geoparser, "Gunmen kidnapped 20 students in Kaduna state.", "Kaduna")
    assert (found.place.country, found.place.kind) == ("NG", "admin1")
    found = _place(geoparser, "Floods hit the Chittagong division.", "Chittagong")
    assert (found.place.country, found.place.kind) == ("BD", "admin1")


def test_a_small_town_of_a_country_the_text_never_names_is_abstained(geoparser) -> None:  # type: ignore[no-untyped-def]
    """In a text about Queensland, "Davis" (a grower's name after "Jan") would be Davis, California: a small town of
    a country no other name of the text is in, with nothing for it, is abstained, not drawn in California."""
    text = ("Cyclone Yasi flattened banana farms around Tully and Innisfail in Queensland, Australia. Jan Davis, of "
            "fruit growers' group Growcom, said the industry needs rebuilding.")
    found = _place(geoparser, text, "Davis")
    assert found.place is None and found.resolution.method == "abstain"
    assert _place(geoparser, text, "Tully").place.country == "AU"
    # counter-example: the text puts the town in its country
    found = _place(geoparser, "Floods hit Cairns, Townsville and Mackay in Queensland, and Davis in California.",
                   "Davis")
    assert found.place.country == "US"


def test_a_division_of_a_small_territory_is_no_answer_abroad(geoparser) -> None:  # type: ignore[no-untyped-def]
    """"Middle" is a sheading of the Isle of Man (84,000 people): in a text about Somalia it is no answer (nor is a
    division of a country of under three million people, Equatorial Guinea's "Litoral" in a text about Ecuador); the
    region's common spelling ("Middle Shabelle") is a name of Middle Shebelle."""
    text = ("Government forces fought al-Shabaab near Jowhar in Middle Shabelle and in Hiran. Mogadishu was calm. "
            "Troops moved into Middle on Monday.")
    assert _place(geoparser, text, "Middle Shabelle").place.country == "SO"
    found = _place(geoparser, text, "Middle")
    assert found.place is None and found.resolution.method == "abstain"
    # counter-example: in a text about the Isle of Man the sheading stands
    text = "Floods hit Douglas and Ramsey on the Isle of Man, and farms in Michael and Glenfaba."
    assert _place(geoparser, text, "Glenfaba").place.country == "IM"
    # "Litoral" is a province of Equatorial Guinea (1.7 million people): no answer in a text about Ecuador
    text = ("Riots broke out in six prisons across Ecuador. Police said eight people were killed in Guayaquil. In "
            "Riobamba, 39 inmates escaped. Soldiers regained control of the Litoral penitentiary on Friday.")
    found = _place(geoparser, text, "Litoral")
    assert found.place is None and found.resolution.method == "abstain"
    # counter-example: with the country named, the province stands
    text = "Floods hit Bata, the largest city of Litoral province in Equatorial Guinea."
    assert _place(geoparser, text, "Litoral").place.country == "GQ"


def test_a_dateline_names_a_town(geoparser) -> None:  # type: ignore[no-untyped-def]
    """"MARRAKECH, Morocco (Reuters) -": a dateline is a town's, not the region named after it; the bare name
    elsewhere in the text is that town too (one sense per text)."""
    text = ("MARRAKECH, Morocco (Reuters) - The death toll rose on Saturday. Most deaths were in Al Haouz "
            "province, south of Marrakech.")
    assert [m.place.kind for m in geoparser.parse(text) if m.mention.text.lower() == "marrakech"] == \
        ["populated_place", "populated_place"]
    # counter-example: with no dateline nor town's cue, the bare name is the division
    found = _place(geoparser, "Most deaths were in Al Haouz province, south of Marrakech.", "Marrakech")
    assert found.place.kind == "admin1"


def test_a_town_s_cue_reads_the_bare_name_as_the_town(geoparser) -> None:  # type: ignore[no-untyped-def]
    """"Libya's Derna" in a headline, "the eastern Libyan city of Derna" in the text: both are the city (Darnah),
    not the district named after it."""
    text = ("Floods sweep through Libya's Derna\n\nFloods swept away neighbourhoods in the eastern Libyan city of "
            "Derna, officials said.")
    assert {m.place.name for m in geoparser.parse(text) if m.mention.text == "Derna"} == {"Darnah"}
    # counter-example: a text that names the district as such keeps the bare name's own reading
    text = "Floods sweep through Libya's Derna\n\nFloods hit the Derna district, officials said."
    assert _place(geoparser, text, "Derna").place.kind == "admin1"


def test_a_small_town_of_a_division_the_text_never_names_is_abstained(geoparser) -> None:  # type: ignore[no-untyped-def]
    """In a text about Kerr County, Texas, "near Hunt" (Hunt, Texas is not in the gazetteer) was McFarland,
    California (an alternate name): a small town of a first-level division the text never names, far from every
    place the text settles, is abstained; the dateline "KERRVILLE, Texas" is the town."""
    text = ("KERRVILLE, Texas (Reuters) - Flash floods killed at least 24 people in Kerr County, officials said, and "
            "girls were missing from a summer camp near Hunt. Rescuers reached Ingram and Comfort.")
    found = {m.mention.text: m for m in geoparser.parse(text)}
    assert found["Hunt"].place is None and found["Hunt"].resolution.method == "abstain"
    assert (found["KERRVILLE"].place.name, found["KERRVILLE"].place.admin1) == ("Kerrville", "Texas")
    # counter-example: a town near a place the text settles stays, whatever its division
    text = ("KERRVILLE, Texas (Reuters) - Flash floods killed at least 24 people in Kerr County. Residents fled to "
            "Kerrville and Fredericksburg.")
    assert _place(geoparser, text, "Fredericksburg").place.admin1 == "Texas"


def test_british_rivers_towns_and_lists(geoparser) -> None:  # type: ignore[no-untyped-def]
    """"along the River Trent" asks for a river (it was Trento, Italy); "between Edinburgh and Aberdeen", with
    Angus named, is the city (the council area of its name had won: British towns have no division in the
    gazetteer); "in Yorkshire, Nottinghamshire and …" is a list, not Yorkshire somewhere in Nottinghamshire."""
    text = ("In Brechin, in Angus, homes were evacuated. Rail services were suspended between Edinburgh and Aberdeen, "
            "and warnings remained in Yorkshire, Nottinghamshire and along the River Trent.")
    found = {m.mention.text: m for m in geoparser.parse(text)}
    assert found["Trent"].place is None and found["Trent"].mention.cue == "river"
    assert found["Aberdeen"].place.kind == "populated_place"
    assert found["Yorkshire"].place is None
    # counter-examples: a town and its county stay a containment, a river known by its name stays
    text = "A man died in Chesterfield, Derbyshire, and the River Evros flooded fields near Edirne."
    found = {m.mention.text: m for m in geoparser.parse(text)}
    assert found["Chesterfield"].resolution.method == "containment"
    assert found["Evros"].place.kind == "river"


def test_a_partial_reading_abroad_does_not_stand_in(geoparser) -> None:  # type: ignore[no-untyped-def]
    """Gold-name mode: "West Midlands" (not in the gazetteer) has only its core "Midlands" (a province of
    Zimbabwe) to stand in; in a text about England that is no answer."""
    text = ("Ten people have died of the disease in the West Midlands, officials in Birmingham, Coventry and London "
            "said, as England braces for more cases.")
    names = ("West Midlands", "Birmingham", "Coventry", "London", "England")
    spans = [(text.index(name), text.index(name) + len(name)) for name in names]
    midlands = geoparser.resolve_spans(text, spans)[0]
    assert midlands.place is None and midlands.resolution.method == "abstain"
    # counter-example: in a text about Zimbabwe the core stands in
    text = "Ten people have died in the West Midlands, officials in Harare, Gweru and Bulawayo said, in Zimbabwe."
    names = ("West Midlands", "Harare", "Gweru", "Bulawayo", "Zimbabwe")
    spans = [(text.index(name), text.index(name) + len(name)) for name in names]
    midlands = geoparser.resolve_spans(text, spans)[0]
    assert midlands.place.country == "ZW" and midlands.resolution.method == "partial"


def test_a_capital_by_its_own_name_before_the_country_by_an_alternate(geoparser) -> None:  # type: ignore[no-untyped-def]
    """"Tunis" is also an alternate name of Tunisia; the capital bears it as its own name."""
    assert _place(geoparser, "Protests were reported in Tunis on Monday.", "Tunis").place.feature_code == "PPLC"
    # counter-examples: the country by its own name, and a country whose capital has a longer name
    assert _place(geoparser, "Protests were reported in Tunisia on Monday.", "Tunisia").place.kind == "country"
    assert _place(geoparser, "Kuwait said it would send aid.", "Kuwait").place.kind == "country"


def test_the_same_name_in_two_phrases_is_no_context_for_itself(geoparser) -> None:  # type: ignore[no-untyped-def]
    """"the provinces of Nyanza" and "in Nyanza" are one name: its reading in Rwanda (a town; Kenya's former
    province is not in the gazetteer) does not become likelier because the other phrase reads it there too."""
    text = ("Cholera cases have been reported in the provinces of Nyanza and Rift Valley, Kenya's health ministry "
            "said. Officials in Kisumu, Homa Bay, Migori and Nairobi said health services in Nyanza were overwhelmed.")
    for item in geoparser.parse(text):
        if item.mention.text == "Nyanza":
            assert item.place is None or item.place.country == "KE"
    # counter-example: the states of a list before a plural area word are the states
    found = _place(geoparser, "Floods hit the Northern Indian states of Bihar and Uttar Pradesh.", "Bihar")
    assert (found.place.kind, found.place.country) == ("admin1", "IN")


def test_metonym_prefers_the_capital(geoparser) -> None:  # type: ignore[no-untyped-def]
    found = _place(geoparser, "Washington has refused the requests in the past.", "Washington")
    assert found.mention.role == "metonym" and found.place.feature_code == "PPLC"


def test_confidence_and_alternatives(geoparser) -> None:  # type: ignore[no-untyped-def]
    found = _place(geoparser, "Turkey has asked the US for help in Georgia.", "Georgia")
    assert 0.0 <= found.resolution.confidence <= 1.0
    assert found.resolution.alternatives and len(found.resolution.alternatives) <= 3
    record = found.to_dict()
    assert {"id", "geonameid", "name", "kind", "lat", "lon", "geometry", "confidence", "method",
            "alternatives"} <= set(record)


def test_gold_mode_keeps_every_span_and_abstains_when_unknown(geoparser) -> None:  # type: ignore[no-untyped-def]
    text = "Cases rose in Xqzvwj and in Idlib."
    resolved = geoparser.resolve_spans(text, [(14, 20), (28, 33)])
    assert [m.mention.text for m in resolved] == ["Xqzvwj", "Idlib"]
    assert resolved[0].place is None and resolved[0].resolution.method == "abstain"
    assert resolved[1].place is not None and resolved[1].place.country == "SY"


def test_one_failing_name_does_not_drop_the_document(geoparser, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    original = geoparser.resolver.candidates

    def flaky(name, **kw):  # type: ignore[no-untyped-def]
        if name == "Saraqeb":
            raise RuntimeError("boom")
        return original(name, **kw)

    monkeypatch.setattr(geoparser.resolver, "candidates", flaky)
    geoparser.resolver._cache.clear()
    found = geoparser.resolve_spans("Fighting in Saraqeb and Idlib.", [(12, 19), (24, 29)])
    assert found[0].place is None and found[1].place is not None


def test_non_english_text_is_reported(geoparser) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnsupportedLanguageError, match="'fr'"):
        geoparser.parse("La Turquie a lancé une opération militaire dans le nord de la Syrie, selon le ministère.")


def test_overrides_survive_reprocessing(full_gazetteer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rules = tmp_path / "overrides.csv"
    rules.write_text("article,start,end,name,place_id,note\n"
                     "a1,,,Moria,pack:levant:moria,the Lesbos village\n"
                     "*,,,Idlib,csc:state:2940,we mean the governorate\n"
                     "a1,0,5,,none,not a place here\n", encoding="utf-8")
    parser = Geoparser(full_gazetteer, overrides=Overrides.from_file(rules))
    text = "Moria camp burned; Idlib was shelled and Moria was evacuated."
    for _ in range(2):  # the same result on every run
        found = {(m.mention.start, m.mention.text): m for m in parser.parse(text, article="a1")}
        assert (0, "Moria") not in found  # dropped by the span rule
        moria = found[(41, "Moria")]
        assert (moria.place.id, moria.resolution.method, moria.resolution.confidence) == \
            ("pack:levant:moria", "override", 1.0)
        assert found[(19, "Idlib")].place.kind == "admin1"


@pytest.mark.parametrize(("content", "problem"), [
    ("name,place_id\nX,geonames:1\n", "missing column"),
    ("article,start,end,name,place_id\na,1,,X,geonames:1\n", "line 2"),
    ("article,start,end,name,place_id\na,,,,geonames:1\n", "give a span"),
])
def test_bad_overrides_files_are_named(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(OverrideError, match=problem) as info:
        Overrides.from_file(path)
    assert "bad.csv" in str(info.value)


class _Entity:
    def __init__(self, text: str, start: int, label: str) -> None:
        self.text, self.start_char, self.end_char, self.label_ = text, start, start + len(text), label


class _Doc:
    def __init__(self, ents: list[_Entity]) -> None:
        self.ents = ents


def test_spacy_entities_are_merged_and_vetted(geoparser) -> None:  # type: ignore[no-untyped-def]
    """The merge logic with a pipeline object in spaCy's shape (spaCy itself is an optional extra)."""
    from geo.nlp import merge_entities

    text = "President Erdogan visited Kfar Zibdah and Idlib on Monday."
    rule = geoparser.recognizer.recognize(text)
    ents = [_Entity("Erdogan", 10, "GPE"), _Entity("Kfar Zibdah", 26, "GPE"), _Entity("Idlib", 42, "GPE"),
            _Entity("Monday", 51, "DATE")]
    merged = merge_entities(geoparser.recognizer, text, rule, nlp=lambda _: _Doc(ents))
    found = {m.text: m.recognizer for m in merged}
    assert found == {"Kfar Zibdah": "spacy", "Idlib": "gazetteer+spacy"}  # the person stays out


def test_namesakes_tied_beyond_the_limit_stay_candidates(geoparser) -> None:  # type: ignore[no-untyped-def]
    """Sixteen US counties are called Wayne County and rank alike; Ohio's came twelfth, beyond the ten candidates
    kept, so a text about Ohio could only pick another state's (and a loose "Amish" for Ames, Iowa, with it)."""
    text = ("The Ohio Department of Health confirmed a case of measles in Holmes County, mostly in Amish communities. "
            "Wayne and Knox counties have set up vaccination clinics. In Wooster, the hospital had extra doses.")
    found = _place(geoparser, text, "Wayne")
    assert (found.place.kind, found.place.admin1) == ("admin2", "Ohio")
    assert _place(geoparser, text, "Amish").place is None
    # counter-example: in a text about Michigan, Michigan's
    text = "Flooding closed roads in Wayne and Oakland counties near Detroit, Michigan."
    assert _place(geoparser, text, "Wayne").place.admin1 == "Michigan"


def test_a_division_named_by_a_common_noun_is_no_answer_abroad(geoparser) -> None:  # type: ignore[no-untyped-def]
    """Nigeria's Rivers state, Chad's Lac: in a text about another country such a word names something else
    ("the Northern Rivers" of New South Wales, "the Lac Vert camp" near Goma)."""
    text = ("Residents of Lismore were evacuated as the Wilsons River rose. Crews rescued people in Woodburn and "
            "Coraki, in New South Wales. More rain was forecast for the Northern Rivers on Thursday.")
    found = _place(geoparser, text, "Rivers")
    assert found.place is None and found.resolution.method == "abstain"
    text = ("Bombs struck camps on the outskirts of Goma, in North Kivu, on Friday. The shells landed in the Lac "
            "Vert camp west of the city, Congo's army said.")
    assert [m.place for m in geoparser.parse(text) if m.mention.text == "Lac"] in ([], [None])
    # counter-example: named with its country, the state stands
    text = "Gunmen attacked an oil facility near Port Harcourt in Rivers state, Nigeria."
    assert _place(geoparser, text, "Rivers").place.country == "NG"


def test_places_of_the_world_pack(geoparser) -> None:  # type: ignore[no-untyped-def]
    """Beirut's southern suburbs and Somalia's federal member states, which the embedded data lacks: "Dahiyeh" was
    Ed Dahī in Israel."""
    text = ("An Israeli air strike hit Beirut's southern suburbs on Tuesday. The strike hit a building in Dahiyeh, "
            "witnesses said.")
    assert _place(geoparser, text, "Dahiyeh").place.country == "LB"
    text = "Al Shabaab attacked a hotel in Kismayo, the president of the Jubaland region said. Puntland was calm."
    assert {_place(geoparser, text, name).place.kind for name in ("Jubaland", "Puntland")} == {"region"}
    # river deltas are regions of their own, not the river ("the Nile Delta" was the Nile's point in Upper Egypt)
    text = "The health ministry in Cairo sent teams to the Nile Delta to test water supplies."
    assert _place(geoparser, text, "Nile Delta").place.kind == "region"
    # an alias of a town (the aliases pack): the city, not the governorate of its name
    text = "Israeli air strikes killed 17 people in a school in Deir al-Balah in the Gaza Strip."
    assert _place(geoparser, text, "Deir al-Balah").place.kind == "populated_place"
    text = "Islamist insurgents attacked the town of Palma in Mozambique's northern Cabo Delgado province."
    assert _place(geoparser, text, "Palma").place.country == "MZ"
    # counter-example: bare, Palma is still Palma de Mallorca
    assert _place(geoparser, "Flights to Palma were delayed on Monday.", "Palma").place.country == "ES"


def test_a_division_that_opens_an_unknown_name_needs_the_text_s_backing(geoparser) -> None:  # type: ignore[no-untyped-def]
    """"the Ain Zara district" of Tripoli is no Ain (France), "Kentucky Fried Chicken outlets" no Kentucky: a
    one-word division that opens a longer capitalised name is kept only when the text backs it."""
    text = ("Heavy clashes broke out in the Libyan capital Tripoli overnight. The fighting centred on the Ain Zara and "
            "Souq al-Jumaa districts.")
    assert "Ain" not in {m.mention.text for m in geoparser.parse(text)}
    text = "The 29 Australian Sizzler restaurants and 107 Kentucky Fried Chicken outlets in Sydney were closed."
    assert "Kentucky" not in {m.mention.text for m in geoparser.parse(text)}
    # counter-example: the division alone, or before a word that is no part of a name, stays
    text = "Floods hit Kentucky and Tennessee on Monday; Kentucky Governor Andy Beshear declared an emergency."
    assert [m.place.name for m in geoparser.parse(text) if m.mention.text == "Kentucky"] == ["Kentucky", "Kentucky"]
