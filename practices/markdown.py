"""Markdown written by users, rendered to HTML that is safe to show to everyone.

Two locks, each enough on its own for the cases it knows:

1. Python-Markdown runs without its raw-HTML processors, so ``<script>`` or ``<img onerror>``
   typed in a description comes out as visible text, never as markup.
2. The HTML it produces then goes through ``nh3`` (the Rust ``ammonia`` sanitiser) with a short
   allow-list of tags and attributes; links keep only ``http``, ``https`` and ``mailto`` (or
   relative) addresses and get ``rel="noopener noreferrer nofollow"``. Anything else (scripts,
   styles, event attributes, ``javascript:`` or ``data:`` links, images, frames) is dropped.

Headings are shifted so that the text's highest heading fits under the page's own section
heading (``top_heading``) and none goes below ``<h4>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
# Removed together with everything inside them (other disallowed tags keep their text).
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "svg", "math", "template"}
LOWEST_HEADING = 4


class _ShiftHeadings(Treeprocessor):
    """The text's highest heading becomes ``<h{top}>``, the next level below it, and so on,
    never below ``<h4>``: whether the author starts with ``#`` or ``##``, the headings follow
    the page's own without skipping a level."""

    def __init__(self, md, top: int):
        super().__init__(md)
        self.top = top

    def run(self, root: etree.Element) -> None:
        headings = [
            element
            for element in root.iter()
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1] in "123456"
        ]
        if not headings:
            return
        highest = min(int(element.tag[1]) for element in headings)
        for element in headings:
            level = int(element.tag[1]) - highest + self.top
            element.tag = f"h{min(level, LOWEST_HEADING)}"


def _converter(top_heading: int) -> markdown_lib.Markdown:
    md = markdown_lib.Markdown(
        extensions=["sane_lists", "tables", "fenced_code"], output_format="html"
    )
    # No raw HTML: a block or an inline tag is escaped and shown as text.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_ShiftHeadings(md, top_heading), "shift_headings", 1)
    return md


def sanitise(html: str) -> str:
    """Keep only the allowed tags, attributes and link schemes of ``html``."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render(text: str | None, *, top_heading: int = 2) -> SafeString:
    """``text`` (Markdown) as sanitised HTML, safe to put in a page as it is."""
    if not text:
        return mark_safe("")
    text = str(text).replace("\x00", "")
    top_heading = max(2, min(int(top_heading), LOWEST_HEADING))
    html = _converter(top_heading).convert(text)
    return mark_safe(sanitise(html))  # noqa: S308 - sanitised by nh3 just above


# --- Plain text -------------------------------------------------------------------------------

_BLOCKS = {"p", "h2", "h3", "h4", "blockquote", "pre", "table", "ul", "ol"}


class _PlainText(HTMLParser):
    """The words of sanitised HTML (``render``'s output): blocks as paragraphs, list items as
    lines starting with "- " (or their number), table cells separated by " | ", and a link's
    address after its text when the two differ."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[list[int] | None] = []  # None: bullets; [n]: the next number
        self.links: list[str] = []
        self.link_text: list[str] = []
        self.cells = 0
        self.pre = 0

    def _write(self, text: str) -> None:
        self.parts.append(text)
        if self.links:
            self.link_text.append(text)

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS and not (tag in ("ul", "ol") and self.lists):
            self._write("\n\n")
        if tag == "pre":
            self.pre += 1
        if tag == "ul":
            self.lists.append(None)
        elif tag == "ol":
            self.lists.append([1])
        elif tag == "li":
            counter = self.lists[-1] if self.lists else None
            indent = "  " * max(len(self.lists) - 1, 0)
            if counter is None:
                self._write(f"\n{indent}- ")
            else:
                self._write(f"\n{indent}{counter[0]}. ")
                counter[0] += 1
        elif tag == "br":
            self._write("\n")
        elif tag == "tr":
            self.cells = 0
            self._write("\n")
        elif tag in ("td", "th"):
            if self.cells:
                self._write(" | ")
            self.cells += 1
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
            self.link_text = []

    def handle_endtag(self, tag):
        if tag == "pre" and self.pre:
            self.pre -= 1
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag in _BLOCKS:
            self._write("\n\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            text = "".join(self.link_text).strip()
            if href and href != text and not href.startswith("#"):
                self._write(f" ({href})")

    def handle_data(self, data):
        if "\n" in data and not data.strip() and not self.pre:
            return  # the line breaks between tags, not text
        self._write(data)

    def text(self) -> str:
        joined = "".join(self.parts)
        lines = [line.rstrip() for line in joined.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def plain_text(text: str | None) -> str:
    """``text`` (Markdown) as plain text: the words ``render`` shows, without any markup (what
    a program reading the good-practice record gets besides the HTML)."""
    html = render(text)
    if not html:
        return ""
    parser = _PlainText()
    parser.feed(str(html))
    parser.close()
    return parser.text()
