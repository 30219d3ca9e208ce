"""Lookups on the real embedded gazetteer: ambiguity, spellings, generic terms, filters, ranking."""

from __future__ import annotations

import pytest

from gazetteer import Gazetteer, GazetteerError
from gazetteer.model import KINDS

pytestmark = pytest.mark.slow


def top(gaz: Gazetteer, name: str, **kw: object) -> tuple:
    c = gaz.lookup(name, **kw)[0]
    return c.place.id, c.place.name, c.place.kind, c.place.country


def ids(gaz: Gazetteer, name: str, **kw: object) -> list[str]:
    return [c.place.id for c in gaz.lookup(name, **kw)]


def test_paris_france_first_and_paris_texas_by_country(full_gazetteer: Gazetteer) -> None:
    assert top(full_gazetteer, "Paris")[3] == "FR"
    place = full_gazetteer.lookup("Paris", country="US")[0].place
    assert (place.country, place.admin1) == ("US", "Texas")
    assert full_gazetteer.lookup("Paris", country="United States")[0].place.id == place.id
    assert full_gazetteer.lookup("Paris", near=(33.6, -95.5))[0].place.id == place.id


def test_georgia_country_and_us_state(full_gazetteer: Gazetteer) -> None:
    found = full_gazetteer.lookup("Georgia", limit=5)
    kinds = {(c.place.kind, c.place.country) for c in found}
    assert ("country", "GE") in kinds and ("admin1", "US") in kinds
    assert full_gazetteer.lookup("Georgia", kinds=["admin1"])[0].place.country == "US"
    assert full_gazetteer.lookup("Georgia", near="Atlanta")[0].place.country == "US"


def test_the_two_ayvacik(full_gazetteer: Gazetteer) -> None:
    found = full_gazetteer.lookup("Ayvacik", country="TR")
    admin1s = {c.place.admin1 for c in found if c.place.name == "Ayvacık"}
    assert {"Çanakkale", "Samsun"} <= admin1s
    near_canakkale = full_gazetteer.lookup("Ayvacık", near="Canakkale")[0].place
    assert near_canakkale.admin1 == "Çanakkale" and near_canakkale.geonameid == 322692
    near_samsun = full_gazetteer.lookup("Ayvacik", near=(41.29, 36.33))[0].place
    assert near_samsun.admin1 == "Samsun" and near_samsun.geonameid == 751427


def test_the_two_al_qahtaniyah(full_gazetteer: Gazetteer) -> None:
    found = full_gazetteer.lookup("Al-Qahtaniyah", country="SY")
    admin1s = {c.place.admin1 for c in found}
    assert any("Hasakah" in (a or "") for a in admin1s) and "Quneitra" in admin1s
    near_golan = full_gazetteer.lookup("Al-Qahtaniyah", near="Quneitra")[0].place
    assert near_golan.admin1 == "Quneitra" and near_golan.lat < 33.5
    near_qamishli = full_gazetteer.lookup("Al-Qahtaniyah", near="Qamishli")[0].place
    assert "Hasakah" in near_qamishli.admin1 and near_qamishli.lat > 36.5


@pytest.mark.parametrize("spelling", ["Saraqeb", "Saraqib", "Sarāqib", "saraqeb", "SARAQEB"])
def test_saraqib_spellings(full_gazetteer: Gazetteer, spelling: str) -> None:
    assert full_gazetteer.lookup(spelling)[0].place.geonameid == 164816


@pytest.mark.parametrize("spelling, lat, lon", [
    ("Nayrab", 35.85, 36.75), ("Nairab", 35.85, 36.75), ("Qaminas", 35.86, 36.68), ("Al-Bara", 35.68, 36.54),
    ("Maarat al-Numan", 35.65, 36.68), ("Ma'arrat al-Nu'man", 35.65, 36.68), ("Ma‘arrat an Nu‘mān", 35.65, 36.68),
    ("Edirne", 41.68, 26.56), ("Khan Sheikhoun", 35.44, 36.65), ("Jisr al-Shughur", 35.81, 36.32),
    ("Ras al-Ain", 36.85, 40.07), ("Serekaniye", 36.85, 40.07),
    ("Qamishli", 37.05, 41.23),  # "Al Qāmishlī" written without its article, not Kamyshlov (Russia)
])
def test_levant_spellings_resolve_in_place(full_gazetteer: Gazetteer, spelling: str, lat: float, lon: float) -> None:
    place = full_gazetteer.lookup(spelling)[0].place
    assert place.lat == pytest.approx(lat, abs=0.1) and place.lon == pytest.approx(lon, abs=0.1), place


