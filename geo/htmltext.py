"""HTML pages: the main text of a news page and what the page states about itself, with the stdlib parser only.

:func:`html_to_text` returns the article body as plain text (paragraphs separated by one blank line, entities
unescaped, whitespace runs inside a paragraph folded to one space) and a metadata dict. For an HTML file the
article text *is* this extracted text: mention offsets (``start``, ``end``) refer to it, not to the markup.

The body is the ``<article>`` element (the one with the most paragraph text when there are several), else
``<main>``, else the element whose own ``<p>`` children hold the most text. Page furniture is dropped wherever it
is: scripts, styles, navigation, headers, footers, asides, forms, figures and their captions, and elements whose
class or id reads as boilerplate (cookie banners, share buttons, related links, newsletters). The page's
headline (``<h1>``) goes to the metadata, not the text.

The markup is untrusted: it is parsed, never executed; JSON-LD blocks are read with :func:`json.loads` only.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["html_to_text"]

log = logging.getLogger(__name__)

#: Containers whose content is never article text.
_DROP = frozenset("script style noscript template svg iframe object canvas nav header footer aside form figure "
                  "figcaption button select textarea dialog".split())
#: Elements that end one paragraph and start another.
_BLOCK = frozenset("p div section article main blockquote pre ul ol li dl dt dd table tr td th h1 h2 h3 h4 h5 h6 "
                   "address hr br center details summary".split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
#: Start tags that close an open ``<p>`` (the HTML rule, enough of it for news pages).
_CLOSES_P = frozenset("address article aside blockquote div dl fieldset figure footer form h1 h2 h3 h4 h5 h6 "
                      "header hr main nav ol p pre section table ul".split())
#: Class or id words of page furniture; "article-body" and "commentary" are kept, "share-bar" and "adSlot" are not.
_BOILERPLATE = frozenset("cookie cookies consent gdpr share sharing social related recommended recirculation "
                         "newsletter subscribe subscription promo advert advertisement ad ads sponsored breadcrumb "
                         "breadcrumbs sidebar comments popup modal paywall nav navbar menu".split())
_WORDS = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")
_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alert"})
_MAX_DEPTH = 400
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """A forgiving tree of the page: unclosed tags end with their parent, stray end tags are ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _CLOSES_P and any(n.tag == "p" for n in self.stack):
            self._close("p")
        if tag == "li" and any(n.tag == "li" for n in self.stack):
            self._close("li")
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID and len(self.stack) < _MAX_DEPTH:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        self._close(tag)

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def _close(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return


def _dropped(node: _Node) -> bool:
    if node.tag in _DROP or "hidden" in node.attrs or node.attrs.get("aria-hidden") == "true":
        return True
    if node.attrs.get("role", "").lower() in _ROLES:
        return True
    names = f"{node.attrs.get('class', '')} {node.attrs.get('id', '')}"
    return not _BOILERPLATE.isdisjoint(w.lower() for w in _WORDS.split(names))


def _walk(node: _Node) -> Iterator[_Node]:
    """Every element under ``node`` (itself included) in document order, furniture included."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed([c for c in current.children if isinstance(c, _Node)]))


def _raw_text(node: _Node) -> str:
    parts: list[str] = []
    stack: list[_Node | str] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            parts.append(current)
        elif current.tag not in ("script", "style"):
            stack.extend(reversed(current.children))
    return _SPACE.sub(" ", "".join(parts)).strip()


def _paragraphs(node: _Node) -> list[str]:
    """The text of ``node`` as paragraphs, furniture and the ``<h1>`` headline left out."""
    paragraphs: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        text = _SPACE.sub(" ", "".join(buffer)).strip()
        if text:
            paragraphs.append(text)
        buffer.clear()

    stack: list[_Node | str | None] = [node]  # None marks the end of a block element
    while stack:
        current = stack.pop()
        if current is None:
            flush()
        elif isinstance(current, str):
            buffer.append(current)
        elif current is node or not (_dropped(current) or current.tag == "h1"):
            if current.tag in _BLOCK:
                flush()
                stack.append(None)
            stack.extend(reversed(current.children))
    flush()
    return paragraphs


def _kept(node: _Node) -> Iterator[_Node]:
    """Elements under ``node`` outside page furniture, in document order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed([c for c in current.children if isinstance(c, _Node) and not _dropped(c)]))


