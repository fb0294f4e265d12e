"""Read a budget-report PDF into a :class:`~indexer.model.Document` with pdfplumber.

Each page is parsed once: ``find_tables()`` gives the ruled tables (their cells are
filled from ``page.chars``), the characters outside the kept tables become words, the
words become lines, and after all pages are read the lines are cleaned of running
headers/footers and merged into paragraphs using document-wide margin statistics.
"""

from __future__ import annotations

import hashlib
import io
import logging
import multiprocessing
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfplumber.utils import extract_text, extract_words

from indexer.errors import CorruptFileError, EncryptedFileError, NoTextLayerError
from indexer.model import BBox, Block, Document, RawCell, RawTable

log = logging.getLogger(__name__)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACED_NUMBER = re.compile(r"[\u3400-\u9fff] [0-9A-Za-z]|[0-9A-Za-z] [\u3400-\u9fff]")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_SPACES = re.compile(r" {2,}")
_TOC_LEADER = re.compile(r"…{2,}|\.{4,}|·{4,}|-{6,}")
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


@dataclass
class _Line:
    text: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    size: float  # median word height, about the font size
    spread: bool  # words separated by wide gaps: a multi-column line, never merged


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line] = field(default_factory=list)
    tables: list[RawTable] = field(default_factory=list)


def read_pdf(
    path: str | Path,
    progress: Callable[[int, int], None] | None = None,
    workers: int = min(2, os.cpu_count() or 1),
) -> Document:
    """Read a PDF into narrative Blocks and RawTables in reading order.

    Long PDFs are read by ``workers`` processes, a batch of pages each (pdfminer's layout
    analysis is the cost and is CPU-bound). ``progress(done_pages, total_pages)`` is called
    as pages finish. Raises
    :class:`CorruptFileError`, :class:`EncryptedFileError` or :class:`NoTextLayerError`
    (with a Chinese ``message``) for files that cannot be indexed.
    """
    path = Path(path)
    data = path.read_bytes()
    name = path.name
    if b"%PDF-" not in data[:1024]:
        raise CorruptFileError(str(path), _corrupt_message(name))
    with _pdf_errors(path):
        pdf = pdfplumber.open(io.BytesIO(data))
    with pdf:
        with _pdf_errors(path):
            meta_title = _meta_title(pdf.metadata)
            total = len(pdf.pages)
        pages = None
        if total >= PARALLEL_MIN_PAGES and workers > 1:
            try:
                pages = _read_pages_parallel(path, total, workers, progress)
            except BrokenProcessPool:  # e.g. a __main__ that worker processes cannot import
                log.warning("parallel PDF reading unavailable; reading %s in one process", name)
        if pages is None:
            pages = []
            for page in pdf.pages:
                with _pdf_errors(path):
                    pages.append(_read_page(page))
                    page.close()
                if progress is not None:
                    progress(len(pages), total)
    if not any(p.lines or p.tables for p in pages):
        raise NoTextLayerError(
            str(path),
            f"文件没有可提取的文字层（可能是扫描件）：{name}。请先进行文字识别（OCR）后再索引。",
        )
    _drop_running_lines(pages)
    return Document(
        source_path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        format="pdf",
        page_count=len(pages),
        items=_reading_order(pages),
        meta_title=meta_title,
    )


PARALLEL_MIN_PAGES = 24
_BATCH = 12


def _read_batch(path: str, numbers: list[int]) -> list[_Page]:
    """Read some pages of a PDF (in a worker process)."""
    with _pdf_errors(Path(path)), pdfplumber.open(path) as pdf:
        out = []
        for n in numbers:
            page = pdf.pages[n]
            out.append(_read_page(page))
            page.close()
        return out


def _read_pages_parallel(
    path: Path, total: int, workers: int, progress: Callable[[int, int], None] | None
) -> list[_Page]:
    batches = [list(range(i, min(i + _BATCH, total))) for i in range(0, total, _BATCH)]
    done = 0
    pages: list[_Page] = []
    ctx = multiprocessing.get_context("spawn")  # no fork of a parent holding model threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        for batch in pool.map(_read_batch, [str(path)] * len(batches), batches):
            pages += batch
            done += len(batch)
            if progress is not None:
                progress(done, total)
    return pages


def _corrupt_message(name: str) -> str:
    return f"文件已损坏或不是有效的 PDF，无法读取：{name}。请重新下载或导出该报告后再试。"