def test_generic_terms(full_gazetteer: Gazetteer) -> None:
    assert top(full_gazetteer, "Idlib province")[2:] == ("admin1", "SY")
    assert top(full_gazetteer, "Idlib governorate")[2:] == ("admin1", "SY")
    assert top(full_gazetteer, "Aleppo province")[2:] == ("admin1", "SY")
    assert top(full_gazetteer, "the town of Saraqeb")[0] == "geonames:164816"
    road = full_gazetteer.lookup("the M5 highway")[0]
    assert road.place.kind == "road" and road.place.geometry_json()["type"] == "LineString"
    assert road.place.approximate
    golan = full_gazetteer.lookup("the Golan Heights")[0].place
    assert golan.kind == "region" and 32.5 < golan.lat < 33.5 and 35.5 < golan.lon < 36.0


def test_seas_islands_borders_crossings(full_gazetteer: Gazetteer) -> None:
    assert top(full_gazetteer, "Aegean Sea")[2] == "sea"
    assert top(full_gazetteer, "the Mediterranean")[2] == "sea"
    assert top(full_gazetteer, "Lesbos")[2:] == ("island", "GR")
    border = full_gazetteer.lookup("Turkish-Syrian border")[0].place
    assert border.kind == "border" and border.geometry_json()["type"] in ("LineString", "MultiLineString")
    assert full_gazetteer.lookup("Bab al-Hawa")[0].place.kind == "crossing"
    assert full_gazetteer.lookup("Pazarkule")[0].place.kind == "crossing"


@pytest.mark.parametrize("abbr, country, kind", [("U.S.", "US", "country"), ("US", "US", "country"),
                                                 ("UK", "GB", "country"), ("Calif.", "US", "admin1"),
                                                 ("N.Y.", "US", "admin1")])
def test_abbreviations(full_gazetteer: Gazetteer, abbr: str, country: str, kind: str) -> None:
    place = full_gazetteer.lookup(abbr)[0].place
    assert (place.country, place.kind) == (country, kind)


def test_fuzzy_is_bounded_and_never_beats_exact(full_gazetteer: Gazetteer) -> None:
    fuzzy = full_gazetteer.lookup("Idlbi")
    assert fuzzy and all(c.match.type == "fuzzy" for c in fuzzy)
    assert "geonames:169389" in [c.place.id for c in fuzzy[:3]]
    exact = full_gazetteer.lookup("Idlib")
    assert all(c.match.type != "fuzzy" for c in exact)
    assert full_gazetteer.lookup("Xqzvbnmwrt") == []


@pytest.mark.parametrize("misspelt, name, country", [
    ("Gaziatep", "Gaziantep", "TR"),  # a consonant dropped
    ("Sanliufa", "Şanlıurfa", "TR"),
    ("Gaziatnep", "Gaziantep", "TR"),  # two consonants swapped
    ("Eskisheir", "Eskişehir", "TR"),
    ("Aleppgo", "Aleppo", "SY"),  # a consonant added
])
def test_fuzzy_finds_a_consonant_dropped_added_or_swapped(full_gazetteer: Gazetteer, misspelt: str, name: str,
                                                          country: str) -> None:
    found = full_gazetteer.lookup(misspelt, limit=3)
    assert found and found[0].match.type == "fuzzy"
    assert (found[0].place.name, found[0].place.country) == (name, country)


@pytest.mark.parametrize("misspelt, name, country", [
    ("Lasning", "Lansing", "US"),  # not the province of Liaoning
    ("Santa Telca", "Santa Tecla", "SV"),  # not Saint Lucia
    ("Hripur", "Haripur", "PK"),  # not Raipur, a bigger city
])
def test_among_fuzzy_matches_the_closer_spelling_outranks_prominence(full_gazetteer: Gazetteer, misspelt: str,
                                                                     name: str, country: str) -> None:
    found = full_gazetteer.lookup(misspelt, limit=3)
    assert (found[0].place.name, found[0].place.country, found[0].match.type) == (name, country, "fuzzy")


def test_fuzzy_matches_have_about_as_many_letters(full_gazetteer: Gazetteer) -> None:
    """"Forth" shares the skeleton of "Fort Hood" less one consonant and is 0.8 similar, but three letters short."""
    assert "Forth" not in [c.place.name for c in full_gazetteer.lookup("Fort Hood")]
    assert "Queens" not in [c.place.name for c in full_gazetteer.lookup("Queen Anne's County")]
    assert full_gazetteer.lookup("Gaziantepp")[0].place.name == "Gaziantep"  # one letter more is a slip