def _body(root: _Node) -> _Node:
    """The ``<article>`` (or ``<main>``) with the most paragraph text, unless that is a teaser beside a block
    holding more than twice as much (then that block); the root when nothing holds paragraphs."""
    elements = [n for n in _kept(root) if n.tag != "#root"]
    sizes = {id(n): len(_raw_text(n)) for n in elements if n.tag == "p"}  # characters of each paragraph

    def direct(node: _Node) -> int:
        return sum(sizes.get(id(c), 0) for c in node.children if isinstance(c, _Node))

    def below(node: _Node) -> int:
        return sum(sizes.get(id(n), 0) for n in _kept(node))

    block = max((n for n in elements if n.tag != "p"), key=direct, default=root)
    in_block = direct(block) if block is not root else 0
    for tag in ("article", "main"):
        found = [(below(n), n) for n in elements if n.tag == tag]
        if found:
            text, best = max(found, key=lambda pair: pair[0])  # the first of equals
            if 2 * text >= in_block:
                return best
    return block if in_block else root


def _json_ld(value: object) -> Iterator[dict[str, object]]:
    """Every object in a JSON-LD document (``@graph`` lists and nesting included)."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            yield current
            stack.extend(reversed(list(current.values())))
        elif isinstance(current, list):
            stack.extend(reversed(current))


def _metadata(root: _Node, body: _Node) -> dict[str, str]:
    meta: dict[str, str] = {}
    props: dict[str, str] = {}
    ld: list[dict[str, object]] = []
    titles: dict[str, str] = {}
    for node in _walk(root):
        attrs = node.attrs
        if node.tag == "meta" and attrs.get("content"):
            for key in ("property", "name", "itemprop"):
                props.setdefault(attrs.get(key, "").strip().lower(), attrs["content"].strip())
        elif node.tag == "link" and "canonical" in attrs.get("rel", "").lower().split() and attrs.get("href"):
            props.setdefault("#canonical", attrs["href"].strip())
        elif node.tag == "html" and attrs.get("lang"):
            meta["language"] = attrs["lang"].strip()[:2].lower()
        elif node.tag in ("h1", "title") and node.tag not in titles:
            titles[node.tag] = _raw_text(node)
        elif node.tag == "script" and "ld+json" in attrs.get("type", "").lower():
            try:
                ld.extend(_json_ld(json.loads("".join(c for c in node.children if isinstance(c, str)))))
            except (ValueError, RecursionError):
                log.debug("ignoring a JSON-LD block that is not valid JSON")
    ld_date = next((str(o["datePublished"]) for o in ld if isinstance(o.get("datePublished"), str)), None)
    publishers = (o.get("publisher") for o in ld)
    ld_outlet = next((str(p["name"]) for p in publishers if isinstance(p, dict) and isinstance(p.get("name"), str)),
                     None)
    times = [n.attrs["datetime"] for root_ in (body, root) for n in _walk(root_)
             if n.tag == "time" and n.attrs.get("datetime")]
    found = {
        "title": props.get("og:title") or titles.get("h1") or titles.get("title"),
        "published": props.get("article:published_time") or props.get("datepublished") or ld_date
        or (times[0] if times else None),
        "outlet": props.get("og:site_name") or ld_outlet,
        "url": props.get("#canonical") or props.get("og:url"),
    }
    meta.update({k: _SPACE.sub(" ", v).strip() for k, v in found.items() if v and v.strip()})
    return meta


def html_to_text(markup: str) -> tuple[str, dict[str, str]]:
    """The main text of an HTML page and its metadata.

    Parameters
    ----------
    markup : str
        The page, decoded.

    Returns
    -------
    tuple of (str, dict of str to str)
        The body text (paragraphs joined by a blank line; ``""`` when the page has none) and what the page states
        about itself, each key present only when found: ``title`` (``og:title``, else the ``<h1>``, else
        ``<title>``), ``published`` (as written: ``article:published_time``, JSON-LD ``datePublished`` or the
        first ``<time datetime>``), ``outlet`` (``og:site_name``, else the JSON-LD publisher), ``url`` (the
        canonical link, else ``og:url``) and ``language`` (the first two letters of ``<html lang>``).

    Examples
    --------
    >>> text, meta = html_to_text('<html lang="en-GB"><nav><p>Home | World</p></nav><article><h1>Raid</h1>'
    ...                           '<p>Shelling hit   Saraqeb &amp; Nayrab.</p><p>Two died.</p></article></html>')
    >>> text
    'Shelling hit Saraqeb & Nayrab.\\n\\nTwo died.'
    >>> meta
    {'language': 'en', 'title': 'Raid'}
    """
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    body = _body(builder.root)
    return "\n\n".join(_paragraphs(body)), _metadata(builder.root, body)
