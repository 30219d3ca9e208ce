"""Reading articles: HTML pages, JSON and JSON Lines, encodings, bad files, globs, directories and bylines.

Every rule is shown on a real-looking page or sentence, with a counter-example next to it.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import logging
import random
import shutil
import tracemalloc
from pathlib import Path

import pytest

from geo.articles import MAX_BYTES, Article, article_from_text, read_articles
from geo.htmltext import html_to_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "003_9540e75d7a9aa565.txt"

PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Turkish soldiers killed in Idlib | Middle East News | The Daily Wire Desk</title>
  <meta property="og:title" content="33 Turkish soldiers killed in Syrian air raid in Idlib">
  <meta property="og:site_name" content="The Daily Wire Desk">
  <meta property="og:url" content="https://news.example/og/turkey-idlib">
  <meta property="article:published_time" content="2020-02-28T07:41:00+03:00">
  <link rel="canonical" href="https://news.example/2020/2/28/turkey-idlib">
  <link rel="stylesheet" href="/static/site.css">
  <style>.cookie-banner { position: fixed; } p { margin: 0 }</style>
  <script>window.dataLayer = window.dataLayer || []; dataLayer.push({"page": "article"});</script>
  <script type="application/ld+json">
  {"@context": "https://schema.org", "@type": "NewsArticle",
   "headline": "33 Turkish soldiers killed", "datePublished": "2020-02-28T04:41:00Z",
   "publisher": {"@type": "Organization", "name": "Daily Wire Desk Ltd"}}
  </script>
</head>
<body>
  <div class="cookie-banner" id="consent">
    <p>We use cookies to improve your experience. By continuing to browse you agree to our use of cookies.</p>
    <button>Accept all</button>
  </div>
  <header class="site-header">
    <a href="/">The Daily Wire Desk</a>
    <nav><ul><li><a href="/news">News</a></li><li><a href="/middle-east">Middle East</a></li>
    <li><a href="/opinion">Opinion</a></li></ul></nav>
  </header>
  <main id="content">
    <article class="article-body">
      <header>
        <h1>33 Turkish soldiers killed in Syrian air raid in Idlib</h1>
        <p class="byline">By Staff Reporter &middot; <time datetime="2020-02-28">28 Feb 2020</time></p>
      </header>
      <figure><img src="/img/idlib.jpg" alt="">
        <figcaption>Turkish military vehicles near Saraqeb, Idlib province [File: Reuters]</figcaption></figure>
      <p>At least 33 Turkish soldiers were killed in an air strike by Syrian government forces
         in northwestern   Idlib province, Turkish officials said on Friday.</p>
      <div class="share-tools"><p>Share this article on Facebook and Twitter</p></div>
      <p>&ldquo;Despite warnings after the first strike, the Syrian regime continued its attacks,&rdquo;
         Defence Minister Hulusi Akar said, adding that retaliatory strikes hit targets near Saraqeb &amp; Nayrab.</p>
      <p>Russia said Ankara failed to inform it that Turkish troops were fighting alongside rebels in Idlib.</p>
    </article>
    <aside class="related">
      <h2>Related</h2>
      <article><p>Explainer: who controls Idlib?</p></article>
      <article><p>Refugees gather at the Greek border</p></article>
    </aside>
  </main>
  <footer><p>&copy; 2020 The Daily Wire Desk. All rights reserved.</p>
    <form action="/newsletter"><p>Sign up for our newsletter</p><input name="email"></form></footer>
  <script>document.querySelectorAll('p').forEach(function (p) { p.dataset.seen = 1; });</script>
</body>
</html>
"""

BODY = [
    "At least 33 Turkish soldiers were killed in an air strike by Syrian government forces in northwestern Idlib "
    "province, Turkish officials said on Friday.",
    "“Despite warnings after the first strike, the Syrian regime continued its attacks,” Defence Minister Hulusi "
    "Akar said, adding that retaliatory strikes hit targets near Saraqeb & Nayrab.",
    "Russia said Ankara failed to inform it that Turkish troops were fighting alongside rebels in Idlib.",
]


def _read(*paths: Path | str, errors: list[str] | None = None) -> dict[str, Article]:
    return {a.id: a for a in read_articles([str(p) for p in paths], errors=errors)}


# --- HTML ---------------------------------------------------------------------------------------------------