@pytest.mark.parametrize("written, name, country", [
    ("St. Marc", "Saint-Marc", "HT"), ("Mt. Hermon", "Mount Hermon", None), ("Ft Lauderdale", "Fort Lauderdale", "US"),
])
def test_abbreviations_that_open_a_name(full_gazetteer: Gazetteer, written: str, name: str, country: str) -> None:
    found = full_gazetteer.lookup(written, limit=1)
    assert (found[0].place.name, found[0].place.country) == (name, country)
    assert found[0].match.type != "fuzzy"


@pytest.mark.parametrize("written, country", [("Syria's", "SY"), ("Turkey’s", "TR"), ("the Philippines'", "PH")])
def test_a_possessive_names_its_owner(full_gazetteer: Gazetteer, written: str, country: str) -> None:
    found = full_gazetteer.lookup(written, limit=1)
    assert (found[0].place.kind, found[0].place.country) == ("country", country)
    assert found[0].match.type != "fuzzy" and found[0].match.score < 1.0  # a shortened form, scaled down


def test_a_name_that_ends_in_a_possessive_is_matched_whole_first(full_gazetteer: Gazetteer) -> None:
    found = full_gazetteer.lookup("St. John's", limit=1)[0]
    assert (found.place.country, found.match.type) == ("CA", "exact")


def test_an_english_the_inside_a_name_may_be_dropped(full_gazetteer: Gazetteer) -> None:
    found = full_gazetteer.lookup("Democratic Republic of Congo")[0]
    assert (found.place.country, found.place.kind, found.match.type) == ("CD", "country", "normalized")
    assert found.match.score >= 0.95  # as good as a spelling variant, not a loose transliteration
    assert full_gazetteer.lookup("Republic of Congo")[0].place.country == "CG"


def test_a_name_a_prominent_place_bears_outranks_an_old_alternate_of_another(full_gazetteer: Gazetteer) -> None:
    victoria = full_gazetteer.lookup("Victoria", limit=10)
    assert victoria[0].match.type == "exact" and victoria[0].place.name == "Victoria"
    assert ("admin1", "AU") in {(c.place.kind, c.place.country) for c in victoria[:3]}
    hong_kong = next(c for c in victoria if c.place.name == "Hong Kong")  # still a candidate, further down
    assert hong_kong.match.type == "alternate"
    st_louis = full_gazetteer.lookup("St. Louis")[0]
    assert (st_louis.place.country, st_louis.place.admin1, st_louis.match.type) == ("US", "Missouri", "exact")
    assert full_gazetteer.lookup("Sydney")[0].place.country == "AU"
    franklin = full_gazetteer.lookup("Franklin")[0]  # not Columbus, Ohio (once Franklinton)
    assert (franklin.place.name, franklin.match.type) == ("Franklin", "exact")


def test_an_exonym_no_prominent_place_bears_keeps_its_weight(full_gazetteer: Gazetteer) -> None:
    cologne = full_gazetteer.lookup("Cologne")[0]  # Köln, not the villages called Cologne in the US, Italy, France
    assert (cologne.place.country, cologne.match.type) == ("DE", "alternate")
    assert top(full_gazetteer, "Mexico")[2:] == ("country", "MX")
    assert top(full_gazetteer, "Bombay")[1:] == ("Mumbai", "populated_place", "IN")
    # an exonym in many languages' spellings outweighs the small towns named after the city
    assert top(full_gazetteer, "Calcutta")[1:] == ("Kolkata", "populated_place", "IN")
    assert top(full_gazetteer, "Mecca")[2:] == ("populated_place", "SA")


def test_a_county_name_is_the_county_before_the_state_of_its_core_name(full_gazetteer: Gazetteer) -> None:
    county = full_gazetteer.lookup("Washington County")[0].place
    assert (county.kind, county.country, county.id.split(":")[0]) == ("admin2", "US", "uscounty")
    assert full_gazetteer.lookup("Washington", kinds=["admin1"])[0].place.kind == "admin1"
    parish = full_gazetteer.lookup("Saint Bernard Parish")[0].place  # "St. Bernard Parish" in the package
    assert (parish.kind, parish.admin1) == ("admin2", "Louisiana")
    # counter-example: "Mexico City" still names the city, not the country of its core name
    assert top(full_gazetteer, "Mexico City")[1:] == ("Mexico City", "populated_place", "MX")


