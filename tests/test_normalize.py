"""Spelling folds: the ways news writes Levantine and Turkish names fold to the same key."""

from __future__ import annotations

import pytest

from gazetteer.normalize import fold, loose, skeleton, split_generic

SAME_LOOSE = [
    ("Ayvacik", "Ayvacık"),
    ("Saraqeb", "Sarāqib"),
    ("Saraqib", "Saraqeb"),
    ("Nairab", "An Nayrab"),
    ("Nayrab", "al-Nayrab"),
    ("Sheikhoun", "Shaykhun"),
    ("Khan Sheikhoun", "Khān Shaykhūn"),
    ("Ma'arrat al-Numan", "Ma‘arrat an Nu‘mān"),
    ("Maarat al-Numan", "Ma‘arrat an-Nu‘man"),
    ("Al-Bara", "Bārah"),
    ("el-Bara", "Al Bara"),
    ("Ash Shaykh", "ash-Shaykh"),
    ("Qaminas", "Kaminas"),
    ("Kafr Nabudah", "Kafrnabouda"),
    ("Jisr al-Shughur", "Jisr ash Shughur"),
    ("Al-Qahtaniyah", "Al Qaḩţānīyah"),
    ("Tell Rifaat", "Tall Rif‘at"),
    ("Cilvegozu", "Cilvegözü"),
    ("Çanakkale", "Canakkale"),
]


@pytest.mark.parametrize(("a", "b"), SAME_LOOSE)
def test_news_spellings_share_the_loose_key(a: str, b: str) -> None:
    assert loose(a) == loose(b)


@pytest.mark.parametrize(("a", "b"), [("Nairobi", "Nairab"), ("Idlib", "Aleppo"), ("Homs", "Hama"),
                                      ("Bara", "Barra Mansa")])
def test_different_places_keep_different_keys(a: str, b: str) -> None:
    assert loose(a) != loose(b)


@pytest.mark.parametrize(("raw", "folded"), [
    ("U.S.", "us"), ("U.K.", "uk"), ("Calif.", "calif"), ("Ma‘arrat", "maarrat"), ("Ma'arrat", "maarrat"),
    ("Deir ez-Zor", "deir ez zor"), ("İstanbul", "istanbul"), ("  Idlib\u00a0 province ", "idlib province"),
])
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_is_idempotent_and_never_empty_for_letters() -> None:
    for a, _ in SAME_LOOSE:
        assert fold(fold(a)) == fold(a)
        assert loose(a)
        assert skeleton(a)


@pytest.mark.parametrize(("query", "core", "kinds"), [
    ("Idlib province", "Idlib", ("admin1",)),
    ("Idlib Governorate", "Idlib", ("admin1",)),
    ("the M5 highway", "M5", ("road",)),
    ("M4 motorway", "M4", ("road",)),
    ("the town of Saraqeb", "Saraqeb", ("populated_place",)),
    ("the Golan Heights", "Golan Heights", ()),
    ("Aegean Sea", "Aegean", ("sea",)),
    ("Bab al-Hawa border crossing", "Bab al-Hawa", ("crossing",)),
    ("Edirne", "Edirne", ()),
    ("Aegean ſea", "Aegean", ("sea",)),  # the long s: the pattern matches it case-insensitively, so must the table
    ("Idlib PROVİNCE", "Idlib PROVİNCE", ()),  # matched by Unicode case rules, no spelling of the table: no term
    # an adjective of nationality may stand between "the" and the area's word; "State" of a name is no state
    ("the central Mexican state of Guanajuato", "Guanajuato", ("admin1",)),
    ("the municipality of Argelia", "Argelia", ("admin2", "populated_place")),
    ("the Islamic State of Iraq", "Islamic State of Iraq", ()),
    ("the Bekaa Valley", "Bekaa", ("region",)),
    ("the Chittagong division", "Chittagong", ("admin1", "admin2")),
    ("Fukushima Prefecture", "Fukushima", ("admin1", "admin2")),
])
def test_split_generic(query: str, core: str, kinds: tuple[str, ...]) -> None:
    got_core, _, got_kinds = split_generic(query)
    assert (got_core, got_kinds) == (core, kinds)


def _loose_by_the_table(folded: str) -> str:
    """The loose key as the rewrite table specifies it, applied step by step (what loose_from_fold unrolls)."""
    from gazetteer import normalize as n

    words = folded.split(" ")
    if len(words) > 1:
        kept = [w for i, w in enumerate(words) if not (w in n.ARTICLES and i < len(words) - 1)]
        text = "".join(n._drop_final_h(n._WORD_FOLDS.get(w, w)) for w in (kept or words))
    else:
        text = n._drop_final_h(folded)
    for old, new in n._LOOSE_REPLACE:
        text = text.replace(old, new)
    return n._DOUBLED.sub(r"\1", n._W_BEFORE_CONSONANT.sub("u", text))


def test_the_unrolled_loose_key_follows_the_rewrite_table() -> None:
    """Every one- to three-word sequence of the seed articles, plus spellings chosen for each rewrite."""
    import re
    from pathlib import Path

    from gazetteer.normalize import loose_from_fold

    words = [w for path in sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
             for w in re.findall(r"[\w'‘’-]+", path.read_text(encoding="utf-8"))]
    names = {" ".join(words[i:i + k]) for k in (1, 2, 3) for i in range(len(words) - k + 1)}
    names |= {a for pair in SAME_LOOSE for a in pair} | {
        "Qeshm", "Dayr", "Djerba", "Dickson", "Ghouta", "Philadelphia", "Sheikh", "Khreibeh", "Ouweis",
        "Awwad", "Ar Raqqah", "al", "the", "Allah", "Dawwah", "Birkh", "Oweih el Hah"}
    folded = {fold(name) for name in names} - {""}
    assert len(folded) > 5_000
    assert [f for f in folded if loose_from_fold(f) != _loose_by_the_table(f)] == []