@contextmanager
def _pdf_errors(path: Path) -> Iterator[None]:
    """Turn whatever pdfminer raises on a damaged or encrypted file into a ReportError."""
    try:
        yield
    except Exception as exc:  # pdfminer raises many exception types on damaged input
        if _is_encryption_error(exc):
            raise EncryptedFileError(
                str(path),
                f"文件设置了密码保护，无法读取：{path.name}。"
                "请先解除密码保护（或导出不加密的 PDF）后再试。",
            ) from exc
        raise CorruptFileError(str(path), _corrupt_message(path.name)) from exc


def _is_encryption_error(exc: BaseException | None) -> bool:
    """True if ``exc`` or anything it wraps is a pdfminer encryption error."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, PDFEncryptionError):
            return True
        if any(isinstance(a, PDFEncryptionError) for a in exc.args):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _meta_title(metadata: dict[str, Any]) -> str | None:
    title = metadata.get("Title")
    if isinstance(title, bytes):
        title = title.decode("utf-8", errors="ignore")
    if not isinstance(title, str):
        return None
    return title.strip() or None


# ---------------------------------------------------------------- one page


def _read_page(page: Any) -> _Page:
    number = page.page_number
    result = _Page(number, float(page.width), float(page.height))
    # Text placed outside the page (overflowing text boxes) is invisible: ignore it.
    chars = [c for c in page.chars if _center_in_any(c, [page.bbox])]
    if not any(c["text"].strip() for c in chars):
        return result
    boxes: list[BBox] = []
    for table in _ruled_page(page).find_tables():
        raw = _raw_table(table, chars, number)
        if raw is not None:
            result.tables.append(raw)
            boxes.append(raw.bbox)
    outside = [c for c in chars if not _center_in_any(c, boxes)] if boxes else chars
    result.lines = _lines(extract_words(outside), number)
    return result


def _ruled_page(page: Any) -> Any:
    """The page without invisible rectangles (white fill, no stroke) for finding tables.

    Spreadsheet exports paint a white background behind the whole sheet; its edges would
    otherwise frame the title lines and the table as one giant cell.
    """
    if not any(_is_invisible(r) for r in page.rects):
        return page
    return page.filter(lambda obj: obj.get("object_type") != "rect" or not _is_invisible(obj))


def _is_invisible(rect: dict[str, Any]) -> bool:
    if not rect.get("fill") or rect.get("stroke"):
        return False
    color = rect.get("non_stroking_color")
    if isinstance(color, int | float):
        color = (color,)
    if not isinstance(color, tuple | list):
        return False
    if len(color) == 4:  # CMYK white is no ink at all
        return all(v == 0 for v in color)
    return len(color) in (1, 3) and all(v == 1 for v in color)


def _center_in_any(obj: dict[str, Any], boxes: list[BBox]) -> bool:
    h = (obj["x0"] + obj["x1"]) / 2
    v = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= h < x1 and top <= v < bottom for x0, top, x1, bottom in boxes)


def _within(
    centered: list[tuple[float, float, dict[str, Any]]], box: BBox
) -> list[tuple[float, float, dict[str, Any]]]:
    x0, top, x1, bottom = box
    return [item for item in centered if x0 <= item[0] < x1 and top <= item[1] < bottom]


def _raw_table(table: Any, chars: list[dict[str, Any]], page: int) -> RawTable | None:
    """The table as a RawTable, or None if it is a frame, a TOC or otherwise empty.

    Cell text is built like ``Table.extract()``: the chars whose centre is in the cell.
    """
    bbox: BBox = tuple(float(v) for v in table.bbox)  # type: ignore[assignment]
    centered = _within(
        [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2, c) for c in chars], bbox
    )
    grid: list[list[RawCell]] = []
    for row in table.rows:
        row_chars = _within(centered, row.bbox)
        cells: list[RawCell] = []
        for cell in row.cells:
            if cell is None:
                cells.append(RawCell(None, page, None))
                continue
            cell_box: BBox = tuple(float(v) for v in cell)  # type: ignore[assignment]
            cell_chars = [item[2] for item in _within(row_chars, cell_box)]
            text = clean_cell_text(extract_text(cell_chars)) if cell_chars else ""
            cells.append(RawCell(text, page, cell_box))
        grid.append(cells)
    width = max((len(r) for r in grid), default=0)
    for row_cells in grid:
        row_cells.extend(RawCell(None, page, None) for _ in range(width - len(row_cells)))
    return RawTable(grid, page, bbox) if _is_data_table(grid) else None


def _is_data_table(grid: list[list[RawCell]]) -> bool:
    """False for page frames, boxes and tables of contents (kept as narrative instead)."""
    if not grid or len(grid[0]) < 2:
        return False
    texts = [c.text for row in grid for c in row if c.text]
    if not texts:
        return False
    leaders = sum(1 for t in texts if _TOC_LEADER.search(t))
    return leaders * 2 < len(texts)


def clean_cell_text(text: str) -> str:
    """Join a cell's wrapped lines (no space between CJK, one between ASCII words)."""
    parts = [_SPACES.sub(" ", p.strip()) for p in text.split("\n")]
    joined = ""
    for part in parts:
        if part:
            joined = join_wrapped(joined, part) if joined else part
    return joined


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