@pytest.mark.parametrize("english, native, country", [
    ("West Java", "Jawa Barat", "ID"), ("Central Java", "Jawa Tengah", "ID"), ("North Sumatra", "Sumatera Utara", "ID"),
    ("East Nusa Tenggara", "Nusa Tenggara Timur", "ID"), ("North Kivu", "Nord-Kivu", "CD"),
    ("South Kivu", "Sud-Kivu", "CD"),
])
def test_divisions_by_the_english_names_news_gives_them(full_gazetteer: Gazetteer, english: str, native: str,
                                                         country: str) -> None:
    found = full_gazetteer.lookup(english)[0].place
    assert (found.name, found.kind, found.country) == (native, "admin1", country)


def test_mexican_states_by_their_short_names(full_gazetteer: Gazetteer) -> None:
    assert top(full_gazetteer, "Michoacan")[1:] == ("Michoacán de Ocampo", "admin1", "MX")  # not a village of 574
    assert top(full_gazetteer, "State of Mexico")[1:] == ("Estado de México", "admin1", "MX")
    # a state and the port it is named after: both stay near the top, for context to decide
    assert {(c.place.kind, c.place.country) for c in full_gazetteer.lookup("Veracruz", limit=2)} == {
        ("admin1", "MX"), ("populated_place", "MX")}


def test_a_compass_word_alone_does_not_make_a_province(full_gazetteer: Gazetteer) -> None:
    # counter-example: the island is not one of its provinces
    assert full_gazetteer.lookup("Java")[0].place.name == "Jawa"


def test_match_records_say_how(full_gazetteer: Gazetteer) -> None:
    assert full_gazetteer.lookup("Saraqib")[0].match.type == "exact"
    assert full_gazetteer.lookup("Ayvacik", country="TR")[0].match.type in ("normalized", "alternate")


def test_admin1_names_link_towns_to_regions(full_gazetteer: Gazetteer) -> None:
    assert full_gazetteer.lookup("Saraqib")[0].place.admin1 == "Idlib"
    assert full_gazetteer.lookup("Edirne", kinds=["populated_place"])[0].place.admin1 == "Edirne"
    assert full_gazetteer.lookup("Sacramento")[0].place.admin1 == "California"


def test_a_regions_seat_may_share_an_alternate_name_with_it(full_gazetteer: Gazetteer) -> None:
    # the region is "Odeska", also called Odesa: the city Odesa is its seat, and the bare name is the city
    odesa = full_gazetteer.lookup("Odessa")[0].place
    assert (odesa.kind, odesa.country, odesa.feature_code, odesa.admin1) == ("populated_place", "UA", "PPLA",
                                                                             "Odeska")
    assert full_gazetteer.lookup("Mykolaiv")[0].place.kind == "populated_place"
    # a town that is not named like its region does not become its seat
    assert full_gazetteer.lookup("Kryvyi Rih", kinds=["populated_place"])[0].place.feature_code == "PPL"


def test_capitals_outrank_namesakes(full_gazetteer: Gazetteer) -> None:
    assert top(full_gazetteer, "Damascus")[3] == "SY"
    assert top(full_gazetteer, "Athens")[3] == "GR"
    assert full_gazetteer.lookup("Ankara", kinds=["populated_place"])[0].place.feature_code == "PPLC"


def test_filters_and_bad_values(full_gazetteer: Gazetteer) -> None:
    assert all(c.place.kind == "country" for c in full_gazetteer.lookup("Turkey", kinds=["country"]))
    assert full_gazetteer.lookup("Turkey", limit=1)[0].place.kind == "country"
    assert full_gazetteer.lookup("") == []
    with pytest.raises(GazetteerError, match="unknown kind"):
        full_gazetteer.lookup("Idlib", kinds=["town"])
    with pytest.raises(GazetteerError, match="unknown country"):
        full_gazetteer.lookup("Idlib", country="Narnia Republic")
    with pytest.raises(GazetteerError, match="out of range"):
        full_gazetteer.lookup("Idlib", near="95,10")


