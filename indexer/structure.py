"""Interpret a reader's :class:`Document` as a :class:`Report`.

Both readers (PDF and plain text) end here, so the txt and the PDF of one report give the
same tables: continuation grids are joined, title/code/department/unit lines printed above
(or inside the frame of) a table are attached to it, and :mod:`indexer.table_build` types the
grid. Metadata (department, year, kind) comes from :mod:`indexer.report_meta`.
"""

from __future__ import annotations

import re

from indexer.model import Block, Document, Paragraph, RawCell, RawTable, Report, SourceFile
from indexer.numbers import is_amount, normalize_text, squash
from indexer.report_meta import DEPT_LINE, fill_metadata
from indexer.table_build import TableMeta, build_table, cell_text

_TABLE_CODE = re.compile(r"公开\s*0?(\d{1,2})\s*表")
_UNIT = re.compile(r"单位\s*[：:]\s*(万元|千元|元)")
# where the department/unit part of a table's title line starts
_META_KEY = re.compile(r"(?:预算主管部门|预算单位|编制部门|编制单位|金额单位|部门|单位)\s*[：:]")
_HEADING = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])"
)
_MAX_TITLE_LEN = 60


def build_report(doc: Document) -> Report:
    """Turn a reader's document into a report with sections, paragraphs and typed tables."""
    items = _join_continuations(_lift_title_rows(_merge_page_breaks(doc.items)))
    report = Report(
        department="",
        year=None,
        kind="",
        title="",
        source_path=doc.source_path,
        sha256=doc.sha256,
        format=doc.format,
        page_count=doc.page_count,
        files=[SourceFile(doc.source_path, doc.sha256, doc.format, doc.page_count)],
    )
    headings: list[tuple[int, str]] = []
    pending: list[Block] = []  # short lines that may be the next table's title block
    for item in items:
        if isinstance(item, Block):
            text = normalize_text(item.text)
            if not text:
                continue
            if len(text) <= _MAX_TITLE_LEN:
                pending += [Block(t, item.page, item.bbox) for t in _split_title_line(text)]
                continue
            _flush_paragraphs(pending, headings, report)
            pending = []
            report.paragraphs.append(
                Paragraph(text, _path(headings), item.page, item.bbox, doc.source_path)
            )
        else:
            meta, before = _split_table_meta(pending)
            _flush_paragraphs(before, headings, report)
            pending = []
            table = build_table(
                item, meta, len(report.tables) + 1, _path(headings), doc.source_path
            )
            if table is not None:
                report.tables.append(table)
    _flush_paragraphs(pending, headings, report)
    fill_metadata(report)
    return report


# ---------------------------------------------------------------- narrative


_TERMINAL = tuple("。；：！？…;:!?）)”")
_SHORT_REMARK_END = re.compile(r"[（(][^（()）]{1,2}[)）]$")  # 因公出国（境） | 团组…: mid-phrase
_ENUMERATION = re.compile(
    r"^\s*(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]\D)"
)


def _merge_page_breaks(items: list[Block | RawTable]) -> list[Block | RawTable]:
    """A paragraph cut by a page break is one paragraph: join a block that does not end a
    sentence with the first block of the next page unless that one starts something new."""
    out: list[Block | RawTable] = []
    for item in items:
        prev = out[-1] if out else None
        if (
            isinstance(item, Block)
            and isinstance(prev, Block)
            and prev.page is not None
            and item.page == prev.page + 1
            and len(prev.text.strip()) >= 20
            and _open_ended(prev.text.rstrip())
            and not _starts_something(item.text)
            and not _is_table_line(prev.text)
        ):
            out[-1] = Block(prev.text.rstrip() + item.text.strip(), prev.page, prev.bbox)
            continue
        out.append(item)
    return out


def _open_ended(text: str) -> bool:
    """The text does not end a sentence: no end mark, or a short qualifier in brackets that
    stands inside a phrase (``全年安排因公出国（境）``, ``行政事业单位养老支出（款）``)."""
    return not text.endswith(_TERMINAL) or bool(_SHORT_REMARK_END.search(text))


def _is_table_line(text: str) -> bool:
    """A table's title, code, department or unit line."""
    s = squash(text)
    return bool(
        _is_title_line(text) or _TABLE_CODE.search(s) or _UNIT.search(s) or DEPT_LINE.match(text)
    )


def _starts_something(text: str) -> bool:
    """A heading, an enumerated item, or a table line."""
    return bool(_ENUMERATION.match(text)) or _is_table_line(text)


def _heading_level(text: str) -> int | None:
    m = _HEADING.match(text)
    if not m or len(text) > 40:
        return None
    tok = m.group(1)
    if tok.startswith("第"):
        return 1
    if tok.endswith("、"):
        return 2
    return 3


def _path(headings: list[tuple[int, str]]) -> tuple[str, ...]:
    return tuple(h for _, h in headings)


def _flush_paragraphs(blocks: list[Block], headings: list[tuple[int, str]], report: Report) -> None:
    """Short blocks that were not a table title: headings update the path; all are text."""
    for b in blocks:
        level = _heading_level(b.text)
        if level is not None:
            while headings and headings[-1][0] >= level:
                headings.pop()
            headings.append((level, b.text))
        report.paragraphs.append(
            Paragraph(b.text, _path(headings), b.page, b.bbox, report.source_path)
        )


# ---------------------------------------------------------------- table metadata


def _split_title_line(text: str) -> list[str]:
    """``收支预算总表部门：某厅 单位：万元`` printed as one line: the title, then the rest."""
    m = _META_KEY.search(text)
    if m is None or m.start() == 0 or not _is_title_line(text[: m.start()]):
        return [text]
    return [text[: m.start()].strip(), text[m.start() :].strip()]


