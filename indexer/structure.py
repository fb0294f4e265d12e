"""Interpret a reader's :class:`Document` as a :class:`Report`.

Both readers (PDF and plain text) end here, so the txt and the PDF of one report give the
same tables: continuation grids are joined, title/code/unit lines are attached to the table
that follows them, multi-row headers become column paths, side-by-side tables (收入 | 支出)
are split into logical rows, and every cell gets its exact Decimal value and unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.model import (
    Block,
    Cell,
    Document,
    Paragraph,
    RawCell,
    RawTable,
    Report,
    Row,
    Table,
)
from indexer.numbers import is_amount, normalize_text, parse_amount, squash
from indexer.standard_tables import classify_table

_TABLE_CODE = re.compile(r"公开\s*0?(\d{1,2})\s*表")
_UNIT = re.compile(r"单位\s*[：:]\s*(万元|千元|元)")
_DEPT = re.compile(r"(?:预算主管部门|预算单位|编制部门|编制单位|部门)\s*[：:]\s*(.+)")
_YEAR = re.compile(r"(20\d{2})\s*年")
_HEADING = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])"
)
_CODE_TEXT = re.compile(r"^\d{3}(\s?\d{1,2}){0,3}$")
_LABEL_LEAVES = ("项目", "科目名称", "名称")
_SKIP_LEAVES = ("行次",)
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
    )
    headings: list[tuple[int, str]] = []
    pending: list[Block] = []  # short lines that may be the next table's title block
    for item in items:
        if isinstance(item, Block):
            text = normalize_text(item.text)
            if not text:
                continue
            if len(text) <= _MAX_TITLE_LEN:
                pending.append(Block(text, item.page, item.bbox))
                continue
            _flush_paragraphs(pending, headings, report)
            pending = []
            report.paragraphs.append(Paragraph(text, _path(headings), item.page, item.bbox))
        else:
            meta, before = _split_table_meta(pending)
            _flush_paragraphs(before, headings, report)
            pending = []
            table = _build_table(item, meta, len(report.tables) + 1, _path(headings))
            if table is not None:
                report.tables.append(table)
    _flush_paragraphs(pending, headings, report)
    _fill_metadata(report, doc)
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
        _is_title_line(text) or _TABLE_CODE.search(s) or _UNIT.search(s) or _DEPT.match(text)
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
        report.paragraphs.append(Paragraph(b.text, _path(headings), b.page, b.bbox))


# ---------------------------------------------------------------- table metadata


@dataclass
class _TableMeta:
    title: str = ""
    code: str | None = None
    unit: str | None = None
    department_line: str | None = None
    lines: list[Block] = field(default_factory=list)


def _is_title_line(text: str) -> bool:
    s = squash(text)
    return s.endswith("表") or "表(" in s or "表（" in s or s.endswith("表)")


def _split_table_meta(pending: list[Block]) -> tuple[_TableMeta, list[Block]]:
    """Take the title/code/department/unit lines just before a table; return the rest."""
    meta = _TableMeta()
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
        if m := _DEPT.match(text):
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


def _text(c: RawCell) -> str:
    return " ".join(c.text.split()) if c.text else ""


def _join_continuations(items: list[Block | RawTable]) -> list[Block | RawTable]:
    """Join a table that directly follows another (no text between) into one grid."""
    out: list[Block | RawTable] = []
    for item in items:
        prev = out[-1] if out else None
        if isinstance(item, RawTable) and isinstance(prev, RawTable):
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
                _is_title_line(line) or _UNIT.search(squash(line)) or _DEPT.match(line)
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
    header = {"".join(squash(_text(c)) for c in row) for row in first[:6]}
    n = 0
    while n < len(cont):
        texts = [squash(_text(c)) for c in cont[n]]
        first_text = next((t for t in texts if t), "")
        if "".join(texts) not in header and first_text != "栏次":
            break
        n += 1
    return cont[n:]


def _is_data_row(cells: list[str]) -> bool:
    first = next((c for c in cells if c), "")
    if squash(first) in {"合计", "总计"}:
        # a total row, unless other header words stand beside it (合计 | 因公出国(境)费 | …)
        return not any(c and not is_amount(c) for c in cells[cells.index(first) + 1 :])
    if squash(first) == "栏次":
        return False
    return any(is_amount(c) and not _CODE_TEXT.match(c) for c in cells) or any(
        _CODE_TEXT.match(c) for c in cells[:2]
    )


def _header_paths(header: list[list[str]], width: int) -> list[tuple[str, ...]]:
    """Column paths from multi-row headers; spanning labels fill right until the next label."""
    filled: list[list[str]] = []
    for r, row in enumerate(header):
        is_last = r == len(header) - 1
        cur: list[str] = []
        last, last_col = "", -1
        above = filled[r - 1] if r else None
        for j in range(width):
            t = squash(row[j]) if j < len(row) else ""
            if t:
                last, last_col = t, j
                cur.append(t)
            elif not is_last and last and (above is None or above[j] == above[last_col]):
                cur.append(last)  # a spanning label, within its parent's span
            else:
                cur.append("")
        filled.append(cur)
    paths: list[tuple[str, ...]] = []
    for j in range(width):
        segs: list[str] = []
        for r in range(len(filled)):
            t = filled[r][j]
            if t and (not segs or segs[-1] != t) and t != "栏次":
                segs.append(t)
        paths.append(tuple(segs))
    return paths


def _groups(paths: list[tuple[str, ...]]) -> list[tuple[int, int]]:
    """Split side-by-side tables (项目|行次|金额|项目|行次|合计|…) into column ranges.

    A new group starts wherever the first column's header leaf (项目, 科目编码) repeats.
    """
    leaves = [p[-1] if p else "" for p in paths]
    if not paths or not any(k in "".join(paths[0]) for k in ("项目", "科目", "编码", "名称")):
        return [(0, len(leaves))]  # only a label column repeats (not 预算数 | 决算数 pairs)
    starts = [j for j, leaf in enumerate(leaves) if leaf and leaf == leaves[0]]
    if len(starts) < 2 or starts[1] - starts[0] < 2:
        return [(0, len(leaves))]
    bounds = [*starts, len(leaves)]
    return [(bounds[k], bounds[k + 1]) for k in range(len(starts))]


def _build_table(
    raw: RawTable, meta: _TableMeta, table_id: int, section: tuple[str, ...]
) -> Table | None:
    grid = [[_text(c) for c in row] for row in raw.grid]
    if not grid:
        return None
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]
    title = meta.title or ""
    kind = classify_table(title, meta.code)
    pages = [c.page for row in raw.grid for c in row if c.page is not None]
    table = Table(
        id=table_id,
        title=title,
        code=meta.code,
        unit=meta.unit,
        columns=[],
        rows=[],
        kind=kind,
        department_line=meta.department_line,
        page_start=min(pages) if pages else raw.page,
        page_end=max(pages) if pages else raw.page,
        section=section,
    )
    if kind in ("unit_perf", "project_perf"):
        table.rows = _form_rows(raw, grid)
        return table
    n_header = 0
    while n_header < len(grid) and not _is_data_row(grid[n_header]):
        n_header += 1
    if n_header == len(grid):  # an empty table: header only
        n_header = len(grid)
    header = [r for r in grid[:n_header] if squash(next((c for c in r if c), "")) != "栏次"]
    paths = _header_paths(header, width)
    table.columns = paths
    for g, (lo, hi) in enumerate(_groups(paths)):
        _add_group_rows(table, raw, grid, n_header, (g, lo, hi), paths)
    table.rows = _adopt_orphan_values(table.rows)
    return table


def _is_code_column(path: tuple[str, ...]) -> bool:
    """科目编码 columns, including codes split into 类 | 款 | 项 columns."""
    leaf = path[-1] if path else ""
    return "编码" in leaf or (leaf in ("类", "款", "项") and any("编码" in p for p in path))


def _label_and_code_columns(
    paths: list[tuple[str, ...]], grid: list[list[str]], lo: int, hi: int
) -> tuple[list[int], int | None]:
    code_cols = [j for j in range(lo, hi) if _is_code_column(paths[j])]
    # codes split over columns whose header says nothing (类/款/项 printed in the body)
    for j in range(lo, hi):
        texts = [r[j] for r in grid if r[j]]
        if (
            code_cols
            and j == code_cols[-1] + 1
            and texts
            and sum(bool(re.fullmatch(r"\d{2}", t)) for t in texts) >= 0.8 * len(texts)
        ):
            code_cols.append(j)
    label_col = None
    for j in range(lo, hi):
        leaf = paths[j][-1] if paths[j] else ""
        if j not in code_cols and any(leaf.endswith(k) for k in _LABEL_LEAVES):
            label_col = j
            break
    if label_col is None:
        # the first column whose cells are mostly non-numeric text
        for j in range(lo, hi):
            if j in code_cols:
                continue
            texts = [r[j] for r in grid if r[j]]
            if texts and sum(not is_amount(t) for t in texts) >= len(texts) / 2:
                label_col = j
                break
    return code_cols, label_col


def _add_group_rows(
    table: Table,
    raw: RawTable,
    grid: list[list[str]],
    n_header: int,
    span: tuple[int, int, int],
    paths: list[tuple[str, ...]],
) -> None:
    g, lo, hi = span
    body = grid[n_header:]
    code_cols, label_col = _label_and_code_columns(paths, body, lo, hi)
    group = None
    if (hi - lo) < len(paths) and paths[lo] and len(paths[lo]) > 1:
        group = paths[lo][0]
    for i, row in enumerate(body, start=n_header):
        label = row[label_col] if label_col is not None else ""
        code_text = "".join(row[j] for j in code_cols)
        code = None
        if code_text and _CODE_TEXT.match(code_text):
            code = re.sub(r"\s+", "", code_text)
        elif code_text and not label:
            label = code_text
        if not label and code is None:
            label = ""  # values without a label: adopted by the labelled group on their left
        cells: list[Cell] = []
        for j in range(lo, hi):
            if j in code_cols or j == label_col:
                continue
            path = paths[j]
            if path and path[-1] in _SKIP_LEAVES:
                continue
            text = row[j]
            rc = raw.grid[i][j] if j < len(raw.grid[i]) else RawCell("")
            cells.append(
                Cell(
                    column=path,
                    text=text,
                    value=parse_amount(text),
                    unit=_cell_unit(text, path, table.unit),
                    page=rc.page,
                    bbox=rc.bbox,
                )
            )
        first = raw.grid[i][label_col if label_col is not None else lo]
        table.rows.append(
            Row(
                index=i * 10 + g,
                label=label,
                cells=cells,
                code=code,
                group=group,
                page=first.page,
                bbox=_row_bbox(raw.grid[i][lo:hi]),
            )
        )


def _adopt_orphan_values(rows: list[Row]) -> list[Row]:
    """Side-by-side rows whose values drifted into the next group join the labelled row.

    E.g. ``公用经费合计 | | | … | 458.52``: the label sits in group 2, the figure in group 3.
    Rows with neither label nor code are dropped after that.
    """
    rows.sort(key=lambda r: r.index)
    out: list[Row] = []
    for row in rows:
        if row.label or row.code:
            out.append(row)
            continue
        filled = [c for c in row.cells if c.text]
        prev = out[-1] if out else None
        if filled and (prev is None or prev.index // 10 != row.index // 10):
            out.append(row)  # an unlabelled figures-only row (e.g. a one-line 三公 table)
            continue
        if filled and prev is not None:
            empty = [c for c in prev.cells if not c.text]
            for src, dst in zip(filled, empty[-len(filled) :], strict=False):
                dst.text, dst.value, dst.unit = src.text, src.value, src.unit
                dst.page, dst.bbox = src.page, src.bbox
    return out


def _form_rows(raw: RawTable, grid: list[list[str]]) -> list[Row]:
    """Performance tables are forms: a row is its first text and the texts after it."""
    rows = []
    for i, row in enumerate(grid):
        texts = [(j, t) for j, t in enumerate(row) if t]
        if not texts:
            continue
        label = texts[0][1]
        cells = [
            Cell(
                column=(f"第{j + 1}列",),
                text=t,
                value=parse_amount(t),
                unit="%" if t.endswith("%") else None,
                page=raw.grid[i][j].page,
                bbox=raw.grid[i][j].bbox,
            )
            for j, t in texts[1:]
        ]
        rows.append(
            Row(
                i * 10,
                label,
                cells,
                page=raw.grid[i][texts[0][0]].page,
                bbox=_row_bbox(raw.grid[i]),
            )
        )
    return rows


def _row_bbox(cells: list[RawCell]):
    boxes = [c.bbox for c in cells if c.bbox]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _cell_unit(text: str, path: tuple[str, ...], table_unit: str | None) -> str | None:
    if not text:
        return None
    if text.endswith("%"):
        return "%"
    leaf = path[-1] if path else ""
    if "得分" in leaf or "分值" in leaf:
        return "分"
    if "率" in leaf or "比例" in leaf or "占比" in leaf:
        return "%"
    return table_unit


# ---------------------------------------------------------------- report metadata


def _fill_metadata(report: Report, doc: Document) -> None:
    """Department, year and kind as the document states them (cover, table lines)."""
    early = [p.text for p in report.paragraphs[:12]]
    first_lines = (
        [p.text for p in report.paragraphs if p.page in (None, 1)][:8]
        if doc.format == "pdf"
        else early[:6]
    )
    cover = " ".join(first_lines)
    all_titles = " ".join(t.title for t in report.tables)
    report.kind = "决算" if "决算" in (cover or all_titles) or "决算" in all_titles else "预算"
    m = _YEAR.search(squash(cover)) or _YEAR.search(squash(all_titles))
    report.year = int(m.group(1)) if m else None
    report.department = _department(first_lines, report)
    scope = "单位" if "单位预算" in squash(cover) else "部门"
    year = f"{report.year}年度" if report.year else ""
    report.title = f"{report.department} {year}{scope}{report.kind}".strip()


def _department(first_lines: list[str], report: Report) -> str:
    for text in first_lines:
        if m := _DEPT.match(text):
            return _clean_department(m.group(1))
    for t in report.tables:
        if t.department_line and (m := _DEPT.match(t.department_line)):
            return _clean_department(m.group(1))
    # the cover: the lines before the one that says which year's report it is
    name = ""
    for text in first_lines:
        s = squash(text)
        if re.search(r"(年度|年).*(决算|预算)|^(决算|预算)|^年度", s) or _YEAR.fullmatch(s):
            head = re.split(r"20\d{2}", s)[0]
            name += head if not re.search(r"(决算|预算)", head) else ""
            break
        if re.fullmatch(r"20\d{2}", s):
            continue
        name += s
    return _clean_department(name)


def _clean_department(text: str) -> str:
    s = squash(text)
    s = re.split(r"20\d{2}年|金额单位|单位[：:]", s)[0]
    return s.strip("：: ")
