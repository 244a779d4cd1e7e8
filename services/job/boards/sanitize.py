"""Posting descriptions made safe to show (nh3) and turned into plain text.

Boards are untrusted: everything that leaves here as HTML went through `sanitize_html`.
This module does not fetch anything and knows no board's shape.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

_TAGS = frozenset(
    [
        "p",
        "br",
        "div",
        "span",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "s",
        "sub",
        "sup",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "blockquote",
        "code",
        "pre",
        "hr",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "caption",
    ]
)
# Their content is dropped with the tag: none of it is text a reader should see.
_DROP_CONTENT = frozenset(
    [
        "script",
        "style",
        "noscript",
        "iframe",
        "object",
        "embed",
        "template",
        "svg",
        "math",
        "title",
        "head",
        "select",
    ]
)
_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_URL_SCHEMES = frozenset({"http", "https", "mailto"})

_BLOCK = frozenset(
    [
        "p",
        "div",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "hr",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "caption",
        "section",
        "article",
        "header",
        "footer",
        "dl",
        "dt",
        "dd",
        "figure",
        "address",
        "main",
        "nav",
        "aside",
    ]
)
_LINE_ITEMS = frozenset({"li", "tr", "dd", "dt"})
_SKIP = frozenset(["script", "style", "noscript", "template", "head", "title"])
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_ESCAPED_TAG = re.compile(r"&lt;/?[a-zA-Z]")
_RAW_TAG = re.compile(r"<[a-zA-Z/!]")
_PRE_SPACE = "\ue000"
_PRE_NEWLINE = "\ue001"


def unescape_if_escaped(content: str) -> str:
    """Greenhouse sends HTML entity-escaped (`&lt;p&gt;`); unescape it once, and only then."""
    if _ESCAPED_TAG.search(content) and not _RAW_TAG.search(content):
        return html.unescape(content)
    return content


def sanitize_html(fragment: str) -> str:
    """Keeps formatting tags and http(s)/mailto links; drops scripts, styles and every event handler."""
    if not fragment.strip():
        return ""
    cleaned = nh3.clean(
        fragment,
        tags=set(_TAGS),
        clean_content_tags=set(_DROP_CONTENT),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        url_schemes=set(_URL_SCHEMES),
        link_rel="noopener nofollow",
        strip_comments=True,
    )
    return cleaned.strip()


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n" if tag in _LINE_ITEMS else "\n\n")
            if tag == "li":
                self.parts.append("- ")
            if tag == "pre":
                self._pre_depth += 1
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "hr":
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK:
            if tag not in _LINE_ITEMS:
                self.parts.append("\n\n")
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._pre_depth:
            # Preformatted spacing must survive the folding below: hide it behind a private-use mark.
            self.parts.append(data.replace(" ", _PRE_SPACE).replace("\n", _PRE_NEWLINE))
        else:
            self.parts.append(_SPACES.sub(" ", data))


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: blocks become lines, list items "- " lines, entities decoded."""
    parser = _TextExtractor()
    parser.feed(fragment.replace(_PRE_SPACE, " ").replace(_PRE_NEWLINE, " "))
    parser.close()
    lines = (_SPACES.sub(" ", line).strip(" ") for line in "".join(parser.parts).split("\n"))
    text = "\n".join(lines).replace(_PRE_SPACE, " ").replace(_PRE_NEWLINE, "\n")
    return _BLANK_LINES.sub("\n\n", text).strip()