def _is_title_line(text: str) -> bool:
    s = squash(text)
    return s.endswith("表") or "表(" in s or "表（" in s or s.endswith("表)")


def _split_table_meta(pending: list[Block]) -> tuple[TableMeta, list[Block]]:
    """Take the title/code/department/unit lines just before a table; return the rest."""
    meta = TableMeta()
    start = len(pending)
    for i in range(len(pending) - 1, -1, -1):
        text = pending[i].text
        s = squash(text)
        recognised = False
        if m := _TABLE_CODE.search(s):
            meta.code = meta.code or f"公开{int(m.group(1)):02d}表"
            recognised = True
        if m := _UNIT.search(s):
            meta.unit = meta.unit or m.group(1)
            recognised = True
        if m := DEPT_LINE.match(text):
            meta.department_line = meta.department_line or text
            recognised = True
        if re.fullmatch(r"(20\d{2}年(年)?度?|\(?（?20\d{2}年度?\)?）?)", s):
            recognised = True
        if not recognised and _is_title_line(text) and not s.startswith("注"):
            if meta.title:
                break
            meta.title = text
            recognised = True
        if not recognised and s in {"“”", '""', "“", "”"}:
            recognised = True
        if not recognised:
            break
        start = i
    meta.lines = pending[start:]
    return meta, pending[:start]


# ---------------------------------------------------------------- grids


def _join_continuations(items: list[Block | RawTable]) -> list[Block | RawTable]:
    """Join a table that continues another on the next page (no text between) into one grid.

    Two tables on one page stay two tables.
    """
    out: list[Block | RawTable] = []
    for item in items:
        prev = out[-1] if out else None
        if isinstance(item, RawTable) and isinstance(prev, RawTable) and _next_page(prev, item):
            rows = _drop_repeated_header(prev.grid, item.grid)
            if rows and prev.grid and len(rows[0]) != len(prev.grid[0]):
                rows = [_realign(r, prev.grid) for r in rows]
            width = max(len(r) for r in prev.grid + rows) if prev.grid or rows else 0
            prev.grid = [_pad(r, width) for r in prev.grid] + [_pad(r, width) for r in rows]
            continue
        if isinstance(item, RawTable):
            item = RawTable([list(r) for r in item.grid], item.page, item.bbox)
        out.append(item)
    return out


def _next_page(first: RawTable, cont: RawTable) -> bool:
    """True if ``cont`` starts on a later page than ``first`` ends (or pages are unknown)."""
    pages = [c.page for row in first.grid for c in row if c.page is not None]
    last = max(pages, default=first.page)
    return last is None or cont.page is None or cont.page > last


def _lift_title_rows(items: list[Block | RawTable]) -> list[Block | RawTable]:
    """Title/unit lines that a table frame encloses (one-cell rows at its top) become Blocks."""
    out: list[Block | RawTable] = []
    for item in items:
        if not isinstance(item, RawTable):
            out.append(item)
            continue
        n = 0
        while n < len(item.grid) - 1:
            texts = [c for c in item.grid[n] if c.text and c.text.strip()]
            if not texts:  # an empty ruled row above the title
                n += 1
                continue
            line = " ".join(c.text for c in texts) if len(texts) <= 3 else ""
            if any(is_amount(c.text) for c in texts) or not (
                _is_title_line(line) or _UNIT.search(squash(line)) or DEPT_LINE.match(line)
            ):
                break
            out.append(Block(line, texts[0].page, texts[0].bbox))
            n += 1
        out.append(RawTable(item.grid[n:], item.page, item.bbox) if n else item)
    return out


def _realign(row: list[RawCell], grid: list[list[RawCell]]) -> list[RawCell]:
    """Place a continuation row of another width under the first grid's columns by x-position."""
    width = len(grid[0])
    spans: list[tuple[float, float] | None] = []
    for j in range(width):
        xs = [(r[j].bbox[0], r[j].bbox[2]) for r in grid if j < len(r) and r[j].bbox]
        spans.append((min(x[0] for x in xs), max(x[1] for x in xs)) if xs else None)
    out = [RawCell(None, row[0].page if row else None) for _ in range(width)]
    for cell in row:
        if cell.bbox is None or cell.text is None:
            continue
        x0, x1 = cell.bbox[0], cell.bbox[2]
        best, best_overlap = None, 0.0
        for j, span in enumerate(spans):
            if span is None:
                continue
            overlap = min(x1, span[1]) - max(x0, span[0])
            if overlap > best_overlap + 1e-6 and out[j].text is None:
                best, best_overlap = j, overlap
                if x0 <= span[0] + 2:  # a merged cell starts in its leftmost column
                    break
        if best is not None:
            out[best] = cell
    return [c if c.text is not None else RawCell("", c.page) for c in out]


def _pad(row: list[RawCell], width: int) -> list[RawCell]:
    page = row[0].page if row else None
    return row + [RawCell("", page) for _ in range(width - len(row))]


def _drop_repeated_header(
    first: list[list[RawCell]], cont: list[list[RawCell]]
) -> list[list[RawCell]]:
    """Drop the leading rows of a continuation that repeat the first grid's header rows
    (compared without spaces) or are its 栏次 line."""
    header = {"".join(squash(cell_text(c)) for c in row) for row in first[:6]}
    n = 0
    while n < len(cont):
        texts = [squash(cell_text(c)) for c in cont[n]]
        first_text = next((t for t in texts if t), "")
        if "".join(texts) not in header and first_text != "栏次":
            break
        n += 1
    return cont[n:]