def test_demonyms(full_gazetteer: Gazetteer) -> None:
    assert [p.country for p in full_gazetteer.demonym("Turkish")] == ["TR"]
    assert [p.country for p in full_gazetteer.demonym("Syrians")] == ["SY"]
    # a demonym several countries share: the most prominent first (countryinfo lists the Northern Mariana Islands'
    # people as "American" too, and Dominica's as "Dominican")
    assert full_gazetteer.demonym("American")[0].country == "US"
    assert full_gazetteer.demonym("Dominican")[0].country == "DO"
    # the plural of a demonym in -i, and every row of the demonyms pack, lands on its country
    assert [p.country for p in full_gazetteer.demonym("Iraqis")] == ["IQ"]
    import csv
    from importlib import resources

    with resources.files("gazetteer").joinpath("packs", "demonyms.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 30
    for row in rows:
        found = full_gazetteer.demonym(row["alias"])
        assert found and found[0].country == row["country"] and found[0].name == row["target"], row


def test_countries_have_borders_and_points_on_them(full_gazetteer: Gazetteer) -> None:
    from shapely.geometry import Point, shape

    for name in ("Syria", "Turkey", "Greece", "Chile", "Norway"):
        place = full_gazetteer.lookup(name, kinds=["country"])[0].place
        geom = shape(place.geometry_json())
        assert geom.buffer(0.1).contains(Point(place.lon, place.lat)), name


@pytest.mark.parametrize(("name", "kind", "town", "km"), [
    # a lake, reservoir or dam of the world pack, and a GeoNames town on its shore or beside it
    ("Lake Van", "sea", "Van", 60), ("Lake Tiberias", "sea", "Tiberias", 15), ("Lake Geneva", "sea", "Lausanne", 15),
    ("Lake Erie", "sea", "Cleveland", 100), ("Tabqa Dam", "site", "Al-Tabqa", 10), ("Mosul Dam", "site", "Mosul", 60),
])
def test_lakes_and_dams_lie_by_their_towns(full_gazetteer: Gazetteer, name: str, kind: str, town: str,
                                           km: float) -> None:
    from gazetteer.rank import distance_km

    place = full_gazetteer.lookup(name)[0].place
    near = full_gazetteer.lookup(town, kinds=["populated_place"])[0].place
    assert place.kind == kind and distance_km(place.lat, place.lon, near.lat, near.lon) < km


def test_sites_by_their_generic_words(full_gazetteer: Gazetteer) -> None:
    plant = full_gazetteer.lookup("Zaporizhzhia nuclear power plant")[0].place
    assert (plant.kind, plant.country) == ("site", "UA")
    assert full_gazetteer.lookup("Mosul dam")[0].place.kind == "site"
    # counter-example: a town's name with a generic word the gazetteer does not know as one name is still the town
    assert full_gazetteer.lookup("Hama dam")[0].place.kind == "populated_place"


@pytest.mark.parametrize(("name", "country"), [("Zaire", "CD"), ("Ceylon", "LK"), ("Persia", "IR"),
                                             ("Upper Volta", "BF")])
def test_former_names_of_countries(full_gazetteer: Gazetteer, name: str, country: str) -> None:
    place = full_gazetteer.lookup(name)[0].place
    assert (place.kind, place.country) == ("country", country)


def test_short_names_written_without_their_article(full_gazetteer: Gazetteer) -> None:
    # Short keys need the same spelling, but "Faw" is "Al Faw" without its article.
    place = full_gazetteer.lookup("Faw")[0].place
    assert place.country == "IQ" and place.lat == pytest.approx(29.98, abs=0.1)
    assert all(c.place.country != "WS" for c in full_gazetteer.lookup("US"))


def test_an_arabic_article_assimilated_or_not_is_one_spelling(full_gazetteer: Gazetteer) -> None:
    """News writes "Jisr al-Shughur" for GeoNames' "Jisr ash Shughūr": the article's assimilation is a spelling,
    not another name, so the match is a normalized one, as good as a diacritic."""
    best = full_gazetteer.lookup("Jisr al-Shughur")[0]
    assert best.place.country == "SY" and best.match.type == "normalized" and best.match.score >= 0.95
    # counter-example: an article where the name has none is still only a loose match
    best = full_gazetteer.lookup("Tall al-Abyad")[0]
    assert best.match.score < 0.95


def test_the_one_pass_lookup_agrees_with_the_general_one(full_gazetteer: Gazetteer) -> None:
    """A lookup with no filter takes a one-pass path (:func:`gazetteer.matching.plain_matches`); with every kind
    allowed it takes the general one. Both give the same candidates, scores and matches, on names of the index
    (every tenth row, in all their forms: case, diacritics, "the", several words) and on names news writes."""
    import sqlite3

    with sqlite3.connect(full_gazetteer.index_path) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM places WHERE pid % 97 = 0")]
    names += ["Saraqeb", "Ayvacik", "the Golan Heights", "The Hague", "US", "UK", "Faw", "Bluff", "idlib", "IDLIB",
              "Jisr al-Shughur", "Maarat al-Numan", "HAJ", "New York", "St. Louis"]
    assert len(names) > 1000
    kinds = sorted(KINDS)
    for name in names:
        for limit in (10, 1):
            plain = full_gazetteer.lookup(name, limit=limit)
            general = full_gazetteer.lookup(name, limit=limit, kinds=kinds)
            assert [(c.place, c.match, c.score) for c in plain] == [(c.place, c.match, c.score) for c in general], name
