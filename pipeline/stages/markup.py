"""HTML input: a saved page becomes its text, as edits over the page, so every offset still reaches the HTML.

Tags, comments and declarations are deleted; the contents of script, style, noscript and
template, and of the head except the title, are dropped; block elements become line breaks
and table cells spaces; character references become their characters; whitespace collapses
as a browser collapses it. The title stays, as the first line, for the metadata reader.
"""

from __future__ import annotations

import html
import itertools
import unicodedata
from html.parser import HTMLParser

import regex

from pipeline.offsets import Edit, OffsetMap, apply_edits

# A page saved as .txt: a doctype, an <html> or <body> tag, or closed paragraphs or divisions.
_HTML_SIGNS = regex.compile(r"<!doctype\s+html|<(?:html|body)[\s>]|</(?:p|div)\s*>", regex.IGNORECASE)
HIDDEN = frozenset({"script", "style", "noscript", "template"})
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd", "details",
    "div", "dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "tfoot", "thead", "title", "tr", "ul",
})
CELLS = frozenset({"td", "th"})
PREFORMATTED = frozenset({"pre", "textarea"})
_SPACE_RUN = regex.compile(r"[ \t\n\r\f]+")  # HTML's whitespace; a no-break space is text


def is_html(name: str, text: str) -> bool:
    """Whether a file is an HTML page: by its name, or for a .txt by what it holds."""
    return name.lower().endswith((".html", ".htm")) or _HTML_SIGNS.search(text) is not None


def html_to_text(page: str) -> tuple[str, OffsetMap]:
    """The text a reader sees in ``page`` and its map back to ``page``."""
    return apply_edits(page, html_edits(page))


def html_edits(page: str) -> list[Edit]:
    """Edits that turn an HTML page into its text."""
    events = _Events(page).events
    edits: list[Edit] = []
    open_elements = dict.fromkeys((*HIDDEN, *PREFORMATTED, "head", "title"), 0)
    for (start, kind, value), (end, _, _) in itertools.pairwise([*events, (len(page), "", "")]):
        if kind in ("start", "end", "empty"):
            if kind != "empty" and value in open_elements:
                open_elements[value] = max(0, open_elements[value] + (1 if kind == "start" else -1))
            if value == "body":  # a head left open ends where the body starts
                open_elements["head"] = 0
            cell = value in CELLS and kind != "end"
            edits.append(Edit(start, end, "\n" if value in BLOCKS else " " if cell else ""))
            continue
        hidden = any(open_elements[tag] for tag in HIDDEN) or (open_elements["head"] and not open_elements["title"])
        if kind == "data" and not hidden:
            if not any(open_elements[tag] for tag in PREFORMATTED):
                edits.extend(_collapse_spaces(value, start))
            edits.append(Edit(start + len(value), end, ""))  # markup the parser passed over silently
        elif kind == "reference" and not hidden:
            edits.append(Edit(start, end, html.unescape(page[start:end])))
        else:
            edits.append(Edit(start, end, ""))
    return [edit for edit in edits if edit.start < edit.end and page[edit.start:edit.end] != edit.replacement]


def _collapse_spaces(data: str, offset: int) -> list[Edit]:
    """A run of whitespace reads as one space; a line break between two CJK characters as none."""
    edits = []
    for match in _SPACE_RUN.finditer(data):
        run = match.group()
        if run == " ":
            continue
        before, after = data[match.start() - 1:match.start()], data[match.end():match.end() + 1]
        joins = ("\n" in run or "\r" in run) and _wide(before) and _wide(after)
        edits.append(Edit(offset + match.start(), offset + match.end(), "" if joins else " "))
    return edits


def _wide(character: str) -> bool:
    return bool(character) and unicodedata.east_asian_width(character) in ("W", "F")


class _Events(HTMLParser):
    """Every tag, run of text, character reference and other markup of a page, with its offset.

    Each event runs from its offset to the next event's, so every character of the page
    belongs to exactly one event.
    """

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=False)
        self._line_starts = [0, *(match.end() for match in regex.finditer("\n", page))]
        self.events: list[tuple[int, str, str]] = []
        self.feed(page)
        self.close()

    def _add(self, kind: str, value: str = "") -> None:
        line, column = self.getpos()
        self.events.append((self._line_starts[line - 1] + column, kind, value))

    def handle_starttag(self, tag, attrs) -> None:
        self._add("start", tag)

    def handle_startendtag(self, tag, attrs) -> None:
        self._add("empty", tag)

    def handle_endtag(self, tag) -> None:
        self._add("end", tag)

    def handle_data(self, data) -> None:
        self._add("data", data)

    def handle_charref(self, name) -> None:
        self._add("reference")

    def handle_entityref(self, name) -> None:
        self._add("reference")

    def handle_comment(self, data) -> None:
        self._add("other")

    def handle_decl(self, decl) -> None:
        self._add("other")

    def handle_pi(self, data) -> None:
        self._add("other")

    def unknown_decl(self, data) -> None:
        self._add("other")

    def parse_marked_section(self, i, report=1):
        """Python's parser raises AssertionError on ``<![name[`` with a name it does not know, after moving
        its position; HTML reads it as a bogus comment up to the next ``>``."""
        position = self.lineno, self.offset
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.lineno, self.offset = position
            end = self.rawdata.find(">", i)
            if end < 0:
                return -1
            self._add("other")
            return end + 1
