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
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfplumber.utils import extract_text, extract_words

from indexer.errors import CorruptFileError, EncryptedFileError, NoTextLayerError
from indexer.model import BBox, Document, RawCell, RawTable
from indexer.pdf_layout import TextPage, drop_running_lines, join_wrapped, page_lines, reading_order

log = logging.getLogger(__name__)
_SPACES = re.compile(r" {2,}")
_TOC_LEADER = re.compile(r"…{2,}|\.{4,}|·{4,}|-{6,}")


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
    drop_running_lines(pages)
    return Document(
        source_path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        format="pdf",
        page_count=len(pages),
        items=reading_order(pages),
        meta_title=meta_title,
    )


PARALLEL_MIN_PAGES = 24
_BATCH = 12


def _read_batch(path: str, numbers: list[int]) -> list[TextPage]:
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
) -> list[TextPage]:
    batches = [list(range(i, min(i + _BATCH, total))) for i in range(0, total, _BATCH)]
    done = 0
    pages: list[TextPage] = []
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


def _read_page(page: Any) -> TextPage:
    number = page.page_number
    result = TextPage(number, float(page.width), float(page.height))
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
    result.lines = page_lines(extract_words(outside), number)
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
