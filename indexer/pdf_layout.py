"""From positioned words to the narrative: lines, running headers and page numbers dropped,
document-wide margins, paragraphs, and the page's blocks and tables in reading order.

:mod:`indexer.pdf_reader` fills a :class:`TextPage` per PDF page (its words grouped by
:func:`page_lines`, its ruled tables); everything after that is here.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median
from typing import Any

from indexer.model import Block, RawTable

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACED_NUMBER = re.compile(r"[\u3400-\u9fff] [0-9A-Za-z]|[0-9A-Za-z] [\u3400-\u9fff]")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_SPACES = re.compile(r" {2,}")
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–_\s]*\d{1,4}[-—–_\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.IGNORECASE,
)
_PARAGRAPH_START = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[部分章节条篇]"
    r"|[一二三四五六七八九十]+[、．.]"
    r"|[（(][一二三四五六七八九十\d]+[）)]"
    r"|\d{1,2}[、．]"
    r"|\d{1,2}\.(?!\d)"
    r"|[①-⑳]"
    r"|[（(]?[a-zA-Z][)）]"
    r"|注[:：]"
    r"|其中[:：])"
)

_NUMBER_BAND = 0.1  # page numbers live in the top/bottom 10% of a page
_REPEAT_BAND = 0.07  # running headers/footers: top/bottom 7%, below a table title
_REPEAT_MIN_PAGES = 3
_REPEAT_MAX_LEN = 40
_OWN_EDGE_LINES = 3  # long lines sharing an edge make it the page's own margin
_EDGE_TOLERANCE = 1.0  # points
_WRAP_SLACK = 2.0  # a wrapped line ends within this many characters of the right margin,
_OPEN_WRAP_SLACK = 3.0  # or this many mid-sentence (the next line's ``（含）`` did not fit)
_SENTENCE_END = tuple("。；：！？;:!?")
_UNBREAKABLE = re.compile(r"[\d,.%]+|[A-Za-z]+")  # a figure or a word: never split at a wrap
_HALF_WIDTH = 0.6  # a digit or letter is about half a Chinese character wide


@dataclass
class Line:
    text: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    size: float  # median word height, about the font size
    spread: bool  # words separated by wide gaps: a multi-column line, never merged


@dataclass
class TextPage:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    tables: list[RawTable] = field(default_factory=list)


def join_wrapped(left: str, right: str, spaced_numbers: bool = False) -> str:
    """Join two pieces of a wrapped line.

    A space goes only between two ASCII alphanumerics, or, when ``spaced_numbers`` (the
    text writes ``收入 9491.05 万元``), between a CJK character and an ASCII alphanumeric.
    """
    if not left or not right:
        return left + right
    a, b = left[-1], right[0]
    if _ASCII_ALNUM.match(a) and _ASCII_ALNUM.match(b):
        return f"{left} {right}"
    if spaced_numbers and (
        (_CJK.match(a) and _ASCII_ALNUM.match(b)) or (_ASCII_ALNUM.match(a) and _CJK.match(b))
    ):
        return f"{left} {right}"
    return left + right


def page_lines(words: list[dict[str, Any]], page: int) -> list[Line]:
    """Group words into lines: a word joins a line it overlaps vertically by half."""
    groups: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if groups:
            first = groups[-1][0]
            overlap = min(first["bottom"], word["bottom"]) - max(first["top"], word["top"])
            height = min(first["bottom"] - first["top"], word["bottom"] - word["top"])
            if overlap >= 0.5 * height:
                groups[-1].append(word)
                continue
        groups.append([word])
    lines = []
    for group in groups:
        group.sort(key=lambda w: w["x0"])
        size = median(w["bottom"] - w["top"] for w in group)
        gaps = [b["x0"] - a["x1"] for a, b in pairwise(group)]
        if gaps and len(group[0]["text"]) <= 5 and _PARAGRAPH_START.match(group[0]["text"]):
            gaps = gaps[1:]  # justified text stretches the space after "(67)" or "6."
        lines.append(
            Line(
                text=_SPACES.sub(" ", " ".join(w["text"] for w in group)).strip(),
                page=page,
                x0=min(w["x0"] for w in group),
                top=min(w["top"] for w in group),
                x1=max(w["x1"] for w in group),
                bottom=max(w["bottom"] for w in group),
                size=size,
                spread=any(g > 3 * size for g in gaps),
            )
        )
    return lines


# ---------------------------------------------------------------- whole document


def _in_band(line: Line, page: TextPage, band: float) -> bool:
    return line.bottom <= page.height * band or line.top >= page.height * (1 - band)


def drop_running_lines(pages: list[TextPage]) -> None:
    """Remove page numbers and running headers/footers near the top/bottom page edges."""
    seen: Counter[tuple[str, int, int]] = Counter()
    for page in pages:
        seen.update(
            {_position_key(ln, page) for ln in page.lines if _in_band(ln, page, _REPEAT_BAND)}
        )
    min_pages = max(_REPEAT_MIN_PAGES, len(pages) // 5)

    def running(line: Line, page: TextPage) -> bool:
        if _in_band(line, page, _NUMBER_BAND) and _PAGE_NUMBER.match(line.text):
            return True
        return (
            _in_band(line, page, _REPEAT_BAND)
            and len(line.text) <= _REPEAT_MAX_LEN
            and seen[_position_key(line, page)] >= min_pages
        )

    for page in pages:
        page.lines = [ln for ln in page.lines if not running(ln, page)]


def _position_key(line: Line, page: TextPage) -> tuple[str, int, int]:
    # Position relative to the nearer page edge, so portrait and landscape footers match.
    from_bottom = line.top > page.height / 2
    offset = page.height - line.bottom if from_bottom else line.top
    return line.text, int(from_bottom), round(offset / 4)


@dataclass
class _Margins:
    left: float
    right: float


def _margins(pages: list[TextPage]) -> dict[int, _Margins]:
    """Text margins per page.

    The left margin is the most common line start on pages of the same size. The right
    margin is where the page's longest lines end, but never left of the most common end
    of long lines on pages of the same size, so a page with few or only short lines (a
    list, notes under a table) is not mistaken for a page of wrapped lines. A page whose
    own long lines share a left and a right edge (three or more each) keeps those edges.
    """
    starts: dict[tuple[int, int], Counter[int]] = defaultdict(Counter)
    ends: dict[tuple[int, int], Counter[int]] = defaultdict(Counter)
    own: dict[int, float] = {}
    own_edges: dict[int, tuple[float, float]] = {}
    for page in pages:
        lines = [ln for ln in page.lines if not ln.spread]
        starts[_size_key(page)].update(round(ln.x0) for ln in lines)
        long_lines = [ln for ln in lines if _is_long(ln, page)]
        if long_lines:
            own[page.number] = max(ln.x1 for ln in long_lines)
            ends[_size_key(page)].update(round(ln.x1) for ln in long_lines)
            left = _shared_edge([ln.x0 for ln in long_lines], min)
            right = _shared_edge([ln.x1 for ln in long_lines], max)
            if left is not None and right is not None:
                own_edges[page.number] = (left, own[page.number])
    result = {}
    for page in pages:
        start = starts[_size_key(page)].most_common(1)
        end = ends[_size_key(page)].most_common(1)
        left, right = own_edges.get(page.number, (None, None))
        result[page.number] = _Margins(
            left=left if left is not None else float(start[0][0]) if start else 0.0,
            right=right
            if right is not None
            else max(own.get(page.number, 0.0), float(end[0][0]) if end else page.width),
        )
    return result


def _shared_edge(xs: list[float], outermost: Callable[[list[float]], float]) -> float | None:
    """The outermost x (``min`` for left, ``max`` for right) that enough of ``xs`` share."""
    shared = [x for x in xs if sum(abs(y - x) <= _EDGE_TOLERANCE for y in xs) >= _OWN_EDGE_LINES]
    return outermost(shared) if shared else None


def _is_long(line: Line, page: TextPage) -> bool:
    return line.x1 - line.x0 >= 0.4 * page.width


def _size_key(page: TextPage) -> tuple[int, int]:
    return round(page.width), round(page.height)


def _continues(prev: Line, cur: Line, body_x0: float | None, margins: _Margins) -> bool:
    """True if ``cur`` is a wrapped continuation of the paragraph ending with ``prev``."""
    size = max(prev.size, cur.size)
    if prev.spread or cur.spread:
        return False
    if abs(prev.size - cur.size) > 0.15 * size:
        return False
    if cur.top - prev.bottom > 2.0 * size:
        return False
    slack = _WRAP_SLACK if prev.text.endswith(_SENTENCE_END) else _OPEN_WRAP_SLACK
    if not prev.text.endswith(_SENTENCE_END) and (token := _UNBREAKABLE.match(cur.text)):
        slack += _HALF_WIDTH * len(token.group(0))  # "…增加" / "24,558.18万元" did not fit
    if prev.x1 < margins.right - slack * size:
        return False
    if body_x0 is None:
        if cur.x0 > prev.x0 + 0.5 * size:
            return False
        if min(prev.x0, cur.x0) > margins.left + size:
            return False  # two indented lines: a heading, then a paragraph's first line
    elif abs(cur.x0 - body_x0) > 0.5 * size:
        return False
    return not _PARAGRAPH_START.match(cur.text)


def _paragraphs(lines: list[Line], margins: _Margins) -> Iterable[Block]:
    """Merge consecutive lines of one page region into paragraph Blocks."""
    current: list[Line] = []
    for line in lines:
        if current:
            body_x0 = current[1].x0 if len(current) > 1 else None
            if not _continues(current[-1], line, body_x0, margins):
                yield _block(current)
                current = []
        current.append(line)
    if current:
        yield _block(current)


def _block(lines: list[Line]) -> Block:
    spaced = any(_SPACED_NUMBER.search(ln.text) for ln in lines)
    text = lines[0].text
    for line in lines[1:]:
        text = join_wrapped(text, line.text, spaced)
    bbox = (
        min(ln.x0 for ln in lines),
        min(ln.top for ln in lines),
        max(ln.x1 for ln in lines),
        max(ln.bottom for ln in lines),
    )
    return Block(text, lines[0].page, bbox)


def reading_order(pages: list[TextPage]) -> list[Block | RawTable]:
    """Blocks and tables per page, top to bottom; paragraphs never span a table."""
    margins = _margins(pages)
    items: list[Block | RawTable] = []
    for page in pages:
        page_margins = margins[page.number]
        tables = sorted(page.tables, key=lambda t: t.bbox[1] if t.bbox else 0.0)
        lines = sorted(page.lines, key=lambda ln: (ln.top, ln.x0))
        run: list[Line] = []
        for line in lines:
            while tables and tables[0].bbox is not None and tables[0].bbox[1] <= line.top:
                items.extend(_paragraphs(run, page_margins))
                run = []
                items.append(tables.pop(0))
            run.append(line)
        items.extend(_paragraphs(run, page_margins))
        items.extend(tables)
    return items
