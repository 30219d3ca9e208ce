"""The seeds end to end against the hand annotation in tests/fixtures/seed_places.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gazetteer.normalize import fold
from gazetteer.rank import distance_km

ROOT = Path(__file__).resolve().parent.parent
ANNOTATION = json.loads((ROOT / "tests" / "fixtures" / "seed_places.json").read_text(encoding="utf-8"))
SEEDS = {p.name[:3]: p for p in sorted((ROOT / "seeds").glob("0*.txt"))}


@pytest.fixture(scope="module")
def parsed(geoparser):  # type: ignore[no-untyped-def]
    return {key: (path.read_text(encoding="utf-8"), geoparser.parse(path.read_text(encoding="utf-8")))
            for key, path in SEEDS.items()}


def _cases(section: str) -> list[tuple[str, dict]]:
    return [(seed, case) for case in ANNOTATION[section] for seed in case["seeds"]]


@pytest.mark.parametrize(("seed", "case"), _cases("places"), ids=lambda v: v if isinstance(v, str) else v["text"])
def test_every_annotated_place_is_found_and_resolved(parsed, seed, case) -> None:  # type: ignore[no-untyped-def]
    text, mentions = parsed[seed]
    found = [m for m in mentions if m.mention.text == case["text"] and m.mention.role in ("literal", "metonym")
             and m.mention.recognizer != "border"]
    assert found, f"{case['text']} not recognised in seed {seed}"
    for item in found:
        place = item.place
        assert place is not None, f"{case['text']} abstained in seed {seed}"
        assert text[item.mention.start:item.mention.end] == case["text"]
        if "country" in case:
            assert place.country == case["country"], (case["text"], place)
        if "admin1" in case:
            assert fold(place.admin1 or "") == case["admin1"], (case["text"], place)
        if "kind" in case:
            assert place.kind == case["kind"], (case["text"], place)
        if "geometry" in case:
            assert (place.geometry_json() or {}).get("type") == case["geometry"]
        if "near" in case:
            km = distance_km(case["near"][0], case["near"][1], place.lat, place.lon)
            assert km <= case["km"], f"{case['text']} in seed {seed} placed {km:.0f} km away ({place})"


@pytest.mark.parametrize(("seed", "case"), _cases("demonyms"), ids=lambda v: v if isinstance(v, str) else v["text"])
def test_demonyms_are_emitted_and_resolved_to_the_country(parsed, seed, case) -> None:  # type: ignore[no-untyped-def]
    _, mentions = parsed[seed]
    found = [m for m in mentions if m.mention.text == case["text"]]
    assert found and all(m.mention.role == "demonym" and m.place is not None and m.place.country == case["country"]
                         and m.place.kind == "country" for m in found)


@pytest.mark.parametrize(("seed", "case"), _cases("borders"), ids=lambda v: v if isinstance(v, str) else v["text"])
def test_border_phrases_are_border_lines(parsed, seed, case) -> None:  # type: ignore[no-untyped-def]
    _, mentions = parsed[seed]
    found = [m for m in mentions if m.mention.text == case["text"] and m.mention.cue == "border"]
    assert found, f"no border for {case['text']!r}"
    place = found[0].place
    assert place is not None and place.kind == "border"
    assert (place.geometry_json() or {}).get("type") in ("LineString", "MultiLineString")
    assert sorted(json.loads(place.provenance or "{}").get("countries") or case["countries"]) == case["countries"]


def test_no_person_outlet_or_agency_is_a_place(parsed) -> None:  # type: ignore[no-untyped-def]
    banned = {fold(n) for n in ANNOTATION["not_places"]}
    wrong = [(seed, m.mention.text) for seed, (_, mentions) in parsed.items() for m in mentions
             if m.mention.role in ("literal", "metonym") and fold(m.mention.text) in banned]
    assert wrong == []


def test_spans_are_exact_code_point_offsets(parsed) -> None:  # type: ignore[no-untyped-def]
    for text, mentions in parsed.values():
        for m in mentions:
            assert text[m.mention.start:m.mention.end] == m.mention.text
            assert m.mention.phrase_start <= m.mention.start and m.mention.end <= m.mention.phrase_end


def test_metonyms_of_capitals(parsed) -> None:  # type: ignore[no-untyped-def]
    text, mentions = parsed["003"]
    washington = [m for m in mentions if m.mention.text == "Washington"]
    assert [m.mention.role for m in washington] == ["metonym"]  # "Washington has refused"
    assert washington[0].place is not None and washington[0].place.feature_code == "PPLC"


def test_embedded_names_are_not_places_of_the_text(parsed) -> None:  # type: ignore[no-untyped-def]
    text, mentions = parsed["004"]
    embedded = {m.mention.text for m in mentions if m.mention.role == "embedded"}
    assert {"Russia", "New York"} <= embedded  # "Russia 24", "The New York Times"