def test_html_page_gives_only_the_body_paragraphs_and_the_page_metadata() -> None:
    text, meta = html_to_text(PAGE)
    assert text == "\n\n".join(BODY)
    assert meta == {"language": "en", "title": "33 Turkish soldiers killed in Syrian air raid in Idlib",
                    "published": "2020-02-28T07:41:00+03:00", "outlet": "The Daily Wire Desk",
                    "url": "https://news.example/2020/2/28/turkey-idlib"}
    for furniture in ("cookies", "Accept all", "Opinion", "Share this", "Explainer", "newsletter", "rights reserved",
                      "dataLayer", "querySelectorAll", "File: Reuters", "Staff Reporter"):
        assert furniture not in text


def test_html_file_is_read_with_its_metadata_and_the_sidecar_wins(tmp_path: Path) -> None:
    (tmp_path / "turkey.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "_metadata.csv").write_text("file,title,outlet,url,published,language\n"
                                            "turkey.html,Turkey loses 33 soldiers in Idlib,,,,\n", encoding="utf-8")
    [article] = read_articles([str(tmp_path)])
    assert article.id == "turkey" and article.text == "\n\n".join(BODY)
    assert article.title == "Turkey loses 33 soldiers in Idlib"  # the sidecar, not og:title
    assert (article.outlet, article.url, article.language) == ("The Daily Wire Desk",
                                                               "https://news.example/2020/2/28/turkey-idlib", "en")
    assert (article.published, article.published_from) == (dt.date(2020, 2, 28), "metadata")
    start = article.text.index("Saraqeb")  # offsets refer to the extracted text
    assert article.text[start:start + 7] == "Saraqeb"


def test_html_without_article_or_metadata_falls_back() -> None:
    page = """<html><head><title>Clashes near Saraqeb - Example News</title></head><body>
      <div id="menu"><p>Home</p><p>World</p></div>
      <div class="story"><h1>Clashes near Saraqeb</h1><p>Posted <time datetime="2020-03-01T10:00">Sunday</time></p>
        <p>Syrian government forces and rebels clashed near Saraqeb on Sunday, a war monitor said.</p>
        <p>The town lies at the junction of the M4 and M5 highways.<br>Both roads matter.</p></div>
      <div class="teaser"><p>Also read: markets rally</p></div></body></html>"""
    text, meta = html_to_text(page)
    assert text.split("\n\n") == [
        "Posted Sunday", "Syrian government forces and rebels clashed near Saraqeb on Sunday, a war monitor said.",
        "The town lies at the junction of the M4 and M5 highways.", "Both roads matter."]  # <br> ends a paragraph
    assert meta == {"title": "Clashes near Saraqeb", "published": "2020-03-01T10:00"}


def test_html_teaser_article_beside_the_real_story_is_not_taken_for_it() -> None:
    story = "Turkish artillery shelled Syrian army positions around Saraqeb overnight, a war monitor said. " * 3
    page = (f"<html><body><article class='teaser'><p>Markets: oil prices rise</p></article>"
            f"<div class='story-body'><p>{story}</p><p>The town changed hands twice this month.</p></div>"
            f"<article><p>Weather: rain in Ankara</p></article></body></html>")
    assert html_to_text(page)[0] == f"{story.strip()}\n\nThe town changed hands twice this month."


def test_html_json_ld_date_and_title_tag_when_nothing_else() -> None:
    page = """<html><head><title>Strike on Al-Bara base</title>
      <script type="application/ld+json">{"@graph": [{"@type": "WebPage"},
        {"@type": "NewsArticle", "datePublished": "2020-02-27"}]}</script>
      <script type="application/ld+json">{ not json, alert(1) }</script></head>
      <body><main><p>An air raid hit the Turkish post at Al-Bara in southern Idlib on Thursday.</p></main>
      </body></html>"""
    text, meta = html_to_text(page)
    assert text == "An air raid hit the Turkish post at Al-Bara in southern Idlib on Thursday."
    assert meta == {"title": "Strike on Al-Bara base", "published": "2020-02-27"}