def _lines(words: list[dict[str, Any]], page: int) -> list[_Line]:
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
            _Line(
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


def _in_band(line: _Line, page: _Page, band: float) -> bool:
    return line.bottom <= page.height * band or line.top >= page.height * (1 - band)


def _drop_running_lines(pages: list[_Page]) -> None:
    """Remove page numbers and running headers/footers near the top/bottom page edges."""
    seen: Counter[tuple[str, int, int]] = Counter()
    for page in pages:
        seen.update(
            {_position_key(ln, page) for ln in page.lines if _in_band(ln, page, _REPEAT_BAND)}
        )
    min_pages = max(_REPEAT_MIN_PAGES, len(pages) // 5)

    def running(line: _Line, page: _Page) -> bool:
        if _in_band(line, page, _NUMBER_BAND) and _PAGE_NUMBER.match(line.text):
            return True
        return (
            _in_band(line, page, _REPEAT_BAND)
            and len(line.text) <= _REPEAT_MAX_LEN
            and seen[_position_key(line, page)] >= min_pages
        )

    for page in pages:
        page.lines = [ln for ln in page.lines if not running(ln, page)]


def _position_key(line: _Line, page: _Page) -> tuple[str, int, int]:
    # Position relative to the nearer page edge, so portrait and landscape footers match.
    from_bottom = line.top > page.height / 2
    offset = page.height - line.bottom if from_bottom else line.top
    return line.text, int(from_bottom), round(offset / 4)


@dataclass
class _Margins:
    left: float
    right: float


def _margins(pages: list[_Page]) -> dict[int, _Margins]:
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


def _is_long(line: _Line, page: _Page) -> bool:
    return line.x1 - line.x0 >= 0.4 * page.width


def _size_key(page: _Page) -> tuple[int, int]:
    return round(page.width), round(page.height)


def _continues(prev: _Line, cur: _Line, body_x0: float | None, margins: _Margins) -> bool:
    """True if ``cur`` is a wrapped continuation of the paragraph ending with ``prev``."""
    size = max(prev.size, cur.size)
    if prev.spread or cur.spread:
        return False
    if abs(prev.size - cur.size) > 0.15 * size:
        return False
    if cur.top - prev.bottom > 2.0 * size:
        return False
    slack = _WRAP_SLACK if prev.text.endswith(_SENTENCE_END) else _OPEN_WRAP_SLACK
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


def _paragraphs(lines: list[_Line], margins: _Margins) -> Iterable[Block]:
    """Merge consecutive lines of one page region into paragraph Blocks."""
    current: list[_Line] = []
    for line in lines:
        if current:
            body_x0 = current[1].x0 if len(current) > 1 else None
            if not _continues(current[-1], line, body_x0, margins):
                yield _block(current)
                current = []
        current.append(line)
    if current:
        yield _block(current)


def _block(lines: list[_Line]) -> Block:
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


def _reading_order(pages: list[_Page]) -> list[Block | RawTable]:
    """Blocks and tables per page, top to bottom; paragraphs never span a table."""
    margins = _margins(pages)
    items: list[Block | RawTable] = []
    for page in pages:
        page_margins = margins[page.number]
        tables = sorted(page.tables, key=lambda t: t.bbox[1] if t.bbox else 0.0)
        lines = sorted(page.lines, key=lambda ln: (ln.top, ln.x0))
        run: list[_Line] = []
        for line in lines:
            while tables and tables[0].bbox is not None and tables[0].bbox[1] <= line.top:
                items.extend(_paragraphs(run, page_margins))
                run = []
                items.append(tables.pop(0))
            run.append(line)
        items.extend(_paragraphs(run, page_margins))
        items.extend(tables)
    return items