def test_html_page_without_text_is_reported(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_text("<html><body><nav><p>Home</p></nav><script>x()</script></body></html>",
                                         encoding="utf-8")
    errors: list[str] = []
    assert _read(tmp_path / "empty.html", errors=errors) == {}
    assert errors and "empty.html" in errors[0] and "no article text" in errors[0]


def test_html_bad_page_date_is_ignored_not_fatal(tmp_path: Path) -> None:
    page = ('<html><head><meta property="article:published_time" content="yesterday"></head>'
            "<body><article><p>Shelling hit Nayrab.</p></article></body></html>")
    (tmp_path / "a.htm").write_text(page, encoding="utf-8")
    (tmp_path / "b.htm").write_text(page.replace("yesterday", "Fri, 28 Feb 2020 09:15:00 GMT"), encoding="utf-8")
    articles = _read(tmp_path / "a.htm", tmp_path / "b.htm")
    assert articles["a"].published is None and articles["b"].published == dt.date(2020, 2, 28)


# --- JSON and JSON Lines ------------------------------------------------------------------------------------


def test_json_single_object_and_array_ids(tmp_path: Path) -> None:
    story = {"text": "Turkish drones struck Syrian army positions near Saraqeb.", "title": "Drones over Saraqeb",
             "url": "https://news.example/a", "outlet": "Anadolu", "published": "2020-03-01T12:00:00Z",
             "language": "en"}
    (tmp_path / "one.json").write_text(json.dumps(story), encoding="utf-8")
    (tmp_path / "many.json").write_text(json.dumps([story, {**story, "id": "anadolu-77"}, {"text": "Second."}]),
                                        encoding="utf-8")
    articles = _read(tmp_path / "one.json", tmp_path / "many.json")
    assert list(articles) == ["one", "many-1", "anadolu-77", "many-3"]
    one = articles["one"]
    assert (one.title, one.url, one.outlet, one.language) == ("Drones over Saraqeb", "https://news.example/a",
                                                              "Anadolu", "en")
    assert (one.published, one.published_from) == (dt.date(2020, 3, 1), "metadata")
    assert one.text == story["text"]


def test_jsonl_bad_lines_are_reported_with_their_line_and_the_rest_goes_on(tmp_path: Path) -> None:
    lines = [json.dumps({"text": "Clashes in Idlib left 12 dead."}),
             "",
             '{"text": "unterminated',
             json.dumps({"title": "No text here"}),
             json.dumps({"text": "Shelling hit Ariha.", "id": 42}),
             json.dumps({"text": "Bad date.", "published": "28/02/2020"}),
             json.dumps(["not", "an", "object"]),
             json.dumps({"text": "Airstrikes on Maarat al-Numan."})]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors: list[str] = []
    articles = _read(tmp_path / "feed.jsonl", errors=errors)
    assert list(articles) == ["feed-1", "42", "feed-8"]
    assert articles["feed-8"].text == "Airstrikes on Maarat al-Numan."
    assert [e.split(":")[0] for e in errors] == [f"{tmp_path / 'feed.jsonl'}, line {n}" for n in (3, 4, 6, 7)]
    assert "not valid JSON" in errors[0] and "'text'" in errors[1] and "28/02/2020" in errors[2]


def test_json_that_does_not_parse_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{\n  "text": "ok",\n  "title": oops\n}', encoding="utf-8")
    errors: list[str] = []
    assert _read(tmp_path / "broken.json", errors=errors) == {}
    assert errors == [f"{tmp_path / 'broken.json'}, line 3: not valid JSON (Expecting value)"]


# --- encodings and bad files --------------------------------------------------------------------------------


def test_cp1252_with_curly_quotes_is_accepted_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = "Akar said the “heinous attack” on Turkish troops near Saraqeb would not go unanswered – café owners fled."
    (tmp_path / "legacy.txt").write_bytes(text.encode("cp1252"))
    with caplog.at_level(logging.WARNING, logger="geo.articles"):
        [article] = read_articles([str(tmp_path / "legacy.txt")])
    assert article.text == text
    assert "legacy.txt" in caplog.text and "Windows-1252" in caplog.text


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_utf16_and_utf8_with_bom(tmp_path: Path, codec: str) -> None:
    text = "Şanlıurfa and Reyhanlı received wounded soldiers from İdlib."
    bom = {"utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    (tmp_path / "bom.txt").write_bytes(bom + text.encode(codec))
    [article] = read_articles([str(tmp_path / "bom.txt")])
    assert article.text == text


def test_bad_files_are_reported_by_name_and_the_batch_goes_on(tmp_path: Path) -> None:
    rng = random.Random(7)
    shutil.copy(SEED, tmp_path / "good.txt")
    (tmp_path / "noise.txt").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    (tmp_path / "highbytes.txt").write_bytes(bytes(rng.randrange(0xA0, 0x100) for _ in range(2000)))
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (tmp_path / "archive.txt").write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x01\x02\x03" * 50)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text(" \n\t\n ", encoding="utf-8")
    (tmp_path / "control.txt").write_bytes(b"Idlib \x01\x02\x03\x04\x05\x06\x07\x08 report " * 20)
    errors: list[str] = []
    articles = _read(tmp_path, errors=errors)
    assert list(articles) == ["good"]
    by_file = {Path(e.split(":")[0]).name: e for e in errors}
    assert set(by_file) == {"noise.txt", "highbytes.txt", "photo.txt", "archive.txt", "empty.txt", "blank.txt",
                            "control.txt"}
    for name in ("noise.txt", "photo.txt", "archive.txt", "control.txt"):
        assert "binary" in by_file[name]
    assert "not text" in by_file["highbytes.txt"] and "iconv" in by_file["highbytes.txt"]
    assert "empty" in by_file["empty.txt"] and "whitespace" in by_file["blank.txt"]


def test_a_50_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    with (tmp_path / "huge.txt").open("wb") as handle:
        handle.truncate(50 * 1000 * 1000)  # sparse: nothing is written
    shutil.copy(SEED, tmp_path / "good.txt")
    errors: list[str] = []
    tracemalloc.start()
    try:
        assert list(_read(tmp_path, errors=errors)) == ["good"]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000 and len(errors) == 1
    assert "huge.txt" in errors[0] and "50 MB is too large" in errors[0] and f"{MAX_BYTES // 2**20} MiB" in errors[0]


# --- globs and directories ----------------------------------------------------------------------------------


def test_globs_are_expanded_sorted_and_recursive(tmp_path: Path) -> None:
    for rel in ("2020/02/b.txt", "2020/02/a.txt", "2020/03/c.html", "2020/03/photo.jpg", "top.txt"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "<p>Shelling in Idlib.</p>" if rel.endswith(".html") else f"Report {rel} from Idlib."
        path.write_bytes(body.encode() if not rel.endswith(".jpg") else b"\xff\xd8\xff\xe0" + bytes(64))
    assert list(_read(tmp_path / "**" / "*.txt")) == ["a", "b", "top"]
    assert list(_read(tmp_path / "2020" / "0[23]" / "*")) == ["a", "b", "c"]  # photo.jpg is no article
    assert list(_read(tmp_path / "20?0")) == ["a", "b", "c"]  # a matched folder is read like a folder
    errors: list[str] = []
    assert _read(tmp_path / "*.csv", tmp_path / "top.txt", errors=errors).keys() == {"top"}
    assert errors == [f"{tmp_path / '*.csv'}: no article files match this pattern"]


def test_a_file_whose_name_looks_like_a_pattern_is_read_as_named(tmp_path: Path) -> None:
    (tmp_path / "report[1].txt").write_text("Clashes in Idlib.", encoding="utf-8")
    assert list(_read(tmp_path / "report[1].txt")) == ["report[1]"]


def test_directories_read_article_files_only_but_named_files_always(tmp_path: Path) -> None:
    files = {"a.txt": "Report from Idlib.", "b.md": "Report from Aleppo.", "c.text": "Report from Hama.",
             "README": "Report from Homs.", "d.csv": "x,y\n1,2\n", "e.log": "Report from Raqqa.",
             ".hidden.txt": "Report from Deir ez-Zor.", "_notes.txt": "Not an article.",
             ".git/objects/ab": "Not an article either.", "_drafts/f.txt": "Draft."}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    errors: list[str] = []
    assert list(_read(tmp_path, errors=errors)) == ["README", "a", "b", "c"] and errors == []
    assert list(_read(tmp_path / "e.log")) == ["e"]  # named explicitly: read as text


def test_stdin_and_missing_files(tmp_path: Path) -> None:
    errors: list[str] = []
    articles = list(read_articles(["-", str(tmp_path / "missing.txt")], errors=errors,
                                  stdin_text="Clashes in Idlib (Reuters) - a headline, not a dateline"))
    assert len(articles) == 1 and articles[0].path == "-" and articles[0].agency is None
    assert errors == [f"{tmp_path / 'missing.txt'}: no such file"]


# --- bylines, datelines, outlets ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "agency"), [
    ("ANKARA (Reuters) - Turkey's defence ministry said two soldiers were killed in Idlib.", "Reuters"),
    ("Turkey retaliates\n\nBEIRUT, Feb 28 (Reuters) - Syrian forces shelled Saraqeb on Friday.", "Reuters"),
    ("(AP) — Turkish troops and Syrian government forces clashed in Idlib on Thursday.", "Associated Press"),
    ("DAMASCUS, Syria (AP) — Syria's state news agency said two warplanes were downed.", "Associated Press"),
    ("Title of the story\nBEIRUT (AFP) - Russia and Turkey traded accusations on Friday.", "Agence France-Presse"),
    ("ISTANBUL (AA) - Turkish Defence Minister Hulusi Akar said on Sunday.", "Anadolu Agency"),
    ("BERLIN (dpa) - Germany called for a ceasefire in Idlib.", "Deutsche Presse-Agentur"),
    ("BEIJING, March 1 (Xinhua) -- China urged restraint in Syria.", "Xinhua"),
    ("São Paulo, 1 mar (EFE).- Brasil condenó el ataque.", "EFE"),
    ("Ras al-Ain, Feb. 28 (AFP) - Turkish-backed fighters advanced.", "Agence France-Presse"),
    ("Saraqeb (SANA) - Army units repelled an attack by terrorists.", "Syrian Arab News Agency"),
])
def test_bylines_set_the_agency(text: str, agency: str | None) -> None:
    assert article_from_text(text, path="x.txt").agency == agency


@pytest.mark.parametrize("text", [
    "The minister told (AP) reporters on Friday that the talks would go on.",
    "Clashes in Idlib (Reuters) - a headline with the agency, not a dateline",
    "Turkey said it shot down a plane, according to the AFP news agency.",
    "Officials said the figures came from Reuters (Reuters reported 33 dead) - nobody confirmed them.",
    "Clashes in Idlib\n\n" + "Shelling went on all day near Saraqeb. " * 60 + "\nBEIRUT (Reuters) - late line.",
])
def test_not_bylines(text: str) -> None:
    article = article_from_text(text, path="x.txt")
    assert article.agency is None and article.outlet is None


def test_byline_without_a_year_gives_no_date_and_with_one_gives_the_date() -> None:
    no_year = article_from_text("BEIRUT, Feb 28 (Reuters) - Syrian forces shelled Saraqeb.", path="x.txt")
    assert (no_year.published, no_year.published_from) == (None, "unknown")
    with_year = article_from_text("BEIRUT, Feb. 28, 2020 (Reuters) - Syrian forces shelled Saraqeb.", path="x.txt")
    assert (with_year.published, with_year.published_from) == (dt.date(2020, 2, 28), "text")


@pytest.mark.parametrize(("line", "day"), [
    ("June 2, 2023 - Al Jazeera", dt.date(2023, 6, 2)),
    ("Published: 2 June 2023 10:45 GMT", dt.date(2023, 6, 2)),
    ("Updated on March 5, 2024 | Reuters", dt.date(2024, 3, 5)),
    ("May 14, 2023", dt.date(2023, 5, 14)),
])
def test_a_date_line_may_carry_a_label_a_time_and_an_outlet(line: str, day: dt.date) -> None:
    article = article_from_text(f"Fighting rages in Khartoum\n\n{line}\n\nHeavy fighting went on.", path="x.txt")
    assert (article.published, article.published_from) == (day, "text")
    # counter-example: a sentence that opens with a date is no date line
    prose = article_from_text("Fighting rages\n\nJune 2, 2023 was the hottest day of the year in the city.\n",
                              path="x.txt")
    assert prose.published_from != "text"


def test_outlet_order_metadata_then_source_line_then_agency() -> None:
    text = "ANKARA (AA) - Two soldiers were killed in Idlib.\n\nSource: Al Jazeera, News Agencies"
    assert article_from_text(text, path="x.txt").outlet == "Al Jazeera"
    assert article_from_text(text.split("\n")[0], path="x.txt").outlet == "Anadolu Agency"
    assert article_from_text(text, path="x.txt", metadata={"outlet": "TRT World"}).outlet == "TRT World"
    assert article_from_text(text, path="x.txt").agency == "Anadolu Agency"


def test_seed_text_inference_is_unchanged() -> None:
    articles = _read(ROOT / "seeds")
    seed = articles["003_9540e75d7a9aa565"]
    assert seed.published == dt.date(2020, 2, 20) and seed.agency is None
    assert articles["001_318e880c7e075cbd"].outlet == "Al Jazeera"
    assert all(a.agency is None for a in articles.values())
